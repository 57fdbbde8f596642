/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal pieces of the ratls layer, one job per file:
 *   evidence_cbor.c  the TCG tagged evidence and its claims (CBOR, gramine-compat.md §3.3)
 *   cmw.c            the id-pe-cmw extension value (RATS CMW, CBOR record form)
 *   cert_ext.c       finding the evidence extensions in a parsed certificate
 *   report_data.c    the REPORTDATA bindings (§3.2) and the SPKI hash
 *   cert_create.c    the certificate (§3)
 *   cert_verify.c    verification (ratls.h)
 *   cache.c          verified results keyed by certificate SHA-256
 */
#ifndef VT_RATLS_INTERNAL_H
#define VT_RATLS_INTERNAL_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <veritee/ratls.h>

/* IANA Named Information hash algorithm ids accepted in a pubkey-hash claim. */
#define VT_RATLS_HASH_SHA256 1
#define VT_RATLS_HASH_SHA384 7
#define VT_RATLS_HASH_SHA512 8
#define VT_RATLS_HASH_MAX    64
/* An SPKI of an EC P-384 key is 120 bytes; Gramine's verifier buffer is 128. */
#define VT_RATLS_SPKI_MAX 256
/* SGX ATTRIBUTES.flags bits Gramine requires clear (gramine-compat.md §5 step 6). */
#define VT_RATLS_SGX_FLAG_PROVISION_KEY 0x10ull
#define VT_RATLS_SGX_FLAG_LICENSE_KEY   0x20ull /* EINITTOKEN_KEY */
/* sizeof(sgx_quote_t) without signature: the shortest quote Gramine accepts. */
#define VT_RATLS_QUOTE_MIN 436
/* Bytes the tagged evidence adds around a quote of 256..65535 bytes (§3.3). */
#define VT_RATLS_EVIDENCE_OVERHEAD 60
#define VT_RATLS_CLAIMS_LEN        51
#define VT_RATLS_HASH_ENTRY_LEN    36

/* ---- evidence_cbor.c ----------------------------------------------------------- */

struct cbor_item_t;

/*
 * cbor_load, strictly: at most VT_RATLS_EXT_MAX bytes, exactly one item with nothing
 * after it, definite lengths everywhere, bounded nesting. what names the input in
 * error details. On success the caller owns *out (cbor_decref).
 */
VT_MUST_CHECK int vt_ratls_cbor_load(const uint8_t *buf, size_t len, const char *what,
                                     struct cbor_item_t **out);

/* A decoded tagged evidence: both byte strings copied out of the CBOR (owned). */
typedef struct {
    uint8_t *quote; /* owned */
    size_t quote_len;
    uint8_t *claims; /* owned: the exact claims bytes the quote's REPORTDATA hashes */
    size_t claims_len;
} vt_ratls_evidence_t;

void vt_ratls_evidence_cleanup(vt_ratls_evidence_t *e);

/*
 * Decodes #6.60000([bstr quote, bstr claims]) strictly: definite lengths only, exactly
 * two items, a non-empty claims bstr, a quote of at least VT_RATLS_QUOTE_MIN bytes, no
 * trailing bytes. At most VT_RATLS_EXT_MAX bytes. On success the caller owns *out.
 */
VT_MUST_CHECK int vt_ratls_evidence_parse(const uint8_t *buf, size_t len, vt_ratls_evidence_t *out);

/* Encodes the tagged evidence with minimal heads. Caller frees *out (free()). */
VT_MUST_CHECK int vt_ratls_evidence_serialize(const uint8_t *quote, size_t quote_len,
                                              const uint8_t *claims, size_t claims_len,
                                              uint8_t **out, size_t *out_len);

typedef struct {
    bool has_pubkey_hash;
    uint64_t hash_alg; /* VT_RATLS_HASH_* */
    uint8_t hash[VT_RATLS_HASH_MAX];
    size_t hash_len;
} vt_ratls_claims_t;

/*
 * Decodes the claims map strictly: a definite map of at least one pair, every key a
 * definite non-empty text string, no duplicate keys, no trailing bytes. "pubkey-hash"
 * must be a bstr holding [uint alg, bstr hash] (definite, exactly two items, no
 * trailing bytes) with alg 1/7/8 and the hash length of alg. Other keys are ignored.
 * A missing pubkey-hash is not a decoding error (has_pubkey_hash is false).
 */
VT_MUST_CHECK int vt_ratls_claims_parse(const uint8_t *buf, size_t len, vt_ratls_claims_t *out);

/* Encodes {"pubkey-hash": bstr([1, bstr sha256])} (51 bytes). Caller frees *out. */
VT_MUST_CHECK int vt_ratls_claims_serialize(const uint8_t spki_sha256[static 32], uint8_t **out,
                                            size_t *out_len);

/* ---- cmw.c ------------------------------------------------------------------------- */

/*
 * Decodes an id-pe-cmw extension value: the DER CHOICE alternative `cbor OCTET
 * STRING` holding a CMW record [type, bstr value, ? uint ind] (type a uint
 * Content-Format or a text media type; ind, if present, must include evidence, bit 2).
 * On success *inner is a copy of the record's value, owned by the caller (free()).
 * The JSON alternative (UTF8String) and CMW collections are VT_E_UNSUPPORTED.
 */
VT_MUST_CHECK int vt_ratls_cmw_parse(const uint8_t *buf, size_t len, uint8_t **inner,
                                     size_t *inner_len);

/* ---- cert_ext.c --------------------------------------------------------------------- */

typedef struct {
    const uint8_t *tcg; /* borrowed from the certificate; NULL if absent */
    size_t tcg_len;
    const uint8_t *legacy; /* borrowed; either legacy OID encoding */
    size_t legacy_len;
    const uint8_t *cmw; /* borrowed */
    size_t cmw_len;
} vt_ratls_exts_t;

/*
 * Finds the evidence extensions of cert. Each must appear at most once (both legacy
 * OID encodings together count as twice), be non-critical, and have a value of
 * VT_RATLS_EXT_MIN..VT_RATLS_EXT_MAX bytes. VT_E_NOT_FOUND if none is present.
 */
VT_MUST_CHECK int vt_ratls_exts_find(const X509 *cert, vt_ratls_exts_t *out);

/* ---- report_data.c ---------------------------------------------------------------- */

/*
 * The DER SubjectPublicKeyInfo of key; VT_E_UNSUPPORTED unless EC P-256 or P-384.
 * out must hold VT_RATLS_SPKI_MAX bytes.
 */
VT_MUST_CHECK int vt_ratls_spki_get(EVP_PKEY *key, uint8_t out[static VT_RATLS_SPKI_MAX],
                                    size_t *len);

/* REPORTDATA for the legacy quote: SHA-256(spki) || 32 zero bytes. */
void vt_ratls_report_data_legacy(const uint8_t *spki, size_t spki_len,
                                 uint8_t out[static VT_REPORT_DATA_LEN]);
/* REPORTDATA for the evidence quote: SHA-256(claims) || 32 zero bytes. */
void vt_ratls_report_data_evidence(const uint8_t *claims, size_t claims_len,
                                   uint8_t out[static VT_REPORT_DATA_LEN]);

/* Hash of data with a VT_RATLS_HASH_* algorithm; out holds VT_RATLS_HASH_MAX bytes. */
VT_MUST_CHECK int vt_ratls_hash(uint64_t alg, const uint8_t *data, size_t len,
                                uint8_t out[static VT_RATLS_HASH_MAX], size_t *out_len);

/*
 * VT_E_REPORT_DATA unless the first 32 bytes of the quote's REPORTDATA equal want's
 * (Gramine compares only those). what names the quote and its binding in the detail.
 */
VT_MUST_CHECK int vt_ratls_report_data_check(const vt_quote_t *q,
                                             const uint8_t want[static VT_REPORT_DATA_LEN],
                                             const char *what);

/* The verified evidence of one certificate: the primary result and, if the legacy
   quote was verified too, its result. */
typedef struct {
    vt_ratls_ext_t source;
    vt_verify_result_t primary;
    bool has_legacy;
    vt_verify_result_t legacy;
} vt_ratls_verified_t;

/* ---- cert_verify.c ------------------------------------------------------------------ */

/*
 * Finds, decodes and binds the evidence of cert (whose key's SPKI is given), verifies
 * its quote(s) with v at time at and checks SGX attributes. *out is always initialized
 * (release with vt_ratls_verified_cleanup); on failure it holds what was determined.
 */
VT_MUST_CHECK int vt_ratls_evidence_verify(vt_verifier_t *v, const X509 *cert, const uint8_t *spki,
                                           size_t spki_len, vt_time_t at, vt_ratls_verified_t *out);

/* ---- cache.c ------------------------------------------------------------------------ */

typedef struct vt_ratls_cache vt_ratls_cache_t;

void vt_ratls_verified_cleanup(vt_ratls_verified_t *v);
/* Deep copy (advisory ids). dst is written only on success. */
VT_MUST_CHECK int vt_ratls_verify_result_copy(const vt_verify_result_t *src,
                                              vt_verify_result_t *dst);
VT_MUST_CHECK int vt_ratls_verified_copy(const vt_ratls_verified_t *src, vt_ratls_verified_t *dst);

/* VT_E_INVALID_ARG (capacity 0 or above 2^24), VT_E_NOMEM, VT_E_CRYPTO (no random salt). */
VT_MUST_CHECK int vt_ratls_cache_new(size_t capacity, uint32_t ttl_seconds, vt_ratls_cache_t **out);
void vt_ratls_cache_free(vt_ratls_cache_t *c);
/*
 * Looks key up at time at: on a fresh hit copies the entry into *out and returns 0;
 * VT_E_NOT_FOUND on a miss or an expired entry (which is dropped).
 */
VT_MUST_CHECK int vt_ratls_cache_get(vt_ratls_cache_t *c, const uint8_t key[static 32],
                                     vt_time_t at, vt_ratls_verified_t *out);
/*
 * Stores a deep copy of v, verified at time at, until min(at + ttl, the earliest
 * collateral expiration of its results); evicts the least recently used entry when
 * full. Nothing is stored if that expiry is not after at.
 */
VT_MUST_CHECK int vt_ratls_cache_put(vt_ratls_cache_t *c, const uint8_t key[static 32],
                                     vt_time_t at, const vt_ratls_verified_t *v);
/* Number of live entries (tests). */
size_t vt_ratls_cache_size(vt_ratls_cache_t *c);
/* Entries in the fullest bucket (tests). */
size_t vt_ratls_cache_longest_chain(vt_ratls_cache_t *c);

#endif
