/* SPDX-License-Identifier: Apache-2.0 */
/*
 * veritee: the command-line tool. `veritee <noun> <verb> [ARGS]`; this file is only the
 * table of nouns. A new noun is one line below plus its own cmd_<noun>.c.
 */
#include <openssl/crypto.h>
#include <string.h>

#include "cli.h"
#include "cmd_sim.h"

#ifndef VT_CLI_VERSION
#define VT_CLI_VERSION "unknown"
#endif

static const vt_cli_command_t nouns[] = {
    {"quote", vt_cli_quote_main, "dump and verify SGX and TDX quotes (DCAP)"},
    {"attest", vt_cli_attest_main, "get evidence (a quote) from the platform this runs on"},
    {"cert", vt_cli_cert_main, "show and verify RA-TLS certificates"},
    {"ratls", vt_cli_ratls_main, "make an RA-TLS key and certificate here, then run a command"},
    {"sim", vt_cli_sim_main, "a simulated SGX/TDX platform: vendor PKI, collateral, quotes"},
    {NULL, NULL, NULL},
};

static const vt_cli_table_t top = {
    .prog = "veritee",
    .usage = {"veritee NOUN VERB [ARGS...]", "veritee --help | --version"},
    .description =
        "Veritee remote-attestation tool: reads, checks and verifies evidence from trusted "
        "execution environments (Intel SGX enclaves, Intel TDX confidential VMs).\n\n"
        "Run 'veritee NOUN --help' for a noun's verbs, and 'veritee NOUN VERB --help' for "
        "a verb's options. 'veritee --version' prints the version.",
    .commands = nouns,
    .epilogue = "Exit status: 0 success, 1 failure or rejection, 2 verified with a TCB "
                "status other than UpToDate, 64 usage error. See veritee(1).",
};

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("veritee %s (%s)\n", VT_CLI_VERSION, OpenSSL_version(OPENSSL_VERSION));
        return VT_CLI_EXIT_OK;
    }
    return vt_cli_dispatch(&top, argc, argv);
}
