/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The quote checks of dcap.md §5.4 steps 4-13 (QVL 4.1.2.4.9 - 4.1.2.4.16), in Intel's
 * order, against a verified PCK chain and checked collateral.
 */
#ifndef VT_VERIFY_QUOTE_CHECKS_H
#define VT_VERIFY_QUOTE_CHECKS_H

#include <veritee/collateral.h>
#include <veritee/evidence.h>

#include "verify/key_cache.h"
#include "verify/pck_chain.h"

/*
 * Runs steps 4-13. Returns 0, or the code of the first failing step with a detail
 * naming it: VT_E_TCB_INFO_MISMATCH, VT_E_TDX_MODULE_MISMATCH, VT_E_SIGNATURE,
 * VT_E_QE_REPORT_DATA, VT_E_QE_IDENTITY_MISMATCH, VT_E_MALFORMED (attestation key).
 * The QE TCB level (step 11) is left to vt_tcb_evaluate.
 */
VT_MUST_CHECK int vt_quote_checks_run(const vt_quote_t *q, const vt_pck_chain_t *chain,
                                      const vt_tcb_info_t *info, const vt_qe_identity_t *qe,
                                      vt_key_cache_t *keys);

#endif
