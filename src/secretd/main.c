/* SPDX-License-Identifier: Apache-2.0 */
/*
 * veritee-secretd: a secret provisioning service for attested TEEs, speaking Gramine's
 * secret provisioning protocol (and Veritee's named request) over mutual RA-TLS.
 *
 * Threads: the main thread runs the listening sockets, the signals and reloads; N
 * workers (worker.h) run the connections, each on its own event loop. The current
 * runtime (runtime.h: configuration, verifiers, TLS context) is a pointer only the main
 * thread reads and swaps; each connection holds its own reference.
 */
#include <errno.h>
#include <event2/event.h>
#include <jansson.h>
#include <malloc.h>
#include <event2/thread.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/error.h"
#include "listener.h"
#include "log.h"
#include "options.h"
#include "runtime.h"
#include "worker.h"

#ifndef VT_SECRETD_VERSION
#define VT_SECRETD_VERSION "unknown"
#endif

#define EXIT_RUNTIME 1
/* Secrets live here when it has room (secrets.c falls back to the normal heap). */
#define SECURE_HEAP_SIZE (8u * 1024 * 1024)

typedef struct {
    const char *config_path; /* borrowed from argv */
    sd_runtime_t *current;   /* one reference, owned; main thread only */
    uint64_t generation;
    struct event_base *base;   /* owned */
    struct event *sig[3];      /* owned: SIGTERM, SIGINT, SIGHUP */
    sd_pool_t *pool;           /* owned */
    sd_listeners_t *listeners; /* owned */
} daemon_t;

static int load_runtime(const char *path, uint64_t generation, sd_runtime_t **out)
{
    sd_config_t *cfg = NULL;
    VT_GUARD(sd_config_load(path, &cfg));
    int rc = sd_runtime_new(cfg, generation, out);
    if (rc < 0) sd_config_free(cfg);
    return rc;
}

static void reload(daemon_t *d)
{
    sd_runtime_t *rt = NULL;

    if (load_runtime(d->config_path, d->generation + 1, &rt) < 0) {
        sd_log("SIGHUP: reload refused, keeping generation %llu: %s",
               (unsigned long long)d->generation, vt_last_error());
        return;
    }
    if (sd_access_log_open(rt->cfg->access_log) < 0) {
        sd_log("SIGHUP: reload refused, keeping generation %llu: %s",
               (unsigned long long)d->generation, vt_last_error());
        sd_runtime_unref(rt);
        return;
    }
    if (!sd_config_same_listen(rt->cfg, d->current->cfg))
        sd_log("SIGHUP: warning: listen addresses changed; they apply after a restart");
    if (rt->cfg->workers != d->current->cfg->workers)
        sd_log("SIGHUP: warning: worker count changed; it applies after a restart");
    d->generation++;
    sd_runtime_t *old = d->current;
    d->current = rt;
    sd_runtime_unref(old);
    sd_log("SIGHUP: configuration reloaded: generation %llu, %zu rules, %zu secrets",
           (unsigned long long)d->generation, rt->cfg->rule_count, rt->cfg->secret_count);
}

static void on_signal(evutil_socket_t sig, short events, void *arg)
{
    daemon_t *d = arg;
    (void)events;

    if (sig == SIGHUP) {
        reload(d);
        return;
    }
    sd_log("%s: no new connections; draining %zu open connections (at most %u ms)",
           sig == SIGTERM ? "SIGTERM" : "SIGINT", atomic_load(&d->pool->active),
           d->current->cfg->drain_timeout_ms);
    sd_listeners_free(d->listeners);
    d->listeners = NULL;
    sd_pool_drain(d->pool, d->current->cfg->drain_timeout_ms);
    event_base_loopbreak(d->base);
}

static size_t worker_count(const sd_config_t *c)
{
    if (c->workers > 0) return c->workers;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > SD_WORKERS_MAX ? SD_WORKERS_MAX : (size_t)n;
}

/*
 * Inline secrets pass through jansson's strings when the configuration is parsed:
 * everything jansson frees is wiped first (its free function gets no size, so the
 * allocator's usable size is used).
 */
static void json_wiping_free(void *p)
{
    if (p == NULL) return;
    OPENSSL_cleanse(p, malloc_usable_size(p));
    free(p);
}

/* Room for many idle connections: the soft descriptor limit goes up to the hard one. */
static void raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) sd_log("warning: cannot raise RLIMIT_NOFILE");
    }
}

static int start(daemon_t *d)
{
    static const int sigs[3] = {SIGTERM, SIGINT, SIGHUP};
    size_t workers = worker_count(d->current->cfg);

    VT_GUARD(sd_access_log_open(d->current->cfg->access_log));
    d->base = event_base_new();
    VT_ENSURE(d->base != NULL, VT_E_NOMEM, "event_base_new failed");
    for (int i = 0; i < 3; i++) {
        d->sig[i] = evsignal_new(d->base, sigs[i], on_signal, d);
        VT_ENSURE(d->sig[i] != NULL && event_add(d->sig[i], NULL) == 0, VT_E_INTERNAL,
                  "cannot install the signal handlers");
    }
    VT_GUARD(sd_pool_start(workers, &d->pool));
    VT_GUARD(sd_listeners_new(d->base, (sd_runtime_t *const *)&d->current, d->pool, &d->listeners));
    sd_log("ready: %zu workers, %zu rules, %zu secrets", workers, d->current->cfg->rule_count,
           d->current->cfg->secret_count);
    return 0;
}

static void daemon_cleanup(daemon_t *d)
{
    sd_listeners_free(d->listeners);
    if (d->pool != NULL) {
        sd_pool_drain(d->pool, 0);
        sd_pool_free(d->pool);
    }
    for (int i = 0; i < 3; i++)
        if (d->sig[i] != NULL) event_free(d->sig[i]);
    if (d->base != NULL) event_base_free(d->base);
    sd_runtime_unref(d->current);
    sd_access_log_close();
}

static int run(const sd_options_t *o)
{
    int rc = VT_E_INTERNAL;
    daemon_t d = {.config_path = o->config, .generation = 1};

    VT_TRY(load_runtime(o->config, d.generation, &d.current));
    if (o->is_check) {
        printf("veritee-secretd: %s: configuration OK (%zu rules, %zu secrets)\n", o->config,
               d.current->cfg->rule_count, d.current->cfg->secret_count);
        rc = 0;
        goto out;
    }
    VT_TRY(start(&d));
    VT_TRY_ENSURE(event_base_dispatch(d.base) >= 0, VT_E_INTERNAL, "event loop failed");
    /* Drain: the workers stop when their connections are done or the time is up. */
    sd_pool_free(d.pool);
    d.pool = NULL;
    sd_log("stopped");
    rc = 0;
out:
    daemon_cleanup(&d);
    return rc;
}

int main(int argc, char **argv)
{
    sd_options_t o;

    if (sd_options_parse(argc, argv, &o) < 0) {
        fprintf(stderr, "veritee-secretd: %s\nTry 'veritee-secretd --help'.\n", vt_last_error());
        return SD_EXIT_USAGE;
    }
    if (o.is_help) {
        sd_options_print_help();
        return 0;
    }
    if (o.is_version) {
        printf("veritee-secretd %s (%s, libevent %s)\n", VT_SECRETD_VERSION,
               OpenSSL_version(OPENSSL_VERSION), event_get_version());
        return 0;
    }
    /* A client that vanishes mid-write must not kill the service. */
    signal(SIGPIPE, SIG_IGN);
    json_set_alloc_funcs(malloc, json_wiping_free);
    raise_nofile();
    if (evthread_use_pthreads() != 0) {
        fprintf(stderr, "veritee-secretd: libevent has no thread support\n");
        return EXIT_RUNTIME;
    }
    if (CRYPTO_secure_malloc_init(SECURE_HEAP_SIZE, 64) == 0)
        sd_log("note: no OpenSSL secure heap; secrets stay on the normal heap (wiped when freed)");
    int rc = run(&o);
    CRYPTO_secure_malloc_done();
    if (rc < 0) {
        fprintf(stderr, "veritee-secretd: %s\n", vt_last_error());
        return EXIT_RUNTIME;
    }
    return 0;
}
