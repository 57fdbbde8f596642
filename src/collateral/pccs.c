/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PCCS / Intel PCS v4 client (dcap.md §4.1) over libcurl. One handle serves the four
 * requests of a fetch, so they share a connection. Responses are untrusted until
 * vt_collateral_check has run; here we only bound their size while they arrive (a
 * hostile or broken service cannot make us buffer more than the caps), insist on
 * HTTP 200, and URL-decode the issuer chains that PCS sends in response headers.
 * Nothing is printed: every failure is reported through the error detail.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <veritee/collateral.h>

#include "common/cursor.h"
#include "common/error.h"

/* URL encoding at most triples a PEM chain, but libcurl itself refuses header lines over
 * 100 KB (CURL_MAX_HTTP_HEADER), so the raw cap sits below that; the decoded chain is
 * then held to VT_COLLATERAL_PEM_MAX like a chain read from a file. */
#define HEADER_RAW_MAX     (96 * 1024)
#define URL_MAX            2048
#define DEFAULT_TIMEOUT_MS 10000L
#define HEADER_NAMES       2 /* a header's current name and its API v3 spelling */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result = CURLE_FAILED_INIT;

/* curl_global_init is not thread-safe on every libcurl build; run it exactly once. It is
 * never undone: a library cannot know when the last user of libcurl in the process is gone. */
static void curl_init_once(void)
{
    curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

typedef struct {
    CURL *curl; /* owned */
    char errbuf[CURL_ERROR_SIZE];
    const vt_pccs_options_t *opts; /* borrowed */
    int base_len;                  /* base_url without trailing slashes */
} session_t;

typedef struct {
    CURL *curl; /* borrowed from the session */
    vt_writer_t body;
    size_t body_max;
    const char *const *names;      /* borrowed; HEADER_NAMES entries, NULL when unused */
    uint8_t *values[HEADER_NAMES]; /* owned; decoded header values */
    size_t value_lens[HEADER_NAMES];
    bool is_body_too_large;
    bool is_header_too_large;
    bool is_header_repeated;
    bool is_nomem;
} request_t;

static void request_reset_headers(request_t *r)
{
    for (size_t i = 0; i < HEADER_NAMES; i++) {
        free(r->values[i]);
        r->values[i] = NULL;
        r->value_lens[i] = 0;
    }
    r->is_header_repeated = false;
}

static void request_cleanup(request_t *r)
{
    request_reset_headers(r);
    vt_writer_cleanup(&r->body);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    request_t *r = ud;
    size_t n = size * nmemb; /* libcurl documents size as always 1 */

    if (n > r->body_max - r->body.len) {
        r->is_body_too_large = true;
        return 0; /* aborts the transfer */
    }
    if (vt_writer_bytes(&r->body, (const uint8_t *)data, n) < 0) {
        r->is_nomem = true;
        return 0;
    }
    return n;
}

static bool is_space(uint8_t b)
{
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
}

/* If the header line is "<name>: <value>", points *value at the trimmed value. */
static bool header_value(const uint8_t *line, size_t n, const char *name, const uint8_t **value,
                         size_t *vlen)
{
    vt_cursor_t c;
    const uint8_t *p;
    size_t nlen = strlen(name);

    vt_cursor_init(&c, line, n, "http header");
    if (vt_cursor_remaining(&c) <= nlen || vt_cursor_borrow(&c, nlen, &p) < 0) return false;
    if (strncasecmp((const char *)p, name, nlen) != 0) return false;
    if (vt_cursor_borrow(&c, 1, &p) < 0 || p[0] != ':') return false;
    size_t len = vt_cursor_remaining(&c);
    if (vt_cursor_borrow(&c, len, &p) < 0) return false;
    while (len > 0 && is_space(p[0])) {
        p++;
        len--;
    }
    while (len > 0 && is_space(p[len - 1])) len--;
    *value = p;
    *vlen = len;
    return true;
}

/* Stores the URL-decoded value; false on failure (the transfer is then aborted). */
static bool store_header(request_t *r, size_t slot, const uint8_t *value, size_t vlen)
{
    int out_len = 0;
    vt_cursor_t c;

    if (r->values[slot] != NULL) {
        r->is_header_repeated = true;
        return false;
    }
    if (vlen > HEADER_RAW_MAX) {
        r->is_header_too_large = true;
        return false;
    }
    char *decoded = curl_easy_unescape(r->curl, (const char *)value, (int)vlen, &out_len);
    if (decoded == NULL || out_len < 0) {
        r->is_nomem = true;
        curl_free(decoded);
        return false;
    }
    if ((size_t)out_len > VT_COLLATERAL_PEM_MAX) {
        r->is_header_too_large = true;
        curl_free(decoded);
        return false;
    }
    uint8_t *copy = malloc((size_t)out_len + 1);
    vt_cursor_init(&c, (const uint8_t *)decoded, (size_t)out_len, "http header");
    bool ok = copy != NULL && vt_cursor_read_bytes(&c, copy, (size_t)out_len) == 0;
    curl_free(decoded);
    if (!ok) {
        free(copy);
        r->is_nomem = true;
        return false;
    }
    copy[out_len] = '\0';
    r->values[slot] = copy;
    r->value_lens[slot] = (size_t)out_len;
    return true;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    request_t *r = ud;
    size_t n = size * nmemb;
    const uint8_t *value;
    size_t vlen;

    /* A status line starts a new response (e.g. after "100 Continue"): forget headers
     * from the previous one. */
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        request_reset_headers(r);
        return n;
    }
    for (size_t i = 0; i < HEADER_NAMES && r->names[i] != NULL; i++) {
        if (header_value((const uint8_t *)data, n, r->names[i], &value, &vlen))
            return store_header(r, i, value, vlen) ? n : 0;
    }
    return n;
}

/*
 * Error details quote request URLs, and details end up in logs: a URL carrying
 * credentials (user:password@host) would leak them, so such URLs are refused. PCS/PCCS
 * authenticate with headers, never with URL userinfo.
 */
static int reject_userinfo(const char *url)
{
    CURLU *u = curl_url();
    char *user = NULL;
    VT_ENSURE(u != NULL, VT_E_NOMEM, "pccs: out of memory");
    CURLUcode uc = curl_url_set(u, CURLUPART_URL, url, 0);
    bool has_user = uc == CURLUE_OK && curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK;
    curl_free(user);
    curl_url_cleanup(u);
    VT_ENSURE(uc == CURLUE_OK, VT_E_INVALID_ARG, "pccs: invalid url (%s)", curl_url_strerror(uc));
    VT_ENSURE(!has_user, VT_E_INVALID_ARG,
              "pccs: url carries credentials (user@host); they are not supported");
    return 0;
}

static int session_open(session_t *s, const vt_pccs_options_t *opts)
{
    VT_ENSURE(opts->base_url != NULL && opts->timeout_ms >= 0, VT_E_INVALID_ARG,
              "pccs: base_url missing or negative timeout");
    pthread_once(&curl_once, curl_init_once);
    VT_ENSURE(curl_init_result == CURLE_OK, VT_E_INTERNAL, "pccs: curl_global_init failed: %s",
              curl_easy_strerror(curl_init_result));
    size_t base_len = strlen(opts->base_url);
    while (base_len > 0 && opts->base_url[base_len - 1] == '/') base_len--;
    VT_ENSURE(base_len > 0 && base_len < URL_MAX, VT_E_INVALID_ARG, "pccs: invalid base_url");
    VT_GUARD(reject_userinfo(opts->base_url));
    if (opts->root_ca_crl_url != NULL) VT_GUARD(reject_userinfo(opts->root_ca_crl_url));
    *s = (session_t){.opts = opts, .base_len = (int)base_len};
    s->curl = curl_easy_init();
    VT_ENSURE(s->curl != NULL, VT_E_NOMEM, "pccs: curl_easy_init failed");
    long timeout = opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
    bool ok = curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, s->errbuf) == CURLE_OK &&
              curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
              curl_easy_setopt(s->curl, CURLOPT_TIMEOUT_MS, timeout) == CURLE_OK &&
              curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT_MS, timeout) == CURLE_OK &&
              curl_easy_setopt(s->curl, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
              curl_easy_setopt(s->curl, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
              curl_easy_setopt(s->curl, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
              curl_easy_setopt(s->curl, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
              curl_easy_setopt(s->curl, CURLOPT_USERAGENT, "veritee") == CURLE_OK &&
              curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK &&
              curl_easy_setopt(s->curl, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK &&
              (opts->ca_file == NULL ||
               curl_easy_setopt(s->curl, CURLOPT_CAINFO, opts->ca_file) == CURLE_OK);
    if (!ok) {
        curl_easy_cleanup(s->curl);
        s->curl = NULL;
        VT_BAIL(VT_E_INTERNAL, "pccs: cannot configure libcurl");
    }
    return 0;
}

/* Maps the outcome of a transfer to a code; url is for the detail. */
static int transfer_result(session_t *s, const request_t *r, CURLcode cc, const char *url)
{
    long status = 0;

    VT_ENSURE(!r->is_body_too_large && cc != CURLE_FILESIZE_EXCEEDED, VT_E_TOO_LARGE,
              "pccs: GET %s: response larger than %zu bytes", url, r->body_max);
    VT_ENSURE(!r->is_header_too_large, VT_E_TOO_LARGE,
              "pccs: GET %s: issuer chain header larger than %d bytes", url, VT_COLLATERAL_PEM_MAX);
    VT_ENSURE(!r->is_header_repeated, VT_E_MALFORMED, "pccs: GET %s: issuer chain header repeated",
              url);
    VT_ENSURE(!r->is_nomem, VT_E_NOMEM, "pccs: GET %s: out of memory", url);
    VT_ENSURE(cc == CURLE_OK, VT_E_NETWORK, "pccs: GET %s: %s", url,
              s->errbuf[0] != '\0' ? s->errbuf : curl_easy_strerror(cc));
    curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &status);
    VT_ENSURE(status == 200, VT_E_NETWORK, "pccs: GET %s: HTTP %ld", url, status);
    return 0;
}

/* Hands a growable writer's bytes over as a NUL-terminated heap buffer. */
static int take_body(vt_writer_t *w, uint8_t **out, size_t *len)
{
    size_t n = 0;
    VT_GUARD(vt_writer_u8(w, 0));
    uint8_t *buf = vt_writer_take(w, &n);
    *out = buf;
    *len = n - 1;
    return 0;
}

/*
 * GETs url. On success *body (capped at max) and, when names is not NULL, *chain (the
 * first of the names present; NULL if none and !is_chain_required) are owned by the
 * caller.
 */
static int http_get(session_t *s, const char *url, size_t max, const char *const *names,
                    bool is_chain_required, uint8_t **body, size_t *body_len, uint8_t **chain,
                    size_t *chain_len)
{
    static const char *const no_names[HEADER_NAMES] = {NULL, NULL};
    int rc = VT_E_INTERNAL;
    request_t r = {.curl = s->curl, .body_max = max, .names = names ? names : no_names};

    vt_writer_init_growable(&r.body);
    s->errbuf[0] = '\0';
    VT_TRY_ENSURE(curl_easy_setopt(s->curl, CURLOPT_URL, url) == CURLE_OK &&
                      curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, &r) == CURLE_OK &&
                      curl_easy_setopt(s->curl, CURLOPT_HEADERDATA, &r) == CURLE_OK &&
                      curl_easy_setopt(s->curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max) ==
                          CURLE_OK,
                  VT_E_INTERNAL, "pccs: GET %s: cannot configure libcurl", url);
    CURLcode cc = curl_easy_perform(s->curl);
    VT_TRY(transfer_result(s, &r, cc, url));
    VT_TRY_ENSURE(r.body.len > 0, VT_E_MALFORMED, "pccs: GET %s: empty response", url);
    size_t slot = r.values[0] != NULL ? 0 : 1;
    VT_TRY_ENSURE(names == NULL || !is_chain_required || r.values[slot] != NULL, VT_E_MALFORMED,
                  "pccs: GET %s: response lacks the %s header", url, names ? names[0] : "");
    VT_TRY(take_body(&r.body, body, body_len));
    if (names != NULL) {
        *chain = r.values[slot];
        *chain_len = r.value_lens[slot];
        r.values[slot] = NULL;
    }
    rc = 0;
out:
    request_cleanup(&r);
    return rc;
}

static int make_url(char url[URL_MAX], const char *fmt, ...) VT_PRINTF(2, 3);
static int make_url(char url[URL_MAX], const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(url, URL_MAX, fmt, ap);
    va_end(ap);
    VT_ENSURE(n > 0 && n < URL_MAX, VT_E_INVALID_ARG, "pccs: url longer than %d bytes", URL_MAX);
    return 0;
}

static const char *tee_path(vt_tee_t tee)
{
    return tee == VT_TEE_TDX ? "tdx" : "sgx";
}

/* dcap.md §4.1: TCB info, SGX or TDX route; v4 names the chain header TCB-Info-Issuer-Chain,
 * v3 SGX-TCB-Info-Issuer-Chain. */
static int get_tcb_info(session_t *s, vt_tee_t tee, const uint8_t fmspc[VT_FMSPC_LEN],
                        vt_collateral_t *c)
{
    static const char *const names[HEADER_NAMES] = {"TCB-Info-Issuer-Chain",
                                                    "SGX-TCB-Info-Issuer-Chain"};
    char url[URL_MAX];
    char hex[2 * VT_FMSPC_LEN + 1];

    vt_hex_encode(fmspc, VT_FMSPC_LEN, hex);
    /* PCS publishes FMSPCs in upper case; use its spelling. */
    for (size_t i = 0; hex[i] != '\0'; i++) hex[i] = (char)toupper((unsigned char)hex[i]);
    VT_GUARD(make_url(url, "%.*s/%s/certification/v4/tcb?fmspc=%s", s->base_len, s->opts->base_url,
                      tee_path(tee), hex));
    return http_get(s, url, VT_COLLATERAL_JSON_MAX, names, true, &c->tcb_info, &c->tcb_info_len,
                    &c->tcb_info_issuer_chain, &c->tcb_info_issuer_chain_len);
}

static int get_qe_identity(session_t *s, vt_tee_t tee, vt_collateral_t *c)
{
    static const char *const names[HEADER_NAMES] = {"SGX-Enclave-Identity-Issuer-Chain", NULL};
    char url[URL_MAX];

    VT_GUARD(make_url(url, "%.*s/%s/certification/v4/qe/identity", s->base_len, s->opts->base_url,
                      tee_path(tee)));
    return http_get(s, url, VT_COLLATERAL_JSON_MAX, names, true, &c->qe_identity,
                    &c->qe_identity_len, &c->qe_identity_issuer_chain,
                    &c->qe_identity_issuer_chain_len);
}

/* The PCK CRL lives under /sgx for TDX too; its chain header is optional for us because
 * the quote's PCK chain carries the CA (dcap.md §4.1). */
static int get_pck_crl(session_t *s, const char *pck_ca, vt_collateral_t *c)
{
    static const char *const names[HEADER_NAMES] = {"SGX-PCK-CRL-Issuer-Chain", NULL};
    char url[URL_MAX];

    VT_GUARD(make_url(url, "%.*s/sgx/certification/v4/pckcrl?ca=%s&encoding=der", s->base_len,
                      s->opts->base_url, pck_ca));
    return http_get(s, url, VT_COLLATERAL_CRL_MAX, names, false, &c->pck_crl, &c->pck_crl_len,
                    &c->pck_crl_issuer_chain, &c->pck_crl_issuer_chain_len);
}

static int get_root_ca_crl(session_t *s, vt_collateral_t *c)
{
    char url[URL_MAX];

    if (s->opts->root_ca_crl_url != NULL)
        VT_GUARD(make_url(url, "%s", s->opts->root_ca_crl_url));
    else
        VT_GUARD(
            make_url(url, "%.*s/sgx/certification/v4/rootcacrl", s->base_len, s->opts->base_url));
    return http_get(s, url, VT_COLLATERAL_CRL_MAX, NULL, false, &c->root_ca_crl,
                    &c->root_ca_crl_len, NULL, NULL);
}

int vt_collateral_fetch_pccs(const vt_pccs_options_t *opts, vt_tee_t tee,
                             const uint8_t fmspc[static VT_FMSPC_LEN], const char *pck_ca,
                             vt_collateral_t *out)
{
    int rc = VT_E_INTERNAL;
    session_t s = {0};
    vt_collateral_t c = {0};

    VT_ENSURE(tee == VT_TEE_SGX || tee == VT_TEE_TDX, VT_E_INVALID_ARG, "pccs: unknown tee %d",
              (int)tee);
    VT_ENSURE(strcmp(pck_ca, "platform") == 0 || strcmp(pck_ca, "processor") == 0, VT_E_INVALID_ARG,
              "pccs: pck_ca \"%.16s\", expected platform or processor", pck_ca);
    VT_TRY(session_open(&s, opts));
    VT_TRY(get_tcb_info(&s, tee, fmspc, &c));
    VT_TRY(get_qe_identity(&s, tee, &c));
    VT_TRY(get_pck_crl(&s, pck_ca, &c));
    VT_TRY(get_root_ca_crl(&s, &c));
    *out = c;
    c = (vt_collateral_t){0};
    rc = 0;
out:
    vt_collateral_cleanup(&c);
    curl_easy_cleanup(s.curl);
    return rc;
}
