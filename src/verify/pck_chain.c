/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The quote's PCK certificate chain: dcap.md §5.1 steps 2-3, §5.2 steps 1-5 and
 * §5.4 steps 1-3 (QVL 4.1.2.4.4, .6, .7).
 *
 * Cost model (see pck_chain.h): the PEM blocks are only base64-decoded; the root's DER
 * is compared byte for byte with the trust anchor and never parsed; the intermediate
 * is parsed and verified once per trust anchor (cached by the SHA-256 of its DER); only
 * the leaf is parsed and its signature checked, once per distinct chain.
 */
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "common/cursor.h"
#include "common/error.h"
#include "verify/pck_chain.h"
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
    X509_NAME_free(c->leaf_issuer);
    X509_free(c->intermediate);
    free(c);
}

/* ---- PEM blocks to DER, without parsing the certificates ------------------------ */

static bool is_filler(uint8_t b)
{
    return b == 0 || b == ' ' || b == '\n' || b == '\r' || b == '\t';
}

/* Skips whitespace and NUL (the chain ends with one NUL in real quotes). */
static void skip_filler(vt_cursor_t *c)
{
    for (;;) {
        vt_cursor_t peek = *c;
        uint8_t b;
        if (vt_cursor_read_u8(&peek, &b) != 0 || !is_filler(b)) return;
        *c = peek;
    }
}

/* Reads one "CERTIFICATE" PEM block at the cursor into a new DER buffer. */
static int read_pem_block(vt_cursor_t *c, size_t index, uint8_t **der, size_t *der_len)
{
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    int rc = VT_E_INTERNAL;
    BIO *bio = NULL;
    char *name = NULL, *header = NULL;
    unsigned char *data = NULL;
    long n = 0;
    const uint8_t *start;
    size_t rest = vt_cursor_remaining(c);
    vt_cursor_t peek = *c;

    /* PEM_read_bio would step over any text before a block: we allow none. */
    VT_TRY_ENSURE(vt_cursor_borrow(&peek, sizeof(begin) - 1, &start) == 0 &&
                      CRYPTO_memcmp(start, begin, sizeof(begin) - 1) == 0,
                  VT_E_MALFORMED, "pem: unexpected text at offset %zu", vt_cursor_pos(c));
    VT_TRY_ENSURE(rest <= INT_MAX, VT_E_TOO_LARGE, "pem: %zu bytes", rest);
    VT_TRY_ALLOC(bio, BIO_new_mem_buf(start, (int)rest), "BIO");
    VT_TRY_ENSURE(PEM_read_bio(bio, &name, &header, &data, &n) == 1 && n > 0, VT_E_MALFORMED,
                  "pem: certificate %zu is not valid PEM", index + 1);
    VT_TRY_ENSURE(strcmp(name, "CERTIFICATE") == 0 && header[0] == '\0', VT_E_MALFORMED,
                  "pem: block %zu is not a plain CERTIFICATE", index + 1);
    VT_TRY(vt_cursor_skip(c, rest - (size_t)BIO_pending(bio)));
    *der = data;
    *der_len = (size_t)n;
    data = NULL;
    rc = 0;
out:
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
    BIO_free(bio);
    ERR_clear_error();
    return rc;
}

/* dcap.md §5.1 step 2: exactly three certificates (leaf, intermediate, root). */
static int split_pem_chain(const uint8_t *buf, size_t len, uint8_t *der[VT_PCK_CHAIN_CERTS],
                           size_t der_len[VT_PCK_CHAIN_CERTS])
{
    vt_cursor_t c;
    size_t count = 0;

    vt_cursor_init(&c, buf, len, "pck chain");
    for (;;) {
        skip_filler(&c);
        if (vt_cursor_remaining(&c) == 0) break;
        VT_ENSURE(count < VT_PCK_CHAIN_CERTS, VT_E_CHAIN,
                  "more than %d certificates, expected leaf, intermediate and root",
                  VT_PCK_CHAIN_CERTS);
        VT_GUARD(read_pem_block(&c, count, &der[count], &der_len[count]));
        count++;
    }
    VT_ENSURE(count == VT_PCK_CHAIN_CERTS, VT_E_CHAIN,
              "%zu certificates, expected 3 (leaf, intermediate, root)", count);
    return 0;
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
 * DER), so its self-signature was already checked when the anchor was installed. */
static int check_root(const vt_pck_root_t *root, const uint8_t *der, size_t len)
{
    char cn[VT_CN_MAX];
    VT_ENSURE(len == root->der_len && CRYPTO_memcmp(der, root->der, len) == 0, VT_E_UNTRUSTED,
              "chain root is not the trusted root ca");
    VT_ENSURE(cn_contains(X509_get_subject_name(root->cert), "SGX Root CA", cn), VT_E_CHAIN,
              "root cn \"%s\" does not contain \"SGX Root CA\"", cn);
    return 0;
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

static int get_intermediate(vt_pck_cache_t *cache, const vt_pck_root_t *root,
                            const uint8_t *der, size_t len, X509 **out)
{
    uint8_t key[VT_SHA256_LEN];
    X509 *x = NULL;

    vt_sha256(der, len, key);
    x = vt_pck_cache_get_intermediate(cache, key);
    if (x) {
        *out = x;
        return 0;
    }
    VT_GUARD(d2i_exact(der, len, "intermediate", &x));
    int rc = verify_intermediate(root, x);
    if (rc < 0) {
        X509_free(x);
        return rc;
    }
    vt_pck_cache_put_intermediate(cache, key, x);
    *out = x;
    return 0;
}

/*
 * The leaf's SGX extension (dcap.md §3.2), read from the certificate already parsed:
 * the same parser as vt_pck_ext_from_cert_der without decoding the DER a second time.
 */
static int sgx_extension(const X509 *leaf, vt_pck_ext_t *ext)
{
    int rc = VT_E_INTERNAL;
    ASN1_OBJECT *oid = NULL;

    VT_TRY_ALLOC(oid, OBJ_txt2obj(VT_SGX_EXTENSION_OID, 1), "oid");
    int idx = X509_get_ext_by_OBJ(leaf, oid, -1);
    VT_TRY_ENSURE(idx >= 0, VT_E_MALFORMED, "pck certificate has no sgx extension");
    VT_TRY_ENSURE(X509_get_ext_by_OBJ(leaf, oid, idx) < 0, VT_E_MALFORMED,
                  "pck certificate has two sgx extensions");
    const ASN1_OCTET_STRING *v = X509_EXTENSION_get_data(X509_get_ext(leaf, idx));
    VT_TRY_STEP(vt_pck_ext_parse(ASN1_STRING_get0_data(v), (size_t)ASN1_STRING_length(v), ext),
                "sgx extension");
    rc = 0;
out:
    ASN1_OBJECT_free(oid);
    return rc;
}

/* §5.2 steps 1-2 and §5.4 step 1 for the leaf; fills the chain's leaf fields. */
static int verify_leaf(X509 *inter, X509 *leaf, vt_pck_chain_t *chain)
{
    char cn[VT_CN_MAX];
    uint8_t point[VT_P256_POINT_LEN];

    VT_ENSURE(cn_contains(X509_get_subject_name(leaf), "SGX PCK Certificate", cn), VT_E_CHAIN,
              "leaf cn \"%s\" does not contain \"SGX PCK Certificate\"", cn);
    VT_ENSURE(X509_NAME_cmp(X509_get_issuer_name(leaf), X509_get_subject_name(inter)) == 0,
              VT_E_CHAIN, "leaf issuer is not the intermediate subject");
    int ok = X509_verify(leaf, X509_get0_pubkey(inter));
    ERR_clear_error();
    VT_ENSURE(ok == 1, VT_E_SIGNATURE, "pck certificate: signature does not verify");
    VT_GUARD(sgx_extension(leaf, &chain->ext));
    chain->leaf_key = X509_get_pubkey(leaf);
    VT_ENSURE(chain->leaf_key != NULL, VT_E_MALFORMED, "pck certificate: unreadable public key");
    VT_GUARD(vt_p256_key_to_point(chain->leaf_key, point));
    chain->leaf_serial = ASN1_INTEGER_dup(X509_get0_serialNumber(leaf));
    chain->leaf_issuer = X509_NAME_dup(X509_get_issuer_name(leaf));
    VT_ENSURE(chain->leaf_serial && chain->leaf_issuer, VT_E_NOMEM, "out of memory");
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
    uint8_t *der[VT_PCK_CHAIN_CERTS] = {NULL};
    size_t der_len[VT_PCK_CHAIN_CERTS] = {0};
    X509 *leaf = NULL;
    vt_pck_chain_t *chain = NULL;

    VT_TRY(split_pem_chain(buf, len, der, der_len));
    VT_TRY(check_root(root, der[VT_PCK_ROOT], der_len[VT_PCK_ROOT]));
    VT_TRY_ALLOC(chain, calloc(1, sizeof(*chain)), "pck chain");
    chain->refs = 1;
    VT_TRY(get_intermediate(cache, root, der[VT_PCK_INTERMEDIATE], der_len[VT_PCK_INTERMEDIATE],
                            &chain->intermediate));
    VT_TRY(set_pck_ca(chain));
    VT_TRY(d2i_exact(der[VT_PCK_LEAF], der_len[VT_PCK_LEAF], "pck", &leaf));
    VT_TRY(verify_leaf(chain->intermediate, leaf, chain));
    VT_TRY(cert_dates(leaf, &chain->not_before[VT_PCK_LEAF], &chain->not_after[VT_PCK_LEAF]));
    VT_TRY(cert_dates(chain->intermediate, &chain->not_before[VT_PCK_INTERMEDIATE],
                      &chain->not_after[VT_PCK_INTERMEDIATE]));
    chain->not_before[VT_PCK_ROOT] = root->not_before;
    chain->not_after[VT_PCK_ROOT] = root->not_after;
    *out = chain;
    chain = NULL;
    rc = 0;
out:
    vt_pck_chain_unref(chain);
    X509_free(leaf);
    for (size_t i = 0; i < VT_PCK_CHAIN_CERTS; i++) OPENSSL_free(der[i]);
    return rc;
}

int vt_pck_chain_get(vt_pck_cache_t *cache, const vt_pck_root_t *root, const uint8_t *cert_data,
                     size_t len, vt_pck_chain_t **out)
{
    uint8_t key[VT_SHA256_LEN];

    VT_ENSURE(len <= VT_CERT_DATA_MAX && len <= INT_MAX, VT_E_TOO_LARGE,
              "certification data of %zu bytes", len);
    vt_sha256(cert_data, len, key);
    vt_pck_chain_t *chain = vt_pck_cache_get_chain(cache, key);
    if (!chain) {
        VT_GUARD(verify_chain(cache, root, cert_data, len, &chain));
        vt_pck_cache_put_chain(cache, key, chain);
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
    VT_ENSURE(X509_NAME_cmp(crl_issuer, chain->leaf_issuer) == 0, VT_E_COLLATERAL,
              "pck crl issuer \"%s\" is not the pck certificate's issuer", text);
    VT_GUARD_STEP(vt_checked_collateral_verify_pck_crl(cc, chain->intermediate), "pck crl");
    /* §5.4 step 3 (4.1.2.4.7): the leaf is not in the PCK CRL. */
    if (is_listed(cc->pck_crl, chain->leaf_serial)) {
        serial_hex(chain->leaf_serial, text, sizeof(text));
        VT_BAIL(VT_E_REVOKED, "pck certificate serial %s is listed in the pck crl", text);
    }
    return 0;
}
