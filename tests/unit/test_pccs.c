/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vt_collateral_fetch_pccs against a local PCCS look-alike (tests/integration/
 * pccs_server.py, spawned here on a free loopback port): byte-identical collateral for
 * every vector, the exact PCS v4 routes, and clean errors for 404, missing headers,
 * oversized responses, timeouts and refused connections.
 */
#define _GNU_SOURCE
#include "test_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collateral/checked.h"
#include "common/file.h"
#include "common/ossl.h"

static pid_t server_pid = -1;
static int server_port;
static char log_path[] = "/tmp/vt-pccs-log-XXXXXX";

/* Reads "PORT <n>\n" from fd, waiting at most timeout_ms in total. */
static int read_port(int fd, int timeout_ms)
{
    char line[64] = {0};
    size_t n = 0;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (n < sizeof(line) - 1 && memchr(line, '\n', n) == NULL) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left = timeout_ms -
                    ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&p, 1, (int)left) <= 0) return -1;
        ssize_t r = read(fd, line + n, sizeof(line) - 1 - n);
        if (r <= 0) return -1;
        n += (size_t)r;
    }
    int port = 0;
    return sscanf(line, "PORT %d", &port) == 1 ? port : -1;
}

static int start_server(void **state)
{
    (void)state;
    const char *src = getenv("VT_SOURCE_DIR");
    const char *vectors = getenv("VT_VECTORS_DIR");
    char script[4096];
    int fds[2];
    snprintf(script, sizeof(script), "%s/tests/integration/pccs_server.py", src ? src : ".");
    /* A proxy from the environment must not intercept loopback requests. */
    unsetenv("http_proxy");
    unsetenv("HTTP_PROXY");
    unsetenv("https_proxy");
    unsetenv("HTTPS_PROXY");
    unsetenv("ALL_PROXY");
    unsetenv("all_proxy");
    int lfd = mkstemp(log_path);
    if (lfd < 0 || pipe(fds) != 0) return -1;
    close(lfd);
    server_pid = fork();
    if (server_pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execlp("python3", "python3", script, vectors ? vectors : "tests/vectors", "--log", log_path,
               "--lifetime", "300", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    server_port = server_pid > 0 ? read_port(fds[0], 30000) : -1;
    close(fds[0]);
    if (server_port <= 0) fprintf(stderr, "pccs test server did not start (%s)\n", script);
    return server_port > 0 ? 0 : -1;
}

static int stop_server(void **state)
{
    (void)state;
    if (server_pid > 0) {
        kill(server_pid, SIGTERM);
        /* Bounded wait, then force. */
        for (int i = 0; i < 50 && waitpid(server_pid, NULL, WNOHANG) == 0; i++) usleep(100000);
        if (waitpid(server_pid, NULL, WNOHANG) == 0) {
            kill(server_pid, SIGKILL);
            waitpid(server_pid, NULL, 0);
        }
    }
    unlink(log_path);
    return 0;
}

typedef struct {
    char url[256];
    vt_pccs_options_t opts;
    vt_tee_t tee;
    uint8_t fmspc[6];
    const char *pck_ca;
} target_t;

/* A request for vector through the server, optionally under a mode prefix. */
static void target(target_t *t, const char *mode, const char *vector)
{
    vt_test_expected_t exp;
    uint8_t *crl;
    size_t len;
    vt_test_read_expected(vector, &exp);
    snprintf(t->url, sizeof(t->url), "http://127.0.0.1:%d/%s%s%s", server_port, mode ? mode : "",
             mode ? "/" : "", vector);
    t->opts = (vt_pccs_options_t){.base_url = t->url, .timeout_ms = 10000};
    t->tee = strcmp(exp.tee, "TDX") == 0 ? VT_TEE_TDX : VT_TEE_SGX;
    vt_assert_ok(vt_hex_decode(exp.fmspc, strlen(exp.fmspc), t->fmspc, 6));
    vt_test_read_vector(vector, "pck_crl.der", &crl, &len);
    t->pck_ca = memmem(crl, len, "Processor CA", 12) ? "processor" : "platform";
    free(crl);
}

static int fetch(const target_t *t, vt_collateral_t *out)
{
    return vt_collateral_fetch_pccs(&t->opts, t->tee, t->fmspc, t->pck_ca, out);
}

static void assert_same_as_file(const char *vector, const char *file, const uint8_t *buf,
                                size_t len)
{
    uint8_t *want;
    size_t want_len;
    vt_test_read_vector(vector, file, &want, &want_len);
    assert_int_equal(len, want_len);
    assert_memory_equal(buf, want, len);
    assert_int_equal(buf[len], 0);
    free(want);
}

static X509 *read_root(const char *vector)
{
    uint8_t *der;
    size_t len;
    X509 *root = NULL;
    vt_test_read_vector(vector, "root_ca.der", &der, &len);
    vt_assert_ok(vt_x509_parse(der, len, &root));
    free(der);
    return root;
}

static void check_fetched(const char *vector, const vt_collateral_t *c)
{
    X509 *root = read_root(vector);
    vt_checked_collateral_t *checked = NULL;
    vt_assert_ok(vt_collateral_check(c, root, &checked));
    vt_checked_collateral_unref(checked);
    X509_free(root);
}

static void fetches_every_vector_byte_for_byte(void **state)
{
    (void)state;
    for (size_t v = 0; vt_test_dcap_vectors[v] != NULL; v++) {
        const char *name = vt_test_dcap_vectors[v];
        target_t t;
        vt_collateral_t c = {0};
        target(&t, NULL, name);
        vt_assert_ok(fetch(&t, &c));
        assert_same_as_file(name, "tcb_info.json", c.tcb_info, c.tcb_info_len);
        assert_same_as_file(name, "tcb_info_issuer_chain.pem", c.tcb_info_issuer_chain,
                            c.tcb_info_issuer_chain_len);
        assert_same_as_file(name, "qe_identity.json", c.qe_identity, c.qe_identity_len);
        assert_same_as_file(name, "qe_identity_issuer_chain.pem", c.qe_identity_issuer_chain,
                            c.qe_identity_issuer_chain_len);
        assert_same_as_file(name, "pck_crl.der", c.pck_crl, c.pck_crl_len);
        assert_same_as_file(name, "root_ca_crl.der", c.root_ca_crl, c.root_ca_crl_len);
        uint8_t *chain;
        size_t chain_len;
        if (vt_test_try_read_vector(name, "pck_crl_issuer_chain.pem", &chain, &chain_len) == 0) {
            assert_same_as_file(name, "pck_crl_issuer_chain.pem", c.pck_crl_issuer_chain,
                                c.pck_crl_issuer_chain_len);
            free(chain);
        } else {
            assert_null(c.pck_crl_issuer_chain);
        }
        check_fetched(name, &c);
        vt_collateral_cleanup(&c);
    }
}

static void uses_the_pcs_v4_routes(void **state)
{
    (void)state;
    target_t t;
    vt_collateral_t c = {0};
    uint8_t *log;
    size_t len;
    target(&t, NULL, "tdx-v4-phala-uptodate");
    strcat(t.url, "//"); /* trailing slashes are dropped */
    assert_int_equal(truncate(log_path, 0), 0);
    vt_assert_ok(fetch(&t, &c));
    vt_collateral_cleanup(&c);
    vt_assert_ok(vt_file_read(log_path, 1 << 20, &log, &len));
    assert_string_equal((char *)log,
                        "/tdx-v4-phala-uptodate/tdx/certification/v4/tcb?fmspc=B0C06F000000\n"
                        "/tdx-v4-phala-uptodate/tdx/certification/v4/qe/identity\n"
                        "/tdx-v4-phala-uptodate/sgx/certification/v4/pckcrl?ca=platform&"
                        "encoding=der\n"
                        "/tdx-v4-phala-uptodate/sgx/certification/v4/rootcacrl\n");
    free(log);
}

static void accepts_v3_header_names_and_hex_crls(void **state)
{
    (void)state;
    target_t t;
    vt_collateral_t c = {0};
    target(&t, "_v3header", "sgx-v3-phala-processorca");
    vt_assert_ok(fetch(&t, &c));
    assert_same_as_file("sgx-v3-phala-processorca", "tcb_info_issuer_chain.pem",
                        c.tcb_info_issuer_chain, c.tcb_info_issuer_chain_len);
    vt_collateral_cleanup(&c);

    /* PCCS v3 served CRLs as hex text; the root CRL URL can point anywhere. */
    char crl_url[256];
    target(&t, NULL, "sgx-v3-phala-processorca");
    snprintf(crl_url, sizeof(crl_url),
             "http://127.0.0.1:%d/_hexcrl/sgx-v3-phala-processorca/sgx/certification/v4/rootcacrl",
             server_port);
    t.opts.root_ca_crl_url = crl_url;
    vt_assert_ok(fetch(&t, &c));
    assert_int_equal(c.root_ca_crl[0], '3'); /* "30 82 ..." as text */
    check_fetched("sgx-v3-phala-processorca", &c);
    vt_collateral_cleanup(&c);
}

/* Fetches through a mode prefix and expects a clean failure that leaves out untouched. */
static void expect_failure(const char *mode, long timeout_ms, int want, const char *detail)
{
    target_t t;
    vt_collateral_t c = {0};
    target(&t, mode, "sgx-v3-phala-processorca");
    if (timeout_ms) t.opts.timeout_ms = timeout_ms;
    vt_assert_rc(fetch(&t, &c), want);
    if (strstr(vt_last_error(), detail) == NULL) {
        print_error("detail \"%s\" lacks \"%s\"\n", vt_last_error(), detail);
        fail();
    }
    assert_null(c.tcb_info);
    assert_null(c.root_ca_crl);
}

static void reports_http_errors_cleanly(void **state)
{
    (void)state;
    char want[256];
    snprintf(want, sizeof(want),
             "pccs: GET http://127.0.0.1:%d/_404/sgx-v3-phala-processorca/sgx/certification/v4/"
             "tcb?fmspc=00A067110000: HTTP 404",
             server_port);
    expect_failure("_404", 0, VT_E_NETWORK, want);
    expect_failure("_noheader", 0, VT_E_MALFORMED, "lacks the TCB-Info-Issuer-Chain header");
    expect_failure("_big", 0, VT_E_TOO_LARGE, "response larger than");
    expect_failure("_bigstream", 0, VT_E_TOO_LARGE, "response larger than");
    expect_failure("_bigheader", 0, VT_E_TOO_LARGE, "issuer chain header larger than");
    expect_failure("_slow", 300, VT_E_NETWORK, "pccs: GET");
    expect_failure("_nosuchvector", 0, VT_E_NETWORK, "HTTP 404");
}

/* A loopback port nobody listens on. */
static int closed_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(a);
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&a, &alen), 0);
    close(s);
    return ntohs(a.sin_port);
}

static void reports_transport_errors(void **state)
{
    (void)state;
    target_t t;
    vt_collateral_t c = {0};
    target(&t, NULL, "sgx-v3-phala-processorca");
    snprintf(t.url, sizeof(t.url), "http://127.0.0.1:%d", closed_port());
    vt_assert_rc(fetch(&t, &c), VT_E_NETWORK);
    assert_non_null(strstr(vt_last_error(), "pccs: GET http://127.0.0.1:"));
    /* TLS to a plain HTTP server: the handshake fails, verification stays on. */
    snprintf(t.url, sizeof(t.url), "https://127.0.0.1:%d/sgx-v3-phala-processorca", server_port);
    vt_assert_rc(fetch(&t, &c), VT_E_NETWORK);
    t.opts.ca_file = "/nonexistent/ca.pem";
    vt_assert_rc(fetch(&t, &c), VT_E_NETWORK);
    /* Other schemes are refused by the protocol allow-list. */
    snprintf(t.url, sizeof(t.url), "file:///etc");
    t.opts.ca_file = NULL;
    vt_assert_rc(fetch(&t, &c), VT_E_NETWORK);
    assert_null(c.tcb_info);
    /* Credentials in a URL would reach logs through error details: refused up front. */
    snprintf(t.url, sizeof(t.url), "http://user:s3cret@127.0.0.1:%d", server_port);
    vt_assert_rc(fetch(&t, &c), VT_E_INVALID_ARG);
    assert_null(strstr(vt_last_error(), "s3cret"));
    snprintf(t.url, sizeof(t.url), "http://127.0.0.1:%d", server_port);
    t.opts.root_ca_crl_url = "https://admin@127.0.0.1/crl";
    vt_assert_rc(fetch(&t, &c), VT_E_INVALID_ARG);
    assert_null(c.tcb_info);
}

static void rejects_bad_arguments(void **state)
{
    (void)state;
    target_t t;
    vt_collateral_t c = {0};
    target(&t, NULL, "sgx-v3-phala-processorca");
    vt_assert_rc(vt_collateral_fetch_pccs(&t.opts, t.tee, t.fmspc, "both", &c), VT_E_INVALID_ARG);
    vt_assert_rc(vt_collateral_fetch_pccs(&t.opts, (vt_tee_t)9, t.fmspc, "platform", &c),
                 VT_E_INVALID_ARG);
    t.opts.timeout_ms = -1;
    vt_assert_rc(fetch(&t, &c), VT_E_INVALID_ARG);
    t.opts.timeout_ms = 0;
    t.opts.base_url = NULL;
    vt_assert_rc(fetch(&t, &c), VT_E_INVALID_ARG);
    t.opts.base_url = "///";
    vt_assert_rc(fetch(&t, &c), VT_E_INVALID_ARG);
    char *long_url = malloc(4096);
    memset(long_url, 'a', 4095);
    long_url[4095] = '\0';
    t.opts.base_url = long_url;
    vt_assert_rc(fetch(&t, &c), VT_E_INVALID_ARG);
    free(long_url);
    assert_null(c.tcb_info);
}

static void *fetch_in_thread(void *arg)
{
    target_t *t = arg;
    vt_collateral_t c = {0};
    int rc = fetch(t, &c);
    vt_collateral_cleanup(&c);
    return rc == 0 ? NULL : (void *)1;
}

static void fetches_from_many_threads(void **state)
{
    (void)state;
    pthread_t th[8];
    target_t t[8];
    for (int i = 0; i < 8; i++) {
        target(&t[i], NULL, vt_test_dcap_vectors[i % 6]);
        assert_int_equal(pthread_create(&th[i], NULL, fetch_in_thread, &t[i]), 0);
    }
    for (int i = 0; i < 8; i++) {
        void *ret;
        pthread_join(th[i], &ret);
        assert_null(ret);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fetches_every_vector_byte_for_byte),
        cmocka_unit_test(uses_the_pcs_v4_routes),
        cmocka_unit_test(accepts_v3_header_names_and_hex_crls),
        cmocka_unit_test(reports_http_errors_cleanly),
        cmocka_unit_test(reports_transport_errors),
        cmocka_unit_test(rejects_bad_arguments),
        cmocka_unit_test(fetches_from_many_threads),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
