/* SPDX-License-Identifier: Apache-2.0 */
/*
 * veritee-pccs: a collateral service with Intel's PCS / PCCS API v4 routes, serving
 * bundle directories over HTTPS (libevent evhttp + bufferevent_openssl). Single-threaded:
 * the bundles are loaded once, then one event loop answers every connection. SIGTERM and
 * SIGINT end the loop; the process then frees everything and exits 0.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>
#include <openssl/crypto.h>

#include "bundle_index.h"
#include "common/error.h"
#include "options.h"
#include "server.h"
#include "tls.h"

#ifndef VT_PCCS_VERSION
#define VT_PCCS_VERSION "unknown"
#endif

#define EXIT_RUNTIME 1

static void on_signal(evutil_socket_t sig, short events, void *arg)
{
    (void)events;
    fprintf(stderr, "veritee-pccs: %s, shutting down\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    event_base_loopexit(arg, NULL);
}

typedef struct {
    vt_bundle_index_t index;
    SSL_CTX *ssl_ctx;        /* owned */
    struct event_base *base; /* owned */
    vt_server_t *server;     /* owned */
    struct event *sig_term;  /* owned */
    struct event *sig_int;   /* owned */
} daemon_t;

static void daemon_cleanup(daemon_t *d)
{
    if (d->sig_term != NULL) event_free(d->sig_term);
    if (d->sig_int != NULL) event_free(d->sig_int);
    vt_server_free(d->server);
    if (d->base != NULL) event_base_free(d->base);
    SSL_CTX_free(d->ssl_ctx);
    vt_bundle_index_cleanup(&d->index);
}

static int load(daemon_t *d, const vt_pccsd_options_t *o)
{
    for (size_t i = 0; i < o->bundle_count; i++)
        VT_GUARD(vt_bundle_index_load(&d->index, o->bundles[i]));
    VT_GUARD(vt_bundle_index_validate(&d->index));
    if (o->is_insecure_http)
        fprintf(stderr, "veritee-pccs: warning: --insecure-http: serving plain HTTP, "
                        "without TLS\n");
    else
        VT_GUARD(vt_tls_server_new(o->cert_file, o->key_file, &d->ssl_ctx));
    return 0;
}

static int start(daemon_t *d, const vt_pccsd_options_t *o)
{
    uint16_t port = 0;
    vt_server_config_t cfg = {.index = &d->index, .ssl_ctx = d->ssl_ctx, .is_quiet = o->is_quiet};

    d->base = event_base_new();
    VT_ENSURE(d->base != NULL, VT_E_NOMEM, "event_base_new failed");
    d->sig_term = evsignal_new(d->base, SIGTERM, on_signal, d->base);
    d->sig_int = evsignal_new(d->base, SIGINT, on_signal, d->base);
    VT_ENSURE(d->sig_term != NULL && d->sig_int != NULL && event_add(d->sig_term, NULL) == 0 &&
                  event_add(d->sig_int, NULL) == 0,
              VT_E_INTERNAL, "cannot install the signal handlers");
    VT_GUARD(vt_server_new(d->base, &cfg, o->host, o->port, &d->server, &port));
    bool is_v6 = strchr(o->host, ':') != NULL;
    fprintf(stderr, "veritee-pccs: listening on %s://%s%s%s:%u\n",
            o->is_insecure_http ? "http" : "https", is_v6 ? "[" : "", o->host, is_v6 ? "]" : "",
            (unsigned)port);
    fflush(stderr);
    return 0;
}

static int run(const vt_pccsd_options_t *o)
{
    int rc = VT_E_INTERNAL;
    daemon_t d = {0};

    VT_TRY(load(&d, o));
    VT_TRY(start(&d, o));
    VT_TRY_ENSURE(event_base_dispatch(d.base) == 0, VT_E_INTERNAL, "event loop failed");
    rc = 0;
out:
    daemon_cleanup(&d);
    return rc;
}

int main(int argc, char **argv)
{
    vt_pccsd_options_t o;

    if (vt_options_parse(argc, argv, &o) < 0) {
        fprintf(stderr, "veritee-pccs: %s\nTry 'veritee-pccs --help'.\n", vt_last_error());
        return VT_PCCS_EXIT_USAGE;
    }
    if (o.is_help) {
        vt_options_print_help();
        return 0;
    }
    if (o.is_version) {
        printf("veritee-pccs %s (%s, libevent %s)\n", VT_PCCS_VERSION,
               OpenSSL_version(OPENSSL_VERSION), event_get_version());
        return 0;
    }
    /* A client that vanishes mid-write must not kill the service. */
    signal(SIGPIPE, SIG_IGN);
    if (run(&o) < 0) {
        fprintf(stderr, "veritee-pccs: %s\n", vt_last_error());
        return EXIT_RUNTIME;
    }
    return 0;
}
