/* SPDX-License-Identifier: Apache-2.0 */
/* Listening sockets and the accept path (listener.h). */
#include "listener.h"

#include <arpa/inet.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/error.h"
#include "log.h"

/* Seconds new connections wait after accept() failed for lack of descriptors. */
#define ACCEPT_PAUSE_S 1
#define BACKLOG        4096

struct sd_listeners {
    struct evconnlistener *l[SD_LISTEN_MAX]; /* owned */
    size_t count;
    sd_runtime_t *const *current; /* borrowed: the daemon's current runtime */
    sd_pool_t *pool;              /* borrowed */
    time_t last_limit_log;
};

static void peer_text(const struct sockaddr *sa, char out[SD_PEER_TEXT_MAX])
{
    char host[INET6_ADDRSTRLEN] = "?";

    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
        snprintf(out, SD_PEER_TEXT_MAX, "%s:%u", host, (unsigned)ntohs(in->sin_port));
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
        snprintf(out, SD_PEER_TEXT_MAX, "[%s]:%u", host, (unsigned)ntohs(in6->sin6_port));
    } else {
        snprintf(out, SD_PEER_TEXT_MAX, "?");
    }
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len,
                      void *arg)
{
    sd_listeners_t *ls = arg;
    sd_runtime_t *rt = *ls->current;
    char peer[SD_PEER_TEXT_MAX];

    (void)l;
    (void)len;
    peer_text(sa, peer);
    if (atomic_load(&ls->pool->active) >= rt->cfg->max_connections) {
        time_t now = time(NULL);
        if (now != ls->last_limit_log) {
            sd_log("connection limit (%zu) reached: closing new connections",
                   rt->cfg->max_connections);
            ls->last_limit_log = now;
        }
        sd_access_log("peer=%s - request=- secret=- result=over-limit bytes=0", peer);
        close(fd);
        return;
    }
    sd_pool_dispatch(ls->pool, fd, peer, sd_runtime_ref(rt));
}

static void on_resume(evutil_socket_t fd, short events, void *arg)
{
    (void)fd;
    (void)events;
    evconnlistener_enable(arg);
}

/* accept() failed with something other than "try again", typically EMFILE: pause. */
static void on_accept_error(struct evconnlistener *l, void *arg)
{
    struct timeval tv = {.tv_sec = ACCEPT_PAUSE_S};
    int err = EVUTIL_SOCKET_ERROR();

    (void)arg;
    sd_log("accept: %s; pausing new connections for %d s", evutil_socket_error_to_string(err),
           ACCEPT_PAUSE_S);
    evconnlistener_disable(l);
    if (event_base_once(evconnlistener_get_base(l), -1, EV_TIMEOUT, on_resume, l, &tv) != 0)
        evconnlistener_enable(l);
}

/* A numeric address into ss (no name resolution: the configuration names addresses). */
static int address_of(const sd_listen_t *a, const char *text, struct sockaddr_storage *ss,
                      int *sslen)
{
    struct sockaddr_in *in = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

    memset(ss, 0, sizeof(*ss));
    if (inet_pton(AF_INET, a->host, &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
        in->sin_port = htons(a->port);
        *sslen = sizeof(*in);
        return 0;
    }
    VT_ENSURE(inet_pton(AF_INET6, a->host, &in6->sin6_addr) == 1, VT_E_INVALID_ARG,
              "listen: \"%s\" is not a numeric IPv4 or IPv6 address", text);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(a->port);
    *sslen = sizeof(*in6);
    return 0;
}

static int bind_one(sd_listeners_t *ls, struct event_base *base, const sd_listen_t *a)
{
    struct sockaddr_storage ss;
    int sslen = 0;
    char text[SD_HOST_MAX + 16], bound[SD_PEER_TEXT_MAX];
    bool is_v6 = strchr(a->host, ':') != NULL;
    unsigned flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC;

    snprintf(text, sizeof(text), "%s%s%s:%u", is_v6 ? "[" : "", a->host, is_v6 ? "]" : "",
             (unsigned)a->port);
    VT_GUARD(address_of(a, text, &ss, &sslen));
    if (ss.ss_family == AF_INET6) flags |= LEV_OPT_BIND_IPV6ONLY;
    struct evconnlistener *l =
        evconnlistener_new_bind(base, on_accept, ls, flags, BACKLOG, (struct sockaddr *)&ss, sslen);
    VT_ENSURE(l != NULL, VT_E_IO, "listen: cannot listen on %s: %s", text,
              evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
    ls->l[ls->count++] = l;
    evconnlistener_set_error_cb(l, on_accept_error);
    socklen_t blen = sizeof(ss);
    VT_ENSURE(getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&ss, &blen) == 0, VT_E_IO,
              "listen: getsockname failed");
    peer_text((struct sockaddr *)&ss, bound);
    sd_log("listening on %s", bound);
    return 0;
}

int sd_listeners_new(struct event_base *base, sd_runtime_t *const *current, sd_pool_t *pool,
                     sd_listeners_t **out)
{
    int rc = VT_E_INTERNAL;
    sd_listeners_t *ls = NULL;
    const sd_config_t *c = (*current)->cfg;

    VT_TRY_ALLOC(ls, calloc(1, sizeof(*ls)), "listeners");
    ls->current = current;
    ls->pool = pool;
    for (size_t i = 0; i < c->listen_count; i++) VT_TRY(bind_one(ls, base, &c->listen[i]));
    *out = ls;
    ls = NULL;
    rc = 0;
out:
    sd_listeners_free(ls);
    return rc;
}

void sd_listeners_free(sd_listeners_t *ls)
{
    if (ls == NULL) return;
    for (size_t i = 0; i < ls->count; i++) evconnlistener_free(ls->l[i]);
    free(ls);
}
