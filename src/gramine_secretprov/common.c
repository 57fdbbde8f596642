/* SPDX-License-Identifier: Apache-2.0 */
/*
 * secret_provision_read / _write / _close (gramine-compat.md §7), exported by both
 * libraries, and the error mapping of Gramine's API.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <veritee/attest.h>

#include "common/error.h"
#include "gramine_secretprov/sp_internal.h"

#define EXPORT __attribute__((visibility("default")))

int vt_gramine_sp_io_errno(int rc)
{
    if (rc == VT_E_INVALID_ARG) return -EINVAL;
    if (rc == VT_E_NETWORK) return -ECONNRESET;
    return -EPERM;
}

int vt_gramine_sp_start_errno(int rc, vt_secretprov_stage_t stage)
{
    if (rc == VT_E_NOMEM) return -ENOMEM;
    if (stage == VT_SECRETPROV_STAGE_CONNECT)
        return rc == VT_E_NOT_FOUND ? SECRET_PROVISION_ERR_UNKNOWN_HOST
                                    : SECRET_PROVISION_ERR_CONNECT_FAILED;
    if (rc == VT_E_INVALID_ARG || vt_error_type(rc) == VT_ET_PARSE) return -EINVAL;
    if (stage == VT_SECRETPROV_STAGE_EXCHANGE && rc == VT_E_NETWORK) return -ECONNRESET;
    return -EPERM;
}

bool vt_gramine_sp_is_truthy(const char *v)
{
    return v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "TRUE") == 0);
}

int vt_gramine_sp_key_path(const char *name, char out[256])
{
    VT_ENSURE(name != NULL && name[0] != '\0' && strchr(name, '/') == NULL &&
                  strcmp(name, ".") != 0 && strcmp(name, "..") != 0,
              VT_E_INVALID_ARG, "key name '%.64s' is not a file name", name ? name : "");
    const char *dir = getenv(VT_ATTEST_DIR_ENV);
    if (dir == NULL || dir[0] == '\0') dir = VT_ATTEST_DIR_DEFAULT;
    int n = snprintf(out, 256, "%s/keys/%s", dir, name);
    VT_ENSURE(n > 0 && n < 256, VT_E_TOO_LARGE, "the key path %s/keys/%.64s is too long", dir,
              name);
    return 0;
}

static int io_result(int rc, const char *fn)
{
    if (rc == 0) return 0;
    int e = vt_gramine_sp_io_errno(rc);
    if (e == -EPERM) fprintf(stderr, "ERROR: %s: %s\n", fn, vt_last_error());
    return e;
}

EXPORT int secret_provision_write(struct ra_tls_ctx *ctx, const uint8_t *buf, size_t size)
{
    return io_result(vt_secretprov_session_write(ctx, buf, size), "secret_provision_write");
}

EXPORT int secret_provision_read(struct ra_tls_ctx *ctx, uint8_t *buf, size_t size)
{
    return io_result(vt_secretprov_session_read(ctx, buf, size), "secret_provision_read");
}

EXPORT int secret_provision_close(struct ra_tls_ctx *ctx)
{
    if (ctx == NULL) return -EINVAL;
    int rc = vt_secretprov_session_shutdown(ctx);
    /* A server worker's session is freed by its thread once f_cb returns. */
    if (!ctx->is_server) vt_secretprov_session_free(ctx);
    return io_result(rc, "secret_provision_close");
}
