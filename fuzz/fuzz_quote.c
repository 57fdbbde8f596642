/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzzes vt_quote_parse and vt_quote_parse_ex (src/evidence/sgx_quote.c) on arbitrary
 * bytes. Checks the parser's promises: a success points only inside the input and
 * accounts for every byte; a failure is a parse-category code.
 */
#include <stdlib.h>
#include <veritee/evidence.h>

static void check_view(const uint8_t *data, size_t size, const vt_quote_t *q)
{
    const uint8_t *end = data + size;
    if (q->signed_data != data || q->signed_len != vt_quote_signed_len(q)) abort();
    if (q->qe_report_raw < data || q->qe_report_raw + VT_SGX_REPORT_BODY_LEN > end) abort();
    if (q->qe_auth_data < data || q->qe_auth_data + q->qe_auth_len > end) abort();
    if (q->cert_data < data || q->cert_len > (size_t)(end - q->cert_data)) abort();
    /* The certification data is the last thing in the signature data. */
    if (q->cert_data + q->cert_len + q->trailing_len != end) abort();
    if (q->cert_type < 1 || q->cert_type > 5) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vt_quote_t q;
    int rc = vt_quote_parse(data, size, &q);
    if (rc == 0)
        check_view(data, size, &q);
    else if (vt_error_type(rc) != VT_ET_PARSE)
        abort();

    int rc2 = vt_quote_parse_ex(data, size, VT_QUOTE_PARSE_ANY_TRAILING, &q);
    if (rc2 == 0)
        check_view(data, size, &q);
    else if (vt_error_type(rc2) != VT_ET_PARSE)
        abort();
    /* The lenient mode differs only in what follows the signature data. */
    if (rc == 0 && rc2 != 0) abort();
    if (rc2 != 0 && rc != rc2) abort();
    return 0;
}
