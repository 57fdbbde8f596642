/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The verify layer's hot-path cryptography, shaped around OpenSSL 3.0's costs:
 *   - a P-256 public key from a raw point by duplicating a parameters-only template and
 *     setting the point (about 4x cheaper than EVP_PKEY_fromdata; the point is still
 *     checked to be on the curve);
 *   - certificates decoded without decoding their public key: OpenSSL 3.0 decodes a
 *     SubjectPublicKeyInfo through its provider decoder framework, which costs about as
 *     much as three signature verifications. Decoding in a library context that holds
 *     only the "null" provider skips that step; the key is then built from the raw point.
 *     Certificates decoded that way are only read, never handed to OpenSSL for crypto.
 */
#ifndef VT_VERIFY_P256_H
#define VT_VERIFY_P256_H

#include <openssl/evp.h>

#include "common/ossl.h"

/* A P-256 public key from X||Y; VT_E_MALFORMED if the point is not on the curve. */
VT_MUST_CHECK int vt_verify_p256_key(const uint8_t point[static VT_P256_POINT_LEN], EVP_PKEY **out);

/* Raw r||s ECDSA-P256-SHA256 verification. VT_E_SIGNATURE if invalid. */
VT_MUST_CHECK int vt_verify_p256_sig(EVP_PKEY *key, const uint8_t *data, size_t len,
                                     const uint8_t sig[static VT_P256_SIG_LEN]);

/* The same with a DER ECDSA-Sig-Value (as in certificates). */
VT_MUST_CHECK int vt_verify_p256_sig_der(EVP_PKEY *key, const uint8_t *data, size_t len,
                                         const uint8_t *sig, size_t sig_len);

#endif
