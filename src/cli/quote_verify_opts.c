/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The options of `veritee quote verify`: their --help text and their parsing, which
 * `veritee cert verify` shares (vt_cli_verify_opts_parse_cmd). Every
 * value is checked completely here (hex length and digits, integer range, RFC 3339
 * time, TCB status words), so a mistake is a usage error (64) before any work starts.
 */
#include <ctype.h>
#include <string.h>

#include "quote_verify.h"

#define PROG VT_CLI_VERIFY_PROG

static const vt_cli_option_t options[] = {
    VT_CLI_VERIFY_OPTIONS_TRUST,
    VT_CLI_VERIFY_OPTIONS_OUTPUT,
    VT_CLI_VERIFY_OPTIONS_SGX_POLICY,
    VT_CLI_VERIFY_OPTIONS_TDX_POLICY,
    {"report-data", "HEX", VT_CLI_VOPT_REPORT_DATA,
     "require this report data: 1 to 64 bytes of hex, zero-padded to 64 bytes (e.g. the hash "
     "of your nonce)"},
    VT_CLI_VERIFY_OPTIONS_POLICY_END,
    VT_CLI_VERIFY_OPTIONS_END,
};

static const vt_cli_help_t help = {
    .usage = {"veritee quote verify FILE (--collateral DIR | --pccs URL) [--root CA] "
              "[--at RFC3339] [--json] [OPTION...]"},
    .description =
        "Verifies the SGX or TDX quote in FILE ('-' for standard input) the way Intel's Quote "
        "Verification Library does: the PCK certificate chain up to the trust anchor, the "
        "CRLs, the quoting enclave's report and its signature, the quote signature, the QE "
        "identity, and the TCB level (with the TDX module), giving Intel's TCB status and "
        "advisory IDs. Collateral that is past its nextUpdate is reported, not refused.\n\n"
        "The first line of the output is the verdict: VERIFIED with the TCB status, FAILED "
        "with the step that failed, or REJECTED with the policy rule that refused the quote.",
    .options = options,
    .epilogue = "Exit status: 0 verified and UpToDate (and accepted by the policy, if any), "
                "2 verified with another TCB status (TcbNotSupported included), 1 "
                "verification failed, revoked, or rejected by the policy, 64 usage error.",
};

static void print_statuses(char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (int s = 0; s < VT_TCB_STATUS_COUNT && used < cap; s++)
        used += (size_t)snprintf(out + used, cap - used, "%s%s", s ? ", " : "",
                                 vt_tcb_status_name((vt_tcb_status_t)s));
}

static int parse_statuses(const vt_cli_verify_cmd_t *cmd, const char *arg, vt_cli_verify_opts_t *o)
{
    char word[64];
    char q[VT_CLI_QUOTED_LEN];
    for (const char *p = arg;; p++) {
        size_t n = strcspn(p, ",");
        snprintf(word, sizeof(word), "%.*s", (int)(n < sizeof(word) ? n : sizeof(word) - 1), p);
        vt_tcb_status_t s;
        if (n == 0 || n >= sizeof(word) || vt_tcb_status_from_name(word, &s) != 0) {
            char all[512];
            print_statuses(all, sizeof(all));
            return vt_cli_usage_error(cmd->prog, cmd->help,
                                      "--accept-status: unknown TCB status %s "
                                      "(one of: %s)",
                                      vt_cli_quote_arg(arg, q), all);
        }
        bool seen = false;
        for (size_t i = 0; i < o->status_count; i++) seen = seen || o->statuses[i] == s;
        if (!seen && o->status_count < VT_TCB_STATUS_COUNT) o->statuses[o->status_count++] = s;
        p += n;
        if (*p == '\0') break;
    }
    return VT_CLI_CONTINUE;
}

static int check_advisories(const vt_cli_verify_cmd_t *cmd, const char *arg,
                            vt_cli_verify_opts_t *o)
{
    char q[VT_CLI_QUOTED_LEN];
    for (const char *p = arg;; p++) {
        size_t n = strcspn(p, ",");
        bool ok = n > 0 && n <= 64;
        for (size_t i = 0; ok && i < n; i++)
            ok = isalnum((unsigned char)p[i]) || p[i] == '-' || p[i] == '_';
        if (!ok)
            return vt_cli_usage_error(cmd->prog, cmd->help,
                                      "--accept-advisory: bad advisory ID in %s",
                                      vt_cli_quote_arg(arg, q));
        p += n;
        if (*p == '\0') break;
    }
    if (o->advisory_arg_count >= VT_CLI_MAX_ADVISORY_ARGS)
        return vt_cli_usage_error(cmd->prog, cmd->help, "--accept-advisory: more than %d options",
                                  VT_CLI_MAX_ADVISORY_ARGS);
    o->advisories[o->advisory_arg_count++] = arg;
    return VT_CLI_CONTINUE;
}

static int hex_arg(const vt_cli_verify_cmd_t *cmd, const char *opt, const char *arg, uint8_t *out,
                   size_t len)
{
    char q[VT_CLI_QUOTED_LEN];
    if (vt_cli_parse_hex(arg, out, len) != 0)
        return vt_cli_usage_error(cmd->prog, cmd->help, "--%s: %s is not %zu bytes of hex (%s)",
                                  opt, vt_cli_quote_arg(arg, q), len, vt_last_error());
    return VT_CLI_CONTINUE;
}

static int report_data_arg(const vt_cli_verify_cmd_t *cmd, const char *arg, vt_cli_verify_opts_t *o)
{
    char q[VT_CLI_QUOTED_LEN];
    if (vt_cli_parse_report_data(arg, o->report_data) != 0)
        return vt_cli_usage_error(cmd->prog, cmd->help,
                                  "--report-data: %s is not 1 to 64 bytes of hex",
                                  vt_cli_quote_arg(arg, q));
    o->has_report_data = true;
    return VT_CLI_CONTINUE;
}

static int u16_arg(const vt_cli_verify_cmd_t *cmd, const char *opt, const char *arg, uint16_t *out)
{
    char q[VT_CLI_QUOTED_LEN];
    unsigned long v;
    if (vt_cli_parse_uint(arg, 0xffff, &v) != 0)
        return vt_cli_usage_error(cmd->prog, cmd->help, "--%s: %s: %s", opt,
                                  vt_cli_quote_arg(arg, q), vt_last_error());
    *out = (uint16_t)v;
    return VT_CLI_CONTINUE;
}

static int time_arg(const vt_cli_verify_cmd_t *cmd, const char *arg, vt_cli_verify_opts_t *o)
{
    char q[VT_CLI_QUOTED_LEN];
    if (vt_time_parse(arg, &o->at) != 0)
        return vt_cli_usage_error(cmd->prog, cmd->help,
                                  "--at: %s is not an RFC 3339 time such as "
                                  "2025-07-19T10:01:17Z",
                                  vt_cli_quote_arg(arg, q));
    o->has_at = true;
    return VT_CLI_CONTINUE;
}

static const char *option_name(const vt_cli_verify_cmd_t *cmd, int val)
{
    for (const vt_cli_option_t *o = cmd->help->options; o->name || o->help; o++)
        if (o->name && o->val == val) return o->name;
    return "?";
}

/* Handles one option; VT_CLI_CONTINUE to go on, else the exit status. */
static int handle(const vt_cli_verify_cmd_t *cmd, int c, const char *arg, char **argv,
                  vt_cli_verify_opts_t *o)
{
    if (c >= VT_CLI_VOPT_TDX_BASE && c < VT_CLI_VOPT_TDX_BASE + VT_TDX_FIELD_COUNT) {
        int f = c - VT_CLI_VOPT_TDX_BASE;
        o->has_policy = o->has_tdx[f] = true;
        return hex_arg(cmd, option_name(cmd, c), arg, o->tdx[f], VT_TDX_MEASUREMENT_LEN);
    }
    switch (c) {
    case VT_CLI_VOPT_HELP:
        vt_cli_print_help(cmd->prog, cmd->help, stdout);
        return VT_CLI_EXIT_OK;
    case VT_CLI_VOPT_COLLATERAL:
        o->collateral = arg;
        return VT_CLI_CONTINUE;
    case VT_CLI_VOPT_PCCS:
        o->pccs = arg;
        return VT_CLI_CONTINUE;
    case VT_CLI_VOPT_PCCS_CA:
        o->pccs_ca = arg;
        return VT_CLI_CONTINUE;
    case VT_CLI_VOPT_ROOT:
        o->root = arg;
        return VT_CLI_CONTINUE;
    case VT_CLI_VOPT_TRUST_SIMULATED:
        o->is_simulated_root_trusted = true;
        return VT_CLI_CONTINUE;
    case VT_CLI_VOPT_AT:
        return time_arg(cmd, arg, o);
    case VT_CLI_VOPT_JSON:
        o->is_json = true;
        return VT_CLI_CONTINUE;
    }
    o->has_policy = true;
    switch (c) {
    case VT_CLI_VOPT_MRENCLAVE:
        o->has_mrenclave = true;
        return hex_arg(cmd, "mrenclave", arg, o->mrenclave, 32);
    case VT_CLI_VOPT_MRSIGNER:
        o->has_mrsigner = true;
        return hex_arg(cmd, "mrsigner", arg, o->mrsigner, 32);
    case VT_CLI_VOPT_ISV_PROD_ID:
        o->has_isv_prod_id = true;
        return u16_arg(cmd, "isv-prod-id", arg, &o->isv_prod_id);
    case VT_CLI_VOPT_MIN_ISV_SVN:
        o->has_min_isv_svn = true;
        return u16_arg(cmd, "min-isv-svn", arg, &o->min_isv_svn);
    case VT_CLI_VOPT_REPORT_DATA:
        return report_data_arg(cmd, arg, o);
    case VT_CLI_VOPT_ALLOW_DEBUG:
        o->is_debug_allowed = true;
        return VT_CLI_CONTINUE;
    case VT_CLI_VOPT_ACCEPT_STATUS:
        return parse_statuses(cmd, arg, o);
    case VT_CLI_VOPT_ACCEPT_ADVISORY:
        return check_advisories(cmd, arg, o);
    }
    return vt_cli_getopt_error(cmd->prog, cmd->help, c, argv);
}

/* Cross-option rules, checked once everything is read. */
static int check_combination(const vt_cli_verify_cmd_t *cmd, int argc, char **argv,
                             vt_cli_verify_opts_t *o)
{
    char q[VT_CLI_QUOTED_LEN];
    if (optind >= argc) return vt_cli_usage_error(cmd->prog, cmd->help, "missing FILE");
    if (argc - optind > 1)
        return vt_cli_usage_error(cmd->prog, cmd->help, "unexpected argument %s",
                                  vt_cli_quote_arg(argv[optind + 1], q));
    o->file = argv[optind];
    if (o->collateral && o->pccs)
        return vt_cli_usage_error(cmd->prog, cmd->help,
                                  "give either --collateral or --pccs, not both");
    if (!o->collateral && !o->pccs)
        return vt_cli_usage_error(cmd->prog, cmd->help, "missing --collateral DIR or --pccs URL");
    if (o->pccs_ca && !o->pccs)
        return vt_cli_usage_error(cmd->prog, cmd->help, "--pccs-ca needs --pccs");
    if (o->is_simulated_root_trusted && !o->root)
        return vt_cli_usage_error(cmd->prog, cmd->help, "--trust-simulated-root needs --root CA");
    return VT_CLI_CONTINUE;
}

int vt_cli_verify_opts_parse_cmd(const vt_cli_verify_cmd_t *cmd, int argc, char **argv,
                                 vt_cli_verify_opts_t *o)
{
    struct option longopts[VT_CLI_MAX_OPTIONS + 2];
    char shortopts[3 * VT_CLI_MAX_OPTIONS + 4];
    int c;

    *o = (vt_cli_verify_opts_t){0};
    vt_cli_getopt_tables(cmd->help, longopts, shortopts, sizeof(shortopts));
    optind = 0; /* glibc: 0 re-initializes getopt completely */
    opterr = 0;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (c == '?' || c == ':') return vt_cli_getopt_error(cmd->prog, cmd->help, c, argv);
        int status = handle(cmd, c, optarg, argv, o);
        if (status != VT_CLI_CONTINUE) return status;
    }
    return check_combination(cmd, argc, argv, o);
}

int vt_cli_verify_opts_parse(int argc, char **argv, vt_cli_verify_opts_t *o)
{
    static const vt_cli_verify_cmd_t quote_verify = {PROG, &help};
    return vt_cli_verify_opts_parse_cmd(&quote_verify, argc, argv, o);
}
