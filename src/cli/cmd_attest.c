/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `veritee attest <verb>`: evidence from the platform this process runs on, through the
 * attester providers of veritee/attest.h (a Gramine /dev/attestation directory — real, or
 * veritee-attestfs — or Linux configfs-tsm). `info` names the provider and its TEE;
 * `quote` gets a quote binding the given report data and writes it to a file.
 */
#include <stdlib.h>
#include <string.h>

#include <veritee/attest.h>

#include "cli.h"
#include "common/file.h"

#define INFO_PROG  "veritee attest info"
#define QUOTE_PROG "veritee attest quote"

enum { OPT_HELP = 'h', OPT_OUT = 'o', OPT_PROVIDER = 256, OPT_REPORT_DATA };

static const vt_cli_option_t info_options[] = {
    {"provider", "NAME", OPT_PROVIDER,
     "gramine or tsm (default: gramine if VERITEE_ATTESTATION_DIR or /dev/attestation exists "
     "with attestation_type dcap, else tsm if VERITEE_TSM_DIR or the configfs-tsm root exists)"},
    {"help", NULL, OPT_HELP, "show this help and exit"},
    {NULL, NULL, 0, NULL},
};

static const vt_cli_help_t info_help = {
    .usage = {"veritee attest info [--provider NAME]"},
    .description = "Prints which attester provider this process would use and the kind of "
                   "evidence it produces (sgx, tdx, snp).",
    .options = info_options,
    .epilogue = "Exit status: 0 a provider is available, 1 none is, 64 usage error.",
};

static const vt_cli_option_t quote_options[] = {
    {"provider", "NAME", OPT_PROVIDER, "gramine or tsm (default: as for 'veritee attest info')"},
    {"report-data", "HEX", OPT_REPORT_DATA,
     "report data to bind: 1 to 64 bytes of hex, zero-padded to 64 bytes (default: 64 zero "
     "bytes)"},
    {"out", "FILE", OPT_OUT, "write the quote to FILE (atomically)"},
    {"help", NULL, OPT_HELP, "show this help and exit"},
    {NULL, NULL, 0, NULL},
};

static const vt_cli_help_t quote_help = {
    .usage = {"veritee attest quote [--provider NAME] [--report-data HEX] -o FILE"},
    .description =
        "Gets a quote from this platform that carries the report data, checks that it does, "
        "and writes it to FILE. Inside a Gramine SGX enclave, or a program launched with "
        "'veritee sim run' on a veritee-attestfs mount, this is an SGX quote v3 for the "
        "calling enclave; on a TDX confidential VM, a TDX quote. Verify it elsewhere with "
        "'veritee quote verify FILE'.",
    .options = quote_options,
    .epilogue = "Exit status: 0 written, 1 failure (no provider, access denied, evidence not "
                "bound to the report data), 64 usage error.",
};

static const char *tee_name(vt_attest_tee_t tee)
{
    switch (tee) {
    case VT_ATTEST_TEE_SGX:
        return "sgx";
    case VT_ATTEST_TEE_TDX:
        return "tdx";
    case VT_ATTEST_TEE_SNP:
        return "snp";
    case VT_ATTEST_TEE_UNKNOWN:
        break;
    }
    return "unknown";
}

typedef struct {
    const char *provider, *out;
    uint8_t report_data[VT_REPORT_DATA_LEN];
} attest_args_t;

/* Parses the options of a verb with help h; returns VT_CLI_CONTINUE or an exit status. */
static int parse(const char *prog, const vt_cli_help_t *h, int argc, char **argv, attest_args_t *a)
{
    struct option longopts[VT_CLI_MAX_OPTIONS + 2];
    char shortopts[3 * VT_CLI_MAX_OPTIONS + 4];
    char q[VT_CLI_QUOTED_LEN];
    int c;

    vt_cli_getopt_tables(h, longopts, shortopts, sizeof(shortopts));
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        switch (c) {
        case OPT_HELP:
            vt_cli_print_help(prog, h, stdout);
            return VT_CLI_EXIT_OK;
        case OPT_PROVIDER:
            if (strcmp(optarg, "gramine") != 0 && strcmp(optarg, "tsm") != 0)
                return vt_cli_usage_error(prog, h, "--provider: %s: must be gramine or tsm",
                                          vt_cli_quote_arg(optarg, q));
            a->provider = optarg;
            break;
        case OPT_REPORT_DATA:
            if (vt_cli_parse_report_data(optarg, a->report_data) < 0)
                return vt_cli_usage_error(prog, h,
                                          "--report-data: %s: expected 1 to 64 bytes of hex",
                                          vt_cli_quote_arg(optarg, q));
            break;
        case OPT_OUT:
            a->out = optarg;
            break;
        default:
            return vt_cli_getopt_error(prog, h, c, argv);
        }
    }
    if (optind < argc)
        return vt_cli_usage_error(prog, h, "unexpected argument %s",
                                  vt_cli_quote_arg(argv[optind], q));
    return VT_CLI_CONTINUE;
}

static int fail(const char *prog, int rc)
{
    vt_cli_error(prog, "%s", vt_last_error()[0] ? vt_last_error() : vt_strerror(rc));
    return VT_CLI_EXIT_FAIL;
}

static int info_main(int argc, char **argv)
{
    attest_args_t a = {0};
    vt_attester_t *att = NULL;
    int status = parse(INFO_PROG, &info_help, argc, argv, &a);
    if (status != VT_CLI_CONTINUE) return status;

    int rc = vt_attester_new(a.provider, &att);
    if (rc < 0) return fail(INFO_PROG, rc);
    printf("provider: %s\ntee: %s\n", vt_attester_name(att), tee_name(vt_attester_tee(att)));
    vt_attester_free(att);
    return VT_CLI_EXIT_OK;
}

static int quote_main(int argc, char **argv)
{
    attest_args_t a = {0};
    vt_attester_t *att = NULL;
    uint8_t *quote = NULL;
    size_t len = 0;
    int status = parse(QUOTE_PROG, &quote_help, argc, argv, &a);
    if (status != VT_CLI_CONTINUE) return status;
    if (!a.out) return vt_cli_usage_error(QUOTE_PROG, &quote_help, "missing -o FILE");

    int rc = vt_attester_new(a.provider, &att);
    if (rc == 0) rc = vt_attester_get_evidence(att, a.report_data, &quote, &len);
    if (rc == 0) rc = vt_file_write_atomic(a.out, quote, len, 0644);
    if (rc == 0)
        printf("quote: %s (%zu bytes, %s, from the %s provider)\n", a.out, len,
               tee_name(vt_attester_tee(att)), vt_attester_name(att));
    free(quote);
    vt_attester_free(att);
    return rc < 0 ? fail(QUOTE_PROG, rc) : VT_CLI_EXIT_OK;
}

static const vt_cli_command_t verbs[] = {
    {"info", info_main, "name the attester provider of this platform"},
    {"quote", quote_main, "get a quote from this platform for given report data"},
    {NULL, NULL, NULL},
};

static const vt_cli_table_t attest_table = {
    .prog = "veritee attest",
    .usage = {"veritee attest VERB [ARGS...]"},
    .description =
        "Evidence from the platform this command runs on: a Gramine SGX enclave's "
        "/dev/attestation (or a veritee-attestfs mount, for a program launched with 'veritee "
        "sim run'), or Linux configfs-tsm on a TDX or SEV-SNP confidential VM. The directories "
        "come from VERITEE_ATTESTATION_DIR and VERITEE_TSM_DIR.",
    .commands = verbs,
    .epilogue = "Run 'veritee attest VERB --help' for a verb's options.",
};

int vt_cli_attest_main(int argc, char **argv)
{
    return vt_cli_dispatch(&attest_table, argc, argv);
}
