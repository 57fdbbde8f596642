/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Messages, terminal colour and argument parsing for the CLI. User input and library
 * details can carry bytes from hostile files (names, PEM subjects), so everything the
 * CLI prints in a message goes through an escaper: one message is always one line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "common/error.h"
#include "common/file.h"

void vt_cli_put_escaped(FILE *f, const char *msg)
{
    for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\x%02x", *p);
        else
            fputc(*p, f);
    }
}

void vt_cli_error(const char *prog, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fflush(stdout);
    fprintf(stderr, "%s: ", prog);
    vt_cli_put_escaped(stderr, msg);
    fputc('\n', stderr);
}

void vt_cli_warn(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fflush(stdout);
    fputs("warning: ", stderr);
    vt_cli_put_escaped(stderr, msg);
    fputc('\n', stderr);
}

const char *vt_cli_quote_arg(const char *in, char out[static VT_CLI_QUOTED_LEN])
{
    size_t o = 0;
    size_t i = 0;
    out[o++] = '\'';
    for (; in[i] && i < VT_CLI_QUOTE_MAX; i++) {
        unsigned char ch = (unsigned char)in[i];
        if (ch < 0x20 || ch == 0x7f) {
            o += (size_t)snprintf(out + o, VT_CLI_QUOTED_LEN - o, "\\x%02x", ch);
        } else if (ch == '\'' || ch == '\\') {
            out[o++] = '\\';
            out[o++] = (char)ch;
        } else {
            out[o++] = (char)ch;
        }
    }
    out[o++] = '\'';
    if (in[i]) {
        out[o++] = '.';
        out[o++] = '.';
        out[o++] = '.';
    }
    out[o] = '\0';
    return out;
}

bool vt_cli_use_color(FILE *f)
{
    const char *no_color = getenv("NO_COLOR");
    if (no_color && no_color[0] != '\0') return false;
    return isatty(fileno(f)) == 1;
}

const char *vt_cli_color_on(bool use_color, vt_cli_color_t c)
{
    if (!use_color) return "";
    switch (c) {
    case VT_CLI_GREEN:
        return "\033[1;32m";
    case VT_CLI_YELLOW:
        return "\033[1;33m";
    case VT_CLI_RED:
        return "\033[1;31m";
    case VT_CLI_BOLD:
        return "\033[1m";
    case VT_CLI_PLAIN:
        break;
    }
    return "";
}

const char *vt_cli_color_off(bool use_color)
{
    return use_color ? "\033[0m" : "";
}

int vt_cli_parse_uint(const char *text, unsigned long max, unsigned long *out)
{
    int base = 10;
    const char *digits = text;
    char *end = NULL;

    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        digits = text + 2;
    }
    /* strtoul would accept a sign, spaces and an empty string: refuse them first. */
    VT_ENSURE(digits[0] != '\0' && strspn(digits, "0123456789abcdefABCDEF") == strlen(digits),
              VT_E_INVALID_ARG, "not a number");
    errno = 0;
    unsigned long v = strtoul(digits, &end, base);
    VT_ENSURE(errno == 0 && end && *end == '\0', VT_E_INVALID_ARG, "not a number");
    VT_ENSURE(v <= max, VT_E_INVALID_ARG, "out of range (maximum %lu)", max);
    *out = v;
    return 0;
}

int vt_cli_parse_hex(const char *text, uint8_t *out, size_t len)
{
    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text += 2;
    size_t n = strlen(text);
    VT_ENSURE(n == 2 * len, VT_E_INVALID_ARG, "%zu hex digits, expected %zu", n, 2 * len);
    VT_GUARD(vt_hex_decode(text, n, out, len));
    return 0;
}

int vt_cli_parse_report_data(const char *text, uint8_t out[static VT_REPORT_DATA_LEN])
{
    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text += 2;
    size_t n = strlen(text);
    VT_ENSURE(n != 0 && n % 2 == 0 && n <= 2 * VT_REPORT_DATA_LEN, VT_E_INVALID_ARG,
              "expected 1 to %d bytes of hex", VT_REPORT_DATA_LEN);
    uint8_t buf[VT_REPORT_DATA_LEN] = {0};
    VT_GUARD(vt_hex_decode(text, n, buf, n / 2));
    for (size_t i = 0; i < sizeof(buf); i++) out[i] = buf[i];
    return 0;
}

/* Standard input has no size to check up front: read in chunks and stop at the cap. */
static int read_stdin(size_t max, uint8_t **out, size_t *len)
{
    int rc = VT_E_INTERNAL;
    size_t cap = 4096;
    size_t used = 0;
    uint8_t *buf = NULL;

    VT_TRY_ALLOC(buf, malloc(cap + 1), "input buffer");
    for (;;) {
        if (used == cap) {
            VT_TRY_ENSURE(cap <= max, VT_E_TOO_LARGE, "standard input: more than %zu bytes", max);
            size_t ncap = cap * 2;
            uint8_t *nbuf = NULL;
            VT_TRY_ALLOC(nbuf, realloc(buf, ncap + 1), "input buffer");
            buf = nbuf;
            cap = ncap;
        }
        ssize_t n = read(STDIN_FILENO, buf + used, cap - used);
        if (n < 0 && errno == EINTR) continue;
        VT_TRY_ENSURE(n >= 0, VT_E_IO, "standard input: %s", strerror(errno));
        if (n == 0) break;
        used += (size_t)n;
    }
    VT_TRY_ENSURE(used <= max, VT_E_TOO_LARGE, "standard input: %zu bytes, limit %zu", used, max);
    buf[used] = '\0';
    *out = buf;
    *len = used;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    return rc;
}

int vt_cli_read_file(const char *path, size_t max, uint8_t **out, size_t *len)
{
    if (strcmp(path, "-") == 0) return read_stdin(max, out, len);
    int rc = vt_file_read(path, max, out, len);
    if (rc == 0) return 0;

    /* The detail is "<path>: <reason>" with the path as given: re-quote it (escaped,
     * length-capped) and drop a debug build's " [file:line]", which vt_error_set adds back. */
    char quoted[VT_CLI_QUOTED_LEN];
    char reason[512];
    const char *detail = vt_last_error();
    size_t n = strlen(path);
    if (strncmp(detail, path, n) == 0 && strncmp(detail + n, ": ", 2) == 0) detail += n + 2;
    snprintf(reason, sizeof(reason), "%s", detail);
    char *loc = strstr(reason, " [");
    if (loc && reason[strlen(reason) - 1] == ']') *loc = '\0';
    return vt_error_set(rc, __FILE__, __LINE__, "%s: %s", vt_cli_quote_arg(path, quoted), reason);
}
