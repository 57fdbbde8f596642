/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test helper for cert_cli.sh: writes an RA-TLS certificate (DER) whose evidence is
 * quoted in-process on a simulated platform, or a deliberately broken one.
 *
 *   ratls_mkcert PLATFORM_DIR KIND OUT.der
 *
 * The enclave identity is fixed: MRENCLAVE e1e1.., MRSIGNER 5151.., ISVPRODID 7,
 * ISVSVN 3, attributes INIT|MODE64BIT. KIND:
 *   p384         Gramine's default (P-384 key, TCG and legacy extensions)
 *   p256         a P-256 key
 *   tcg-only     only the TCG tagged-evidence extension
 *   legacy-only  only Gramine's legacy quote extension (the TCG one removed, re-signed)
 *   tdx          a TDX quote (MRTD 7d7d..)
 *   debug        the enclave has ATTRIBUTES.DEBUG set
 *   other-key    the extensions of a p384 certificate on another P-384 key (copied
 *                evidence: not bound to this key)
 *   rsa          the extensions of a p384 certificate on an RSA-2048 key
 *   plain        an ordinary self-signed EC certificate without evidence
 */
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <veritee/ratls.h>
#include <veritee/sim.h>

typedef struct {
    vt_sim_platform_t *platform;
    vt_tee_t tee;
    bool is_debug;
} source_t;

static int evidence(void *ctx, const uint8_t report_data[VT_REPORT_DATA_LEN], uint8_t **out,
                    size_t *len)
{
    source_t *s = ctx;
    if (s->tee == VT_TEE_TDX) {
        vt_td_report_body_t td = {0};
        memset(td.mr_td, 0x7d, sizeof(td.mr_td));
        td.td_attributes[3] = 0x10; /* SEPT_VE_DISABLE */
        td.xfam[0] = 0xe7;
        memcpy(td.report_data, report_data, VT_REPORT_DATA_LEN);
        return vt_sim_quote_tdx(s->platform, &td, out, len);
    }
    vt_sgx_report_body_t b = {.isv_prod_id = 7, .isv_svn = 3};
    b.attributes[0] = s->is_debug ? 0x07 : 0x05; /* INIT | (DEBUG) | MODE64BIT */
    b.attributes[8] = 0x03;
    memset(b.mr_enclave, 0xe1, sizeof(b.mr_enclave));
    memset(b.mr_signer, 0x51, sizeof(b.mr_signer));
    memcpy(b.report_data, report_data, VT_REPORT_DATA_LEN);
    return vt_sim_quote_sgx(s->platform, &b, out, len);
}

static void die(const char *what)
{
    fprintf(stderr, "ratls_mkcert: %s: %s\n", what, vt_last_error());
    exit(1);
}

/* A copy of cert's content on key, re-signed (extensions kept unless dropped). */
static X509 *resign(X509 *cert, EVP_PKEY *key, const char *drop_oid)
{
    X509 *x = X509_dup(cert);
    if (x == NULL) die("X509_dup");
    if (drop_oid) {
        ASN1_OBJECT *obj = OBJ_txt2obj(drop_oid, 1);
        int i = obj ? X509_get_ext_by_OBJ(x, obj, -1) : -1;
        if (i < 0) die("extension to drop not found");
        X509_EXTENSION_free(X509_delete_ext(x, i));
        ASN1_OBJECT_free(obj);
    }
    if (X509_set_pubkey(x, key) != 1 || X509_sign(x, key, EVP_sha256()) <= 0) die("re-sign");
    return x;
}

static X509 *plain(EVP_PKEY *key)
{
    X509 *x = X509_new();
    X509_NAME *n = X509_NAME_new();
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"plain", -1, -1, 0);
    X509_set_subject_name(x, n);
    X509_set_issuer_name(x, n);
    X509_NAME_free(n);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 2);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    if (X509_set_pubkey(x, key) != 1 || X509_sign(x, key, EVP_sha256()) <= 0) die("sign");
    return x;
}

int main(int argc, char **argv)
{
    source_t src = {.tee = VT_TEE_SGX};
    vt_ratls_create_options_t o = {.key_type = VT_RATLS_KEY_P384};
    EVP_PKEY *key = NULL;
    X509 *cert = NULL, *out = NULL;

    if (argc != 4) {
        fprintf(stderr, "Usage: ratls_mkcert PLATFORM_DIR KIND OUT.der\n");
        return 64;
    }
    const char *kind = argv[2];
    static const char *const kinds[] = {"p384",  "p256",      "tcg-only", "legacy-only", "tdx",
                                        "debug", "other-key", "rsa",      "plain"};
    bool is_known = false;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        is_known = is_known || strcmp(kind, kinds[i]) == 0;
    if (!is_known) {
        fprintf(stderr, "ratls_mkcert: unknown kind %s\n", kind);
        return 64;
    }
    if (strcmp(kind, "plain") == 0) {
        key = EVP_EC_gen("P-256");
        out = key ? plain(key) : NULL;
    } else {
        if (vt_sim_platform_load(argv[1], 0, &src.platform) != 0) die("platform");
        if (strcmp(kind, "p256") == 0) o.key_type = VT_RATLS_KEY_P256;
        if (strcmp(kind, "tcg-only") == 0) o.omit_legacy = true;
        if (strcmp(kind, "tdx") == 0) src.tee = VT_TEE_TDX;
        src.is_debug = strcmp(kind, "debug") == 0;
        if (vt_ratls_create_with(evidence, &src, &o, &key, &cert) != 0) die("create");
        if (strcmp(kind, "legacy-only") == 0) {
            out = resign(cert, key, VT_RATLS_TCG_EVIDENCE_OID);
        } else if (strcmp(kind, "rsa") == 0 || strcmp(kind, "other-key") == 0) {
            EVP_PKEY *other = strcmp(kind, "rsa") == 0 ? EVP_RSA_gen(2048) : EVP_EC_gen("P-384");
            if (other == NULL) die("other key");
            out = resign(cert, other, NULL);
            EVP_PKEY_free(other);
        } else {
            out = cert;
            cert = NULL;
        }
    }
    if (out == NULL) die("certificate");
    FILE *f = fopen(argv[3], "wb");
    unsigned char *der = NULL;
    int len = i2d_X509(out, &der);
    if (f == NULL || len <= 0 || fwrite(der, 1, (size_t)len, f) != (size_t)len || fclose(f) != 0)
        die("write");
    OPENSSL_free(der);
    X509_free(out);
    X509_free(cert);
    EVP_PKEY_free(key);
    vt_sim_platform_free(src.platform);
    return 0;
}
