/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzzes vt_qe_identity_parse and, on the same bytes, the raw signed-span finder
 * vt_signed_json_find_span (dcap.md §4.2, §4.4). Deterministic; seeds are the vectors'
 * qe_identity.json files (fuzz/corpus/qe_identity/).
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
    vt_qe_identity_t *qe = NULL;

    if (vt_signed_json_find_span(data, size, "enclaveIdentity", &off, &n) == 0) {
        if (off > size || n < 2 || n > size - off) abort();
        if (data[off] != '{' || data[off + n - 1] != '}') abort();
    }
    if (vt_qe_identity_parse(data, size, &qe) == 0) {
        if (qe->level_count == 0 || qe->signed_body_len != n || qe->version != 2) abort();
        if (qe->id != VT_QE_ID_QE && qe->id != VT_QE_ID_TD_QE && qe->id != VT_QE_ID_QVE) abort();
        vt_qe_identity_free(qe);
    }
    return 0;
}
