/* SPDX-License-Identifier: Apache-2.0 */
/*
 * evhttp setup for veritee-pccs: size and time limits, the TLS wrapper for every
 * accepted connection, the listening socket. The routes are in routes.c.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/listener.h>

#include "common/error.h"
#include "server.h"

/* Seconds new connections wait after accept() failed for lack of descriptors. */
#define ACCEPT_PAUSE_S 1

struct vt_server {
    struct evhttp *http; /* owned */
    vt_server_config_t cfg;
};

static void on_resume(evutil_socket_t fd, short events, void *arg)
{
    (void)fd;
    (void)events;
    evconnlistener_enable(arg);
}

/*
 * accept() failed with something other than "try again", typically EMFILE. The socket
 * stays readable, so without this the loop would spin; stop accepting for a moment
 * instead and let open connections finish or time out. (arg is evhttp's, unused.)
 */
static void on_accept_error(struct evconnlistener *l, void *arg)
{
    struct timeval tv = {.tv_sec = ACCEPT_PAUSE_S};
    int err = EVUTIL_SOCKET_ERROR();

    (void)arg;
    fprintf(stderr, "veritee-pccs: accept: %s; pausing new connections for %d s\n",
            evutil_socket_error_to_string(err), ACCEPT_PAUSE_S);
    evconnlistener_disable(l);
    if (event_base_once(evconnlistener_get_base(l), -1, EV_TIMEOUT, on_resume, l, &tv) != 0)
        evconnlistener_enable(l);
}

/*
 * Wraps each accepted connection in TLS. evhttp falls back to a plain socket when this
 * returns NULL, so a failure here must not return NULL: a TLS service never answers in
 * clear text. SSL_new fails only when memory is exhausted; we stop the process then.
 */
static struct bufferevent *make_tls_bev(struct event_base *base, void *arg)
{
    vt_server_t *s = arg;
    SSL *ssl = SSL_new(s->cfg.ssl_ctx);
    struct bufferevent *bev = NULL;

    if (ssl != NULL)
        bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                             BEV_OPT_CLOSE_ON_FREE);
    if (bev == NULL) {
        fprintf(stderr, "veritee-pccs: out of memory creating a TLS session\n");
        abort();
    }
    /* A client that hangs up without close_notify is normal for HTTP/1.1. */
    bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
    return bev;
}

static int bound_port_of(struct evhttp_bound_socket *h, uint16_t *port)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    evutil_socket_t fd = evhttp_bound_socket_get_fd(h);

    VT_ENSURE(getsockname(fd, (struct sockaddr *)&ss, &len) == 0, VT_E_IO,
              "server: getsockname failed");
    if (ss.ss_family == AF_INET)
        *port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    else if (ss.ss_family == AF_INET6)
        *port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    else
        VT_BAIL(VT_E_IO, "server: unexpected address family %d", (int)ss.ss_family);
    return 0;
}

int vt_server_new(struct event_base *base, const vt_server_config_t *cfg, const char *host,
                  uint16_t port, vt_server_t **out, uint16_t *bound_port)
{
    int rc = VT_E_INTERNAL;
    vt_server_t *s = NULL;

    VT_TRY_ALLOC(s, calloc(1, sizeof(*s)), "server");
    s->cfg = *cfg;
    VT_TRY_ALLOC(s->http, evhttp_new(base), "evhttp");
    evhttp_set_max_headers_size(s->http, VT_SERVER_MAX_HEADERS_SIZE);
    evhttp_set_max_body_size(s->http, VT_SERVER_MAX_BODY_SIZE);
    evhttp_set_timeout(s->http, VT_SERVER_TIMEOUT_S);
    /* Every method reaches the handler, so it can answer 405 rather than evhttp's 501. */
    evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                                            EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                                            EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
                                            EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
    evhttp_set_default_content_type(s->http, "text/plain");
    evhttp_set_gencb(s->http, vt_server_handle_request, &s->cfg);
    if (cfg->ssl_ctx != NULL) evhttp_set_bevcb(s->http, make_tls_bev, s);
    struct evhttp_bound_socket *h = evhttp_bind_socket_with_handle(s->http, host, port);
    VT_TRY_ENSURE(h != NULL, VT_E_IO, "server: cannot listen on %s:%u", host, (unsigned)port);
    VT_TRY(bound_port_of(h, bound_port));
    evconnlistener_set_error_cb(evhttp_bound_socket_get_listener(h), on_accept_error);
    *out = s;
    s = NULL;
    rc = 0;
out:
    vt_server_free(s);
    return rc;
}

void vt_server_free(vt_server_t *s)
{
    if (s == NULL) return;
    if (s->http != NULL) evhttp_free(s->http);
    free(s);
}
