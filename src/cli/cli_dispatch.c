/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Command tables, --help text and getopt_long plumbing shared by every level of the
 * command tree (docs/style.md §7; the shape follows WireGuard's src/wg.c).
 */
#include <ctype.h>
#include <stdarg.h>
#include <string.h>

#include "cli.h"

#define HELP_WIDTH    80
#define OPTION_COLUMN 28

static bool is_help_word(const char *s)
{
    return strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0 || strcmp(s, "help") == 0;
}

/* Prints text word-wrapped between column indent and HELP_WIDTH; starts at column col. */
static void print_wrapped(FILE *f, const char *text, size_t indent, size_t col)
{
    const char *p = text;
    while (*p) {
        if (*p == '\n') {
            fprintf(f, "\n%*s", (int)indent, "");
            col = indent;
            p++;
            continue;
        }
        if (*p == ' ') {
            p++;
            continue;
        }
        size_t n = strcspn(p, " \n");
        if (col > indent && col + 1 + n > HELP_WIDTH) {
            fprintf(f, "\n%*s", (int)indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', f);
            col++;
        }
        fwrite(p, 1, n, f);
        col += n;
        p += n;
    }
    fputc('\n', f);
}

static void print_paragraphs(FILE *f, const char *text)
{
    /* Blank-line separated paragraphs, each wrapped on its own. */
    while (text && *text) {
        const char *end = strstr(text, "\n\n");
        size_t n = end ? (size_t)(end - text) : strlen(text);
        char buf[2048];
        snprintf(buf, sizeof(buf), "%.*s", (int)n, text);
        print_wrapped(f, buf, 0, 0);
        text = end ? end + 2 : NULL;
        if (text) fputc('\n', f);
    }
}

void vt_cli_print_table_help(const vt_cli_table_t *t, FILE *f)
{
    for (size_t i = 0; i < 3 && t->usage[i]; i++)
        fprintf(f, "%s %s\n", i == 0 ? "Usage:" : "      ", t->usage[i]);
    fputc('\n', f);
    print_paragraphs(f, t->description);
    fputs("\nCommands:\n", f);
    for (const vt_cli_command_t *c = t->commands; c->name; c++)
        fprintf(f, "  %-12s %s\n", c->name, c->summary);
    if (t->epilogue) {
        fputc('\n', f);
        print_paragraphs(f, t->epilogue);
    }
}

static void print_option(FILE *f, const vt_cli_option_t *o)
{
    char head[96];
    if (o->val > 0 && o->val < 128 && isalpha(o->val))
        snprintf(head, sizeof(head), "  -%c, --%s%s%s", o->val, o->name, o->arg ? " " : "",
                 o->arg ? o->arg : "");
    else
        snprintf(head, sizeof(head), "  --%s%s%s", o->name, o->arg ? " " : "",
                 o->arg ? o->arg : "");
    size_t col = strlen(head);
    fputs(head, f);
    if (col + 2 > OPTION_COLUMN) {
        fprintf(f, "\n%*s", OPTION_COLUMN, "");
    } else {
        fprintf(f, "%*s", (int)(OPTION_COLUMN - col), "");
    }
    print_wrapped(f, o->help, OPTION_COLUMN, OPTION_COLUMN);
}

void vt_cli_print_help(const char *prog, const vt_cli_help_t *h, FILE *f)
{
    (void)prog;
    for (size_t i = 0; i < 4 && h->usage[i]; i++)
        fprintf(f, "%s %s\n", i == 0 ? "Usage:" : "      ", h->usage[i]);
    fputc('\n', f);
    print_paragraphs(f, h->description);
    for (const vt_cli_option_t *o = h->options; o && (o->name || o->help); o++) {
        if (o->name == NULL) {
            fputc('\n', f);
            print_wrapped(f, o->help, 0, 0);
            continue;
        }
        print_option(f, o);
    }
    if (h->epilogue) {
        fputc('\n', f);
        print_paragraphs(f, h->epilogue);
    }
}

static void table_hint(const vt_cli_table_t *t)
{
    for (size_t i = 0; i < 3 && t->usage[i]; i++)
        fprintf(stderr, "%s %s\n", i == 0 ? "Usage:" : "      ", t->usage[i]);
    fprintf(stderr, "Try '%s --help' for more information.\n", t->prog);
}

static const vt_cli_command_t *find_command(const vt_cli_table_t *t, const char *name)
{
    for (const vt_cli_command_t *c = t->commands; c->name; c++)
        if (strcmp(c->name, name) == 0) return c;
    return NULL;
}

int vt_cli_dispatch(const vt_cli_table_t *t, int argc, char **argv)
{
    char q[VT_CLI_QUOTED_LEN];

    if (argc < 2) {
        vt_cli_error(t->prog, "missing command");
        table_hint(t);
        return VT_CLI_EXIT_USAGE;
    }
    if (is_help_word(argv[1])) {
        /* "help <command>" is "<command> --help", as in git and wg. */
        if (strcmp(argv[1], "help") == 0 && argc > 2) {
            const vt_cli_command_t *c = find_command(t, argv[2]);
            if (c == NULL) {
                vt_cli_error(t->prog, "unknown command %s", vt_cli_quote_arg(argv[2], q));
                table_hint(t);
                return VT_CLI_EXIT_USAGE;
            }
            /* "help noun verb" becomes "noun help verb", down to the leaf's --help. */
            char help_word[] = "help";
            char help_opt[] = "--help";
            char *sub[8] = {argv[2], argc > 3 ? help_word : help_opt};
            int n = 2;
            for (int i = 3; i < argc && n < 7; i++) sub[n++] = argv[i];
            sub[n] = NULL;
            return c->run(n, sub);
        }
        vt_cli_print_table_help(t, stdout);
        return VT_CLI_EXIT_OK;
    }
    const vt_cli_command_t *c = find_command(t, argv[1]);
    if (c == NULL) {
        if (argv[1][0] == '-')
            vt_cli_error(t->prog, "unknown option %s", vt_cli_quote_arg(argv[1], q));
        else
            vt_cli_error(t->prog, "unknown command %s", vt_cli_quote_arg(argv[1], q));
        table_hint(t);
        return VT_CLI_EXIT_USAGE;
    }
    return c->run(argc - 1, argv + 1);
}

/* ---- getopt_long ---------------------------------------------------------------- */

void vt_cli_getopt_tables(const vt_cli_help_t *h, struct option *longopts, char *shortopts,
                          size_t shortopts_cap)
{
    size_t n = 0;
    size_t s = 0;
    bool has_help = false;

    /* A leading ':' makes getopt_long return ':' for a missing argument, '?' otherwise. */
    shortopts[s++] = ':';
    for (const vt_cli_option_t *o = h->options; o && (o->name || o->help); o++) {
        if (o->name == NULL || n >= VT_CLI_MAX_OPTIONS) continue;
        longopts[n++] =
            (struct option){o->name, o->arg ? required_argument : no_argument, NULL, o->val};
        if (strcmp(o->name, "help") == 0) has_help = true;
        if (o->val > 0 && o->val < 128 && isalpha(o->val) && s + 3 < shortopts_cap) {
            shortopts[s++] = (char)o->val;
            if (o->arg) shortopts[s++] = ':';
        }
    }
    if (!has_help) {
        longopts[n++] = (struct option){"help", no_argument, NULL, 'h'};
        if (s + 2 < shortopts_cap) shortopts[s++] = 'h';
    }
    longopts[n] = (struct option){NULL, 0, NULL, 0};
    shortopts[s] = '\0';
}

static void verb_hint(const char *prog, const vt_cli_help_t *h)
{
    for (size_t i = 0; i < 4 && h->usage[i]; i++)
        fprintf(stderr, "%s %s\n", i == 0 ? "Usage:" : "      ", h->usage[i]);
    fprintf(stderr, "Try '%s --help' for more information.\n", prog);
}

int vt_cli_usage_error(const char *prog, const vt_cli_help_t *h, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    vt_cli_error(prog, "%s", msg);
    verb_hint(prog, h);
    return VT_CLI_EXIT_USAGE;
}

/* The option (as written, without "=value") that getopt_long just complained about. */
static void failed_option(char **argv, int c, char *out, size_t cap)
{
    const char *arg = optind > 0 ? argv[optind - 1] : NULL;
    if (arg && strncmp(arg, "--", 2) == 0) {
        size_t n = strcspn(arg, "=");
        snprintf(out, cap, "%.*s", (int)(n < 200 ? n : 200), arg);
    } else if (optopt > 0 && optopt < 128 && isprint(optopt)) {
        snprintf(out, cap, "-%c", optopt);
    } else {
        snprintf(out, cap, "%s", arg ? arg : "?");
    }
    (void)c;
}

int vt_cli_getopt_error(const char *prog, const vt_cli_help_t *h, int c, char **argv)
{
    char opt[256];
    char q[VT_CLI_QUOTED_LEN];
    failed_option(argv, c, opt, sizeof(opt));
    vt_cli_quote_arg(opt, q);
    if (c == ':') return vt_cli_usage_error(prog, h, "option %s needs an argument", q);

    /* '?' covers unknown, ambiguous, and "--flag=value" for a flag. */
    if (strncmp(opt, "--", 2) == 0) {
        const char *name = opt + 2;
        size_t len = strlen(name);
        size_t matches = 0;
        const vt_cli_option_t *exact = NULL;
        for (const vt_cli_option_t *o = h->options; o && (o->name || o->help); o++) {
            if (o->name == NULL || strncmp(o->name, name, len) != 0) continue;
            matches++;
            if (strlen(o->name) == len) exact = o;
        }
        const char *raw = argv[optind - 1];
        bool has_value = strchr(raw, '=') != NULL;
        if ((exact || matches == 1) && has_value)
            return vt_cli_usage_error(prog, h, "option %s takes no argument", q);
        if (!exact && matches > 1 && len > 0)
            return vt_cli_usage_error(prog, h, "ambiguous option %s", q);
    }
    return vt_cli_usage_error(prog, h, "unknown option %s", q);
}
