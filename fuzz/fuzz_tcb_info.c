/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzzes vt_tcb_info_parse and, on the same bytes, the raw signed-span finder
 * vt_signed_json_find_span (dcap.md §4.2, §4.3). Deterministic; seeds are the vectors'
 * tcb_info.json files (fuzz/corpus/tcb_info/).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <veritee/collateral.h>

#include "collateral/signed_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off = 0, n = 0;
    vt_tcb_info_t *info = NULL;

    /* The span, when found, lies inside the input and is a braced object. */
    if (vt_signed_json_find_span(data, size, "tcbInfo", &off, &n) == 0) {
        if (off > size || n < 2 || n > size - off) abort();
        if (data[off] != '{' || data[off + n - 1] != '}') abort();
    }
    if (vt_tcb_info_parse(data, size, &info) == 0) {
        /* A parsed document has levels, a signed body from the input and a span that the
         * finder agrees with. */
        if (info->level_count == 0 || info->signed_body_len != n) abort();
        if (info->signed_body[info->signed_body_len] != '\0') abort();
        if (info->version != 2 && info->version != 3) abort();
        for (size_t i = 0; i < info->level_count; i++) {
            if (info->levels[i].status >= VT_TCB_STATUS_COUNT) abort();
            (void)vt_tcb_status_name(info->levels[i].status);
        }
        vt_tcb_info_free(info);
    }
    return 0;
}
