/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Options of veritee-pccs: getopt_long over argv, --listen split and validated with
 * strtol (the whole text must be the number, 0..65535), and the --help text.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "options.h"

#define DEFAULT_HOST "127.0.0.1"
#define DEFAULT_PORT 8081

enum { OPT_INSECURE_HTTP = 256 };

static const struct option long_options[] = {
    {"bundle", required_argument, NULL, 'b'},
    {"listen", required_argument, NULL, 'l'},
    {"cert", required_argument, NULL, 'c'},
    {"key", required_argument, NULL, 'k'},
    {"insecure-http", no_argument, NULL, OPT_INSECURE_HTTP},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static int parse_port(const char *text, uint16_t *port)
{
    char *end = NULL;

    VT_ENSURE(text[0] >= '0' && text[0] <= '9', VT_E_INVALID_ARG,
              "--listen: port \"%.32s\" is not a decimal number", text);
    errno = 0;
    long v = strtol(text, &end, 10);
    VT_ENSURE(errno == 0 && end != text && *end == '\0' && v >= 0 && v <= 65535, VT_E_INVALID_ARG,
              "--listen: port \"%.32s\", expected 0 to 65535", text);
    *port = (uint16_t)v;
    return 0;
}

int vt_options_parse_listen(const char *text, char host[VT_PCCS_HOST_MAX], uint16_t *port)
{
    const char *colon = strrchr(text, ':');
    VT_ENSURE(colon != NULL, VT_E_INVALID_ARG, "--listen: \"%.64s\", expected HOST:PORT", text);
    const char *h = text;
    size_t hlen = (size_t)(colon - text);
    if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') {
        h++;
        hlen -= 2;
    } else {
        VT_ENSURE(memchr(h, ':', hlen) == NULL, VT_E_INVALID_ARG,
                  "--listen: write an IPv6 address in brackets, as [::1]:PORT");
    }
    VT_ENSURE(hlen > 0 && hlen < VT_PCCS_HOST_MAX, VT_E_INVALID_ARG,
              "--listen: \"%.64s\": empty or too long host", text);
    VT_GUARD(parse_port(colon + 1, port));
    snprintf(host, VT_PCCS_HOST_MAX, "%.*s", (int)hlen, h);
    return 0;
}

static int parse_one(int ch, vt_pccsd_options_t *o)
{
    switch (ch) {
    case 'b':
        VT_ENSURE(o->bundle_count < VT_PCCS_BUNDLES_MAX, VT_E_INVALID_ARG,
                  "more than %d --bundle options", VT_PCCS_BUNDLES_MAX);
        o->bundles[o->bundle_count++] = optarg;
        return 0;
    case 'l':
        return vt_options_parse_listen(optarg, o->host, &o->port);
    case 'c':
        o->cert_file = optarg;
        return 0;
    case 'k':
        o->key_file = optarg;
        return 0;
    case OPT_INSECURE_HTTP:
        o->is_insecure_http = true;
        return 0;
    case 'q':
        o->is_quiet = true;
        return 0;
    case 'h':
        o->is_help = true;
        return 0;
    case 'V':
        o->is_version = true;
        return 0;
    default:
        VT_BAIL(VT_E_INVALID_ARG, "unknown option");
    }
}

int vt_options_parse(int argc, char **argv, vt_pccsd_options_t *o)
{
    int ch;

    *o = (vt_pccsd_options_t){.port = DEFAULT_PORT};
    snprintf(o->host, sizeof(o->host), "%s", DEFAULT_HOST);
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":b:l:c:k:qhV", long_options, NULL)) != -1) {
        VT_ENSURE(ch != ':', VT_E_INVALID_ARG, "option %s needs an argument", argv[optind - 1]);
        VT_ENSURE(ch != '?', VT_E_INVALID_ARG, "unknown option %s", argv[optind - 1]);
        VT_GUARD(parse_one(ch, o));
    }
    VT_ENSURE(optind == argc, VT_E_INVALID_ARG, "unexpected argument \"%.64s\"", argv[optind]);
    if (o->is_help || o->is_version) return 0;
    VT_ENSURE(o->bundle_count > 0, VT_E_INVALID_ARG, "--bundle DIR is required");
    VT_ENSURE(!o->is_insecure_http || (o->cert_file == NULL && o->key_file == NULL),
              VT_E_INVALID_ARG, "--insecure-http cannot be combined with --cert or --key");
    VT_ENSURE(o->is_insecure_http || (o->cert_file != NULL && o->key_file != NULL),
              VT_E_INVALID_ARG, "--cert FILE and --key FILE are required (or --insecure-http)");
    return 0;
}

void vt_options_print_help(void)
{
    fputs("Usage: veritee-pccs --bundle DIR... [--listen HOST:PORT] --cert FILE --key FILE\n"
          "       veritee-pccs --bundle DIR... [--listen HOST:PORT] --insecure-http\n"
          "       veritee-pccs --help | --version\n"
          "\n"
          "Serves DCAP collateral (TCB info, QE identity, PCK and root CA CRLs) from bundle\n"
          "directories over HTTPS with the routes of Intel's PCS / PCCS API v4, for SGX and\n"
          "TDX, so that a verifier's PCCS client (veritee quote verify --pccs URL) fetches it\n"
          "unchanged. Issuer chains are sent in Intel's response headers, URL-encoded PEM.\n"
          "\n"
          "Routes (GET only; other methods get 405, unknown paths 404):\n"
          "  /sgx/certification/v4/tcb?fmspc=HEX       SGX TCB info for this FMSPC\n"
          "  /tdx/certification/v4/tcb?fmspc=HEX       TDX TCB info for this FMSPC\n"
          "  /sgx/certification/v4/qe/identity         QE identity\n"
          "  /tdx/certification/v4/qe/identity         TD_QE identity\n"
          "  /sgx/certification/v4/pckcrl?ca=processor|platform[&encoding=pem|der]\n"
          "                                            PCK CRL, PEM unless encoding=der\n"
          "  /sgx/certification/v4/rootcacrl           root CA CRL (DER)\n"
          "\n"
          "Options:\n"
          "  -b, --bundle DIR        serve the bundle directory DIR (repeat for several\n"
          "                          FMSPCs; layout in veritee-pccs(8), FILES)\n"
          "  -l, --listen HOST:PORT  listen address (default 127.0.0.1:8081; port 0 picks\n"
          "                          a free port; IPv6 as [::1]:PORT)\n"
          "  -c, --cert FILE         PEM certificate chain of the server, leaf first\n"
          "  -k, --key FILE          PEM private key of that certificate\n"
          "      --insecure-http     serve plain HTTP instead of HTTPS (prints a warning)\n"
          "  -q, --quiet             no log line per request\n"
          "  -h, --help              print this help and exit\n"
          "  -V, --version           print the version and exit\n"
          "\n"
          "Once ready, prints \"listening on https://HOST:PORT\" to standard error. Each\n"
          "request is logged to standard error as \"PEER METHOD URI STATUS\". SIGTERM or\n"
          "SIGINT stops the service cleanly.\n"
          "\n"
          "Exit status: 0 after SIGTERM/SIGINT, 1 if a bundle, the certificate or the\n"
          "listening socket cannot be set up, 64 usage error. See veritee-pccs(8).\n",
          stdout);
}
