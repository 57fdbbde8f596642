/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Quote verification throughput, next to OpenSSL's own ECDSA P-256 verify rate measured
 * in the same run (so the ratio does not depend on the machine).
 *
 *   quote_verify VECTORS_DIR
 *
 * Loads every DCAP vector in VECTORS_DIR (quote.bin + collateral bundle + expected.json).
 * Each vector gets one verifier per PCK-cache mode, configured once with the vector's
 * bundle directory as collateral source; a warm-up verification fills the collateral
 * cache, so the timed loop measures the per-quote work. Worker threads verify every
 * vector in turn at its verify_time and check that each result is the expected one;
 * any other result aborts the benchmark.
 *
 * Measured, as the median of RUNS runs of RUN_SECONDS each (the modes interleaved), with 1 thread
 * and with N threads (N = online CPUs): (a) quotes/s with the PCK-chain cache disabled; (b)
 * quotes/s with the PCK-chain cache enabled; (c) ECDSA P-256 verifications/s with EVP_DigestVerify
 * (pre-made key, DER signature); and the ratios (a) / ((c) / 3) and (b) / ((c) / 2), target >= 0.8:
 * a quote needs about three signature verifications beyond collateral when the PCK chain is checked
 * every time (PCK certificate, QE report, quote), two when the chain is cached.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <veritee/verify.h>

#include "bench_util.h"

#define RUNS           5
#define RUN_SECONDS    1.0
#define MAX_VECTORS    64
#define MAX_ADVISORIES 16
#define TARGET         0.8

typedef struct {
    char id[128];
    char dir[4096];
    uint8_t *quote; /* owned */
    size_t len;
    vt_time_t at;
    char verify_time[32];
    vt_tcb_status_t expected;
    char advisories[MAX_ADVISORIES][64];
    size_t advisory_count;
    vt_verifier_t *verifier[2]; /* owned; [0] PCK cache off, [1] on */
} vector_t;

typedef enum { MODE_NOCACHE = 0, MODE_CACHE = 1, MODE_ECDSA = 2 } bench_mode_t;

typedef struct {
    vector_t *vectors;
    size_t count;
    EVP_PKEY *key; /* owned; the ECDSA key for (c) */
    uint8_t msg[432];
    uint8_t sig[80];
    size_t sig_len;
    const EVP_MD *sha256;
} bench_t;

typedef struct {
    bench_t *b;
    bench_mode_t mode;
    size_t first; /* vector to start from, so threads do not move in lockstep */
    pthread_barrier_t *start;
    atomic_bool *stop;
    _Alignas(64) uint64_t done; /* own cache line: no false sharing between workers */
} worker_t;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("quote_verify: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    uint8_t *buf = malloc(VT_QUOTE_MAX);
    size_t n = buf ? fread(buf, 1, VT_QUOTE_MAX, f) : 0;
    fclose(f);
    if (buf == NULL || n == 0 || n == VT_QUOTE_MAX) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static void load_expected(vector_t *v)
{
    char path[4200];
    json_error_t err;
    snprintf(path, sizeof(path), "%s/expected.json", v->dir);
    json_t *root = json_load_file(path, 0, &err);
    if (root == NULL) die("%s: %s", path, err.text);
    const char *t = json_string_value(json_object_get(root, "verify_time"));
    const char *s = json_string_value(json_object_get(root, "expected_tcb_status"));
    json_t *ids = json_object_get(root, "expected_advisory_ids");
    if (t == NULL || s == NULL || vt_time_parse(t, &v->at) != 0)
        die("%s: no usable verify_time", path);
    if (vt_tcb_status_from_name(s, &v->expected) != 0) die("%s: unknown status %s", path, s);
    snprintf(v->verify_time, sizeof(v->verify_time), "%s", t);
    size_t i;
    json_t *id;
    json_array_foreach (ids, i, id) {
        if (i >= MAX_ADVISORIES || !json_is_string(id)) die("%s: bad advisory list", path);
        snprintf(v->advisories[i], sizeof(v->advisories[i]), "%s", json_string_value(id));
        v->advisory_count = i + 1;
    }
    json_decref(root);
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const vector_t *)a)->id, ((const vector_t *)b)->id);
}

/* Every subdirectory with a quote.bin, a tcb_info.json and an expected.json. */
static size_t load_vectors(const char *root, vector_t *out)
{
    DIR *d = opendir(root);
    size_t n = 0;
    struct dirent *e;
    if (d == NULL) die("%s: cannot open", root);
    while ((e = readdir(d)) != NULL && n < MAX_VECTORS) {
        if (e->d_name[0] == '.') continue;
        vector_t *v = &out[n];
        char path[4200];
        *v = (vector_t){0};
        if (strlen(e->d_name) >= sizeof(v->id) ||
            strlen(root) + strlen(e->d_name) + 2 > sizeof(v->dir))
            continue;
        snprintf(v->id, sizeof(v->id), "%.127s", e->d_name);
        snprintf(v->dir, sizeof(v->dir), "%.3800s/%.255s", root, e->d_name);
        snprintf(path, sizeof(path), "%s/tcb_info.json", v->dir);
        if (access(path, R_OK) != 0) continue;
        snprintf(path, sizeof(path), "%s/quote.bin", v->dir);
        v->quote = read_all(path, &v->len);
        if (v->quote == NULL) continue;
        load_expected(v);
        n++;
    }
    closedir(d);
    qsort(out, n, sizeof(*out), by_id);
    return n;
}

/* Aborts unless r is exactly what expected.json says. */
static void check_result(const vector_t *v, int rc, const vt_verify_result_t *r)
{
    bool ok = (rc == 0 || (rc == VT_E_REVOKED && v->expected == VT_TCB_REVOKED)) &&
              r->tcb_status == v->expected && r->advisory_count == v->advisory_count;
    for (size_t i = 0; ok && i < r->advisory_count; i++) {
        bool found = false;
        for (size_t j = 0; j < v->advisory_count; j++)
            found = found || strcmp(r->advisory_ids[i], v->advisories[j]) == 0;
        ok = found;
    }
    if (ok) return;
    fprintf(stderr,
            "\nquote_verify: WRONG RESULT for %s: rc %s, status %s, %zu advisories; expected "
            "%s with %zu advisories (%s)\n",
            v->id, vt_error_name(rc), vt_tcb_status_name(r->tcb_status), r->advisory_count,
            vt_tcb_status_name(v->expected), v->advisory_count, vt_last_error());
    abort();
}

static void verify_one(vector_t *v, int cache)
{
    vt_verify_result_t r;
    int rc = vt_verifier_verify(v->verifier[cache], v->quote, v->len, v->at, &r);
    check_result(v, rc, &r);
    vt_verify_result_cleanup(&r);
}

static void ecdsa_one(bench_t *b, EVP_MD_CTX *ctx, EVP_PKEY *key)
{
    if (EVP_DigestVerifyInit(ctx, NULL, b->sha256, NULL, key) != 1 ||
        EVP_DigestVerify(ctx, b->sig, b->sig_len, b->msg, sizeof(b->msg)) != 1) {
        fprintf(stderr, "\nquote_verify: ECDSA verification failed\n");
        abort();
    }
}

static void *worker(void *arg)
{
    worker_t *w = arg;
    bench_t *b = w->b;
    EVP_MD_CTX *ctx = NULL;
    EVP_PKEY *key = NULL;
    size_t i = w->first;

    if (w->mode == MODE_ECDSA) {
        /* Own copies, so threads do not share a reference count. */
        ctx = EVP_MD_CTX_new();
        key = EVP_PKEY_dup(b->key);
        if (ctx == NULL || key == NULL) die("out of memory");
    }
    pthread_barrier_wait(w->start);
    while (!atomic_load_explicit(w->stop, memory_order_relaxed)) {
        if (w->mode == MODE_ECDSA) {
            ecdsa_one(b, ctx, key);
        } else {
            verify_one(&b->vectors[i], w->mode == MODE_CACHE);
            i = (i + 1) % b->count;
        }
        w->done++;
    }
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    return NULL;
}

/* One timed run: operations per second over all threads. */
static double run_once(bench_t *b, bench_mode_t mode, int threads)
{
    pthread_t tid[256];
    worker_t w[256];
    pthread_barrier_t start;
    atomic_bool stop = false;

    pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
    for (int t = 0; t < threads; t++) {
        w[t] = (worker_t){b, mode, (size_t)t % b->count, &start, &stop, 0};
        if (pthread_create(&tid[t], NULL, worker, &w[t]) != 0) die("pthread_create failed");
    }
    pthread_barrier_wait(&start);
    double t0 = vt_bench_now();
    struct timespec nap = {(time_t)RUN_SECONDS,
                           (long)((RUN_SECONDS - (double)(time_t)RUN_SECONDS) * 1e9)};
    while (nanosleep(&nap, &nap) != 0) {
    }
    atomic_store(&stop, true);
    uint64_t total = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        total += w[t].done;
    }
    double elapsed = vt_bench_now() - t0;
    pthread_barrier_destroy(&start);
    return (double)total / elapsed;
}

typedef struct {
    double median, min, max;
} stat_t;

/*
 * Runs RUNS rounds; each round times every mode once, so a change in machine load
 * during the benchmark hits all modes alike instead of skewing one of them.
 */
static void measure_all(bench_t *b, int threads, stat_t out[3])
{
    double r[3][RUNS];
    for (int i = 0; i < RUNS; i++)
        for (int m = 0; m < 3; m++) r[m][i] = run_once(b, (bench_mode_t)m, threads);
    for (int m = 0; m < 3; m++) {
        qsort(r[m], RUNS, sizeof(r[m][0]), vt_bench_cmp_double);
        out[m] = (stat_t){r[m][RUNS / 2], r[m][0], r[m][RUNS - 1]};
    }
}

static void setup_verifiers(bench_t *b)
{
    for (size_t i = 0; i < b->count; i++) {
        vector_t *v = &b->vectors[i];
        for (int cache = 0; cache < 2; cache++) {
            if (vt_verifier_new(&v->verifier[cache]) != 0 ||
                vt_verifier_set_collateral_dir(v->verifier[cache], v->dir) != 0 ||
                (cache == 0 && vt_verifier_set_pck_cache(v->verifier[cache], 0) != 0))
                die("%s: cannot set up a verifier: %s", v->id, vt_last_error());
            verify_one(v, cache); /* warm-up: fetches and checks the collateral once */
        }
    }
}

static void setup_ecdsa(bench_t *b)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    for (size_t i = 0; i < sizeof(b->msg); i++) b->msg[i] = (uint8_t)(i * 7 + 1);
    b->key = EVP_EC_gen("P-256");
    b->sha256 = EVP_sha256();
    b->sig_len = sizeof(b->sig);
    if (ctx == NULL || b->key == NULL ||
        EVP_DigestSignInit(ctx, NULL, b->sha256, NULL, b->key) != 1 ||
        EVP_DigestSign(ctx, b->sig, &b->sig_len, b->msg, sizeof(b->msg)) != 1)
        die("cannot make the ECDSA test signature");
    EVP_MD_CTX_free(ctx);
}

#define LABEL_WIDTH 36

static void print_rate_row(const char *label, const stat_t *s, int columns)
{
    printf("  %-*s", LABEL_WIDTH, label);
    for (int c = 0; c < columns; c++) {
        char range[40];
        snprintf(range, sizeof(range), "(%.0f-%.0f)", s[c].min, s[c].max);
        printf("  %8.0f %-15s", s[c].median, range);
    }
    printf("\n");
}

static bool print_ratio_row(const char *label, const stat_t *q, const stat_t *e, double div,
                            int columns)
{
    bool pass = true;
    printf("  %-*s", LABEL_WIDTH, label);
    for (int c = 0; c < columns; c++) {
        double ratio = q[c].median / (e[c].median / div);
        printf("  %8.2f %-15s", ratio, ratio >= TARGET ? "PASS" : "BELOW");
        pass = pass && ratio >= TARGET;
    }
    printf("  (target >= %.1f)\n", TARGET);
    return pass;
}

/* The table: rates per mode and thread count, then the ratios against the targets. */
static void print_report(stat_t st[2][3], const int threads[2], int columns)
{
    stat_t a[2], c[2], e[2];
    for (int col = 0; col < columns; col++) {
        a[col] = st[col][MODE_NOCACHE];
        c[col] = st[col][MODE_CACHE];
        e[col] = st[col][MODE_ECDSA];
    }

    printf("\n  %-*s", LABEL_WIDTH, "per second: median (min-max)");
    for (int col = 0; col < columns; col++) {
        char head[32];
        snprintf(head, sizeof(head), "%d thread%s", threads[col], threads[col] > 1 ? "s" : "");
        printf("  %8s %-15s", "", head);
    }
    printf("\n");
    print_rate_row("(a) quotes/s, PCK-chain cache off", a, columns);
    print_rate_row("(b) quotes/s, PCK-chain cache on", c, columns);
    print_rate_row("(c) OpenSSL ECDSA P-256 verify/s", e, columns);
    printf("\n");
    bool pass = print_ratio_row("(a) / ((c) / 3)", a, e, 3.0, columns);
    pass = print_ratio_row("(b) / ((c) / 2)", c, e, 2.0, columns) && pass;
    printf("\n  %s\n", pass ? "all ratios meet the target" : "some ratios are BELOW the target");
}

int main(int argc, char **argv)
{
    static vector_t vectors[MAX_VECTORS];
    bench_t b = {0};
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int threads[2] = {1, cpus > 1 ? (int)(cpus < 256 ? cpus : 256) : 1};
    int columns = threads[1] > 1 ? 2 : 1;

    if (argc != 2) {
        fprintf(stderr, "Usage: quote_verify VECTORS_DIR\n");
        return 64;
    }
    b.vectors = vectors;
    b.count = load_vectors(argv[1], vectors);
    if (b.count == 0)
        die("%s: no DCAP vectors (quote.bin + tcb_info.json + expected.json)", argv[1]);

    printf("Veritee quote verification benchmark\n");
    printf("  OpenSSL       %s\n", OpenSSL_version(OPENSSL_VERSION));
    printf("  CPUs online   %ld\n", cpus);
    printf("  method        median (min-max) of %d runs of %.1f s; one verifier per vector and\n"
           "                cache mode, bundle-dir collateral checked once (warm cache); every\n"
           "                result checked against expected.json\n",
           RUNS, RUN_SECONDS);
    printf("  vectors       %zu\n", b.count);
    setup_verifiers(&b);
    for (size_t i = 0; i < b.count; i++)
        printf("    %-32s at %s  %-34s ok\n", vectors[i].id, vectors[i].verify_time,
               vt_tcb_status_name(vectors[i].expected));
    setup_ecdsa(&b);

    stat_t st[2][3];
    for (int col = 0; col < columns; col++) measure_all(&b, threads[col], st[col]);
    print_report(st, threads, columns);

    for (size_t i = 0; i < b.count; i++) {
        vt_verifier_free(vectors[i].verifier[0]);
        vt_verifier_free(vectors[i].verifier[1]);
        free(vectors[i].quote);
    }
    EVP_PKEY_free(b.key);
    return 0;
}
