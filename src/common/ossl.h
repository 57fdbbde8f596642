/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Thin, strict wrappers over OpenSSL used by the collateral and verify layers: loading
 * certificates, chains and CRLs from untrusted bytes, P-256 keys from raw X||Y points,
 * raw r||s ECDSA verification, SHA-256, and ASN1_TIME conversion. Internal only: public
 * headers never name OpenSSL types (except the ratls glue).
 */
#ifndef VT_COMMON_OSSL_H
#define VT_COMMON_OSSL_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <veritee/common.h>

#define VT_P256_POINT_LEN 64 /* X || Y, big-endian, no 0x04 prefix */
#define VT_P256_SIG_LEN 64   /* r || s, big-endian */
#define VT_SHA256_LEN 32

/* One certificate, DER or PEM (detected), exactly; trailing bytes other than whitespace/NUL fail. */
VT_MUST_CHECK int vt_x509_parse(const uint8_t *buf, size_t len, X509 **out);

/*
 * A PEM chain: every certificate in order. Bytes between and after certificates may only
 * be whitespace and NUL (real quotes end the chain with one NUL). At most max certificates.
 * On success the caller owns *out (OSSL_STACK_OF_X509_free / sk_X509_pop_free).
 */
VT_MUST_CHECK int vt_x509_chain_parse_pem(const uint8_t *buf, size_t len, size_t max,
                                          STACK_OF(X509) **out);

/* A CRL given as DER, PEM, or hex text of DER (Intel's QvE accepts all three). */
VT_MUST_CHECK int vt_crl_parse(const uint8_t *buf, size_t len, X509_CRL **out);

/* A P-256 public key from X||Y. VT_E_MALFORMED if the point is not on the curve. */
VT_MUST_CHECK int vt_p256_key_from_point(const uint8_t point[static VT_P256_POINT_LEN],
                                         EVP_PKEY **out);

/* The X||Y point of a P-256 key (e.g. a PCK certificate's). VT_E_UNSUPPORTED if not P-256. */
VT_MUST_CHECK int vt_p256_key_to_point(const EVP_PKEY *key, uint8_t point[static VT_P256_POINT_LEN]);

/*
 * ECDSA-P256-SHA256 over data with a raw r||s signature. 0 if valid, VT_E_SIGNATURE if
 * not (detail: "<what>: signature does not verify").
 */
VT_MUST_CHECK int vt_ecdsa_p256_verify(EVP_PKEY *key, const uint8_t *data, size_t len,
                                       const uint8_t sig[static VT_P256_SIG_LEN], const char *what);

/* Converts a DER ECDSA-Sig-Value to r||s (for signing code and tests). */
VT_MUST_CHECK int vt_ecdsa_sig_der_to_raw(const uint8_t *der, size_t len,
                                          uint8_t raw[static VT_P256_SIG_LEN]);

void vt_sha256(const uint8_t *data, size_t len, uint8_t out[static VT_SHA256_LEN]);

VT_MUST_CHECK int vt_asn1_time_to_time(const ASN1_TIME *t, vt_time_t *out);

/* The value of the first attribute CN of name into out (NUL-terminated, truncated). */
void vt_x509_name_cn(const X509_NAME *name, char *out, size_t cap);

#endif
