/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Levels keyed by one ISV SVN: the tcbLevels of a QE identity (dcap.md §4.4) and of a
 * TDX module identity (§4.3): [{tcb:{isvsvn}, tcbDate, tcbStatus, advisoryIDs?}].
 */
#ifndef VT_COLLATERAL_ISV_LEVEL_H
#define VT_COLLATERAL_ISV_LEVEL_H

#include <jansson.h>
#include <veritee/collateral.h>

/*
 * Parses obj's non-empty "tcbLevels" array in document order. Statuses outside allowed
 * (a VT_TCB_STATUS_BIT mask) are VT_E_MALFORMED. `what` names obj in error details.
 * On success the caller owns *levels (vt_isv_level_free_array).
 */
VT_MUST_CHECK int vt_isv_level_parse_array(const json_t *obj, const char *what, unsigned allowed,
                                           vt_isv_level_t **levels, size_t *count);

void vt_isv_level_free_array(vt_isv_level_t *levels, size_t count);

#endif
