/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A secret provisioning server written only against <gramine/secret_prov.h>, as a Gramine
 * user writes one (linked with -lsecret_prov_verify_dcap). Usage:
 *   secretprov_server PORT CERT KEY SECRET_FILE [--mcb MRENCLAVE_HEX]
 * Serves the bytes of SECRET_FILE; f_cb runs Gramine's example exchange (reads "MORE\0",
 * answers "42\0"). With --mcb, measurements are checked by a callback that accepts only
 * MRENCLAVE_HEX (else the RA_TLS_* variables apply).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gramine/secret_prov.h>

static unsigned char g_mrenclave[32];

static int f_cb(struct ra_tls_ctx *ctx)
{
    uint8_t buf[5];
    int ret = secret_provision_read(ctx, buf, sizeof(buf));
    if (ret < 0) {
        /* A client that only wanted the secret closes at once: not an error. */
        fprintf(stderr, "f_cb: no request after the secret (%d)\n", ret);
        return ret;
    }
    if (memcmp(buf, "MORE", 5) != 0) {
        fprintf(stderr, "f_cb: unexpected request\n");
        return -1;
    }
    ret = secret_provision_write(ctx, (const uint8_t *)"42", 3);
    fprintf(stderr, "f_cb: answered MORE with 42 (%d)\n", ret);
    return ret;
}

static int m_cb(const char *mrenclave, const char *mrsigner, const char *isv_prod_id,
                const char *isv_svn)
{
    (void)mrsigner;
    (void)isv_prod_id;
    (void)isv_svn;
    if (memcmp(mrenclave, g_mrenclave, 32) != 0) {
        fprintf(stderr, "m_cb: MRENCLAVE mismatch\n");
        return -1;
    }
    fprintf(stderr, "m_cb: MRENCLAVE accepted\n");
    return 0;
}

static int hex_decode(const char *hex, unsigned char out[32])
{
    if (strlen(hex) != 64) return -1;
    for (int i = 0; i < 32; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) return -1;
        out[i] = (unsigned char)v;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 5 && !(argc == 7 && strcmp(argv[5], "--mcb") == 0)) {
        fprintf(stderr, "usage: %s PORT CERT KEY SECRET_FILE [--mcb MRENCLAVE_HEX]\n", argv[0]);
        return 64;
    }
    if (argc == 7 && hex_decode(argv[6], g_mrenclave) < 0) {
        fprintf(stderr, "bad MRENCLAVE\n");
        return 64;
    }
    FILE *f = fopen(argv[4], "rb");
    if (f == NULL) {
        perror(argv[4]);
        return 1;
    }
    size_t cap = 2u << 20, size = 0;
    uint8_t *secret = malloc(cap);
    if (secret == NULL) return 1;
    size = fread(secret, 1, cap, f);
    fclose(f);
    int ret = secret_provision_start_server(secret, size, argv[1], argv[2], argv[3],
                                            argc == 7 ? m_cb : NULL, f_cb);
    fprintf(stderr, "secret_provision_start_server returned %d\n", ret);
    return 1;
}
