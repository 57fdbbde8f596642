/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RA-TLS over OpenSSL: an SSL_CTX that presents an RA-TLS certificate and appraises
 * the peer's through vt_ratls_verify_der instead of X.509 path building.
 *
 * Why a cert_verify_callback and not a verify_callback: an RA-TLS certificate is
 * self-signed by a key made a moment ago, so OpenSSL's chain building can only fail
 * (and a verify_callback overriding each error would have to know every X.509 error
 * that must not be overridden). The cert_verify_callback replaces chain building
 * altogether; the TLS CertificateVerify message still proves that the peer holds the
 * certificate's key, which is what binds the evidence to this connection.
 *
 * Session resumption is switched off when a verifier is set: a resumed TLS 1.3
 * session skips the certificate, so there would be no fresh appraisal and no result
 * to give the application. Repeat verification is made cheap by the RA-TLS cache
 * (vt_ratls_verifier_set_cache) instead.
 */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <veritee/ratls.h>

#include "common/error.h"

/* The SSL ex_data slot holding the peer's vt_ratls_result_t (owned by the SSL). */
static CRYPTO_ONCE result_index_once = CRYPTO_ONCE_STATIC_INIT;
static int result_index = -1;

static void result_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    (void)parent;
    (void)ad;
    (void)idx;
    (void)argl;
    (void)argp;
    vt_ratls_result_cleanup(ptr);
    free(ptr);
}

/*
 * SSL_dup copies ex_data pointers; the copy has not done a handshake, so it starts
 * without a result instead of sharing (and later double-freeing) the original's.
 */
static int result_dup(CRYPTO_EX_DATA *to, const CRYPTO_EX_DATA *from, void **from_d, int idx,
                      long argl, void *argp)
{
    (void)to;
    (void)from;
    (void)idx;
    (void)argl;
    (void)argp;
    *from_d = NULL;
    return 1;
}

static void result_index_init(void)
{
    result_index = SSL_get_ex_new_index(0, NULL, NULL, result_dup, result_free);
}

/* The ex_data index, or a negative value if it could not be allocated. */
static int get_result_index(void)
{
    bool is_ready = CRYPTO_THREAD_run_once(&result_index_once, result_index_init) == 1;
    return is_ready ? result_index : VT_E_CRYPTO;
}

/* The X.509 error (and with it the TLS alert) that a rejection is reported with. */
static int x509_error_of(int rc)
{
    if (rc == VT_E_REVOKED) return X509_V_ERR_CERT_REVOKED;
    if (vt_error_type(rc) == VT_ET_INTERNAL) return X509_V_ERR_UNSPECIFIED;
    return X509_V_ERR_CERT_REJECTED;
}

/* Records a rejection for both audiences: vt_last_error() and the OpenSSL queue. */
static int reject(X509_STORE_CTX *store, int rc)
{
    X509_STORE_CTX_set_error(store, x509_error_of(rc));
    ERR_raise_data(ERR_LIB_SSL, SSL_R_CERTIFICATE_VERIFY_FAILED, "ra-tls: %s (%s)",
                   vt_last_error()[0] ? vt_last_error() : vt_strerror(rc), vt_error_name(rc));
    return 0;
}

/* SSL_CTX_set_cert_verify_callback: 1 accepts the peer, 0 aborts the handshake. */
static int verify_peer(X509_STORE_CTX *store, void *arg)
{
    vt_ratls_verifier_t *rv = arg;
    SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
    X509 *leaf = X509_STORE_CTX_get0_cert(store);
    STACK_OF(X509) *sent = X509_STORE_CTX_get0_untrusted(store);
    vt_ratls_result_t *result = NULL;
    uint8_t *der = NULL;
    void *old = NULL;
    int index = get_result_index();
    int rc = VT_E_INTERNAL;
    int len;

    VT_TRY_ENSURE(ssl != NULL && index >= 0, VT_E_INTERNAL,
                  "ratls: certificate check outside a TLS handshake");
    VT_TRY_ENSURE(leaf != NULL, VT_E_NOT_FOUND, "ratls: the peer sent no certificate");
    /* Gramine's verifier refuses depth > 0 too: an RA-TLS peer sends one certificate. */
    VT_TRY_ENSURE(sent == NULL || sk_X509_num(sent) <= 1, VT_E_MALFORMED,
                  "ratls: the peer sent %d certificates, expected one self-signed RA-TLS "
                  "certificate",
                  sk_X509_num(sent));
    len = i2d_X509(leaf, &der);
    VT_TRY_ENSURE(len > 0, VT_E_CRYPTO, "ratls: cannot encode the peer certificate");
    VT_TRY_ALLOC(result, calloc(1, sizeof(*result)), "an RA-TLS result");
    rc = vt_ratls_verify_der(rv, der, (size_t)len, VT_TIME_NOW, result);
    if (rc < 0) goto out;
    /* Post-handshake authentication may verify again: the newest result replaces. */
    old = SSL_get_ex_data(ssl, index);
    VT_TRY_ENSURE(SSL_set_ex_data(ssl, index, result) == 1, VT_E_NOMEM,
                  "ratls: cannot attach the result to the connection");
    result = NULL;
    if (old != NULL) result_free(NULL, old, NULL, index, 0, NULL);
    X509_STORE_CTX_set_error(store, X509_V_OK);
    rc = 0;
out:
    OPENSSL_free(der);
    if (result != NULL) {
        vt_ratls_result_cleanup(result);
        free(result);
    }
    return rc < 0 ? reject(store, rc) : 1;
}

/* Installs our own key and certificate (ctx takes its own references). */
static int use_own(SSL_CTX *ctx, EVP_PKEY *key, X509 *cert)
{
    if (X509_check_private_key(cert, key) != 1) {
        ERR_clear_error();
        VT_BAIL(VT_E_INVALID_ARG, "ratls: the key does not match the RA-TLS certificate");
    }
    VT_GUARD_OSSL(SSL_CTX_use_certificate(ctx, cert), VT_E_CRYPTO,
                  "ratls: cannot use the RA-TLS certificate");
    VT_GUARD_OSSL(SSL_CTX_use_PrivateKey(ctx, key), VT_E_CRYPTO,
                  "ratls: cannot use the RA-TLS key");
    return 0;
}

int vt_ratls_ssl_ctx_configure(SSL_CTX *ctx, const vt_ratls_ssl_options_t *opts)
{
    int rc = VT_E_INTERNAL;
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;

    VT_TRY_ENSURE(opts->attester == NULL || (opts->key == NULL && opts->cert == NULL),
                  VT_E_INVALID_ARG, "ratls: give an attester or a key and certificate, not both");
    VT_TRY_ENSURE((opts->key == NULL) == (opts->cert == NULL), VT_E_INVALID_ARG,
                  "ratls: a key needs its certificate and a certificate its key");
    VT_TRY_ENSURE(get_result_index() >= 0, VT_E_CRYPTO,
                  "ratls: cannot allocate the SSL ex_data index");
    VT_TRY_OSSL(SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION), VT_E_CRYPTO,
                "ratls: cannot require TLS 1.3");
    if (opts->attester != NULL) {
        VT_TRY(vt_ratls_create(opts->attester, opts->create, &key, &cert));
        VT_TRY(use_own(ctx, key, cert));
    } else if (opts->key != NULL) {
        VT_TRY(use_own(ctx, opts->key, opts->cert));
    }
    if (opts->verifier != NULL) {
        /* Client: verify the server. Server: request, require and verify a client
           certificate (mutual RA-TLS); FAIL_IF_NO_PEER_CERT is ignored by clients. */
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
        SSL_CTX_set_cert_verify_callback(ctx, verify_peer, opts->verifier);
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
        VT_TRY_OSSL(SSL_CTX_set_num_tickets(ctx, 0), VT_E_CRYPTO,
                    "ratls: cannot switch off session tickets");
    }
    rc = 0;
out:
    EVP_PKEY_free(key);
    X509_free(cert);
    return rc;
}

const vt_ratls_result_t *vt_ratls_ssl_get_result(const SSL *ssl)
{
    int index = get_result_index();
    if (index < 0 || !SSL_is_init_finished(ssl)) return NULL;
    return SSL_get_ex_data(ssl, index);
}
