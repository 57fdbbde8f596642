/* SPDX-License-Identifier: Apache-2.0 */
/*
 * veritee-pccs with the real client: for every DCAP vector the daemon is started on a
 * free loopback port over HTTPS (a throwaway CA and server certificate made with
 * openssl(1)), vt_collateral_fetch_pccs fetches with opts.ca_file = that CA, and every
 * buffer must equal the bundle file. Also: no CA means no connection, an unknown FMSPC
 * or the wrong PCK CA is HTTP 404, and SIGTERM ends the daemon with status 0 within 2 s.
 * A simulated platform directory (vt_sim_init: SGX and TDX documents, one CRL per PCK
 * CA) is served too, and its quotes verify through the daemon.
 */
#define _GNU_SOURCE
#include "test_util.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <veritee/collateral.h>
#include <veritee/sim.h>
#include <veritee/verify.h>

#include "common/file.h"

static char dir[] = "/tmp/vt-pccsd-XXXXXX";
static char ca_path[4096];
static char cert_path[4096];
static char key_path[4096];
static char base_url[64];
static pid_t server_pid = -1;

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* A failed assertion jumps out of a test with the daemon still running: stop it. */
static void kill_leftover(void)
{
    if (server_pid > 0) {
        kill(server_pid, SIGKILL);
        waitpid(server_pid, NULL, 0);
    }
    server_pid = -1;
}

static int make_pki(void **state)
{
    (void)state;
    char cmd[8192];
    if (mkdtemp(dir) == NULL) return -1;
    snprintf(ca_path, sizeof(ca_path), "%s/ca.pem", dir);
    snprintf(cert_path, sizeof(cert_path), "%s/srv.pem", dir);
    snprintf(key_path, sizeof(key_path), "%s/srv.key", dir);
    snprintf(cmd, sizeof(cmd),
             "cd '%s' && exec >/dev/null 2>&1 && "
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
             "-keyout ca.key -out ca.pem -days 2 -subj /CN=vt-test-ca && "
             "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout srv.key "
             "-out srv.csr -subj /CN=127.0.0.1 && "
             "printf 'subjectAltName=IP:127.0.0.1\\n' >san.ext && "
             "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
             "-extfile san.ext -out srv.pem",
             dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int remove_pki(void **state)
{
    (void)state;
    char cmd[4200];
    kill_leftover();
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Starts veritee-pccs on bundle; waits at most 5 s for "listening on https://...:PORT". */
static void start_server(const char *bundle)
{
    const char *build = getenv("VT_BUILD_DIR");
    char exe[4096], log[4200], line[256];
    snprintf(exe, sizeof(exe), "%s/src/pccs/veritee-pccs", build ? build : "build");
    static int serial;
    snprintf(log, sizeof(log), "%s/server-%d.log", dir, serial++);
    unlink(log);
    kill_leftover();
    server_pid = fork();
    assert_true(server_pid >= 0);
    if (server_pid == 0) {
        /* Never hold the test's stdout: meson waits for it to close. */
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int null = open("/dev/null", O_RDWR);
        if (fd < 0 || null < 0 || dup2(fd, 2) < 0 || dup2(null, 1) < 0 || dup2(null, 0) < 0)
            _exit(127);
        execl(exe, exe, "--quiet", "--listen", "127.0.0.1:0", "--bundle", bundle, "--cert",
              cert_path, "--key", key_path, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 250; i++) {
        FILE *f = fopen(log, "r");
        int port = 0;
        while (f != NULL && fgets(line, sizeof(line), f) != NULL)
            if (sscanf(line, "veritee-pccs: listening on https://127.0.0.1:%d", &port) == 1) break;
        if (f != NULL) fclose(f);
        if (port > 0) {
            snprintf(base_url, sizeof(base_url), "https://127.0.0.1:%d", port);
            return;
        }
        sleep_ms(20);
    }
    kill(server_pid, SIGKILL);
    waitpid(server_pid, NULL, 0);
    server_pid = -1;
    fail_msg("veritee-pccs did not start (%s)", exe);
}

/* SIGTERM; the daemon must exit with status 0 within 2 s. */
static void stop_server(void)
{
    int status = -1;
    pid_t got = 0;
    assert_int_equal(kill(server_pid, SIGTERM), 0);
    for (int i = 0; i < 100 && got == 0; i++) {
        got = waitpid(server_pid, &status, WNOHANG);
        if (got == 0) sleep_ms(20);
    }
    if (got == 0) {
        kill(server_pid, SIGKILL);
        waitpid(server_pid, NULL, 0);
    }
    server_pid = -1;
    assert_int_equal(got > 0, 1);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void assert_file_equal(const char *vector, const char *file, const uint8_t *got,
                              size_t got_len)
{
    uint8_t *want = NULL;
    size_t want_len = 0;
    vt_test_read_vector(vector, file, &want, &want_len);
    assert_int_equal(got_len, want_len);
    assert_memory_equal(got, want, want_len);
    free(want);
}

static const char *pck_ca_of(const char *vector)
{
    uint8_t *crl = NULL;
    size_t len = 0;
    vt_test_read_vector(vector, "pck_crl.der", &crl, &len);
    bool is_processor = memmem(crl, len, "Processor CA", 12) != NULL;
    free(crl);
    return is_processor ? "processor" : "platform";
}

static void vector_params(const char *vector, vt_tee_t *tee, uint8_t fmspc[VT_FMSPC_LEN])
{
    vt_test_expected_t exp;
    vt_test_read_expected(vector, &exp);
    *tee = strcmp(exp.tee, "TDX") == 0 ? VT_TEE_TDX : VT_TEE_SGX;
    vt_assert_ok(vt_hex_decode(exp.fmspc, strlen(exp.fmspc), fmspc, VT_FMSPC_LEN));
}

static void fetch_one(const char *vector)
{
    vt_pccs_options_t opts = {.base_url = base_url, .ca_file = ca_path, .timeout_ms = 10000};
    vt_collateral_t c = {0};
    vt_tee_t tee;
    uint8_t fmspc[VT_FMSPC_LEN];

    vector_params(vector, &tee, fmspc);
    vt_assert_ok(vt_collateral_fetch_pccs(&opts, tee, fmspc, pck_ca_of(vector), &c));
    assert_file_equal(vector, "tcb_info.json", c.tcb_info, c.tcb_info_len);
    assert_file_equal(vector, "tcb_info_issuer_chain.pem", c.tcb_info_issuer_chain,
                      c.tcb_info_issuer_chain_len);
    assert_file_equal(vector, "qe_identity.json", c.qe_identity, c.qe_identity_len);
    assert_file_equal(vector, "qe_identity_issuer_chain.pem", c.qe_identity_issuer_chain,
                      c.qe_identity_issuer_chain_len);
    assert_file_equal(vector, "pck_crl.der", c.pck_crl, c.pck_crl_len);
    assert_file_equal(vector, "root_ca_crl.der", c.root_ca_crl, c.root_ca_crl_len);
    uint8_t *chain = NULL;
    size_t chain_len = 0;
    if (vt_test_try_read_vector(vector, "pck_crl_issuer_chain.pem", &chain, &chain_len) == 0) {
        assert_file_equal(vector, "pck_crl_issuer_chain.pem", c.pck_crl_issuer_chain,
                          c.pck_crl_issuer_chain_len);
        free(chain);
    } else {
        assert_null(c.pck_crl_issuer_chain);
    }
    vt_collateral_cleanup(&c);
}

static void test_fetch_every_vector(void **state)
{
    (void)state;
    for (size_t i = 0; vt_test_dcap_vectors[i] != NULL; i++) {
        const char *v = vt_test_dcap_vectors[i];
        char bundle[4096];
        snprintf(bundle, sizeof(bundle), "%s", vt_test_vector_path(v, ""));
        start_server(bundle);
        fetch_one(v);
        stop_server();
    }
}

/* One server for the error cases: the SGX processor-CA vector. */
static void fetch_expect_error(vt_pccs_options_t *opts, vt_tee_t tee, const uint8_t *fmspc,
                               const char *pck_ca, const char *want)
{
    vt_collateral_t c = {0};
    vt_assert_rc(vt_collateral_fetch_pccs(opts, tee, fmspc, pck_ca, &c), VT_E_NETWORK);
    if (strstr(vt_last_error(), want) == NULL)
        fail_msg("detail \"%s\" lacks \"%s\"", vt_last_error(), want);
    assert_null(c.tcb_info);
}

static void test_errors(void **state)
{
    (void)state;
    const char *v = "sgx-v3-phala-processorca";
    vt_tee_t tee;
    uint8_t fmspc[VT_FMSPC_LEN];
    char bundle[4096];
    vt_pccs_options_t opts = {.base_url = base_url, .ca_file = ca_path, .timeout_ms = 10000};
    vt_pccs_options_t no_ca = {.base_url = base_url, .timeout_ms = 10000};
    static const uint8_t unknown[VT_FMSPC_LEN] = {0};

    vector_params(v, &tee, fmspc);
    snprintf(bundle, sizeof(bundle), "%s", vt_test_vector_path(v, ""));
    start_server(bundle);
    fetch_expect_error(&opts, tee, unknown, "processor", "HTTP 404");
    fetch_expect_error(&opts, VT_TEE_TDX, fmspc, "processor", "HTTP 404");
    fetch_expect_error(&opts, tee, fmspc, "platform", "pckcrl?ca=platform&encoding=der: HTTP 404");
    fetch_expect_error(&no_ca, tee, fmspc, "processor", "certificate");
    stop_server();
}

/* path = dir/name; fails the test if it does not fit. */
static void join(char *path, size_t cap, const char *d, const char *name)
{
    int n = snprintf(path, cap, "%s/%s", d, name);
    assert_true(n > 0 && (size_t)n < cap);
}

static void assert_sim_file(const char *d, const char *name, const uint8_t *got, size_t len)
{
    char path[4200];
    uint8_t *want = NULL;
    size_t want_len = 0;
    join(path, sizeof(path), d, name);
    vt_assert_ok(vt_file_read(path, 16 * 1024 * 1024, &want, &want_len));
    assert_int_equal(len, want_len);
    assert_memory_equal(got, want, want_len);
    free(want);
}

static void sim_fetch(const char *d, vt_tee_t tee, const char *ca)
{
    vt_pccs_options_t opts = {.base_url = base_url, .ca_file = ca_path, .timeout_ms = 10000};
    vt_collateral_t c = {0};
    char name[64];
    bool is_tdx = tee == VT_TEE_TDX;

    vt_assert_ok(vt_collateral_fetch_pccs(&opts, tee, vt_sim_default_fmspc, ca, &c));
    assert_sim_file(d, is_tdx ? "tdx_tcb_info.json" : "tcb_info.json", c.tcb_info, c.tcb_info_len);
    assert_sim_file(d, is_tdx ? "tdx_qe_identity.json" : "qe_identity.json", c.qe_identity,
                    c.qe_identity_len);
    assert_sim_file(d, "tcb_info_issuer_chain.pem", c.tcb_info_issuer_chain,
                    c.tcb_info_issuer_chain_len);
    snprintf(name, sizeof(name), "pck_crl_%s.der", ca);
    assert_sim_file(d, name, c.pck_crl, c.pck_crl_len);
    snprintf(name, sizeof(name), "pck_crl_%s_issuer_chain.pem", ca);
    assert_sim_file(d, name, c.pck_crl_issuer_chain, c.pck_crl_issuer_chain_len);
    assert_sim_file(d, "root_ca_crl.der", c.root_ca_crl, c.root_ca_crl_len);
    vt_collateral_cleanup(&c);
}

static void sim_verify(const char *d, size_t index, vt_tee_t tee)
{
    vt_pccs_options_t opts = {.base_url = base_url, .ca_file = ca_path, .timeout_ms = 10000};
    vt_sim_platform_t *p = NULL;
    vt_verifier_t *v = NULL;
    vt_verify_result_t r;
    uint8_t *q = NULL, *root = NULL;
    size_t len = 0, root_len = 0;
    char path[4200];

    vt_assert_ok(vt_sim_platform_load(d, index, &p));
    if (tee == VT_TEE_SGX) {
        vt_sgx_report_body_t b = {.isv_prod_id = 1};
        vt_assert_ok(vt_sim_quote_sgx(p, &b, &q, &len));
    } else {
        vt_td_report_body_t b = {0};
        vt_assert_ok(vt_sim_quote_tdx(p, &b, &q, &len));
    }
    vt_sim_platform_free(p);
    join(path, sizeof(path), d, "root_ca.der");
    vt_assert_ok(vt_file_read(path, 8192, &root, &root_len));
    vt_assert_ok(vt_verifier_new(&v));
    vt_assert_ok(vt_verifier_set_simulated_root(v, root, root_len));
    vt_assert_ok(vt_verifier_set_pccs(v, &opts));
    vt_assert_ok(vt_verifier_verify(v, q, len, VT_TIME_NOW, &r));
    assert_true(r.is_verified);
    assert_int_equal(r.tee, tee);
    assert_int_equal(r.tcb_status, VT_TCB_UP_TO_DATE);
    vt_verify_result_cleanup(&r);
    vt_verifier_free(v);
    free(root);
    free(q);
}

static void test_sim_platform(void **state)
{
    (void)state;
    char d[4200];
    vt_sim_init_options_t o = {.platform_count = 2, .tcb_status = VT_TCB_UP_TO_DATE};

    join(d, sizeof(d), dir, "sim");
    vt_assert_ok(vt_sim_init(d, &o));
    start_server(d);
    for (int t = 0; t < 2; t++) {
        vt_tee_t tee = t ? VT_TEE_TDX : VT_TEE_SGX;
        sim_fetch(d, tee, "processor");
        sim_fetch(d, tee, "platform");
        for (size_t index = 0; index < 2; index++) sim_verify(d, index, tee); /* both CAs */
    }
    stop_server();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fetch_every_vector),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_sim_platform),
    };
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, make_pki, remove_pki);
}
