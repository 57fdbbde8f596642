/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The servers list of a secret provisioning client (include/veritee/secretprov.h):
 * Gramine's SECRET_PROVISION_SERVERS syntax (gramine-compat.md §7), plus bracketed IPv6
 * literals. Pure: the text is only read.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include <veritee/secretprov.h>

#define SEPARATORS ",; "
/* Quoting a bad token in an error detail: at most this many bytes of it. */
#define QUOTE_MAX 64

static bool is_host_byte(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '.' || ch == '-' || ch == '_';
}

static bool is_service_byte(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '-';
}

static int port_parse(const char *tok, int tok_len, const char *p, size_t n, char *out)
{
    VT_ENSURE(n >= 1 && n <= VT_SECRETPROV_PORT_MAX, VT_E_INVALID_ARG,
              "secretprov servers: '%.*s': port of %zu bytes", tok_len, tok, n);
    bool is_number = true;
    for (size_t i = 0; i < n; i++) {
        VT_ENSURE(is_service_byte(p[i]), VT_E_INVALID_ARG,
                  "secretprov servers: '%.*s': bad character in the port", tok_len, tok);
        if (p[i] < '0' || p[i] > '9') is_number = false;
    }
    if (is_number) {
        unsigned long v = 0;
        for (size_t i = 0; i < n && v <= 65535; i++) v = v * 10 + (unsigned long)(p[i] - '0');
        VT_ENSURE(v >= 1 && v <= 65535, VT_E_INVALID_ARG,
                  "secretprov servers: '%.*s': port out of 1..65535", tok_len, tok);
    }
    memcpy(out, p, n); /* vt-lint: allow (n checked against the field size) */
    out[n] = '\0';
    return 0;
}

/* Parses one non-empty token. *has_port is false for a token Gramine would skip. */
static int token_parse(const char *tok, size_t len, vt_secretprov_server_t *out, bool *has_port)
{
    int ql = len > QUOTE_MAX ? QUOTE_MAX : (int)len;
    const char *host = tok, *rest;
    size_t host_len;
    bool is_v6 = false;

    if (tok[0] == '[') {
        const char *close = memchr(tok, ']', len);
        VT_ENSURE(close != NULL, VT_E_INVALID_ARG, "secretprov servers: '%.*s': '[' without ']'",
                  ql, tok);
        host = tok + 1;
        host_len = (size_t)(close - host);
        rest = close + 1;
        is_v6 = true;
        VT_ENSURE(rest == tok + len || *rest == ':', VT_E_INVALID_ARG,
                  "secretprov servers: '%.*s': expected ':' after ']'", ql, tok);
    } else {
        const char *colon = memchr(tok, ':', len);
        host_len = colon ? (size_t)(colon - tok) : len;
        rest = tok + host_len;
        VT_ENSURE(!colon || !memchr(colon + 1, ':', len - host_len - 1), VT_E_INVALID_ARG,
                  "secretprov servers: '%.*s': more than one ':' (write an IPv6 address in "
                  "brackets: [addr]:port)",
                  ql, tok);
    }
    VT_ENSURE(host_len >= 1 && host_len <= VT_SECRETPROV_HOST_MAX, VT_E_INVALID_ARG,
              "secretprov servers: '%.*s': host of %zu bytes", ql, tok, host_len);
    if (is_v6) {
        char text[VT_SECRETPROV_HOST_MAX + 1];
        struct in6_addr a;
        memcpy(text, host, host_len); /* vt-lint: allow (host_len checked above) */
        text[host_len] = '\0';
        VT_ENSURE(inet_pton(AF_INET6, text, &a) == 1, VT_E_INVALID_ARG,
                  "secretprov servers: '%.*s': not an IPv6 address in brackets", ql, tok);
    } else {
        for (size_t i = 0; i < host_len; i++)
            VT_ENSURE(is_host_byte(host[i]), VT_E_INVALID_ARG,
                      "secretprov servers: '%.*s': bad character in the host", ql, tok);
    }
    if (rest == tok + len) { /* no port: Gramine skips the token */
        *has_port = false;
        return 0;
    }
    size_t port_len = (size_t)(tok + len - rest - 1);
    VT_GUARD(port_parse(tok, ql, rest + 1, port_len, out->port));
    memcpy(out->host, host, host_len); /* vt-lint: allow (host_len checked above) */
    out->host[host_len] = '\0';
    out->is_ipv6_literal = is_v6;
    *has_port = true;
    return 0;
}

int vt_secretprov_servers_parse(const char *list, vt_secretprov_server_t **out, size_t *count)
{
    int rc = VT_E_INTERNAL;
    vt_secretprov_server_t *items = NULL;
    size_t n = 0;

    VT_TRY_ALLOC(items, calloc(VT_SECRETPROV_SERVERS_MAX, sizeof(*items)), "servers list");
    for (const char *p = list; *p != '\0';) {
        size_t skip = strspn(p, SEPARATORS);
        p += skip;
        size_t len = strcspn(p, SEPARATORS);
        if (len == 0) continue;
        VT_TRY_ENSURE(n < VT_SECRETPROV_SERVERS_MAX, VT_E_INVALID_ARG,
                      "secretprov servers: more than %d servers", VT_SECRETPROV_SERVERS_MAX);
        bool has_port = false;
        VT_TRY(token_parse(p, len, &items[n], &has_port));
        if (has_port) n++;
        p += len;
    }
    VT_TRY_ENSURE(n > 0, VT_E_INVALID_ARG,
                  "secretprov servers: no server with a port in '%.*s' (expected host:port)",
                  QUOTE_MAX, list);
    *out = items;
    *count = n;
    items = NULL;
    rc = 0;
out:
    free(items);
    return rc;
}
