/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The quote's PCK certificate chain: dcap.md §5.1 steps 2-3, §5.2 steps 1-5 and
 * §5.4 steps 1-3 (QVL 4.1.2.4.4, .6, .7).
 *
 * Cost model (see pck_chain.h): the PEM text is split without decoding; the root's text
 * (or, failing that, its DER) is compared byte for byte with the trust anchor and never
 * parsed; the intermediate is parsed and verified once per trust anchor (cached by the
 * SHA-256 of its DER, aliased by that of its text); only the leaf is decoded, read by
 * the DER walker of pck_leaf.c and its signature checked, once per distinct chain.
 */
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <stdlib.h>
#include <string.h>

#include "common/cursor.h"
#include "common/error.h"
#include "verify/p256.h"
#include "verify/pck_chain.h"
#include "verify/pck_leaf.h"
#include "verify/pem_split.h"
#include "verify/wrap.h"

#define VT_CN_MAX 128

void vt_pck_chain_ref(vt_pck_chain_t *c)
{
    __atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
}

void vt_pck_chain_unref(vt_pck_chain_t *c)
{
    if (!c || __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) != 0) return;
    EVP_PKEY_free(c->leaf_key);
    ASN1_INTEGER_free(c->leaf_serial);
    X509_free(c->intermediate);
    free(c);
}

/* ---- Certificates ---------------------------------------------------------------- */

static int d2i_exact(const uint8_t *der, size_t len, const char *what, X509 **out)
{
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    ERR_clear_error();
    if (x && p == der + len) {
        *out = x;
        return 0;
    }
    X509_free(x);
    VT_BAIL(VT_E_MALFORMED, "%s certificate is not valid DER", what);
}

static bool cn_contains(const X509_NAME *name, const char *needle, char cn[static VT_CN_MAX])
{
    vt_x509_name_cn(name, cn, VT_CN_MAX);
    return strstr(cn, needle) != NULL;
}

static int cert_dates(const X509 *x, vt_time_t *not_before, vt_time_t *not_after)
{
    VT_GUARD(vt_asn1_time_to_time(X509_get0_notBefore(x), not_before));
    VT_GUARD(vt_asn1_time_to_time(X509_get0_notAfter(x), not_after));
    return 0;
}

/* §5.2 step 3 / §5.1 step 3: the chain's root is the trust anchor itself (byte-identical
 * DER), so its self-signature was already checked when the anchor was installed. The
 * usual case, the same base64 text as the anchor's canonical PEM, needs no decoding. */
static int check_root(const vt_pck_root_t *root, const vt_pem_block_t *pem)
{
    int rc = VT_E_INTERNAL;
    char cn[VT_CN_MAX];
    uint8_t *der = NULL;
    size_t len = 0;

    bool same = pem->body_len == root->pem_body_len &&
                CRYPTO_memcmp(pem->body, root->pem_body, pem->body_len) == 0;
    if (!same) {
        VT_TRY_STEP(vt_pem_block_decode(pem, &der, &len), "root certificate");
        same = len == root->der_len && CRYPTO_memcmp(der, root->der, len) == 0;
    }
    VT_TRY_ENSURE(same, VT_E_UNTRUSTED, "chain root is not the trusted root ca");
    VT_TRY_ENSURE(cn_contains(X509_get_subject_name(root->cert), "SGX Root CA", cn), VT_E_CHAIN,
                  "root cn \"%s\" does not contain \"SGX Root CA\"", cn);
    rc = 0;
out:
    OPENSSL_free(der);
    return rc;
}

/* §5.2 steps 1-2: intermediate CN, issuer == root subject, signed by the root. */
static int verify_intermediate(const vt_pck_root_t *root, X509 *x)
{
    char cn[VT_CN_MAX];
    VT_ENSURE(cn_contains(X509_get_subject_name(x), "CA", cn), VT_E_CHAIN,
              "intermediate cn \"%s\" does not contain \"CA\"", cn);
    VT_ENSURE(X509_NAME_cmp(X509_get_issuer_name(x), X509_get_subject_name(root->cert)) == 0,
              VT_E_CHAIN, "intermediate issuer is not the root subject");
    int ok = X509_verify(x, X509_get0_pubkey(root->cert));
    ERR_clear_error();
    VT_ENSURE(ok == 1, VT_E_SIGNATURE, "intermediate certificate: signature does not verify");
    return 0;
}

/*
 * The intermediate of the PEM block, verified against the root once per trust anchor
 * (the cache is cleared with it): looked up by the hash of its text, then of its DER.
 */
static int get_intermediate(vt_pck_cache_t *cache, const vt_pck_root_t *root,
                            const vt_pem_block_t *pem, X509 **out)
{
    int rc = VT_E_INTERNAL;
    uint8_t pem_key[VT_SHA256_LEN], der_key[VT_SHA256_LEN];
    uint8_t *der = NULL;
    size_t len = 0;
    X509 *x = NULL;

    vt_sha256(pem->body, pem->body_len, pem_key);
    x = vt_pck_cache_get_intermediate(cache, pem_key);
    if (!x) {
        VT_TRY_STEP(vt_pem_block_decode(pem, &der, &len), "intermediate certificate");
        vt_sha256(der, len, der_key);
        x = vt_pck_cache_get_intermediate(cache, der_key);
        if (!x) {
            VT_TRY(d2i_exact(der, len, "intermediate", &x));
            VT_TRY(verify_intermediate(root, x));
        }
        vt_pck_cache_put_intermediate(cache, der_key, pem_key, x);
    }
    *out = x;
    x = NULL;
    rc = 0;
out:
    X509_free(x);
    OPENSSL_free(der);
    return rc;
}

static int span_time(const vt_der_span_t *tlv, vt_time_t *out)
{
    const unsigned char *p = tlv->p;
    ASN1_TIME *t = d2i_ASN1_TIME(NULL, &p, (long)tlv->len);
    int rc = t && p == tlv->p + tlv->len ? vt_asn1_time_to_time(t, out) : VT_E_MALFORMED;
    ASN1_TIME_free(t);
    if (rc < 0) {
        ERR_clear_error();
        VT_BAIL(VT_E_MALFORMED, "pck certificate: invalid validity time");
    }
    return 0;
}

/* §5.2 steps 1-2 and §5.4 step 1 for the leaf: names, signature by the intermediate,
 * SGX extension, key, serial and dates, read by the DER walker of pck_leaf.h. */
static int verify_leaf(X509 *inter, const uint8_t *der, size_t len, vt_pck_chain_t *chain)
{
    vt_pck_leaf_t leaf;
    char cn[VT_CN_MAX];
    const unsigned char *inter_subject = NULL;
    size_t inter_subject_len = 0;

    VT_GUARD(vt_pck_leaf_parse(der, len, &leaf));
    VT_GUARD(vt_der_name_cn(&leaf.subject, cn, sizeof(cn)));
    VT_ENSURE(strstr(cn, "SGX PCK Certificate") != NULL, VT_E_CHAIN,
              "leaf cn \"%s\" does not contain \"SGX PCK Certificate\"", cn);
    /* Byte equality: stricter than X509_NAME_cmp, and what Intel's CAs produce. */
    VT_ENSURE(
        X509_NAME_get0_der(X509_get_subject_name(inter), &inter_subject, &inter_subject_len) == 1 &&
            leaf.issuer.len == inter_subject_len &&
            CRYPTO_memcmp(leaf.issuer.p, inter_subject, inter_subject_len) == 0,
        VT_E_CHAIN, "leaf issuer is not the intermediate subject");
    VT_GUARD_STEP(vt_verify_p256_sig_der(X509_get0_pubkey(inter), leaf.tbs.p, leaf.tbs.len,
                                         leaf.signature.p, leaf.signature.len),
                  "pck certificate");
    /* Trusted from here: everything below was inside the signed tbsCertificate. */
    VT_GUARD_STEP(vt_pck_ext_parse(leaf.sgx_ext.p, leaf.sgx_ext.len, &chain->ext), "sgx extension");
    VT_GUARD_STEP(vt_verify_p256_key(leaf.point, &chain->leaf_key), "pck certificate");
    const unsigned char *p = leaf.serial.p;
    chain->leaf_serial = d2i_ASN1_INTEGER(NULL, &p, (long)leaf.serial.len);
    VT_ENSURE(chain->leaf_serial != NULL && p == leaf.serial.p + leaf.serial.len, VT_E_MALFORMED,
              "pck certificate: invalid serial number");
    VT_GUARD(span_time(&leaf.not_before, &chain->not_before[VT_PCK_LEAF]));
    VT_GUARD(span_time(&leaf.not_after, &chain->not_after[VT_PCK_LEAF]));
    return 0;
}

static int set_pck_ca(vt_pck_chain_t *chain)
{
    char cn[VT_CN_MAX];
    if (cn_contains(X509_get_subject_name(chain->intermediate), "Processor", cn)) {
        chain->pck_ca = "processor";
    } else if (cn_contains(X509_get_subject_name(chain->intermediate), "Platform", cn)) {
        chain->pck_ca = "platform";
    } else {
        VT_BAIL(VT_E_CHAIN, "intermediate cn \"%s\" names neither a Processor nor a Platform CA",
                cn);
    }
    return 0;
}

static int verify_chain(vt_pck_cache_t *cache, const vt_pck_root_t *root, const uint8_t *buf,
                        size_t len, vt_pck_chain_t **out)
{
    int rc = VT_E_INTERNAL;
    vt_pem_block_t pem[VT_PCK_CHAIN_CERTS];
    uint8_t *leaf = NULL;
    size_t leaf_len = 0;
    vt_pck_chain_t *chain = NULL;

    /* §5.1 step 2: leaf, intermediate, root. */
    VT_TRY(vt_pem_split(buf, len, VT_PCK_CHAIN_CERTS, pem));
    VT_TRY(check_root(root, &pem[VT_PCK_ROOT]));
    VT_TRY_ALLOC(chain, calloc(1, sizeof(*chain)), "pck chain");
    chain->refs = 1;
    VT_TRY(get_intermediate(cache, root, &pem[VT_PCK_INTERMEDIATE], &chain->intermediate));
    VT_TRY(set_pck_ca(chain));
    VT_TRY_STEP(vt_pem_block_decode(&pem[VT_PCK_LEAF], &leaf, &leaf_len), "pck certificate");
    VT_TRY(verify_leaf(chain->intermediate, leaf, leaf_len, chain));
    VT_TRY(cert_dates(chain->intermediate, &chain->not_before[VT_PCK_INTERMEDIATE],
                      &chain->not_after[VT_PCK_INTERMEDIATE]));
    chain->not_before[VT_PCK_ROOT] = root->not_before;
    chain->not_after[VT_PCK_ROOT] = root->not_after;
    *out = chain;
    chain = NULL;
    rc = 0;
out:
    vt_pck_chain_unref(chain);
    OPENSSL_free(leaf);
    return rc;
}

int vt_pck_chain_get(vt_pck_cache_t *cache, const vt_pck_root_t *root, const uint8_t *cert_data,
                     size_t len, vt_pck_chain_t **out)
{
    uint8_t key[VT_SHA256_LEN];
    vt_pck_chain_t *chain = NULL;

    VT_ENSURE(len <= VT_CERT_DATA_MAX && len <= INT_MAX, VT_E_TOO_LARGE,
              "certification data of %zu bytes", len);
    /* With the chain cache off there is no key to compute. */
    bool is_cached = vt_pck_cache_has_chains(cache);
    if (is_cached) {
        vt_sha256(cert_data, len, key);
        chain = vt_pck_cache_get_chain(cache, key);
    }
    if (!chain) {
        VT_GUARD(verify_chain(cache, root, cert_data, len, &chain));
        if (is_cached) vt_pck_cache_put_chain(cache, key, chain);
    }
    *out = chain;
    return 0;
}

/* ---- Revocation (every call) ---------------------------------------------------- */

static bool is_listed(X509_CRL *crl, const ASN1_INTEGER *serial)
{
    X509_REVOKED *entry = NULL;
    /* 1: listed; 2: listed with reason removeFromCRL (delta CRLs), i.e. not revoked. */
    return X509_CRL_get0_by_serial(crl, &entry, serial) == 1;
}

static void serial_hex(const ASN1_INTEGER *serial, char *out, size_t cap)
{
    const uint8_t *p = ASN1_STRING_get0_data(serial);
    size_t n = (size_t)ASN1_STRING_length(serial);
    if (n > (cap - 1) / 2) n = (cap - 1) / 2;
    vt_hex_encode(p, n, out);
}

int vt_pck_chain_check_revocation(const vt_pck_chain_t *chain, vt_checked_collateral_t *cc)
{
    char text[VT_CN_MAX];

    /* §5.2 step 5: the intermediate is not in the root CA CRL. */
    const ASN1_INTEGER *inter_serial = X509_get0_serialNumber(chain->intermediate);
    if (is_listed(cc->root_crl, inter_serial)) {
        serial_hex(inter_serial, text, sizeof(text));
        VT_BAIL(VT_E_REVOKED, "intermediate ca serial %s is listed in the root ca crl", text);
    }
    /* §5.4 step 2 (4.1.2.4.6): the PCK CRL comes from the leaf's issuer. */
    const X509_NAME *crl_issuer = X509_CRL_get_issuer(cc->pck_crl);
    VT_ENSURE(cn_contains(crl_issuer, "CA", text), VT_E_COLLATERAL,
              "pck crl issuer cn \"%s\" does not contain \"CA\"", text);
    /* The leaf's issuer is the intermediate's subject (checked when the chain was built). */
    VT_ENSURE(X509_NAME_cmp(crl_issuer, X509_get_subject_name(chain->intermediate)) == 0,
              VT_E_COLLATERAL, "pck crl issuer \"%s\" is not the pck certificate's issuer", text);
    VT_GUARD_STEP(vt_checked_collateral_verify_pck_crl(cc, chain->intermediate), "pck crl");
    /* §5.4 step 3 (4.1.2.4.7): the leaf is not in the PCK CRL. */
    if (is_listed(cc->pck_crl, chain->leaf_serial)) {
        serial_hex(chain->leaf_serial, text, sizeof(text));
        VT_BAIL(VT_E_REVOKED, "pck certificate serial %s is listed in the pck crl", text);
    }
    return 0;
}
