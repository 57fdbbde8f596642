/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PCS signed JSON envelope shared by TCB info and QE identity (dcap.md §4.2):
 *     {"<key>": {...}, "signature": "<128 hex>"}
 * The signature is ECDSA P-256/SHA-256 over the exact bytes of the inner object as
 * served, encoded as hex of r||s. jansson parses and validates the document; the raw
 * byte span of the inner object is then located by a string- and escape-aware scan of
 * the same, already validated text, and cross-checked against jansson's value.
 */
#ifndef VT_COLLATERAL_SIGNED_JSON_H
#define VT_COLLATERAL_SIGNED_JSON_H

#include <jansson.h>
#include <openssl/evp.h>
#include <veritee/collateral.h>

typedef struct {
    json_t *root;       /* owned */
    json_t *body;       /* borrowed from root: the inner object */
    const uint8_t *raw; /* borrowed from the input buffer; the signed bytes */
    size_t raw_len;
    uint8_t signature[VT_ECDSA_SIG_LEN]; /* r || s */
} vt_signed_json_t;

/*
 * Parses the envelope in buf (at most VT_COLLATERAL_JSON_MAX bytes, else VT_E_TOO_LARGE)
 * whose inner object is under key ("tcbInfo" or "enclaveIdentity"). The top level must
 * hold exactly that key and "signature". Duplicate keys anywhere are rejected.
 * Errors: VT_E_TOO_LARGE, VT_E_MALFORMED, VT_E_TRAILING_DATA (text after the document).
 * On success the caller cleans *out up with vt_signed_json_cleanup; out->raw borrows buf.
 */
VT_MUST_CHECK int vt_signed_json_parse(const uint8_t *buf, size_t len, const char *key,
                                       const char *what, vt_signed_json_t *out);

void vt_signed_json_cleanup(vt_signed_json_t *sj);

/*
 * Locates the value of the top-level member key in the JSON object text[0..len) and
 * returns its byte span [*off, *off + *span_len). The value must be an object. A key
 * spelled with escapes does not match (a key is matched on its raw bytes), a key that
 * occurs twice is VT_E_MALFORMED, and text inside strings is never taken for structure.
 * Meant for text jansson has already accepted, but safe on any input.
 * Errors: VT_E_MALFORMED (including "no such top-level key").
 */
VT_MUST_CHECK int vt_signed_json_find_span(const uint8_t *text, size_t len, const char *key,
                                           size_t *off, size_t *span_len);

/*
 * Copies the signed bytes into a new NUL-terminated heap buffer (*body, owned by the
 * caller, free()) and the signature into sig.
 */
VT_MUST_CHECK int vt_signed_json_get_signed(const vt_signed_json_t *sj, uint8_t **body,
                                            size_t *body_len, uint8_t sig[static VT_ECDSA_SIG_LEN]);

/*
 * Verifies sig over body with key. VT_E_SIGNATURE with "<what>: signature does not
 * verify with the <signer>" when it does not.
 */
VT_MUST_CHECK int vt_signed_json_verify(EVP_PKEY *key, const uint8_t *body, size_t body_len,
                                        const uint8_t sig[static VT_ECDSA_SIG_LEN],
                                        const char *what, const char *signer);

#endif
