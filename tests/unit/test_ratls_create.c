/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The RA-TLS certificate byte by byte (gramine-compat.md §3): subject and issuer,
 * serial, signature algorithm, validity in UTCTime, extension order and criticality,
 * the legacy OID bytes, the exact CBOR of the tagged evidence and claims, sizes, and
 * both REPORTDATA bindings.
 */
#define _GNU_SOURCE
#include "test_util.h"

#include <openssl/sha.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "common/ossl.h"
#include "ratls/ratls_internal.h"
#include "ratls_fixture.h"

static vt_ratls_fixture_t fx;

static int setup(void **state)
{
    (void)state;
    vt_ratls_fixture_init(&fx, VT_TCB_UP_TO_DATE, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vt_ratls_fixture_cleanup(&fx);
    return 0;
}

static void make(vt_tee_t tee, const vt_ratls_create_options_t *o, EVP_PKEY **key, X509 **cert,
                 vt_ratls_source_t *src)
{
    vt_ratls_source_init(src, &fx, tee, 0);
    vt_assert_ok(vt_ratls_create_with(vt_ratls_source_evidence, src, o, key, cert));
}

/* The raw bytes of extension i: OID content and value. */
static void ext_at(X509 *cert, int i, const uint8_t **oid, size_t *oid_len, const uint8_t **val,
                   size_t *val_len, int *critical)
{
    X509_EXTENSION *e = X509_get_ext(cert, i);
    assert_non_null(e);
    const ASN1_OBJECT *o = X509_EXTENSION_get_object(e);
    *oid_len = OBJ_length(o);
    *oid = OBJ_get0_data(o);
    const ASN1_OCTET_STRING *v = X509_EXTENSION_get_data(e);
    *val = ASN1_STRING_get0_data(v);
    *val_len = (size_t)ASN1_STRING_length(v);
    *critical = X509_EXTENSION_get_critical(e);
}

static void spki_hash(EVP_PKEY *key, uint8_t out[32], size_t *spki_len)
{
    uint8_t spki[VT_RATLS_SPKI_MAX];
    vt_assert_ok(vt_ratls_spki_get(key, spki, spki_len));
    vt_sha256(spki, *spki_len, out);
}

static void layout_p384(void **state)
{
    (void)state;
    EVP_PKEY *key;
    X509 *cert;
    vt_ratls_source_t src;
    make(VT_TEE_SGX, NULL, &key, &cert, &src);
    assert_int_equal(src.calls, 2);

    /* Version 3, serial 1, ecdsa-with-SHA256, names, P-384 key. */
    assert_int_equal(X509_get_version(cert), X509_VERSION_3);
    assert_int_equal(ASN1_INTEGER_get(X509_get0_serialNumber(cert)), 1);
    assert_int_equal(X509_get_signature_nid(cert), NID_ecdsa_with_SHA256);
    char name[128];
    X509_NAME_oneline(X509_get_subject_name(cert), name, sizeof(name));
    assert_string_equal(name, "/CN=RATLS/O=GramineDevelopers/C=US");
    assert_int_equal(X509_NAME_cmp(X509_get_subject_name(cert), X509_get_issuer_name(cert)), 0);
    /* As mbedTLS writes "CN=RATLS,O=GramineDevelopers,C=US": UTF8String, PrintableString. */
    static const uint8_t name_der[] = {
        0x30, 0x39, 0x31, 0x0e, 0x30, 0x0c, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x05, 'R',  'A',
        'T',  'L',  'S',  0x31, 0x1a, 0x30, 0x18, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x11, 'G',
        'r',  'a',  'm',  'i',  'n',  'e',  'D',  'e',  'v',  'e',  'l',  'o',  'p',  'e',  'r',
        's',  0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, 'U',  'S'};
    unsigned char *nd = NULL;
    int nd_len = i2d_X509_NAME(X509_get_subject_name(cert), &nd);
    assert_int_equal(nd_len, sizeof(name_der));
    assert_memory_equal(nd, name_der, sizeof(name_der));
    OPENSSL_free(nd);
    char group[32];
    assert_int_equal(EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof(group), NULL), 1);
    assert_string_equal(group, "secp384r1");
    uint8_t spki[VT_RATLS_SPKI_MAX];
    size_t spki_len;
    vt_assert_ok(vt_ratls_spki_get(key, spki, &spki_len));
    assert_int_equal(spki_len, 120);
    assert_int_equal(X509_verify(cert, key), 1); /* self-signed */

    /* Validity: UTCTime 010101000000Z .. 301231235959Z. */
    const ASN1_TIME *nb = X509_get0_notBefore(cert), *na = X509_get0_notAfter(cert);
    assert_int_equal(ASN1_STRING_type(nb), V_ASN1_UTCTIME);
    assert_int_equal(ASN1_STRING_type(na), V_ASN1_UTCTIME);
    assert_memory_equal(ASN1_STRING_get0_data(nb), "010101000000Z", 13);
    assert_memory_equal(ASN1_STRING_get0_data(na), "301231235959Z", 13);

    /* Extensions in Gramine's order, all non-critical. */
    assert_int_equal(X509_get_ext_count(cert), 5);
    const int nids[3] = {NID_basic_constraints, NID_subject_key_identifier,
                         NID_authority_key_identifier};
    for (int i = 0; i < 3; i++) {
        X509_EXTENSION *e = X509_get_ext(cert, i);
        assert_int_equal(OBJ_obj2nid(X509_EXTENSION_get_object(e)), nids[i]);
        assert_int_equal(X509_EXTENSION_get_critical(e), 0);
    }
    const ASN1_OCTET_STRING *bc = X509_EXTENSION_get_data(X509_get_ext(cert, 0));
    assert_int_equal(ASN1_STRING_length(bc), 2);
    assert_memory_equal(ASN1_STRING_get0_data(bc), "\x30\x00", 2); /* CA:FALSE */
    const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(cert);
    const ASN1_OCTET_STRING *aki = X509_get0_authority_key_id(cert);
    assert_non_null(ski);
    assert_non_null(aki);
    assert_int_equal(ASN1_OCTET_STRING_cmp(ski, aki), 0);
    /* RFC 5280 §4.2.1.2 method 1, as mbedTLS: SHA-1 of the subjectPublicKey bits. */
    const ASN1_BIT_STRING *bits = X509_get0_pubkey_bitstr(cert);
    uint8_t sha1[20];
    SHA1(ASN1_STRING_get0_data(bits), (size_t)ASN1_STRING_length(bits), sha1);
    assert_int_equal(ASN1_STRING_length(ski), 20);
    assert_memory_equal(ASN1_STRING_get0_data(ski), sha1, 20);

    const uint8_t *oid, *val;
    size_t oid_len, val_len;
    int crit;
    static const uint8_t legacy_oid[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                         0xf8, 0x4d, 0x8a, 0x39, 0x06};
    static const uint8_t tcg_oid[] = {0x67, 0x81, 0x05, 0x05, 0x04, 0x09};
    ext_at(cert, 3, &oid, &oid_len, &val, &val_len, &crit);
    assert_int_equal(oid_len, sizeof(legacy_oid));
    assert_memory_equal(oid, legacy_oid, sizeof(legacy_oid));
    assert_int_equal(crit, 0);
    const uint8_t *legacy = val;
    size_t legacy_len = val_len;
    ext_at(cert, 4, &oid, &oid_len, &val, &val_len, &crit);
    assert_int_equal(oid_len, sizeof(tcg_oid));
    assert_memory_equal(oid, tcg_oid, sizeof(tcg_oid));
    assert_int_equal(crit, 0);
    assert_true(legacy_len >= VT_RATLS_EXT_MIN && legacy_len <= VT_RATLS_EXT_MAX);
    assert_true(val_len >= VT_RATLS_EXT_MIN && val_len <= VT_RATLS_EXT_MAX);

    /* The DER holds the legacy OID TLV exactly as Gramine writes it. */
    uint8_t *der;
    size_t der_len;
    vt_ratls_fixture_cert_der(cert, &der, &der_len);
    static const uint8_t legacy_tlv[] = {0x06, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48,
                                         0x86, 0xf8, 0x4d, 0x8a, 0x39, 0x06};
    assert_non_null(memmem(der, der_len, legacy_tlv, sizeof(legacy_tlv)));
    static const uint8_t tcg_tlv[] = {0x06, 0x06, 0x67, 0x81, 0x05, 0x05, 0x04, 0x09};
    assert_non_null(memmem(der, der_len, tcg_tlv, sizeof(tcg_tlv)));
    free(der);

    /* Legacy: REPORTDATA = SHA-256(SPKI) || zeros. */
    uint8_t h[32], zeros[32] = {0};
    spki_hash(key, h, &spki_len);
    vt_quote_t q;
    vt_assert_ok(vt_quote_parse(legacy, legacy_len, &q));
    assert_memory_equal(q.sgx.report_data, h, 32);
    assert_memory_equal(q.sgx.report_data + 32, zeros, 32);

    /* Evidence: D9 EA 60 82 59 <len16> <quote> 58 33 <claims>; 60 bytes of overhead. */
    size_t quote_len = val_len - VT_RATLS_EVIDENCE_OVERHEAD;
    assert_memory_equal(val, "\xd9\xea\x60\x82\x59", 5);
    assert_int_equal(((size_t)val[5] << 8) | val[6], quote_len);
    const uint8_t *quote = val + 7;
    const uint8_t *tail = quote + quote_len;
    assert_int_equal(tail[0], 0x58);
    assert_int_equal(tail[1], VT_RATLS_CLAIMS_LEN);
    const uint8_t *claims = tail + 2;
    uint8_t want_claims[VT_RATLS_CLAIMS_LEN];
    memcpy(want_claims, "\xa1\x6bpubkey-hash\x58\x24\x82\x01\x58\x20", 19);
    memcpy(want_claims + 19, h, 32);
    assert_memory_equal(claims, want_claims, VT_RATLS_CLAIMS_LEN);
    assert_int_equal(claims + VT_RATLS_CLAIMS_LEN - val, val_len);
    /* hash entry is 36 bytes: 82 01 58 20 <32> */
    assert_int_equal(claims[14], VT_RATLS_HASH_ENTRY_LEN);
    vt_assert_ok(vt_quote_parse(quote, quote_len, &q));
    vt_sha256(claims, VT_RATLS_CLAIMS_LEN, h);
    assert_memory_equal(q.sgx.report_data, h, 32);
    assert_memory_equal(q.sgx.report_data + 32, zeros, 32);

    X509_free(cert);
    EVP_PKEY_free(key);
    vt_ratls_source_cleanup(&src);
}

static void p256_and_options(void **state)
{
    (void)state;
    EVP_PKEY *key;
    X509 *cert;
    vt_ratls_source_t src;
    vt_ratls_create_options_t o = {.key_type = VT_RATLS_KEY_P256,
                                   .not_before = 1700000000, /* 2023-11-14T22:13:20Z */
                                   .not_after = 2524607999,  /* 2049-12-31T23:59:59Z */
                                   .omit_legacy = true};
    make(VT_TEE_SGX, &o, &key, &cert, &src);
    assert_int_equal(src.calls, 1);
    char group[32];
    assert_int_equal(EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof(group), NULL), 1);
    assert_string_equal(group, "prime256v1");
    uint8_t spki[VT_RATLS_SPKI_MAX];
    size_t spki_len;
    vt_assert_ok(vt_ratls_spki_get(key, spki, &spki_len));
    assert_int_equal(spki_len, 91);
    assert_int_equal(X509_get_signature_nid(cert), NID_ecdsa_with_SHA256);
    assert_int_equal(X509_get_ext_count(cert), 4); /* no legacy extension */
    assert_memory_equal(ASN1_STRING_get0_data(X509_get0_notBefore(cert)), "231114221320Z", 13);
    assert_memory_equal(ASN1_STRING_get0_data(X509_get0_notAfter(cert)), "491231235959Z", 13);
    X509_free(cert);
    EVP_PKEY_free(key);
    vt_ratls_source_cleanup(&src);
}

static int failing_source(void *ctx, const uint8_t rd[VT_REPORT_DATA_LEN], uint8_t **q, size_t *len)
{
    (void)ctx;
    (void)rd;
    (void)q;
    (void)len;
    return VT_E_IO;
}

/* A source that ignores the requested REPORTDATA. */
static int unbound_source(void *ctx, const uint8_t rd[VT_REPORT_DATA_LEN], uint8_t **q, size_t *len)
{
    uint8_t other[VT_REPORT_DATA_LEN];
    memcpy(other, rd, sizeof(other));
    other[0] ^= 1;
    return vt_ratls_source_evidence(ctx, other, q, len);
}

/* A source returning an oversized quote (a valid quote with zero padding). */
static int huge_source(void *ctx, const uint8_t rd[VT_REPORT_DATA_LEN], uint8_t **q, size_t *len)
{
    uint8_t *small;
    size_t n;
    int rc = vt_ratls_source_evidence(ctx, rd, &small, &n);
    if (rc < 0) return rc;
    *q = calloc(1, VT_RATLS_EXT_MAX + 1);
    memcpy(*q, small, n);
    *len = VT_RATLS_EXT_MAX + 1;
    free(small);
    return 0;
}

static void source_errors(void **state)
{
    (void)state;
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    vt_ratls_source_t src;
    vt_ratls_source_init(&src, &fx, VT_TEE_SGX, 0);
    vt_assert_rc(vt_ratls_create_with(failing_source, &src, NULL, &key, &cert), VT_E_IO);
    assert_non_null(strstr(vt_last_error(), "legacy quote"));
    vt_assert_rc(vt_ratls_create_with(unbound_source, &src, NULL, &key, &cert), VT_E_REPORT_DATA);
    vt_assert_rc(vt_ratls_create_with(huge_source, &src, NULL, &key, &cert), VT_E_TOO_LARGE);
    vt_ratls_create_options_t bad = {.key_type = 7};
    vt_assert_rc(vt_ratls_create_with(vt_ratls_source_evidence, &src, &bad, &key, &cert),
                 VT_E_INVALID_ARG);
    vt_ratls_create_options_t backwards = {.not_before = 2000000000, .not_after = 1000000000};
    vt_assert_rc(vt_ratls_create_with(vt_ratls_source_evidence, &src, &backwards, &key, &cert),
                 VT_E_INVALID_ARG);
    /* Backwards against a default: a not-before after 2030 with the default not-after,
       a not-after before 2001 with the default not-before. */
    vt_ratls_create_options_t after_default = {.not_before = 2000000000};
    vt_assert_rc(vt_ratls_create_with(vt_ratls_source_evidence, &src, &after_default, &key, &cert),
                 VT_E_INVALID_ARG);
    vt_ratls_create_options_t before_default = {.not_after = 900000000};
    vt_assert_rc(vt_ratls_create_with(vt_ratls_source_evidence, &src, &before_default, &key, &cert),
                 VT_E_INVALID_ARG);
    assert_null(key);
    assert_null(cert);
    vt_ratls_source_cleanup(&src);
}

static void tdx_certificate(void **state)
{
    (void)state;
    EVP_PKEY *key;
    X509 *cert;
    vt_ratls_source_t src;
    make(VT_TEE_TDX, NULL, &key, &cert, &src);
    const uint8_t *oid, *val;
    size_t oid_len, val_len;
    int crit;
    ext_at(cert, 3, &oid, &oid_len, &val, &val_len, &crit);
    vt_quote_t q;
    vt_assert_ok(vt_quote_parse(val, val_len, &q));
    assert_int_equal(q.tee, VT_TEE_TDX);
    uint8_t h[32];
    size_t spki_len;
    spki_hash(key, h, &spki_len);
    assert_memory_equal(q.td.report_data, h, 32);
    X509_free(cert);
    EVP_PKEY_free(key);
    vt_ratls_source_cleanup(&src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(layout_p384),
        cmocka_unit_test(p256_and_options),
        cmocka_unit_test(source_errors),
        cmocka_unit_test(tdx_certificate),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
