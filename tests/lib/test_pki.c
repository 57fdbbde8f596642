/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A test PKI (root, PCK CA, PCK leaf, TCB signer, CRLs, signed TCB info and QE identity,
 * an SGX v3 quote) for negative tests; see test_pki.h. Built fresh by every call, with
 * fresh keys, so tests never share state. One file (tests/meson.build lists the test
 * library's sources), hence a little over the 400-line guideline.
 */
#include "test_pki.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <veritee/evidence.h>

#include "common/ossl.h"
#include "test_util.h"

/* 2025-01-01T00:00:00Z: fixed, so the documents and dates are reproducible. */
#define PKI_NOW  1735689600
#define DAY      86400
#define JSON_MAX 8192

static const uint8_t pki_fmspc[VT_FMSPC_LEN] = {0x00, 0x90, 0x6e, 0xd5, 0x00, 0x00};
static const uint8_t pki_comp_svn[VT_PCK_TCB_COMPONENTS] = {3, 3, 2, 2, 3, 1, 0, 5};
#define PKI_PCESVN    13
#define PKI_QE_ISVSVN 8
static const uint8_t qe_mrsigner[32] = {0x8c, 0x4f, 0x57, 0x75, 0xd7, 0x96, 0x50, 0x3e};

typedef struct {
    EVP_PKEY *root_key, *ca_key, *pck_key, *tcb_key, *att_key;
    X509 *root, *ca, *pck, *tcb;
} pki_t;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            print_error("test pki: %s failed (%s)\n", #cond, vt_last_error()); \
            fail();                                                            \
        }                                                                      \
    } while (0)

/* ---- certificates ---------------------------------------------------------------- */

static X509_NAME *intel_like_name(const char *cn)
{
    X509_NAME *n = X509_NAME_new();
    CHECK(n != NULL);
    CHECK(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1,
                                     0) == 1);
    CHECK(X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8, (const unsigned char *)"Veritee Test",
                                     -1, -1, 0) == 1);
    CHECK(X509_NAME_add_entry_by_txt(n, "C", MBSTRING_UTF8, (const unsigned char *)"US", -1, -1,
                                     0) == 1);
    return n;
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    CHECK(e != NULL && X509_add_ext(x, e, -1) == 1);
    X509_EXTENSION_free(e);
}

static void add_sgx_ext(X509 *x)
{
    vt_pck_ext_t ext = {.pce_svn = PKI_PCESVN, .sgx_type = VT_SGX_TYPE_STANDARD};
    uint8_t *der = NULL;
    size_t len = 0;
    memcpy(ext.comp_svn, pki_comp_svn, sizeof(ext.comp_svn));
    memcpy(ext.cpu_svn, pki_comp_svn, sizeof(ext.cpu_svn));
    memcpy(ext.fmspc, pki_fmspc, sizeof(ext.fmspc));
    memset(ext.ppid, 0x42, sizeof(ext.ppid));
    vt_assert_ok(vt_pck_ext_serialize(&ext, &der, &len));
    ASN1_OBJECT *oid = OBJ_txt2obj(VT_SGX_EXTENSION_OID, 1);
    ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
    CHECK(oid && os && ASN1_OCTET_STRING_set(os, der, (int)len) == 1);
    X509_EXTENSION *e = X509_EXTENSION_create_by_OBJ(NULL, oid, 0, os);
    CHECK(e != NULL && X509_add_ext(x, e, -1) == 1);
    X509_EXTENSION_free(e);
    ASN1_OCTET_STRING_free(os);
    ASN1_OBJECT_free(oid);
    free(der);
}

/* An unsigned certificate for key, issued by issuer (NULL: self-issued). */
static X509 *make_cert(const char *cn, long serial, EVP_PKEY *key, X509 *issuer, const char *basic,
                       const char *usage)
{
    X509 *x = X509_new();
    X509_NAME *name = intel_like_name(cn);
    CHECK(x && X509_set_version(x, 2) == 1);
    CHECK(ASN1_INTEGER_set(X509_get_serialNumber(x), serial) == 1);
    CHECK(X509_set_subject_name(x, name) == 1);
    CHECK(X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) == 1);
    CHECK(X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &(time_t){PKI_NOW - DAY}) != NULL);
    CHECK(X509_time_adj_ex(X509_getm_notAfter(x), 3650, 0, &(time_t){PKI_NOW}) != NULL);
    CHECK(X509_set_pubkey(x, key) == 1);
    add_ext(x, issuer, NID_basic_constraints, basic);
    add_ext(x, issuer, NID_key_usage, usage);
    add_ext(x, issuer, NID_subject_key_identifier, "hash");
    add_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
    add_ext(x, issuer, NID_crl_distribution_points, "URI:https://veritee.invalid/crl.der");
    X509_NAME_free(name);
    return x;
}

static void sign_cert(X509 *x, EVP_PKEY *issuer_key)
{
    CHECK(X509_sign(x, issuer_key, EVP_sha256()) > 0);
}

static void make_certs(const vt_test_pki_options_t *o, pki_t *k)
{
    k->root_key = EVP_EC_gen("P-256");
    k->ca_key = EVP_EC_gen("P-256");
    k->pck_key = EVP_EC_gen("P-256");
    k->tcb_key = EVP_EC_gen("P-256");
    k->att_key = EVP_EC_gen("P-256");
    CHECK(k->root_key && k->ca_key && k->pck_key && k->tcb_key && k->att_key);
    k->root = make_cert(o->root_cn ? o->root_cn : "Veritee SIMULATED SGX Root CA", 1, k->root_key,
                        NULL, "critical,CA:TRUE,pathlen:1", "critical,keyCertSign,cRLSign");
    sign_cert(k->root, k->root_key);
    k->ca = make_cert("Veritee Test SGX PCK Processor CA", 2, k->ca_key, k->root,
                      "critical,CA:TRUE,pathlen:0", "critical,keyCertSign,cRLSign");
    sign_cert(k->ca, k->root_key);
    k->tcb = make_cert("Veritee Test SGX TCB Signing", 3, k->tcb_key, k->root, "critical,CA:FALSE",
                       "critical,digitalSignature,nonRepudiation");
    sign_cert(k->tcb, k->root_key);
    k->pck = make_cert("Veritee Test SGX PCK Certificate", o->pck_serial ? o->pck_serial : 0x5a17,
                       k->pck_key, k->ca, "critical,CA:FALSE",
                       "critical,digitalSignature,nonRepudiation");
    add_sgx_ext(k->pck);
    sign_cert(k->pck, k->ca_key);
}

static void pki_free(pki_t *k)
{
    EVP_PKEY_free(k->root_key);
    EVP_PKEY_free(k->ca_key);
    EVP_PKEY_free(k->pck_key);
    EVP_PKEY_free(k->tcb_key);
    EVP_PKEY_free(k->att_key);
    X509_free(k->root);
    X509_free(k->ca);
    X509_free(k->pck);
    X509_free(k->tcb);
}

/* ---- encodings ------------------------------------------------------------------- */

static void append_pem(BIO *b, X509 *x)
{
    CHECK(PEM_write_bio_X509(b, x) == 1);
}

/* Takes a BIO's bytes as a heap buffer, NUL-terminated one past len (vt_collateral_t). */
static uint8_t *bio_take(BIO *b, size_t *len)
{
    char *p = NULL;
    long n = BIO_get_mem_data(b, &p);
    CHECK(n >= 0);
    uint8_t *out = malloc((size_t)n + 1);
    CHECK(out != NULL);
    memcpy(out, p, (size_t)n);
    out[n] = 0;
    *len = (size_t)n;
    BIO_free(b);
    return out;
}

static uint8_t *chain_pem(size_t *len, X509 *a, X509 *b, X509 *c)
{
    BIO *bio = BIO_new(BIO_s_mem());
    CHECK(bio != NULL);
    append_pem(bio, a);
    append_pem(bio, b);
    if (c) append_pem(bio, c);
    return bio_take(bio, len);
}

static uint8_t *der_of(X509 *x, size_t *len)
{
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der);
    CHECK(n > 0);
    uint8_t *out = malloc((size_t)n + 1);
    memcpy(out, der, (size_t)n);
    out[n] = 0;
    *len = (size_t)n;
    OPENSSL_free(der);
    return out;
}

static void add_revoked(X509_CRL *crl, const ASN1_INTEGER *serial)
{
    X509_REVOKED *r = X509_REVOKED_new();
    ASN1_TIME *t = ASN1_TIME_set(NULL, PKI_NOW - DAY);
    CHECK(r && t && X509_REVOKED_set_serialNumber(r, (ASN1_INTEGER *)serial) == 1);
    CHECK(X509_REVOKED_set_revocationDate(r, t) == 1 && X509_CRL_add0_revoked(crl, r) == 1);
    ASN1_TIME_free(t);
}

/* A v2 CRL with cRLNumber and AKI (dcap.md §4.5), DER, listing revoked (or nothing). */
static uint8_t *make_crl(X509 *issuer, EVP_PKEY *key, const ASN1_INTEGER *revoked, size_t *len)
{
    X509_CRL *crl = X509_CRL_new();
    ASN1_TIME *t = ASN1_TIME_set(NULL, PKI_NOW - 3600);
    ASN1_TIME *next = ASN1_TIME_set(NULL, PKI_NOW + 30 * DAY);
    ASN1_INTEGER *number = ASN1_INTEGER_new();
    X509V3_CTX ctx;

    CHECK(crl && t && next && number && X509_CRL_set_version(crl, 1) == 1);
    CHECK(X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer)) == 1);
    CHECK(X509_CRL_set1_lastUpdate(crl, t) == 1 && X509_CRL_set1_nextUpdate(crl, next) == 1);
    if (revoked) add_revoked(crl, revoked);
    CHECK(ASN1_INTEGER_set(number, 1) == 1 &&
          X509_CRL_add1_ext_i2d(crl, NID_crl_number, number, 0, 0) == 1);
    X509V3_set_ctx(&ctx, issuer, NULL, NULL, crl, 0);
    X509_EXTENSION *aki =
        X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier, "keyid:always");
    CHECK(aki != NULL && X509_CRL_add_ext(crl, aki, -1) == 1);
    CHECK(X509_CRL_sort(crl) == 1 && X509_CRL_sign(crl, key, EVP_sha256()) > 0);
    unsigned char *der = NULL;
    int n = i2d_X509_CRL(crl, &der);
    CHECK(n > 0);
    uint8_t *out = malloc((size_t)n + 1);
    memcpy(out, der, (size_t)n);
    out[n] = 0;
    *len = (size_t)n;
    OPENSSL_free(der);
    X509_EXTENSION_free(aki);
    ASN1_INTEGER_free(number);
    ASN1_TIME_free(t);
    ASN1_TIME_free(next);
    X509_CRL_free(crl);
    return out;
}

/* ECDSA-P256-SHA256, raw r||s. */
static void sign_raw(EVP_PKEY *key, const uint8_t *data, size_t len, uint8_t sig[64])
{
    uint8_t der[80];
    size_t der_len = sizeof(der);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    CHECK(md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1);
    CHECK(EVP_DigestSign(md, der, &der_len, data, len) == 1);
    EVP_MD_CTX_free(md);
    vt_assert_ok(vt_ecdsa_sig_der_to_raw(der, der_len, sig));
}

/* ---- signed JSON ------------------------------------------------------------------- */

static size_t jcat(char *buf, size_t at, const char *fmt, ...) VT_PRINTF(3, 4);
static size_t jcat(char *buf, size_t at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + at, JSON_MAX - at, fmt, ap);
    va_end(ap);
    CHECK(n >= 0 && (size_t)n < JSON_MAX - at);
    return at + (size_t)n;
}

/* {"<name>":<body>,"signature":"<hex r||s over body>"} (dcap.md §4.2). */
static uint8_t *envelope(EVP_PKEY *key, const char *name, const char *body, size_t *len)
{
    uint8_t sig[64];
    char hex[129];
    char *out = malloc(JSON_MAX + 256);
    CHECK(out != NULL);
    sign_raw(key, (const uint8_t *)body, strlen(body), sig);
    vt_hex_encode(sig, sizeof(sig), hex);
    int n = snprintf(out, JSON_MAX + 256, "{\"%s\":%s,\"signature\":\"%s\"}", name, body, hex);
    CHECK(n > 0 && n < JSON_MAX + 256);
    *len = (size_t)n;
    return (uint8_t *)out;
}

static size_t tcb_level(char *b, size_t at, const uint8_t comp[16], unsigned pcesvn,
                        const char *status, const char *const *ids, size_t id_count)
{
    at = jcat(b, at, "{\"tcb\":{\"sgxtcbcomponents\":[");
    for (size_t i = 0; i < 16; i++) at = jcat(b, at, "%s{\"svn\":%u}", i ? "," : "", comp[i]);
    at = jcat(b, at, "],\"pcesvn\":%u},\"tcbDate\":\"2024-03-13T00:00:00Z\",\"tcbStatus\":\"%s\"",
              pcesvn, status);
    if (id_count) {
        at = jcat(b, at, ",\"advisoryIDs\":[");
        for (size_t i = 0; i < id_count; i++) at = jcat(b, at, "%s\"%s\"", i ? "," : "", ids[i]);
        at = jcat(b, at, "]");
    }
    return jcat(b, at, "}");
}

static uint8_t *make_tcb_info(const vt_test_pki_options_t *o, EVP_PKEY *key, size_t *len)
{
    char b[JSON_MAX], issue[VT_TIME_TEXT_LEN], next[VT_TIME_TEXT_LEN], fmspc[13];
    uint8_t comp[16], older[16] = {1, 1};
    memcpy(comp, pki_comp_svn, sizeof(comp));
    vt_time_format(PKI_NOW - 3600, issue);
    vt_time_format(PKI_NOW + 30 * DAY, next);
    vt_hex_encode(pki_fmspc, sizeof(pki_fmspc), fmspc);
    bool unmatched = o->tcb_status == VT_TCB_NOT_SUPPORTED;
    if (unmatched) comp[0]++; /* one component above the platform's: no level matches */
    const char *status = vt_tcb_status_name(unmatched ? VT_TCB_UP_TO_DATE : o->tcb_status);

    size_t at = jcat(b, 0,
                     "{\"id\":\"SGX\",\"version\":3,\"issueDate\":\"%s\",\"nextUpdate\":\"%s\","
                     "\"fmspc\":\"%s\",\"pceId\":\"0000\",\"tcbType\":0,"
                     "\"tcbEvaluationDataNumber\":17,\"tcbLevels\":[",
                     issue, next, fmspc);
    at = tcb_level(b, at, comp, PKI_PCESVN, status, o->advisory_ids, o->advisory_count);
    if (!unmatched) {
        static const char *const old_ids[] = {"INTEL-SA-00001"};
        at = jcat(b, at, ",");
        at = tcb_level(b, at, older, 5, "OutOfDate", old_ids, 1);
    }
    jcat(b, at, "]}");
    return envelope(key, "tcbInfo", b, len);
}

static uint8_t *make_qe_identity(const vt_test_pki_options_t *o, EVP_PKEY *key, size_t *len)
{
    char b[JSON_MAX], issue[VT_TIME_TEXT_LEN], next[VT_TIME_TEXT_LEN], mrsigner[65];
    vt_time_format(PKI_NOW - 3600, issue);
    vt_time_format(PKI_NOW + 30 * DAY, next);
    vt_hex_encode(qe_mrsigner, sizeof(qe_mrsigner), mrsigner);
    jcat(b, 0,
         "{\"id\":\"QE\",\"version\":2,\"issueDate\":\"%s\",\"nextUpdate\":\"%s\","
         "\"tcbEvaluationDataNumber\":16,\"miscselect\":\"00000000\",\"miscselectMask\":"
         "\"FFFFFFFF\",\"attributes\":\"11000000000000000000000000000000\",\"attributesMask\":"
         "\"FBFFFFFFFFFFFFFF0000000000000000\",\"mrsigner\":\"%s\",\"isvprodid\":1,"
         "\"tcbLevels\":[{\"tcb\":{\"isvsvn\":%d},\"tcbDate\":\"2024-03-13T00:00:00Z\","
         "\"tcbStatus\":\"%s\"}]}",
         issue, next, mrsigner, PKI_QE_ISVSVN, vt_tcb_status_name(o->qe_status));
    return envelope(key, "enclaveIdentity", b, len);
}

/* ---- the quote (dcap.md §1) -------------------------------------------------------- */

static void fill_reports(const vt_test_pki_options_t *o, vt_quote_t *q, const uint8_t auth[32])
{
    q->header = (vt_quote_header_t){.version = 3,
                                    .att_key_type = VT_QUOTE_ATT_KEY_ECDSA_P256,
                                    .tee_type = VT_TEE_TYPE_SGX,
                                    .qe_svn = PKI_QE_ISVSVN,
                                    .pce_svn = PKI_PCESVN};
    memcpy(q->header.qe_vendor_id, vt_intel_qe_vendor_id, 16);
    q->tee = VT_TEE_SGX;
    q->body_type = VT_BODY_SGX;
    q->sgx.attributes[0] = o->is_debug ? 0x07 : 0x05;
    q->sgx.attributes[8] = 0x03;
    memset(q->sgx.mr_enclave, 0xe1, 32);
    memset(q->sgx.mr_signer, 0x51, 32);
    q->sgx.isv_prod_id = 7;
    q->sgx.isv_svn = 3;
    memset(q->sgx.report_data, 0xda, sizeof(q->sgx.report_data));
    memcpy(q->sgx.cpu_svn, pki_comp_svn, 16);

    q->qe_report.attributes[0] = 0x11;
    memcpy(q->qe_report.mr_signer, qe_mrsigner, 32);
    memset(q->qe_report.mr_enclave, 0x9e, 32);
    q->qe_report.isv_prod_id = 1;
    q->qe_report.isv_svn = PKI_QE_ISVSVN;
    /* dcap.md §1.4: REPORTDATA = SHA-256(attestation key || auth data) || 32 zeros. */
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    CHECK(md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
          EVP_DigestUpdate(md, q->attest_key, 64) == 1 && EVP_DigestUpdate(md, auth, 32) == 1 &&
          EVP_DigestFinal_ex(md, q->qe_report.report_data, NULL) == 1);
    EVP_MD_CTX_free(md);
    q->qe_auth_data = auth;
    q->qe_auth_len = 32;
}

static void make_quote(const vt_test_pki_options_t *o, pki_t *k, vt_test_pki_t *out)
{
    vt_quote_t q = {0};
    uint8_t auth[32], qe_raw[VT_SGX_REPORT_BODY_LEN], *bytes = NULL;
    size_t chain_len = 0, len = 0;
    for (size_t i = 0; i < sizeof(auth); i++) auth[i] = (uint8_t)i;

    vt_assert_ok(vt_p256_key_to_point(k->att_key, q.attest_key));
    fill_reports(o, &q, auth);
    uint8_t *chain = chain_pem(&chain_len, k->pck, k->ca, k->root);
    q.outer_cert_type = VT_CERT_PCK_CHAIN;
    q.cert_type = VT_CERT_PCK_CHAIN;
    q.cert_data = chain;
    q.cert_len = (uint32_t)chain_len + 1; /* with the NUL, as real quotes have it */
    vt_sgx_report_body_serialize(&q.qe_report, qe_raw);
    sign_raw(k->pck_key, qe_raw, sizeof(qe_raw), q.qe_report_signature);

    vt_assert_ok(vt_quote_serialize(&q, &bytes, &len));
    sign_raw(k->att_key, bytes, vt_quote_signed_len(&q), q.signature);
    free(bytes);
    vt_assert_ok(vt_quote_serialize(&q, &out->quote, &out->quote_len));
    memcpy(out->mr_enclave, q.sgx.mr_enclave, 32);
    memcpy(out->mr_signer, q.sgx.mr_signer, 32);
    out->isv_prod_id = q.sgx.isv_prod_id;
    out->isv_svn = q.sgx.isv_svn;
    free(chain);
}

void vt_test_pki_make(const vt_test_pki_options_t *opts, vt_test_pki_t *out)
{
    pki_t k = {0};
    vt_collateral_t *c = &out->collateral;

    memset(out, 0, sizeof(*out));
    make_certs(opts, &k);
    c->tcb_info = make_tcb_info(opts, k.tcb_key, &c->tcb_info_len);
    c->qe_identity = make_qe_identity(opts, k.tcb_key, &c->qe_identity_len);
    c->tcb_info_issuer_chain = chain_pem(&c->tcb_info_issuer_chain_len, k.tcb, k.root, NULL);
    c->qe_identity_issuer_chain = chain_pem(&c->qe_identity_issuer_chain_len, k.tcb, k.root, NULL);
    c->root_ca_crl = make_crl(k.root, k.root_key,
                              opts->is_intermediate_revoked ? X509_get0_serialNumber(k.ca) : NULL,
                              &c->root_ca_crl_len);
    c->pck_crl =
        make_crl(k.ca, k.ca_key, opts->is_pck_revoked ? X509_get0_serialNumber(k.pck) : NULL,
                 &c->pck_crl_len);
    out->pck_crl_revoking =
        make_crl(k.ca, k.ca_key, X509_get0_serialNumber(k.pck), &out->pck_crl_revoking_len);
    make_quote(opts, &k, out);
    out->root_der = der_of(k.root, &out->root_der_len);
    out->now = PKI_NOW;
    out->next_update = PKI_NOW + 30 * DAY;
    pki_free(&k);
}

void vt_test_pki_cleanup(vt_test_pki_t *p)
{
    if (!p) return;
    free(p->quote);
    free(p->root_der);
    free(p->pck_crl_revoking);
    vt_collateral_cleanup(&p->collateral);
    memset(p, 0, sizeof(*p));
}
