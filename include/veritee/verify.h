/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Veritee verify layer: the DCAP quote verification algorithm (the equivalent of
 * Intel's Quote Verification Library, docs/specs/dcap.md §5) and, separately, the
 * appraisal policy that decides whether a cryptographically verified quote is
 * acceptable to the caller.
 *
 * Trust: a verifier trusts the real Intel SGX Root CA unless told otherwise. There is
 * no simulation branch: a simulated platform's root is trusted only through
 * vt_verifier_set_simulated_root, and vt_verifier_set_root refuses it.
 */
#ifndef VERITEE_VERIFY_H
#define VERITEE_VERIFY_H

#include <veritee/collateral.h>
#include <veritee/common.h>
#include <veritee/evidence.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vt_verifier vt_verifier_t;

/**
 * The outcome of a verification. Always initialized by the verify functions; on
 * failure is_verified is false and the fields hold what was determined before the
 * failing step. Release with vt_verify_result_cleanup.
 */
typedef struct {
    bool is_verified; /* every cryptographic and collateral check passed */
    vt_tcb_status_t tcb_status; /* the merged status (platform, TDX module, QE) */
    vt_tcb_status_t platform_tcb_status; /* TCB-info level alone */
    vt_tcb_status_t qe_tcb_status;       /* QE identity level alone */
    char **advisory_ids; /* owned: the matched TCB-info level's advisory IDs */
    size_t advisory_count;
    bool is_collateral_expired; /* some collateral or certificate was outside its validity at the verification time */
    vt_time_t verification_time;
    vt_time_t earliest_issue_date;
    vt_time_t latest_issue_date;
    vt_time_t earliest_expiration_date;
    vt_time_t tcb_level_date;     /* tcbDate of the matched level */
    uint32_t tcb_evaluation_data_number; /* min(TCB info, QE identity) */
    vt_pck_ext_t pck;             /* FMSPC, PCE-ID, SVNs, PPID, SGX type of the PCK certificate */

    /* The evidence, copied from the quote (measurements and report data). */
    vt_tee_t tee;
    uint16_t quote_version;
    vt_body_type_t body_type;
    vt_sgx_report_body_t sgx; /* when tee == VT_TEE_SGX */
    vt_td_report_body_t td;   /* when tee == VT_TEE_TDX */
} vt_verify_result_t;

/** Frees the result's owned fields. Accepts NULL. */
VT_API void vt_verify_result_cleanup(vt_verify_result_t *r);

/**
 * Creates a verifier that trusts the built-in Intel SGX Root CA, has no collateral
 * source, and caches verified PCK chains (capacity 1024).
 * Thread safety: configure it (the set_* calls) before sharing it; after that,
 * vt_verifier_verify* may be called from any number of threads at once.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1) int vt_verifier_new(vt_verifier_t **out);
VT_API void vt_verifier_free(vt_verifier_t *v);

/**
 * Replaces the trust anchor with a self-signed root certificate (DER or PEM).
 * Refuses a root whose subject contains "SIMULATED" (VT_E_UNTRUSTED): use
 * vt_verifier_set_simulated_root for that, deliberately.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2) int vt_verifier_set_root(vt_verifier_t *v,
                                                               const uint8_t *cert, size_t len);

/**
 * Trusts a simulated platform's root (its subject must contain "SIMULATED").
 * Callers that do this must tell their user (the CLI prints a warning).
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2) int vt_verifier_set_simulated_root(vt_verifier_t *v,
                                                                         const uint8_t *cert,
                                                                         size_t len);

/** True if the configured root is a simulated one. */
VT_API VT_NONNULL(1) bool vt_verifier_is_simulated_root(const vt_verifier_t *v);

/** Uses a bundle directory (vt_collateral_load_dir) as the collateral source. */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2) int vt_verifier_set_collateral_dir(vt_verifier_t *v,
                                                                         const char *dir);

/** Uses a PCCS / PCS v4 service as the collateral source. opts is copied. */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2) int vt_verifier_set_pccs(vt_verifier_t *v,
                                                               const vt_pccs_options_t *opts);

/** Sets the verified-PCK-chain cache capacity; 0 disables the cache. */
VT_API VT_MUST_CHECK VT_NONNULL(1) int vt_verifier_set_pck_cache(vt_verifier_t *v,
                                                                 size_t capacity);

/**
 * Verifies a quote with collateral from the configured source (cached, checked once,
 * refreshed after its nextUpdate). at is the verification time (VT_TIME_NOW = now).
 *
 * Returns 0 when every check passes (result->is_verified, whatever the TCB status,
 * TcbNotSupported included). A TCB level or PCK certificate that is revoked returns
 * VT_E_REVOKED with result->tcb_status = VT_TCB_REVOKED. Other failures return the
 * code of the failing step (parse errors, VT_E_SIGNATURE, VT_E_UNTRUSTED, VT_E_CHAIN,
 * VT_E_TCB_INFO_MISMATCH, VT_E_QE_IDENTITY_MISMATCH, VT_E_TDX_MODULE_MISMATCH,
 * VT_E_QE_REPORT_DATA, VT_E_COLLATERAL); vt_last_error() names the step, e.g.
 * "verify: qe report signature: signature does not verify".
 * Expired collateral is not a failure: it sets result->is_collateral_expired.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2, 5) int vt_verifier_verify(vt_verifier_t *v,
                                                                const uint8_t *quote, size_t len,
                                                                vt_time_t at,
                                                                vt_verify_result_t *result);

/** As vt_verifier_verify, with explicit collateral (checked on every call, not cached). */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2, 4, 6) int vt_verifier_verify_with_collateral(
    vt_verifier_t *v, const uint8_t *quote, size_t len, const vt_collateral_t *collateral,
    vt_time_t at, vt_verify_result_t *result);

/* ---- Appraisal policy ----------------------------------------------------------- */

typedef struct vt_policy vt_policy_t;

/* TDX measurements a policy can pin. */
typedef enum {
    VT_TDX_MRTD = 0,
    VT_TDX_RTMR0,
    VT_TDX_RTMR1,
    VT_TDX_RTMR2,
    VT_TDX_RTMR3,
    VT_TDX_MRSEAM,
    VT_TDX_MRCONFIGID,
    VT_TDX_MROWNER,
    VT_TDX_MROWNERCONFIG,
    VT_TDX_FIELD_COUNT
} vt_tdx_field_t;

/**
 * Creates the default policy: only UpToDate is accepted, no advisory ID is accepted,
 * debug enclaves/TDs are refused, no measurement is pinned.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1) int vt_policy_new(vt_policy_t **out);
VT_API void vt_policy_free(vt_policy_t *p);

VT_API VT_NONNULL(1, 2) void vt_policy_set_mrenclave(vt_policy_t *p,
                                                     const uint8_t v[static VT_SGX_MEASUREMENT_LEN]);
VT_API VT_NONNULL(1, 2) void vt_policy_set_mrsigner(vt_policy_t *p,
                                                    const uint8_t v[static VT_SGX_MEASUREMENT_LEN]);
VT_API VT_NONNULL(1) void vt_policy_set_isv_prod_id(vt_policy_t *p, uint16_t id);
VT_API VT_NONNULL(1) void vt_policy_set_min_isv_svn(vt_policy_t *p, uint16_t svn);
VT_API VT_MUST_CHECK VT_NONNULL(1, 3) int vt_policy_set_tdx_measurement(
    vt_policy_t *p, vt_tdx_field_t field, const uint8_t v[static VT_TDX_MEASUREMENT_LEN]);
/** Adds s to the accepted statuses (UpToDate is always accepted). */
VT_API VT_MUST_CHECK VT_NONNULL(1) int vt_policy_accept_tcb_status(vt_policy_t *p,
                                                                   vt_tcb_status_t s);
/** Adds an advisory ID ("INTEL-SA-00615") that may be present in an accepted result. */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2) int vt_policy_accept_advisory(vt_policy_t *p,
                                                                    const char *id);
VT_API VT_NONNULL(1) void vt_policy_set_allow_debug(vt_policy_t *p, bool allow);

/**
 * Appraises a verified result: 0 if acceptable, VT_E_POLICY with a detail naming the
 * first violated rule (e.g. "policy: tcb status OutOfDate not accepted"), or
 * VT_E_INVALID_ARG if r is not verified. Thread-safe for concurrent calls on one policy.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2) int vt_policy_appraise(const vt_policy_t *p,
                                                             const vt_verify_result_t *r);

#ifdef __cplusplus
}
#endif
#endif
