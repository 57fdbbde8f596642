/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Memory of idle connections. OpenSSL keeps the client's certificate, parsed, in the
 * TLS session for as long as the connection lives, though nothing reads it after the
 * handshake (the daemon uses the verified RA-TLS result attached to the connection).
 * An RA-TLS certificate carries two quotes: about 10 KB of DER, about 19 KB once parsed
 * (the extension values and the cached tbsCertificate encoding), half of what an idle
 * connection costs. sd_peer_slim decodes a small placeholder certificate over the
 * retained one, in place.
 *
 * How: d2i_X509 into an existing X509 reuses the object (d2i_X509(3) documents it but
 * discourages it, kept for compatibility; its D2I_PRE hook drops the cached extension
 * data first), so the session's pointer stays valid and only the content shrinks. An
 * extra reference is held across the decode: if it fails, OpenSSL releases that reference
 * instead of the session's, and the connection keeps a valid (if partly cleared)
 * certificate object. No public OpenSSL call drops the retained certificate or its
 * cached encoding (bench/secretd: 10,000 idle connections take about 405 MiB without
 * this, 216 MiB with it).
 *
 * Only safe while the object is this connection's alone and this thread's: the RA-TLS
 * server context has no session cache and sends no tickets (vt_ratls_ssl_ctx_configure),
 * so no other connection, on another worker, can hold the same session. sd_peer_slim
 * checks this and leaves the certificate alone otherwise. After it, the "peer
 * certificate" of the connection is the placeholder: nothing may read it.
 */
#ifndef VT_SECRETD_PEER_SLIM_H
#define VT_SECRETD_PEER_SLIM_H

#include <openssl/ssl.h>
#include <veritee/common.h>

/* Replaces the content of ssl's retained peer certificate with the certificate in der
   (DER, len bytes). Call after the handshake, once the peer's result is attached.
   False, certificate untouched, if there was nothing to replace or the session could be
   shared (a session cache, tickets, a resumption); false too if the decode failed. */
bool sd_peer_slim(SSL *ssl, const uint8_t *der, size_t len);

#endif
