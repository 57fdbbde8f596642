/* SPDX-License-Identifier: Apache-2.0 */
/* Shrinking the client certificate a TLS session keeps (peer_slim.h). */
#include "peer_slim.h"

#include <limits.h>
#include <openssl/err.h>
#include <openssl/x509.h>

/* True if ssl's session, and so its peer certificate object, can be used by no other
   connection: not cached on the server, not sent out as a ticket, not a resumption. */
static bool session_is_private(SSL *ssl)
{
    return SSL_CTX_get_session_cache_mode(SSL_get_SSL_CTX(ssl)) == SSL_SESS_CACHE_OFF &&
           SSL_get_num_tickets(ssl) == 0 && !SSL_session_reused(ssl);
}

bool sd_peer_slim(SSL *ssl, const uint8_t *der, size_t len)
{
    /* The session owns the object; SSL_get0 gives it const only because callers are not
       meant to change it. Changing it is the point here (see peer_slim.h). */
    X509 *peer = (X509 *)SSL_get0_peer_certificate(ssl);
    const unsigned char *p = der;

    if (peer == NULL || len == 0 || len > LONG_MAX || !session_is_private(ssl)) return false;
    if (X509_up_ref(peer) != 1) return false;
    X509 *reused = peer;
    if (d2i_X509(&reused, &p, (long)len) == NULL) {
        ERR_clear_error(); /* the failed decode released our reference */
        return false;
    }
    X509_free(peer); /* our reference; the session's stays */
    return true;
}
