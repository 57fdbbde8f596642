/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Intel PCS / PCCS API v4 routes served by veritee-pccs (dcap.md §4.1), answered
 * from the bundle index. Issuer chains go in the response headers Intel uses, URL-encoded
 * PEM. Requests are untrusted: the path is matched exactly, query values are checked
 * before use, and the reply never echoes request bytes. One log line per request.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>

#include "common/error.h"
#include "server.h"

#define LOG_URI_MAX 256

typedef struct {
    int status;
    const char *reason;       /* short text body for errors */
    const char *content_type; /* for 200 */
    const vt_blob_t *body;    /* for 200; borrowed from the index */
    const char *chain_header; /* NULL: none */
    const vt_blob_t *chain;   /* borrowed; header omitted when empty */
} reply_t;

static reply_t error_reply(int status, const char *reason)
{
    return (reply_t){.status = status, .reason = reason};
}

static reply_t ok_reply(const char *type, const vt_blob_t *body, const char *header,
                        const vt_blob_t *chain)
{
    if (body == NULL || body->data == NULL) return error_reply(404, "not found\n");
    return (reply_t){
        .status = 200, .content_type = type, .body = body, .chain_header = header, .chain = chain};
}

/* §4.1: /{sgx,tdx}/certification/v4/tcb?fmspc=<12 hex>; case-insensitive on the bytes. */
static reply_t route_tcb(const vt_bundle_index_t *idx, vt_tee_t tee, const struct evkeyvalq *q)
{
    uint8_t fmspc[VT_FMSPC_LEN];
    const char *hex = evhttp_find_header(q, "fmspc");
    const char *update = evhttp_find_header(q, "update");

    if (hex == NULL || vt_hex_decode(hex, strlen(hex), fmspc, sizeof(fmspc)) < 0) {
        vt_error_clear();
        return error_reply(400, "fmspc must be 12 hex digits\n");
    }
    if (update != NULL && strcmp(update, "standard") != 0 && strcmp(update, "early") != 0)
        return error_reply(400, "update must be standard or early\n");
    const vt_tcb_entry_t *e = vt_bundle_index_get_tcb(idx, tee, fmspc);
    if (e == NULL) return error_reply(404, "no TCB info for this fmspc\n");
    return ok_reply("application/json", &e->json, "TCB-Info-Issuer-Chain", &e->chain);
}

static reply_t route_qe(const vt_bundle_index_t *idx, int slot, const struct evkeyvalq *q)
{
    (void)q;
    return ok_reply("application/json", &idx->qe[slot], "SGX-Enclave-Identity-Issuer-Chain",
                    &idx->qe_chain[slot]);
}

/* ?ca=processor|platform (case-insensitive) [&encoding=pem|der]; PEM is Intel's default. */
static reply_t route_pckcrl(const vt_bundle_index_t *idx, int unused, const struct evkeyvalq *q)
{
    const char *ca = evhttp_find_header(q, "ca");
    const char *enc = evhttp_find_header(q, "encoding");
    int slot = -1;

    (void)unused;
    for (int i = 0; i < VT_CA_COUNT && ca != NULL; i++)
        if (strcasecmp(ca, vt_bundle_index_ca_name(i)) == 0) slot = i;
    if (slot < 0) return error_reply(400, "ca must be processor or platform\n");
    if (enc != NULL && strcasecmp(enc, "der") != 0 && strcasecmp(enc, "pem") != 0)
        return error_reply(400, "encoding must be pem or der\n");
    if (enc != NULL && strcasecmp(enc, "der") == 0)
        return ok_reply("application/pkix-crl", &idx->crl_der[slot], "SGX-PCK-CRL-Issuer-Chain",
                        &idx->crl_chain[slot]);
    return ok_reply("application/x-pem-file", &idx->crl_pem[slot], "SGX-PCK-CRL-Issuer-Chain",
                    &idx->crl_chain[slot]);
}

static reply_t route_rootcacrl(const vt_bundle_index_t *idx, int unused, const struct evkeyvalq *q)
{
    (void)unused;
    (void)q;
    return ok_reply("application/pkix-crl", &idx->root_crl, NULL, NULL);
}

typedef reply_t (*route_fn)(const vt_bundle_index_t *, int, const struct evkeyvalq *);

static reply_t route_tcb_any(const vt_bundle_index_t *idx, int tee, const struct evkeyvalq *q)
{
    return route_tcb(idx, (vt_tee_t)tee, q);
}

static const struct {
    const char *path;
    route_fn fn;
    int arg;
} routes[] = {
    {"/sgx/certification/v4/tcb", route_tcb_any, VT_TEE_SGX},
    {"/tdx/certification/v4/tcb", route_tcb_any, VT_TEE_TDX},
    {"/sgx/certification/v4/qe/identity", route_qe, VT_SLOT_SGX},
    {"/tdx/certification/v4/qe/identity", route_qe, VT_SLOT_TDX},
    {"/sgx/certification/v4/pckcrl", route_pckcrl, 0},
    {"/sgx/certification/v4/rootcacrl", route_rootcacrl, 0},
};

static reply_t dispatch(const vt_bundle_index_t *idx, struct evhttp_request *req)
{
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
    const char *query = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
    struct evkeyvalq q;
    reply_t r = error_reply(404, "not found\n");

    if (path == NULL) return error_reply(400, "bad request\n");
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (strcmp(path, routes[i].path) != 0) continue;
        if (evhttp_request_get_command(req) != EVHTTP_REQ_GET)
            return error_reply(405, "method not allowed\n");
        TAILQ_INIT(&q);
        /* evhttp decodes %00 into a C string, which would silently cut the value. */
        if (query != NULL && strstr(query, "%00") != NULL)
            return error_reply(400, "malformed query\n");
        if (query != NULL && evhttp_parse_query_str(query, &q) != 0) {
            evhttp_clear_headers(&q);
            return error_reply(400, "malformed query\n");
        }
        r = routes[i].fn(idx, routes[i].arg, &q);
        evhttp_clear_headers(&q);
        return r;
    }
    return r; /* an unknown path is 404 whatever the method */
}

static const char *method_name(enum evhttp_cmd_type m)
{
    switch (m) {
    case EVHTTP_REQ_GET:
        return "GET";
    case EVHTTP_REQ_POST:
        return "POST";
    case EVHTTP_REQ_HEAD:
        return "HEAD";
    case EVHTTP_REQ_PUT:
        return "PUT";
    case EVHTTP_REQ_DELETE:
        return "DELETE";
    case EVHTTP_REQ_OPTIONS:
        return "OPTIONS";
    case EVHTTP_REQ_TRACE:
        return "TRACE";
    case EVHTTP_REQ_CONNECT:
        return "CONNECT";
    case EVHTTP_REQ_PATCH:
        return "PATCH";
    }
    return "?";
}

/* "<peer> <METHOD> <uri> <status>", the URI cut and with control bytes replaced. */
static void log_request(struct evhttp_request *req, int status)
{
    char uri[LOG_URI_MAX];
    const char *raw = evhttp_request_get_uri(req);
    char *peer = NULL;
    ev_uint16_t peer_port = 0;
    size_t n = 0;

    for (; raw != NULL && raw[n] != '\0' && n < sizeof(uri) - 1; n++)
        uri[n] = isprint((unsigned char)raw[n]) ? raw[n] : '?';
    uri[n] = '\0';
    struct evhttp_connection *conn = evhttp_request_get_connection(req);
    if (conn != NULL) evhttp_connection_get_peer(conn, &peer, &peer_port);
    fprintf(stderr, "veritee-pccs: %s:%u %s %s%s %d\n", peer != NULL ? peer : "?",
            (unsigned)peer_port, method_name(evhttp_request_get_command(req)), uri,
            raw != NULL && raw[n] != '\0' ? "..." : "", status);
}

static void send_reply(struct evhttp_request *req, const reply_t *r)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    struct evbuffer *buf = evbuffer_new();
    int ok = buf != NULL;

    if (r->status == 200) {
        ok = ok && evhttp_add_header(h, "Content-Type", r->content_type) == 0;
        if (r->chain_header != NULL && r->chain != NULL && r->chain->data != NULL)
            ok = ok && evhttp_add_header(h, r->chain_header, (const char *)r->chain->data) == 0;
        /* The index outlives every request: hand evbuffer a reference, not a copy. */
        ok = ok && evbuffer_add_reference(buf, r->body->data, r->body->len, NULL, NULL) == 0;
    } else {
        ok = ok && evhttp_add_header(h, "Content-Type", "text/plain") == 0;
        if (r->status == 405) ok = ok && evhttp_add_header(h, "Allow", "GET") == 0;
        ok = ok && evbuffer_add(buf, r->reason, strlen(r->reason)) == 0;
    }
    if (ok)
        evhttp_send_reply(req, r->status, NULL, buf);
    else
        evhttp_send_error(req, 500, NULL);
    if (buf != NULL) evbuffer_free(buf);
}

void vt_server_handle_request(struct evhttp_request *req, void *arg)
{
    const vt_server_config_t *cfg = arg;
    reply_t r = dispatch(cfg->index, req);

    /* Log first: evhttp may free req inside send_reply when the peer has gone. */
    if (!cfg->is_quiet) log_request(req, r.status);
    send_reply(req, &r);
}
