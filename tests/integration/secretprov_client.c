/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A secret provisioning client written only against <gramine/secret_prov.h>, linked with
 * -lsecret_prov_attest as a Gramine application is. Modes:
 *   secretprov_client api OUT [DELAY_S]  secret_provision_start (servers and CA from the
 *                                        environment), secret_provision_get; writes the
 *                                        secret to OUT; then (after DELAY_S seconds) the
 *                                        "MORE" -> "42" exchange; prints "api: ok SIZE"
 *   secretprov_client env                prints $SECRET_PROVISION_SECRET_STRING (set by
 *                                        the constructor)
 *   secretprov_client key NAME           prints the hex of <attestation dir>/keys/NAME
 *   secretprov_client badargs            the API's -EINVAL cases
 * Exit status 0 on success, 1 on failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gramine/secret_prov.h>

static int api(const char *out, int delay)
{
    struct ra_tls_ctx *ctx = NULL;
    uint8_t *secret = NULL;
    size_t size = 0;
    int ret = secret_provision_start(NULL, NULL, &ctx);
    if (ret < 0) {
        printf("api: secret_provision_start failed: %d\n", ret);
        return 1;
    }
    ret = secret_provision_get(ctx, &secret, &size);
    if (ret < 0) {
        printf("api: secret_provision_get failed: %d\n", ret);
        return 1;
    }
    FILE *f = fopen(out, "wb");
    if (f == NULL || fwrite(secret, 1, size, f) != size || fclose(f) != 0) {
        printf("api: cannot write %s\n", out);
        return 1;
    }
    free(secret);
    if (delay > 0) sleep((unsigned)delay);
    uint8_t answer[3] = {0};
    ret = secret_provision_write(ctx, (const uint8_t *)"MORE", 5);
    if (ret == 0) ret = secret_provision_read(ctx, answer, sizeof(answer));
    if (ret < 0 || memcmp(answer, "42", 3) != 0) {
        printf("api: MORE exchange failed: %d\n", ret);
        return 1;
    }
    /* The server closes after f_cb: a further read sees the session closed. */
    uint8_t more;
    ret = secret_provision_read(ctx, &more, 1);
    if (ret != -ECONNRESET) {
        printf("api: read after the server's close_notify gave %d, expected %d\n", ret,
               -ECONNRESET);
        return 1;
    }
    ret = secret_provision_close(ctx);
    printf("api: ok %zu (close %d)\n", size, ret);
    return 0;
}

static int key(const char *name)
{
    const char *dir = getenv("VERITEE_ATTESTATION_DIR");
    char path[512];
    snprintf(path, sizeof(path), "%s/keys/%s", dir ? dir : "/dev/attestation", name);
    FILE *f = fopen(path, "rb");
    uint8_t k[32];
    size_t n = f ? fread(k, 1, sizeof(k), f) : 0;
    if (f) fclose(f);
    if (n != 16) {
        printf("key: %s: %zu bytes\n", path, n);
        return 1;
    }
    for (size_t i = 0; i < n; i++) printf("%02x", k[i]);
    printf("\n");
    return 0;
}

static int badargs(void)
{
    struct ra_tls_ctx *ctx = NULL;
    uint8_t *s = NULL;
    size_t n = 0;
    int bad = 0;
    bad |= secret_provision_start(NULL, NULL, NULL) != -EINVAL;
    unsetenv(SECRET_PROVISION_CA_CHAIN_PATH);
    bad |= secret_provision_start("localhost:1", NULL, &ctx) != -EINVAL;
    bad |= secret_provision_get(NULL, &s, &n) != -EINVAL;
    bad |= secret_provision_read(NULL, s, 0) != -EINVAL;
    bad |= secret_provision_write(NULL, s, 0) != -EINVAL;
    bad |= secret_provision_close(NULL) != -EINVAL;
    printf("badargs: %s\n", bad ? "FAILED" : "ok");
    return bad;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "api") == 0)
        return api(argv[2], argc >= 4 ? atoi(argv[3]) : 0);
    if (argc == 2 && strcmp(argv[1], "env") == 0) {
        const char *v = getenv(SECRET_PROVISION_SECRET_STRING);
        printf("%s=%s\n", SECRET_PROVISION_SECRET_STRING, v ? v : "(unset)");
        printf("%s=%s\n", SECRET_PROVISION_CONSTRUCTOR,
               getenv(SECRET_PROVISION_CONSTRUCTOR) ? "(still set)" : "(unset)");
        return v == NULL;
    }
    if (argc == 3 && strcmp(argv[1], "key") == 0) return key(argv[2]);
    if (argc == 2 && strcmp(argv[1], "badargs") == 0) return badargs();
    fprintf(stderr, "usage: %s api OUT [DELAY_S] | env | key NAME | badargs\n", argv[0]);
    return 64;
}
