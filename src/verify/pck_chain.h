/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The quote's PCK certificate chain (dcap.md §5.1 steps 2-3, §5.2, §5.4 steps 1-3) and
 * the two caches that keep its cost down:
 *
 *   - verified intermediates, keyed by SHA-256 of the intermediate's DER: the
 *     intermediate's signature by the root is verified once per trust anchor;
 *   - verified chains, keyed by SHA-256 of the whole certification data (LRU, capacity
 *     set by vt_verifier_set_pck_cache): a cached chain costs no signature check at all.
 *
 * So an uncached quote costs one certificate signature (the leaf's) and a cached one
 * none; the quote and QE report signatures are the only other ECDSA verifications.
 * Revocation and validity times are *not* cached: they are checked on every call
 * against the collateral in use.
 */
#ifndef VT_VERIFY_PCK_CHAIN_H
#define VT_VERIFY_PCK_CHAIN_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <veritee/evidence.h>

#include "collateral/checked.h"
#include "common/ossl.h"

#define VT_PCK_CHAIN_CERTS 3
enum { VT_PCK_LEAF = 0, VT_PCK_INTERMEDIATE = 1, VT_PCK_ROOT = 2 };

/* A verified PCK chain. Immutable once built; shared by reference count. */
typedef struct vt_pck_chain {
    EVP_PKEY *leaf_key;        /* owned reference: verifies the QE report */
    vt_pck_ext_t ext;          /* the leaf's SGX extension */
    ASN1_INTEGER *leaf_serial; /* owned */
    X509 *intermediate;        /* owned reference; verified against the trust anchor */
    const char *pck_ca;        /* static: "processor" or "platform" */
    vt_time_t not_before[VT_PCK_CHAIN_CERTS]; /* leaf, intermediate, root */
    vt_time_t not_after[VT_PCK_CHAIN_CERTS];
    int refs; /* atomic */
} vt_pck_chain_t;

void vt_pck_chain_ref(vt_pck_chain_t *c);
/* Accepts NULL. */
void vt_pck_chain_unref(vt_pck_chain_t *c);

typedef struct vt_pck_cache vt_pck_cache_t;

/* Both caches; capacity is the chain cache's (0 = no chain cache). */
VT_MUST_CHECK int vt_pck_cache_new(size_t capacity, vt_pck_cache_t **out);
void vt_pck_cache_free(vt_pck_cache_t *cache);
/* Drops every chain and intermediate (the trust anchor changed). */
void vt_pck_cache_clear(vt_pck_cache_t *cache);
/* Changes the chain capacity, evicting the least recently used entries. */
void vt_pck_cache_set_capacity(vt_pck_cache_t *cache, size_t capacity);

/* Whether chains are cached at all (capacity > 0). */
bool vt_pck_cache_has_chains(vt_pck_cache_t *cache);
/* A cached chain with a new reference, or NULL. */
vt_pck_chain_t *vt_pck_cache_get_chain(vt_pck_cache_t *cache,
                                       const uint8_t key[static VT_SHA256_LEN]);
/* Stores chain (takes a new reference) unless the capacity is 0. */
void vt_pck_cache_put_chain(vt_pck_cache_t *cache, const uint8_t key[static VT_SHA256_LEN],
                            vt_pck_chain_t *chain);
/*
 * A verified intermediate with a new reference (X509_free it), or NULL. key is the
 * SHA-256 of its DER or of PEM text recorded with it.
 */
X509 *vt_pck_cache_get_intermediate(vt_pck_cache_t *cache, const uint8_t key[static VT_SHA256_LEN]);
/*
 * Stores a verified intermediate (takes a new reference) under the SHA-256 of its DER,
 * and records pem_key (SHA-256 of the PEM body it was decoded from) as an alias; for a
 * DER already cached, only adds the alias.
 */
void vt_pck_cache_put_intermediate(vt_pck_cache_t *cache, const uint8_t key[static VT_SHA256_LEN],
                                   const uint8_t pem_key[static VT_SHA256_LEN], X509 *x);

/* The trust anchor as the chain check needs it (borrowed from the verifier). */
typedef struct {
    X509 *cert;
    const uint8_t *der;
    size_t der_len;
    const uint8_t *pem_body; /* the DER as OpenSSL writes it in PEM (64-column base64) */
    size_t pem_body_len;
    vt_time_t not_before, not_after;
} vt_pck_root_t;

/*
 * The verified chain of a type-5 certification data blob (PEM leaf, intermediate,
 * root): from the cache, or verified and cached. Errors: VT_E_MALFORMED (PEM/DER),
 * VT_E_CHAIN (count, names, CN rules), VT_E_UNTRUSTED (root is not the trust anchor),
 * VT_E_SIGNATURE, VT_E_UNSUPPORTED (not P-256), SGX extension parse errors.
 * On success the caller holds one reference to *out.
 */
VT_MUST_CHECK int vt_pck_chain_get(vt_pck_cache_t *cache, const vt_pck_root_t *root,
                                   const uint8_t *cert_data, size_t len, vt_pck_chain_t **out);

/*
 * Revocation, on every call (dcap.md §5.2 step 5, §5.4 steps 2-3): the intermediate is
 * not in the root CRL, the PCK CRL was issued by the leaf's issuer and verifies with
 * the intermediate, and the leaf is not in the PCK CRL. VT_E_REVOKED, VT_E_COLLATERAL or
 * VT_E_SIGNATURE.
 */
VT_MUST_CHECK int vt_pck_chain_check_revocation(const vt_pck_chain_t *chain,
                                                vt_checked_collateral_t *cc);

#endif
