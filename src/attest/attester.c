/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The attester interface: provider selection, dispatch, and the pseudo-file helpers
 * the providers share. Pseudo-files (Gramine's /dev/attestation, configfs attributes)
 * act on open() and on each write(), so the helpers do exactly one open per access and
 * exactly one write() per value, and read to EOF from the handle they opened.
 */
#define _GNU_SOURCE
#include "attester.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"
#include "tsm.h"

/* ---- Pseudo-file helpers ------------------------------------------------------- */

bool vt_attest_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int vt_attest_errno_rc(int err, const char *module, const char *dir, const char *what,
                       const char *hint)
{
    if (err == ENOENT && dir != NULL)
        VT_BAIL(VT_E_NOT_FOUND, "%s: %s: not found in %s", module, what, dir);
    if (err == ENOENT) VT_BAIL(VT_E_NOT_FOUND, "%s: %s: not found", module, what);
    if ((err == EACCES || err == EPERM) && hint != NULL)
        VT_BAIL(VT_E_IO, "%s: %s: permission denied (%s)", module, what, hint);
    if (err == EACCES || err == EPERM) VT_BAIL(VT_E_IO, "%s: %s: permission denied", module, what);
    VT_BAIL(VT_E_IO, "%s: %s: %s", module, what, strerror(err));
}

int vt_attest_open(const char *module, const char *dir, const char *name, int flags,
                   const char *hint, int *fd)
{
    char path[PATH_MAX];
    int n = snprintf(path, sizeof(path), "%s/%s", dir, name);

    *fd = -1;
    VT_ENSURE(n > 0 && (size_t)n < sizeof(path), VT_E_INVALID_ARG, "%s: path %s/%s too long",
              module, dir, name);
    int f = open(path, flags | O_CLOEXEC);
    if (f < 0) return vt_attest_errno_rc(errno, module, dir, name, hint);
    *fd = f;
    return 0;
}

int vt_attest_write_once(const char *module, const char *dir, const char *name, const uint8_t *data,
                         size_t len, const char *hint)
{
    int rc = VT_E_INTERNAL;
    int fd = -1;
    ssize_t n;

    /* No O_TRUNC/O_CREAT: pseudo-files exist already, and each write replaces the value. */
    VT_TRY(vt_attest_open(module, dir, name, O_WRONLY, hint, &fd));
    do {
        n = write(fd, data, len);
    } while (n < 0 && errno == EINTR);
    if (n < 0) VT_TRY(vt_attest_errno_rc(errno, module, NULL, name, hint));
    VT_TRY_ENSURE((size_t)n == len, VT_E_IO, "%s: %s: short write (%zd of %zu bytes)", module, name,
                  n, len);
    rc = 0;
out:
    if (fd >= 0) close(fd);
    return rc;
}

int vt_attest_read_fd(int fd, const char *module, const char *what, uint8_t *buf, size_t cap,
                      size_t *len)
{
    size_t got = 0;
    uint8_t extra;

    for (;;) {
        /* When the buffer is full, one more byte tells "exactly cap" from "too large". */
        uint8_t *dst = got < cap ? buf + got : &extra;
        ssize_t n = read(fd, dst, got < cap ? cap - got : 1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return vt_attest_errno_rc(errno, module, NULL, what, NULL);
        if (n == 0) break;
        VT_ENSURE(got < cap, VT_E_TOO_LARGE, "%s: %s: more than %zu bytes", module, what, cap);
        got += (size_t)n;
    }
    *len = got;
    return 0;
}

int vt_attest_read_file(const char *module, const char *dir, const char *name, const char *hint,
                        uint8_t *buf, size_t cap, size_t *len)
{
    int rc = VT_E_INTERNAL;
    int fd = -1;

    VT_TRY(vt_attest_open(module, dir, name, O_RDONLY, hint, &fd));
    VT_TRY(vt_attest_read_fd(fd, module, name, buf, cap, len));
    rc = 0;
out:
    if (fd >= 0) close(fd);
    return rc;
}

static const char *tee_name(vt_tee_t tee)
{
    return tee == VT_TEE_SGX ? "sgx" : tee == VT_TEE_TDX ? "tdx" : "unknown";
}

int vt_attest_check_quote(const char *module, const uint8_t *evidence, size_t len, vt_tee_t tee,
                          const uint8_t rd[static VT_REPORT_DATA_LEN])
{
    vt_quote_t q;

    /* Any trailing bytes: platforms hand out quotes in padded buffers (as Intel's QVL). */
    int rc = vt_quote_parse_ex(evidence, len, VT_QUOTE_PARSE_ANY_TRAILING, &q);
    if (rc < 0) return vt_error_wrap(rc, "%s: quote", module);
    VT_ENSURE(q.tee == tee, VT_E_UNSUPPORTED, "%s: quote is for tee %s, expected %s", module,
              tee_name(q.tee), tee_name(tee));
    const uint8_t *got = q.tee == VT_TEE_SGX ? q.sgx.report_data : q.td.report_data;
    /*
     * A mismatch means the quote does not bind our request: a stale quote, or another
     * thread or process wrote user_report_data in between.
     */
    VT_ENSURE(CRYPTO_memcmp(got, rd, VT_REPORT_DATA_LEN) == 0, VT_E_REPORT_DATA,
              "%s: quote report data differs from the report data written", module);
    return 0;
}

/* ---- The interface -------------------------------------------------------------- */

int vt_attester_alloc(const vt_attest_ops_t *ops, const char *dir, vt_attest_tee_t tee,
                      vt_attester_t **out)
{
    int rc = VT_E_INTERNAL;
    vt_attester_t *a = NULL;

    VT_TRY_ALLOC(a, calloc(1, sizeof(*a)), "attester");
    VT_TRY_ALLOC(a->dir, strdup(dir), "attester directory");
    a->ops = ops;
    a->tee = tee;
    *out = a;
    a = NULL;
    rc = 0;
out:
    vt_attester_free(a);
    return rc;
}

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v != NULL && v[0] != '\0' ? v : fallback;
}

static int select_auto(vt_attester_t **out)
{
    const char *gdir = env_or(VT_ATTEST_DIR_ENV, VT_ATTEST_DIR_DEFAULT);
    const char *tdir = env_or(VT_TSM_DIR_ENV, VT_TSM_DIR_DEFAULT);

    if (vt_gramine_is_dcap(gdir)) return vt_gramine_attester_new(gdir, out);
    if (vt_attest_is_dir(tdir)) return vt_tsm_attester_new(tdir, NULL, NULL, out);
    VT_BAIL(VT_E_NOT_FOUND,
            "attest: no attestation provider found (no %s with attestation_type dcap, "
            "no configfs-tsm at %s)",
            gdir, tdir);
}

int vt_attester_new(const char *provider, vt_attester_t **out)
{
    if (provider == NULL) return select_auto(out);
    if (strcmp(provider, "gramine") == 0)
        return vt_gramine_attester_new(env_or(VT_ATTEST_DIR_ENV, VT_ATTEST_DIR_DEFAULT), out);
    if (strcmp(provider, "tsm") == 0)
        return vt_tsm_attester_new(env_or(VT_TSM_DIR_ENV, VT_TSM_DIR_DEFAULT), NULL, NULL, out);
    VT_BAIL(VT_E_INVALID_ARG, "attest: unknown provider '%.32s' (expected gramine or tsm)",
            provider);
}

void vt_attester_free(vt_attester_t *a)
{
    if (a == NULL) return;
    free(a->dir);
    free(a);
}

const char *vt_attester_name(const vt_attester_t *a)
{
    return a->ops->name;
}

vt_attest_tee_t vt_attester_tee(const vt_attester_t *a)
{
    return a->tee;
}

int vt_attester_get_evidence(vt_attester_t *a, const uint8_t report_data[static VT_REPORT_DATA_LEN],
                             uint8_t **evidence, size_t *len)
{
    return a->ops->get_evidence(a, report_data, evidence, len);
}

int vt_attester_get_sealing_key(vt_attester_t *a, const char *name,
                                uint8_t out[static VT_SEALING_KEY_LEN])
{
    VT_ENSURE(a->ops->get_sealing_key != NULL, VT_E_UNSUPPORTED,
              "attest: the %s provider has no sealing keys (gramine only)", a->ops->name);
    return a->ops->get_sealing_key(a, name, out);
}

int vt_attester_get_report(vt_attester_t *a,
                           const uint8_t target_info[static VT_SGX_TARGET_INFO_LEN],
                           const uint8_t report_data[static VT_REPORT_DATA_LEN],
                           uint8_t out[static VT_SGX_REPORT_LEN])
{
    VT_ENSURE(a->ops->get_report != NULL, VT_E_UNSUPPORTED,
              "attest: the %s provider has no local reports (gramine only)", a->ops->name);
    return a->ops->get_report(a, target_info, report_data, out);
}
