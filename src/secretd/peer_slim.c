/* SPDX-License-Identifier: Apache-2.0 */
/* Shrinking the client certificate a TLS session keeps (peer_slim.h). */
#include "peer_slim.h"

#include <openssl/err.h>
#include <openssl/x509.h>

bool sd_peer_slim(SSL *ssl, const uint8_t *der, size_t len)
{
    /* The session owns the object; SSL_get0 gives it const only because callers are not
       meant to change it. Changing it is the point here (see peer_slim.h). */
    X509 *peer = (X509 *)SSL_get0_peer_certificate(ssl);
    const unsigned char *p = der;

    if (peer == NULL || X509_up_ref(peer) != 1) return false;
    X509 *reused = peer;
    if (d2i_X509(&reused, &p, (long)len) == NULL) {
        ERR_clear_error(); /* the failed decode released our reference */
        return false;
    }
    X509_free(peer); /* our reference; the session's stays */
    return true;
}
