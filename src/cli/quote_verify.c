/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `veritee quote verify`: configure a verifier from the options (trust anchor,
 * collateral source), verify the quote, appraise the result with the optional policy,
 * and report one verdict. Options are parsed in quote_verify_opts.c, the verifier and
 * the policy are made in quote_verify_common.c, the verdict is printed by
 * verify_output.c.
 */
#include <openssl/crypto.h>

#include "cmd_quote.h"
#include "quote_verify.h"

#define PROG VT_CLI_VERIFY_PROG

/* The policy, then --report-data (which the library policy does not cover). */
static void appraise(const vt_policy_t *policy, const vt_cli_verify_opts_t *o,
                     const vt_verify_result_t *r, vt_cli_verdict_t *v)
{
    int rc = vt_policy_appraise(policy, r);
    if (rc < 0) {
        v->is_policy_rejected = true;
        vt_cli_verdict_fail(v, rc, "%s", vt_cli_detail(rc));
        return;
    }
    if (o->has_report_data) {
        const uint8_t *rd = r->tee == VT_TEE_SGX ? r->sgx.report_data : r->td.report_data;
        if (CRYPTO_memcmp(rd, o->report_data, VT_REPORT_DATA_LEN) != 0) {
            v->is_policy_rejected = true;
            vt_cli_verdict_fail(v, VT_E_POLICY, "policy: report data does not match --report-data");
        }
    }
}

int vt_cli_quote_verify_main(int argc, char **argv)
{
    vt_cli_verify_opts_t o;
    vt_cli_verdict_t v = {0};
    vt_cli_quote_t quote = {0};
    vt_verify_result_t result = {0};
    vt_verifier_t *verifier = NULL;
    vt_policy_t *policy = NULL;
    int status = vt_cli_verify_opts_parse(argc, argv, &o);
    int rc;

    if (status != VT_CLI_CONTINUE) return status;
    status = vt_cli_verdict_begin(PROG, &o, &v, &policy);
    if (status != VT_CLI_CONTINUE) return status;
    rc = vt_cli_quote_load(o.file, &quote);
    if (rc < 0) {
        vt_cli_verdict_fail(&v, rc, "%s", vt_cli_detail(rc));
        goto done;
    }
    v.quote = &quote;
    if (vt_cli_verify_make_verifier(&o, &v, &verifier) < 0) goto done;
    rc = vt_verifier_verify(verifier, quote.buf, quote.len, v.at, &result);
    v.result = &result;
    if (rc < 0) {
        vt_cli_verdict_fail(&v, rc, "%s", vt_cli_detail(rc));
        goto done;
    }
    v.is_verified = true;
    if (policy) appraise(policy, &o, &result, &v);
done:
    if (!o.is_json) vt_cli_verdict_print(stdout, &v, vt_cli_use_color(stdout));
    status = vt_cli_verdict_finish(PROG, &v, o.is_json ? vt_cli_verdict_json(&v) : NULL);
    vt_verify_result_cleanup(&result);
    vt_verifier_free(verifier);
    vt_policy_free(policy);
    vt_cli_quote_cleanup(&quote);
    return status;
}
