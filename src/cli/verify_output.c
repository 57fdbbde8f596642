/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The verdict of `veritee quote verify`, for people (verdict line first, then the
 * facts a reader checks: status, advisories, expiry, measurements) and as JSON (the
 * keys documented in veritee(1), JSON OUTPUT; every key is always present).
 */
#include <string.h>

#include "quote_verify.h"

#define INDENT 2
#define WIDTH  20

int vt_cli_verdict_exit_code(const vt_cli_verdict_t *v)
{
    if (!v->is_verified || v->is_policy_rejected || v->result == NULL) return VT_CLI_EXIT_FAIL;
    return v->result->tcb_status == VT_TCB_UP_TO_DATE ? VT_CLI_EXIT_OK : VT_CLI_EXIT_TCB;
}

/* A status is known when the verifier got that far: verified, or stopped by a revocation. */
static bool has_status(const vt_cli_verdict_t *v)
{
    return v->result && (v->is_verified || v->rc == VT_E_REVOKED);
}

static const vt_pck_ext_t *pck_of(const vt_cli_verdict_t *v)
{
    if (v->is_verified) return &v->result->pck;
    if (v->quote && v->quote->has_pck) return &v->quote->pck;
    return NULL;
}

static const char *policy_state(const vt_cli_verdict_t *v)
{
    if (!v->opts->has_policy) return NULL;
    if (!v->is_verified) return "not_evaluated";
    return v->is_policy_rejected ? "rejected" : "accepted";
}

#define FIELD(name, ...) vt_cli_field(f, INDENT, WIDTH, name, __VA_ARGS__)

static void print_verdict_line(FILE *f, const vt_cli_verdict_t *v, bool color)
{
    const char *off = vt_cli_color_off(color);
    if (!v->is_verified) {
        fprintf(f, "%sFAILED%s  ", vt_cli_color_on(color, VT_CLI_RED), off);
        vt_cli_put_escaped(f, v->error);
        fputc('\n', f);
    } else if (v->is_policy_rejected) {
        fprintf(f, "%sREJECTED%s  ", vt_cli_color_on(color, VT_CLI_RED), off);
        vt_cli_put_escaped(f, v->error);
        fputc('\n', f);
    } else {
        bool ok = v->result->tcb_status == VT_TCB_UP_TO_DATE;
        fprintf(f, "%sVERIFIED%s  tcb status: %s\n",
                vt_cli_color_on(color, ok ? VT_CLI_GREEN : VT_CLI_YELLOW), off,
                vt_tcb_status_name(v->result->tcb_status));
    }
}

static void print_status(FILE *f, const vt_cli_verdict_t *v)
{
    const vt_verify_result_t *r = v->result;
    char ids[1024] = "none";
    size_t used = 0;

    if (!has_status(v)) return;
    if (v->is_verified)
        FIELD("tcb status", "%s (platform %s, quoting enclave %s)",
              vt_tcb_status_name(r->tcb_status), vt_tcb_status_name(r->platform_tcb_status),
              vt_tcb_status_name(r->qe_tcb_status));
    else
        FIELD("tcb status", "%s", vt_tcb_status_name(r->tcb_status));
    for (size_t i = 0; i < r->advisory_count && used < sizeof(ids); i++)
        used += (size_t)snprintf(ids + used, sizeof(ids) - used, "%s%s", i ? ", " : "",
                                 r->advisory_ids[i]);
    FIELD("advisories", "%s", ids);
    FIELD("collateral expired", "%s",
          r->is_collateral_expired ? "YES (collateral or a certificate was outside its "
                                     "validity at the verification time)"
                                   : "no");
}

void vt_cli_verdict_print(FILE *f, const vt_cli_verdict_t *v, bool color)
{
    char when[VT_TIME_TEXT_LEN];
    char fmspc[2 * VT_FMSPC_LEN + 1];
    const vt_pck_ext_t *pck = pck_of(v);

    print_verdict_line(f, v, color);
    if (v->quote) {
        FIELD("tee", "%s", vt_cli_tee_name(v->quote->q.tee));
        FIELD("quote version", "%u (%s)", v->quote->q.header.version,
              vt_cli_body_type_text(v->quote->q.body_type));
    }
    print_status(f, v);
    vt_time_format(v->at, when);
    FIELD("verification time", "%s", when);
    if (pck) {
        vt_hex_encode(pck->fmspc, VT_FMSPC_LEN, fmspc);
        FIELD("fmspc", "%s", fmspc);
    }
    FIELD("trust anchor", "%s%s", v->anchor, v->is_simulated_root ? " (SIMULATED)" : "");
    if (policy_state(v)) FIELD("policy", "%s", policy_state(v));
    if (v->quote) vt_cli_print_measurements(f, &v->quote->q, INDENT, WIDTH);
}

static json_t *time_json(vt_time_t t)
{
    char text[VT_TIME_TEXT_LEN];
    vt_time_format(t, text);
    return json_string(text);
}

#define SET(k, val) vt_cli_json_set(o, k, val)

static void status_json(json_t *o, const vt_cli_verdict_t *v)
{
    const vt_verify_result_t *r = v->result;
    bool known = has_status(v);
    json_t *ids = json_array();
    for (size_t i = 0; known && ids && i < r->advisory_count; i++)
        json_array_append_new(ids, vt_cli_json_text(r->advisory_ids[i]));
    SET("tcb_status", known ? json_string(vt_tcb_status_name(r->tcb_status)) : json_null());
    SET("platform_tcb_status",
        v->is_verified ? json_string(vt_tcb_status_name(r->platform_tcb_status)) : json_null());
    SET("qe_tcb_status",
        v->is_verified ? json_string(vt_tcb_status_name(r->qe_tcb_status)) : json_null());
    SET("advisory_ids", ids);
    SET("collateral_expired", json_boolean(known && r->is_collateral_expired));
    SET("verification_time", time_json(v->at));
    SET("earliest_issue_date", v->is_verified ? time_json(r->earliest_issue_date) : json_null());
    SET("latest_issue_date", v->is_verified ? time_json(r->latest_issue_date) : json_null());
    SET("earliest_expiration_date",
        v->is_verified ? time_json(r->earliest_expiration_date) : json_null());
    SET("tcb_level_date", v->is_verified ? time_json(r->tcb_level_date) : json_null());
    SET("tcb_evaluation_data_number",
        v->is_verified ? json_integer(r->tcb_evaluation_data_number) : json_null());
}

json_t *vt_cli_verdict_json(const vt_cli_verdict_t *v)
{
    json_t *o = json_object();
    const vt_quote_t *q = v->quote ? &v->quote->q : NULL;
    const vt_pck_ext_t *pck = pck_of(v);
    const char *policy = policy_state(v);

    SET("verified", json_boolean(v->is_verified));
    SET("tee", q ? json_string(vt_cli_tee_name(q->tee)) : json_null());
    SET("version", q ? json_integer(q->header.version) : json_null());
    SET("body_type", q ? json_string(vt_cli_body_type_name(q->body_type)) : json_null());
    status_json(o, v);
    SET("fmspc", pck ? vt_cli_hex_json(pck->fmspc, VT_FMSPC_LEN) : json_null());
    SET("pck", pck ? vt_cli_pck_json(pck) : json_null());
    SET("trust_anchor", vt_cli_json_text(v->anchor));
    SET("simulated_root", json_boolean(v->is_simulated_root));
    SET("policy", policy ? json_string(policy) : json_null());
    SET("measurements", q ? vt_cli_measurements_json(q) : json_null());
    if (v->error[0]) SET("error", vt_cli_json_text(v->error));
    return o;
}
