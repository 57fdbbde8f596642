/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The listening sockets of veritee-secretd, on the main thread's event loop: accept,
 * enforce the connection limit, and hand each socket with a reference to the current
 * runtime to the worker pool.
 */
#ifndef VT_SECRETD_LISTENER_H
#define VT_SECRETD_LISTENER_H

#include <event2/event.h>

#include "worker.h"

typedef struct sd_listeners sd_listeners_t;

/*
 * Binds every address of (*current)->cfg on base. *current is read at each accept, on
 * the main thread (the thread that swaps it on reload). Prints "listening on HOST:PORT"
 * for each address (the real port when 0 was asked). On success the caller owns *out.
 */
VT_MUST_CHECK int sd_listeners_new(struct event_base *base, sd_runtime_t *const *current,
                                   sd_pool_t *pool, sd_listeners_t **out);

/* Closes the listening sockets. Accepts NULL. */
void sd_listeners_free(sd_listeners_t *l);

#endif
