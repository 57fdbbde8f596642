/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Gramine's secret provisioning API, declared for Veritee's drop-in libraries
 * libsecret_prov_attest.so (client, inside the TEE) and libsecret_prov_verify_dcap.so
 * (server) (docs/specs/gramine-compat.md §7-§10). A program written against Gramine's
 * <gramine/secret_prov.h> compiles against this header and links against Veritee's
 * libraries unchanged; the symbols carry the version node SECRET_PROV, as Gramine's do.
 * The wire protocol is Gramine's, byte for byte, so either side may be Gramine's.
 *
 * Differences from Gramine's libraries (the behaviour is otherwise the same):
 *   - the server is concurrent: every connection has its own thread, TLS handshakes and
 *     the RA-TLS appraisal of different clients run in parallel (Gramine serializes all
 *     handshakes under one lock), a client that stalls is dropped after 30 s without
 *     delaying anyone, and m_cb is per server (Gramine: a process-global setting);
 *   - the server's RA-TLS appraisal is libra_tls_verify_dcap.so's: Veritee's quote
 *     verifier configured by VERITEE_ROOT_CA, VERITEE_COLLATERAL / VERITEE_PCCS_URL, the
 *     RA_TLS_* variables or m_cb; every rejected client gets one "ERROR:
 *     secret_provision_start_server: client <addr> rejected: ..." line on stderr;
 *   - servers list: IPv6 literals in brackets ("[::1]:4433") are accepted; a token that
 *     cannot be a server (bad port, bad character) fails secret_provision_start with
 *     -EINVAL instead of a late connection error; each connection attempt times out after
 *     10 s; an IP-literal host is checked against the certificate's IP addresses (not its
 *     DNS names or CN) and not sent as SNI;
 *   - network errors of secret_provision_start are mbedTLS's numbers, as in Gramine:
 *     SECRET_PROVISION_ERR_UNKNOWN_HOST (-0x52) when no server name resolved,
 *     SECRET_PROVISION_ERR_CONNECT_FAILED (-0x44) when names resolved but no server
 *     accepted the connection;
 *   - the constructor's SECRET_PROVISION_SET_KEY writes <dir>/keys/<name> where dir is
 *     VERITEE_ATTESTATION_DIR if set (Veritee's attestfs for simulated enclaves), else
 *     /dev/attestation;
 *   - TLS is OpenSSL's TLS 1.3; the client's RA-TLS certificate comes from the gramine
 *     attester (the same directory rule), with RA_TLS_CERT_TIMESTAMP_* honoured.
 */
#ifndef GRAMINE_SECRET_PROV_H
#define GRAMINE_SECRET_PROV_H

#include <stddef.h>
#include <stdint.h>

#include <gramine/ra_tls.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Environment variables (gramine-compat.md §7, §9). */
#define SECRET_PROVISION_CONSTRUCTOR   "SECRET_PROVISION_CONSTRUCTOR"
#define SECRET_PROVISION_CA_CHAIN_PATH "SECRET_PROVISION_CA_CHAIN_PATH"
#define SECRET_PROVISION_SERVERS       "SECRET_PROVISION_SERVERS"
#define SECRET_PROVISION_SECRET_STRING "SECRET_PROVISION_SECRET_STRING"
#define SECRET_PROVISION_SET_KEY       "SECRET_PROVISION_SET_KEY"
/* Defined for applications; the libraries do not read it (as in Gramine). */
#define SECRET_PROVISION_LISTENING_PORT "SECRET_PROVISION_LISTENING_PORT"

#define DEFAULT_SERVERS "localhost:4433"

/* The wire protocol (§8): a 35-byte request (NUL included), a 37-byte response magic
   (NUL included) followed by the secret's size as a 4-byte big-endian integer. */
#define SECRET_PROVISION_REQUEST  "SECRET_PROVISION_RA_TLS_REQUEST_V1"
#define SECRET_PROVISION_RESPONSE "SECRET_PROVISION_RA_TLS_RESPONSE_V1:"

/* Network errors of secret_provision_start (mbedTLS's values, as Gramine returns them). */
#define SECRET_PROVISION_ERR_CONNECT_FAILED (-0x0044)
#define SECRET_PROVISION_ERR_UNKNOWN_HOST   (-0x0052)

struct ra_tls_ctx;
typedef int (*secret_provision_cb_t)(struct ra_tls_ctx *ctx);

/**
 * Sends all size bytes. 0; -EINVAL (ctx NULL, buf NULL with a size, size > INT_MAX);
 * -ECONNRESET (the peer closed the session); -EPERM (another TLS error).
 */
int secret_provision_write(struct ra_tls_ctx *ctx, const uint8_t *buf, size_t size);

/** Reads exactly size bytes; errors as secret_provision_write. */
int secret_provision_read(struct ra_tls_ctx *ctx, uint8_t *buf, size_t size);

/**
 * Client: wipes the secret, sends close_notify and frees ctx (always, even on error; do
 * not call twice). Server (inside f_cb): only sends close_notify. 0; -EINVAL (NULL);
 * -ECONNRESET / -EPERM from sending close_notify.
 */
int secret_provision_close(struct ra_tls_ctx *ctx);

/**
 * A malloc'd copy of the provisioned secret (the caller frees it). 0; -EINVAL (a NULL
 * argument, or no secret); -ENOMEM. Nothing is written on failure.
 */
int secret_provision_get(struct ra_tls_ctx *ctx, uint8_t **out_secret, size_t *out_secret_size);

/**
 * Connects to the first reachable server of in_servers (NULL: $SECRET_PROVISION_SERVERS,
 * else DEFAULT_SERVERS), verifies its certificate with the CA chain in in_ca_chain_path
 * (NULL: $SECRET_PROVISION_CA_CHAIN_PATH; required) and the server's host name, presents
 * a fresh RA-TLS certificate and receives the secret. On success *out_ctx is the open
 * session (read/write/get/close).
 * Returns 0; -EINVAL (out_ctx NULL, no CA chain path, a bad servers list, a protocol
 * error); -ENOMEM; SECRET_PROVISION_ERR_UNKNOWN_HOST / _CONNECT_FAILED; -EPERM (TLS,
 * certificate or attestation failure, or the server refused).
 */
int secret_provision_start(const char *in_servers, const char *in_ca_chain_path,
                           struct ra_tls_ctx **out_ctx);

/**
 * Serves secret (secret_size bytes, 1..INT_MAX) on port (NULL: "4433") to every client
 * whose RA-TLS certificate verifies, with the measurements checked by m_cb (NULL: the
 * RA_TLS_* environment variables). The server presents cert_path/key_path (PEM or DER,
 * no password). After sending the secret it calls f_cb (if not NULL) with the session,
 * then sends close_notify. Never returns on success.
 * Returns -EINVAL (NULL secret, cert_path or key_path, secret_size 0 or > INT_MAX);
 * -EPERM (the certificate, key, verifier or socket cannot be set up).
 */
int secret_provision_start_server(uint8_t *secret, size_t secret_size, const char *port,
                                  const char *cert_path, const char *key_path,
                                  verify_measurements_cb_t m_cb, secret_provision_cb_t f_cb);

#ifdef __cplusplus
}
#endif

#endif
