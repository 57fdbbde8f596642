/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the local-attestation formats (src/evidence/sgx_report_full.c,
 * src/evidence/sgx_target_info.c): sgx_report_t and sgx_target_info_t. Each parser
 * accepts exactly its size and nothing else; whatever parses serializes back to exactly
 * its input, and the report's body agrees with the body parser. Aborts on any mismatch.
 */
#include <stdlib.h>
#include <string.h>
#include <veritee/evidence.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vt_sgx_report_t r;
    vt_sgx_target_info_t t;
    vt_sgx_report_body_t b;
    uint8_t report[VT_SGX_REPORT_LEN], ti[VT_SGX_TARGET_INFO_LEN];

    int rc = vt_sgx_report_parse(data, size, &r);
    if ((rc == 0) != (size == VT_SGX_REPORT_LEN)) abort();
    if (rc == 0) {
        vt_sgx_report_serialize(&r, report);
        if (memcmp(report, data, size) != 0) abort();
        if (vt_sgx_report_body_parse(data, VT_SGX_REPORT_BODY_LEN, &b) != 0) abort();
        uint8_t body[VT_SGX_REPORT_BODY_LEN];
        vt_sgx_report_body_serialize(&b, body);
        if (memcmp(body, report, sizeof(body)) != 0) abort();
    }
    rc = vt_sgx_target_info_parse(data, size, &t);
    if ((rc == 0) != (size == VT_SGX_TARGET_INFO_LEN)) abort();
    if (rc == 0) {
        vt_sgx_target_info_serialize(&t, ti);
        if (memcmp(ti, data, size) != 0) abort();
    }
    return 0;
}
