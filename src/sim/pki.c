/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated vendor PKI: P-256 keys, certificates and CRLs shaped like Intel's SGX
 * PKI (docs/specs/dcap.md §3.1, §4.5). Every certificate carries the extensions Intel's
 * QVL requires (AKI, SKI, CRL DP, keyUsage, basicConstraints); PCK leaves add the SGX
 * extension, encoded by the evidence layer's serializer; CRLs carry cRLNumber and AKI.
 */
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include "common/error.h"
#include "common/ossl.h"
#include "sim/sim_internal.h"

/* Intel serials are 20 bytes; ours are random too, so platforms never collide. */
#define SERIAL_LEN 20

int vt_sim_key_new(EVP_PKEY **out)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");
    if (!k) return vt_error_set_ossl(VT_E_CRYPTO, __FILE__, __LINE__, "sim: p-256 key generation");
    *out = k;
    return 0;
}

int vt_sim_random(uint8_t *out, size_t len)
{
    VT_GUARD_OSSL(RAND_bytes(out, (int)len), VT_E_CRYPTO, "sim: random bytes");
    return 0;
}

/* CN, O, L, ST, C in Intel's order; O names us so nobody mistakes it for Intel's. */
static int set_name(X509_NAME *n, const char *cn)
{
    static const char *const fields[][2] = {
        {"O", "Veritee"}, {"L", "Santa Clara"}, {"ST", "CA"}, {"C", "US"}};
    VT_GUARD_OSSL(
        X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0),
        VT_E_CRYPTO, "sim: subject cn");
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        VT_GUARD_OSSL(X509_NAME_add_entry_by_txt(n, fields[i][0], MBSTRING_UTF8,
                                                 (const unsigned char *)fields[i][1], -1, -1, 0),
                      VT_E_CRYPTO, "sim: subject %s", fields[i][0]);
    return 0;
}

static int set_serial(X509 *x)
{
    uint8_t raw[SERIAL_LEN];
    VT_GUARD(vt_sim_random(raw, sizeof(raw)));
    raw[0] = (uint8_t)((raw[0] & 0x7f) | 0x01); /* positive, full length */
    BIGNUM *bn = BN_bin2bn(raw, sizeof(raw), NULL);
    int ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
    BN_free(bn);
    VT_ENSURE(ok, VT_E_CRYPTO, "sim: certificate serial");
    return 0;
}

static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    int ok = e != NULL && X509_add_ext(x, e, -1) == 1;
    X509_EXTENSION_free(e);
    VT_ENSURE(ok, VT_E_CRYPTO, "sim: certificate extension %s", OBJ_nid2sn(nid));
    return 0;
}

static int add_sgx_ext(X509 *x, const vt_pck_ext_t *sgx)
{
    int rc = VT_E_INTERNAL;
    uint8_t *der = NULL;
    size_t len = 0;
    ASN1_OBJECT *oid = NULL;
    ASN1_OCTET_STRING *os = NULL;
    X509_EXTENSION *e = NULL;

    VT_TRY(vt_pck_ext_serialize(sgx, &der, &len));
    oid = OBJ_txt2obj(VT_SGX_EXTENSION_OID, 1);
    os = ASN1_OCTET_STRING_new();
    VT_TRY_ENSURE(oid && os && ASN1_OCTET_STRING_set(os, der, (int)len) == 1, VT_E_CRYPTO,
                  "sim: sgx extension");
    e = X509_EXTENSION_create_by_OBJ(NULL, oid, 0, os);
    VT_TRY_ENSURE(e && X509_add_ext(x, e, -1) == 1, VT_E_CRYPTO, "sim: sgx extension");
    rc = 0;
out:
    X509_EXTENSION_free(e);
    ASN1_OCTET_STRING_free(os);
    ASN1_OBJECT_free(oid);
    free(der);
    return rc;
}

static int set_validity(X509 *x, vt_time_t from, vt_time_t to)
{
    VT_ENSURE(ASN1_TIME_set(X509_getm_notBefore(x), (time_t)from) != NULL &&
                  ASN1_TIME_set(X509_getm_notAfter(x), (time_t)to) != NULL,
              VT_E_CRYPTO, "sim: certificate validity");
    return 0;
}

/* basicConstraints and keyUsage per kind, as in Intel's certificates (dcap.md §3.1). */
static int add_kind_exts(X509 *x, X509 *issuer, vt_sim_cert_kind_t kind)
{
    static const char *const basic[] = {"critical,CA:TRUE,pathlen:1", "critical,CA:TRUE,pathlen:0",
                                        "critical,CA:FALSE", "critical,CA:FALSE"};
    static const char *const usage[] = {
        "critical,keyCertSign,cRLSign", "critical,keyCertSign,cRLSign",
        "critical,digitalSignature,nonRepudiation", "critical,digitalSignature,nonRepudiation"};
    /* SKI first: a self-signed root's AKI is computed from its own SKI */
    VT_GUARD(add_ext(x, issuer, NID_subject_key_identifier, "hash"));
    VT_GUARD(add_ext(x, issuer, NID_authority_key_identifier, "keyid:always"));
    VT_GUARD(add_ext(x, issuer, NID_key_usage, usage[kind]));
    VT_GUARD(add_ext(x, issuer, NID_basic_constraints, basic[kind]));
    return 0;
}

int vt_sim_cert_new(const vt_sim_cert_spec_t *s, X509 **out)
{
    int rc = VT_E_INTERNAL;
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    char dp[512];

    VT_TRY_ENSURE(x && name && X509_set_version(x, 2) == 1, VT_E_NOMEM, "sim: certificate");
    VT_TRY(set_serial(x));
    VT_TRY(set_name(name, s->cn));
    VT_TRY_OSSL(X509_set_subject_name(x, name), VT_E_CRYPTO, "sim: subject");
    VT_TRY_OSSL(X509_set_issuer_name(x, s->issuer ? X509_get_subject_name(s->issuer) : name),
                VT_E_CRYPTO, "sim: issuer");
    VT_TRY(set_validity(x, s->not_before, s->not_after));
    VT_TRY_OSSL(X509_set_pubkey(x, s->key), VT_E_CRYPTO, "sim: public key");
    VT_TRY(add_kind_exts(x, s->issuer, s->kind));
    VT_TRY(vt_sim_path(dp, sizeof(dp), "URI:%s", s->crl_dp));
    VT_TRY(add_ext(x, s->issuer, NID_crl_distribution_points, dp));
    if (s->sgx) VT_TRY(add_sgx_ext(x, s->sgx));
    VT_TRY_ENSURE(X509_sign(x, s->issuer_key, EVP_sha256()) > 0, VT_E_CRYPTO,
                  "sim: signing certificate %s", s->cn);
    *out = x;
    x = NULL;
    rc = 0;
out:
    X509_NAME_free(name);
    X509_free(x);
    return rc;
}

static int crl_add_revoked(X509_CRL *crl, X509 *cert, vt_time_t when)
{
    int rc = VT_E_INTERNAL;
    X509_REVOKED *r = X509_REVOKED_new();
    ASN1_TIME *t = ASN1_TIME_set(NULL, (time_t)when);

    VT_TRY_ENSURE(r && t, VT_E_NOMEM, "sim: crl entry");
    VT_TRY_OSSL(X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(cert)), VT_E_CRYPTO,
                "sim: crl entry serial");
    VT_TRY_OSSL(X509_REVOKED_set_revocationDate(r, t), VT_E_CRYPTO, "sim: crl entry date");
    VT_TRY_OSSL(X509_CRL_add0_revoked(crl, r), VT_E_CRYPTO, "sim: crl entry");
    r = NULL;
    rc = 0;
out:
    X509_REVOKED_free(r);
    ASN1_TIME_free(t);
    return rc;
}

static int crl_add_exts(X509_CRL *crl, X509 *issuer)
{
    int rc = VT_E_INTERNAL;
    ASN1_INTEGER *number = ASN1_INTEGER_new();
    X509_EXTENSION *aki = NULL;
    X509V3_CTX ctx;

    VT_TRY_ENSURE(number && ASN1_INTEGER_set(number, 1) == 1, VT_E_NOMEM, "sim: crl number");
    VT_TRY_OSSL(X509_CRL_add1_ext_i2d(crl, NID_crl_number, number, 0, 0), VT_E_CRYPTO,
                "sim: crl number");
    X509V3_set_ctx(&ctx, issuer, NULL, NULL, crl, 0);
    aki = X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier, "keyid:always");
    VT_TRY_ENSURE(aki && X509_CRL_add_ext(crl, aki, -1) == 1, VT_E_CRYPTO, "sim: crl aki");
    rc = 0;
out:
    X509_EXTENSION_free(aki);
    ASN1_INTEGER_free(number);
    return rc;
}

int vt_sim_crl_new(X509 *issuer, EVP_PKEY *key, X509 *const *revoked, size_t n,
                   vt_time_t this_update, vt_time_t next_update, vt_sim_buf_t *der)
{
    int rc = VT_E_INTERNAL;
    X509_CRL *crl = X509_CRL_new();
    ASN1_TIME *t = ASN1_TIME_set(NULL, (time_t)this_update);
    ASN1_TIME *next = ASN1_TIME_set(NULL, (time_t)next_update);
    unsigned char *bytes = NULL;

    VT_TRY_ENSURE(crl && t && next, VT_E_NOMEM, "sim: crl");
    VT_TRY_OSSL(X509_CRL_set_version(crl, 1), VT_E_CRYPTO, "sim: crl version");
    VT_TRY_OSSL(X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer)), VT_E_CRYPTO,
                "sim: crl issuer");
    VT_TRY_OSSL(X509_CRL_set1_lastUpdate(crl, t), VT_E_CRYPTO, "sim: crl thisUpdate");
    VT_TRY_OSSL(X509_CRL_set1_nextUpdate(crl, next), VT_E_CRYPTO, "sim: crl nextUpdate");
    for (size_t i = 0; i < n; i++) VT_TRY(crl_add_revoked(crl, revoked[i], this_update));
    VT_TRY(crl_add_exts(crl, issuer));
    VT_TRY_OSSL(X509_CRL_sort(crl), VT_E_CRYPTO, "sim: crl sort");
    VT_TRY_ENSURE(X509_CRL_sign(crl, key, EVP_sha256()) > 0, VT_E_CRYPTO, "sim: crl signature");
    int len = i2d_X509_CRL(crl, &bytes);
    VT_TRY_ENSURE(len > 0, VT_E_CRYPTO, "sim: crl encoding");
    VT_TRY(vt_sim_buf_set(der, bytes, (size_t)len));
    rc = 0;
out:
    OPENSSL_free(bytes);
    ASN1_TIME_free(t);
    ASN1_TIME_free(next);
    X509_CRL_free(crl);
    return rc;
}

int vt_sim_sign(EVP_PKEY *key, const uint8_t *data, size_t len,
                uint8_t sig[static VT_ECDSA_SIG_LEN])
{
    int rc = VT_E_INTERNAL;
    uint8_t der[80];
    size_t der_len = sizeof(der);
    EVP_MD_CTX *md = EVP_MD_CTX_new();

    VT_TRY_ENSURE(md != NULL, VT_E_NOMEM, "sim: digest context");
    VT_TRY_OSSL(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key), VT_E_CRYPTO,
                "sim: ecdsa sign init");
    VT_TRY_OSSL(EVP_DigestSign(md, der, &der_len, data, len), VT_E_CRYPTO, "sim: ecdsa sign");
    VT_TRY(vt_ecdsa_sig_der_to_raw(der, der_len, sig));
    rc = 0;
out:
    EVP_MD_CTX_free(md);
    return rc;
}
