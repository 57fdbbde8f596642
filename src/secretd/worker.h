/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The worker pool of veritee-secretd: N threads, each running its own libevent
 * event_base. The listening thread accepts a socket and hands it, with a reference to
 * the current runtime, to the worker with the fewest connections (a locked queue and an
 * event_active wake-up). From then on the connection lives on that worker's thread
 * alone: its TLS handshake, and with it the RA-TLS verification, run there, so
 * handshakes proceed in parallel on every core.
 *
 * Drain (SIGTERM): each worker keeps serving the connections it has and exits its loop
 * when the last one closes, or when the drain time is up, whichever comes first.
 */
#ifndef VT_SECRETD_WORKER_H
#define VT_SECRETD_WORKER_H

#include <event2/event.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>

#include "runtime.h"

#define SD_PEER_TEXT_MAX 64

typedef struct sd_conn sd_conn_t;
typedef struct sd_pool sd_pool_t;

/* A socket waiting in a worker's queue. */
typedef struct sd_pending {
    struct sd_pending *next;
    evutil_socket_t fd;
    char peer[SD_PEER_TEXT_MAX];
    sd_runtime_t *rt; /* one reference, owned */
} sd_pending_t;

typedef struct {
    sd_pool_t *pool; /* borrowed: the pool this worker belongs to */
    size_t index;
    pthread_t thread;
    bool is_started;
    struct event_base *base; /* owned */
    struct event *wake;      /* owned: activated by the listener thread */
    pthread_mutex_t lock;    /* guards queue and drain_ms */
    sd_pending_t *queue;     /* owned, LIFO is fine: all were accepted at once */
    bool is_drain_requested;
    uint32_t drain_ms;
    bool is_draining;     /* worker thread only */
    atomic_size_t active; /* connections on this worker */
    sd_conn_t *conns;     /* owned, worker thread only: every open connection */
} sd_worker_t;

struct sd_pool {
    sd_worker_t *workers; /* owned */
    size_t count;
    atomic_size_t active; /* connections on all workers */
};

/* Starts count worker threads. evthread_use_pthreads() must have been called. */
VT_MUST_CHECK int sd_pool_start(size_t count, sd_pool_t **out);

/* Queues an accepted socket on the least busy worker; takes fd and the reference. */
void sd_pool_dispatch(sd_pool_t *p, evutil_socket_t fd, const char *peer, sd_runtime_t *rt);

/* Asks every worker to drain: finish open connections within drain_ms, then stop. */
void sd_pool_drain(sd_pool_t *p, uint32_t drain_ms);

/* Waits for the workers to stop, closes what is left and frees the pool. Accepts NULL. */
void sd_pool_free(sd_pool_t *p);

/* conn.c: a new connection on worker w (takes fd and rt), and the end of all of them. */
void sd_conn_start(sd_worker_t *w, evutil_socket_t fd, const char *peer, sd_runtime_t *rt);
void sd_conn_close_all(sd_worker_t *w);

/* conn.c calls this when a connection is gone. */
void sd_worker_conn_done(sd_worker_t *w);

#endif
