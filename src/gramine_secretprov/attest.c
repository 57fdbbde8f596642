/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libsecret_prov_attest.so: Gramine's client API (secret_provision_start, _get; read,
 * write and close are in common.c) and the ELF constructor of gramine-compat.md §9.
 * Exported under version SECRET_PROV (secret_prov_attest.map).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <veritee/attest.h>

#include "common/error.h"
#include "gramine/gramine_internal.h"
#include "gramine_secretprov/sp_internal.h"

#define EXPORT  __attribute__((visibility("default")))
#define KEY_LEN 16

EXPORT int secret_provision_get(struct ra_tls_ctx *ctx, uint8_t **out_secret,
                                size_t *out_secret_size)
{
    if (ctx == NULL || out_secret == NULL || out_secret_size == NULL || ctx->secret == NULL)
        return -EINVAL;
    uint8_t *copy = malloc(ctx->secret_size);
    if (copy == NULL) return -ENOMEM;
    memcpy(copy, ctx->secret, ctx->secret_size); /* vt-lint: allow (same size) */
    *out_secret = copy;
    *out_secret_size = ctx->secret_size;
    return 0;
}

EXPORT int secret_provision_start(const char *in_servers, const char *in_ca_chain_path,
                                  struct ra_tls_ctx **out_ctx)
{
    vt_attester_t *a = NULL;
    vt_ratls_create_options_t create = {0};
    vt_secretprov_stage_t stage = VT_SECRETPROV_STAGE_SETUP;
    int rc;

    if (out_ctx == NULL) return -EINVAL;
    const char *servers = in_servers ? in_servers : getenv(SECRET_PROVISION_SERVERS);
    const char *ca = in_ca_chain_path ? in_ca_chain_path : getenv(SECRET_PROVISION_CA_CHAIN_PATH);
    if (servers == NULL) servers = DEFAULT_SERVERS;
    if (ca == NULL || ca[0] == '\0') {
        fprintf(stderr, "ERROR: secret_provision_start: no CA chain: pass one or "
                        "set " SECRET_PROVISION_CA_CHAIN_PATH "\n");
        return -EINVAL;
    }
    rc = vt_gramine_create_options_from_env(&create);
    if (rc == 0) rc = vt_attester_new("gramine", &a);
    if (rc == 0) {
        vt_secretprov_client_options_t o = {
            .servers = servers, .ca_chain_path = ca, .attester = a, .create = &create};
        rc = vt_secretprov_client_start(&o, out_ctx, &stage);
    }
    vt_attester_free(a);
    if (rc == 0) return 0;
    fprintf(stderr, "ERROR: secret_provision_start: %s\n", vt_last_error());
    return vt_gramine_sp_start_errno(rc, stage);
}

/* ---- Constructor (§9) -------------------------------------------------------------- */

__attribute__((noreturn)) static void die(const char *why)
{
    fprintf(stderr, "ERROR: secret provisioning constructor: %s; terminating the whole process\n",
            why);
    exit(1);
}

static void write_key(const char *name, const uint8_t *secret, size_t size)
{
    char path[256];
    if (size != KEY_LEN) die("the secret for " SECRET_PROVISION_SET_KEY " is not 16 bytes");
    if (vt_gramine_sp_key_path(name, path) < 0) die(vt_last_error());
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "ERROR: secret provisioning constructor: cannot open %s: %s\n", path,
                strerror(errno));
        die("cannot set the key");
    }
    for (size_t done = 0; done < size;) {
        ssize_t n = write(fd, secret + done, size - done);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) {
            fprintf(stderr, "ERROR: secret provisioning constructor: cannot write %s: %s\n", path,
                    n < 0 ? strerror(errno) : "nothing written");
            die("cannot set the key");
        }
        done += (size_t)n;
    }
    if (close(fd) < 0) die("cannot close the key file");
}

__attribute__((constructor)) static void secret_provision_constructor(void)
{
    if (!vt_gramine_sp_is_truthy(getenv(SECRET_PROVISION_CONSTRUCTOR))) return;
    /* A child started with execve must not provision again, nor see a stale secret. */
    unsetenv(SECRET_PROVISION_CONSTRUCTOR);
    unsetenv(SECRET_PROVISION_SECRET_STRING);

    struct ra_tls_ctx *ctx = NULL;
    uint8_t *secret = NULL;
    size_t size = 0;
    if (secret_provision_start(NULL, NULL, &ctx) < 0) die("secret_provision_start failed");
    if (secret_provision_get(ctx, &secret, &size) < 0 || size == 0)
        die("secret_provision_get failed");
    const char *key = getenv(SECRET_PROVISION_SET_KEY);
    if (key != NULL) {
        write_key(key, secret, size);
    } else {
        if (size > PATH_MAX || secret[size - 1] != '\0')
            die("the secret is not a NUL-terminated string of at most PATH_MAX bytes");
        if (setenv(SECRET_PROVISION_SECRET_STRING, (const char *)secret, 1) < 0)
            die("cannot set " SECRET_PROVISION_SECRET_STRING);
    }
    OPENSSL_cleanse(secret, size);
    free(secret);
    (void)secret_provision_close(ctx);
}
