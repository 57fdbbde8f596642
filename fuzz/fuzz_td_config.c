/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzzes vt_sim_td_config_parse (veritee/sim.h), the strict TD configuration parser.
 * Deterministic. Checks that a failed parse leaves the output untouched and that an
 * accepted config reproduces its own MRTD when the parse is repeated. Seeds:
 * fuzz/corpus/td_config/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <veritee/sim.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vt_td_report_body_t a, b;
    memset(&a, 0x5a, sizeof(a));
    if (vt_sim_td_config_parse(data, size, &a) < 0) {
        for (size_t i = 0; i < sizeof(a.mr_td); i++)
            if (a.mr_td[i] != 0x5a) abort();
        return 0;
    }
    if (vt_sim_td_config_parse(data, size, &b) != 0) abort();
    if (memcmp(&a, &b, sizeof(a)) != 0) abort();
    return 0;
}
