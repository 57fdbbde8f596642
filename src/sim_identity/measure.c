/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Measurements of a simulated enclave: SHA-256 of files, MRENCLAVE over the
 * domain-separated encoding documented in include/veritee/sim_identity.h, and MRSIGNER
 * as SGX derives it from SIGSTRUCT.MODULUS.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cursor.h"
#include "common/error.h"
#include "common/ossl.h"
#include "sim_identity_internal.h"

#define MOD   "sim_measure"
#define CHUNK (16 * 1024) /* on the stack; daemons may call this from small threads */

/* pread keeps the descriptor's offset, so a descriptor later passed to fexecve is intact. */
static int hash_fd(EVP_MD_CTX *ctx, int fd)
{
    uint8_t buf[CHUNK];
    off_t off = 0;
    for (;;) {
        ssize_t n = pread(fd, buf, sizeof(buf), off);
        if (n < 0 && errno == EINTR) continue;
        VT_ENSURE(n >= 0, VT_E_IO, MOD ": read failed (%s)", strerror(errno));
        if (n == 0) return 0;
        VT_GUARD_OSSL(EVP_DigestUpdate(ctx, buf, (size_t)n), VT_E_CRYPTO, MOD ": sha256");
        off += n;
    }
}

int vt_sim_measure_fd(int fd, uint8_t out[static 32])
{
    int rc = VT_E_INTERNAL;
    EVP_MD_CTX *ctx = NULL;
    struct stat st;
    unsigned int n = 32;

    VT_TRY_ENSURE(fstat(fd, &st) == 0, VT_E_IO, MOD ": fstat failed (%s)", strerror(errno));
    VT_TRY_ENSURE(S_ISREG(st.st_mode), VT_E_IO, MOD ": not a regular file");
    VT_TRY_ALLOC(ctx, EVP_MD_CTX_new(), "digest context");
    VT_TRY_OSSL(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL), VT_E_CRYPTO, MOD ": sha256");
    VT_TRY(hash_fd(ctx, fd));
    VT_TRY_OSSL(EVP_DigestFinal_ex(ctx, out, &n), VT_E_CRYPTO, MOD ": sha256");
    rc = 0;
out:
    EVP_MD_CTX_free(ctx);
    return rc;
}

int vt_sim_measure_path(const char *path, uint8_t out[static 32])
{
    /* O_NONBLOCK: a FIFO named as a trusted file must not hang the launch; fstat refuses it.
       O_NOCTTY: a tty named as a trusted file must not become the controlling terminal of a
       session leader that measures it (veritee-attestfs), whose holder could then signal it. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        int code = errno == ENOENT ? VT_E_NOT_FOUND : VT_E_IO;
        VT_BAIL(code, MOD ": %s: %s", path, strerror(errno));
    }
    int rc = vt_sim_measure_fd(fd, out);
    close(fd);
    if (rc < 0) return vt_error_wrap(rc, "%s", path);
    return 0;
}

static int encode(vt_writer_t *w, const vt_sim_sigfile_t *s, const uint8_t exe[static 32],
                  const uint8_t (*trusted)[32])
{
    static const char label[] = VT_SIM_MRENCLAVE_LABEL;
    VT_GUARD(vt_writer_bytes(w, (const uint8_t *)label, sizeof(label) - 1));
    VT_GUARD(vt_writer_bytes(w, exe, 32));
    VT_GUARD(vt_writer_u16le(w, (uint16_t)s->trusted_count));
    for (size_t i = 0; i < s->trusted_count; i++) {
        const vt_sim_trusted_file_t *t = &s->trusted[i];
        VT_GUARD(vt_writer_u16le(w, (uint16_t)t->path_len));
        VT_GUARD(vt_writer_bytes(w, (const uint8_t *)t->path, t->path_len));
        VT_GUARD(vt_writer_bytes(w, trusted ? trusted[i] : t->sha256, 32));
    }
    VT_GUARD(vt_writer_u16le(w, s->isv_prod_id));
    VT_GUARD(vt_writer_u16le(w, s->isv_svn));
    VT_GUARD(vt_writer_u64le(w, s->flags));
    VT_GUARD(vt_writer_u64le(w, s->xfrm));
    VT_GUARD(vt_writer_u32le(w, s->misc_select));
    return 0;
}

int vt_sim_mrenclave_get(const vt_sim_sigfile_t *s, const uint8_t exe_sha256[static 32],
                         const uint8_t (*trusted_sha256)[32],
                         uint8_t out[static VT_SGX_MEASUREMENT_LEN])
{
    int rc = VT_E_INTERNAL;
    vt_writer_t w;
    vt_writer_init_growable(&w);
    VT_TRY(vt_sim_sigfile_validate(s, VT_E_INVALID_ARG));
    VT_TRY(encode(&w, s, exe_sha256, trusted_sha256));
    vt_sha256(w.buf, w.len, out);
    rc = 0;
out:
    vt_writer_cleanup(&w);
    return rc;
}

void vt_sim_mrsigner_get(const uint8_t modulus[static VT_SIM_RSA_LEN],
                         uint8_t out[static VT_SGX_MEASUREMENT_LEN])
{
    vt_sha256(modulus, VT_SIM_RSA_LEN, out);
}
