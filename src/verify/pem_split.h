/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PEM chain of certification data type 5 (dcap.md §1.4, §2.5) split into its
 * CERTIFICATE blocks without decoding them, so each block is base64-decoded only if it
 * has to be (the root's text usually equals the trust anchor's and is never decoded).
 */
#ifndef VT_VERIFY_PEM_SPLIT_H
#define VT_VERIFY_PEM_SPLIT_H

#include <veritee/common.h>

#define VT_PEM_CHAIN_MAX 3

/* A block's base64 body (between the BEGIN and END lines), borrowed from the input. */
typedef struct {
    const uint8_t *body;
    size_t body_len;
} vt_pem_block_t;

/*
 * Splits buf into exactly count CERTIFICATE blocks with only whitespace and NUL around
 * and between them. VT_E_MALFORMED for other text, VT_E_CHAIN for another count.
 */
VT_MUST_CHECK int vt_pem_split(const uint8_t *buf, size_t len, size_t count,
                               vt_pem_block_t *blocks);

/* Base64-decodes a block body to a new buffer (release with OPENSSL_free). */
VT_MUST_CHECK int vt_pem_block_decode(const vt_pem_block_t *b, uint8_t **der, size_t *der_len);

/* The canonical body OpenSSL writes for der (64-character lines), for comparisons. */
VT_MUST_CHECK int vt_pem_body_from_der(const uint8_t *der, size_t len, uint8_t **body,
                                       size_t *body_len);

#endif
