/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `veritee sim <verb>`: the simulated platform's verbs (sign and run are in
 * cmd_sim_identity.c), and `veritee sim init`, which creates a simulated vendor PKI,
 * platforms and signed collateral (veritee/sim.h).
 */
#include <string.h>

#include <veritee/sim.h>

#include "cli.h"
#include "cmd_sim.h"
#include "cmd_sim_identity.h"

#define INIT_PROG "veritee sim init"

static const vt_cli_command_t verbs[] = {
    {"init", vt_cli_sim_init_main, "create a simulated platform directory (PKI, collateral)"},
    {"quote", vt_cli_sim_quote_main, "make an SGX v3 or TDX v4 quote on a simulated platform"},
    {"sign", vt_cli_sim_sign_main, "sign an executable as a simulated enclave (.sig file)"},
    {"run", vt_cli_sim_run_main, "launch an executable as a simulated enclave"},
    {NULL, NULL, NULL},
};

static const vt_cli_table_t sim_table = {
    .prog = "veritee sim",
    .usage = {"veritee sim VERB [ARGS...]"},
    .description =
        "A simulated Intel SGX/TDX platform for machines without a TEE: a vendor-like PKI "
        "whose root says SIMULATED, collateral signed as Intel signs it, and quotes in the "
        "exact real formats. A verifier accepts them only when told to trust the simulated "
        "root (veritee quote verify --root DIR/root_ca.der --trust-simulated-root).",
    .commands = verbs,
    .epilogue = "Run 'veritee sim VERB --help' for a verb's options.",
};

int vt_cli_sim_main(int argc, char **argv)
{
    return vt_cli_dispatch(&sim_table, argc, argv);
}

enum { OPT_HELP = 'h', OPT_PLATFORMS = 256, OPT_TCB, OPT_FMSPC };

static const vt_cli_option_t init_options[] = {
    {"platforms", "N", OPT_PLATFORMS, "number of platforms, 1 to 64 (default 1)"},
    {"tcb", "STATUS", OPT_TCB,
     "the TCB status every platform gets: uptodate (default), swhardening, configneeded, "
     "configandswhardening, outofdate, outofdateconfigneeded or revoked (PCKs listed in "
     "their CA's CRL)"},
    {"fmspc", "HEX", OPT_FMSPC, "the platforms' FMSPC, 12 hex digits (default 00906ED50000)"},
    {"help", NULL, OPT_HELP, "show this help and exit"},
    {NULL, NULL, 0, NULL},
};

static const vt_cli_help_t init_help = {
    .usage = {"veritee sim init DIR [--platforms N] [--tcb STATUS] [--fmspc HEX]"},
    .description =
        "Creates the platform directory DIR: a root CA whose subject contains SIMULATED, PCK "
        "Processor and Platform CAs, one PCK certificate with the SGX extension per platform "
        "(even platforms under the Processor CA, odd ones under the Platform CA), a TCB "
        "signing certificate, SGX and TDX TCB info, QE and TD_QE identities and CRLs. DIR is "
        "a collateral bundle for 'veritee quote verify --collateral DIR'; the keys and "
        "platform secrets are in DIR/private (mode 0700). Layout in veritee(1), FILES.",
    .options = init_options,
    .epilogue = "Exit status: 0 created, 1 failure (DIR already holds a platform), 64 usage "
                "error.",
};

typedef struct {
    const char *dir;
    vt_sim_init_options_t sim;
} init_args_t;

static int init_option(int c, init_args_t *a)
{
    char q[VT_CLI_QUOTED_LEN];
    unsigned long n = 0;
    switch (c) {
    case OPT_PLATFORMS:
        if (vt_cli_parse_uint(optarg, VT_SIM_PLATFORMS_MAX, &n) < 0 || n == 0)
            return vt_cli_usage_error(INIT_PROG, &init_help, "--platforms %s: expected 1 to %d",
                                      vt_cli_quote_arg(optarg, q), VT_SIM_PLATFORMS_MAX);
        a->sim.platform_count = n;
        return VT_CLI_CONTINUE;
    case OPT_TCB:
        if (vt_sim_tcb_status_parse(optarg, &a->sim.tcb_status) < 0)
            return vt_cli_usage_error(INIT_PROG, &init_help, "--tcb %s: unknown status",
                                      vt_cli_quote_arg(optarg, q));
        return VT_CLI_CONTINUE;
    case OPT_FMSPC:
        if (vt_cli_parse_hex(optarg, a->sim.fmspc, VT_FMSPC_LEN) < 0)
            return vt_cli_usage_error(INIT_PROG, &init_help, "--fmspc %s: expected 12 hex digits",
                                      vt_cli_quote_arg(optarg, q));
        return VT_CLI_CONTINUE;
    case OPT_HELP:
        vt_cli_print_help(INIT_PROG, &init_help, stdout);
        return VT_CLI_EXIT_OK;
    default:
        return vt_cli_usage_error(INIT_PROG, &init_help, "unexpected option");
    }
}

static int parse_init(int argc, char **argv, init_args_t *a)
{
    struct option longopts[VT_CLI_MAX_OPTIONS + 2];
    char shortopts[3 * VT_CLI_MAX_OPTIONS + 4];
    int c;

    vt_cli_getopt_tables(&init_help, longopts, shortopts, sizeof(shortopts));
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (c == '?' || c == ':') return vt_cli_getopt_error(INIT_PROG, &init_help, c, argv);
        int rc = init_option(c, a);
        if (rc != VT_CLI_CONTINUE) return rc;
    }
    if (optind >= argc) return vt_cli_usage_error(INIT_PROG, &init_help, "missing DIR");
    if (argc - optind > 1) {
        char q[VT_CLI_QUOTED_LEN];
        return vt_cli_usage_error(INIT_PROG, &init_help, "unexpected argument %s",
                                  vt_cli_quote_arg(argv[optind + 1], q));
    }
    a->dir = argv[optind];
    return VT_CLI_CONTINUE;
}

int vt_cli_sim_init_main(int argc, char **argv)
{
    init_args_t a = {.sim = {.platform_count = 1, .tcb_status = VT_TCB_UP_TO_DATE}};
    int rc = parse_init(argc, argv, &a);
    if (rc != VT_CLI_CONTINUE) return rc;

    rc = vt_sim_init(a.dir, &a.sim);
    if (rc < 0) {
        vt_cli_error(INIT_PROG, "%s", vt_last_error()[0] ? vt_last_error() : vt_strerror(rc));
        return VT_CLI_EXIT_FAIL;
    }
    printf("created %zu simulated platform(s) in %s (tcb %s)\n", a.sim.platform_count, a.dir,
           vt_tcb_status_name(a.sim.tcb_status));
    printf("root: %s/root_ca.der (SIMULATED: trusted only with --trust-simulated-root)\n", a.dir);
    return VT_CLI_EXIT_OK;
}
