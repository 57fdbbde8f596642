/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The concurrent secret provisioning server core: an accept loop that gives each
 * connection its own detached thread, which runs the TLS handshake (with whatever peer
 * verification the caller's SSL_CTX does, e.g. RA-TLS appraisal in its verify callback)
 * and then the caller's handler. Nothing is serialized across connections: handshakes and
 * attestation checks of different clients run in parallel (unlike Gramine's server, which
 * holds one global lock over every handshake, gramine-compat.md §10).
 *
 * Limits: at most max_connections threads at once (the accept loop waits for one to
 * finish, so the kernel's backlog absorbs bursts); the handshake and the request must
 * finish within handshake_timeout_s, so a client that stalls holds one thread for that
 * long at most and never delays the others.
 */
#ifndef VT_SECRETPROV_SERVER_H
#define VT_SECRETPROV_SERVER_H

#include "secretprov/session.h"

#define VT_SECRETPROV_DEFAULT_PORT        "4433"
#define VT_SECRETPROV_MAX_CONNECTIONS     256
#define VT_SECRETPROV_HANDSHAKE_TIMEOUT_S 30

/*
 * Runs in the connection's thread after a successful handshake. The session is freed
 * after it returns; the handler must not free it. Returns 0 to end the session with
 * close_notify (unless the handler sent it already), negative to drop the connection
 * without it (Gramine's answer to a bad request).
 */
typedef int (*vt_secretprov_handler_fn)(void *ctx, vt_secretprov_session_t *s);

/* Runs in the connection's thread when the handshake fails (log the reason). */
typedef void (*vt_secretprov_reject_fn)(void *ctx, vt_secretprov_session_t *s);

typedef struct {
    SSL_CTX *ssl_ctx; /* borrowed: configured (certificate, key, peer verification) */
    vt_secretprov_handler_fn handler;
    vt_secretprov_reject_fn on_reject; /* may be NULL */
    void *ctx;
    size_t max_connections;  /* 0: VT_SECRETPROV_MAX_CONNECTIONS */
    int handshake_timeout_s; /* 0: VT_SECRETPROV_HANDSHAKE_TIMEOUT_S */
} vt_secretprov_server_options_t;

/**
 * Listens on port (NULL: "4433") on every interface: IPv6 and IPv4 on one dual-stack
 * socket where the host allows it, else IPv4 only.
 * @returns 0 and the listening socket in *fd; VT_E_INVALID_ARG (a bad port);
 *          VT_E_NETWORK (bind or listen failed, e.g. the port is in use).
 */
VT_MUST_CHECK int vt_secretprov_server_listen(const char *port, int *fd);

/**
 * Serves connections on the listening socket fd forever. Per-connection failures (accept,
 * memory, thread creation, handshake) drop that connection only. Ignores SIGPIPE for the
 * process (writes already avoid it; this also covers the caller's own sockets).
 * @returns only on a setup failure: VT_E_INVALID_ARG (no ssl_ctx or handler), VT_E_INTERNAL.
 */
VT_MUST_CHECK int vt_secretprov_server_run(const vt_secretprov_server_options_t *opts, int fd);

#endif
