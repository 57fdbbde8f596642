/* SPDX-License-Identifier: Apache-2.0 */
/* The TLS server context of veritee-pccs. */
#ifndef VT_PCCS_TLS_H
#define VT_PCCS_TLS_H

#include <openssl/ssl.h>

#include <veritee/common.h>

/*
 * A server SSL_CTX accepting TLS 1.2 and 1.3 only, with the certificate chain from
 * cert_file (PEM, leaf first) and the matching private key from key_file. On success the
 * caller owns *out (SSL_CTX_free).
 */
VT_MUST_CHECK int vt_tls_server_new(const char *cert_file, const char *key_file, SSL_CTX **out);

#endif
