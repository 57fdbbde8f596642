/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RA-TLS over OpenSSL (src/ratls/ssl_ctx.c): real TLS 1.3 handshakes between two
 * in-process peers over a socketpair, with certificates carrying simulated-platform
 * evidence. Mutual RA-TLS with the results on both sides; rejections (wrong MRENCLAVE
 * either way, revoked platform, plain certificate, RSA key, extra chain certificate,
 * no client certificate, TLS 1.2) with the alert, the verify result and the detail;
 * a one-sided configuration; the cache; argument checks.
 */
#define _GNU_SOURCE
#include "test_util.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ratls_fixture.h"

static vt_ratls_fixture_t fx;     /* UpToDate platform */
static vt_ratls_fixture_t fx_rev; /* Revoked platform */

/* One peer's identity: its key and RA-TLS certificate, and its enclave identity. */
typedef struct {
    EVP_PKEY *key;
    X509 *cert;
    vt_sgx_report_body_t id;
} peer_t;

static peer_t server_peer, client_peer, revoked_peer;

static void make_peer(vt_ratls_fixture_t *f, uint8_t mrenclave_byte, vt_ratls_key_type_t type,
                      peer_t *p)
{
    vt_ratls_source_t src;
    vt_ratls_create_options_t o = {.key_type = type};
    vt_ratls_source_init(&src, f, VT_TEE_SGX, 0);
    memset(src.sgx.mr_enclave, mrenclave_byte, sizeof(src.sgx.mr_enclave));
    vt_assert_ok(vt_ratls_create_with(vt_ratls_source_evidence, &src, &o, &p->key, &p->cert));
    p->id = src.sgx;
    vt_ratls_source_cleanup(&src);
}

static void free_peer(peer_t *p)
{
    EVP_PKEY_free(p->key);
    X509_free(p->cert);
    *p = (peer_t){0};
}

static int setup(void **state)
{
    (void)state;
    vt_ratls_fixture_init(&fx, VT_TCB_UP_TO_DATE, 1);
    vt_ratls_fixture_init(&fx_rev, VT_TCB_REVOKED, 1);
    make_peer(&fx, 0xa1, VT_RATLS_KEY_P384, &server_peer);
    make_peer(&fx, 0xb2, VT_RATLS_KEY_P256, &client_peer);
    make_peer(&fx_rev, 0xb2, VT_RATLS_KEY_P384, &revoked_peer);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free_peer(&server_peer);
    free_peer(&client_peer);
    free_peer(&revoked_peer);
    vt_ratls_fixture_cleanup(&fx);
    vt_ratls_fixture_cleanup(&fx_rev);
    return 0;
}

/* A verifier whose policy pins mrenclave (or nothing: any identity, UpToDate only). */
static vt_ratls_verifier_t *verifier_for(vt_verifier_t *v, const uint8_t *mrenclave,
                                         vt_policy_t **policy)
{
    vt_ratls_verifier_t *rv = NULL;
    vt_assert_ok(vt_policy_new(policy));
    if (mrenclave) vt_policy_set_mrenclave(*policy, mrenclave);
    vt_assert_ok(vt_ratls_verifier_new(v, *policy, &rv));
    return rv;
}

static SSL_CTX *make_ctx(bool is_server, const peer_t *own, vt_ratls_verifier_t *rv)
{
    SSL_CTX *ctx = SSL_CTX_new(is_server ? TLS_server_method() : TLS_client_method());
    assert_non_null(ctx);
    vt_ratls_ssl_options_t o = {.verifier = rv};
    if (own) {
        o.key = own->key;
        o.cert = own->cert;
    }
    vt_assert_ok(vt_ratls_ssl_ctx_configure(ctx, &o));
    return ctx;
}

typedef struct {
    SSL *client, *server;
    int fds[2];
    bool is_client_ok, is_server_ok;
} conn_t;

static bool step(SSL *ssl, bool is_server, bool *done)
{
    int r = is_server ? SSL_accept(ssl) : SSL_connect(ssl);
    if (r == 1) {
        *done = true;
        return true;
    }
    int e = SSL_get_error(ssl, r);
    return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
}

/*
 * Runs both ends of a handshake in this thread over a non-blocking socketpair. The
 * detail and the OpenSSL error queue of a failing side stay as it left them.
 */
static void handshake(SSL_CTX *cctx, SSL_CTX *sctx, conn_t *c)
{
    *c = (conn_t){0};
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, c->fds), 0);
    for (int i = 0; i < 2; i++) fcntl(c->fds[i], F_SETFL, O_NONBLOCK);
    c->client = SSL_new(cctx);
    c->server = SSL_new(sctx);
    assert_non_null(c->client);
    assert_non_null(c->server);
    SSL_set_fd(c->client, c->fds[0]);
    SSL_set_fd(c->server, c->fds[1]);
    assert_null(vt_ratls_ssl_get_result(c->client));
    bool cdone = false, sdone = false, cok = true, sok = true;
    ERR_clear_error();
    for (int i = 0; i < 200 && cok && sok && !(cdone && sdone); i++) {
        if (!cdone) cok = step(c->client, false, &cdone);
        if (cok && !sdone) sok = step(c->server, true, &sdone);
    }
    c->is_client_ok = cok && cdone;
    c->is_server_ok = sok && sdone;
}

/* After a failed server handshake: the client sees the alert on its next read. */
static bool client_read_fails(conn_t *c)
{
    char b[8];
    for (int i = 0; i < 50; i++) {
        int r = SSL_read(c->client, b, sizeof(b));
        if (r > 0) return false;
        int e = SSL_get_error(c->client, r);
        if (e != SSL_ERROR_WANT_READ) return true;
        usleep(1000);
    }
    return false;
}

static void close_conn(conn_t *c)
{
    SSL_free(c->client);
    SSL_free(c->server);
    close(c->fds[0]);
    close(c->fds[1]);
}

/* The OpenSSL queue names the RA-TLS rejection with its reason as error data. */
static void assert_ossl_reason(const char *want)
{
    const char *data = NULL;
    int flags = 0;
    bool found = false;
    unsigned long e;
    while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
        if (ERR_GET_REASON(e) == SSL_R_CERTIFICATE_VERIFY_FAILED && data &&
            (flags & ERR_TXT_STRING) && strstr(data, "ra-tls: ") && strstr(data, want))
            found = true;
    }
    if (!found) print_error("no OpenSSL error with data containing '%s'\n", want);
    assert_true(found);
}

static void assert_detail(const char *want)
{
    if (strstr(vt_last_error(), want) == NULL)
        print_error("detail '%s' does not contain '%s'\n", vt_last_error(), want);
    assert_non_null(strstr(vt_last_error(), want));
}

/* Mutual RA-TLS, each side pinning the other's MRENCLAVE; data flows both ways. */
static void mutual(void **state)
{
    (void)state;
    vt_policy_t *sp, *cp;
    vt_ratls_verifier_t *srv = verifier_for(fx.verifier, client_peer.id.mr_enclave, &sp);
    vt_ratls_verifier_t *crv = verifier_for(fx.verifier, server_peer.id.mr_enclave, &cp);
    SSL_CTX *sctx = make_ctx(true, &server_peer, srv);
    SSL_CTX *cctx = make_ctx(false, &client_peer, crv);
    conn_t c;

    handshake(cctx, sctx, &c);
    assert_true(c.is_client_ok);
    assert_true(c.is_server_ok);
    assert_int_equal(SSL_version(c.client), TLS1_3_VERSION);

    const vt_ratls_result_t *at_client = vt_ratls_ssl_get_result(c.client);
    const vt_ratls_result_t *at_server = vt_ratls_ssl_get_result(c.server);
    assert_non_null(at_client);
    assert_non_null(at_server);
    /* The client saw the server's enclave, the server the client's. */
    assert_memory_equal(at_client->quote.sgx.mr_enclave, server_peer.id.mr_enclave, 32);
    assert_memory_equal(at_server->quote.sgx.mr_enclave, client_peer.id.mr_enclave, 32);
    assert_memory_equal(at_server->quote.sgx.mr_signer, client_peer.id.mr_signer, 32);
    assert_int_equal(at_server->quote.sgx.isv_prod_id, client_peer.id.isv_prod_id);
    assert_int_equal(at_server->quote.sgx.isv_svn, client_peer.id.isv_svn);
    assert_true(at_client->quote.is_verified);
    assert_int_equal(at_client->quote.tcb_status, VT_TCB_UP_TO_DATE);
    assert_int_equal(at_server->source, VT_RATLS_EXT_TCG);
    assert_false(at_server->is_from_cache);
    /* The result is that of the certificate the peer presented. */
    uint8_t *der = NULL;
    size_t len = 0;
    vt_ratls_fixture_cert_der(client_peer.cert, &der, &len);
    uint8_t h[32];
    EVP_Digest(der, len, h, NULL, EVP_sha256(), NULL);
    assert_memory_equal(at_server->cert_sha256, h, 32);
    free(der);

    char buf[16] = {0};
    assert_int_equal(SSL_write(c.client, "ping", 4), 4);
    int n = 0;
    for (int i = 0; i < 100 && n <= 0; i++) n = SSL_read(c.server, buf, sizeof(buf));
    assert_int_equal(n, 4);
    assert_memory_equal(buf, "ping", 4);

    close_conn(&c);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
    vt_ratls_verifier_free(srv);
    vt_ratls_verifier_free(crv);
    vt_policy_free(sp);
    vt_policy_free(cp);
}

/* The server pins another MRENCLAVE: it refuses the client, which sees the alert. */
static void server_rejects_wrong_mrenclave(void **state)
{
    (void)state;
    uint8_t other[32];
    memset(other, 0x77, sizeof(other));
    vt_policy_t *sp, *cp;
    vt_ratls_verifier_t *srv = verifier_for(fx.verifier, other, &sp);
    vt_ratls_verifier_t *crv = verifier_for(fx.verifier, NULL, &cp);
    SSL_CTX *sctx = make_ctx(true, &server_peer, srv);
    SSL_CTX *cctx = make_ctx(false, &client_peer, crv);
    conn_t c;

    handshake(cctx, sctx, &c);
    assert_false(c.is_server_ok);
    assert_detail("mrenclave");
    assert_ossl_reason("mrenclave");
    assert_int_equal(SSL_get_verify_result(c.server), X509_V_ERR_CERT_REJECTED);
    assert_null(vt_ratls_ssl_get_result(c.server));
    assert_true(client_read_fails(&c));

    close_conn(&c);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
    vt_ratls_verifier_free(srv);
    vt_ratls_verifier_free(crv);
    vt_policy_free(sp);
    vt_policy_free(cp);
}

/* The client pins another MRENCLAVE: its handshake fails, no result. */
static void client_rejects_wrong_mrenclave(void **state)
{
    (void)state;
    vt_policy_t *sp, *cp;
    vt_ratls_verifier_t *srv = verifier_for(fx.verifier, NULL, &sp);
    vt_ratls_verifier_t *crv = verifier_for(fx.verifier, client_peer.id.mr_enclave, &cp);
    SSL_CTX *sctx = make_ctx(true, &server_peer, srv);
    SSL_CTX *cctx = make_ctx(false, &client_peer, crv);
    conn_t c;

    handshake(cctx, sctx, &c);
    assert_false(c.is_client_ok);
    assert_detail("mrenclave");
    assert_ossl_reason("VT_E_POLICY");
    assert_int_equal(SSL_get_verify_result(c.client), X509_V_ERR_CERT_REJECTED);
    assert_null(vt_ratls_ssl_get_result(c.client));

    close_conn(&c);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
    vt_ratls_verifier_free(srv);
    vt_ratls_verifier_free(crv);
    vt_policy_free(sp);
    vt_policy_free(cp);
}

/* A client on a revoked platform: certificate_revoked. */
static void revoked_platform(void **state)
{
    (void)state;
    vt_policy_t *sp, *cp;
    vt_ratls_verifier_t *srv = verifier_for(fx_rev.verifier, NULL, &sp);
    vt_ratls_verifier_t *crv = verifier_for(fx.verifier, NULL, &cp);
    SSL_CTX *sctx = make_ctx(true, &server_peer, srv);
    SSL_CTX *cctx = make_ctx(false, &revoked_peer, crv);
    conn_t c;

    handshake(cctx, sctx, &c);
    assert_false(c.is_server_ok);
    assert_ossl_reason("VT_E_REVOKED");
    assert_int_equal(SSL_get_verify_result(c.server), X509_V_ERR_CERT_REVOKED);
    assert_true(client_read_fails(&c));

    close_conn(&c);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
    vt_ratls_verifier_free(srv);
    vt_ratls_verifier_free(crv);
    vt_policy_free(sp);
    vt_policy_free(cp);
}

/* A self-signed certificate for key, optionally copying the extensions of like. */
static X509 *self_signed(EVP_PKEY *key, X509 *like)
{
    X509 *x = like ? X509_dup(like) : X509_new();
    assert_non_null(x);
    if (!like) {
        X509_NAME *n = X509_NAME_new();
        X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"plain", -1, -1,
                                   0);
        X509_set_subject_name(x, n);
        X509_set_issuer_name(x, n);
        X509_NAME_free(n);
        X509_set_version(x, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
        X509_gmtime_adj(X509_getm_notBefore(x), -3600);
        X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    }
    assert_int_equal(X509_set_pubkey(x, key), 1);
    assert_true(X509_sign(x, key, EVP_sha256()) > 0);
    return x;
}

/* The server refuses a client certificate; returns after checking the detail. */
static void server_refuses_client_cert(EVP_PKEY *key, X509 *cert, const char *why)
{
    vt_policy_t *sp;
    vt_ratls_verifier_t *srv = verifier_for(fx.verifier, NULL, &sp);
    SSL_CTX *sctx = make_ctx(true, &server_peer, srv);
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    assert_non_null(cctx);
    assert_int_equal(SSL_CTX_use_certificate(cctx, cert), 1);
    assert_int_equal(SSL_CTX_use_PrivateKey(cctx, key), 1);
    conn_t c;

    handshake(cctx, sctx, &c);
    assert_false(c.is_server_ok);
    assert_ossl_reason(why);
    assert_true(client_read_fails(&c));

    close_conn(&c);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
    vt_ratls_verifier_free(srv);
    vt_policy_free(sp);
}

/* An ordinary (non-RA-TLS) certificate has no evidence. */
static void plain_certificate(void **state)
{
    (void)state;
    EVP_PKEY *key = EVP_EC_gen("P-256");
    assert_non_null(key);
    X509 *cert = self_signed(key, NULL);
    server_refuses_client_cert(key, cert, "VT_E_NOT_FOUND");
    X509_free(cert);
    EVP_PKEY_free(key);
}

/* The RA-TLS extensions of a real certificate on an RSA key: the key type is refused. */
static void rsa_certificate(void **state)
{
    (void)state;
    EVP_PKEY *key = EVP_RSA_gen(2048);
    assert_non_null(key);
    X509 *cert = self_signed(key, client_peer.cert);
    server_refuses_client_cert(key, cert, "VT_E_UNSUPPORTED");
    X509_free(cert);
    EVP_PKEY_free(key);
}

/* A peer that sends a chain (here its certificate twice) is not an RA-TLS peer. */
static void chain_refused(void **state)
{
    (void)state;
    vt_policy_t *sp, *cp;
    vt_ratls_verifier_t *srv = verifier_for(fx.verifier, NULL, &sp);
    vt_ratls_verifier_t *crv = verifier_for(fx.verifier, NULL, &cp);
    SSL_CTX *sctx = make_ctx(true, &server_peer, srv);
    SSL_CTX *cctx = make_ctx(false, &client_peer, crv);
    assert_int_equal(SSL_CTX_add1_chain_cert(sctx, server_peer.cert), 1);
    conn_t c;

    handshake(cctx, sctx, &c);
    assert_false(c.is_client_ok);
    assert_detail("2 certificates");
    assert_ossl_reason("VT_E_MALFORMED");

    close_conn(&c);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
    vt_ratls_verifier_free(srv);
    vt_ratls_verifier_free(crv);
    vt_policy_free(sp);
    vt_policy_free(cp);
}

/*
 * One-sided RA-TLS: the server only presents (no verifier, so no client certificate
 * is asked for), the client only verifies. Then a verifying server with a client
 * that has no certificate: refused.
 */
static void not_mutual(void **state)
{
    (void)state;
    vt_policy_t *cp, *sp;
    vt_ratls_verifier_t *crv = verifier_for(fx.verifier, server_peer.id.mr_enclave, &cp);
    SSL_CTX *sctx = make_ctx(true, &server_peer, NULL);
    SSL_CTX *cctx = make_ctx(false, NULL, crv);
    conn_t c;

    handshake(cctx, sctx, &c);
    assert_true(c.is_client_ok);
    assert_true(c.is_server_ok);
    assert_null(SSL_get0_peer_certificate(c.server));
    assert_null(vt_ratls_ssl_get_result(c.server));
    const vt_ratls_result_t *r = vt_ratls_ssl_get_result(c.client);
    assert_non_null(r);
    assert_memory_equal(r->quote.sgx.mr_enclave, server_peer.id.mr_enclave, 32);
    close_conn(&c);
    SSL_CTX_free(sctx);

    vt_ratls_verifier_t *srv = verifier_for(fx.verifier, NULL, &sp);
    sctx = make_ctx(true, &server_peer, srv);
    handshake(cctx, sctx, &c);
    assert_false(c.is_server_ok);
    assert_int_equal(ERR_GET_REASON(ERR_peek_last_error()),
                     SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE);
    assert_true(client_read_fails(&c));
    close_conn(&c);

    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
    vt_ratls_verifier_free(srv);
    vt_ratls_verifier_free(crv);
    vt_policy_free(cp);
    vt_policy_free(sp);
}

/* TLS 1.3 is the minimum: a TLS 1.2-only client gets no connection. */
static void tls12_refused(void **state)
{
    (void)state;
    vt_policy_t *cp;
    vt_ratls_verifier_t *crv = verifier_for(fx.verifier, NULL, &cp);
    SSL_CTX *sctx = make_ctx(true, &server_peer, NULL);
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    assert_non_null(cctx);
    assert_int_equal(SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION), 1);
    conn_t c;

    handshake(cctx, sctx, &c);
    assert_false(c.is_server_ok);
    assert_false(c.is_client_ok);
    close_conn(&c);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
    vt_ratls_verifier_free(crv);
    vt_policy_free(cp);
}

/* With the RA-TLS cache on, the second handshake with the same certificate hits it;
   no session is resumed (resumption is off, every handshake sees the certificate). */
static void cached_evidence(void **state)
{
    (void)state;
    vt_policy_t *sp;
    vt_ratls_verifier_t *srv = verifier_for(fx.verifier, NULL, &sp);
    vt_assert_ok(vt_ratls_verifier_set_cache(srv, 8, 60));
    SSL_CTX *sctx = make_ctx(true, &server_peer, srv);
    SSL_CTX *cctx = make_ctx(false, &client_peer, NULL);
    assert_int_equal(SSL_CTX_get_num_tickets(sctx), 0);
    conn_t c;

    for (int round = 0; round < 2; round++) {
        handshake(cctx, sctx, &c);
        assert_true(c.is_server_ok);
        assert_false(SSL_session_reused(c.server));
        const vt_ratls_result_t *r = vt_ratls_ssl_get_result(c.server);
        assert_non_null(r);
        assert_int_equal(r->is_from_cache, round == 1);
        assert_memory_equal(r->quote.sgx.mr_enclave, client_peer.id.mr_enclave, 32);
        close_conn(&c);
    }
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
    vt_ratls_verifier_free(srv);
    vt_policy_free(sp);
}

static void bad_arguments(void **state)
{
    (void)state;
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    assert_non_null(ctx);
    vt_attester_t *fake = (vt_attester_t *)&fx; /* never used: refused first */
    vt_ratls_ssl_options_t both = {
        .attester = fake, .key = server_peer.key, .cert = server_peer.cert};
    vt_assert_rc(vt_ratls_ssl_ctx_configure(ctx, &both), VT_E_INVALID_ARG);
    vt_ratls_ssl_options_t key_only = {.key = server_peer.key};
    vt_assert_rc(vt_ratls_ssl_ctx_configure(ctx, &key_only), VT_E_INVALID_ARG);
    vt_ratls_ssl_options_t cert_only = {.cert = server_peer.cert};
    vt_assert_rc(vt_ratls_ssl_ctx_configure(ctx, &cert_only), VT_E_INVALID_ARG);
    vt_ratls_ssl_options_t mismatch = {.key = client_peer.key, .cert = server_peer.cert};
    vt_assert_rc(vt_ratls_ssl_ctx_configure(ctx, &mismatch), VT_E_INVALID_ARG);
    /* Nothing at all: only TLS 1.3 is required. */
    vt_ratls_ssl_options_t none = {0};
    vt_assert_ok(vt_ratls_ssl_ctx_configure(ctx, &none));
    assert_int_equal(SSL_CTX_get_min_proto_version(ctx), TLS1_3_VERSION);
    SSL_CTX_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mutual),
        cmocka_unit_test(server_rejects_wrong_mrenclave),
        cmocka_unit_test(client_rejects_wrong_mrenclave),
        cmocka_unit_test(revoked_platform),
        cmocka_unit_test(plain_certificate),
        cmocka_unit_test(rsa_certificate),
        cmocka_unit_test(chain_refused),
        cmocka_unit_test(not_mutual),
        cmocka_unit_test(tls12_refused),
        cmocka_unit_test(cached_evidence),
        cmocka_unit_test(bad_arguments),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
