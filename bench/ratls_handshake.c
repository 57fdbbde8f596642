/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mutual TLS 1.3 handshakes per second on loopback: plain certificates against RA-TLS,
 * measured in the same run so that the ratios do not depend on the machine.
 *
 *   ratls_handshake            the whole benchmark
 *   ratls_handshake MODE SECS  only mode MODE (0 = (a) ... 4), for SECS seconds (profiling)
 *
 * Modes (every one a full mutual handshake: no resumption, no session tickets):
 *   (a) plain TLS 1.3, ECDSA P-256 leaf certificates issued by a P-256 CA that both
 *       sides trust (OpenSSL's chain verification);
 *   (b) RA-TLS (vt_ratls_ssl_ctx_configure) with P-256 keys, the RA-TLS evidence cache
 *       off: every handshake verifies the peer's quotes (TCG evidence and legacy quote,
 *       both, as Gramine's certificates carry them), the quote verifier's collateral
 *       and PCK-chain caches warm as in a long-running service;
 *   (c) the same with the RA-TLS evidence cache on (warm);
 *   and (b), (c) again with P-384 keys (Gramine's default).
 * Evidence comes from a simulated SGX platform created in a temporary directory (the
 * verifier trusts its SIMULATED root); every handshake checks the peer's result (the
 * MRENCLAVE it expects, and whether it came from the cache), so a benchmark that
 * stopped verifying would abort.
 *
 * Method: a client thread and a server thread; for each handshake the client makes a
 * fresh socketpair (AF_UNIX, blocking), passes one end to the server thread, and both
 * run the handshake; the server then sends one byte that the client reads, so both
 * sides have finished. Rate = handshakes completed / wall time, median (min-max) of
 * RUNS runs of RUN_SECONDS per mode, the modes interleaved within each round.
 * Rates are also given per second of CPU time used by the two threads (their
 * CLOCK_THREAD_CPUTIME_ID), the cost of a handshake at both ends: unlike wall-clock rates
 * it does not depend on what else the machine runs, so the verdict uses it; both sets
 * of ratios are printed.
 * Targets: (c)/(a) >= 0.9 and (b)/(a) >= 0.5 with P-256 keys.
 */
#define _GNU_SOURCE
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <veritee/ratls.h>
#include <veritee/sim.h>

#include "bench_util.h"

#define RUNS         7
#define RUN_SECONDS  1.0
#define TARGET_FRESH 0.5
#define TARGET_CACHE 0.9

typedef enum {
    MODE_PLAIN = 0,
    MODE_FRESH_256,
    MODE_CACHE_256,
    MODE_FRESH_384,
    MODE_CACHE_384,
    MODE_COUNT
} mode_t_;

static const char *const mode_names[MODE_COUNT] = {
    "(a) plain TLS 1.3, ECDSA P-256 + CA", "(b) RA-TLS P-256, evidence cache off",
    "(c) RA-TLS P-256, evidence cache on", "(b) RA-TLS P-384, evidence cache off",
    "(c) RA-TLS P-384, evidence cache on",
};

/* One mode: a server and a client context and what each side must see. */
typedef struct {
    SSL_CTX *server, *client;
    vt_ratls_verifier_t *server_rv, *client_rv; /* NULL in plain mode */
    bool is_cached;
} mode_ctx_t;

typedef struct {
    vt_sim_platform_t *platform;
    uint8_t mrenclave;
} source_t;

static vt_verifier_t *verifier;
static vt_policy_t *policy_server, *policy_client; /* each pins the peer's MRENCLAVE */
static mode_ctx_t modes[MODE_COUNT];

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ratls_handshake: ", stderr);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (%s)\n", vt_last_error());
    ERR_print_errors_fp(stderr);
    va_end(ap);
    exit(1);
}

static X509 *make_cert(EVP_PKEY *key, const char *cn, EVP_PKEY *ca_key, X509 *ca)
{
    X509 *x = vt_bench_make_cert(key, cn, ca_key, ca);
    if (x == NULL) die("cannot make the certificate of %s", cn);
    return x;
}

/* ---- Setup ------------------------------------------------------------------------ */

static int evidence(void *ctx, const uint8_t report_data[VT_REPORT_DATA_LEN], uint8_t **out,
                    size_t *len)
{
    const source_t *s = ctx;
    vt_sgx_report_body_t b = {.isv_prod_id = 7, .isv_svn = 3};
    b.attributes[0] = 0x05; /* INIT | MODE64BIT */
    b.attributes[8] = 0x03;
    memset(b.mr_enclave, s->mrenclave, sizeof(b.mr_enclave));
    memset(b.mr_signer, 0x51, sizeof(b.mr_signer));
    memcpy(b.report_data, report_data, VT_REPORT_DATA_LEN);
    return vt_sim_quote_sgx(s->platform, &b, out, len);
}

static SSL_CTX *new_ctx(bool is_server)
{
    SSL_CTX *ctx = SSL_CTX_new(is_server ? TLS_server_method() : TLS_client_method());
    if (ctx == NULL) die("SSL_CTX_new");
    return ctx;
}

/* (a): leaves issued by one CA, verified by OpenSSL against it; no tickets either. */
static void setup_plain(mode_ctx_t *m)
{
    EVP_PKEY *ca_key = EVP_EC_gen("P-256");
    EVP_PKEY *skey = EVP_EC_gen("P-256"), *ckey = EVP_EC_gen("P-256");
    X509 *ca = make_cert(ca_key, "bench CA", NULL, NULL);
    X509 *scert = make_cert(skey, "server", ca_key, ca);
    X509 *ccert = make_cert(ckey, "client", ca_key, ca);
    m->server = new_ctx(true);
    m->client = new_ctx(false);
    SSL_CTX *both[2] = {m->server, m->client};
    EVP_PKEY *keys[2] = {skey, ckey};
    X509 *certs[2] = {scert, ccert};
    for (int i = 0; i < 2; i++) {
        if (SSL_CTX_set_min_proto_version(both[i], TLS1_3_VERSION) != 1 ||
            SSL_CTX_use_certificate(both[i], certs[i]) != 1 ||
            SSL_CTX_use_PrivateKey(both[i], keys[i]) != 1 ||
            X509_STORE_add_cert(SSL_CTX_get_cert_store(both[i]), ca) != 1)
            die("plain context");
        SSL_CTX_set_verify(both[i], SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    }
    SSL_CTX_set_session_cache_mode(m->server, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(m->server, 0);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(skey);
    EVP_PKEY_free(ckey);
    X509_free(ca);
    X509_free(scert);
    X509_free(ccert);
}

static void setup_ratls(mode_ctx_t *m, vt_sim_platform_t *p, vt_ratls_key_type_t type,
                        bool is_cached)
{
    source_t ss = {p, 0xa1}, cs = {p, 0xb2};
    vt_ratls_create_options_t o = {.key_type = type};
    EVP_PKEY *skey = NULL, *ckey = NULL;
    X509 *scert = NULL, *ccert = NULL;

    if (vt_ratls_create_with(evidence, &ss, &o, &skey, &scert) != 0 ||
        vt_ratls_create_with(evidence, &cs, &o, &ckey, &ccert) != 0)
        die("cannot create the RA-TLS certificates");
    if (vt_ratls_verifier_new(verifier, policy_server, &m->server_rv) != 0 ||
        vt_ratls_verifier_new(verifier, policy_client, &m->client_rv) != 0)
        die("cannot create the RA-TLS verifiers");
    if (is_cached && (vt_ratls_verifier_set_cache(m->server_rv, 64, 3600) != 0 ||
                      vt_ratls_verifier_set_cache(m->client_rv, 64, 3600) != 0))
        die("cannot enable the cache");
    m->is_cached = is_cached;
    m->server = new_ctx(true);
    m->client = new_ctx(false);
    vt_ratls_ssl_options_t so = {.key = skey, .cert = scert, .verifier = m->server_rv};
    vt_ratls_ssl_options_t co = {.key = ckey, .cert = ccert, .verifier = m->client_rv};
    if (vt_ratls_ssl_ctx_configure(m->server, &so) != 0 ||
        vt_ratls_ssl_ctx_configure(m->client, &co) != 0)
        die("cannot configure the RA-TLS contexts");
    EVP_PKEY_free(skey);
    EVP_PKEY_free(ckey);
    X509_free(scert);
    X509_free(ccert);
}

static vt_policy_t *pin(uint8_t byte)
{
    vt_policy_t *p = NULL;
    uint8_t mr[VT_SGX_MEASUREMENT_LEN];
    memset(mr, byte, sizeof(mr));
    if (vt_policy_new(&p) != 0) die("policy");
    vt_policy_set_mrenclave(p, mr);
    return p;
}

static void setup(char *dir)
{
    vt_sim_platform_t *p = NULL;
    vt_sim_init_options_t so = {.platform_count = 1, .tcb_status = VT_TCB_UP_TO_DATE};
    char path[128];
    uint8_t root[8192];

    snprintf(dir, 64, "/tmp/vt_bench_ratls_XXXXXX");
    if (mkdtemp(dir) == NULL || vt_sim_init(dir, &so) != 0) die("cannot create a platform");
    if (vt_sim_platform_load(dir, 0, &p) != 0) die("cannot load the platform");
    snprintf(path, sizeof(path), "%s/root_ca.der", dir);
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(root, 1, sizeof(root), f) : 0;
    if (f) fclose(f);
    if (n == 0 || vt_verifier_new(&verifier) != 0 ||
        vt_verifier_set_simulated_root(verifier, root, n) != 0 ||
        vt_verifier_set_collateral_dir(verifier, dir) != 0)
        die("cannot set up the quote verifier");
    policy_server = pin(0xb2); /* the server expects the client's enclave */
    policy_client = pin(0xa1);
    setup_plain(&modes[MODE_PLAIN]);
    setup_ratls(&modes[MODE_FRESH_256], p, VT_RATLS_KEY_P256, false);
    setup_ratls(&modes[MODE_CACHE_256], p, VT_RATLS_KEY_P256, true);
    setup_ratls(&modes[MODE_FRESH_384], p, VT_RATLS_KEY_P384, false);
    setup_ratls(&modes[MODE_CACHE_384], p, VT_RATLS_KEY_P384, true);
    vt_sim_platform_free(p);
}

/* ---- The two threads -------------------------------------------------------------- */

typedef struct {
    mode_ctx_t *m;
    int to_server[2]; /* pipe: the client passes the server its socket */
    atomic_bool *stop;
    pthread_barrier_t *start;
    uint64_t done;
    bool is_warmup;    /* first handshake of a cached mode: not from the cache yet */
    double server_cpu; /* seconds of CPU time each thread used during the run */
    double client_cpu;
} run_t;

static double thread_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check_result(const SSL *ssl, const mode_ctx_t *m, uint8_t want, bool from_cache_ok)
{
    if (m->server_rv == NULL) return;
    const vt_ratls_result_t *r = vt_ratls_ssl_get_result(ssl);
    if (r == NULL || r->quote.sgx.mr_enclave[0] != want || r->quote.sgx.mr_enclave[31] != want)
        die("handshake without the expected RA-TLS result");
    if (r->is_from_cache != (m->is_cached && from_cache_ok)) die("cache state unexpected");
}

static void *server_thread(void *arg)
{
    run_t *r = arg;
    int fd;
    char one = 'x';
    double cpu0 = thread_cpu_seconds();
    while (read(r->to_server[0], &fd, sizeof(fd)) == sizeof(fd)) {
        if (fd < 0) break;
        SSL *ssl = SSL_new(r->m->server);
        if (ssl == NULL || SSL_set_fd(ssl, fd) != 1 || SSL_accept(ssl) != 1)
            die("server handshake failed");
        check_result(ssl, r->m, 0xb2, !r->is_warmup);
        if (SSL_write(ssl, &one, 1) != 1) die("server write failed");
        SSL_free(ssl);
        close(fd);
    }
    r->server_cpu = thread_cpu_seconds() - cpu0;
    return NULL;
}

/* One handshake from the client side (the server thread runs the other). */
static void client_handshake(run_t *r)
{
    int sv[2];
    char one;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) die("socketpair");
    if (write(r->to_server[1], &sv[1], sizeof(sv[1])) != sizeof(sv[1])) die("pipe");
    SSL *ssl = SSL_new(r->m->client);
    if (ssl == NULL || SSL_set_fd(ssl, sv[0]) != 1 || SSL_connect(ssl) != 1)
        die("client handshake failed");
    check_result(ssl, r->m, 0xa1, !r->is_warmup);
    if (SSL_read(ssl, &one, 1) != 1) die("client read failed");
    SSL_free(ssl);
    close(sv[0]);
}

static void *client_thread(void *arg)
{
    run_t *r = arg;
    pthread_barrier_wait(r->start);
    double cpu0 = thread_cpu_seconds();
    while (!atomic_load_explicit(r->stop, memory_order_relaxed)) {
        client_handshake(r);
        r->done++;
    }
    r->client_cpu = thread_cpu_seconds() - cpu0;
    return NULL;
}

static void start_server(run_t *r, pthread_t *tid)
{
    if (pipe(r->to_server) != 0) die("pipe");
    if (pthread_create(tid, NULL, server_thread, r) != 0) die("pthread_create");
}

static void stop_server(run_t *r, pthread_t tid)
{
    int end = -1;
    if (write(r->to_server[1], &end, sizeof(end)) != sizeof(end)) die("pipe");
    pthread_join(tid, NULL);
    close(r->to_server[0]);
    close(r->to_server[1]);
}

/* The first handshake of a mode fills the collateral, PCK and (if on) evidence caches. */
static void warm_up(mode_ctx_t *m)
{
    run_t r = {.m = m, .is_warmup = true};
    pthread_t tid;
    start_server(&r, &tid);
    client_handshake(&r);
    stop_server(&r, tid);
}

/* Handshakes per wall-clock second, and per second of CPU time (both threads). */
static void run_once(mode_ctx_t *m, double *wall_rate, double *cpu_rate)
{
    atomic_bool stop = false;
    pthread_barrier_t start;
    run_t r = {.m = m, .stop = &stop, .start = &start};
    pthread_t server, client;

    pthread_barrier_init(&start, NULL, 2);
    start_server(&r, &server);
    if (pthread_create(&client, NULL, client_thread, &r) != 0) die("pthread_create");
    pthread_barrier_wait(&start);
    double t0 = vt_bench_now();
    struct timespec nap = {(time_t)RUN_SECONDS,
                           (long)((RUN_SECONDS - (double)(time_t)RUN_SECONDS) * 1e9)};
    while (nanosleep(&nap, &nap) != 0) {
    }
    atomic_store(&stop, true);
    pthread_join(client, NULL);
    double elapsed = vt_bench_now() - t0;
    stop_server(&r, server);
    pthread_barrier_destroy(&start);
    *wall_rate = (double)r.done / elapsed;
    *cpu_rate = (double)r.done / (r.server_cpu + r.client_cpu);
}

/* ---- Report ----------------------------------------------------------------------- */

typedef struct {
    double median, min, max;
} stat_t;

static bool ratio_row(const char *label, double ratio, double target)
{
    bool ok = ratio >= target;
    printf("  %-40s %6.2f  %s (target >= %.1f)\n", label, ratio, ok ? "PASS" : "FAIL", target);
    return ok;
}

static void remove_dir(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "ratls_handshake: could not remove %s\n", dir);
}

static void summarize(double r[MODE_COUNT][RUNS], stat_t st[MODE_COUNT])
{
    for (int m = 0; m < MODE_COUNT; m++) {
        qsort(r[m], RUNS, sizeof(r[m][0]), vt_bench_cmp_double);
        st[m] = (stat_t){r[m][RUNS / 2], r[m][0], r[m][RUNS - 1]};
    }
}

static void print_rates(const char *title, const stat_t st[MODE_COUNT])
{
    printf("\n  %-40s %8s  %s\n", title, "median", "(min-max)");
    for (int m = 0; m < MODE_COUNT; m++) {
        char range[40];
        snprintf(range, sizeof(range), "(%.0f-%.0f)", st[m].min, st[m].max);
        printf("  %-40s %8.0f  %s\n", mode_names[m], st[m].median, range);
    }
}

/* The ratios of one table against the targets; true if both P-256 targets are met. */
static bool print_ratios(const char *what, const stat_t st[MODE_COUNT])
{
    double a = st[MODE_PLAIN].median;
    char label[80];
    printf("\n  ratios (%s)\n", what);
    bool pass =
        ratio_row("(b)/(a) P-256, fresh evidence", st[MODE_FRESH_256].median / a, TARGET_FRESH);
    pass =
        ratio_row("(c)/(a) P-256, cached evidence", st[MODE_CACHE_256].median / a, TARGET_CACHE) &&
        pass;
    snprintf(label, sizeof(label), "(b)/(a) P-384, fresh evidence");
    printf("  %-40s %6.2f  (P-384, for information)\n", label, st[MODE_FRESH_384].median / a);
    snprintf(label, sizeof(label), "(c)/(a) P-384, cached evidence");
    printf("  %-40s %6.2f  (P-384, for information)\n", label, st[MODE_CACHE_384].median / a);
    return pass;
}

/* Runs one mode for a while and prints its rate: for perf record. */
static int profile_one(const char *mode_arg, const char *secs_arg)
{
    char dir[64];
    int m = atoi(mode_arg);
    double secs = atof(secs_arg), total = 0, w, c;
    int n = 0;
    if (m < 0 || m >= MODE_COUNT || secs <= 0) {
        fprintf(stderr, "Usage: ratls_handshake [MODE SECONDS]\n");
        return 64;
    }
    setup(dir);
    warm_up(&modes[m]);
    for (double t0 = vt_bench_now(); vt_bench_now() - t0 < secs; n++) {
        run_once(&modes[m], &w, &c);
        total += c;
    }
    printf("%s: %.0f handshakes per CPU second\n", mode_names[m], total / n);
    remove_dir(dir);
    return 0;
}

int main(int argc, char **argv)
{
    char dir[64];
    static double wall[MODE_COUNT][RUNS], cpu[MODE_COUNT][RUNS];
    stat_t ws[MODE_COUNT], cs[MODE_COUNT];

    if (argc == 3) return profile_one(argv[1], argv[2]);
    if (argc != 1) {
        fprintf(stderr, "Usage: ratls_handshake [MODE SECONDS]\n");
        return 64;
    }

    printf("Veritee RA-TLS handshake benchmark\n");
    printf("  OpenSSL       %s\n", OpenSSL_version(OPENSSL_VERSION));
    printf("  CPUs online   %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
    double load[3];
    if (getloadavg(load, 3) == 3)
        printf("  load average  %.2f %.2f %.2f (other work on this machine)\n", load[0], load[1],
               load[2]);
    printf(
        "  method        mutual TLS 1.3 handshakes over AF_UNIX socketpairs, one client and\n"
        "                one server thread, a fresh socketpair and SSL per handshake, no\n"
        "                resumption or tickets; median (min-max) of %d runs of %.1f s per mode,\n"
        "                modes interleaved; every RA-TLS result checked (peer MRENCLAVE, cache).\n"
        "                Rates per wall-clock second, and per second of CPU time used by\n"
        "                the two threads (the cost of a handshake, both ends, whatever else\n"
        "                runs on the machine)\n",
        RUNS, RUN_SECONDS);
    printf("  evidence      simulated SGX platform, TCG + legacy quotes per certificate; quote\n"
           "                verifier with warm collateral and PCK-chain caches\n");
    fflush(stdout);
    setup(dir);
    for (int m = 0; m < MODE_COUNT; m++) warm_up(&modes[m]);
    for (int i = 0; i < RUNS; i++)
        for (int m = 0; m < MODE_COUNT; m++) run_once(&modes[m], &wall[m][i], &cpu[m][i]);
    summarize(wall, ws);
    summarize(cpu, cs);
    print_rates("handshakes per wall-clock second", ws);
    print_rates("handshakes per CPU second (both threads)", cs);
    bool pass_wall = print_ratios("wall clock", ws);
    bool pass_cpu = print_ratios("CPU time", cs);
    printf("\n  verdict (CPU time): %s\n", pass_cpu
                                               ? "PASS, the P-256 ratios meet their targets"
                                               : "FAIL, some P-256 ratios are BELOW their targets");
    if (pass_wall != pass_cpu)
        printf("  (the wall-clock ratios %s: other load on this machine shifts them)\n",
               pass_wall ? "pass" : "do not all pass");
    for (int m = 0; m < MODE_COUNT; m++) {
        SSL_CTX_free(modes[m].server);
        SSL_CTX_free(modes[m].client);
        vt_ratls_verifier_free(modes[m].server_rv);
        vt_ratls_verifier_free(modes[m].client_rv);
    }
    vt_policy_free(policy_server);
    vt_policy_free(policy_client);
    vt_verifier_free(verifier);
    remove_dir(dir);
    return 0;
}
