/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Secret provisioning client (client.h). Differences from Gramine's client, on purpose:
 * IPv6 literals in brackets are accepted in the servers list; each connection attempt has
 * a timeout; an IP-literal host is checked against the certificate's iPAddress names (not
 * matched as text against DNS names or the CN) and is not sent as SNI (RFC 6066 §3).
 */
#include "secretprov/client.h"

#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "common/error.h"

/* Connects fd to a within timeout_ms. 0 or an errno value. */
static int connect_timeout(int fd, const struct addrinfo *a, int timeout_ms)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return errno;
    int err = 0;
    if (connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
        if (errno != EINPROGRESS) return errno;
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int n;
        do {
            n = poll(&p, 1, timeout_ms);
        } while (n < 0 && errno == EINTR);
        if (n == 0) return ETIMEDOUT;
        if (n < 0) return errno;
        socklen_t len = sizeof(err);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return errno;
        if (err != 0) return err;
    }
    if (fcntl(fd, F_SETFL, flags) < 0) return errno;
    return 0;
}

/*
 * Tries every address of one server: 0 and a connected socket in *out; VT_E_NOT_FOUND
 * (the name did not resolve) or VT_E_NETWORK (no address accepted), the detail saying why.
 */
static int server_connect(const vt_secretprov_server_t *srv, int timeout_s, int *out)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    if (srv->is_ipv6_literal) hints.ai_flags = AI_NUMERICHOST;
    int gai = getaddrinfo(srv->host, srv->port, &hints, &res);
    VT_ENSURE(gai == 0, VT_E_NOT_FOUND, "%s", gai_strerror(gai));
    int fd = -1, err = 0;
    for (struct addrinfo *a = res; a != NULL && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        err = fd < 0 ? errno : connect_timeout(fd, a, timeout_s * 1000);
        if (err != 0 && fd >= 0) close(fd);
        if (err != 0) fd = -1;
    }
    freeaddrinfo(res);
    VT_ENSURE(fd >= 0, VT_E_NETWORK, "%s", strerror(err));
    *out = fd;
    return 0;
}

static int ctx_new(const vt_secretprov_client_options_t *o, SSL_CTX **out)
{
    int rc = VT_E_INTERNAL;
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    VT_TRY_ENSURE(ctx != NULL, VT_E_CRYPTO, "secretprov client: SSL_CTX_new failed");
    vt_ratls_ssl_options_t ro = {
        .attester = o->attester, .create = o->create, .key = o->key, .cert = o->cert};
    VT_TRY(vt_ratls_ssl_ctx_configure(ctx, &ro));
    VT_TRY_OSSL(SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION), VT_E_CRYPTO,
                "secretprov client: TLS 1.3");
    if (SSL_CTX_load_verify_locations(ctx, o->ca_chain_path, NULL) != 1)
        VT_TRY_BAIL(VT_E_IO, "secretprov client: cannot load the CA chain from '%s'",
                    o->ca_chain_path);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    *out = ctx;
    ctx = NULL;
    rc = 0;
out:
    ERR_clear_error();
    SSL_CTX_free(ctx);
    return rc;
}

/* SNI and the host name check for one server. */
static int set_peer_name(SSL *ssl, const vt_secretprov_server_t *srv)
{
    X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
    struct in_addr a4;
    bool is_ip = srv->is_ipv6_literal || inet_pton(AF_INET, srv->host, &a4) == 1;
    if (is_ip) {
        VT_GUARD_OSSL(X509_VERIFY_PARAM_set1_ip_asc(param, srv->host), VT_E_CRYPTO,
                      "secretprov client: IP check for %s", srv->host);
        return 0;
    }
    VT_GUARD_OSSL(SSL_set_tlsext_host_name(ssl, srv->host), VT_E_CRYPTO,
                  "secretprov client: SNI %s", srv->host);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    VT_GUARD_OSSL(X509_VERIFY_PARAM_set1_host(param, srv->host, 0), VT_E_CRYPTO,
                  "secretprov client: host check for %s", srv->host);
    return 0;
}

static int handshake(vt_secretprov_session_t *s, const vt_secretprov_server_t *srv)
{
    VT_GUARD(set_peer_name(s->ssl, srv));
    if (SSL_connect(s->ssl) != 1) {
        long v = SSL_get_verify_result(s->ssl);
        if (v != X509_V_OK) {
            ERR_clear_error();
            VT_BAIL(VT_E_UNTRUSTED, "secretprov client: server %s:%s: certificate rejected: %s",
                    srv->host, srv->port, X509_verify_cert_error_string(v));
        }
        return vt_error_set_ossl(VT_E_UNTRUSTED, __FILE__, __LINE__,
                                 "secretprov client: server %s:%s: TLS handshake failed "
                                 "(did the server reject our attestation?)",
                                 srv->host, srv->port);
    }
    /* SSL_VERIFY_PEER already fails the handshake; this is Gramine's explicit re-check. */
    VT_ENSURE(SSL_get_verify_result(s->ssl) == X509_V_OK && SSL_get0_peer_certificate(s->ssl),
              VT_E_UNTRUSTED, "secretprov client: server %s:%s: not verified", srv->host,
              srv->port);
    return 0;
}

int vt_secretprov_client_start(const vt_secretprov_client_options_t *o,
                               vt_secretprov_session_t **out, vt_secretprov_stage_t *stage)
{
    int rc = VT_E_INTERNAL;
    vt_secretprov_server_t *servers = NULL;
    size_t count = 0;
    SSL_CTX *ctx = NULL;
    vt_secretprov_session_t *s = NULL;
    char tried[1024] = "";
    bool any_resolved = false;
    int fd = -1;
    size_t i;

    *stage = VT_SECRETPROV_STAGE_SETUP;
    VT_TRY_ENSURE(o->ca_chain_path != NULL && o->ca_chain_path[0] != '\0', VT_E_INVALID_ARG,
                  "secretprov client: no CA chain path");
    VT_TRY(vt_secretprov_servers_parse(o->servers, &servers, &count));
    *stage = VT_SECRETPROV_STAGE_SETUP;
    VT_TRY(ctx_new(o, &ctx));
    *stage = VT_SECRETPROV_STAGE_CONNECT;
    int timeout = o->connect_timeout_s > 0 ? o->connect_timeout_s : VT_SECRETPROV_CONNECT_TIMEOUT_S;
    for (i = 0; i < count && fd < 0; i++) {
        int one = server_connect(&servers[i], timeout, &fd);
        any_resolved = any_resolved || one != VT_E_NOT_FOUND;
        if (one < 0) {
            size_t used = strlen(tried);
            snprintf(tried + used, sizeof(tried) - used, "%s%s%s%s:%s: %s", used ? "; " : "",
                     servers[i].is_ipv6_literal ? "[" : "", servers[i].host,
                     servers[i].is_ipv6_literal ? "]" : "", servers[i].port, vt_last_error());
        }
    }
    VT_TRY_ENSURE(fd >= 0, any_resolved ? VT_E_NETWORK : VT_E_NOT_FOUND,
                  "secretprov client: no server reachable (%s)", tried);
    const vt_secretprov_server_t *srv = &servers[i - 1];
    VT_TRY(vt_secretprov_session_new(ctx, fd, false, &s));
    fd = -1;
    snprintf(s->peer, sizeof(s->peer), "%s:%s", srv->host, srv->port);
    vt_secretprov_session_set_timeout(s, VT_SECRETPROV_IO_TIMEOUT_S);
    *stage = VT_SECRETPROV_STAGE_HANDSHAKE;
    VT_TRY(handshake(s, srv));
    *stage = VT_SECRETPROV_STAGE_EXCHANGE;
    VT_TRY(vt_secretprov_session_fetch(s, o->secret_name));
    vt_secretprov_session_set_timeout(s, 0);
    *out = s;
    s = NULL;
    rc = 0;
out:
    if (fd >= 0) close(fd);
    vt_secretprov_session_free(s);
    SSL_CTX_free(ctx); /* the session's SSL keeps its own reference */
    free(servers);
    return rc;
}
