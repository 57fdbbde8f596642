/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vt_collateral_check against every real vector with its root, the date bookkeeping
 * (dcap.md §5.1 step 4), the lazy PCK CRL check, and tampering with every signed part:
 * the inner JSON objects, the signatures, the issuer chains, the CRLs and the anchor.
 */
#define _GNU_SOURCE
#include "test_util.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <string.h>

#include "collateral/checked.h"
#include "collateral/signed_json.h"
#include "common/ossl.h"

static X509 *read_root(const char *vector)
{
    uint8_t *der;
    size_t len;
    X509 *root = NULL;
    vt_test_read_vector(vector, "root_ca.der", &der, &len);
    vt_assert_ok(vt_x509_parse(der, len, &root));
    free(der);
    return root;
}

static void load(const char *vector, vt_collateral_t *c)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s", vt_test_vector_path(vector, ""));
    vt_assert_ok(vt_collateral_load_dir(dir, c));
}

/* expected.json's collateral_window is [latest issue, earliest expiration] (§5.1 step 4). */
static void read_window(const char *vector, vt_time_t *from, vt_time_t *to)
{
    uint8_t *buf;
    size_t len;
    vt_test_read_vector(vector, "expected.json", &buf, &len);
    json_t *root = json_loadb((const char *)buf, len, 0, NULL);
    assert_non_null(root);
    json_t *w = json_object_get(root, "collateral_window");
    vt_assert_ok(vt_time_parse(json_string_value(json_array_get(w, 0)), from));
    vt_assert_ok(vt_time_parse(json_string_value(json_array_get(w, 1)), to));
    json_decref(root);
    free(buf);
}

static vt_time_t min4(vt_time_t a, vt_time_t b, vt_time_t c, vt_time_t d)
{
    vt_time_t m = a < b ? a : b;
    m = m < c ? m : c;
    return m < d ? m : d;
}

static vt_time_t crl_next_update(X509_CRL *crl)
{
    vt_time_t t;
    vt_assert_ok(vt_asn1_time_to_time(X509_CRL_get0_nextUpdate(crl), &t));
    return t;
}

static void passes_for_every_vector(void **state)
{
    (void)state;
    for (size_t v = 0; vt_test_dcap_vectors[v] != NULL; v++) {
        const char *name = vt_test_dcap_vectors[v];
        vt_collateral_t raw;
        vt_checked_collateral_t *c = NULL;
        vt_time_t from, to;
        X509 *root = read_root(name);
        load(name, &raw);
        int rc = vt_collateral_check(&raw, root, &c);
        if (rc != 0) print_error("vector %s\n", name);
        vt_assert_ok(rc);
        assert_non_null(c->tcb_info);
        assert_non_null(c->qe_identity);
        assert_non_null(c->tcb_signer);
        assert_non_null(c->qe_signer);
        assert_non_null(c->root_crl);
        assert_non_null(c->pck_crl);
        assert_int_equal(c->pck_crl_issuer != NULL, raw.pck_crl_issuer_chain != NULL);
        assert_int_equal(c->is_pck_crl_verified, raw.pck_crl_issuer_chain != NULL);
        read_window(name, &from, &to);
        assert_int_equal(c->latest_issue, from);
        assert_int_equal(c->earliest_expiration, to);
        assert_true(c->earliest_issue <= c->latest_issue);
        /* The trusted root's notBefore (2018) is the earliest date of all. */
        vt_time_t root_from;
        vt_assert_ok(vt_asn1_time_to_time(X509_get0_notBefore(root), &root_from));
        assert_int_equal(c->earliest_issue, root_from);
        assert_int_equal(c->refresh_after,
                         min4(c->tcb_info->next_update, c->qe_identity->next_update,
                              crl_next_update(c->root_crl), crl_next_update(c->pck_crl)));
        vt_checked_collateral_unref(c);
        vt_collateral_cleanup(&raw);
        X509_free(root);
    }
}

/* Replaces the first occurrence of from in *buf (a collateral buffer) with to. */
static void replace_in(uint8_t **buf, size_t *len, const char *from, const char *to)
{
    uint8_t *at = memmem(*buf, *len, from, strlen(from));
    if (at == NULL) {
        print_error("test bug: \"%s\" not found\n", from);
        fail();
    }
    size_t pre = (size_t)(at - *buf), fl = strlen(from), tl = strlen(to);
    uint8_t *out = malloc(*len - fl + tl + 1);
    memcpy(out, *buf, pre);
    memcpy(out + pre, to, tl);
    memcpy(out + pre + tl, at + fl, *len - pre - fl);
    free(*buf);
    *buf = out;
    *len = *len - fl + tl;
    out[*len] = '\0';
}

static X509 *new_self_signed(const char *cn, EVP_PKEY *key, const X509_NAME *name_like)
{
    X509 *x = X509_new();
    X509_NAME *name = name_like ? X509_NAME_dup(name_like) : X509_NAME_new();
    if (name_like == NULL)
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 42);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_subject_name(x, name);
    X509_set_issuer_name(x, name);
    X509_set_pubkey(x, key);
    assert_true(X509_sign(x, key, EVP_sha256()) > 0);
    X509_NAME_free(name);
    return x;
}

static X509 *first_cert(const char *vector, const char *file)
{
    uint8_t *pem;
    size_t len;
    STACK_OF(X509) *chain = NULL;
    vt_test_read_vector(vector, file, &pem, &len);
    vt_assert_ok(vt_x509_chain_parse_pem(pem, len, 4, &chain));
    X509 *x = sk_X509_shift(chain);
    sk_X509_pop_free(chain, X509_free);
    free(pem);
    return x;
}

#define PLATFORM_CRL_VECTOR "sgx-v3-dcaprs-tcbinfov2" /* PCK CRL by the Platform CA, no chain */

static void checks_the_pck_crl_lazily(void **state)
{
    (void)state;
    vt_collateral_t raw;
    vt_checked_collateral_t *c = NULL;
    X509 *root = read_root(PLATFORM_CRL_VECTOR);
    X509 *platform = first_cert("tdx-v4-phala-uptodate", "pck_crl_issuer_chain.pem");
    X509 *processor = first_cert("sgx-v3-phala-processorca", "pck_crl_issuer_chain.pem");
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *forged = new_self_signed(NULL, key, X509_get_subject_name(platform));
    load(PLATFORM_CRL_VECTOR, &raw);
    vt_assert_ok(vt_collateral_check(&raw, root, &c));
    assert_false(c->is_pck_crl_verified);

    vt_assert_rc(vt_checked_collateral_verify_pck_crl(c, processor), VT_E_COLLATERAL);
    vt_assert_rc(vt_checked_collateral_verify_pck_crl(c, forged), VT_E_SIGNATURE);
    assert_false(c->is_pck_crl_verified);
    vt_assert_ok(vt_checked_collateral_verify_pck_crl(c, platform));
    assert_true(c->is_pck_crl_verified);
    vt_assert_ok(vt_checked_collateral_verify_pck_crl(c, platform)); /* memoized */
    /* The memo is per issuer: another certificate is checked from scratch. */
    vt_assert_rc(vt_checked_collateral_verify_pck_crl(c, forged), VT_E_SIGNATURE);
    vt_assert_ok(vt_checked_collateral_verify_pck_crl(c, platform));

    vt_checked_collateral_unref(c);
    vt_collateral_cleanup(&raw);
    X509_free(forged);
    EVP_PKEY_free(key);
    X509_free(platform);
    X509_free(processor);
    X509_free(root);
}

#define V "sgx-v3-phala-processorca"

typedef void (*mutate_fn)(vt_collateral_t *raw);

static int check_mutated(const char *vector, mutate_fn mutate)
{
    vt_collateral_t raw;
    vt_checked_collateral_t *c = NULL;
    X509 *root = read_root(vector);
    load(vector, &raw);
    mutate(&raw);
    int rc = vt_collateral_check(&raw, root, &c);
    assert_true(rc < 0 || c != NULL);
    vt_checked_collateral_unref(c);
    vt_collateral_cleanup(&raw);
    X509_free(root);
    return rc;
}

static void flip_tcb_date(vt_collateral_t *r)
{
    replace_in(&r->tcb_info, &r->tcb_info_len, "\"tcbDate\":\"2024-03-13T00:00:00Z\"",
               "\"tcbDate\":\"2024-03-14T00:00:00Z\"");
}

static void flip_qe_svn(vt_collateral_t *r)
{
    replace_in(&r->qe_identity, &r->qe_identity_len, "\"isvsvn\":8", "\"isvsvn\":9");
}

/* Changes one hex digit of the signature, keeping it hex. */
static void flip_signature_digit(uint8_t *json, size_t len)
{
    uint8_t *at = memmem(json, len, "\"signature\":\"", 13);
    assert_non_null(at);
    at[13 + 40] = at[13 + 40] == '0' ? '1' : '0';
}

static void flip_tcb_signature(vt_collateral_t *r)
{
    flip_signature_digit(r->tcb_info, r->tcb_info_len);
}

static void flip_qe_signature(vt_collateral_t *r)
{
    flip_signature_digit(r->qe_identity, r->qe_identity_len);
}

/* The whitespace PCS never sends is still a change to the signed bytes. */
static void add_space_in_body(vt_collateral_t *r)
{
    replace_in(&r->tcb_info, &r->tcb_info_len, "\"version\":3", "\"version\": 3");
}

static void rejects_tampered_documents(void **state)
{
    (void)state;
    vt_assert_rc(check_mutated(V, flip_tcb_date), VT_E_SIGNATURE);
    assert_non_null(
        strstr(vt_last_error(), "tcb info: signature does not verify with the tcb signing key"));
    vt_assert_rc(check_mutated(V, flip_qe_svn), VT_E_SIGNATURE);
    assert_non_null(
        strstr(vt_last_error(), "qe identity: signature does not verify with the tcb signing key"));
    vt_assert_rc(check_mutated(V, flip_tcb_signature), VT_E_SIGNATURE);
    assert_non_null(strstr(vt_last_error(), "tcb info"));
    vt_assert_rc(check_mutated(V, flip_qe_signature), VT_E_SIGNATURE);
    assert_non_null(strstr(vt_last_error(), "qe identity"));
    vt_assert_rc(check_mutated(V, add_space_in_body), VT_E_SIGNATURE);
    vt_assert_rc(check_mutated("tdx-v4-dcaprs-00806f050000", flip_tcb_signature), VT_E_SIGNATURE);
    vt_assert_rc(check_mutated("sgx-v3-dcaprs-tcbinfov2", flip_qe_signature), VT_E_SIGNATURE);
}

static void write_chain(uint8_t **buf, size_t *len, X509 *const *certs, size_t n)
{
    BIO *bio = BIO_new(BIO_s_mem());
    for (size_t i = 0; i < n; i++) assert_int_equal(PEM_write_bio_X509(bio, certs[i]), 1);
    char *p;
    long plen = BIO_get_mem_data(bio, &p);
    free(*buf);
    *buf = malloc((size_t)plen + 1);
    memcpy(*buf, p, (size_t)plen);
    (*buf)[plen] = '\0';
    *len = (size_t)plen;
    BIO_free(bio);
}

/* Rewrites a chain [signer, root] as the certificates picked by order ("s" signer, "r" root). */
static void reorder_chain(uint8_t **buf, size_t *len, const char *order)
{
    STACK_OF(X509) *chain = NULL;
    X509 *certs[8];
    size_t n = 0;
    vt_assert_ok(vt_x509_chain_parse_pem(*buf, *len, 4, &chain));
    assert_int_equal(sk_X509_num(chain), 2);
    for (const char *o = order; *o; o++) certs[n++] = sk_X509_value(chain, *o == 's' ? 0 : 1);
    write_chain(buf, len, certs, n);
    sk_X509_pop_free(chain, X509_free);
}

static void tcb_chain_s(vt_collateral_t *r)
{
    reorder_chain(&r->tcb_info_issuer_chain, &r->tcb_info_issuer_chain_len, "s");
}
static void tcb_chain_rs(vt_collateral_t *r)
{
    reorder_chain(&r->tcb_info_issuer_chain, &r->tcb_info_issuer_chain_len, "rs");
}
static void tcb_chain_srr(vt_collateral_t *r)
{
    reorder_chain(&r->tcb_info_issuer_chain, &r->tcb_info_issuer_chain_len, "srr");
}
static void tcb_chain_rr(vt_collateral_t *r)
{
    reorder_chain(&r->tcb_info_issuer_chain, &r->tcb_info_issuer_chain_len, "rr");
}
static void tcb_chain_ss(vt_collateral_t *r)
{
    reorder_chain(&r->tcb_info_issuer_chain, &r->tcb_info_issuer_chain_len, "ss");
}
static void qe_chain_r(vt_collateral_t *r)
{
    reorder_chain(&r->qe_identity_issuer_chain, &r->qe_identity_issuer_chain_len, "r");
}
static void pck_chain_rs(vt_collateral_t *r)
{
    reorder_chain(&r->pck_crl_issuer_chain, &r->pck_crl_issuer_chain_len, "rs");
}
/* The PCK CA where the TCB signer belongs: right root, wrong CN. */
static void tcb_chain_from_pck(vt_collateral_t *r)
{
    free(r->tcb_info_issuer_chain);
    r->tcb_info_issuer_chain = malloc(r->pck_crl_issuer_chain_len + 1);
    memcpy(r->tcb_info_issuer_chain, r->pck_crl_issuer_chain, r->pck_crl_issuer_chain_len + 1);
    r->tcb_info_issuer_chain_len = r->pck_crl_issuer_chain_len;
}
static void tcb_chain_text(vt_collateral_t *r)
{
    replace_in(&r->tcb_info_issuer_chain, &r->tcb_info_issuer_chain_len, "-----BEGIN",
               "hello\n-----BEGIN");
}
static void tcb_chain_cut(vt_collateral_t *r)
{
    r->tcb_info_issuer_chain_len -= 200;
}
/* One bit of the signer's serial number changed in its DER: the root's signature over
 * the certificate no longer verifies, and nothing else notices. */
static void tcb_chain_tampered_signer(vt_collateral_t *r)
{
    STACK_OF(X509) *chain = NULL;
    unsigned char *der = NULL;
    vt_assert_ok(
        vt_x509_chain_parse_pem(r->tcb_info_issuer_chain, r->tcb_info_issuer_chain_len, 4, &chain));
    int n = i2d_X509(sk_X509_value(chain, 0), &der);
    const ASN1_INTEGER *serial = X509_get0_serialNumber(sk_X509_value(chain, 0));
    uint8_t *at =
        memmem(der, (size_t)n, ASN1_STRING_get0_data(serial), (size_t)ASN1_STRING_length(serial));
    assert_non_null(at);
    at[ASN1_STRING_length(serial) - 1] ^= 0x01;
    X509 *tampered = NULL;
    vt_assert_ok(vt_x509_parse(der, (size_t)n, &tampered));
    X509 *certs[2] = {tampered, sk_X509_value(chain, 1)};
    write_chain(&r->tcb_info_issuer_chain, &r->tcb_info_issuer_chain_len, certs, 2);
    X509_free(tampered);
    OPENSSL_free(der);
    sk_X509_pop_free(chain, X509_free);
}

static void rejects_bad_issuer_chains(void **state)
{
    (void)state;
    vt_assert_rc(check_mutated(V, tcb_chain_s), VT_E_CHAIN);
    assert_non_null(strstr(vt_last_error(), "tcb info issuer chain: 1 certificates, expected 2"));
    vt_assert_rc(check_mutated(V, tcb_chain_rs), VT_E_CHAIN);
    vt_assert_rc(check_mutated(V, tcb_chain_srr), VT_E_CHAIN);
    vt_assert_rc(check_mutated(V, tcb_chain_rr), VT_E_CHAIN);
    vt_assert_rc(check_mutated(V, tcb_chain_ss), VT_E_CHAIN);
    vt_assert_rc(check_mutated(V, qe_chain_r), VT_E_CHAIN);
    assert_non_null(strstr(vt_last_error(), "qe identity issuer chain"));
    vt_assert_rc(check_mutated(V, pck_chain_rs), VT_E_CHAIN);
    assert_non_null(strstr(vt_last_error(), "pck crl issuer chain"));
    vt_assert_rc(check_mutated(V, tcb_chain_from_pck), VT_E_CHAIN);
    assert_non_null(strstr(vt_last_error(), "SGX TCB Signing"));
    vt_assert_rc(check_mutated(V, tcb_chain_text), VT_E_MALFORMED);
    vt_assert_rc(check_mutated(V, tcb_chain_cut), VT_E_MALFORMED);
    vt_assert_rc(check_mutated(V, tcb_chain_tampered_signer), VT_E_CHAIN);
}

static void rejects_a_different_trust_anchor(void **state)
{
    (void)state;
    vt_collateral_t raw;
    vt_checked_collateral_t *c = NULL;
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *stranger = new_self_signed("Throwaway SGX Root CA", key, NULL);
    X509 *real = read_root(V);
    /* Same name as the real root, different key. */
    X509 *lookalike = new_self_signed(NULL, key, X509_get_subject_name(real));
    load(V, &raw);
    vt_assert_rc(vt_collateral_check(&raw, stranger, &c), VT_E_UNTRUSTED);
    assert_non_null(strstr(vt_last_error(), "not the trusted root"));
    vt_assert_rc(vt_collateral_check(&raw, lookalike, &c), VT_E_UNTRUSTED);
    /* An anchor that is not self-signed is a usage error. */
    X509 *signer = first_cert(V, "tcb_info_issuer_chain.pem");
    vt_assert_rc(vt_collateral_check(&raw, signer, &c), VT_E_INVALID_ARG);
    assert_null(c);
    X509_free(signer);
    vt_collateral_cleanup(&raw);
    X509_free(lookalike);
    X509_free(real);
    X509_free(stranger);
    EVP_PKEY_free(key);
}

/* Flips every byte of a CRL in turn: each must be refused, whatever the step. */
static void flip_every_byte(const char *vector, bool is_root_crl)
{
    vt_collateral_t raw;
    vt_checked_collateral_t *c = NULL;
    X509 *root = read_root(vector);
    load(vector, &raw);
    uint8_t *crl = is_root_crl ? raw.root_ca_crl : raw.pck_crl;
    size_t len = is_root_crl ? raw.root_ca_crl_len : raw.pck_crl_len;
    for (size_t i = 0; i < len; i++) {
        crl[i] ^= 0x01;
        int rc = vt_collateral_check(&raw, root, &c);
        if (rc == 0) print_error("%s crl: flipping byte %zu went unnoticed\n", vector, i);
        assert_true(rc < 0);
        assert_true(vt_error_type(rc) == VT_ET_PARSE || vt_error_type(rc) == VT_ET_REJECT);
        crl[i] ^= 0x01;
    }
    vt_assert_ok(vt_collateral_check(&raw, root, &c));
    vt_checked_collateral_unref(c);
    vt_collateral_cleanup(&raw);
    X509_free(root);
}

static void rejects_every_crl_byte_flip(void **state)
{
    (void)state;
    flip_every_byte(V, true);
    flip_every_byte(V, false); /* with its issuer chain: verified eagerly */
}

static void root_crl_signed_by_someone_else(vt_collateral_t *r)
{
    /* A well-formed CRL by another issuer: the Processor CA's PCK CRL. */
    free(r->root_ca_crl);
    r->root_ca_crl = malloc(r->pck_crl_len + 1);
    memcpy(r->root_ca_crl, r->pck_crl, r->pck_crl_len + 1);
    r->root_ca_crl_len = r->pck_crl_len;
}

static void pck_crl_is_the_root_crl(vt_collateral_t *r)
{
    free(r->pck_crl);
    r->pck_crl = malloc(r->root_ca_crl_len + 1);
    memcpy(r->pck_crl, r->root_ca_crl, r->root_ca_crl_len + 1);
    r->pck_crl_len = r->root_ca_crl_len;
}

static void crl_as_hex_text(vt_collateral_t *r)
{
    char *hex = malloc(2 * r->root_ca_crl_len + 1);
    vt_hex_encode(r->root_ca_crl, r->root_ca_crl_len, hex);
    free(r->root_ca_crl);
    r->root_ca_crl = (uint8_t *)hex;
    r->root_ca_crl_len = strlen(hex);
}

static void drop_root_crl(vt_collateral_t *r)
{
    free(r->root_ca_crl);
    r->root_ca_crl = NULL;
    r->root_ca_crl_len = 0;
}

static void drop_tcb_info(vt_collateral_t *r)
{
    free(r->tcb_info);
    r->tcb_info = NULL;
    r->tcb_info_len = 0;
}

static void rejects_misplaced_crls(void **state)
{
    (void)state;
    vt_assert_rc(check_mutated(V, root_crl_signed_by_someone_else), VT_E_COLLATERAL);
    assert_non_null(strstr(vt_last_error(), "root ca crl"));
    vt_assert_rc(check_mutated(V, pck_crl_is_the_root_crl), VT_E_COLLATERAL);
    assert_non_null(strstr(vt_last_error(), "pck crl"));
    vt_assert_ok(check_mutated(V, crl_as_hex_text)); /* QvE accepts hex text (§5.1 step 5) */
    vt_assert_rc(check_mutated(V, drop_root_crl), VT_E_INVALID_ARG);
    vt_assert_rc(check_mutated(V, drop_tcb_info), VT_E_INVALID_ARG);
}

/* Flips every byte of the signed inner object: parse may fail, but nothing verifies. */
static void every_signed_byte_matters(void **state)
{
    (void)state;
    uint8_t *json;
    size_t len;
    X509 *signer = first_cert(V, "tcb_info_issuer_chain.pem");
    vt_test_read_vector(V, "tcb_info.json", &json, &len);
    const size_t start = strlen("{\"tcbInfo\":");
    const size_t end = (size_t)((uint8_t *)memmem(json, len, ",\"signature\"", 12) - json);
    for (size_t i = start; i < end; i++) {
        vt_tcb_info_t *info = NULL;
        json[i] ^= 0x20;
        int rc = vt_tcb_info_parse(json, len, &info);
        if (rc == 0)
            rc = vt_signed_json_verify(X509_get0_pubkey(signer), info->signed_body,
                                       info->signed_body_len, info->signature, "tcb info", "key");
        if (rc == 0) print_error("flipping byte %zu went unnoticed\n", i);
        assert_true(rc < 0);
        vt_tcb_info_free(info);
        json[i] ^= 0x20;
    }
    free(json);
    X509_free(signer);
}

static void *ref_unref_many(void *arg)
{
    vt_checked_collateral_t *c = arg;
    for (int i = 0; i < 20000; i++) {
        vt_checked_collateral_ref(c);
        vt_checked_collateral_unref(c);
    }
    return NULL;
}

static void *verify_pck_crl_many(void *arg)
{
    vt_checked_collateral_t *c = arg;
    X509 *platform = first_cert("tdx-v4-phala-uptodate", "pck_crl_issuer_chain.pem");
    for (int i = 0; i < 50; i++) {
        if (vt_checked_collateral_verify_pck_crl(c, platform) != 0) {
            X509_free(platform);
            return (void *)1;
        }
    }
    X509_free(platform);
    return NULL;
}

static void shares_between_threads(void **state)
{
    (void)state;
    vt_collateral_t raw;
    vt_checked_collateral_t *c = NULL;
    pthread_t t[8];
    X509 *root = read_root(PLATFORM_CRL_VECTOR);
    load(PLATFORM_CRL_VECTOR, &raw);
    vt_assert_ok(vt_collateral_check(&raw, root, &c));
    for (int i = 0; i < 8; i++)
        assert_int_equal(
            pthread_create(&t[i], NULL, i % 2 ? ref_unref_many : verify_pck_crl_many, c), 0);
    for (int i = 0; i < 8; i++) {
        void *ret;
        pthread_join(t[i], &ret);
        assert_null(ret);
    }
    assert_int_equal(__atomic_load_n(&c->refs, __ATOMIC_SEQ_CST), 1);
    assert_true(c->is_pck_crl_verified);
    vt_checked_collateral_ref(c);
    vt_checked_collateral_unref(c);
    vt_checked_collateral_unref(c); /* the last one frees; ASan checks */
    vt_checked_collateral_unref(NULL);
    vt_collateral_cleanup(&raw);
    X509_free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(passes_for_every_vector),
        cmocka_unit_test(checks_the_pck_crl_lazily),
        cmocka_unit_test(rejects_tampered_documents),
        cmocka_unit_test(rejects_bad_issuer_chains),
        cmocka_unit_test(rejects_a_different_trust_anchor),
        cmocka_unit_test(rejects_every_crl_byte_flip),
        cmocka_unit_test(rejects_misplaced_crls),
        cmocka_unit_test(every_signed_byte_matters),
        cmocka_unit_test(shares_between_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
