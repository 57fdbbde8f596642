/* SPDX-License-Identifier: Apache-2.0 */
/* Command-line options of veritee-pccs. */
#ifndef VT_PCCS_OPTIONS_H
#define VT_PCCS_OPTIONS_H

#include <veritee/common.h>

#define VT_PCCS_BUNDLES_MAX 256
#define VT_PCCS_HOST_MAX    256
#define VT_PCCS_EXIT_USAGE  64

typedef struct {
    const char *bundles[VT_PCCS_BUNDLES_MAX]; /* borrowed from argv */
    size_t bundle_count;
    char host[VT_PCCS_HOST_MAX];
    uint16_t port;
    const char *cert_file; /* borrowed from argv */
    const char *key_file;  /* borrowed from argv */
    bool is_insecure_http;
    bool is_quiet;
    bool is_help;
    bool is_version;
} vt_pccsd_options_t;

/* Splits "HOST:PORT" ("[v6]:PORT" too); the port is decimal 0..65535, nothing else. */
VT_MUST_CHECK int vt_options_parse_listen(const char *text, char host[VT_PCCS_HOST_MAX],
                                          uint16_t *port);

/* Parses argv. VT_E_INVALID_ARG (with detail) for a usage error. */
VT_MUST_CHECK int vt_options_parse(int argc, char **argv, vt_pccsd_options_t *o);

/* The --help text, on stdout. */
void vt_options_print_help(void);

#endif
