/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of the verify layer shared by its files: the verifier object, the trust
 * anchor, and the result helpers. Not installed; tests include it to reach internals.
 */
#ifndef VT_VERIFY_INTERNAL_H
#define VT_VERIFY_INTERNAL_H

#include <openssl/x509.h>
#include <veritee/verify.h>

#include "collateral/checked.h"
#include "verify/key_cache.h"
#include "verify/pck_chain.h"
#include "verify/tcb_match.h"

/* The trust anchor, parsed once when it is installed. */
typedef struct {
    X509 *cert; /* owned */
    uint8_t
        *der; /* owned (OPENSSL_free): the exact DER, compared byte for byte with quote chains */
    size_t der_len;
    uint8_t *pem_body; /* owned (OPENSSL_free): canonical base64 of der, see pem_split.h */
    size_t pem_body_len;
    vt_time_t not_before;
    vt_time_t not_after;
    bool is_simulated;
} vt_trust_anchor_t;

struct vt_verifier {
    vt_trust_anchor_t root;

    /* Collateral source: one of these (or none). */
    vt_collateral_fetch_fn fetch; /* NULL when no source is configured */
    void *fetch_ctx;              /* borrowed from collateral_dir or pccs below */
    char *collateral_dir;         /* owned; the context of a bundle-directory source */
    vt_pccs_options_t pccs;       /* strings owned; the context of a PCCS source */

    vt_collateral_cache_t *collateral_cache; /* owned */
    vt_pck_cache_t *pck_cache;               /* owned: verified intermediates and chains */
    vt_key_cache_t *key_cache;               /* owned: attestation keys */
};

/* root_ca.c: installs the built-in Intel SGX Root CA. */
VT_MUST_CHECK int vt_trust_anchor_init_intel(vt_trust_anchor_t *a);
void vt_trust_anchor_cleanup(vt_trust_anchor_t *a);

/* The built-in Intel SGX Root CA, PEM. */
extern const char vt_intel_sgx_root_ca_pem[];

/* result.c */
void vt_result_init(vt_verify_result_t *r, vt_time_t at);
void vt_result_set_evidence(vt_verify_result_t *r, const vt_quote_t *q);
/* dcap.md §5.1 step 4: dates over the checked collateral and the quote's PCK chain. */
void vt_result_set_dates(vt_verify_result_t *r, const vt_checked_collateral_t *cc,
                         const vt_pck_chain_t *chain);
/* Copies the TCB evaluation (statuses, level date, advisory IDs) into r. */
VT_MUST_CHECK int vt_result_set_tcb(vt_verify_result_t *r, const vt_tcb_eval_t *e,
                                    const vt_checked_collateral_t *cc);

#endif
