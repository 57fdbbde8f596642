/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `veritee quote dump FILE [--json]`: parses a quote and prints every field. Nothing is
 * verified: the output describes what the quote claims, signed or not.
 */
#include <string.h>

#include "cli.h"
#include "cmd_quote.h"
#include "quote_info.h"

#define PROG "veritee quote dump"

enum { OPT_HELP = 'h', OPT_JSON = 256 };

static const vt_cli_option_t options[] = {
    {"json", NULL, OPT_JSON,
     "print one JSON object instead of text (keys in veritee(1), JSON OUTPUT)"},
    {"help", NULL, OPT_HELP, "show this help and exit"},
    {NULL, NULL, 0, NULL},
};

static const vt_cli_help_t help = {
    .usage = {"veritee quote dump FILE [--json]"},
    .description =
        "Parses the SGX or TDX quote in FILE ('-' for standard input) and prints every field: "
        "the header, the report body (measurements, attributes with their flags decoded, "
        "report data), the signature data, the quoting enclave's report, the PCK certificate "
        "chain, and the fields of the PCK certificate's SGX extension (FMSPC, PCE-ID, SGX type, "
        "TCB component SVNs, PCESVN, CPUSVN, PPID). Byte strings are lowercase hex in the "
        "quote's byte order.\n\n"
        "Nothing is verified: use 'veritee quote verify' to learn whether the quote is genuine.",
    .options = options,
    .epilogue = "Exit status: 0 the quote was parsed, 1 it could not be read or parsed, "
                "64 usage error.",
};

int vt_cli_quote_dump_main(int argc, char **argv)
{
    struct option longopts[VT_CLI_MAX_OPTIONS + 2];
    char shortopts[3 * VT_CLI_MAX_OPTIONS + 4];
    bool json = false;
    int c;

    vt_cli_getopt_tables(&help, longopts, shortopts, sizeof(shortopts));
    optind = 0; /* glibc: 0 re-initializes getopt completely */
    opterr = 0;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        switch (c) {
        case OPT_JSON:
            json = true;
            break;
        case OPT_HELP:
            vt_cli_print_help(PROG, &help, stdout);
            return VT_CLI_EXIT_OK;
        default:
            return vt_cli_getopt_error(PROG, &help, c, argv);
        }
    }
    if (optind >= argc) return vt_cli_usage_error(PROG, &help, "missing FILE");
    if (argc - optind > 1) {
        char q[VT_CLI_QUOTED_LEN];
        return vt_cli_usage_error(PROG, &help, "unexpected argument %s",
                                  vt_cli_quote_arg(argv[optind + 1], q));
    }

    vt_cli_quote_t quote;
    int rc = vt_cli_quote_load(argv[optind], &quote);
    if (rc < 0) {
        vt_cli_error(PROG, "%s", vt_last_error()[0] ? vt_last_error() : vt_strerror(rc));
        return VT_CLI_EXIT_FAIL;
    }
    if (json) {
        json_t *j = vt_cli_quote_json(&quote);
        rc = vt_cli_json_print(j);
        json_decref(j);
        if (rc < 0) vt_cli_error(PROG, "cannot write JSON: %s", vt_strerror(rc));
    } else {
        vt_cli_print_quote(stdout, &quote, vt_cli_use_color(stdout));
    }
    vt_cli_quote_cleanup(&quote);
    if (fflush(stdout) != 0 && rc == 0) {
        vt_cli_error(PROG, "cannot write output");
        rc = VT_E_IO;
    }
    return rc < 0 ? VT_CLI_EXIT_FAIL : VT_CLI_EXIT_OK;
}
