/* SPDX-License-Identifier: Apache-2.0 */
/* `veritee quote <verb>`: the verbs of the quote noun. A new verb is one line below. */
#include "cli.h"
#include "cmd_quote.h"

static const vt_cli_command_t verbs[] = {
    {"dump", vt_cli_quote_dump_main, "print every field of a quote (text or JSON)"},
    {"verify", vt_cli_quote_verify_main, "verify a quote against Intel's collateral (DCAP)"},
    {NULL, NULL, NULL},
};

static const vt_cli_table_t quote_table = {
    .prog = "veritee quote",
    .usage = {"veritee quote VERB [ARGS...]"},
    .description = "Works on Intel SGX ECDSA quotes (version 3) and TDX quotes (versions 4 and "
                   "5, TD 1.0 and TD 1.5 report bodies), as produced by Intel's quoting "
                   "enclaves. FILE may be '-' for standard input.",
    .commands = verbs,
    .epilogue = "Run 'veritee quote VERB --help' for a verb's options.",
};

int vt_cli_quote_main(int argc, char **argv)
{
    return vt_cli_dispatch(&quote_table, argc, argv);
}
