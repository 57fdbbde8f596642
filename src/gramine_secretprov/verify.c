/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libsecret_prov_verify_dcap.so: Gramine's secret_provision_start_server
 * (gramine-compat.md §7, §8, §10) on Veritee's concurrent server core. Each client's
 * RA-TLS certificate is appraised in its own connection thread, in the TLS certificate
 * callback, exactly as libra_tls_verify_dcap.so does it (vt_gramine_verify: Veritee's
 * quote verifier from VERITEE_ROOT_CA / VERITEE_COLLATERAL / VERITEE_PCCS_URL, the
 * RA_TLS_ALLOW_* table, attributes, and m_cb or the RA_TLS_* measurements). Exported under
 * version SECRET_PROV (secret_prov_verify.map).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "common/error.h"
#include "gramine/gramine_internal.h"
#include "gramine_secretprov/sp_internal.h"
#include "secretprov/server.h"

#define EXPORT __attribute__((visibility("default")))
#define FN     "secret_provision_start_server"

typedef struct {
    const uint8_t *secret; /* borrowed from the caller, who never gets control back */
    size_t secret_size;
    verify_measurements_cb_t m_cb;
    secret_provision_cb_t f_cb;
    vt_ratls_verifier_t *rv; /* the process's shared verifier (gramine/verifier.c) */
} server_t;

/* The RA-TLS appraisal of a client, in the handshaking thread. */
static int verify_client(X509_STORE_CTX *xs, void *arg)
{
    server_t *srv = arg;
    SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
    vt_secretprov_session_t *s = ssl ? SSL_get_app_data(ssl) : NULL;
    const char *peer = s ? s->peer : "?";
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_untrusted(xs);
    X509 *leaf = X509_STORE_CTX_get0_cert(xs);
    unsigned char *der = NULL;
    struct ra_tls_verify_callback_results res = {0};

    /* Gramine expects one self-signed certificate (depth 0 only). */
    if (leaf == NULL || (chain != NULL && sk_X509_num(chain) > 1)) {
        fprintf(stderr,
                "ERROR: " FN ": client %s rejected: it sent a certificate chain, "
                "expected one RA-TLS certificate\n",
                peer);
        X509_STORE_CTX_set_error(xs, X509_V_ERR_APPLICATION_VERIFICATION);
        return 0;
    }
    int len = i2d_X509(leaf, &der);
    int ret = len > 0 ? vt_gramine_verify(srv->rv, srv->m_cb, der, (size_t)len, VT_TIME_NOW, &res)
                      : VT_MBEDTLS_ERR_X509_INVALID_FORMAT;
    OPENSSL_free(der);
    if (ret < 0) {
        fprintf(stderr,
                "ERROR: " FN ": client %s rejected: RA-TLS verification failed (-0x%04x, "
                "attestation_scheme %d, err_loc %d, func_verify_quote_result 0x%x, "
                "quote_verification_result 0x%x)\n",
                peer, -ret, res.attestation_scheme, res.err_loc, res.dcap.func_verify_quote_result,
                res.dcap.quote_verification_result);
        X509_STORE_CTX_set_error(xs, X509_V_ERR_APPLICATION_VERIFICATION);
        return 0;
    }
    X509_STORE_CTX_set_error(xs, X509_V_OK);
    return 1;
}

static void on_reject(void *ctx, vt_secretprov_session_t *s)
{
    (void)ctx;
    unsigned long e = ERR_peek_error();
    fprintf(stderr, "ERROR: " FN ": handshake with client %s failed: %s\n", s->peer,
            e ? ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "TLS error"
              : "connection closed or timed out");
}

static int serve(void *ctx, vt_secretprov_session_t *s)
{
    server_t *srv = ctx;
    vt_secretprov_request_t req;
    int rc = vt_secretprov_session_read_request(s, &req);
    if (rc < 0) {
        /* Gramine drops a bad request without close_notify. */
        fprintf(stderr, "ERROR: " FN ": client %s: %s\n", s->peer, vt_last_error());
        return rc;
    }
    if (req.kind == VT_SECRETPROV_REQ_NAMED) {
        /* This server holds one unnamed secret: a named request is refused. */
        fprintf(stderr,
                "ERROR: " FN ": client %s asked for the secret '%s'; this server "
                "has only the unnamed one\n",
                s->peer, req.name);
        return vt_secretprov_session_send_refusal(s, VT_SECRETPROV_REFUSED_DENIED);
    }
    vt_secretprov_session_set_timeout(s, 0); /* f_cb's exchange has no time limit, as in Gramine */
    rc = vt_secretprov_session_send_secret(s, srv->secret, srv->secret_size);
    if (rc < 0) {
        fprintf(stderr, "ERROR: " FN ": client %s: %s\n", s->peer, vt_last_error());
        return rc;
    }
    if (srv->f_cb != NULL) (void)srv->f_cb(s);
    return 0;
}

static int load_cert_and_key(SSL_CTX *ctx, const char *cert_path, const char *key_path)
{
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_path) != 1 &&
        SSL_CTX_use_certificate_file(ctx, cert_path, SSL_FILETYPE_ASN1) != 1)
        return vt_error_set_ossl(VT_E_IO, __FILE__, __LINE__, "cannot load the certificate %s",
                                 cert_path);
    if (SSL_CTX_use_PrivateKey_file(ctx, key_path, SSL_FILETYPE_PEM) != 1 &&
        SSL_CTX_use_PrivateKey_file(ctx, key_path, SSL_FILETYPE_ASN1) != 1)
        return vt_error_set_ossl(VT_E_IO, __FILE__, __LINE__, "cannot load the key %s", key_path);
    VT_GUARD_OSSL(SSL_CTX_check_private_key(ctx), VT_E_INVALID_ARG,
                  "the key %s does not match the certificate %s", key_path, cert_path);
    ERR_clear_error();
    return 0;
}

static int ctx_new(server_t *srv, const char *cert_path, const char *key_path, SSL_CTX **out)
{
    int rc = VT_E_INTERNAL;
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    VT_TRY_ENSURE(ctx != NULL, VT_E_CRYPTO, "SSL_CTX_new failed");
    VT_TRY_OSSL(SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION), VT_E_CRYPTO, "TLS 1.3");
    VT_TRY(load_cert_and_key(ctx, cert_path, key_path));
    /* Every connection is appraised afresh: no session resumption. */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    VT_TRY_OSSL(SSL_CTX_set_num_tickets(ctx, 0), VT_E_CRYPTO, "no tickets");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    SSL_CTX_set_cert_verify_callback(ctx, verify_client, srv);
    *out = ctx;
    ctx = NULL;
    rc = 0;
out:
    SSL_CTX_free(ctx);
    return rc;
}

EXPORT int secret_provision_start_server(uint8_t *secret, size_t secret_size, const char *port,
                                         const char *cert_path, const char *key_path,
                                         verify_measurements_cb_t m_cb, secret_provision_cb_t f_cb)
{
    server_t *srv = NULL; /* lives for the process: this function never returns on success */
    SSL_CTX *ctx = NULL;
    int fd = -1;

    if (secret == NULL || secret_size == 0 || secret_size > INT_MAX || cert_path == NULL ||
        key_path == NULL)
        return -EINVAL;
    srv = calloc(1, sizeof(*srv));
    if (srv == NULL) return -ENOMEM;
    *srv = (server_t){.secret = secret, .secret_size = secret_size, .m_cb = m_cb, .f_cb = f_cb};
    if (vt_gramine_verifier_get(&srv->rv) < 0 || ctx_new(srv, cert_path, key_path, &ctx) < 0 ||
        vt_secretprov_server_listen(port, &fd) < 0) {
        fprintf(stderr, "ERROR: " FN ": %s\n", vt_last_error());
        SSL_CTX_free(ctx);
        free(srv);
        return -EPERM;
    }
    fprintf(stderr, "INFO: " FN ": listening on port %s\n", port ? port : "4433");
    vt_secretprov_server_options_t o = {
        .ssl_ctx = ctx, .handler = serve, .on_reject = on_reject, .ctx = srv};
    int rc = vt_secretprov_server_run(&o, fd);
    fprintf(stderr, "ERROR: " FN ": %s\n", vt_last_error());
    close(fd);
    SSL_CTX_free(ctx);
    free(srv);
    return rc == VT_E_NOMEM ? -ENOMEM : -EPERM;
}
