/* SPDX-License-Identifier: Apache-2.0 */
/* `veritee cert <verb>`: the verbs of the cert noun (RA-TLS certificates). */
#include "cert.h"

static const vt_cli_command_t verbs[] = {
    {"show", vt_cli_cert_show_main, "decode an RA-TLS certificate: extensions, claims, quotes"},
    {"verify", vt_cli_cert_verify_main, "verify an RA-TLS certificate's evidence (DCAP)"},
    {NULL, NULL, NULL},
};

static const vt_cli_table_t cert_table = {
    .prog = "veritee cert",
    .usage = {"veritee cert VERB [ARGS...]"},
    .description = "Works on RA-TLS certificates: self-signed X.509 certificates whose "
                   "extensions carry TEE evidence bound to the certificate's key, as made "
                   "by Gramine's RA-TLS library, 'veritee ratls' and the Veritee library. "
                   "FILE is PEM or DER and may be '-' for standard input.",
    .commands = verbs,
    .epilogue = "Run 'veritee cert VERB --help' for a verb's options.",
};

int vt_cli_cert_main(int argc, char **argv)
{
    return vt_cli_dispatch(&cert_table, argc, argv);
}
