/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checked collateral: raw collateral whose time-independent checks have passed against
 * a trust anchor (dcap.md §5.2 step 4, §5.3 steps 1-3). Immutable once created, shared
 * between threads by reference count. Time-dependent checks (validity at the
 * verification time) are the verify layer's job, from the dates recorded here.
 *
 * What vt_collateral_check establishes:
 *   - root CA CRL: issuer == trusted root subject, cRLNumber and AKI present, signed by
 *     the trusted root;
 *   - TCB info and QE identity: issuer chain is exactly [signer, root]; chain root is
 *     byte-identical to the trusted root; signer CN contains "SGX TCB Signing", issuer ==
 *     root subject, signature by the root verifies; signer not listed in the root CRL
 *     (VT_E_REVOKED); the JSON signature over the exact inner-object bytes verifies with
 *     the signer key (VT_E_SIGNATURE);
 *   - PCK CRL: parsed, cRLNumber and AKI present; if pck_crl_issuer_chain is given, that
 *     CA is verified against the root, checked against the root CRL, and the PCK CRL is
 *     verified with it. Otherwise the PCK CRL signature is checked lazily against the
 *     quote's intermediate CA with vt_checked_collateral_verify_pck_crl.
 */
#ifndef VT_COLLATERAL_CHECKED_H
#define VT_COLLATERAL_CHECKED_H

#include <openssl/x509.h>
#include <pthread.h>
#include <veritee/collateral.h>

typedef struct vt_checked_collateral {
    vt_tcb_info_t *tcb_info;       /* owned */
    vt_qe_identity_t *qe_identity; /* owned */
    X509 *tcb_signer;              /* owned; verified */
    X509 *qe_signer;               /* owned; verified */
    X509_CRL *root_crl;            /* owned; verified with the trusted root */
    X509_CRL *pck_crl;             /* owned; see vt_checked_collateral_verify_pck_crl */
    X509 *pck_crl_issuer;          /* owned or NULL; verified against the root when present */

    /* Over every certificate (notBefore/notAfter), CRL (thisUpdate/nextUpdate) and JSON
     * document (issueDate/nextUpdate) above: dcap.md §5.1 step 4. */
    vt_time_t earliest_issue;
    vt_time_t latest_issue;
    vt_time_t earliest_expiration;
    /* The earliest nextUpdate of the TCB info, QE identity and both CRLs: when a cache
     * should fetch again. */
    vt_time_t refresh_after;

    /* private: */
    pthread_mutex_t lock;           /* guards the PCK CRL memo below */
    uint8_t pck_crl_verified_issuer[32]; /* SHA-256 of the DER of the CA that verified pck_crl */
    bool is_pck_crl_verified;
    int refs; /* atomic */
} vt_checked_collateral_t;

/*
 * Runs the checks above. trusted_root is borrowed. On success the caller holds one
 * reference to *out (release with vt_checked_collateral_unref).
 */
VT_MUST_CHECK int vt_collateral_check(const vt_collateral_t *raw, X509 *trusted_root,
                                      vt_checked_collateral_t **out);

void vt_checked_collateral_ref(vt_checked_collateral_t *c);
void vt_checked_collateral_unref(vt_checked_collateral_t *c);

/*
 * Checks that the PCK CRL was issued by issuer (the quote's intermediate CA, already
 * verified by the caller): issuer name equality and signature. Memoized per issuer, so
 * the signature is verified once per checked collateral. Thread-safe.
 * Returns 0, VT_E_COLLATERAL (issuer mismatch) or VT_E_SIGNATURE.
 */
VT_MUST_CHECK int vt_checked_collateral_verify_pck_crl(vt_checked_collateral_t *c, X509 *issuer);

/* ---- Cache ------------------------------------------------------------------------ */

/* A source of raw collateral for (tee, fmspc, pck_ca). */
typedef int (*vt_collateral_fetch_fn)(void *ctx, vt_tee_t tee,
                                      const uint8_t fmspc[static VT_FMSPC_LEN],
                                      const char *pck_ca, vt_collateral_t *out);

typedef struct vt_collateral_cache vt_collateral_cache_t;

/*
 * A thread-safe cache of checked collateral keyed by (tee, fmspc, pck_ca), at most
 * capacity entries (least recently used evicted). An entry is fetched again after its
 * refresh_after time (wall clock); if the source still serves collateral that is past
 * its nextUpdate, it is fetched again at most once every min_refetch_seconds.
 */
VT_MUST_CHECK int vt_collateral_cache_new(size_t capacity, vt_time_t min_refetch_seconds,
                                          vt_collateral_cache_t **out);
void vt_collateral_cache_free(vt_collateral_cache_t *cache);

/*
 * Gets checked collateral, fetching through fetch(ctx, ...) and checking against
 * trusted_root on a miss or a due refresh. Fetching happens outside the cache lock.
 * Concurrent gets of one key share a single fetch and its outcome (collateral or error);
 * an entry due for refresh is not handed out meanwhile. Failures are not cached: the
 * next get fetches again. A cache serves one trust anchor: entries are not keyed by
 * trusted_root, so clear the cache when the anchor changes.
 * On success the caller holds one reference to *out.
 */
VT_MUST_CHECK int vt_collateral_cache_get(vt_collateral_cache_t *cache, vt_collateral_fetch_fn fetch,
                                          void *ctx, X509 *trusted_root, vt_tee_t tee,
                                          const uint8_t fmspc[static VT_FMSPC_LEN],
                                          const char *pck_ca, vt_checked_collateral_t **out);

/* Drops every entry (e.g. after the trust anchor changes). */
void vt_collateral_cache_clear(vt_collateral_cache_t *cache);

/*
 * Replaces the wall clock (vt_time_now) the cache uses to decide when an entry is due,
 * e.g. for tests or for a process that keeps its own notion of time. Call it before
 * the cache is shared between threads.
 */
typedef vt_time_t (*vt_collateral_clock_fn)(void *ctx);
void vt_collateral_cache_set_clock(vt_collateral_cache_t *cache, vt_collateral_clock_fn now,
                                   void *ctx);

#endif
