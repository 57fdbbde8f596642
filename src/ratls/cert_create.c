/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Creating an RA-TLS key and certificate byte-compatible with Gramine's
 * (gramine-compat.md §3): a fresh EC key, a self-signed v3 certificate, serial 1,
 * ecdsa-with-SHA256 whatever the curve, subject = issuer = CN=RATLS,O=GramineDevelopers,
 * C=US, UTCTime validity, and the extensions in Gramine's order: basicConstraints
 * CA:FALSE, subjectKeyIdentifier, authorityKeyIdentifier (keyid), the legacy quote, the
 * TCG tagged evidence; all non-critical. Two quotes are taken, legacy first.
 */
#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include "common/error.h"
#include "common/ossl.h"
#include "ratls/ratls_internal.h"

/* Gramine's RA_TLS_CERT_TIMESTAMP_NOT_BEFORE/_AFTER defaults. */
#define DEFAULT_NOT_BEFORE 978307200LL  /* 2001-01-01T00:00:00Z */
#define DEFAULT_NOT_AFTER  1924991999LL /* 2030-12-31T23:59:59Z */

static int make_key(vt_ratls_key_type_t type, EVP_PKEY **out)
{
    const char *curve = type == VT_RATLS_KEY_P256 ? "P-256" : "P-384";
    VT_ENSURE(type == VT_RATLS_KEY_P256 || type == VT_RATLS_KEY_P384, VT_E_INVALID_ARG,
              "ratls: unknown key type %d", (int)type);
    *out = EVP_EC_gen(curve);
    VT_ENSURE(*out != NULL, VT_E_CRYPTO, "ratls: generating an EC %s key", curve);
    return 0;
}

/* Gets a quote binding report_data and checks that it is a quote that does. */
static int get_quote(vt_ratls_evidence_fn fn, void *ctx, const uint8_t rd[VT_REPORT_DATA_LEN],
                     const char *what, uint8_t **out, size_t *len)
{
    uint8_t *q = NULL;
    size_t n = 0;
    vt_quote_t parsed;
    int rc = fn(ctx, rd, &q, &n);
    if (rc < 0) return vt_error_wrap(rc, "ratls: %s", what);
    VT_TRY_ENSURE(q != NULL && n >= VT_RATLS_QUOTE_MIN, VT_E_MALFORMED,
                  "ratls: %s: the evidence source returned %zu bytes", what, n);
    rc = vt_quote_parse(q, n, &parsed); /* as strict as the verifier will be */
    if (rc < 0) {
        vt_error_wrap(rc, "ratls: %s", what);
        goto out;
    }
    VT_TRY(vt_ratls_report_data_check(&parsed, rd, what));
    *out = q;
    *len = n;
    q = NULL;
out:
    free(q);
    return rc;
}

static int add_conf_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    VT_ENSURE(ext != NULL, VT_E_CRYPTO, "ratls: building extension %s", OBJ_nid2sn(nid));
    int ok = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    VT_ENSURE(ok == 1, VT_E_CRYPTO, "ratls: adding extension %s", OBJ_nid2sn(nid));
    return 0;
}

static int add_raw_ext(X509 *x, const char *oid, const uint8_t *val, size_t len)
{
    VT_ENSURE(len <= VT_RATLS_EXT_MAX, VT_E_TOO_LARGE,
              "ratls: extension %s value of %zu bytes exceeds %d", oid, len, VT_RATLS_EXT_MAX);
    VT_ENSURE(len >= VT_RATLS_EXT_MIN, VT_E_MALFORMED,
              "ratls: extension %s value of %zu bytes is below %d", oid, len, VT_RATLS_EXT_MIN);
    int rc = VT_E_CRYPTO;
    ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
    ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
    X509_EXTENSION *ext = NULL;
    VT_TRY_ENSURE(obj && os && ASN1_OCTET_STRING_set(os, val, (int)len) == 1, VT_E_CRYPTO,
                  "ratls: building extension %s", oid);
    ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os);
    VT_TRY_ENSURE(ext && X509_add_ext(x, ext, -1) == 1, VT_E_CRYPTO, "ratls: adding extension %s",
                  oid);
    rc = 0;
out:
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(os);
    ASN1_OBJECT_free(obj);
    return rc;
}

static int set_name_and_times(X509 *x, vt_time_t nb, vt_time_t na)
{
    X509_NAME *name = X509_get_subject_name(x);
    VT_ENSURE(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)"RATLS",
                                         -1, -1, 0) == 1 &&
                  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                             (const unsigned char *)"GramineDevelopers", -1, -1,
                                             0) == 1 &&
                  X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)"US",
                                             -1, -1, 0) == 1 &&
                  X509_set_issuer_name(x, name) == 1,
              VT_E_CRYPTO, "ratls: setting the certificate name");
    /* ASN1_TIME_set picks UTCTime for 1950..2049, as mbedTLS does. */
    VT_ENSURE(ASN1_TIME_set(X509_getm_notBefore(x), (time_t)nb) != NULL &&
                  ASN1_TIME_set(X509_getm_notAfter(x), (time_t)na) != NULL,
              VT_E_CRYPTO, "ratls: setting the validity");
    return 0;
}

typedef struct {
    uint8_t *legacy; /* owned */
    size_t legacy_len;
    uint8_t *evidence; /* owned */
    size_t evidence_len;
} exts_values_t;

static int build_cert(EVP_PKEY *key, const vt_ratls_create_options_t *o, const exts_values_t *v,
                      X509 **out)
{
    int rc = VT_E_CRYPTO;
    X509V3_CTX ctx;
    X509 *x = X509_new();
    VT_TRY_ENSURE(x != NULL, VT_E_NOMEM, "ratls: out of memory");
    VT_TRY_OSSL(X509_set_version(x, X509_VERSION_3), VT_E_CRYPTO, "ratls: certificate version");
    VT_TRY_OSSL(ASN1_INTEGER_set(X509_get_serialNumber(x), 1), VT_E_CRYPTO, "ratls: serial");
    VT_TRY(set_name_and_times(x, o->not_before ? o->not_before : DEFAULT_NOT_BEFORE,
                              o->not_after ? o->not_after : DEFAULT_NOT_AFTER));
    VT_TRY_OSSL(X509_set_pubkey(x, key), VT_E_CRYPTO, "ratls: setting the public key");
    X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
    VT_TRY(add_conf_ext(x, &ctx, NID_basic_constraints, "CA:FALSE"));
    VT_TRY(add_conf_ext(x, &ctx, NID_subject_key_identifier, "hash"));
    VT_TRY(add_conf_ext(x, &ctx, NID_authority_key_identifier, "keyid:always"));
    if (v->legacy) VT_TRY(add_raw_ext(x, VT_RATLS_LEGACY_QUOTE_OID, v->legacy, v->legacy_len));
    VT_TRY(add_raw_ext(x, VT_RATLS_TCG_EVIDENCE_OID, v->evidence, v->evidence_len));
    VT_TRY_ENSURE(X509_sign(x, key, EVP_sha256()) > 0, VT_E_CRYPTO, "ratls: signing");
    *out = x;
    x = NULL;
    rc = 0;
out:
    X509_free(x);
    return rc;
}

/* Both extension values: legacy quote (unless omitted), then the tagged evidence. */
static int make_values(vt_ratls_evidence_fn fn, void *ctx, const vt_ratls_create_options_t *o,
                       EVP_PKEY *key, exts_values_t *v)
{
    int rc = VT_E_INTERNAL;
    uint8_t spki[VT_RATLS_SPKI_MAX], hash[32], rd[VT_REPORT_DATA_LEN];
    size_t spki_len = 0, claims_len = 0, quote_len = 0;
    uint8_t *claims = NULL, *quote = NULL;

    VT_TRY(vt_ratls_spki_get(key, spki, &spki_len));
    if (!o->omit_legacy) {
        vt_ratls_report_data_legacy(spki, spki_len, rd);
        VT_TRY(get_quote(fn, ctx, rd, "legacy quote", &v->legacy, &v->legacy_len));
    }
    vt_sha256(spki, spki_len, hash);
    VT_TRY(vt_ratls_claims_serialize(hash, &claims, &claims_len));
    vt_ratls_report_data_evidence(claims, claims_len, rd);
    VT_TRY(get_quote(fn, ctx, rd, "evidence quote", &quote, &quote_len));
    VT_TRY(vt_ratls_evidence_serialize(quote, quote_len, claims, claims_len, &v->evidence,
                                       &v->evidence_len));
    rc = 0;
out:
    free(claims);
    free(quote);
    return rc;
}

int vt_ratls_create_with(vt_ratls_evidence_fn evidence, void *ctx,
                         const vt_ratls_create_options_t *opts, EVP_PKEY **key, X509 **cert)
{
    int rc = VT_E_INTERNAL;
    static const vt_ratls_create_options_t defaults = {0};
    const vt_ratls_create_options_t *o = opts ? opts : &defaults;
    exts_values_t v = {0};
    EVP_PKEY *k = NULL;

    /* Compared as they will be written: a default on one side counts too. */
    vt_time_t nb = o->not_before ? o->not_before : DEFAULT_NOT_BEFORE;
    vt_time_t na = o->not_after ? o->not_after : DEFAULT_NOT_AFTER;
    VT_TRY_ENSURE(o->not_before >= 0 && o->not_after >= 0 && nb < na, VT_E_INVALID_ARG,
                  "ratls: invalid validity period (not before %lld, not after %lld)", (long long)nb,
                  (long long)na);
    VT_TRY(make_key(o->key_type, &k));
    VT_TRY(make_values(evidence, ctx, o, k, &v));
    VT_TRY(build_cert(k, o, &v, cert));
    *key = k;
    k = NULL;
    rc = 0;
out:
    EVP_PKEY_free(k);
    free(v.legacy);
    free(v.evidence);
    return rc;
}

static int attester_evidence(void *ctx, const uint8_t report_data[VT_REPORT_DATA_LEN],
                             uint8_t **evidence, size_t *len)
{
    return vt_attester_get_evidence(ctx, report_data, evidence, len);
}

int vt_ratls_create(vt_attester_t *a, const vt_ratls_create_options_t *opts, EVP_PKEY **key,
                    X509 **cert)
{
    return vt_ratls_create_with(attester_evidence, a, opts, key, cert);
}
