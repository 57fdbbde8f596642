/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Round trip of vt_quote_parse_ex / vt_quote_serialize (src/evidence/sgx_quote.c):
 * every quote that parses serializes to exactly its bytes up to the end of the signature
 * data, and that serialization parses to an equal view. Aborts on any mismatch.
 */
#include <stdlib.h>
#include <string.h>
#include <veritee/evidence.h>

static bool same(const vt_quote_t *a, const vt_quote_t *b)
{
    return memcmp(&a->header, &b->header, sizeof(a->header)) == 0 && a->tee == b->tee &&
           a->body_type == b->body_type && memcmp(&a->sgx, &b->sgx, sizeof(a->sgx)) == 0 &&
           memcmp(&a->td, &b->td, sizeof(a->td)) == 0 && a->signed_len == b->signed_len &&
           memcmp(a->signed_data, b->signed_data, a->signed_len) == 0 &&
           memcmp(a->signature, b->signature, sizeof(a->signature)) == 0 &&
           memcmp(a->attest_key, b->attest_key, sizeof(a->attest_key)) == 0 &&
           a->outer_cert_type == b->outer_cert_type &&
           memcmp(&a->qe_report, &b->qe_report, sizeof(a->qe_report)) == 0 &&
           memcmp(a->qe_report_raw, b->qe_report_raw, VT_SGX_REPORT_BODY_LEN) == 0 &&
           memcmp(a->qe_report_signature, b->qe_report_signature, VT_ECDSA_SIG_LEN) == 0 &&
           a->qe_auth_len == b->qe_auth_len &&
           (a->qe_auth_len == 0 || memcmp(a->qe_auth_data, b->qe_auth_data, a->qe_auth_len) == 0) &&
           a->cert_type == b->cert_type && a->cert_len == b->cert_len &&
           (a->cert_len == 0 || memcmp(a->cert_data, b->cert_data, a->cert_len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vt_quote_t q, q2;
    uint8_t *out = NULL;
    size_t len = 0;

    if (vt_quote_parse_ex(data, size, VT_QUOTE_PARSE_ANY_TRAILING, &q) != 0) return 0;
    if (vt_quote_serialize(&q, &out, &len) != 0) abort();
    if (len != size - q.trailing_len || memcmp(out, data, len) != 0) abort();
    if (vt_quote_parse(out, len, &q2) != 0) abort();
    if (!same(&q, &q2) || q2.trailing_len != 0) abort();
    free(out);
    return 0;
}
