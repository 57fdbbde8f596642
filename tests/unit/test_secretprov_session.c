/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of src/secretprov/session.c, client.c and server.c: the client against the
 * concurrent server core in this process, over loopback TCP, with mutual RA-TLS on a
 * simulated platform (tests/lib/ratls_fixture.h) and an ordinary server certificate for
 * "localhost" / 127.0.0.1. The handler serves Gramine's request and two named secrets and
 * refuses every other name.
 */
#include "test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ratls_fixture.h"
#include "secretprov/client.h"
#include "secretprov/server.h"

static vt_ratls_fixture_t fx;
static EVP_PKEY *client_key, *bad_key;
static X509 *client_cert, *bad_cert;
static EVP_PKEY *server_key;
static X509 *server_cert;
static char ca_path[128], other_ca_path[128];
static char servers[64];
static vt_policy_t *policy;
static vt_ratls_verifier_t *rv;
static atomic_int rejects;
static const uint8_t gramine_secret[] = "the unnamed secret";

/* An ordinary self-signed server certificate for localhost and 127.0.0.1. */
static void make_server_cert(EVP_PKEY **key, X509 **cert, const char *path)
{
    *key = EVP_EC_gen("P-256");
    assert_non_null(*key);
    X509 *x = X509_new();
    assert_non_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_NAME *n = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1, -1,
                               0);
    X509_set_issuer_name(x, n);
    X509_set_pubkey(x, *key);
    X509V3_CTX v3;
    X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
    X509_EXTENSION *e =
        X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
    assert_non_null(e);
    X509_add_ext(x, e, -1);
    X509_EXTENSION_free(e);
    assert_true(X509_sign(x, *key, EVP_sha256()) > 0);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_X509(f, x), 1);
    fclose(f);
    *cert = x;
}

static void make_client(uint8_t mrenclave_byte, EVP_PKEY **key, X509 **cert)
{
    vt_ratls_source_t src;
    vt_ratls_source_init(&src, &fx, VT_TEE_SGX, 0);
    memset(src.sgx.mr_enclave, mrenclave_byte, sizeof(src.sgx.mr_enclave));
    vt_assert_ok(vt_ratls_create_with(vt_ratls_source_evidence, &src, NULL, key, cert));
    vt_ratls_source_cleanup(&src);
}

/* The handler: Gramine's request gets gramine_secret, "alpha" gets "A", "big" 300 KiB,
   any other name a refusal; then an echo of one 5-byte message if the client sends one. */
static int handler(void *ctx, vt_secretprov_session_t *s)
{
    (void)ctx;
    vt_secretprov_request_t req;
    int rc = vt_secretprov_session_read_request(s, &req);
    if (rc < 0) return rc;
    if (req.kind == VT_SECRETPROV_REQ_GRAMINE) {
        rc = vt_secretprov_session_send_secret(s, gramine_secret, sizeof(gramine_secret));
    } else if (strcmp(req.name, "alpha") == 0) {
        rc = vt_secretprov_session_send_secret(s, (const uint8_t *)"A", 1);
    } else if (strcmp(req.name, "closing") == 0) {
        /* As a Gramine f_cb that calls secret_provision_close before it returns. */
        rc = vt_secretprov_session_send_secret(s, (const uint8_t *)"C", 1);
        if (rc == 0) rc = vt_secretprov_session_shutdown(s);
        return rc;
    } else if (strcmp(req.name, "big") == 0) {
        size_t n = 300 * 1024;
        uint8_t *big = malloc(n);
        for (size_t i = 0; i < n; i++) big[i] = (uint8_t)(i * 7);
        rc = vt_secretprov_session_send_secret(s, big, n);
        free(big);
    } else {
        return vt_secretprov_session_send_refusal(s, VT_SECRETPROV_REFUSED_DENIED);
    }
    if (rc < 0) return rc;
    uint8_t msg[5];
    if (vt_secretprov_session_read(s, msg, sizeof(msg)) == 0)
        rc = vt_secretprov_session_write(s, msg, sizeof(msg));
    return rc;
}

static void on_reject(void *ctx, vt_secretprov_session_t *s)
{
    (void)ctx;
    (void)s;
    atomic_fetch_add(&rejects, 1);
}

static vt_secretprov_server_options_t server_opts;

static void *server_main(void *arg)
{
    int fd = (int)(intptr_t)arg;
    int rc = vt_secretprov_server_run(&server_opts, fd);
    fprintf(stderr, "server_run returned %d: %s\n", rc, vt_last_error());
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    vt_ratls_fixture_init(&fx, VT_TCB_UP_TO_DATE, 1);
    make_client(0xc1, &client_key, &client_cert);
    make_client(0xee, &bad_key, &bad_cert);
    snprintf(ca_path, sizeof(ca_path), "%s/server.pem", fx.dir);
    snprintf(other_ca_path, sizeof(other_ca_path), "%s/other.pem", fx.dir);
    make_server_cert(&server_key, &server_cert, ca_path);
    EVP_PKEY *ok;
    X509 *oc;
    make_server_cert(&ok, &oc, other_ca_path);
    EVP_PKEY_free(ok);
    X509_free(oc);

    /* The server accepts only MRENCLAVE c1c1...; the verifier and context live for the
       process (the server thread never returns). */
    uint8_t mre[32];
    memset(mre, 0xc1, sizeof(mre));
    vt_assert_ok(vt_policy_new(&policy));
    vt_policy_set_mrenclave(policy, mre);
    vt_assert_ok(vt_ratls_verifier_new(fx.verifier, policy, &rv));
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    vt_ratls_ssl_options_t o = {.key = server_key, .cert = server_cert, .verifier = rv};
    vt_assert_ok(vt_ratls_ssl_ctx_configure(ctx, &o));
    server_opts = (vt_secretprov_server_options_t){.ssl_ctx = ctx,
                                                   .handler = handler,
                                                   .on_reject = on_reject,
                                                   .max_connections = 4,
                                                   .handshake_timeout_s = 2};
    int fd = -1;
    vt_assert_ok(vt_secretprov_server_listen("0", &fd));
    struct sockaddr_in6 a;
    socklen_t len = sizeof(a);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    snprintf(servers, sizeof(servers), "127.0.0.1:1,localhost:%u", ntohs(a.sin6_port));
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, server_main, (void *)(intptr_t)fd), 0);
    pthread_detach(t);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    EVP_PKEY_free(client_key);
    X509_free(client_cert);
    EVP_PKEY_free(bad_key);
    X509_free(bad_cert);
    /* server_key, server_cert, rv, policy and fx.verifier stay: the server thread uses
       them until the process exits. The platform directory is removed. */
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx.dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static int start(const char *list, const char *ca, EVP_PKEY *key, X509 *cert, const char *name,
                 vt_secretprov_session_t **s, vt_secretprov_stage_t *stage)
{
    vt_secretprov_client_options_t o = {.servers = list,
                                        .ca_chain_path = ca,
                                        .key = key,
                                        .cert = cert,
                                        .secret_name = name,
                                        .connect_timeout_s = 2};
    return vt_secretprov_client_start(&o, s, stage);
}

static void gramine_request_then_exchange_then_close(void **state)
{
    (void)state;
    vt_secretprov_session_t *s = NULL;
    vt_secretprov_stage_t stage;
    vt_assert_ok(start(servers, ca_path, client_key, client_cert, NULL, &s, &stage));
    assert_int_equal(stage, VT_SECRETPROV_STAGE_EXCHANGE);
    assert_int_equal(s->secret_size, sizeof(gramine_secret));
    assert_memory_equal(s->secret, gramine_secret, sizeof(gramine_secret));
    vt_assert_ok(vt_secretprov_session_write(s, (const uint8_t *)"MORE", 5));
    uint8_t echo[5];
    vt_assert_ok(vt_secretprov_session_read(s, echo, sizeof(echo)));
    assert_memory_equal(echo, "MORE", 5);
    /* The handler returned: the server sent close_notify. */
    uint8_t b;
    vt_assert_rc(vt_secretprov_session_read(s, &b, 1), VT_E_NETWORK);
    vt_assert_ok(vt_secretprov_session_shutdown(s));
    vt_secretprov_session_free(s);
}

static void named_requests_and_refusal(void **state)
{
    (void)state;
    vt_secretprov_session_t *s = NULL;
    vt_secretprov_stage_t stage;
    vt_assert_ok(start(servers, ca_path, client_key, client_cert, "alpha", &s, &stage));
    assert_int_equal(s->secret_size, 1);
    assert_int_equal(s->secret[0], 'A');
    /* One fetch per session: a second would have replaced the secret without wiping it. */
    vt_assert_rc(vt_secretprov_session_fetch(s, "alpha"), VT_E_INVALID_ARG);
    assert_int_equal(s->secret[0], 'A');
    vt_secretprov_session_free(s);

    vt_assert_ok(start(servers, ca_path, client_key, client_cert, "big", &s, &stage));
    assert_int_equal(s->secret_size, 300 * 1024);
    for (size_t i = 0; i < s->secret_size; i++) assert_int_equal(s->secret[i], (uint8_t)(i * 7));
    vt_secretprov_session_free(s);

    s = NULL;
    vt_assert_rc(start(servers, ca_path, client_key, client_cert, "nope", &s, &stage), VT_E_POLICY);
    assert_int_equal(stage, VT_SECRETPROV_STAGE_EXCHANGE);
    assert_non_null(strstr(vt_last_error(), "no such secret or not allowed"));
    assert_null(s);
    vt_assert_rc(start(servers, ca_path, client_key, client_cert, "bad/name", &s, &stage),
                 VT_E_INVALID_ARG);
}

static void another_identity_is_rejected_by_the_server(void **state)
{
    (void)state;
    vt_secretprov_session_t *s = NULL;
    vt_secretprov_stage_t stage;
    int before = atomic_load(&rejects);
    int rc = start(servers, ca_path, bad_key, bad_cert, NULL, &s, &stage);
    /* TLS 1.3: the client may finish its handshake before the server's alert arrives. */
    assert_true(rc == VT_E_UNTRUSTED || rc == VT_E_NETWORK || rc == VT_E_IO);
    assert_true(stage == VT_SECRETPROV_STAGE_HANDSHAKE || stage == VT_SECRETPROV_STAGE_EXCHANGE);
    assert_null(s);
    for (int i = 0; i < 100 && atomic_load(&rejects) == before; i++) usleep(10000);
    assert_int_equal(atomic_load(&rejects), before + 1);
}

static void the_client_checks_the_server(void **state)
{
    (void)state;
    vt_secretprov_session_t *s = NULL;
    vt_secretprov_stage_t stage;
    vt_assert_rc(start(servers, other_ca_path, client_key, client_cert, NULL, &s, &stage),
                 VT_E_UNTRUSTED);
    assert_int_equal(stage, VT_SECRETPROV_STAGE_HANDSHAKE);
    assert_non_null(strstr(vt_last_error(), "certificate rejected"));
    /* 127.0.0.2 reaches the same server, whose certificate does not name it. */
    char list[64];
    snprintf(list, sizeof(list), "127.0.0.2:%s", strrchr(servers, ':') + 1);
    vt_assert_rc(start(list, ca_path, client_key, client_cert, NULL, &s, &stage), VT_E_UNTRUSTED);
    assert_non_null(strstr(vt_last_error(), "certificate rejected"));
    vt_assert_rc(start(servers, NULL, client_key, client_cert, NULL, &s, &stage), VT_E_INVALID_ARG);
    vt_assert_rc(start(servers, "/nonexistent/ca.pem", client_key, client_cert, NULL, &s, &stage),
                 VT_E_IO);
    assert_int_equal(stage, VT_SECRETPROV_STAGE_SETUP);
}

static void connection_errors(void **state)
{
    (void)state;
    vt_secretprov_session_t *s = NULL;
    vt_secretprov_stage_t stage;
    vt_assert_rc(start("127.0.0.1:1 [::1]:1", ca_path, client_key, client_cert, NULL, &s, &stage),
                 VT_E_NETWORK);
    assert_int_equal(stage, VT_SECRETPROV_STAGE_CONNECT);
    assert_non_null(strstr(vt_last_error(), "127.0.0.1:1: "));
    assert_non_null(strstr(vt_last_error(), "[::1]:1: "));
    vt_assert_rc(
        start("no-such-host.invalid:1", ca_path, client_key, client_cert, NULL, &s, &stage),
        VT_E_NOT_FOUND);
    vt_assert_rc(start("nohost", ca_path, client_key, client_cert, NULL, &s, &stage),
                 VT_E_INVALID_ARG);
    assert_int_equal(stage, VT_SECRETPROV_STAGE_SETUP);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int raw_connect(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)atoi(strrchr(servers, ':') + 1))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

/* A handler that sent close_notify itself: the server's thread then closes the
   connection at once; it does not wait (here up to the 2 s timeout) for the client's
   close_notify, which this client never sends. */
static void handler_closed_session_ends_at_once(void **state)
{
    (void)state;
    vt_secretprov_session_t *s = NULL;
    vt_secretprov_stage_t stage;
    vt_assert_ok(start(servers, ca_path, client_key, client_cert, "closing", &s, &stage));
    assert_int_equal(s->secret[0], 'C');
    uint8_t b;
    vt_assert_rc(vt_secretprov_session_read(s, &b, 1), VT_E_NETWORK); /* close_notify */
    struct pollfd p = {.fd = s->fd, .events = POLLIN};
    double t0 = now_s();
    assert_int_equal(poll(&p, 1, 5000), 1);
    assert_int_equal(recv(s->fd, &b, 1, 0), 0); /* the server closed the socket */
    assert_true(now_s() - t0 < 1.0);
    vt_secretprov_session_free(s);
}

/* Stalled clients hold a thread each for at most the handshake timeout (2 s here) and
   never delay another client while a thread is free. */
static void stalled_clients_block_nobody(void **state)
{
    (void)state;
    int stalled[3];
    for (int i = 0; i < 3; i++) stalled[i] = raw_connect();
    usleep(100000);
    double t0 = now_s();
    vt_secretprov_session_t *s = NULL;
    vt_secretprov_stage_t stage;
    vt_assert_ok(start(servers, ca_path, client_key, client_cert, NULL, &s, &stage));
    vt_secretprov_session_free(s);
    assert_true(now_s() - t0 < 1.5);
    for (int i = 0; i < 3; i++) close(stalled[i]);
}

/* With every thread taken (4) by stalled clients, the next client waits for the handshake
   timeout to free one, then is served: the cap holds, and stalls do not last. */
static void the_connection_cap_and_the_timeout(void **state)
{
    (void)state;
    int stalled[4];
    for (int i = 0; i < 4; i++) stalled[i] = raw_connect();
    usleep(100000);
    double t0 = now_s();
    vt_secretprov_session_t *s = NULL;
    vt_secretprov_stage_t stage;
    vt_assert_ok(start(servers, ca_path, client_key, client_cert, NULL, &s, &stage));
    vt_secretprov_session_free(s);
    double waited = now_s() - t0;
    assert_true(waited > 1.0);
    assert_true(waited < 10.0);
    for (int i = 0; i < 4; i++) close(stalled[i]);
}

/* A request that is not one is dropped without close_notify (Gramine's server does so):
   the client reads nothing but the end of the connection. */
static void bad_request_is_dropped(void **state)
{
    (void)state;
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    vt_ratls_ssl_options_t o = {.key = client_key, .cert = client_cert};
    vt_assert_ok(vt_ratls_ssl_ctx_configure(ctx, &o));
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    vt_secretprov_session_t *s = NULL;
    vt_assert_ok(vt_secretprov_session_new(ctx, raw_connect(), false, &s));
    assert_int_equal(SSL_connect(s->ssl), 1);
    uint8_t junk[VT_SECRETPROV_MAGIC_LEN];
    memset(junk, 'x', sizeof(junk));
    vt_assert_ok(vt_secretprov_session_write(s, junk, sizeof(junk)));
    uint8_t b;
    vt_assert_rc(vt_secretprov_session_read(s, &b, 1), VT_E_NETWORK);
    assert_int_equal(SSL_get_shutdown(s->ssl) & SSL_RECEIVED_SHUTDOWN, 0);
    vt_secretprov_session_free(s);
    SSL_CTX_free(ctx);
}

static void session_argument_rules(void **state)
{
    (void)state;
    uint8_t b = 0;
    vt_assert_rc(vt_secretprov_session_read(NULL, &b, 1), VT_E_INVALID_ARG);
    vt_assert_rc(vt_secretprov_session_write(NULL, &b, 1), VT_E_INVALID_ARG);
    vt_assert_rc(vt_secretprov_session_shutdown(NULL), VT_E_INVALID_ARG);
    vt_secretprov_session_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gramine_request_then_exchange_then_close),
        cmocka_unit_test(named_requests_and_refusal),
        cmocka_unit_test(another_identity_is_rejected_by_the_server),
        cmocka_unit_test(the_client_checks_the_server),
        cmocka_unit_test(connection_errors),
        cmocka_unit_test(handler_closed_session_ends_at_once),
        cmocka_unit_test(stalled_clients_block_nobody),
        cmocka_unit_test(the_connection_cap_and_the_timeout),
        cmocka_unit_test(bad_request_is_dropped),
        cmocka_unit_test(session_argument_rules),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
