/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP(S) side of veritee-pccs: an evhttp server on one listening socket, every
 * connection wrapped in TLS (bufferevent_openssl) unless ssl_ctx is NULL.
 */
#ifndef VT_PCCS_SERVER_H
#define VT_PCCS_SERVER_H

#include <event2/event.h>
#include <event2/http.h>
#include <openssl/ssl.h>

#include "bundle_index.h"

/* Limits on what a client may send and how long it may take. */
#define VT_SERVER_MAX_HEADERS_SIZE (16 * 1024)
#define VT_SERVER_MAX_BODY_SIZE    1024
#define VT_SERVER_TIMEOUT_S        30

typedef struct vt_server vt_server_t;

typedef struct {
    const vt_bundle_index_t *index; /* borrowed; must outlive the server */
    SSL_CTX *ssl_ctx;               /* borrowed; NULL serves plain HTTP */
    bool is_quiet;                  /* no per-request log lines */
} vt_server_config_t;

/*
 * Creates the server on base and binds host:port (port 0 picks a free port). On success
 * the caller owns *out (vt_server_free) and *bound_port is the port actually bound.
 */
VT_MUST_CHECK int vt_server_new(struct event_base *base, const vt_server_config_t *cfg,
                                const char *host, uint16_t port, vt_server_t **out,
                                uint16_t *bound_port);

/* Closes the listener and every connection. Accepts NULL. */
void vt_server_free(vt_server_t *s);

/* routes.c: the request callback (arg is the vt_server_config_t). */
void vt_server_handle_request(struct evhttp_request *req, void *arg);

#endif
