/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A mutual RA-TLS peer for ratls_enclaves.sh, written only against the public API
 * (veritee/ratls.h, veritee/attest.h): run as a simulated enclave (`veritee sim run` on
 * a veritee-attestfs mount), it makes its RA-TLS certificate with the gramine attester,
 * and verifies its peer's against the simulated platform.
 *
 *   ratls_peer server PORTFILE MRENCLAVE|any   listen on 127.0.0.1 (a free port, written
 *                                              to PORTFILE), one mutual handshake
 *   ratls_peer client PORTFILE MRENCLAVE|any   connect to the port in PORTFILE
 *
 * MRENCLAVE is the peer's the policy pins (or any identity). The verifier trusts the
 * root certificate in $VERITEE_ROOT_CA (a SIMULATED root) with collateral from the
 * bundle directory $VERITEE_COLLATERAL. After the handshake each side prints
 *   peer mrenclave: HEX / peer mrsigner: HEX / peer source: tcg / peer tcb: UpToDate
 * and they exchange "ping" / "pong". Exit 0 on success, 1 on any failure (with the
 * reason on stderr), 64 on a usage error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <veritee/attest.h>
#include <veritee/ratls.h>
#include <veritee/verify.h>

static const char *role = "ratls_peer";

static void fail(const char *what)
{
    char buf[256];
    unsigned long e = ERR_peek_error();
    fprintf(stderr, "%s: %s: %s", role, what, vt_last_error());
    if (e) {
        const char *data = NULL;
        int flags = 0;
        ERR_peek_error_all(NULL, NULL, NULL, &data, &flags);
        ERR_error_string_n(e, buf, sizeof(buf));
        fprintf(stderr, " (openssl: %s%s%s)", buf, (flags & ERR_TXT_STRING) ? ": " : "",
                (flags & ERR_TXT_STRING) ? data : "");
    }
    fputc('\n', stderr);
    exit(1);
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = malloc(65536);
    if (f == NULL || buf == NULL) return NULL;
    *len = fread(buf, 1, 65536, f);
    fclose(f);
    return buf;
}

static int hex_to_bytes(const char *hex, uint8_t *out, size_t n)
{
    if (strlen(hex) != 2 * n) return 1;
    for (size_t i = 0; i < n; i++)
        if (sscanf(hex + 2 * i, "%2hhx", &out[i]) != 1) return 1;
    return 0;
}

static void print_hex(const char *name, const uint8_t *p, size_t n)
{
    printf("peer %s: ", name);
    for (size_t i = 0; i < n; i++) printf("%02x", p[i]);
    printf("\n");
}

static SSL_CTX *make_ctx(bool is_server, const char *pin, vt_ratls_verifier_t **rv_out,
                         vt_verifier_t **v_out, vt_policy_t **p_out, vt_attester_t **a_out)
{
    const char *root = getenv("VERITEE_ROOT_CA"), *coll = getenv("VERITEE_COLLATERAL");
    size_t root_len = 0;
    uint8_t *root_der = root ? read_file(root, &root_len) : NULL;
    uint8_t mr[32];

    if (root_der == NULL || coll == NULL) {
        fprintf(stderr, "%s: set VERITEE_ROOT_CA and VERITEE_COLLATERAL\n", role);
        exit(64);
    }
    if (vt_verifier_new(v_out) != 0 ||
        vt_verifier_set_simulated_root(*v_out, root_der, root_len) != 0 ||
        vt_verifier_set_collateral_dir(*v_out, coll) != 0)
        fail("quote verifier");
    free(root_der);
    if (vt_policy_new(p_out) != 0) fail("policy");
    if (strcmp(pin, "any") != 0) {
        if (hex_to_bytes(pin, mr, sizeof(mr)) != 0) {
            fprintf(stderr, "%s: MRENCLAVE must be 64 hex digits or any\n", role);
            exit(64);
        }
        vt_policy_set_mrenclave(*p_out, mr);
    }
    if (vt_ratls_verifier_new(*v_out, *p_out, rv_out) != 0) fail("ratls verifier");
    if (vt_attester_new("gramine", a_out) != 0) fail("attester");
    SSL_CTX *ctx = SSL_CTX_new(is_server ? TLS_server_method() : TLS_client_method());
    if (ctx == NULL) fail("SSL_CTX_new");
    vt_ratls_ssl_options_t o = {.attester = *a_out, .verifier = *rv_out};
    if (vt_ratls_ssl_ctx_configure(ctx, &o) != 0) fail("vt_ratls_ssl_ctx_configure");
    return ctx;
}

static int listen_any(const char *portfile)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(a);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s, 1) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &alen) != 0)
        fail("listen");
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp", portfile);
    FILE *f = fopen(tmp, "w");
    if (f == NULL || fprintf(f, "%u\n", ntohs(a.sin_port)) < 0 || fclose(f) != 0 ||
        rename(tmp, portfile) != 0)
        fail("port file");
    return s;
}

static int connect_to(const char *portfile)
{
    unsigned port = 0;
    for (int i = 0; i < 500 && port == 0; i++) {
        FILE *f = fopen(portfile, "r");
        if (f) {
            if (fscanf(f, "%u", &port) != 1) port = 0;
            fclose(f);
        }
        if (port == 0) usleep(20000);
    }
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (port == 0 || s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) != 0) fail("connect");
    return s;
}

int main(int argc, char **argv)
{
    vt_ratls_verifier_t *rv = NULL;
    vt_verifier_t *v = NULL;
    vt_policy_t *p = NULL;
    vt_attester_t *att = NULL;
    char buf[8] = {0};

    if (argc != 4 || (strcmp(argv[1], "server") != 0 && strcmp(argv[1], "client") != 0)) {
        fprintf(stderr, "Usage: ratls_peer server|client PORTFILE MRENCLAVE|any\n");
        return 64;
    }
    bool is_server = strcmp(argv[1], "server") == 0;
    role = is_server ? "ratls_peer server" : "ratls_peer client";
    SSL_CTX *ctx = make_ctx(is_server, argv[3], &rv, &v, &p, &att);
    int ls = is_server ? listen_any(argv[2]) : -1;
    int fd = is_server ? accept(ls, NULL, NULL) : connect_to(argv[2]);
    if (fd < 0) fail("accept");
    SSL *ssl = SSL_new(ctx);
    if (ssl == NULL || SSL_set_fd(ssl, fd) != 1) fail("SSL_new");
    if ((is_server ? SSL_accept(ssl) : SSL_connect(ssl)) != 1) fail("handshake");
    if (is_server) {
        /* TLS 1.3: the server has checked the client's certificate once accept returns. */
        if (SSL_read(ssl, buf, 4) != 4 || memcmp(buf, "ping", 4) != 0) fail("read ping");
        if (SSL_write(ssl, "pong", 4) != 4) fail("write pong");
    } else {
        if (SSL_write(ssl, "ping", 4) != 4) fail("write ping");
        if (SSL_read(ssl, buf, 4) != 4 || memcmp(buf, "pong", 4) != 0)
            fail("read pong (the server refused us?)");
    }
    const vt_ratls_result_t *r = vt_ratls_ssl_get_result(ssl);
    if (r == NULL) fail("no RA-TLS result after the handshake");
    print_hex("mrenclave", r->quote.sgx.mr_enclave, 32);
    print_hex("mrsigner", r->quote.sgx.mr_signer, 32);
    printf("peer isvprodid: %u\n", r->quote.sgx.isv_prod_id);
    printf("peer source: %s\n", r->source == VT_RATLS_EXT_TCG ? "tcg" : "other");
    printf("peer tcb: %s\n", vt_tcb_status_name(r->quote.tcb_status));
    printf("tls: %s\n", SSL_get_version(ssl));
    SSL_shutdown(ssl);
    SSL_free(ssl);
    close(fd);
    if (ls >= 0) close(ls);
    SSL_CTX_free(ctx);
    vt_ratls_verifier_free(rv);
    vt_policy_free(p);
    vt_verifier_free(v);
    vt_attester_free(att);
    return 0;
}
