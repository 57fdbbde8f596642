/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small cache of attestation public keys. A platform's quoting enclave signs many
 * quotes with one attestation key, and building an EVP_PKEY from its point costs about
 * a tenth of a signature verification; the cache keeps the last few (LRU). Thread-safe.
 */
#ifndef VT_VERIFY_KEY_CACHE_H
#define VT_VERIFY_KEY_CACHE_H

#include <openssl/evp.h>

#include "common/ossl.h"

typedef struct vt_key_cache vt_key_cache_t;

VT_MUST_CHECK int vt_key_cache_new(vt_key_cache_t **out);
void vt_key_cache_free(vt_key_cache_t *c);

/*
 * The P-256 key of point (X||Y) with a new reference (EVP_PKEY_free it): from the cache,
 * or built with vt_verify_p256_key and cached. VT_E_MALFORMED if not on the curve.
 */
VT_MUST_CHECK int vt_key_cache_get(vt_key_cache_t *c, const uint8_t point[static VT_P256_POINT_LEN],
                                   EVP_PKEY **out);

#endif
