/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A test client for veritee-secretd: presents an RA-TLS client certificate made from
 * in-process quotes of a simulated platform (any SGX or TDX identity), checks the
 * server's certificate against a CA file, sends a Gramine or named request (or chosen
 * raw bytes), and reports what came back.
 *
 * Output on success: "secret LEN SHA256HEX" on stdout (the value itself with --out).
 * Exit status: 0 secret received; 2 refusal received; 3 TLS handshake failed;
 * 4 connection closed without a response; 1 any other error; 64 usage.
 * With --repeat N, every round must succeed; the status is that of the first failure.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <veritee/ratls.h>
#include <veritee/secretprov.h>
#include <veritee/sim.h>

#include "common/error.h"
#include "common/file.h"
#include "common/ossl.h"

enum { EXIT_SECRET = 0, EXIT_OTHER = 1, EXIT_REFUSED = 2, EXIT_HANDSHAKE = 3, EXIT_CLOSED = 4 };

typedef struct {
    const char *connect;
    const char *ca;
    const char *platform;
    size_t platform_index;
    vt_tee_t tee;
    vt_sgx_report_body_t sgx;
    vt_td_report_body_t td;
    const char *name;
    const char *raw;
    const char *out;
    int stall_s;  /* connect, send nothing, wait */
    int idle_s;   /* handshake, then wait without a request */
    int noread_s; /* request, then wait without reading */
    int delay_s;  /* handshake, wait, then the request */
    int drip_ms;  /* the request one byte at a time, this far apart */
    int rcvbuf;   /* SO_RCVBUF for the socket, 0: the default */
    long repeat;
    bool is_quiet;
    vt_sim_platform_t *p;
} client_t;

static int evidence(void *ctx, const uint8_t rd[VT_REPORT_DATA_LEN], uint8_t **ev, size_t *len)
{
    client_t *c = ctx;
    if (c->tee == VT_TEE_TDX) {
        vt_td_report_body_t b = c->td;
        memcpy(b.report_data, rd, VT_REPORT_DATA_LEN);
        return vt_sim_quote_tdx(c->p, &b, ev, len);
    }
    vt_sgx_report_body_t b = c->sgx;
    memcpy(b.report_data, rd, VT_REPORT_DATA_LEN);
    return vt_sim_quote_sgx(c->p, &b, ev, len);
}

static int tcp_connect(const char *hostport, int rcvbuf)
{
    char host[256];
    const char *colon = strrchr(hostport, ':');
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    if (colon == NULL) return -2;
    const char *h = hostport;
    size_t hl = (size_t)(colon - hostport);
    if (hl >= 2 && h[0] == '[') {
        h++;
        hl -= 2;
    }
    snprintf(host, sizeof(host), "%.*s", (int)hl, h);
    if (getaddrinfo(host, colon + 1, &hints, &res) != 0) return -2;
    int fd = socket(res->ai_family, SOCK_STREAM, 0);
    if (fd >= 0 && rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
        close(fd);
        fd = -2;
    }
    freeaddrinfo(res);
    return fd;
}

static int read_all(SSL *ssl, uint8_t *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        size_t n = 0;
        if (SSL_read_ex(ssl, buf + got, len - got, &n) != 1) return got == 0 ? 0 : -2;
        got += n;
    }
    return 1;
}

static void report_secret(const client_t *c, const uint8_t *s, size_t len)
{
    uint8_t h[32];
    char hex[65];
    if (c->out != NULL && vt_file_write_atomic(c->out, s, len, 0600) < 0)
        fprintf(stderr, "secretd_client: %s\n", vt_last_error());
    if (c->is_quiet) return;
    vt_sha256(s, len, h);
    vt_hex_encode(h, sizeof(h), hex);
    printf("secret %zu %s\n", len, hex);
}

static int exchange(client_t *c, SSL *ssl)
{
    uint8_t req[VT_SECRETPROV_REQUEST_MAX], hdr[VT_SECRETPROV_RESPONSE_HEADER_LEN];
    size_t req_len = 0, n = 0;
    vt_secretprov_response_t resp;

    if (c->raw != NULL) {
        req_len = strlen(c->raw);
        if (req_len > sizeof(req)) req_len = sizeof(req);
        memcpy(req, c->raw, req_len);
    } else if (vt_secretprov_request_serialize(c->name, req, sizeof(req), &req_len) < 0) {
        fprintf(stderr, "secretd_client: %s\n", vt_last_error());
        return EXIT_OTHER;
    }
    if (c->drip_ms > 0) {
        for (size_t i = 0; i < req_len; i++) {
            if (i > 0) usleep((useconds_t)c->drip_ms * 1000);
            if (SSL_write_ex(ssl, req + i, 1, &n) != 1) {
                printf("drip: server closed after %zu bytes\n", i);
                return EXIT_CLOSED;
            }
        }
    } else if (SSL_write_ex(ssl, req, req_len, &n) != 1) {
        return EXIT_CLOSED;
    }
    if (c->noread_s > 0) sleep((unsigned)c->noread_s);
    int r = read_all(ssl, hdr, sizeof(hdr));
    if (r == 0) return EXIT_CLOSED;
    if (r < 0 || vt_secretprov_response_parse(hdr, sizeof(hdr), &resp) < 0) {
        fprintf(stderr, "secretd_client: bad response header\n");
        return EXIT_OTHER;
    }
    if (resp.kind == VT_SECRETPROV_RESP_REFUSED) {
        if (!c->is_quiet) printf("refused %u\n", resp.value);
        return EXIT_REFUSED;
    }
    uint8_t *s = malloc(resp.value);
    if (s == NULL || read_all(ssl, s, resp.value) != 1) {
        free(s);
        fprintf(stderr, "secretd_client: secret cut short\n");
        return EXIT_OTHER;
    }
    report_secret(c, s, resp.value);
    OPENSSL_cleanse(s, resp.value);
    free(s);
    return EXIT_SECRET;
}

static int one_round(client_t *c, SSL_CTX *ctx)
{
    int fd = tcp_connect(c->connect, c->rcvbuf);
    if (fd < 0) {
        fprintf(stderr, "secretd_client: cannot connect to %s: %s\n", c->connect, strerror(errno));
        return EXIT_OTHER;
    }
    if (c->stall_s > 0) {
        sleep((unsigned)c->stall_s);
        char b;
        ssize_t n = read(fd, &b, 1); /* 0: the server closed it */
        close(fd);
        printf("stalled: server %s\n", n == 0 ? "closed" : "kept the connection");
        return n == 0 ? EXIT_CLOSED : EXIT_OTHER;
    }
    SSL *ssl = SSL_new(ctx);
    int rc = EXIT_OTHER;
    if (ssl == NULL || SSL_set_fd(ssl, fd) != 1) goto out;
    if (SSL_connect(ssl) != 1) {
        unsigned long e = ERR_peek_last_error();
        fprintf(stderr, "secretd_client: handshake failed: %s\n",
                e ? ERR_reason_error_string(e) : "connection closed");
        rc = EXIT_HANDSHAKE;
        goto out;
    }
    if (c->idle_s > 0) {
        sleep((unsigned)c->idle_s);
        char b;
        size_t n = 0;
        int ok = SSL_read_ex(ssl, &b, 1, &n); /* the server's close (TLS 1.3: maybe a ticket) */
        printf("idle: server %s\n", ok ? "sent data" : "closed");
        rc = ok ? EXIT_OTHER : EXIT_CLOSED;
        goto out;
    }
    if (c->delay_s > 0) {
        printf("connected\n");
        fflush(stdout);
        sleep((unsigned)c->delay_s);
    }
    rc = exchange(c, ssl);
    /* TLS 1.3: the server's verdict on our certificate arrives with its first read, as
       an alert (OpenSSL's reason codes for received alerts start at 1000). */
    if (rc == EXIT_CLOSED && ERR_GET_REASON(ERR_peek_last_error()) >= SSL_AD_REASON_OFFSET) {
        fprintf(stderr, "secretd_client: server rejected us: %s\n",
                ERR_reason_error_string(ERR_peek_last_error()));
        rc = EXIT_HANDSHAKE;
    }
    if (rc == EXIT_SECRET) (void)SSL_shutdown(ssl);
out:
    ERR_clear_error();
    SSL_free(ssl);
    close(fd);
    return rc;
}

static int make_ctx(client_t *c, SSL_CTX **out)
{
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    vt_ratls_create_options_t co = {.key_type = VT_RATLS_KEY_P256};
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) return VT_E_NOMEM;
    VT_GUARD(vt_sim_platform_load(c->platform, c->platform_index, &c->p));
    VT_GUARD(vt_ratls_create_with(evidence, c, &co, &key, &cert));
    vt_ratls_ssl_options_t o = {.key = key, .cert = cert};
    int rc = vt_ratls_ssl_ctx_configure(ctx, &o);
    EVP_PKEY_free(key);
    X509_free(cert);
    VT_GUARD(rc);
    if (c->ca != NULL) {
        VT_GUARD_OSSL(SSL_CTX_load_verify_file(ctx, c->ca), VT_E_IO, "cannot load %s", c->ca);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    }
    *out = ctx;
    return 0;
}

static int hex_arg(const char *text, uint8_t *out, size_t len)
{
    return vt_hex_decode(text, strlen(text), out, len);
}

static int parse(int argc, char **argv, client_t *c)
{
    static const struct option opts[] = {
        {"connect", 1, NULL, 'c'},   {"ca", 1, NULL, 'a'},
        {"platform", 1, NULL, 'p'},  {"platform-index", 1, NULL, 'i'},
        {"mrenclave", 1, NULL, 'e'}, {"mrsigner", 1, NULL, 's'},
        {"isvprodid", 1, NULL, 'P'}, {"isvsvn", 1, NULL, 'S'},
        {"debug", 0, NULL, 'd'},     {"tdx", 0, NULL, 't'},
        {"mrtd", 1, NULL, 'm'},      {"rtmr2", 1, NULL, 'r'},
        {"name", 1, NULL, 'n'},      {"raw", 1, NULL, 'R'},
        {"out", 1, NULL, 'o'},       {"stall", 1, NULL, 'T'},
        {"idle", 1, NULL, 'I'},      {"no-read", 1, NULL, 'N'},
        {"repeat", 1, NULL, 'x'},    {"quiet", 0, NULL, 'q'},
        {"delay", 1, NULL, 'D'},     {"rcvbuf", 1, NULL, 'B'},
        {"drip", 1, NULL, 'M'},      {NULL, 0, NULL, 0}};
    int ch;

    /* The fixture's default SGX identity (tests/lib/ratls_fixture.c) and TD. */
    c->sgx = (vt_sgx_report_body_t){.isv_prod_id = 7, .isv_svn = 3};
    c->sgx.attributes[0] = 0x05;
    c->sgx.attributes[8] = 0x03;
    memset(c->sgx.mr_enclave, 0xe1, 32);
    memset(c->sgx.mr_signer, 0x51, 32);
    memset(c->td.mr_td, 0x7d, 48);
    memset(c->td.rtmr[2], 0x22, 48);
    c->td.td_attributes[3] = 0x10;
    c->td.xfam[0] = 0xe7;
    c->tee = VT_TEE_SGX;
    c->repeat = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int rc = 0;
        switch (ch) {
        case 'c':
            c->connect = optarg;
            break;
        case 'a':
            c->ca = optarg;
            break;
        case 'p':
            c->platform = optarg;
            break;
        case 'i':
            c->platform_index = strtoul(optarg, NULL, 10);
            break;
        case 'e':
            rc = hex_arg(optarg, c->sgx.mr_enclave, 32);
            break;
        case 's':
            rc = hex_arg(optarg, c->sgx.mr_signer, 32);
            break;
        case 'P':
            c->sgx.isv_prod_id = (uint16_t)strtoul(optarg, NULL, 10);
            break;
        case 'S':
            c->sgx.isv_svn = (uint16_t)strtoul(optarg, NULL, 10);
            break;
        case 'd':
            c->sgx.attributes[0] |= 0x02;
            c->td.td_attributes[0] |= 0x01;
            break;
        case 't':
            c->tee = VT_TEE_TDX;
            break;
        case 'm':
            rc = hex_arg(optarg, c->td.mr_td, 48);
            break;
        case 'r':
            rc = hex_arg(optarg, c->td.rtmr[2], 48);
            break;
        case 'n':
            c->name = optarg;
            break;
        case 'R':
            c->raw = optarg;
            break;
        case 'o':
            c->out = optarg;
            break;
        case 'T':
            c->stall_s = atoi(optarg);
            break;
        case 'I':
            c->idle_s = atoi(optarg);
            break;
        case 'N':
            c->noread_s = atoi(optarg);
            break;
        case 'x':
            c->repeat = strtol(optarg, NULL, 10);
            break;
        case 'q':
            c->is_quiet = true;
            break;
        case 'D':
            c->delay_s = atoi(optarg);
            break;
        case 'B':
            c->rcvbuf = atoi(optarg);
            break;
        case 'M':
            c->drip_ms = atoi(optarg);
            break;
        default:
            return -2;
        }
        if (rc < 0) return -2;
    }
    return c->connect != NULL && c->platform != NULL && optind == argc ? 0 : -2;
}

int main(int argc, char **argv)
{
    client_t c = {0};
    SSL_CTX *ctx = NULL;
    int rc = EXIT_SECRET;

    /* A server that closed mid-request fails the next write, not the process. */
    signal(SIGPIPE, SIG_IGN);
    if (parse(argc, argv, &c) < 0) {
        fprintf(
            stderr,
            "usage: secretd_client --connect HOST:PORT --platform DIR [--ca FILE] "
            "[identity options] [--name NAME | --raw BYTES] [--out FILE] "
            "[--stall S | --idle S | --no-read S | --delay S | --drip MS] [--rcvbuf N] [--repeat "
            "N] [--quiet]\n");
        return 64;
    }
    if (make_ctx(&c, &ctx) < 0) {
        fprintf(stderr, "secretd_client: %s\n", vt_last_error());
        vt_sim_platform_free(c.p);
        SSL_CTX_free(ctx);
        return EXIT_OTHER;
    }
    for (long i = 0; i < c.repeat && rc == EXIT_SECRET; i++) rc = one_round(&c, ctx);
    SSL_CTX_free(ctx);
    vt_sim_platform_free(c.p);
    return rc;
}
