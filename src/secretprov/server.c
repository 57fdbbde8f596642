/* SPDX-License-Identifier: Apache-2.0 */
/* The concurrent secret provisioning server core (server.h). */
#define _GNU_SOURCE /* accept4 */
#include "secretprov/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>

#include "common/error.h"

#define BACKLOG 128

static int listen_on(int family, const char *port, int *out)
{
    struct addrinfo hints = {
        .ai_family = family, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(NULL, port, &hints, &res);
    VT_ENSURE(gai == 0, VT_E_INVALID_ARG, "secretprov server: port '%s': %s", port,
              gai_strerror(gai));
    int fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
    int one = 1, zero = 0, err = 0;
    if (fd < 0) err = errno;
    if (!err && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) err = errno;
    if (!err && family == AF_INET6 &&
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) < 0)
        err = errno;
    if (!err && bind(fd, res->ai_addr, res->ai_addrlen) < 0) err = errno;
    if (!err && listen(fd, BACKLOG) < 0) err = errno;
    freeaddrinfo(res);
    if (err) {
        if (fd >= 0) close(fd);
        VT_BAIL(VT_E_NETWORK, "secretprov server: cannot listen on port %s: %s", port,
                strerror(err));
    }
    *out = fd;
    return 0;
}

int vt_secretprov_server_listen(const char *port, int *fd)
{
    if (port == NULL) port = VT_SECRETPROV_DEFAULT_PORT;
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(port, &end, 10);
    VT_ENSURE(port[0] >= '0' && port[0] <= '9' && *end == '\0' && errno == 0 && v <= 65535,
              VT_E_INVALID_ARG, "secretprov server: port '%.16s' is not 0..65535", port);
    /* Dual stack first; hosts without IPv6 fall back to IPv4 only. */
    if (listen_on(AF_INET6, port, fd) == 0) return 0;
    return listen_on(AF_INET, port, fd);
}

/* Counts the connection threads; lives in vt_secretprov_server_run's frame (which never
   returns while threads run). */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    size_t active;
} slots_t;

typedef struct {
    const vt_secretprov_server_options_t *opts;
    slots_t *slots;
    vt_secretprov_session_t *s;
} conn_t;

static void slot_release(slots_t *sl)
{
    pthread_mutex_lock(&sl->lock);
    sl->active--;
    pthread_cond_signal(&sl->cond);
    pthread_mutex_unlock(&sl->lock);
}

static void slot_acquire(slots_t *sl, size_t max)
{
    pthread_mutex_lock(&sl->lock);
    while (sl->active >= max) pthread_cond_wait(&sl->cond, &sl->lock);
    sl->active++;
    pthread_mutex_unlock(&sl->lock);
}

static void *conn_main(void *arg)
{
    conn_t *c = arg;
    const vt_secretprov_server_options_t *o = c->opts;
    vt_secretprov_session_t *s = c->s;
    slots_t *slots = c->slots;
    free(c);

    int timeout =
        o->handshake_timeout_s > 0 ? o->handshake_timeout_s : VT_SECRETPROV_HANDSHAKE_TIMEOUT_S;
    vt_secretprov_session_set_timeout(s, timeout);
    vt_error_clear();
    if (SSL_accept(s->ssl) == 1) {
        /* A failed close_notify changes nothing: the connection ends either way. If the
           handler sent it already (Gramine's f_cb may call secret_provision_close), a
           second SSL_shutdown would wait for the client's close_notify, with no timeout
           after Gramine's f_cb, and hold this thread for as long as the client likes. */
        if (o->handler(o->ctx, s) == 0 && !(SSL_get_shutdown(s->ssl) & SSL_SENT_SHUTDOWN) &&
            vt_secretprov_session_shutdown(s) < 0)
            ERR_clear_error();
    } else if (o->on_reject != NULL) {
        o->on_reject(o->ctx, s);
    }
    ERR_clear_error();
    vt_secretprov_session_free(s);
    slot_release(slots);
    return NULL;
}

static void peer_name(const struct sockaddr_storage *ss, char *out, size_t len)
{
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
        port = ntohs(a->sin_port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
        port = ntohs(a->sin6_port);
    }
    snprintf(out, len, "%s:%u", host, port);
}

/* Hands one accepted connection to a new detached thread; drops it on any failure. */
static void dispatch(const vt_secretprov_server_options_t *o, slots_t *slots, int fd,
                     const struct sockaddr_storage *ss, pthread_attr_t *attr)
{
    vt_secretprov_session_t *s = NULL;
    conn_t *c = NULL;
    pthread_t t;
    if (vt_secretprov_session_new(o->ssl_ctx, fd, true, &s) < 0) {
        fprintf(stderr, "secretprov server: dropping a connection: %s\n", vt_last_error());
        slot_release(slots);
        return;
    }
    peer_name(ss, s->peer, sizeof(s->peer));
    c = malloc(sizeof(*c));
    if (c != NULL) {
        c->opts = o;
        c->slots = slots;
        c->s = s;
        if (pthread_create(&t, attr, conn_main, c) == 0) return;
    }
    fprintf(stderr, "secretprov server: dropping the connection from %s: no memory or thread\n",
            s->peer);
    free(c);
    vt_secretprov_session_free(s);
    slot_release(slots);
}

int vt_secretprov_server_run(const vt_secretprov_server_options_t *o, int fd)
{
    pthread_attr_t attr;
    VT_ENSURE(o->ssl_ctx != NULL && o->handler != NULL && fd >= 0, VT_E_INVALID_ARG,
              "secretprov server: no TLS context, handler or socket");
    VT_ENSURE(pthread_attr_init(&attr) == 0 &&
                  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0,
              VT_E_INTERNAL, "secretprov server: thread attributes");
    slots_t slots = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    signal(SIGPIPE, SIG_IGN);
    size_t max = o->max_connections > 0 ? o->max_connections : VT_SECRETPROV_MAX_CONNECTIONS;
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        slot_acquire(&slots, max);
        int c = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
        if (c < 0) {
            slot_release(&slots);
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                usleep(100 * 1000); /* out of descriptors: wait instead of spinning */
            continue;
        }
        dispatch(o, &slots, c, &ss, &attr);
    }
}
