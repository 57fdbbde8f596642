/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A program written only against Gramine's <gramine/ra_tls.h>, the way Gramine's RA-TLS
 * examples use it, linked with -lra_tls_attest -lra_tls_verify_dcap: it makes a key and
 * an RA-TLS certificate, then verifies the certificate either with a measurement callback
 * or with the RA_TLS_* environment variables. Nothing Veritee-specific is used, so
 * building it proves the header and the libraries are drop-in compatible.
 *
 * Usage: gramine_api_compat OUTDIR env
 *        gramine_api_compat OUTDIR callback MRENCLAVE MRSIGNER ISV_PROD_ID ISV_SVN
 * ("0" skips a callback comparison, as in Gramine's example client). Writes
 * OUTDIR/key.der and OUTDIR/crt.der, prints "Verifying peer X.509 certificate... ok" or
 * "... failed" and exits 0 or 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gramine/ra_tls.h>

static char g_expect[4][65];

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 0x100;
}

/* Compares raw bytes with a hex string. */
static int bytes_equal_hex(const char *bytes, size_t n, const char *hex)
{
    if (strlen(hex) != 2 * n) return 0;
    for (size_t i = 0; i < n; i++) {
        int v = hex_value(hex[2 * i]) << 4 | hex_value(hex[2 * i + 1]);
        if (v > 0xff || (unsigned char)bytes[i] != v) return 0;
    }
    return 1;
}

static int my_verify_measurements(const char *mrenclave, const char *mrsigner,
                                  const char *isv_prod_id, const char *isv_svn)
{
    unsigned prod = (unsigned char)isv_prod_id[0] | (unsigned char)isv_prod_id[1] << 8;
    unsigned svn = (unsigned char)isv_svn[0] | (unsigned char)isv_svn[1] << 8;
    fprintf(stderr, "callback: isv_prod_id %u isv_svn %u\n", prod, svn);
    if (strcmp(g_expect[0], "0") != 0 && !bytes_equal_hex(mrenclave, 32, g_expect[0])) return -1;
    if (strcmp(g_expect[1], "0") != 0 && !bytes_equal_hex(mrsigner, 32, g_expect[1])) return -1;
    if (strcmp(g_expect[2], "0") != 0 && strtoul(g_expect[2], NULL, 10) != prod) return -1;
    if (strcmp(g_expect[3], "0") != 0 && strtoul(g_expect[3], NULL, 10) > svn) return -1;
    return 0;
}

static int write_file(const char *dir, const char *name, const uint8_t *buf, size_t len)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL) return 0;
    int ok = fwrite(buf, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

int main(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[2], "env") != 0 && strcmp(argv[2], "callback") != 0) ||
        (strcmp(argv[2], "callback") == 0 && argc != 7)) {
        fprintf(stderr, "usage: %s OUTDIR env | OUTDIR callback MRENCLAVE MRSIGNER PROD SVN\n",
                argv[0]);
        return 64;
    }
    uint8_t *key = NULL, *crt = NULL;
    size_t key_size = 0, crt_size = 0;
    int ret = ra_tls_create_key_and_crt_der(&key, &key_size, &crt, &crt_size);
    if (ret != 0) {
        printf("ra_tls_create_key_and_crt_der failed: %d\n", ret);
        return 1;
    }
    if (!write_file(argv[1], "key.der", key, key_size) ||
        !write_file(argv[1], "crt.der", crt, crt_size)) {
        printf("cannot write to %s\n", argv[1]);
        return 1;
    }

    if (strcmp(argv[2], "callback") == 0) {
        for (int i = 0; i < 4; i++) snprintf(g_expect[i], sizeof(g_expect[i]), "%s", argv[3 + i]);
        ra_tls_set_measurement_callback(my_verify_measurements);
    } else {
        ra_tls_set_measurement_callback(NULL);
    }

    struct ra_tls_verify_callback_results results = {0};
    printf("Verifying peer X.509 certificate...");
    ret = ra_tls_verify_callback_extended_der(crt, crt_size, &results);
    if (ret != 0) {
        printf(" failed\n  ret %d, scheme %d, err_loc %d, func %#x, qv %#x\n", ret,
               (int)results.attestation_scheme, (int)results.err_loc,
               results.dcap.func_verify_quote_result, results.dcap.quote_verification_result);
    } else {
        printf(" ok\n  scheme %d, err_loc %d, qv %#x\n", (int)results.attestation_scheme,
               (int)results.err_loc, results.dcap.quote_verification_result);
        /* The deprecated wrapper agrees. */
        ret = ra_tls_verify_callback_der(crt, crt_size);
        if (ret != 0) printf("ra_tls_verify_callback_der failed: %d\n", ret);
    }
    free(key);
    free(crt);
    return ret == 0 ? 0 : 1;
}
