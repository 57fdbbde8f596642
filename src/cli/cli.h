/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal interface of the veritee command-line tool (docs/style.md §7).
 *
 * Shape: main.c holds the table of nouns; each noun's file (cmd_<noun>.c) holds its
 * table of verbs; both levels are walked by vt_cli_dispatch. Every verb describes
 * itself with a vt_cli_help_t: its usage lines, a description and its options. The
 * same table drives getopt_long, the --help text and (through --help) the docs test
 * that checks the man page and the bash completion, so the three cannot drift apart.
 *
 * Exit codes: 0 ok, 1 failure or rejection, 2 verified with a non-UpToDate TCB status,
 * 64 usage error (EX_USAGE).
 */
#ifndef VT_CLI_CLI_H
#define VT_CLI_CLI_H

#include <getopt.h>
#include <stdio.h>
#include <veritee/common.h>
#include <veritee/evidence.h>

#define VT_CLI_EXIT_OK    0
#define VT_CLI_EXIT_FAIL  1
#define VT_CLI_EXIT_TCB   2
#define VT_CLI_EXIT_USAGE 64
/* Not an exit status: an option handler's "carry on parsing". */
#define VT_CLI_CONTINUE (-1)

/* Longest piece of user input echoed in a message (longer input is cut and marked). */
#define VT_CLI_QUOTE_MAX 64
/* Room for a quoted argument: every byte may become \xNN, plus quotes and "...". */
#define VT_CLI_QUOTED_LEN (VT_CLI_QUOTE_MAX * 4 + 8)

/*
 * One option of a verb. An entry with name == NULL and a help text is a group
 * heading in --help; the table ends with an all-NULL entry.
 */
typedef struct {
    const char *name; /* long name without "--"; NULL for a heading or the end */
    const char *arg;  /* argument placeholder ("DIR"), NULL for a flag */
    int val;          /* what getopt_long returns for it (a short letter or >= 256) */
    const char *help; /* one paragraph; '\n' starts a new line in --help */
} vt_cli_option_t;

typedef struct {
    const char *usage[4];           /* synopsis lines without "Usage: ", NULL-terminated */
    const char *description;        /* paragraph(s) printed after the usage */
    const vt_cli_option_t *options; /* may be NULL */
    const char *epilogue;           /* printed last (exit status, examples); may be NULL */
} vt_cli_help_t;

/* One row of a noun or verb table. argv[0] of run is the command's own name. */
typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary; /* one line for the parent's --help */
} vt_cli_command_t;

/* A level of the command tree: a program prefix ("veritee quote") and its commands. */
typedef struct {
    const char *prog;     /* full command prefix used in messages */
    const char *usage[3]; /* synopsis lines without "Usage: ", NULL-terminated */
    const char *description;
    const vt_cli_command_t *commands; /* ends with a NULL name */
    const char *epilogue;
} vt_cli_table_t;

/* ---- Dispatch and help --------------------------------------------------------- */

/*
 * Runs the command named by argv[1] from t. "--help", "-h" and "help" (also
 * "help <command>") print the table's help on stdout and return 0; a missing or
 * unknown command prints one error line and the usage hint on stderr and returns 64.
 */
int vt_cli_dispatch(const vt_cli_table_t *t, int argc, char **argv);

/* Prints a table's help (usage, description, command list). */
void vt_cli_print_table_help(const vt_cli_table_t *t, FILE *f);

/* Prints a verb's --help: usage lines, description, options, epilogue. */
void vt_cli_print_help(const char *prog, const vt_cli_help_t *h, FILE *f);

/*
 * Builds the getopt_long tables from h->options (plus -h/--help, which always maps
 * to 'h'). longopts must have room for VT_CLI_MAX_OPTIONS + 2 entries and shortopts
 * for 3 * VT_CLI_MAX_OPTIONS + 4 bytes.
 */
#define VT_CLI_MAX_OPTIONS 48
void vt_cli_getopt_tables(const vt_cli_help_t *h, struct option *longopts, char *shortopts,
                          size_t shortopts_cap);

/*
 * Reports the getopt_long failure just returned (c is '?' or ':'): one error line naming
 * the option, the usage hint; returns 64.
 */
int vt_cli_getopt_error(const char *prog, const vt_cli_help_t *h, int c, char **argv);

/* Prints "<prog>: <message>" (control characters escaped) and the usage hint; returns 64. */
int vt_cli_usage_error(const char *prog, const vt_cli_help_t *h, const char *fmt, ...)
    VT_PRINTF(3, 4);

/* ---- Messages ------------------------------------------------------------------ */

/*
 * Prints one line "<prog>: <message>" on stderr. Control characters in the formatted
 * message are escaped, so a hostile file name or detail cannot forge lines.
 */
void vt_cli_error(const char *prog, const char *fmt, ...) VT_PRINTF(2, 3);

/* Writes msg to f with control characters and DEL escaped as \xNN. */
void vt_cli_put_escaped(FILE *f, const char *msg);

/* Prints "warning: <message>" on stderr (one line, escaped). */
void vt_cli_warn(const char *fmt, ...) VT_PRINTF(1, 2);

/*
 * Writes 'in' single-quoted into out with control characters, quotes and backslashes
 * escaped and at most VT_CLI_QUOTE_MAX input bytes (then "..."). Returns out.
 */
const char *vt_cli_quote_arg(const char *in, char out[static VT_CLI_QUOTED_LEN]);

/* ---- Terminal ------------------------------------------------------------------ */

/* True if colour may be used on f: f is a tty and NO_COLOR is unset or empty. */
bool vt_cli_use_color(FILE *f);

typedef enum {
    VT_CLI_PLAIN = 0,
    VT_CLI_GREEN,
    VT_CLI_YELLOW,
    VT_CLI_RED,
    VT_CLI_BOLD,
} vt_cli_color_t;

/* The escape sequence starting colour c ("" when colour is off). */
const char *vt_cli_color_on(bool use_color, vt_cli_color_t c);
/* The escape sequence that ends a colour ("" when colour is off). */
const char *vt_cli_color_off(bool use_color);

/* ---- Arguments ----------------------------------------------------------------- */

/* Parses a decimal or 0x-hex integer in [0, max] (whole string, no sign, no spaces). */
VT_MUST_CHECK int vt_cli_parse_uint(const char *text, unsigned long max, unsigned long *out);

/* Decodes exactly len bytes of hex (an optional "0x" prefix is accepted). */
VT_MUST_CHECK int vt_cli_parse_hex(const char *text, uint8_t *out, size_t len);

/*
 * Report data: 1 to 64 bytes of hex (an optional "0x" prefix), zero-padded to 64 bytes.
 * out is written only on success.
 */
VT_MUST_CHECK int vt_cli_parse_report_data(const char *text,
                                           uint8_t out[static VT_REPORT_DATA_LEN]);

/*
 * Reads a whole file (or standard input for "-") with a size cap. On success the caller
 * owns *out (free()); it is NUL-terminated one past *len.
 */
VT_MUST_CHECK int vt_cli_read_file(const char *path, size_t max, uint8_t **out, size_t *len);

/* ---- Nouns --------------------------------------------------------------------- */

int vt_cli_quote_main(int argc, char **argv);
int vt_cli_attest_main(int argc, char **argv);
int vt_cli_cert_main(int argc, char **argv);
int vt_cli_ratls_main(int argc, char **argv);

#endif
