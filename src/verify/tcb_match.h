/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TCB level matching and status merging (dcap.md §5.5, QVL 4.1.2.4.17), as pure
 * functions over parsed collateral, the PCK extension and the parsed quote. No I/O, no
 * cryptography, no allocation: unit-tested directly with hand-built levels.
 */
#ifndef VT_VERIFY_TCB_MATCH_H
#define VT_VERIFY_TCB_MATCH_H

#include <veritee/collateral.h>
#include <veritee/evidence.h>

typedef struct {
    vt_tcb_status_t status;          /* merged: platform, TDX module, relaunch, QE */
    vt_tcb_status_t platform_status; /* the matched TCB-info level (the TDX level for TDX) */
    vt_tcb_status_t sgx_status;      /* the first level matching the SGX SVNs */
    vt_tcb_status_t module_status;   /* TDX module identity level; UpToDate if not used */
    vt_tcb_status_t qe_status;       /* the QE identity level */
    const vt_tcb_level_t *level;     /* borrowed from the TCB info; NULL if none matched */
    const vt_isv_level_t *qe_level;  /* borrowed from the QE identity; NULL if none */
} vt_tcb_eval_t;

/* SGX match: every PCK comp SVN >= the level's, and PCESVN >= the level's. */
bool vt_tcb_level_matches_sgx(const vt_tcb_level_t *level, const vt_pck_ext_t *pck);

/*
 * TDX match: TEE_TCB_SVN[i] >= level.tdx[i] for i from 2 (when TEE_TCB_SVN[1], the
 * module major version, is non-zero: indices 0 and 1 are judged by the TDX module
 * identity) or 0, to 15. A level without TDX components never matches.
 */
bool vt_tcb_level_matches_tdx(const vt_tcb_level_t *level,
                              const uint8_t tee_tcb_svn[static VT_TEE_TCB_SVN_LEN]);

/* The first level (document order, descending) with level.isv_svn <= svn, or NULL. */
const vt_isv_level_t *vt_isv_level_match(const vt_isv_level_t *levels, size_t count, uint16_t svn);

/* tdxModuleIdentities entry "TDX_%02X" of major (case-insensitive), or NULL. */
const vt_tdx_module_identity_t *vt_tdx_module_identity_find(const vt_tcb_info_t *info,
                                                            uint8_t major);

/*
 * The convergence table of dcap.md §5.5 (TDX module status, and QE status, merged into
 * a platform status). other is normalized first: UpToDate, Revoked and TcbNotSupported
 * stand for themselves, any other word counts as OutOfDate (§5.4 step 11).
 */
vt_tcb_status_t vt_tcb_status_merge(vt_tcb_status_t platform, vt_tcb_status_t other);

/*
 * The TDX module status (§5.5): UpToDate when the quote version is > 3 and
 * TEE_TCB_SVN[1] == 0; else the first level of identity TDX_%02X(TEE_TCB_SVN[1]) with
 * TEE_TCB_SVN[0] >= isvsvn; TcbNotSupported if there is none.
 */
vt_tcb_status_t vt_tdx_module_status(const vt_tcb_info_t *info, uint16_t quote_version,
                                     const uint8_t tee_tcb_svn[static VT_TEE_TCB_SVN_LEN]);

/*
 * TD 1.5 relaunch rule (§5.5): returns status unchanged, or TDRelaunchAdvised[…] when
 * the rule applies. tdx_status is the platform status after the module merge.
 */
vt_tcb_status_t vt_tcb_td_relaunch(const vt_tcb_info_t *info, const vt_td_report_body_t *td,
                                   vt_tcb_status_t qe_status, vt_tcb_status_t sgx_status,
                                   vt_tcb_status_t tdx_status, vt_tcb_status_t module_status);

/*
 * The whole of §5.5 for a quote whose checks up to §5.4 step 13 passed. status is
 * TcbNotSupported when no level matches; Revoked when any merged part is revoked.
 */
void vt_tcb_evaluate(const vt_tcb_info_t *info, const vt_qe_identity_t *qe, const vt_pck_ext_t *pck,
                     const vt_quote_t *q, vt_tcb_eval_t *out);

#endif
