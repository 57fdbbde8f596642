/* SPDX-License-Identifier: Apache-2.0 */
#include "ossl.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <string.h>

#include "error.h"

static bool is_filler(uint8_t b)
{
    return b == 0 || b == ' ' || b == '\n' || b == '\r' || b == '\t';
}

static bool only_filler(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_filler(p[i])) return false;
    }
    return true;
}

static bool looks_like_pem(const uint8_t *buf, size_t len)
{
    static const char marker[] = "-----BEGIN ";
    size_t i = 0;
    while (i < len && is_filler(buf[i])) i++;
    return len - i >= sizeof(marker) - 1 && memcmp(buf + i, marker, sizeof(marker) - 1) == 0;
}

int vt_x509_parse(const uint8_t *buf, size_t len, X509 **out)
{
    int rc = VT_E_INTERNAL;
    STACK_OF(X509) *chain = NULL;

    VT_ENSURE(len <= LONG_MAX, VT_E_TOO_LARGE, "x509: certificate too large");
    if (looks_like_pem(buf, len)) {
        VT_TRY(vt_x509_chain_parse_pem(buf, len, 1, &chain));
        *out = sk_X509_shift(chain);
        rc = 0;
        goto out;
    }
    const unsigned char *p = buf;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    VT_TRY_ENSURE(x != NULL, VT_E_MALFORMED, "x509: certificate is neither valid DER nor PEM");
    if (!only_filler(p, len - (size_t)(p - buf))) {
        X509_free(x);
        VT_TRY_BAIL(VT_E_TRAILING_DATA, "x509: %zu trailing bytes after the certificate",
                    len - (size_t)(p - buf));
    }
    *out = x;
    rc = 0;
out:
    sk_X509_pop_free(chain, X509_free);
    ERR_clear_error();
    return rc;
}

int vt_x509_chain_parse_pem(const uint8_t *buf, size_t len, size_t max, STACK_OF(X509) **out)
{
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    int rc = VT_E_INTERNAL;
    BIO *bio = NULL;
    STACK_OF(X509) *chain = NULL;
    size_t off = 0;

    VT_TRY_ENSURE(len <= INT_MAX, VT_E_TOO_LARGE, "pem chain: %zu bytes", len);
    VT_TRY_ALLOC(chain, sk_X509_new_null(), "certificate stack");
    for (;;) {
        /* Only filler may stand between certificates: PEM_read_bio_X509 would silently
         * step over any other text, so we check it ourselves. */
        while (off < len && is_filler(buf[off])) off++;
        if (off == len) break;
        VT_TRY_ENSURE(len - off >= sizeof(begin) - 1 &&
                          memcmp(buf + off, begin, sizeof(begin) - 1) == 0,
                      VT_E_MALFORMED, "pem chain: unexpected text at offset %zu", off);
        VT_TRY_ENSURE((size_t)sk_X509_num(chain) < max, VT_E_TOO_LARGE,
                      "pem chain: more than %zu certificates", max);
        BIO_free(bio);
        VT_TRY_ALLOC(bio, BIO_new_mem_buf(buf + off, (int)(len - off)), "BIO");
        X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        VT_TRY_ENSURE(x != NULL, VT_E_MALFORMED, "pem chain: certificate %d is not valid PEM",
                      sk_X509_num(chain) + 1);
        if (!sk_X509_push(chain, x)) {
            X509_free(x);
            VT_TRY_BAIL(VT_E_NOMEM, "out of memory");
        }
        off = len - (size_t)BIO_pending(bio);
    }
    VT_TRY_ENSURE(sk_X509_num(chain) > 0, VT_E_MALFORMED, "pem chain: no certificate");
    *out = chain;
    chain = NULL;
    rc = 0;
out:
    BIO_free(bio);
    sk_X509_pop_free(chain, X509_free);
    ERR_clear_error();
    return rc;
}

static bool is_hex_text(const uint8_t *buf, size_t len)
{
    size_t digits = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t b = buf[i];
        bool hex = (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
        if (hex) {
            digits++;
        } else if (!is_filler(b)) {
            return false;
        }
    }
    return digits > 0;
}

int vt_crl_parse(const uint8_t *buf, size_t len, X509_CRL **out)
{
    int rc = VT_E_INTERNAL;
    BIO *bio = NULL;
    uint8_t *der = NULL;
    X509_CRL *crl = NULL;

    VT_TRY_ENSURE(len > 0 && len <= INT_MAX, VT_E_MALFORMED, "crl: empty or too large");
    if (looks_like_pem(buf, len)) {
        VT_TRY_ALLOC(bio, BIO_new_mem_buf(buf, (int)len), "BIO");
        crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);
        VT_TRY_ENSURE(crl != NULL, VT_E_MALFORMED, "crl: invalid PEM");
    } else {
        const uint8_t *src = buf;
        size_t src_len = len;
        if (is_hex_text(buf, len)) {
            size_t n = 0;
            while (n < len && !is_filler(buf[n])) n++;
            VT_TRY_ENSURE(only_filler(buf + n, len - n) && n % 2 == 0, VT_E_MALFORMED,
                          "crl: malformed hex text");
            VT_TRY_ALLOC(der, malloc(n / 2 + 1), "crl buffer");
            VT_TRY(vt_hex_decode((const char *)buf, n, der, n / 2));
            src = der;
            src_len = n / 2;
        }
        const unsigned char *p = src;
        crl = d2i_X509_CRL(NULL, &p, (long)src_len);
        VT_TRY_ENSURE(crl != NULL, VT_E_MALFORMED, "crl: invalid DER");
        VT_TRY_ENSURE(only_filler(p, src_len - (size_t)(p - src)), VT_E_TRAILING_DATA,
                      "crl: trailing bytes after the CRL");
    }
    *out = crl;
    crl = NULL;
    rc = 0;
out:
    X509_CRL_free(crl);
    BIO_free(bio);
    free(der);
    ERR_clear_error();
    return rc;
}

int vt_p256_key_from_point(const uint8_t point[static VT_P256_POINT_LEN], EVP_PKEY **out)
{
    int rc = VT_E_INTERNAL;
    uint8_t uncompressed[1 + VT_P256_POINT_LEN];
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *key = NULL;

    uncompressed[0] = 0x04;
    memcpy(uncompressed + 1, point, VT_P256_POINT_LEN);
    OSSL_PARAM params[] = {
        OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"prime256v1", 0),
        OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, uncompressed, sizeof(uncompressed)),
        OSSL_PARAM_END,
    };
    VT_TRY_ALLOC(ctx, EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL), "key context");
    VT_TRY_OSSL(EVP_PKEY_fromdata_init(ctx), VT_E_CRYPTO, "p256: fromdata init");
    /* fromdata decodes the point, which fails for points not on the curve. */
    VT_TRY_ENSURE(EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1, VT_E_MALFORMED,
                  "p256: public key is not a valid P-256 point");
    *out = key;
    key = NULL;
    rc = 0;
out:
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error();
    return rc;
}

int vt_p256_key_to_point(const EVP_PKEY *key, uint8_t point[static VT_P256_POINT_LEN])
{
    uint8_t buf[1 + VT_P256_POINT_LEN];
    size_t n = 0;
    char group[32] = {0};

    VT_ENSURE(EVP_PKEY_is_a(key, "EC") &&
                  EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                                 sizeof(group), NULL) == 1 &&
                  strcmp(group, "prime256v1") == 0,
              VT_E_UNSUPPORTED, "p256: key is not a P-256 key");
    VT_ENSURE(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, buf,
                                              sizeof(buf), &n) == 1 &&
                  n == sizeof(buf) && buf[0] == 0x04,
              VT_E_UNSUPPORTED, "p256: key is not an uncompressed P-256 point");
    memcpy(point, buf + 1, VT_P256_POINT_LEN);
    return 0;
}

int vt_ecdsa_p256_verify(EVP_PKEY *key, const uint8_t *data, size_t len,
                         const uint8_t sig[static VT_P256_SIG_LEN], const char *what)
{
    int rc = VT_E_INTERNAL;
    ECDSA_SIG *s = NULL;
    BIGNUM *r = NULL, *sv = NULL;
    unsigned char *der = NULL;
    EVP_MD_CTX *md = NULL;

    VT_TRY_ALLOC(s, ECDSA_SIG_new(), "signature");
    r = BN_bin2bn(sig, 32, NULL);
    sv = BN_bin2bn(sig + 32, 32, NULL);
    VT_TRY_ENSURE(r != NULL && sv != NULL, VT_E_NOMEM, "out of memory");
    VT_TRY_OSSL(ECDSA_SIG_set0(s, r, sv), VT_E_CRYPTO, "ecdsa: set signature");
    r = sv = NULL;
    int der_len = i2d_ECDSA_SIG(s, &der);
    VT_TRY_ENSURE(der_len > 0, VT_E_CRYPTO, "ecdsa: encode signature");
    VT_TRY_ALLOC(md, EVP_MD_CTX_new(), "digest context");
    VT_TRY_OSSL(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key), VT_E_CRYPTO,
                "%s: verify init", what);
    VT_TRY_ENSURE(EVP_DigestVerify(md, der, (size_t)der_len, data, len) == 1, VT_E_SIGNATURE,
                  "%s: signature does not verify", what);
    rc = 0;
out:
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    BN_free(r);
    BN_free(sv);
    ECDSA_SIG_free(s);
    ERR_clear_error();
    return rc;
}

int vt_ecdsa_sig_der_to_raw(const uint8_t *der, size_t len, uint8_t raw[static VT_P256_SIG_LEN])
{
    int rc = VT_E_INTERNAL;
    const unsigned char *p = der;
    ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)len);

    VT_TRY_ENSURE(s != NULL && p == der + len, VT_E_MALFORMED, "ecdsa: malformed DER signature");
    const BIGNUM *r, *sv;
    ECDSA_SIG_get0(s, &r, &sv);
    VT_TRY_ENSURE(BN_bn2binpad(r, raw, 32) == 32 && BN_bn2binpad(sv, raw + 32, 32) == 32,
                  VT_E_MALFORMED, "ecdsa: signature component too large");
    rc = 0;
out:
    ECDSA_SIG_free(s);
    ERR_clear_error();
    return rc;
}

void vt_sha256(const uint8_t *data, size_t len, uint8_t out[static VT_SHA256_LEN])
{
    unsigned int n = VT_SHA256_LEN;
    /* EVP_Digest only fails on allocation failure; out is then all zeros, which no
     * comparison against a real hash accepts. */
    memset(out, 0, VT_SHA256_LEN);
    if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1) memset(out, 0, VT_SHA256_LEN);
}

int vt_asn1_time_to_time(const ASN1_TIME *t, vt_time_t *out)
{
    struct tm tm;
    VT_ENSURE(t != NULL && ASN1_TIME_to_tm(t, &tm) == 1, VT_E_MALFORMED, "asn1: invalid time");
    *out = (vt_time_t)timegm(&tm);
    return 0;
}

void vt_x509_name_cn(const X509_NAME *name, char *out, size_t cap)
{
    out[0] = '\0';
    int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (idx < 0) return;
    const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    int n = ASN1_STRING_length(s);
    if (n < 0) return;
    size_t copy = (size_t)n < cap - 1 ? (size_t)n : cap - 1;
    memcpy(out, ASN1_STRING_get0_data(s), copy);
    out[copy] = '\0';
}
