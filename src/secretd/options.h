/* SPDX-License-Identifier: Apache-2.0 */
/* Command-line options of veritee-secretd. */
#ifndef VT_SECRETD_OPTIONS_H
#define VT_SECRETD_OPTIONS_H

#include <veritee/common.h>

#define SD_EXIT_USAGE 64

typedef struct {
    const char *config; /* borrowed from argv */
    bool is_check;
    bool is_help;
    bool is_version;
} sd_options_t;

/* Parses argv. VT_E_INVALID_ARG (with detail) for a usage error. */
VT_MUST_CHECK int sd_options_parse(int argc, char **argv, sd_options_t *o);

/* The --help text, on stdout. */
void sd_options_print_help(void);

#endif
