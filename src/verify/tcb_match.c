/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TCB level matching and status merging: dcap.md §5.5 (QVL 4.1.2.4.17) and the QE
 * TCB level of §5.4 step 11.
 *
 * Deliberate choices (dcap.md §5.7): SGX SVNs come from the PCK certificate's comp SVN
 * sub-extensions (as Intel, not the CPUSVN octet string); TDX indices 0 and 1 are
 * skipped when the module major version is non-zero (as Intel); statuses merge through
 * Intel's convergence tables, not a "worse of" ordering. Levels are walked in document
 * order, which PCS publishes descending.
 */
#include <stdio.h>
#include <strings.h>

#include "verify/tcb_match.h"

bool vt_tcb_level_matches_sgx(const vt_tcb_level_t *level, const vt_pck_ext_t *pck)
{
    for (size_t i = 0; i < VT_PCK_TCB_COMPONENTS; i++) {
        if (pck->comp_svn[i] < level->sgx_svn[i]) return false;
    }
    return pck->pce_svn >= level->pce_svn;
}

bool vt_tcb_level_matches_tdx(const vt_tcb_level_t *level,
                              const uint8_t tee_tcb_svn[static VT_TEE_TCB_SVN_LEN])
{
    if (!level->has_tdx_svn) return false;
    for (size_t i = tee_tcb_svn[1] > 0 ? 2 : 0; i < VT_TEE_TCB_SVN_LEN; i++) {
        if (tee_tcb_svn[i] < level->tdx_svn[i]) return false;
    }
    return true;
}

const vt_isv_level_t *vt_isv_level_match(const vt_isv_level_t *levels, size_t count, uint16_t svn)
{
    for (size_t i = 0; i < count; i++) {
        if (levels[i].isv_svn <= svn) return &levels[i];
    }
    return NULL;
}

const vt_tdx_module_identity_t *vt_tdx_module_identity_find(const vt_tcb_info_t *info,
                                                            uint8_t major)
{
    char id[8];
    snprintf(id, sizeof(id), "TDX_%02X", major);
    for (size_t i = 0; i < info->tdx_module_identity_count; i++) {
        if (strcasecmp(info->tdx_module_identities[i].id, id) == 0)
            return &info->tdx_module_identities[i];
    }
    return NULL;
}

/* §5.4 step 11: a QE (or module) level is UpToDate, Revoked, or "out of date". */
static vt_tcb_status_t normalize(vt_tcb_status_t s)
{
    switch (s) {
    case VT_TCB_UP_TO_DATE:
    case VT_TCB_REVOKED:
    case VT_TCB_NOT_SUPPORTED:
        return s;
    default:
        return VT_TCB_OUT_OF_DATE;
    }
}

vt_tcb_status_t vt_tcb_status_merge(vt_tcb_status_t platform, vt_tcb_status_t other)
{
    switch (normalize(other)) {
    case VT_TCB_UP_TO_DATE:
        return platform;
    case VT_TCB_REVOKED:
        return VT_TCB_REVOKED;
    case VT_TCB_NOT_SUPPORTED:
        return VT_TCB_NOT_SUPPORTED;
    default: /* OutOfDate */
        switch (platform) {
        case VT_TCB_UP_TO_DATE:
        case VT_TCB_SW_HARDENING_NEEDED:
            return VT_TCB_OUT_OF_DATE;
        case VT_TCB_CONFIGURATION_NEEDED:
        case VT_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED:
            return VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED;
        default:
            return platform;
        }
    }
}

vt_tcb_status_t vt_tdx_module_status(const vt_tcb_info_t *info, uint16_t quote_version,
                                     const uint8_t tee_tcb_svn[static VT_TEE_TCB_SVN_LEN])
{
    if (quote_version > 3 && tee_tcb_svn[1] == 0) return VT_TCB_UP_TO_DATE;
    const vt_tdx_module_identity_t *id = vt_tdx_module_identity_find(info, tee_tcb_svn[1]);
    if (!id) return VT_TCB_NOT_SUPPORTED;
    /* "first level with TEE_TCB_SVN[0] >= isvsvn" */
    const vt_isv_level_t *l = vt_isv_level_match(id->levels, id->level_count, tee_tcb_svn[0]);
    return l ? l->status : VT_TCB_NOT_SUPPORTED;
}

static bool is_configuration(vt_tcb_status_t s)
{
    return s == VT_TCB_CONFIGURATION_NEEDED || s == VT_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED ||
           s == VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED;
}

/* Whether TEE_TCB_SVN_2 (the module the TD would run on after a relaunch) is current. */
static bool relaunch_svn_current(const vt_tcb_info_t *info, const uint8_t svn2[static 16])
{
    if (info->level_count == 0 || !info->levels[0].has_tdx_svn) return false;
    const vt_tcb_level_t *latest = &info->levels[0];
    if (svn2[2] < latest->tdx_svn[2]) return false;
    if (svn2[1] == 0) return svn2[0] >= latest->tdx_svn[0];
    const vt_tdx_module_identity_t *id = vt_tdx_module_identity_find(info, svn2[1]);
    if (!id || id->level_count == 0) return false;
    return svn2[0] >= id->levels[0].isv_svn;
}

vt_tcb_status_t vt_tcb_td_relaunch(const vt_tcb_info_t *info, const vt_td_report_body_t *td,
                                   vt_tcb_status_t qe_status, vt_tcb_status_t sgx_status,
                                   vt_tcb_status_t tdx_status, vt_tcb_status_t module_status)
{
    if (normalize(qe_status) != VT_TCB_UP_TO_DATE) return tdx_status;
    if (sgx_status != VT_TCB_UP_TO_DATE && sgx_status != VT_TCB_SW_HARDENING_NEEDED &&
        sgx_status != VT_TCB_CONFIGURATION_NEEDED &&
        sgx_status != VT_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED)
        return tdx_status;
    if (tdx_status != VT_TCB_OUT_OF_DATE && tdx_status != VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED)
        return tdx_status;
    if (normalize(module_status) != VT_TCB_OUT_OF_DATE) return tdx_status;
    if (!relaunch_svn_current(info, td->tee_tcb_svn2)) return tdx_status;
    return is_configuration(sgx_status) || is_configuration(tdx_status)
               ? VT_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED
               : VT_TCB_TD_RELAUNCH_ADVISED;
}

/* §5.5: the first SGX match (sgx) and, for TDX, the first level matching both. */
static const vt_tcb_level_t *match_level(const vt_tcb_info_t *info, const vt_pck_ext_t *pck,
                                         const vt_quote_t *q, const vt_tcb_level_t **sgx)
{
    *sgx = NULL;
    for (size_t i = 0; i < info->level_count; i++) {
        const vt_tcb_level_t *l = &info->levels[i];
        if (!vt_tcb_level_matches_sgx(l, pck)) continue;
        if (!*sgx) *sgx = l;
        if (q->tee != VT_TEE_TDX) return l;
        if (vt_tcb_level_matches_tdx(l, q->td.tee_tcb_svn)) return l;
    }
    return NULL;
}

void vt_tcb_evaluate(const vt_tcb_info_t *info, const vt_qe_identity_t *qe, const vt_pck_ext_t *pck,
                     const vt_quote_t *q, vt_tcb_eval_t *out)
{
    const vt_tcb_level_t *sgx;

    *out = (vt_tcb_eval_t){
        .status = VT_TCB_NOT_SUPPORTED,
        .platform_status = VT_TCB_NOT_SUPPORTED,
        .sgx_status = VT_TCB_NOT_SUPPORTED,
        .module_status = VT_TCB_UP_TO_DATE,
        .qe_status = VT_TCB_NOT_SUPPORTED,
    };
    /* §5.4 step 11: the QE TCB level, by the QE report's ISVSVN. */
    out->qe_level = vt_isv_level_match(qe->levels, qe->level_count, q->qe_report.isv_svn);
    if (out->qe_level) out->qe_status = out->qe_level->status;

    out->level = match_level(info, pck, q, &sgx);
    if (sgx) out->sgx_status = sgx->status;
    if (!out->level) return; /* TCB_NOT_SUPPORTED */
    out->platform_status = out->level->status;

    vt_tcb_status_t status = out->level->status;
    if (q->tee == VT_TEE_TDX) {
        out->module_status = vt_tdx_module_status(info, q->header.version, q->td.tee_tcb_svn);
        status = vt_tcb_status_merge(status, out->module_status);
        if (q->body_type == VT_BODY_TD15)
            status = vt_tcb_td_relaunch(info, &q->td, out->qe_status, out->sgx_status, status,
                                        out->module_status);
    }
    out->status = vt_tcb_status_merge(status, out->qe_status);
}
