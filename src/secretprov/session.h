/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A secret provisioning session: one TLS connection over a socket, as seen by the client
 * (inside the TEE) or by a server worker. The struct is Gramine's opaque
 * `struct ra_tls_ctx` (<gramine/secret_prov.h> hands it to applications), defined here.
 *
 * I/O functions return 0 or: VT_E_INVALID_ARG (NULL session, NULL buffer with a size,
 * size above INT_MAX), VT_E_NETWORK (the peer closed the session: close_notify, EOF or a
 * reset), VT_E_IO (any other TLS or socket failure, a timeout). They never return a
 * partial count. Writes never raise SIGPIPE (the socket BIO sends with MSG_NOSIGNAL).
 * Thread safety: one session is used by one thread at a time.
 */
#ifndef VT_SECRETPROV_SESSION_H
#define VT_SECRETPROV_SESSION_H

#include <openssl/ssl.h>
#include <stdbool.h>

#include <veritee/secretprov.h>

struct ra_tls_ctx {
    SSL *ssl;        /* owned */
    int fd;          /* owned; -1 once closed */
    uint8_t *secret; /* owned, wiped before free; NULL on a server session */
    size_t secret_size;
    bool is_server; /* a server worker's session: close only sends close_notify */
    char peer[300]; /* the peer: "host:port" (client) or "ip:port" (server), for log lines */
};
typedef struct ra_tls_ctx vt_secretprov_session_t;

/* Wraps fd (taken over) in a new SSL of ctx, through a MSG_NOSIGNAL socket BIO; the
   SSL's app data (SSL_get_app_data) is the session. */
VT_MUST_CHECK int vt_secretprov_session_new(SSL_CTX *ctx, int fd, bool is_server,
                                            vt_secretprov_session_t **out);

/* Wipes the secret, frees the SSL and closes the socket. Accepts NULL. No close_notify. */
void vt_secretprov_session_free(vt_secretprov_session_t *s);

/* Reads exactly size bytes / writes all size bytes. */
VT_MUST_CHECK int vt_secretprov_session_read(vt_secretprov_session_t *s, uint8_t *buf, size_t size);
VT_MUST_CHECK int vt_secretprov_session_write(vt_secretprov_session_t *s, const uint8_t *buf,
                                              size_t size);

/* Sends close_notify (does not wait for the peer's). */
VT_MUST_CHECK int vt_secretprov_session_shutdown(vt_secretprov_session_t *s);

/* Sets (seconds > 0) or clears (0) the socket's send and receive timeouts. */
void vt_secretprov_session_set_timeout(vt_secretprov_session_t *s, int seconds);

/*
 * Server side: reads one request (the 35-byte magic first, then a name if it is a named
 * request). VT_E_MALFORMED for anything else, after at most the bytes it needed.
 */
VT_MUST_CHECK int vt_secretprov_session_read_request(vt_secretprov_session_t *s,
                                                     vt_secretprov_request_t *out);

/* Server side: the 41-byte header, then the secret (two writes, as Gramine's server). */
VT_MUST_CHECK int vt_secretprov_session_send_secret(vt_secretprov_session_t *s,
                                                    const uint8_t *secret, size_t size);

/* Server side: a refusal header (answer to a named request only). */
VT_MUST_CHECK int vt_secretprov_session_send_refusal(vt_secretprov_session_t *s, uint32_t reason);

/*
 * Client side: sends the request (name NULL: Gramine's), reads the response and the
 * secret into s->secret. VT_E_POLICY if the server refused (reason in the detail);
 * VT_E_INVALID_ARG if s already holds a secret (one fetch per session); the response
 * codec's errors; the I/O errors above.
 */
VT_MUST_CHECK int vt_secretprov_session_fetch(vt_secretprov_session_t *s, const char *name);

#endif
