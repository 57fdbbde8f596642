/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `veritee sim quote`: a developer tool that makes a quote directly from a simulated
 * platform directory (the attestfs daemon uses the same library, veritee/sim.h).
 * SGX: an ECDSA quote v3 for the enclave identity given on the command line.
 * TDX: a quote v4 for the TD described by a TD config file.
 */
#include <stdlib.h>
#include <string.h>

#include <veritee/sim.h>

#include "cli.h"
#include "cmd_sim.h"
#include "common/file.h"

#define PROG "veritee sim quote"

enum {
    OPT_HELP = 'h',
    OPT_OUT = 'o',
    OPT_PLATFORM = 256,
    OPT_INDEX,
    OPT_SGX,
    OPT_TDX,
    OPT_MRENCLAVE,
    OPT_MRSIGNER,
    OPT_ISV_PROD_ID,
    OPT_ISV_SVN,
    OPT_DEBUG,
    OPT_TD_CONFIG,
    OPT_REPORT_DATA,
};

static const vt_cli_option_t options[] = {
    {"platform", "DIR", OPT_PLATFORM, "the platform directory made by 'veritee sim init'"},
    {"index", "I", OPT_INDEX, "which platform of DIR quotes (default 0)"},
    {"sgx", NULL, OPT_SGX, "make an SGX ECDSA quote v3"},
    {"mrenclave", "HEX", OPT_MRENCLAVE, "the enclave's MRENCLAVE (SGX; 64 hex digits)"},
    {"mrsigner", "HEX", OPT_MRSIGNER, "the enclave's MRSIGNER (SGX; 64 hex digits)"},
    {"isv-prod-id", "N", OPT_ISV_PROD_ID, "the enclave's ISVPRODID (SGX; default 0)"},
    {"isv-svn", "N", OPT_ISV_SVN, "the enclave's ISVSVN (SGX; default 0)"},
    {"debug", NULL, OPT_DEBUG, "set the DEBUG attribute (SGX)"},
    {"tdx", NULL, OPT_TDX, "make a TDX quote v4"},
    {"td-config", "FILE", OPT_TD_CONFIG,
     "the TD's measurements and attributes (TDX; JSON, format in veritee(1), FILES)"},
    {"report-data", "HEX", OPT_REPORT_DATA,
     "report data: 1 to 64 bytes of hex, zero-padded to 64 bytes"},
    {"out", "FILE", OPT_OUT, "write the quote to FILE"},
    {"help", NULL, OPT_HELP, "show this help and exit"},
    {NULL, NULL, 0, NULL},
};

static const vt_cli_help_t help = {
    .usage = {"veritee sim quote --platform DIR [--index I] --sgx --mrenclave HEX --mrsigner HEX "
              "[--isv-prod-id N] [--isv-svn N] [--debug] --report-data HEX -o FILE",
              "veritee sim quote --platform DIR [--index I] --tdx --td-config FILE "
              "--report-data HEX -o FILE"},
    .description = "Makes a quote on simulated platform I of DIR, signed by its attestation "
                   "key, with its PCK certificate chain. Verify it with 'veritee quote verify "
                   "FILE --collateral DIR --root DIR/root_ca.der --trust-simulated-root'.",
    .options = options,
    .epilogue = "Exit status: 0 written, 1 failure, 64 usage error.",
};

typedef struct {
    const char *platform, *td_config, *out;
    unsigned long index;
    vt_tee_t tee;
    bool has_mrenclave, has_mrsigner, has_report_data;
    vt_sgx_report_body_t sgx;
    uint8_t report_data[VT_REPORT_DATA_LEN];
} quote_args_t;

static int uint_opt(const char *name, unsigned long max, unsigned long *out)
{
    char q[VT_CLI_QUOTED_LEN];
    if (vt_cli_parse_uint(optarg, max, out) == 0) return VT_CLI_CONTINUE;
    return vt_cli_usage_error(PROG, &help, "--%s %s: expected 0 to %lu", name,
                              vt_cli_quote_arg(optarg, q), max);
}

static int hex_opt(const char *name, uint8_t *out, size_t len, bool *has)
{
    char q[VT_CLI_QUOTED_LEN];
    if (vt_cli_parse_hex(optarg, out, len) < 0)
        return vt_cli_usage_error(PROG, &help, "--%s %s: expected %zu hex digits", name,
                                  vt_cli_quote_arg(optarg, q), 2 * len);
    *has = true;
    return VT_CLI_CONTINUE;
}

static int quote_option(int c, quote_args_t *a)
{
    char q[VT_CLI_QUOTED_LEN];
    unsigned long n = 0;
    int rc;
    switch (c) {
    case OPT_PLATFORM:
        a->platform = optarg;
        return VT_CLI_CONTINUE;
    case OPT_INDEX:
        return uint_opt("index", VT_SIM_PLATFORMS_MAX - 1, &a->index);
    case OPT_SGX:
        a->tee = VT_TEE_SGX;
        return VT_CLI_CONTINUE;
    case OPT_TDX:
        a->tee = VT_TEE_TDX;
        return VT_CLI_CONTINUE;
    case OPT_MRENCLAVE:
        return hex_opt("mrenclave", a->sgx.mr_enclave, 32, &a->has_mrenclave);
    case OPT_MRSIGNER:
        return hex_opt("mrsigner", a->sgx.mr_signer, 32, &a->has_mrsigner);
    case OPT_ISV_PROD_ID:
        rc = uint_opt("isv-prod-id", UINT16_MAX, &n);
        a->sgx.isv_prod_id = (uint16_t)n;
        return rc;
    case OPT_ISV_SVN:
        rc = uint_opt("isv-svn", UINT16_MAX, &n);
        a->sgx.isv_svn = (uint16_t)n;
        return rc;
    case OPT_DEBUG:
        a->sgx.attributes[0] |= (uint8_t)VT_SGX_FLAG_DEBUG;
        return VT_CLI_CONTINUE;
    case OPT_TD_CONFIG:
        a->td_config = optarg;
        return VT_CLI_CONTINUE;
    case OPT_OUT:
        a->out = optarg;
        return VT_CLI_CONTINUE;
    case OPT_REPORT_DATA:
        if (vt_cli_parse_report_data(optarg, a->report_data) < 0)
            return vt_cli_usage_error(PROG, &help,
                                      "--report-data %s: expected 1 to 64 bytes of hex",
                                      vt_cli_quote_arg(optarg, q));
        a->has_report_data = true;
        return VT_CLI_CONTINUE;
    case OPT_HELP:
        vt_cli_print_help(PROG, &help, stdout);
        return VT_CLI_EXIT_OK;
    default:
        return vt_cli_usage_error(PROG, &help, "unexpected option");
    }
}

static int check_args(const quote_args_t *a)
{
    if (!a->platform) return vt_cli_usage_error(PROG, &help, "missing --platform DIR");
    if (!a->out) return vt_cli_usage_error(PROG, &help, "missing -o FILE");
    if (!a->has_report_data) return vt_cli_usage_error(PROG, &help, "missing --report-data HEX");
    if (a->tee == VT_TEE_SGX && (!a->has_mrenclave || !a->has_mrsigner || a->td_config))
        return vt_cli_usage_error(PROG, &help,
                                  "--sgx needs --mrenclave and --mrsigner, not --td-config");
    if (a->tee == VT_TEE_TDX && (!a->td_config || a->has_mrenclave || a->has_mrsigner))
        return vt_cli_usage_error(PROG, &help,
                                  "--tdx needs --td-config, not --mrenclave/--mrsigner");
    if (a->tee == 0) return vt_cli_usage_error(PROG, &help, "missing --sgx or --tdx");
    return VT_CLI_CONTINUE;
}

static int parse_args(int argc, char **argv, quote_args_t *a)
{
    struct option longopts[VT_CLI_MAX_OPTIONS + 2];
    char shortopts[3 * VT_CLI_MAX_OPTIONS + 4];
    int c;

    vt_cli_getopt_tables(&help, longopts, shortopts, sizeof(shortopts));
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (c == '?' || c == ':') return vt_cli_getopt_error(PROG, &help, c, argv);
        int rc = quote_option(c, a);
        if (rc != VT_CLI_CONTINUE) return rc;
    }
    if (optind < argc) {
        char q[VT_CLI_QUOTED_LEN];
        return vt_cli_usage_error(PROG, &help, "unexpected argument %s",
                                  vt_cli_quote_arg(argv[optind], q));
    }
    return check_args(a);
}

static int make_quote(const quote_args_t *a, const vt_sim_platform_t *p, uint8_t **q, size_t *len)
{
    if (a->tee == VT_TEE_SGX) {
        vt_sgx_report_body_t b = a->sgx;
        b.attributes[0] |= (uint8_t)(VT_SGX_FLAG_INIT | VT_SGX_FLAG_MODE64BIT);
        b.attributes[8] = 0x03; /* XFRM: x87, SSE */
        for (size_t i = 0; i < VT_REPORT_DATA_LEN; i++) b.report_data[i] = a->report_data[i];
        return vt_sim_quote_sgx(p, &b, q, len);
    }
    uint8_t *text = NULL;
    size_t text_len = 0;
    vt_td_report_body_t td;
    int rc = vt_cli_read_file(a->td_config, VT_SIM_TD_CONFIG_MAX, &text, &text_len);
    if (rc == 0) rc = vt_sim_td_config_parse(text, text_len, &td);
    free(text);
    if (rc < 0) return rc;
    for (size_t i = 0; i < VT_REPORT_DATA_LEN; i++) td.report_data[i] = a->report_data[i];
    return vt_sim_quote_tdx(p, &td, q, len);
}

int vt_cli_sim_quote_main(int argc, char **argv)
{
    quote_args_t a = {0};
    vt_sim_platform_t *p = NULL;
    uint8_t *q = NULL;
    size_t len = 0;

    int rc = parse_args(argc, argv, &a);
    if (rc != VT_CLI_CONTINUE) return rc;
    rc = vt_sim_platform_load(a.platform, a.index, &p);
    if (rc == 0) rc = make_quote(&a, p, &q, &len);
    if (rc == 0) rc = vt_file_write_atomic(a.out, q, len, 0644);
    vt_sim_platform_free(p);
    free(q);
    if (rc < 0) {
        vt_cli_error(PROG, "%s", vt_last_error()[0] ? vt_last_error() : vt_strerror(rc));
        return VT_CLI_EXIT_FAIL;
    }
    printf("wrote an %s quote (%zu bytes) to %s\n", a.tee == VT_TEE_TDX ? "TDX v4" : "SGX v3", len,
           a.out);
    return VT_CLI_EXIT_OK;
}
