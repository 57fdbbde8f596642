/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Secret provisioning sessions (session.h): exact-length TLS reads and writes with
 * Gramine's error classes (gramine-compat.md §7), the request/response exchange of §8,
 * and a socket BIO that sends with MSG_NOSIGNAL, so a peer that went away gives EPIPE
 * instead of killing the process with SIGPIPE.
 */
#include "secretprov/session.h"

#include <errno.h>
#include <limits.h>
#include <openssl/err.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/error.h"
#include "secretprov/wire.h"

/* ---- A socket BIO without SIGPIPE ------------------------------------------------ */

static int nosig_write(BIO *b, const char *buf, int len)
{
    ssize_t n;
    do {
        n = send(BIO_get_fd(b, NULL), buf, (size_t)len, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -1 : (int)n; /* -1: BIO convention for "failed" */
}

static int nosig_read(BIO *b, char *buf, int len)
{
    ssize_t n;
    do {
        n = recv(BIO_get_fd(b, NULL), buf, (size_t)len, 0);
    } while (n < 0 && errno == EINTR);
    if (n == 0) BIO_set_flags(b, BIO_FLAGS_IN_EOF);
    return n < 0 ? -1 : (int)n;
}

static int nosig_puts(BIO *b, const char *str)
{
    return nosig_write(b, str, (int)strlen(str));
}

static long nosig_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    switch (cmd) {
    case BIO_C_SET_FD:
        BIO_set_init(b, 1);
        BIO_set_data(b, (void *)(intptr_t)num);
        return 1;
    case BIO_C_GET_FD:
        if (ptr != NULL) *(int *)ptr = (int)(intptr_t)BIO_get_data(b);
        return (long)(intptr_t)BIO_get_data(b);
    case BIO_CTRL_FLUSH:
        return 1;
    case BIO_CTRL_EOF:
        return BIO_test_flags(b, BIO_FLAGS_IN_EOF) != 0;
    default:
        return 0;
    }
}

static BIO_METHOD *g_nosig_method;
static pthread_once_t g_nosig_once = PTHREAD_ONCE_INIT;

static void nosig_method_init(void)
{
    BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR,
                                 "secretprov socket");
    if (m == NULL) return;
    if (BIO_meth_set_write(m, nosig_write) != 1 || BIO_meth_set_read(m, nosig_read) != 1 ||
        BIO_meth_set_puts(m, nosig_puts) != 1 || BIO_meth_set_ctrl(m, nosig_ctrl) != 1) {
        BIO_meth_free(m);
        return;
    }
    g_nosig_method = m;
}

static BIO *nosig_bio_new(int fd)
{
    if (pthread_once(&g_nosig_once, nosig_method_init) != 0 || g_nosig_method == NULL) return NULL;
    BIO *b = BIO_new(g_nosig_method);
    if (b != NULL) BIO_ctrl(b, BIO_C_SET_FD, fd, NULL);
    return b;
}

/* ---- Sessions ---------------------------------------------------------------------- */

int vt_secretprov_session_new(SSL_CTX *ctx, int fd, bool is_server, vt_secretprov_session_t **out)
{
    int rc = VT_E_INTERNAL;
    vt_secretprov_session_t *s = NULL;
    BIO *bio = NULL;

    VT_TRY_ALLOC(s, calloc(1, sizeof(*s)), "secretprov session");
    s->fd = fd;
    fd = -1;
    s->is_server = is_server;
    s->ssl = SSL_new(ctx);
    VT_TRY_ENSURE(s->ssl != NULL, VT_E_CRYPTO, "secretprov: SSL_new failed");
    bio = nosig_bio_new(s->fd);
    VT_TRY_ENSURE(bio != NULL, VT_E_CRYPTO, "secretprov: cannot make the socket BIO");
    SSL_set_bio(s->ssl, bio, bio);
    SSL_set_app_data(s->ssl, s);
    *out = s;
    s = NULL;
    rc = 0;
out:
    if (fd >= 0) close(fd);
    vt_secretprov_session_free(s);
    return rc;
}

void vt_secretprov_session_free(vt_secretprov_session_t *s)
{
    if (s == NULL) return;
    if (s->secret != NULL) {
        OPENSSL_cleanse(s->secret, s->secret_size);
        free(s->secret);
    }
    SSL_free(s->ssl);
    if (s->fd >= 0) close(s->fd);
    OPENSSL_cleanse(s, sizeof(*s));
    free(s);
}

void vt_secretprov_session_set_timeout(vt_secretprov_session_t *s, int seconds)
{
    struct timeval tv = {.tv_sec = seconds, .tv_usec = 0};
    (void)setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    (void)setsockopt(s->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Classifies a failed SSL_read/SSL_write/SSL_shutdown as Gramine does. */
static int io_error(vt_secretprov_session_t *s, int ret, const char *what)
{
    int err = SSL_get_error(s->ssl, ret);
    int saved = errno;
    if (err == SSL_ERROR_ZERO_RETURN)
        VT_BAIL(VT_E_NETWORK, "secretprov: %s: the peer closed the session", what);
    if (err == SSL_ERROR_SYSCALL &&
        (ERR_peek_error() == 0 && (saved == 0 || saved == EPIPE || saved == ECONNRESET))) {
        ERR_clear_error();
        VT_BAIL(VT_E_NETWORK, "secretprov: %s: the connection was closed", what);
    }
    if (err == SSL_ERROR_SSL &&
        ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        ERR_clear_error();
        VT_BAIL(VT_E_NETWORK, "secretprov: %s: the connection was closed", what);
    }
    if (err == SSL_ERROR_SYSCALL && (saved == EAGAIN || saved == EWOULDBLOCK))
        VT_BAIL(VT_E_IO, "secretprov: %s: timed out", what);
    return vt_error_set_ossl(VT_E_IO, __FILE__, __LINE__, "secretprov: %s failed (%s)", what,
                             err == SSL_ERROR_SYSCALL ? strerror(saved) : "TLS error");
}

int vt_secretprov_session_read(vt_secretprov_session_t *s, uint8_t *buf, size_t size)
{
    VT_ENSURE(s != NULL && (size == 0 || buf != NULL) && size <= INT_MAX, VT_E_INVALID_ARG,
              "secretprov read: invalid arguments");
    for (size_t done = 0; done < size;) {
        size_t n = 0;
        errno = 0;
        int ret = SSL_read_ex(s->ssl, buf + done, size - done, &n);
        if (ret <= 0) return io_error(s, ret, "read");
        done += n;
    }
    return 0;
}

int vt_secretprov_session_write(vt_secretprov_session_t *s, const uint8_t *buf, size_t size)
{
    VT_ENSURE(s != NULL && (size == 0 || buf != NULL) && size <= INT_MAX, VT_E_INVALID_ARG,
              "secretprov write: invalid arguments");
    for (size_t done = 0; done < size;) {
        size_t n = 0;
        errno = 0;
        int ret = SSL_write_ex(s->ssl, buf + done, size - done, &n);
        if (ret <= 0) return io_error(s, ret, "write");
        done += n;
    }
    return 0;
}

int vt_secretprov_session_shutdown(vt_secretprov_session_t *s)
{
    VT_ENSURE(s != NULL, VT_E_INVALID_ARG, "secretprov close: no session");
    errno = 0;
    int ret = SSL_shutdown(s->ssl);
    if (ret < 0) return io_error(s, ret, "close_notify");
    return 0;
}

int vt_secretprov_session_read_request(vt_secretprov_session_t *s, vt_secretprov_request_t *out)
{
    uint8_t buf[VT_SECRETPROV_REQUEST_MAX];
    size_t have = 0, need = VT_SECRETPROV_MAGIC_LEN;
    int rc;
    /* Read exactly what the parser asks for: bytes after the request belong to the
       application exchange that may follow (f_cb). */
    while ((rc = vt_secretprov_request_parse(buf, have, out, &need)) == VT_E_TRUNCATED) {
        VT_GUARD(vt_secretprov_session_read(s, buf + have, need - have));
        have = need;
    }
    return rc;
}

int vt_secretprov_session_send_secret(vt_secretprov_session_t *s, const uint8_t *secret,
                                      size_t size)
{
    uint8_t hdr[VT_SECRETPROV_RESPONSE_HEADER_LEN];
    VT_ENSURE(size <= VT_SECRETPROV_SECRET_MAX, VT_E_INVALID_ARG,
              "secretprov: secret of %zu bytes above %u", size, VT_SECRETPROV_SECRET_MAX);
    VT_GUARD(vt_secretprov_response_serialize((uint32_t)size, hdr));
    VT_GUARD(vt_secretprov_session_write(s, hdr, sizeof(hdr)));
    return vt_secretprov_session_write(s, secret, size);
}

int vt_secretprov_session_send_refusal(vt_secretprov_session_t *s, uint32_t reason)
{
    uint8_t hdr[VT_SECRETPROV_RESPONSE_HEADER_LEN];
    VT_GUARD(vt_secretprov_refusal_serialize(reason, hdr));
    return vt_secretprov_session_write(s, hdr, sizeof(hdr));
}

int vt_secretprov_session_fetch(vt_secretprov_session_t *s, const char *name)
{
    int rc = VT_E_INTERNAL;
    uint8_t req[VT_SECRETPROV_REQUEST_MAX], hdr[VT_SECRETPROV_RESPONSE_HEADER_LEN];
    size_t req_len = 0;
    vt_secretprov_response_t resp;
    uint8_t *secret = NULL;

    /* A second fetch would drop the first secret unwiped. */
    VT_ENSURE(s != NULL && s->secret == NULL, VT_E_INVALID_ARG,
              "secretprov: no session, or the session already holds its secret");
    VT_TRY(vt_secretprov_request_serialize(name, req, sizeof(req), &req_len));
    VT_TRY(vt_secretprov_session_write(s, req, req_len));
    VT_TRY(vt_secretprov_session_read(s, hdr, sizeof(hdr)));
    VT_TRY(vt_secretprov_response_parse(hdr, sizeof(hdr), &resp));
    VT_TRY_ENSURE(resp.kind == VT_SECRETPROV_RESP_SECRET, VT_E_POLICY,
                  "secretprov: the server refused the secret%s%s (%s)", name ? " " : "",
                  name ? name : "",
                  resp.value == VT_SECRETPROV_REFUSED_DENIED ? "no such secret or not allowed"
                  : resp.value == VT_SECRETPROV_REFUSED_UNAVAILABLE ? "unavailable, retry later"
                                                                    : "unknown reason");
    VT_TRY_ALLOC(secret, malloc(resp.value), "the secret");
    VT_TRY(vt_secretprov_session_read(s, secret, resp.value));
    s->secret = secret;
    s->secret_size = resp.value;
    secret = NULL;
    rc = 0;
out:
    if (secret != NULL) {
        OPENSSL_cleanse(secret, resp.value);
        free(secret);
    }
    return rc;
}
