/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of src/verify/pck_leaf.c (the PCK leaf DER walker) and
 * src/verify/pem_split.c: every real leaf gives the fields OpenSSL's parser gives;
 * truncations, bit flips and stray text are rejected without crashing.
 */
#include "test_util.h"

#include <openssl/x509.h>
#include <string.h>
#include <veritee/evidence.h>

#include "common/ossl.h"
#include "verify/pck_leaf.h"
#include "verify/pem_split.h"

typedef struct {
    uint8_t *quote;
    size_t quote_len;
    vt_quote_t q;
    vt_pem_block_t pem[3];
    uint8_t *der[3]; /* OPENSSL_free */
    size_t der_len[3];
} chain_t;

static void chain_load(const char *name, chain_t *c)
{
    memset(c, 0, sizeof(*c));
    vt_test_read_vector(name, "quote.bin", &c->quote, &c->quote_len);
    vt_assert_ok(vt_quote_parse_ex(c->quote, c->quote_len, VT_QUOTE_PARSE_ANY_TRAILING, &c->q));
    vt_assert_ok(vt_pem_split(c->q.cert_data, c->q.cert_len, 3, c->pem));
    for (size_t i = 0; i < 3; i++)
        vt_assert_ok(vt_pem_block_decode(&c->pem[i], &c->der[i], &c->der_len[i]));
}

static void chain_free(chain_t *c)
{
    for (size_t i = 0; i < 3; i++) OPENSSL_free(c->der[i]);
    free(c->quote);
}

static int64_t span_time(const vt_der_span_t *s)
{
    const unsigned char *p = s->p;
    ASN1_TIME *t = d2i_ASN1_TIME(NULL, &p, (long)s->len);
    vt_time_t out = 0;
    assert_non_null(t);
    vt_assert_ok(vt_asn1_time_to_time(t, &out));
    ASN1_TIME_free(t);
    return out;
}

/* The walker agrees with OpenSSL on every field of every real PCK leaf. */
static void agrees_with_openssl(void **state)
{
    (void)state;
    for (size_t i = 0; vt_test_dcap_vectors[i]; i++) {
        chain_t c;
        vt_pck_leaf_t leaf;
        X509 *x = NULL;
        STACK_OF(X509) *sk = NULL;
        chain_load(vt_test_dcap_vectors[i], &c);
        vt_assert_ok(vt_x509_chain_parse_pem(c.q.cert_data, c.q.cert_len, 3, &sk));
        x = sk_X509_value(sk, 0);
        vt_assert_ok(vt_pck_leaf_parse(c.der[0], c.der_len[0], &leaf));

        char cn[128];
        vt_assert_ok(vt_der_name_cn(&leaf.subject, cn, sizeof(cn)));
        assert_string_equal(cn, "Intel SGX PCK Certificate");
        const unsigned char *name_der = NULL;
        size_t name_len = 0;
        assert_int_equal(X509_NAME_get0_der(X509_get_issuer_name(x), &name_der, &name_len), 1);
        assert_int_equal(leaf.issuer.len, name_len);
        assert_memory_equal(leaf.issuer.p, name_der, name_len);
        const unsigned char *sp = leaf.serial.p;
        ASN1_INTEGER *serial = d2i_ASN1_INTEGER(NULL, &sp, (long)leaf.serial.len);
        assert_int_equal(ASN1_INTEGER_cmp(serial, X509_get0_serialNumber(x)), 0);
        ASN1_INTEGER_free(serial);
        uint8_t point[64];
        vt_assert_ok(vt_p256_key_to_point(X509_get0_pubkey(x), point));
        assert_memory_equal(leaf.point, point, 64);
        vt_time_t nb, na;
        vt_assert_ok(vt_asn1_time_to_time(X509_get0_notBefore(x), &nb));
        vt_assert_ok(vt_asn1_time_to_time(X509_get0_notAfter(x), &na));
        assert_int_equal(span_time(&leaf.not_before), nb);
        assert_int_equal(span_time(&leaf.not_after), na);
        vt_pck_ext_t a, b;
        vt_assert_ok(vt_pck_ext_parse(leaf.sgx_ext.p, leaf.sgx_ext.len, &a));
        vt_assert_ok(vt_pck_ext_from_cert_der(c.der[0], c.der_len[0], &b));
        assert_memory_equal(&a, &b, sizeof(a));
        /* The tbs span is what the intermediate signed. */
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL,
                                              X509_get0_pubkey(sk_X509_value(sk, 1))),
                         1);
        assert_int_equal(
            EVP_DigestVerify(md, leaf.signature.p, leaf.signature.len, leaf.tbs.p, leaf.tbs.len),
            1);
        EVP_MD_CTX_free(md);
        sk_X509_pop_free(sk, X509_free);
        chain_free(&c);
    }
}

static void rejects_truncation_and_trailing_bytes(void **state)
{
    (void)state;
    chain_t c;
    vt_pck_leaf_t leaf;
    chain_load("sgx-v3-phala-processorca", &c);
    for (size_t len = 0; len < c.der_len[0]; len++) {
        int rc = vt_pck_leaf_parse(c.der[0], len, &leaf);
        assert_true(rc == VT_E_TRUNCATED || rc == VT_E_MALFORMED);
    }
    uint8_t *longer = malloc(c.der_len[0] + 1);
    memcpy(longer, c.der[0], c.der_len[0]);
    longer[c.der_len[0]] = 0;
    vt_assert_rc(vt_pck_leaf_parse(longer, c.der_len[0] + 1, &leaf), VT_E_MALFORMED);
    free(longer);
    /* Not a PCK leaf: the intermediate has no SGX extension; the root has basic fields
     * only, so both are refused. */
    assert_true(vt_pck_leaf_parse(c.der[1], c.der_len[1], &leaf) < 0);
    assert_true(vt_pck_leaf_parse(c.der[2], c.der_len[2], &leaf) < 0);
    chain_free(&c);
}

/* Every byte flipped: the walker returns a code or a parse whose spans stay in bounds. */
static void survives_every_byte_flip(void **state)
{
    (void)state;
    chain_t c;
    chain_load("tdx-v4-phala-uptodate", &c);
    uint8_t *copy = malloc(c.der_len[0]);
    for (size_t i = 0; i < c.der_len[0]; i++) {
        vt_pck_leaf_t leaf;
        memcpy(copy, c.der[0], c.der_len[0]);
        copy[i] ^= 0xff;
        if (vt_pck_leaf_parse(copy, c.der_len[0], &leaf) != 0) continue;
        const vt_der_span_t *spans[] = {&leaf.tbs,     &leaf.serial,     &leaf.issuer,
                                        &leaf.subject, &leaf.not_before, &leaf.not_after,
                                        &leaf.sgx_ext, &leaf.signature};
        for (size_t s = 0; s < sizeof(spans) / sizeof(spans[0]); s++) {
            assert_true(spans[s]->p >= copy && spans[s]->p + spans[s]->len <= copy + c.der_len[0]);
        }
        char cn[16];
        int cn_rc = vt_der_name_cn(&leaf.subject, cn, sizeof(cn));
        assert_true(cn_rc == 0 || cn_rc < 0);
        assert_true(strlen(cn) < sizeof(cn));
    }
    free(copy);
    chain_free(&c);
}

static void pem_split_is_strict(void **state)
{
    (void)state;
    chain_t c;
    vt_pem_block_t b[4];
    chain_load("sgx-v3-phala-processorca", &c);
    const uint8_t *pem = c.q.cert_data;
    size_t len = c.q.cert_len;

    vt_assert_rc(vt_pem_split(pem, len, 2, b), VT_E_CHAIN);
    vt_assert_rc(vt_pem_split(pem, len, 4, b), VT_E_CHAIN);
    /* Only whitespace and NUL around blocks. */
    char *text = malloc(len + 16);
    memcpy(text, "\n \t", 3);
    memcpy(text + 3, pem, len);
    vt_assert_ok(vt_pem_split((uint8_t *)text, len + 3, 3, b));
    text[1] = 'x';
    vt_assert_rc(vt_pem_split((uint8_t *)text, len + 3, 3, b), VT_E_MALFORMED);
    memcpy(text, pem, len);
    memcpy(text + len, "junk", 4);
    vt_assert_rc(vt_pem_split((uint8_t *)text, len + 4, 3, b), VT_E_MALFORMED);
    /* Truncated anywhere: never three whole blocks. */
    for (size_t n = 0; n < len - 2; n++) assert_true(vt_pem_split(pem, n, 3, b) < 0);
    /* A stray character in a body splits but does not decode. */
    memcpy(text, pem, len);
    char *body = strstr(text, "-----BEGIN CERTIFICATE-----\n") + 40;
    *body = '*';
    vt_assert_ok(vt_pem_split((uint8_t *)text, len, 3, b));
    uint8_t *der = NULL;
    size_t der_len = 0;
    vt_assert_rc(vt_pem_block_decode(&b[0], &der, &der_len), VT_E_MALFORMED);
    free(text);
    chain_free(&c);
}

/* The canonical text of the root matches the quotes' (the fast path in pck_chain.c). */
static void canonical_pem_body(void **state)
{
    (void)state;
    for (size_t i = 0; vt_test_dcap_vectors[i]; i++) {
        chain_t c;
        uint8_t *body = NULL;
        size_t body_len = 0;
        chain_load(vt_test_dcap_vectors[i], &c);
        for (size_t k = 0; k < 3; k++) {
            vt_assert_ok(vt_pem_body_from_der(c.der[k], c.der_len[k], &body, &body_len));
            assert_int_equal(body_len, c.pem[k].body_len);
            assert_memory_equal(body, c.pem[k].body, body_len);
            OPENSSL_free(body);
        }
        chain_free(&c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(agrees_with_openssl),
        cmocka_unit_test(rejects_truncation_and_trailing_bytes),
        cmocka_unit_test(survives_every_byte_flip),
        cmocka_unit_test(pem_split_is_strict),
        cmocka_unit_test(canonical_pem_body),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
