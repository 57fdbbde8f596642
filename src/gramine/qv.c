/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Veritee's verification outcome in Intel's terms, and Gramine's acceptance table
 * (gramine-compat.md §5 step 5).
 *
 * Gramine stores what sgx_qv_verify_quote returned in results->dcap and decides on
 * quote_verification_result. Veritee's verifier returns 0 with a TCB status, or an error
 * code; this is the mapping:
 *   0 with UpToDate .. OutOfDateConfigurationNeeded  -> SUCCESS, the matching QV result
 *   0 with TDRelaunchAdvised[ConfigurationNeeded]    -> SUCCESS, TD_RELAUNCH_ADVISED[...]
 *   0 with TcbNotSupported                           -> SUCCESS, UNSPECIFIED
 *   VT_E_REVOKED (TCB level or PCK certificate)      -> SUCCESS, REVOKED
 *   VT_E_SIGNATURE, VT_E_QE_REPORT_DATA              -> SUCCESS, INVALID_SIGNATURE
 *   VT_E_NOMEM                                       -> ERROR_OUT_OF_MEMORY, UNSPECIFIED
 *   any other failure (chain, collateral, format...) -> ERROR_UNEXPECTED, UNSPECIFIED
 * Only the accepted rows of the table can let a peer through, so the choice among
 * rejecting rows changes diagnostics, not decisions.
 */
#include "common/error.h"
#include "gramine/gramine_internal.h"

const char *vt_gramine_qv_result_name(int qv)
{
    switch (qv) {
    case VT_QV_RESULT_OK:
        return "OK";
    case VT_QV_RESULT_CONFIG_NEEDED:
        return "CONFIG_NEEDED";
    case VT_QV_RESULT_OUT_OF_DATE:
        return "OUT_OF_DATE";
    case VT_QV_RESULT_OUT_OF_DATE_CONFIG_NEEDED:
        return "OUT_OF_DATE_CONFIG_NEEDED";
    case VT_QV_RESULT_INVALID_SIGNATURE:
        return "INVALID_SIGNATURE";
    case VT_QV_RESULT_REVOKED:
        return "REVOKED";
    case VT_QV_RESULT_UNSPECIFIED:
        return "UNSPECIFIED";
    case VT_QV_RESULT_SW_HARDENING_NEEDED:
        return "SW_HARDENING_NEEDED";
    case VT_QV_RESULT_CONFIG_AND_SW_HARDENING_NEEDED:
        return "CONFIG_AND_SW_HARDENING_NEEDED";
    case VT_QV_RESULT_TD_RELAUNCH_ADVISED:
        return "TD_RELAUNCH_ADVISED";
    case VT_QV_RESULT_TD_RELAUNCH_ADVISED_CONFIG_NEEDED:
        return "TD_RELAUNCH_ADVISED_CONFIG_NEEDED";
    default:
        return "UNKNOWN";
    }
}

static int qv_of_status(vt_tcb_status_t s)
{
    switch (s) {
    case VT_TCB_UP_TO_DATE:
        return VT_QV_RESULT_OK;
    case VT_TCB_SW_HARDENING_NEEDED:
        return VT_QV_RESULT_SW_HARDENING_NEEDED;
    case VT_TCB_CONFIGURATION_NEEDED:
        return VT_QV_RESULT_CONFIG_NEEDED;
    case VT_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED:
        return VT_QV_RESULT_CONFIG_AND_SW_HARDENING_NEEDED;
    case VT_TCB_OUT_OF_DATE:
        return VT_QV_RESULT_OUT_OF_DATE;
    case VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED:
        return VT_QV_RESULT_OUT_OF_DATE_CONFIG_NEEDED;
    case VT_TCB_TD_RELAUNCH_ADVISED:
        return VT_QV_RESULT_TD_RELAUNCH_ADVISED;
    case VT_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED:
        return VT_QV_RESULT_TD_RELAUNCH_ADVISED_CONFIG_NEEDED;
    case VT_TCB_REVOKED:
        return VT_QV_RESULT_REVOKED;
    default:
        return VT_QV_RESULT_UNSPECIFIED;
    }
}

void vt_gramine_qv_from_veritee(int rc, const vt_verify_result_t *r, int *func_result,
                                int *qv_result)
{
    *func_result = VT_QL_SUCCESS;
    switch (rc) {
    case 0:
        *qv_result = r->is_verified ? qv_of_status(r->tcb_status) : VT_QV_RESULT_UNSPECIFIED;
        return;
    case VT_E_REVOKED:
        *qv_result = VT_QV_RESULT_REVOKED;
        return;
    case VT_E_SIGNATURE:
    case VT_E_QE_REPORT_DATA:
        *qv_result = VT_QV_RESULT_INVALID_SIGNATURE;
        return;
    case VT_E_NOMEM:
        *func_result = VT_QL_ERROR_OUT_OF_MEMORY;
        *qv_result = VT_QV_RESULT_UNSPECIFIED;
        return;
    default:
        *func_result = VT_QL_ERROR_UNEXPECTED;
        *qv_result = VT_QV_RESULT_UNSPECIFIED;
        return;
    }
}

bool vt_gramine_qv_is_accepted(int qv, bool is_collateral_expired, const vt_gramine_allow_t *a)
{
    switch (qv) {
    case VT_QV_RESULT_OK:
        /* Gramine: expired collateral passes only with the outdated-TCB switch. */
        return !is_collateral_expired || a->is_outdated_tcb_allowed;
    case VT_QV_RESULT_CONFIG_NEEDED:
        return a->is_hw_config_needed_allowed;
    case VT_QV_RESULT_OUT_OF_DATE:
        return a->is_outdated_tcb_allowed;
    case VT_QV_RESULT_OUT_OF_DATE_CONFIG_NEEDED:
        return a->is_outdated_tcb_allowed && a->is_hw_config_needed_allowed;
    case VT_QV_RESULT_SW_HARDENING_NEEDED:
        return a->is_sw_hardening_needed_allowed;
    case VT_QV_RESULT_CONFIG_AND_SW_HARDENING_NEEDED:
        return a->is_hw_config_needed_allowed && a->is_sw_hardening_needed_allowed;
    default:
        /* INVALID_SIGNATURE, REVOKED, UNSPECIFIED, TD relaunch and anything newer. */
        return false;
    }
}
