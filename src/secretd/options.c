/* SPDX-License-Identifier: Apache-2.0 */
/* Options of veritee-secretd (getopt_long) and the --help text. */
#include "options.h"

#include <getopt.h>
#include <stdio.h>

#include "common/error.h"

static const struct option long_options[] = {
    {"config", required_argument, NULL, 'c'},
    {"check", no_argument, NULL, 't'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

int sd_options_parse(int argc, char **argv, sd_options_t *o)
{
    int ch;

    *o = (sd_options_t){0};
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":c:thV", long_options, NULL)) != -1) {
        VT_ENSURE(ch != ':', VT_E_INVALID_ARG, "option %s needs an argument", argv[optind - 1]);
        VT_ENSURE(ch != '?', VT_E_INVALID_ARG, "unknown option %s", argv[optind - 1]);
        if (ch == 'c') o->config = optarg;
        if (ch == 't') o->is_check = true;
        if (ch == 'h') o->is_help = true;
        if (ch == 'V') o->is_version = true;
    }
    VT_ENSURE(optind == argc, VT_E_INVALID_ARG, "unexpected argument \"%.64s\"", argv[optind]);
    if (o->is_help || o->is_version) return 0;
    VT_ENSURE(o->config != NULL, VT_E_INVALID_ARG, "--config FILE is required");
    return 0;
}

void sd_options_print_help(void)
{
    fputs(
        "Usage: veritee-secretd --config FILE [--check]\n"
        "       veritee-secretd --help | --version\n"
        "\n"
        "Provisions secrets to attested TEEs. A client (an SGX enclave or a TDX TD) connects\n"
        "over TLS 1.3 with an RA-TLS client certificate; its evidence is verified inside the\n"
        "handshake, on one of the worker threads, and matched against the policy rules of the\n"
        "configuration. It then sends Gramine's request (\"SECRET_PROVISION_RA_TLS_REQUEST_V1\")\n"
        "and gets the secret its rule names as default, or Veritee's named request and gets\n"
        "that secret if its rule lists it (otherwise a refusal). Unmodified Gramine clients\n"
        "(libsecret_prov_attest.so) work as they are.\n"
        "\n"
        "Options:\n"
        "  -c, --config FILE   the JSON configuration: listen addresses, TLS certificate and\n"
        "                      key, trust anchor and collateral source, timeouts, workers,\n"
        "                      limits, secrets, rules (format in veritee-secretd(8))\n"
        "  -t, --check         load and check FILE (secrets, certificate, trust), then exit\n"
        "  -h, --help          print this help and exit\n"
        "  -V, --version       print the version and exit\n"
        "\n"
        "Signals:\n"
        "  SIGHUP              reload FILE: new connections use the new policy, open ones\n"
        "                      finish under the old one; an invalid file is refused with a\n"
        "                      log line and the running configuration stays\n"
        "  SIGTERM, SIGINT     stop accepting, let open connections finish (at most\n"
        "                      timeouts.drain_ms), exit 0\n"
        "\n"
        "Once ready, prints \"listening on HOST:PORT\" for each address to standard error.\n"
        "Each connection ends with one access-log line (standard error, or access_log):\n"
        "time, peer, identity (MRENCLAVE, MRSIGNER, ISVPRODID, ISVSVN or MRTD), TCB status,\n"
        "request, secret name, result. Secret values are never logged.\n"
        "\n"
        "Exit status: 0 after SIGTERM/SIGINT or a good --check, 1 if the configuration, a\n"
        "secret, the certificate or a listening socket cannot be set up, 64 usage error.\n"
        "See veritee-secretd(8).\n",
        stdout);
}
