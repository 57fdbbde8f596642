/* SPDX-License-Identifier: Apache-2.0 */
/*
 * veritee-secretd under load, on loopback:
 *
 *   secretd PATH_TO_VERITEE_SECRETD [CLIENTS [idle]]
 *
 * ("idle": part 2 only, for profiling the memory of idle connections.)
 * 1. Provisions per second: CLIENTS (default 16) client threads, each with its own
 *    RA-TLS certificate (ECDSA P-256, quotes of a simulated SGX platform), each doing a
 *    fresh mutual TLS 1.3 handshake (no resumption) + Gramine request + 32-byte secret
 *    per provision against the daemon (all cores, evidence cache on). Next to it, in
 *    the same run, the same clients with a plain P-256 client certificate against a
 *    plain mutual-TLS server in this process (OpenSSL, one blocking thread per core,
 *    CA chain verification, the same request and answer): handshakes per second. The
 *    two are interleaved, RUNS runs of RUN_SECONDS each, medians compared:
 *    PASS if provisions/s >= 0.45 x plain handshakes/s.
 *    Then the same again with the daemon restarted with its RA-TLS evidence cache off
 *    (both quotes of every client certificate verified on every provision; collateral
 *    and PCK-chain caches warm), against the same plain median: PASS if >= 0.45 too.
 * 2. 10,000 idle connections: opened to the daemon past the TLS handshake (the client
 *    keeps only the socket), held while provisioning continues (RUNS runs again); the
 *    daemon's VmRSS (/proc/PID/status), median of one sample per run:
 *    PASS if < 256 MiB.
 * RLIMIT_NOFILE is raised to the hard limit here; the daemon raises its own.
 * Every provision checks the secret's bytes, so a daemon that stopped serving fails.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <veritee/ratls.h>
#include <veritee/secretprov.h>
#include <veritee/sim.h>

#include "bench_util.h"

#define RUNS           5
#define RUN_SECONDS    2.0
#define IDLE_CONNS     10000
#define IDLE_OPENERS   4
#define TARGET_RATIO   0.45
#define TARGET_RSS_MIB 256
#define SECRET_LEN     32
#define CACHE_CAPACITY 4096
#define CLIENTS_MAX    256

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bench secretd: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static X509 *make_cert(EVP_PKEY *key, const char *cn, EVP_PKEY *ca_key, X509 *ca)
{
    X509 *x = vt_bench_make_cert(key, cn, ca_key, ca);
    if (x == NULL) die("cannot make the certificate of %s", cn);
    return x;
}

/* ---- Certificates and evidence ---------------------------------------------------- */

static vt_sim_platform_t *g_platform;

static int evidence(void *ctx, const uint8_t rd[VT_REPORT_DATA_LEN], uint8_t **out, size_t *len)
{
    (void)ctx;
    vt_sgx_report_body_t b = {.isv_prod_id = 7, .isv_svn = 3};
    b.attributes[0] = 0x05; /* INIT | MODE64BIT */
    b.attributes[8] = 0x03;
    memset(b.mr_enclave, 0xe1, sizeof(b.mr_enclave));
    memset(b.mr_signer, 0x51, sizeof(b.mr_signer));
    memcpy(b.report_data, rd, VT_REPORT_DATA_LEN);
    return vt_sim_quote_sgx(g_platform, &b, out, len);
}

static void write_pem(const char *path, X509 *cert, EVP_PKEY *key)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) die("%s: %s", path, strerror(errno));
    if ((cert && PEM_write_X509(f, cert) != 1) ||
        (key && PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) != 1))
        die("cannot write %s", path);
    fclose(f);
}

/* ---- The world: PKI, platform, daemon, baseline server ---------------------------- */

typedef struct {
    char dir[64];
    X509 *ca;
    EVP_PKEY *ca_key;
    X509 *server_cert;
    EVP_PKEY *server_key;
    X509 *plain_cert;
    EVP_PKEY *plain_key;
    uint8_t secret[SECRET_LEN];
    pid_t daemon;
    uint16_t daemon_port;
    int base_fd; /* the baseline server's listening socket */
    uint16_t base_port;
    SSL_CTX *base_ctx;
    pthread_t base_threads[CLIENTS_MAX];
    size_t base_thread_count;
    size_t clients;
    atomic_bool base_stop;
} world_t;

static void write_config(world_t *w, size_t cache_capacity)
{
    char path[128], b64[64];
    snprintf(path, sizeof(path), "%s/secretd.json", w->dir);
    EVP_EncodeBlock((unsigned char *)b64, w->secret, SECRET_LEN);
    FILE *f = fopen(path, "w");
    if (f == NULL) die("%s: %s", path, strerror(errno));
    fprintf(f,
            "{\"listen\": [\"127.0.0.1:0\"],\n"
            " \"tls\": {\"cert\": \"server.pem\", \"key\": \"server.key\"},\n"
            " \"trust\": {\"root_ca\": \"root_ca.der\", \"trust_simulated_root\": true,\n"
            "           \"collateral_dir\": \".\"},\n"
            " \"timeouts\": {\"handshake_ms\": 30000, \"idle_ms\": 600000, \"drain_ms\": 500},\n"
            " \"max_connections\": %d,\n"
            " \"ratls_cache\": {\"capacity\": %zu, \"ttl_seconds\": 3600},\n"
            " \"access_log\": \"access.log\",\n"
            " \"secrets\": {\"bench\": {\"base64\": \"%s\"}},\n"
            " \"rules\": [{\"mrenclave\": \"%s\", \"secrets\": [\"bench\"]}]}\n",
            IDLE_CONNS + CLIENTS_MAX + 64, cache_capacity, b64,
            "e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1");
    fclose(f);
}

static void start_daemon(world_t *w, const char *exe)
{
    char cfg[128], log[128], line[512];
    snprintf(cfg, sizeof(cfg), "%s/secretd.json", w->dir);
    snprintf(log, sizeof(log), "%s/secretd.log", w->dir);
    pid_t self = getpid();
    w->daemon = fork();
    if (w->daemon < 0) die("fork: %s", strerror(errno));
    if (w->daemon == 0) {
        /* The daemon goes with the benchmark, however it ends (die() exits, a crash, a
           kill): no daemon left listening with its connections' memory. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != self) _exit(127);
        if (freopen(log, "w", stderr) == NULL) _exit(127);
        execl(exe, exe, "--config", cfg, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 300 && w->daemon_port == 0; i++) {
        usleep(50000);
        FILE *f = fopen(log, "r");
        while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
            unsigned port = 0;
            char *p = strstr(line, "listening on 127.0.0.1:");
            if (p != NULL && sscanf(p, "listening on 127.0.0.1:%u", &port) == 1)
                w->daemon_port = (uint16_t)port;
        }
        if (f != NULL) fclose(f);
        if (waitpid(w->daemon, NULL, WNOHANG) == w->daemon) die("the daemon exited; see %s", log);
    }
    if (w->daemon_port == 0) die("the daemon did not start; see %s", log);
}

static long daemon_rss_kib(const world_t *w)
{
    char path[64], line[256];
    long kib = -1;
    snprintf(path, sizeof(path), "/proc/%d/status", (int)w->daemon);
    FILE *f = fopen(path, "r");
    while (f != NULL && fgets(line, sizeof(line), f) != NULL)
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1) break;
    if (f != NULL) fclose(f);
    return kib;
}

/* The baseline: plain mutual TLS 1.3, the same request and answer as the daemon's. */
static void *base_server(void *arg)
{
    world_t *w = arg;
    uint8_t req[VT_SECRETPROV_MAGIC_LEN], hdr[VT_SECRETPROV_RESPONSE_HEADER_LEN];
    if (vt_secretprov_response_serialize(SECRET_LEN, hdr) < 0) die("response header");
    while (!atomic_load(&w->base_stop)) {
        int fd = accept(w->base_fd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            break; /* shut down */
        }
        SSL *ssl = SSL_new(w->base_ctx);
        size_t n = 0;
        if (ssl != NULL && SSL_set_fd(ssl, fd) == 1 && SSL_accept(ssl) == 1 &&
            SSL_read_ex(ssl, req, sizeof(req), &n) == 1 && n == sizeof(req) &&
            CRYPTO_memcmp(req, VT_SECRETPROV_REQUEST_GRAMINE, sizeof(req)) == 0 &&
            SSL_write_ex(ssl, hdr, sizeof(hdr), &n) == 1 &&
            SSL_write_ex(ssl, w->secret, SECRET_LEN, &n) == 1)
            (void)SSL_shutdown(ssl);
        ERR_clear_error();
        SSL_free(ssl);
        close(fd);
    }
    return NULL;
}

static int listen_any(uint16_t *port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 4096) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        die("baseline listen: %s", strerror(errno));
    *port = ntohs(a.sin_port);
    return fd;
}

static void start_base(world_t *w)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    X509_STORE *store = NULL;
    w->base_ctx = SSL_CTX_new(TLS_server_method());
    if (w->base_ctx == NULL) die("SSL_CTX_new");
    SSL_CTX_set_min_proto_version(w->base_ctx, TLS1_3_VERSION);
    SSL_CTX_set_session_cache_mode(w->base_ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(w->base_ctx, 0);
    SSL_CTX_set_mode(w->base_ctx, SSL_MODE_RELEASE_BUFFERS);
    if (SSL_CTX_use_certificate(w->base_ctx, w->server_cert) != 1 ||
        SSL_CTX_use_PrivateKey(w->base_ctx, w->server_key) != 1)
        die("baseline certificate");
    store = SSL_CTX_get_cert_store(w->base_ctx);
    X509_STORE_add_cert(store, w->ca);
    SSL_CTX_set_verify(w->base_ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    w->base_fd = listen_any(&w->base_port);
    /* Blocking threads wait through every round trip: one per client keeps the server
       as busy as an event loop would be, so the baseline is limited by CPU, not latency. */
    w->base_thread_count =
        w->clients > (size_t)cores ? w->clients : (size_t)(cores < 1 ? 1 : cores);
    for (size_t i = 0; i < w->base_thread_count; i++)
        if (pthread_create(&w->base_threads[i], NULL, base_server, w) != 0) die("thread");
}

static void stop_base(world_t *w)
{
    atomic_store(&w->base_stop, true);
    shutdown(w->base_fd, SHUT_RDWR);
    for (size_t i = 0; i < w->base_thread_count; i++) pthread_join(w->base_threads[i], NULL);
    close(w->base_fd);
    SSL_CTX_free(w->base_ctx);
}

/* ---- Clients ---------------------------------------------------------------------- */

typedef struct {
    const world_t *w;
    SSL_CTX *ratls; /* presents an RA-TLS certificate */
    SSL_CTX *plain; /* presents the CA-issued plain certificate */
    pthread_t thread;
    SSL_CTX *use;
    uint16_t port;
    double until;
    long done;
} client_t;

static SSL_CTX *client_ctx(const world_t *w, EVP_PKEY *key, X509 *cert, bool is_ratls)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) die("SSL_CTX_new");
    if (is_ratls) {
        vt_ratls_ssl_options_t o = {.key = key, .cert = cert};
        if (vt_ratls_ssl_ctx_configure(ctx, &o) < 0) die("ratls: %s", vt_last_error());
    } else {
        SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
        if (SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1)
            die("client certificate");
    }
    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), w->ca);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    return ctx;
}

static int connect_to(uint16_t port)
{
    struct sockaddr_in a = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket: %s", strerror(errno));
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) die("connect: %s", strerror(errno));
    return fd;
}

static bool read_exact(SSL *ssl, uint8_t *buf, size_t len)
{
    for (size_t got = 0, n = 0; got < len; got += n)
        if (SSL_read_ex(ssl, buf + got, len - got, &n) != 1) return false;
    return true;
}

/* One provision: handshake, request, header, secret (checked). */
static void provision(client_t *c)
{
    uint8_t hdr[VT_SECRETPROV_RESPONSE_HEADER_LEN], secret[SECRET_LEN];
    vt_secretprov_response_t r;
    size_t n = 0;
    int fd = connect_to(c->port);
    SSL *ssl = SSL_new(c->use);
    if (ssl == NULL || SSL_set_fd(ssl, fd) != 1 || SSL_connect(ssl) != 1) die("handshake");
    if (SSL_write_ex(ssl, VT_SECRETPROV_REQUEST_GRAMINE, VT_SECRETPROV_MAGIC_LEN, &n) != 1 ||
        !read_exact(ssl, hdr, sizeof(hdr)) ||
        vt_secretprov_response_parse(hdr, sizeof(hdr), &r) < 0 ||
        r.kind != VT_SECRETPROV_RESP_SECRET || r.value != SECRET_LEN ||
        !read_exact(ssl, secret, SECRET_LEN) ||
        CRYPTO_memcmp(secret, c->w->secret, SECRET_LEN) != 0)
        die("no secret from port %u", (unsigned)c->port);
    SSL_free(ssl);
    close(fd);
}

static void *client_main(void *arg)
{
    client_t *c = arg;
    while (vt_bench_now() < c->until) {
        provision(c);
        c->done++;
    }
    return NULL;
}

/* Runs every client against port for RUN_SECONDS; returns completions per second. */
static double run_load(client_t *cl, size_t n, uint16_t port, bool is_ratls)
{
    double start = vt_bench_now();
    long total = 0;
    for (size_t i = 0; i < n; i++) {
        cl[i].use = is_ratls ? cl[i].ratls : cl[i].plain;
        cl[i].port = port;
        cl[i].until = start + RUN_SECONDS;
        cl[i].done = 0;
        if (pthread_create(&cl[i].thread, NULL, client_main, &cl[i]) != 0) die("thread");
    }
    for (size_t i = 0; i < n; i++) {
        pthread_join(cl[i].thread, NULL);
        total += cl[i].done;
    }
    return (double)total / (vt_bench_now() - start);
}

/* ---- Idle connections ------------------------------------------------------------- */

typedef struct {
    SSL_CTX *ctx;
    uint16_t port;
    int *fds;
    size_t count;
    pthread_t thread;
} opener_t;

static void *opener_main(void *arg)
{
    opener_t *o = arg;
    for (size_t i = 0; i < o->count; i++) {
        int fd = connect_to(o->port);
        SSL *ssl = SSL_new(o->ctx);
        if (ssl == NULL || SSL_set_fd(ssl, fd) != 1 || SSL_connect(ssl) != 1)
            die("idle connection %zu: handshake", i);
        SSL_free(ssl); /* sends nothing: the daemon sees an idle session */
        o->fds[i] = fd;
    }
    return NULL;
}

static void open_idle(client_t *cl, size_t n, uint16_t port, int *fds)
{
    opener_t o[IDLE_OPENERS];
    size_t per = IDLE_CONNS / IDLE_OPENERS;
    for (size_t i = 0; i < IDLE_OPENERS; i++) {
        o[i] = (opener_t){.ctx = cl[i % n].ratls,
                          .port = port,
                          .fds = fds + i * per,
                          .count = i + 1 == IDLE_OPENERS ? IDLE_CONNS - i * per : per};
        if (pthread_create(&o[i].thread, NULL, opener_main, &o[i]) != 0) die("thread");
    }
    for (size_t i = 0; i < IDLE_OPENERS; i++) pthread_join(o[i].thread, NULL);
}

/* ---- Main ------------------------------------------------------------------------- */

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), vt_bench_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double min_of(const double *v, int n)
{
    double m = v[0];
    for (int i = 1; i < n; i++) m = v[i] < m ? v[i] : m;
    return m;
}

static double max_of(const double *v, int n)
{
    double m = v[0];
    for (int i = 1; i < n; i++) m = v[i] > m ? v[i] : m;
    return m;
}

/* Stops the daemon and starts it again with another evidence-cache capacity. */
static void restart_daemon(world_t *w, const char *exe, size_t cache_capacity)
{
    int status = 0;
    kill(w->daemon, SIGTERM);
    waitpid(w->daemon, &status, 0);
    w->daemon_port = 0;
    write_config(w, cache_capacity);
    start_daemon(w, exe);
}

static void setup(world_t *w)
{
    char path[128];
    vt_sim_init_options_t so = {.platform_count = 1};
    snprintf(w->dir, sizeof(w->dir), "/tmp/vt_bench_secretd_XXXXXX");
    if (mkdtemp(w->dir) == NULL) die("mkdtemp: %s", strerror(errno));
    if (vt_sim_init(w->dir, &so) < 0 || vt_sim_platform_load(w->dir, 0, &g_platform) < 0)
        die("simulated platform: %s", vt_last_error());
    w->ca_key = EVP_EC_gen("P-256");
    w->server_key = EVP_EC_gen("P-256");
    w->plain_key = EVP_EC_gen("P-256");
    if (!w->ca_key || !w->server_key || !w->plain_key) die("key generation");
    w->ca = make_cert(w->ca_key, "bench CA", NULL, NULL);
    w->server_cert = make_cert(w->server_key, "localhost", w->ca_key, w->ca);
    w->plain_cert = make_cert(w->plain_key, "client", w->ca_key, w->ca);
    snprintf(path, sizeof(path), "%s/server.pem", w->dir);
    write_pem(path, w->server_cert, NULL);
    snprintf(path, sizeof(path), "%s/server.key", w->dir);
    write_pem(path, NULL, w->server_key);
    if (RAND_bytes(w->secret, SECRET_LEN) != 1) die("RAND_bytes");
    write_config(w, CACHE_CAPACITY);
}

static void cleanup(world_t *w)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", w->dir);
    if (system(cmd) != 0) fprintf(stderr, "bench secretd: cannot remove %s\n", w->dir);
}

int main(int argc, char **argv)
{
    static world_t w;
    static client_t cl[CLIENTS_MAX];
    double sd[RUNS], base[RUNS], loaded[RUNS], rss[RUNS];
    size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 16;
    struct rlimit rl;

    if (argc < 2 || n == 0 || n > CLIENTS_MAX) {
        fprintf(stderr, "usage: secretd PATH_TO_VERITEE_SECRETD [CLIENTS (1..%d) [idle]]\n",
                CLIENTS_MAX);
        return 64;
    }
    signal(SIGPIPE, SIG_IGN);
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur < IDLE_CONNS + 2 * CLIENTS_MAX)
        die("RLIMIT_NOFILE hard limit %lu is too low for %d connections",
            (unsigned long)rl.rlim_max, IDLE_CONNS);
    setup(&w);
    w.clients = n;
    start_daemon(&w, argv[1]);
    start_base(&w);
    vt_ratls_create_options_t co = {.key_type = VT_RATLS_KEY_P256};
    for (size_t i = 0; i < n; i++) {
        EVP_PKEY *key = NULL;
        X509 *cert = NULL;
        if (vt_ratls_create_with(evidence, NULL, &co, &key, &cert) < 0)
            die("RA-TLS certificate: %s", vt_last_error());
        cl[i] = (client_t){.w = &w,
                           .ratls = client_ctx(&w, key, cert, true),
                           .plain = client_ctx(&w, w.plain_key, w.plain_cert, false)};
        EVP_PKEY_free(key);
        X509_free(cert);
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    printf("veritee-secretd benchmark: %zu concurrent clients, %ld cores, TLS 1.3, ECDSA P-256, "
           "%d runs of %.0f s\n",
           n, cores, RUNS, RUN_SECONDS);
    bool is_idle_only = argc > 3 && strcmp(argv[3], "idle") == 0;
    double ratio = 1;
    if (is_idle_only) goto idle;
    (void)run_load(cl, n, w.daemon_port, true); /* warm-up: the evidence cache */
    (void)run_load(cl, n, w.base_port, false);
    for (int r = 0; r < RUNS; r++) {
        sd[r] = run_load(cl, n, w.daemon_port, true);
        base[r] = run_load(cl, n, w.base_port, false);
        printf("  run %d: secretd %.0f provisions/s, plain mTLS %.0f handshakes/s\n", r + 1, sd[r],
               base[r]);
        fflush(stdout);
    }
    double msd = median(sd, RUNS), mbase = median(base, RUNS);
    ratio = msd / mbase;
    printf("provisions/s (RA-TLS handshake + secret), median: %.0f\n", msd);
    printf("plain mutual TLS handshakes/s, median:            %.0f\n", mbase);
    printf("ratio %.2f (target >= %.2f): %s\n", ratio, TARGET_RATIO,
           ratio >= TARGET_RATIO ? "PASS" : "FAIL");
    fflush(stdout);

    /* The same with the daemon's RA-TLS evidence cache off: both quotes of every client
       certificate verified on every provision (collateral and PCK-chain caches warm). */
    restart_daemon(&w, argv[1], 0);
    double cold[RUNS];
    for (int r = 0; r < RUNS; r++) cold[r] = run_load(cl, n, w.daemon_port, true);
    double mcold = median(cold, RUNS);
    printf("provisions/s, evidence cache off, median:  %.0f (min %.0f, max %.0f)\n", mcold,
           min_of(cold, RUNS), max_of(cold, RUNS));
    printf("ratio with the evidence cache off %.2f (target >= %.2f): %s\n", mcold / mbase,
           TARGET_RATIO, mcold / mbase >= TARGET_RATIO ? "PASS" : "FAIL");
    if (mcold / mbase < ratio) ratio = mcold / mbase;
    fflush(stdout);
    restart_daemon(&w, argv[1], CACHE_CAPACITY);
    (void)run_load(cl, n, w.daemon_port, true); /* warm the cache again */
idle:
    stop_base(&w);
    long rss0 = daemon_rss_kib(&w);
    static int fds[IDLE_CONNS];
    double t0 = vt_bench_now();
    open_idle(cl, n, w.daemon_port, fds);
    printf("opened %d idle TLS connections in %.1f s (daemon VmRSS before: %.1f MiB)\n", IDLE_CONNS,
           vt_bench_now() - t0, (double)rss0 / 1024);
    fflush(stdout);
    sleep(1);
    for (int r = 0; r < RUNS; r++) {
        loaded[r] = run_load(cl, n, w.daemon_port, true);
        rss[r] = (double)daemon_rss_kib(&w) / 1024;
        printf("  run %d: %.0f provisions/s with %d idle connections, daemon VmRSS %.1f MiB\n",
               r + 1, loaded[r], IDLE_CONNS, rss[r]);
        fflush(stdout);
    }
    double mrss = median(rss, RUNS);
    printf("provisions/s with %d idle connections, median: %.0f\n", IDLE_CONNS,
           median(loaded, RUNS));
    printf("daemon VmRSS with %d idle connections, median: %.1f MiB (target < %d MiB): %s\n",
           IDLE_CONNS, mrss, TARGET_RSS_MIB, mrss < TARGET_RSS_MIB ? "PASS" : "FAIL");

    kill(w.daemon, SIGTERM);
    for (size_t i = 0; i < IDLE_CONNS; i++) close(fds[i]);
    int status = 0;
    waitpid(w.daemon, &status, 0);
    for (size_t i = 0; i < n; i++) {
        SSL_CTX_free(cl[i].ratls);
        SSL_CTX_free(cl[i].plain);
    }
    vt_sim_platform_free(g_platform);
    cleanup(&w);
    return ratio >= TARGET_RATIO && mrss < TARGET_RSS_MIB ? 0 : 1;
}
