/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `veritee cert verify`: verifies the evidence of an RA-TLS certificate with the same
 * options, verdict, output and exit codes as `quote verify` (shared through
 * quote_verify.h).
 *
 * With a policy (any policy option), the certificate goes through vt_ratls_verify_der
 * exactly as an RA-TLS peer with that policy would judge it: key binding, quote(s),
 * SGX attributes, then the policy, which also counts collateral that has expired at
 * the verification time as OutOfDate. Without one, the evidence is verified and bound
 * (vt_ratls_evidence_verify: key binding, quote(s), SGX attributes) and the verdict
 * follows the TCB status as for `quote verify`.
 */
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "common/error.h"
#include "quote_verify.h"

#define PROG   "veritee cert verify"
#define INDENT 2
#define WIDTH  20

static const vt_cli_option_t options[] = {
    VT_CLI_VERIFY_OPTIONS_TRUST,
    VT_CLI_VERIFY_OPTIONS_OUTPUT,
    VT_CLI_VERIFY_OPTIONS_SGX_POLICY,
    {"prod-id", "N", VT_CLI_VOPT_ISV_PROD_ID, "the same as --isv-prod-id"},
    {"min-svn", "N", VT_CLI_VOPT_MIN_ISV_SVN, "the same as --min-isv-svn"},
    VT_CLI_VERIFY_OPTIONS_TDX_POLICY,
    VT_CLI_VERIFY_OPTIONS_POLICY_END,
    {"accept-tcb", "S", VT_CLI_VOPT_ACCEPT_STATUS, "the same as --accept-status"},
    VT_CLI_VERIFY_OPTIONS_END,
};

static const vt_cli_help_t help = {
    .usage = {"veritee cert verify FILE (--collateral DIR | --pccs URL) [--root CA] "
              "[--at RFC3339] [--json] [OPTION...]"},
    .description =
        "Verifies the evidence in the RA-TLS certificate in FILE (PEM or DER; '-' for "
        "standard input): the evidence extension and its binding to the certificate's key "
        "(TCG tagged evidence with its pubkey-hash claim, or Gramine's legacy quote), the "
        "quote (as 'veritee quote verify' does; both quotes when the certificate has both "
        "extensions, which must then come from the same enclave or TD), and the SGX "
        "attributes RA-TLS requires (INIT and MODE64BIT set, PROVISION_KEY and "
        "EINITTOKEN_KEY clear). The certificate's own signature and dates are not checked: "
        "in a TLS handshake the peer proves it holds the key.\n\n"
        "With a policy option, the verdict is the one an RA-TLS peer with that policy "
        "reaches (collateral expired at the verification time then counts as OutOfDate). "
        "The first line of the output is the verdict, as for 'veritee quote verify'.",
    .options = options,
    .epilogue = "Exit status: 0 verified and UpToDate (and accepted by the policy, if any), "
                "2 verified with another TCB status, 1 verification failed, revoked, not "
                "bound to the key, or rejected by the policy, 64 usage error.",
};

static const vt_cli_verify_cmd_t cmd = {PROG, &help};

/* What one run found, beyond the shared verdict. */
typedef struct {
    vt_ratls_ext_t source;
    bool has_legacy; /* the legacy quote was verified too (policy-less run) */
    bool has_cert;
    const vt_cli_cert_t *cert;
} extra_t;

static void print_extra(const extra_t *x)
{
    char sha[65];
    FILE *f = stdout;
    if (!x->has_cert) return;
    if (x->source != VT_RATLS_EXT_NONE)
        vt_cli_field(f, INDENT, WIDTH, "ra-tls evidence", "%s%s",
                     vt_cli_cert_source_name(x->source),
                     x->has_legacy ? " (and the legacy quote, verified too)" : "");
    vt_hex_encode(x->cert->sha256, sizeof(x->cert->sha256), sha);
    vt_cli_field(f, INDENT, WIDTH, "certificate sha256", "%s", sha);
}

static json_t *verdict_json(const vt_cli_verdict_t *v, const extra_t *x)
{
    json_t *o = vt_cli_verdict_json(v);
    json_t *r = json_object();
    if (o == NULL || r == NULL) {
        json_decref(o);
        json_decref(r);
        return NULL;
    }
    vt_cli_json_set(r, "source",
                    x->source != VT_RATLS_EXT_NONE ? json_string(vt_cli_cert_source_name(x->source))
                                                   : json_null());
    vt_cli_json_set(r, "certificate_sha256",
                    x->has_cert ? vt_cli_hex_json(x->cert->sha256, 32) : json_null());
    vt_cli_json_set(r, "key_type", x->has_cert ? vt_cli_json_text(x->cert->key_type) : json_null());
    vt_cli_json_set(o, "ratls", r);
    return o;
}

/* Runs the verification; the outcome goes to v, res and x. */
static void run(const vt_policy_t *policy, vt_verifier_t *verifier, vt_cli_verdict_t *v,
                vt_ratls_result_t *res, vt_ratls_verified_t *ver, extra_t *x)
{
    const vt_cli_cert_t *c = x->cert;
    const vt_verify_result_t *r;
    int rc;

    if (policy) {
        vt_ratls_verifier_t *rv = NULL;
        rc = vt_ratls_verifier_new(verifier, policy, &rv);
        if (rc == 0) rc = vt_ratls_verify_der(rv, c->der, c->der_len, v->at, res);
        vt_ratls_verifier_free(rv);
        x->source = res->source;
        r = &res->quote;
    } else {
        uint8_t spki[VT_RATLS_SPKI_MAX];
        size_t spki_len = 0;
        EVP_PKEY *key = X509_get0_pubkey(c->x509);
        rc = key ? vt_ratls_spki_get(key, spki, &spki_len)
                 : vt_error_set(VT_E_MALFORMED, __FILE__, __LINE__,
                                "ratls: certificate public key cannot be decoded");
        if (rc == 0) rc = vt_ratls_evidence_verify(verifier, c->x509, spki, spki_len, v->at, ver);
        x->source = ver->source;
        x->has_legacy = rc == 0 && ver->has_legacy;
        r = &ver->primary;
    }
    if (r->is_verified || rc == VT_E_REVOKED) v->result = r;
    if (rc == 0) {
        v->is_verified = true;
        return;
    }
    if (rc == VT_E_POLICY && r->is_verified) {
        /* The evidence verified; the policy or the RA-TLS attribute rules refused it. */
        v->is_verified = true;
        v->is_policy_rejected = true;
    }
    vt_cli_verdict_fail(v, rc, "%s", vt_cli_detail(rc));
}

int vt_cli_cert_verify_main(int argc, char **argv)
{
    vt_cli_verify_opts_t o;
    vt_cli_verdict_t v = {0};
    vt_cli_cert_t cert = {0};
    vt_verifier_t *verifier = NULL;
    vt_policy_t *policy = NULL;
    vt_ratls_result_t res = {0};
    vt_ratls_verified_t ver = {0};
    extra_t x = {.cert = &cert};
    int status = vt_cli_verify_opts_parse_cmd(&cmd, argc, argv, &o);
    int rc;

    if (status != VT_CLI_CONTINUE) return status;
    status = vt_cli_verdict_begin(PROG, &o, &v, &policy);
    if (status != VT_CLI_CONTINUE) return status;
    rc = vt_cli_cert_load(o.file, &cert);
    if (rc < 0) {
        vt_cli_verdict_fail(&v, rc, "%s", vt_cli_detail(rc));
        goto done;
    }
    x.has_cert = true;
    const vt_cli_cert_ev_t *primary = vt_cli_cert_primary(&cert);
    if (primary && primary->has_quote) v.quote = &primary->quote;
    if (vt_cli_verify_make_verifier(&o, &v, &verifier) < 0) goto done;
    run(policy, verifier, &v, &res, &ver, &x);
done:
    if (!o.is_json) {
        vt_cli_verdict_print(stdout, &v, vt_cli_use_color(stdout));
        print_extra(&x);
    }
    status = vt_cli_verdict_finish(PROG, &v, o.is_json ? verdict_json(&v, &x) : NULL);
    vt_ratls_result_cleanup(&res);
    vt_ratls_verified_cleanup(&ver);
    vt_verifier_free(verifier);
    vt_policy_free(policy);
    vt_cli_cert_cleanup(&cert);
    return status;
}
