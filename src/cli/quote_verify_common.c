/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The steps the verdict commands (`quote verify`, `cert verify`) share: recording why a
 * run failed, a verifier configured from the options (trust anchor, collateral
 * source), the appraisal policy of the options, and the end of a run (output, the
 * error line, the exit status).
 */
#include <openssl/x509.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/ossl.h"
#include "quote_verify.h"

/* Records why the run failed (the first reason wins) and returns rc. */
int vt_cli_verdict_fail(vt_cli_verdict_t *v, int rc, const char *fmt, ...)
{
    if (v->error[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(v->error, sizeof(v->error), fmt, ap);
        va_end(ap);
    }
    v->rc = rc;
    return rc;
}

const char *vt_cli_detail(int rc)
{
    return vt_last_error()[0] ? vt_last_error() : vt_strerror(rc);
}

/* Loads --root, names it for the output, and installs it as the verifier's anchor. */
static int set_root(vt_verifier_t *verifier, const vt_cli_verify_opts_t *o, vt_cli_verdict_t *v)
{
    int rc = VT_E_INTERNAL;
    uint8_t *buf = NULL;
    size_t len = 0;
    X509 *cert = NULL;
    char q[VT_CLI_QUOTED_LEN];
    char subject[512] = "";

    vt_cli_quote_arg(o->root, q);
    rc = vt_cli_read_file(o->root, VT_COLLATERAL_PEM_MAX, &buf, &len);
    if (rc < 0) {
        vt_cli_verdict_fail(v, rc, "--root: %s", vt_cli_detail(rc));
        goto out;
    }
    rc = vt_x509_parse(buf, len, &cert);
    if (rc < 0) {
        vt_cli_verdict_fail(v, rc, "--root %s: not a certificate: %s", q, vt_cli_detail(rc));
        goto out;
    }
    X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof(subject));
    bool looks_simulated = strstr(subject, "SIMULATED") != NULL;
    vt_x509_name_cn(X509_get_subject_name(cert), v->anchor, sizeof(v->anchor));
    if (looks_simulated && !o->is_simulated_root_trusted) {
        rc = vt_cli_verdict_fail(
            v, VT_E_UNTRUSTED,
            "--root %s is a simulated platform's root; pass --trust-simulated-root to "
            "trust it",
            q);
        goto out;
    }
    rc = looks_simulated ? vt_verifier_set_simulated_root(verifier, buf, len)
                         : vt_verifier_set_root(verifier, buf, len);
    if (rc < 0) {
        vt_cli_verdict_fail(v, rc, "--root %s: %s", q, vt_cli_detail(rc));
        goto out;
    }
    v->is_simulated_root = vt_verifier_is_simulated_root(verifier);
    if (v->is_simulated_root)
        vt_cli_warn("trusting a SIMULATED root: this quote proves nothing about real hardware");
out:
    X509_free(cert);
    free(buf);
    return rc;
}

int vt_cli_verify_make_verifier(const vt_cli_verify_opts_t *o, vt_cli_verdict_t *v,
                                vt_verifier_t **out)
{
    int rc = VT_E_INTERNAL;
    vt_verifier_t *verifier = NULL;
    char q[VT_CLI_QUOTED_LEN];

    rc = vt_verifier_new(&verifier);
    if (rc < 0) {
        vt_cli_verdict_fail(v, rc, "cannot create a verifier: %s", vt_cli_detail(rc));
        goto out;
    }
    if (o->root) {
        rc = set_root(verifier, o, v);
        if (rc < 0) goto out;
    }
    if (o->collateral) {
        rc = vt_verifier_set_collateral_dir(verifier, o->collateral);
        if (rc < 0) {
            vt_cli_verdict_fail(v, rc, "--collateral %s: %s", vt_cli_quote_arg(o->collateral, q),
                                vt_cli_detail(rc));
            goto out;
        }
    } else {
        const vt_pccs_options_t pccs = {.base_url = o->pccs, .ca_file = o->pccs_ca};
        rc = vt_verifier_set_pccs(verifier, &pccs);
        if (rc < 0) {
            vt_cli_verdict_fail(v, rc, "--pccs %s: %s", vt_cli_quote_arg(o->pccs, q),
                                vt_cli_detail(rc));
            goto out;
        }
    }
    *out = verifier;
    verifier = NULL;
    rc = 0;
out:
    vt_verifier_free(verifier);
    return rc;
}

/* Adds every ID of the comma-separated lists given to --accept-advisory. */
static int accept_advisories(vt_policy_t *p, const vt_cli_verify_opts_t *o)
{
    for (size_t i = 0; i < o->advisory_arg_count; i++) {
        for (const char *s = o->advisories[i];; s++) {
            char id[80];
            size_t n = strcspn(s, ",");
            snprintf(id, sizeof(id), "%.*s", (int)(n < sizeof(id) ? n : sizeof(id) - 1), s);
            VT_GUARD(vt_policy_accept_advisory(p, id));
            s += n;
            if (*s == '\0') break;
        }
    }
    return 0;
}

/* Builds the appraisal policy from the options (before any verification work). */
int vt_cli_verdict_begin(const char *prog, const vt_cli_verify_opts_t *o, vt_cli_verdict_t *v,
                         vt_policy_t **policy)
{
    v->opts = o;
    v->at = o->has_at ? o->at : vt_time_now();
    snprintf(v->anchor, sizeof(v->anchor), "Intel SGX Root CA (built in)");
    *policy = NULL;
    if (!o->has_policy) return VT_CLI_CONTINUE;
    int rc = vt_cli_verify_make_policy(o, policy);
    if (rc == 0) return VT_CLI_CONTINUE;
    vt_cli_error(prog, "policy: %s", vt_cli_detail(rc));
    return vt_error_type(rc) == VT_ET_USAGE ? VT_CLI_EXIT_USAGE : VT_CLI_EXIT_FAIL;
}

int vt_cli_verify_make_policy(const vt_cli_verify_opts_t *o, vt_policy_t **out)
{
    int rc = VT_E_INTERNAL;
    vt_policy_t *p = NULL;

    VT_TRY(vt_policy_new(&p));
    if (o->has_mrenclave) vt_policy_set_mrenclave(p, o->mrenclave);
    if (o->has_mrsigner) vt_policy_set_mrsigner(p, o->mrsigner);
    if (o->has_isv_prod_id) vt_policy_set_isv_prod_id(p, o->isv_prod_id);
    if (o->has_min_isv_svn) vt_policy_set_min_isv_svn(p, o->min_isv_svn);
    for (int f = 0; f < VT_TDX_FIELD_COUNT; f++)
        if (o->has_tdx[f]) VT_TRY(vt_policy_set_tdx_measurement(p, (vt_tdx_field_t)f, o->tdx[f]));
    for (size_t i = 0; i < o->status_count; i++)
        VT_TRY(vt_policy_accept_tcb_status(p, o->statuses[i]));
    VT_TRY(accept_advisories(p, o));
    vt_policy_set_allow_debug(p, o->is_debug_allowed);
    *out = p;
    p = NULL;
    rc = 0;
out:
    vt_policy_free(p);
    return rc;
}

int vt_cli_verdict_finish(const char *prog, const vt_cli_verdict_t *v, json_t *json)
{
    int rc = 0;
    if (v->opts->is_json) rc = vt_cli_json_print(json);
    json_decref(json);
    if (v->error[0]) vt_cli_error(prog, "%s", v->error);
    if ((fflush(stdout) != 0 || rc < 0)) {
        vt_cli_error(prog, "cannot write output");
        return VT_CLI_EXIT_FAIL;
    }
    return vt_cli_verdict_exit_code(v);
}
