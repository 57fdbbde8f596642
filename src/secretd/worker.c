/* SPDX-License-Identifier: Apache-2.0 */
/* Worker threads, each with its own event loop (worker.h). */
#include "worker.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "log.h"

static void start_drain(sd_worker_t *w, uint32_t drain_ms)
{
    struct timeval tv = {.tv_sec = drain_ms / 1000, .tv_usec = (drain_ms % 1000) * 1000};

    w->is_draining = true;
    if (atomic_load(&w->active) == 0) {
        event_base_loopbreak(w->base);
        return;
    }
    event_base_loopexit(w->base, &tv);
}

/* The listener thread queued sockets, or asked for a drain. */
static void on_wake(evutil_socket_t fd, short events, void *arg)
{
    sd_worker_t *w = arg;
    (void)fd;
    (void)events;

    pthread_mutex_lock(&w->lock);
    sd_pending_t *list = w->queue;
    w->queue = NULL;
    bool is_drain = w->is_drain_requested && !w->is_draining;
    uint32_t drain_ms = w->drain_ms;
    pthread_mutex_unlock(&w->lock);
    while (list != NULL) {
        sd_pending_t *p = list;
        list = p->next;
        sd_conn_start(w, p->fd, p->peer, p->rt);
        free(p);
    }
    if (is_drain) start_drain(w, drain_ms);
}

void sd_worker_conn_done(sd_worker_t *w)
{
    atomic_fetch_sub(&w->pool->active, 1);
    if (atomic_fetch_sub(&w->active, 1) == 1 && w->is_draining) event_base_loopbreak(w->base);
}

static void *worker_main(void *arg)
{
    sd_worker_t *w = arg;
    /* Runs until a drain ends it, with or without connections. */
    if (event_base_loop(w->base, EVLOOP_NO_EXIT_ON_EMPTY) < 0)
        sd_log("worker %zu: event loop failed", w->index);
    return NULL;
}

static int worker_init(sd_pool_t *p, size_t index)
{
    sd_worker_t *w = &p->workers[index];

    w->pool = p;
    w->index = index;
    atomic_init(&w->active, 0);
    VT_ENSURE(pthread_mutex_init(&w->lock, NULL) == 0, VT_E_INTERNAL, "worker: mutex");
    w->base = event_base_new();
    VT_ENSURE(w->base != NULL, VT_E_NOMEM, "worker: event_base_new failed");
    w->wake = event_new(w->base, -1, 0, on_wake, w);
    VT_ENSURE(w->wake != NULL, VT_E_NOMEM, "worker: event_new failed");
    VT_ENSURE(pthread_create(&w->thread, NULL, worker_main, w) == 0, VT_E_INTERNAL,
              "worker: cannot start thread %zu", index);
    w->is_started = true;
    return 0;
}

int sd_pool_start(size_t count, sd_pool_t **out)
{
    int rc = VT_E_INTERNAL;
    sd_pool_t *p = NULL;

    VT_TRY_ALLOC(p, calloc(1, sizeof(*p)), "a worker pool");
    VT_TRY_ALLOC(p->workers, calloc(count, sizeof(*p->workers)), "workers");
    atomic_init(&p->active, 0);
    for (size_t i = 0; i < count; i++) {
        p->count = i + 1;
        VT_TRY(worker_init(p, i));
    }
    *out = p;
    p = NULL;
    rc = 0;
out:
    if (p != NULL) {
        sd_pool_drain(p, 0);
        sd_pool_free(p);
    }
    return rc;
}

void sd_pool_dispatch(sd_pool_t *p, evutil_socket_t fd, const char *peer, sd_runtime_t *rt)
{
    static atomic_size_t next;
    size_t start = atomic_fetch_add(&next, 1) % p->count, best = start;
    size_t best_load = SIZE_MAX;

    for (size_t k = 0; k < p->count; k++) {
        size_t i = (start + k) % p->count;
        size_t load = atomic_load(&p->workers[i].active);
        if (load < best_load) {
            best_load = load;
            best = i;
        }
    }
    sd_worker_t *w = &p->workers[best];
    sd_pending_t *item = calloc(1, sizeof(*item));
    if (item == NULL) {
        sd_log("out of memory: dropping the connection from %s", peer);
        close(fd);
        sd_runtime_unref(rt);
        return;
    }
    item->fd = fd;
    item->rt = rt;
    snprintf(item->peer, sizeof(item->peer), "%s", peer);
    atomic_fetch_add(&p->active, 1);
    atomic_fetch_add(&w->active, 1);
    pthread_mutex_lock(&w->lock);
    item->next = w->queue;
    w->queue = item;
    pthread_mutex_unlock(&w->lock);
    event_active(w->wake, EV_READ, 0);
}

void sd_pool_drain(sd_pool_t *p, uint32_t drain_ms)
{
    for (size_t i = 0; i < p->count; i++) {
        sd_worker_t *w = &p->workers[i];
        if (w->wake == NULL) continue;
        pthread_mutex_lock(&w->lock);
        w->is_drain_requested = true;
        w->drain_ms = drain_ms;
        pthread_mutex_unlock(&w->lock);
        event_active(w->wake, EV_READ, 0);
    }
}

void sd_pool_free(sd_pool_t *p)
{
    if (p == NULL) return;
    for (size_t i = 0; i < p->count; i++) {
        sd_worker_t *w = &p->workers[i];
        if (w->is_started) pthread_join(w->thread, NULL);
        /* Sockets still queued were never started: close them. */
        while (w->queue != NULL) {
            sd_pending_t *q = w->queue;
            w->queue = q->next;
            close(q->fd);
            sd_runtime_unref(q->rt);
            free(q);
        }
        if (w->base != NULL) sd_conn_close_all(w);
        if (w->wake != NULL) event_free(w->wake);
        if (w->base != NULL) event_base_free(w->base);
        pthread_mutex_destroy(&w->lock);
    }
    free(p->workers);
    free(p);
}
