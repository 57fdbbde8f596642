/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One client connection of veritee-secretd, on its worker's thread:
 *
 *   HANDSHAKE  TLS 1.3 with the client's RA-TLS certificate verified inside it
 *              (runtime.c); bounded by the handshake timeout, counted from accept.
 *   REQUEST    waiting for a Gramine or named request (secretprov wire format); the
 *              whole request must arrive within the idle timeout, counted from the end
 *              of the handshake (a client dripping one byte at a time does not reset it).
 *   SENDING    the response is queued; the secret itself is referenced, not copied,
 *              in the output buffer. When it has all gone to the kernel, close_notify
 *              and close. A client that stops reading hits the write (idle) timeout.
 *
 * Every outcome writes one access-log line (log.h) and closes the connection: a
 * Gramine request that cannot be served is closed silently, as Gramine's server does;
 * a named request gets a refusal first.
 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <veritee/secretprov.h>

#include "common/error.h"
#include "log.h"
#include "peer_slim.h"
#include "worker.h"

/* Largest read per callback once the handshake is done. */
#define SD_READ_MAX 1024

typedef enum { ST_HANDSHAKE, ST_REQUEST, ST_SENDING } conn_state_t;

struct sd_conn {
    sd_conn_t *prev, *next;  /* the worker's list */
    sd_worker_t *w;          /* borrowed: the worker this connection lives on */
    sd_runtime_t *rt;        /* one reference, owned */
    struct bufferevent *bev; /* owned; owns the SSL and the socket */
    struct event *deadline;  /* owned: the handshake timeout, then the request's */
    conn_state_t state;
    char peer[SD_PEER_TEXT_MAX];
    char identity[SD_IDENTITY_TEXT_MAX];
    const char *request; /* "gramine", "named" or "-" (static) */
    char secret[VT_SECRETPROV_NAME_MAX + 1];
    const char *result; /* what the log line will say (static) */
    size_t bytes;
};

static void timeval_of(uint32_t ms, struct timeval *tv)
{
    tv->tv_sec = ms / 1000;
    tv->tv_usec = (suseconds_t)(ms % 1000) * 1000;
}

/* Writes the log line (if reason is NULL, result only) and frees everything. */
static void conn_end(sd_conn_t *c, const char *result, const char *reason)
{
    char q[200];
    sd_worker_t *w = c->w;

    if (reason != NULL) {
        size_t n = 0;
        for (const char *p = reason; *p != '\0' && n + 1 < sizeof(q); p++)
            q[n++] = (*p == '"' || (unsigned char)*p < 0x20) ? '\'' : *p;
        q[n] = '\0';
    }
    sd_access_log("peer=%s %s request=%s secret=%s result=%s bytes=%zu%s%s%s", c->peer,
                  c->identity[0] ? c->identity : "-", c->request, c->secret[0] ? c->secret : "-",
                  result, c->bytes, reason ? " reason=\"" : "", reason ? q : "",
                  reason ? "\"" : "");
    if (c->state == ST_HANDSHAKE && c->bev != NULL) {
        /* Nothing this thread saw for the connection may outlive it (its SSL's address
           could be reused by the next one). */
        char unused[SD_IDENTITY_TEXT_MAX];
        bool is_matched = false;
        (void)sd_runtime_take_seen(bufferevent_openssl_get_ssl(c->bev), unused, &is_matched);
    }
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        w->conns = c->next;
    if (c->next != NULL) c->next->prev = c->prev;
    if (c->deadline != NULL) event_free(c->deadline);
    if (c->bev != NULL) bufferevent_free(c->bev);
    sd_runtime_unref(c->rt);
    free(c);
    sd_worker_conn_done(w);
}

/* A clean end: close_notify, then close (the output buffer is empty). */
static void conn_finish(sd_conn_t *c)
{
    SSL *ssl = bufferevent_openssl_get_ssl(c->bev);
    if (ssl != NULL && SSL_shutdown(ssl) < 0) ERR_clear_error();
    conn_end(c, c->result, NULL);
}

/* The reason a handshake failed, from the OpenSSL error the bufferevent recorded. */
static void handshake_failed(sd_conn_t *c, short what)
{
    bool is_matched = false;
    unsigned long err = bufferevent_get_openssl_error(c->bev);
    const char *reason = NULL;

    SSL *ssl = bufferevent_openssl_get_ssl(c->bev);
    if (sd_runtime_take_seen(ssl, c->identity, &is_matched) && !is_matched) {
        conn_end(c, "denied", "no rule accepts this identity and TCB status");
        return;
    }
    if (err != 0 && ERR_GET_REASON(err) == SSL_R_CERTIFICATE_VERIFY_FAILED) {
        /* The RA-TLS check ran on this thread just now: its detail says why. */
        reason = vt_last_error()[0] ? vt_last_error() : "client certificate rejected";
    } else if (err != 0) {
        reason = ERR_reason_error_string(err);
    } else {
        reason = (what & BEV_EVENT_EOF) ? "client closed the connection" : "connection error";
    }
    conn_end(c, "handshake-failed", reason != NULL ? reason : "tls error");
    vt_error_clear();
    ERR_clear_error();
}

static void on_deadline(evutil_socket_t fd, short events, void *arg)
{
    sd_conn_t *c = arg;
    (void)fd;
    (void)events;
    conn_end(c, c->state == ST_HANDSHAKE ? "handshake-timeout" : "idle-timeout", NULL);
}

/* The response is queued: from now on only a stalled write ends the connection early
   (a client reading a large secret slowly but steadily is not idle). */
static void start_sending(sd_conn_t *c)
{
    struct timeval idle;
    timeval_of(c->rt->cfg->idle_timeout_ms, &idle);
    c->state = ST_SENDING;
    event_del(c->deadline);
    bufferevent_set_timeouts(c->bev, NULL, &idle);
}

static void refuse(sd_conn_t *c, bool is_named, const char *result)
{
    uint8_t hdr[VT_SECRETPROV_RESPONSE_HEADER_LEN];

    c->result = result;
    if (!is_named || vt_secretprov_refusal_serialize(VT_SECRETPROV_REFUSED_DENIED, hdr) < 0 ||
        bufferevent_write(c->bev, hdr, sizeof(hdr)) != 0) {
        conn_end(c, result, NULL); /* Gramine request: closed, nothing sent */
        return;
    }
    start_sending(c);
}

static void respond(sd_conn_t *c, const vt_secretprov_request_t *req)
{
    const vt_ratls_result_t *res = vt_ratls_ssl_get_result(bufferevent_openssl_get_ssl(c->bev));
    const sd_config_t *cfg = c->rt->cfg;
    bool is_named = req->kind == VT_SECRETPROV_REQ_NAMED;
    uint8_t hdr[VT_SECRETPROV_RESPONSE_HEADER_LEN];

    c->request = is_named ? "named" : "gramine";
    if (is_named) snprintf(c->secret, sizeof(c->secret), "%s", req->name);
    if (res == NULL) {
        refuse(c, is_named, "denied");
        return;
    }
    size_t i = sd_rules_secret_for(cfg, &res->quote, is_named ? req->name : NULL);
    if (i == SIZE_MAX) {
        refuse(c, is_named, "denied");
        return;
    }
    const sd_secret_t *s = &cfg->secrets[i];
    snprintf(c->secret, sizeof(c->secret), "%s", s->name);
    if (vt_secretprov_response_serialize((uint32_t)s->len, hdr) < 0 ||
        bufferevent_write(c->bev, hdr, sizeof(hdr)) != 0 ||
        evbuffer_add_reference(bufferevent_get_output(c->bev), s->value, s->len, NULL, NULL) != 0) {
        conn_end(c, "error", "cannot queue the response");
        return;
    }
    c->bytes = s->len;
    c->result = "ok";
    start_sending(c);
}

static void on_read(struct bufferevent *bev, void *arg)
{
    sd_conn_t *c = arg;
    struct evbuffer *in = bufferevent_get_input(bev);
    size_t len = evbuffer_get_length(in), want = 0;
    vt_secretprov_request_t req;

    if (c->state != ST_REQUEST) {
        /* Bytes after the request (application data) are not used: drop them. */
        evbuffer_drain(in, len);
        return;
    }
    if (len > VT_SECRETPROV_REQUEST_MAX) len = VT_SECRETPROV_REQUEST_MAX;
    const uint8_t *p = evbuffer_pullup(in, (ev_ssize_t)len);
    int rc = vt_secretprov_request_parse(p, len, &req, &want);
    if (rc == VT_E_TRUNCATED) return; /* wait for more (at most REQUEST_MAX) */
    if (rc < 0) {
        conn_end(c, "malformed-request", vt_last_error());
        return;
    }
    evbuffer_drain(in, evbuffer_get_length(in));
    respond(c, &req);
}

static void on_write(struct bufferevent *bev, void *arg)
{
    sd_conn_t *c = arg;
    if (c->state == ST_SENDING && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
        conn_finish(c);
}

static void handshake_done(sd_conn_t *c)
{
    struct timeval idle;
    bool is_matched = false;
    const vt_ratls_result_t *res = vt_ratls_ssl_get_result(bufferevent_openssl_get_ssl(c->bev));

    (void)sd_runtime_take_seen(bufferevent_openssl_get_ssl(c->bev), c->identity, &is_matched);
    if (res == NULL) {
        conn_end(c, "handshake-failed", "no verified RA-TLS result");
        return;
    }
    sd_identity_format(&res->quote, c->identity);
    (void)sd_peer_slim(bufferevent_openssl_get_ssl(c->bev), c->rt->slim_der, c->rt->slim_len);
    c->state = ST_REQUEST;
    /* One deadline for the whole request: a read timeout would restart with every byte. */
    timeval_of(c->rt->cfg->idle_timeout_ms, &idle);
    if (evtimer_add(c->deadline, &idle) != 0) {
        conn_end(c, "error", "cannot arm the request timeout");
        return;
    }
    /* A request is at most VT_SECRETPROV_REQUEST_MAX bytes: an idle connection then holds
       a small input buffer, not libevent's default 16 KiB read reservation. */
    bufferevent_set_max_single_read(c->bev, SD_READ_MAX);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    sd_conn_t *c = arg;
    (void)bev;

    if (what & BEV_EVENT_CONNECTED) {
        handshake_done(c);
        return;
    }
    if (c->state == ST_HANDSHAKE) {
        if (what & BEV_EVENT_TIMEOUT)
            conn_end(c, "handshake-timeout", NULL);
        else
            handshake_failed(c, what);
        return;
    }
    if (what & BEV_EVENT_TIMEOUT) {
        conn_end(c, c->state == ST_SENDING ? "write-timeout" : "idle-timeout", NULL);
        return;
    }
    conn_end(c, c->state == ST_SENDING ? "client-gone" : "closed-without-request", NULL);
}

void sd_conn_start(sd_worker_t *w, evutil_socket_t fd, const char *peer, sd_runtime_t *rt)
{
    sd_conn_t *c = calloc(1, sizeof(*c));
    SSL *ssl = NULL;
    struct timeval hs;

    if (c == NULL) goto fail;
    c->w = w;
    c->rt = rt;
    c->request = "-";
    c->result = "error";
    snprintf(c->peer, sizeof(c->peer), "%s", peer);
    c->next = w->conns;
    if (w->conns != NULL) w->conns->prev = c;
    w->conns = c;
    ssl = SSL_new(rt->ssl_ctx);
    if (ssl != NULL)
        c->bev = bufferevent_openssl_socket_new(w->base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                                BEV_OPT_CLOSE_ON_FREE);
    c->deadline = evtimer_new(w->base, on_deadline, c);
    if (c->bev == NULL || c->deadline == NULL) {
        if (c->bev == NULL) {
            SSL_free(ssl);
            close(fd);
        }
        conn_end(c, "error", "out of memory");
        return;
    }
    /* A client that sends close_notify is fine, one that just hangs up too. */
    bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
    bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
    timeval_of(rt->cfg->handshake_timeout_ms, &hs);
    if (evtimer_add(c->deadline, &hs) != 0) {
        conn_end(c, "error", "cannot arm the handshake timeout");
        return;
    }
    bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
    return;
fail:
    sd_log("out of memory: dropping the connection from %s", peer);
    close(fd);
    sd_runtime_unref(rt);
    sd_worker_conn_done(w);
}

void sd_conn_close_all(sd_worker_t *w)
{
    while (w->conns != NULL) conn_end(w->conns, "shutdown", "drain time over");
}
