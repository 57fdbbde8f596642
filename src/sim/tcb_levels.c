/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The TCB levels the simulated vendor publishes, and where a platform sits among them.
 * One table drives both the TCB info documents (collateral_writer.c) and the SVNs given
 * to platforms (sim_init.c), so a platform initialized with status S matches, under
 * dcap.md §5.5, exactly the first level whose status is S:
 *   - levels are strictly descending in SGX component 01/02 (and TDX component 02), so
 *     a platform at level i is below every earlier level and matches level i first;
 *   - the TDX components 00/01 are the module's minor/major SVN, which the matcher
 *     skips (major > 0) and judges through tdxModuleIdentities "TDX_01" instead, where
 *     the platform's module SVN is UpToDate, so a TD quote gets the level's status too.
 */
#include "common/error.h"
#include "sim/sim_internal.h"

/* SHA-256 of "Veritee SIMULATED QE" / "... TD_QE" / "... QE enclave": not Intel's. */
const uint8_t vt_sim_qe_mrsigner[VT_SGX_MEASUREMENT_LEN] = {
    0x5e, 0x51, 0x3a, 0x0e, 0x1c, 0x51, 0x4d, 0x7e, 0x0d, 0x9f, 0x7a, 0x21, 0x6d, 0x3b, 0x1a, 0x51,
    0x40, 0x2c, 0x77, 0x13, 0x90, 0x0a, 0x61, 0x5f, 0x83, 0x9c, 0x41, 0x0e, 0x2b, 0x71, 0x11, 0x0e};
const uint8_t vt_sim_td_qe_mrsigner[VT_SGX_MEASUREMENT_LEN] = {
    0x7d, 0x51, 0x3a, 0x0e, 0x1c, 0x51, 0x4d, 0x7e, 0x0d, 0x9f, 0x7a, 0x21, 0x6d, 0x3b, 0x1a, 0x51,
    0x40, 0x2c, 0x77, 0x13, 0x90, 0x0a, 0x61, 0x5f, 0x83, 0x9c, 0x41, 0x0e, 0x2b, 0x71, 0x7d, 0x0e};
const uint8_t vt_sim_qe_mrenclave[VT_SGX_MEASUREMENT_LEN] = {
    0x9e, 0x51, 0x3a, 0x0e, 0x1c, 0x51, 0x4d, 0x7e, 0x0d, 0x9f, 0x7a, 0x21, 0x6d, 0x3b, 0x1a, 0x51,
    0x40, 0x2c, 0x77, 0x13, 0x90, 0x0a, 0x61, 0x5f, 0x83, 0x9c, 0x41, 0x0e, 0x2b, 0x71, 0x9e, 0x0e};

#define MAJ VT_SIM_TDX_MODULE_MAJOR
#define MIN VT_SIM_TDX_MODULE_MINOR
#define LEVEL(st, c, pce, t, date, ...)                                 \
    {                                                                   \
        st, {c, c, 2, 2, 3, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0}, pce,      \
            {MIN, MAJ, t, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, date, \
        {                                                               \
            __VA_ARGS__                                                 \
        }                                                               \
    }

static const vt_sim_tcb_level_t levels[] = {
    LEVEL(VT_TCB_UP_TO_DATE, 20, 13, 9, "2024-11-13T00:00:00Z", NULL),
    LEVEL(VT_TCB_SW_HARDENING_NEEDED, 18, 13, 8, "2024-11-13T00:00:00Z", "INTEL-SA-00615", NULL),
    LEVEL(VT_TCB_CONFIGURATION_NEEDED, 16, 13, 7, "2024-08-14T00:00:00Z", "INTEL-SA-00828", NULL),
    LEVEL(VT_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED, 14, 13, 6, "2024-08-14T00:00:00Z",
          "INTEL-SA-00615", "INTEL-SA-00828", NULL),
    LEVEL(VT_TCB_OUT_OF_DATE, 12, 13, 5, "2024-03-13T00:00:00Z", "INTEL-SA-00960", NULL),
    LEVEL(VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED, 10, 13, 4, "2023-08-09T00:00:00Z",
          "INTEL-SA-00828", "INTEL-SA-00960", NULL),
    LEVEL(VT_TCB_REVOKED, 8, 11, 3, "2019-11-13T00:00:00Z", "INTEL-SA-00334", NULL),
};

const vt_sim_tcb_level_t *vt_sim_tcb_levels(size_t *count)
{
    *count = sizeof(levels) / sizeof(levels[0]);
    return levels;
}

int vt_sim_tcb_level_for(vt_tcb_status_t s, const vt_sim_tcb_level_t **out)
{
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
        if (levels[i].status == s) {
            *out = &levels[i];
            return 0;
        }
    }
    VT_BAIL(VT_E_INVALID_ARG, "sim: no published tcb level has status %s", vt_tcb_status_name(s));
}
