/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TCB status words. The strings are Intel's, exactly as PCS documents spell them
 * (dcap.md §4.3, §5.5); "TcbNotSupported" is the QvE name for "no TCB level matches".
 */
#include <string.h>

#include <veritee/collateral.h>

#include "common/error.h"

static const char *const status_names[VT_TCB_STATUS_COUNT] = {
    [VT_TCB_UP_TO_DATE] = "UpToDate",
    [VT_TCB_SW_HARDENING_NEEDED] = "SWHardeningNeeded",
    [VT_TCB_CONFIGURATION_NEEDED] = "ConfigurationNeeded",
    [VT_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED] = "ConfigurationAndSWHardeningNeeded",
    [VT_TCB_OUT_OF_DATE] = "OutOfDate",
    [VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED] = "OutOfDateConfigurationNeeded",
    [VT_TCB_TD_RELAUNCH_ADVISED] = "TDRelaunchAdvised",
    [VT_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED] = "TDRelaunchAdvisedConfigurationNeeded",
    [VT_TCB_REVOKED] = "Revoked",
    [VT_TCB_NOT_SUPPORTED] = "TcbNotSupported",
};

const char *vt_tcb_status_name(vt_tcb_status_t s)
{
    /* The enum is signed or unsigned at the compiler's choice; compare as unsigned so
     * both negative and too-large values land in the fallback. */
    if ((unsigned)s >= (unsigned)VT_TCB_STATUS_COUNT) return "Unknown";
    return status_names[s];
}

int vt_tcb_status_from_name(const char *name, vt_tcb_status_t *out)
{
    for (unsigned i = 0; i < (unsigned)VT_TCB_STATUS_COUNT; i++) {
        if (strcmp(name, status_names[i]) == 0) {
            *out = (vt_tcb_status_t)i;
            return 0;
        }
    }
    VT_BAIL(VT_E_MALFORMED, "tcb status: unknown status \"%.48s\"", name);
}
