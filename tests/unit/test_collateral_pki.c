/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Issuer-chain and CRL checks (src/collateral/collateral_pki.c) through vt_collateral_check,
 * with a small PKI built here so that the branches Intel's real collateral never takes are
 * reached: a revoked TCB signer or PCK CA (dcap.md §5.3 step 2), CRLs without the required
 * extensions or nextUpdate (§3.1, §4.5), a PCK CRL signed by an impostor, JSON signed by a
 * key other than the chain's.
 */
#define _GNU_SOURCE
#include "test_util.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <string.h>
#include <time.h>

#include "collateral/checked.h"
#include "collateral/collateral_pki.h"
#include "collateral/signed_json.h"
#include "common/ossl.h"

typedef struct {
    EVP_PKEY *root_key, *signer_key, *ca_key;
    X509 *root, *signer, *ca;
} pki_t;

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    assert_non_null(e);
    assert_int_equal(X509_add_ext(x, e, -1), 1);
    X509_EXTENSION_free(e);
}

static X509 *new_cert(const char *cn, long serial, EVP_PKEY *key, X509 *issuer,
                      EVP_PKEY *issuer_key, bool is_ca)
{
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"Veritee Tests", -1,
                               -1, 0);
    assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_gmtime_adj(X509_getm_notBefore(x), -86400);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
    X509_set_subject_name(x, name);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
    X509_set_pubkey(x, key);
    add_ext(x, issuer ? issuer : x, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "CA:FALSE");
    add_ext(x, issuer ? issuer : x, NID_subject_key_identifier, "hash");
    add_ext(x, issuer ? issuer : x, NID_authority_key_identifier, "keyid:always");
    assert_true(X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) > 0);
    X509_NAME_free(name);
    return x;
}

static void pki_make(pki_t *p)
{
    p->root_key = EVP_EC_gen("P-256");
    p->signer_key = EVP_EC_gen("P-256");
    p->ca_key = EVP_EC_gen("P-256");
    p->root = new_cert("Test SGX Root CA", 1, p->root_key, NULL, NULL, true);
    p->signer = new_cert("Test SGX TCB Signing", 0x7e, p->signer_key, p->root, p->root_key, false);
    p->ca = new_cert("Test SGX PCK Processor CA", 0xca, p->ca_key, p->root, p->root_key, true);
}

static void pki_free(pki_t *p)
{
    X509_free(p->root);
    X509_free(p->signer);
    X509_free(p->ca);
    EVP_PKEY_free(p->root_key);
    EVP_PKEY_free(p->signer_key);
    EVP_PKEY_free(p->ca_key);
}

typedef struct {
    X509 *revoked;     /* listed in the CRL, or NULL */
    bool lacks_exts;   /* no cRLNumber / AKI */
    bool lacks_next;   /* no nextUpdate */
    EVP_PKEY *sign_as; /* NULL: the issuer's key */
} crl_opts_t;

static uint8_t *der_copy(const unsigned char *der, int n, size_t *len)
{
    uint8_t *buf = malloc((size_t)n + 1);
    memcpy(buf, der, (size_t)n);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

static uint8_t *new_crl(X509 *issuer, EVP_PKEY *key, const crl_opts_t *o, size_t *len)
{
    X509_CRL *crl = X509_CRL_new();
    ASN1_TIME *t = ASN1_TIME_adj(NULL, time(NULL), -1, 0);
    ASN1_TIME *next = ASN1_TIME_adj(NULL, time(NULL), 30, 0);
    X509_CRL_set_version(crl, X509_CRL_VERSION_2);
    X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer));
    X509_CRL_set1_lastUpdate(crl, t);
    if (!o->lacks_next) X509_CRL_set1_nextUpdate(crl, next);
    if (o->revoked != NULL) {
        X509_REVOKED *r = X509_REVOKED_new();
        X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(o->revoked));
        X509_REVOKED_set_revocationDate(r, t);
        X509_CRL_add0_revoked(crl, r);
    }
    if (!o->lacks_exts) {
        ASN1_INTEGER *num = ASN1_INTEGER_new();
        ASN1_INTEGER_set(num, 1);
        assert_int_equal(X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0), 1);
        ASN1_INTEGER_free(num);
        X509V3_CTX ctx;
        X509V3_set_ctx(&ctx, issuer, NULL, NULL, crl, 0);
        X509_EXTENSION *e =
            X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier, "keyid:always");
        assert_non_null(e);
        X509_CRL_add_ext(crl, e, -1);
        X509_EXTENSION_free(e);
    }
    X509_CRL_sort(crl);
    assert_true(X509_CRL_sign(crl, o->sign_as ? o->sign_as : key, EVP_sha256()) > 0);
    unsigned char *der = NULL;
    int n = i2d_X509_CRL(crl, &der);
    uint8_t *buf = der_copy(der, n, len);
    OPENSSL_free(der);
    ASN1_TIME_free(t);
    ASN1_TIME_free(next);
    X509_CRL_free(crl);
    return buf;
}

static uint8_t *pem_chain(X509 *a, X509 *b, size_t *len)
{
    BIO *bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_X509(bio, a), 1);
    assert_int_equal(PEM_write_bio_X509(bio, b), 1);
    char *p;
    long n = BIO_get_mem_data(bio, &p);
    uint8_t *buf = der_copy((unsigned char *)p, (int)n, len);
    BIO_free(bio);
    return buf;
}

/* A vector's document re-signed with key: {"<key>":<same inner bytes>,"signature":"..."}. */
static uint8_t *resign(const char *file, const char *member, EVP_PKEY *key, size_t *len)
{
    uint8_t *json, der[80], sig[64];
    size_t json_len, off, n, der_len = sizeof(der);
    char hex[129];
    vt_test_read_vector("sgx-v3-phala-processorca", file, &json, &json_len);
    vt_assert_ok(vt_signed_json_find_span(json, json_len, member, &off, &n));
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key), 1);
    assert_int_equal(EVP_DigestSign(md, der, &der_len, json + off, n), 1);
    EVP_MD_CTX_free(md);
    vt_assert_ok(vt_ecdsa_sig_der_to_raw(der, der_len, sig));
    vt_hex_encode(sig, 64, hex);
    char *out = NULL;
    int total = asprintf(&out, "{\"%s\":%.*s,\"signature\":\"%s\"}", member, (int)n,
                         (const char *)json + off, hex);
    assert_true(total > 0);
    free(json);
    *len = (size_t)total;
    return (uint8_t *)out;
}

typedef struct {
    crl_opts_t root_crl, pck_crl;
    EVP_PKEY *json_key; /* NULL: the TCB signer's */
    X509 *pck_issuer;   /* NULL: the PCK CA */
} set_opts_t;

static void make_set(const pki_t *p, const set_opts_t *o, vt_collateral_t *c)
{
    EVP_PKEY *json_key = o->json_key ? o->json_key : p->signer_key;
    X509 *pck_issuer = o->pck_issuer ? o->pck_issuer : p->ca;
    *c = (vt_collateral_t){0};
    c->tcb_info = resign("tcb_info.json", "tcbInfo", json_key, &c->tcb_info_len);
    c->qe_identity = resign("qe_identity.json", "enclaveIdentity", json_key, &c->qe_identity_len);
    c->tcb_info_issuer_chain = pem_chain(p->signer, p->root, &c->tcb_info_issuer_chain_len);
    c->qe_identity_issuer_chain = pem_chain(p->signer, p->root, &c->qe_identity_issuer_chain_len);
    c->pck_crl_issuer_chain = pem_chain(pck_issuer, p->root, &c->pck_crl_issuer_chain_len);
    c->root_ca_crl = new_crl(p->root, p->root_key, &o->root_crl, &c->root_ca_crl_len);
    c->pck_crl = new_crl(p->ca, p->ca_key, &o->pck_crl, &c->pck_crl_len);
}

static int check_set(const pki_t *p, const set_opts_t *o)
{
    vt_collateral_t c;
    vt_checked_collateral_t *checked = NULL;
    make_set(p, o, &c);
    int rc = vt_collateral_check(&c, p->root, &checked);
    if (rc == 0) assert_true(checked->is_pck_crl_verified);
    vt_checked_collateral_unref(checked);
    vt_collateral_cleanup(&c);
    return rc;
}

static void own_pki_passes(void **state)
{
    (void)state;
    pki_t p;
    pki_make(&p);
    set_opts_t o = {0};
    vt_assert_ok(check_set(&p, &o));
    /* Revoking an unrelated certificate changes nothing. */
    o.pck_crl.revoked = p.signer;
    vt_assert_ok(check_set(&p, &o));
    pki_free(&p);
}

static void revoked_signers_are_refused(void **state)
{
    (void)state;
    pki_t p;
    pki_make(&p);
    set_opts_t o = {.root_crl.revoked = p.signer};
    vt_assert_rc(check_set(&p, &o), VT_E_REVOKED);
    assert_non_null(strstr(vt_last_error(), "tcb info issuer chain: certificate is revoked"));
    o.root_crl.revoked = p.ca;
    vt_assert_rc(check_set(&p, &o), VT_E_REVOKED);
    assert_non_null(strstr(vt_last_error(), "pck crl issuer chain: certificate is revoked"));
    pki_free(&p);
}

static void crls_need_extensions_and_next_update(void **state)
{
    (void)state;
    pki_t p;
    pki_make(&p);
    set_opts_t o = {.root_crl.lacks_exts = true};
    vt_assert_rc(check_set(&p, &o), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "root ca crl: cRLNumber or authorityKeyIdentifier"));
    o = (set_opts_t){.pck_crl.lacks_exts = true};
    vt_assert_rc(check_set(&p, &o), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "pck crl"));
    o = (set_opts_t){.pck_crl.lacks_next = true};
    vt_assert_rc(check_set(&p, &o), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "pck crl: thisUpdate or nextUpdate"));
    pki_free(&p);
}

static void impostor_signatures_are_refused(void **state)
{
    (void)state;
    pki_t p;
    pki_make(&p);
    EVP_PKEY *other = EVP_EC_gen("P-256");
    set_opts_t o = {.pck_crl.sign_as = other};
    vt_assert_rc(check_set(&p, &o), VT_E_SIGNATURE);
    assert_non_null(strstr(vt_last_error(), "pck crl: signature does not verify"));
    o = (set_opts_t){.root_crl.sign_as = other};
    vt_assert_rc(check_set(&p, &o), VT_E_SIGNATURE);
    assert_non_null(strstr(vt_last_error(), "root ca crl: signature does not verify"));
    /* JSON signed by the root instead of the TCB signer. */
    o = (set_opts_t){.json_key = p.root_key};
    vt_assert_rc(check_set(&p, &o), VT_E_SIGNATURE);
    assert_non_null(
        strstr(vt_last_error(), "tcb info: signature does not verify with the tcb signing key"));
    EVP_PKEY_free(other);
    pki_free(&p);
}

static void pck_crl_issuer_must_be_a_pck_ca(void **state)
{
    (void)state;
    pki_t p;
    pki_make(&p);
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *leaf = new_cert("Test SGX PCK Certificate", 0x1eaf, key, p.root, p.root_key, false);
    set_opts_t o = {.pck_issuer = leaf};
    vt_assert_rc(check_set(&p, &o), VT_E_CHAIN);
    assert_non_null(strstr(vt_last_error(), "not a CA"));
    o.pck_issuer = p.signer;
    vt_assert_rc(check_set(&p, &o), VT_E_CHAIN);
    assert_non_null(strstr(vt_last_error(), "does not contain \"SGX PCK\""));
    X509_free(leaf);
    EVP_PKEY_free(key);
    pki_free(&p);
}

static void module_helpers(void **state)
{
    (void)state;
    pki_t p;
    bool is_same = true;
    pki_make(&p);
    vt_assert_ok(vt_collateral_pki_validate_trust_anchor(p.root));
    vt_assert_rc(vt_collateral_pki_validate_trust_anchor(p.ca), VT_E_INVALID_ARG);
    vt_assert_ok(vt_collateral_pki_is_same_cert(p.root, p.root, &is_same));
    assert_true(is_same);
    vt_assert_ok(vt_collateral_pki_is_same_cert(p.root, p.ca, &is_same));
    assert_false(is_same);
    /* A self-issued certificate whose signature does not verify is no anchor. */
    X509 *bad = new_cert("Test SGX Root CA", 1, p.signer_key, NULL, p.root_key, true);
    vt_assert_rc(vt_collateral_pki_validate_trust_anchor(bad), VT_E_INVALID_ARG);
    X509_free(bad);
    pki_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(own_pki_passes),
        cmocka_unit_test(revoked_signers_are_refused),
        cmocka_unit_test(crls_need_extensions_and_next_update),
        cmocka_unit_test(impostor_signatures_are_refused),
        cmocka_unit_test(pck_crl_issuer_must_be_a_pck_ca),
        cmocka_unit_test(module_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
