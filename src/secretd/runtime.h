/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a configuration becomes when the daemon uses it: the quote verifier (trust
 * anchor, collateral source), the RA-TLS verifier with its evidence cache, and the TLS
 * server context. A reload builds a new runtime and swaps it in; each connection holds
 * a reference to the runtime it started with, so in-flight requests finish under the
 * policy they began with and the old runtime is freed by the last of them.
 *
 * The RA-TLS measurement callback runs inside each handshake, on the worker thread
 * doing it: it applies the rules, and leaves the identity it saw in a thread-local slot
 * (sd_runtime_take_seen), tagged with the connection it belongs to (an info callback
 * tells which handshake the thread is in), so that the connection's log line can name a
 * rejected client.
 */
#ifndef VT_SECRETD_RUNTIME_H
#define VT_SECRETD_RUNTIME_H

#include <openssl/ssl.h>
#include <stdatomic.h>
#include <veritee/ratls.h>

#include "config.h"
#include "rules.h"

typedef struct {
    atomic_size_t refs;
    uint64_t generation;
    sd_config_t *cfg;        /* owned */
    vt_verifier_t *verifier; /* owned */
    vt_policy_t *policy;     /* owned: the permissive base policy (rules.h) */
    vt_ratls_verifier_t *rv; /* owned */
    SSL_CTX *ssl_ctx;        /* owned */
    uint8_t *slim_der;       /* owned: the server certificate, DER (peer_slim.h) */
    size_t slim_len;
} sd_runtime_t;

/* Builds a runtime from cfg (taken on success: the runtime frees it). One reference. */
VT_MUST_CHECK int sd_runtime_new(sd_config_t *cfg, uint64_t generation, sd_runtime_t **out);

/* Takes one more reference. Any thread. */
sd_runtime_t *sd_runtime_ref(sd_runtime_t *rt);

/* Drops a reference; the last one frees the runtime. Any thread. Accepts NULL. */
void sd_runtime_unref(sd_runtime_t *rt);

/*
 * The identity and verdict the measurement callback last saw on this thread, if it saw
 * them in ssl's handshake; cleared by the call. False otherwise.
 */
bool sd_runtime_take_seen(const SSL *ssl, char identity[static SD_IDENTITY_TEXT_MAX],
                          bool *is_matched);

#endif
