/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The .sig file (include/veritee/sim_identity.h has the field table): its strict parser
 * and its serializer, side by side so the format is reviewed in one place.
 */
#include <openssl/crypto.h>
#include <string.h>

#include "common/cursor.h"
#include "common/error.h"
#include "sim_identity_internal.h"

#define MOD "sim_sigfile"

static const uint8_t magic[VT_SIM_SIG_MAGIC_LEN] = VT_SIM_SIG_MAGIC;

int vt_sim_path_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x != y) return x < y ? -1 : 1;
    }
    return alen == blen ? 0 : (alen < blen ? -1 : 1);
}

void vt_sim_reverse(const uint8_t *in, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) out[i] = in[n - 1 - i];
}

static int validate_trusted(const vt_sim_sigfile_t *s, int code)
{
    VT_ENSURE(s->trusted_count <= VT_SIM_TRUSTED_MAX, code, MOD ": %zu trusted files, at most %d",
              s->trusted_count, VT_SIM_TRUSTED_MAX);
    for (size_t i = 0; i < s->trusted_count; i++) {
        const vt_sim_trusted_file_t *t = &s->trusted[i];
        VT_ENSURE(t->path_len >= 1 && t->path_len <= VT_SIM_PATH_MAX, code,
                  MOD ": trusted file %zu: path length %zu, expected 1 to %d", i, t->path_len,
                  VT_SIM_PATH_MAX);
        VT_ENSURE(memchr(t->path, '\0', t->path_len) == NULL, code,
                  MOD ": trusted file %zu: path contains a NUL byte", i);
        if (i == 0) continue;
        const vt_sim_trusted_file_t *p = &s->trusted[i - 1];
        VT_ENSURE(vt_sim_path_cmp(p->path, p->path_len, t->path, t->path_len) < 0, code,
                  MOD ": trusted file %zu: paths not strictly ascending (duplicate or unsorted)",
                  i);
    }
    return 0;
}

int vt_sim_sigfile_validate(const vt_sim_sigfile_t *s, int code)
{
    VT_ENSURE((s->flags & ~VT_SIM_FLAGS_ALLOWED) == 0 &&
                  (s->flags & VT_SIM_FLAGS_REQUIRED) == VT_SIM_FLAGS_REQUIRED,
              code, MOD ": attributes flags 0x%llx, expected INIT|MODE64BIT[|DEBUG]",
              (unsigned long long)s->flags);
    VT_ENSURE((s->xfrm & 0x3) == 0x3, code, MOD ": xfrm 0x%llx lacks x87 and SSE (bits 0, 1)",
              (unsigned long long)s->xfrm);
    return validate_trusted(s, code);
}

static int parse_trusted(vt_cursor_t *c, vt_sim_sigfile_t *s)
{
    uint16_t count;
    VT_GUARD(vt_cursor_read_u16le(c, &count));
    VT_ENSURE(count <= VT_SIM_TRUSTED_MAX, VT_E_TOO_LARGE, MOD ": %u trusted files, at most %d",
              count, VT_SIM_TRUSTED_MAX);
    s->trusted_count = count;
    for (size_t i = 0; i < count; i++) {
        vt_sim_trusted_file_t *t = &s->trusted[i];
        uint16_t n;
        const uint8_t *path;
        VT_GUARD(vt_cursor_read_u16le(c, &n));
        VT_ENSURE(n >= 1 && n <= VT_SIM_PATH_MAX, VT_E_MALFORMED,
                  MOD ": trusted file %zu: path length %u, expected 1 to %d", i, n,
                  VT_SIM_PATH_MAX);
        VT_GUARD(vt_cursor_borrow(c, n, &path));
        VT_GUARD(vt_cursor_read_bytes(c, t->sha256, sizeof(t->sha256)));
        t->path = (const char *)path;
        t->path_len = n;
    }
    return 0;
}

/* Reads into a local view; *out is written only when everything parsed. */
static int parse_into(vt_cursor_t *c, vt_sim_sigfile_t *s)
{
    uint8_t m[VT_SIM_SIG_MAGIC_LEN];
    VT_GUARD(vt_cursor_read_bytes(c, m, sizeof(m)));
    VT_ENSURE(CRYPTO_memcmp(m, magic, sizeof(m)) == 0, VT_E_UNSUPPORTED,
              MOD ": bad magic, expected VTSIGv1");
    VT_GUARD(vt_cursor_read_bytes(c, s->mr_enclave, sizeof(s->mr_enclave)));
    VT_GUARD(vt_cursor_read_u16le(c, &s->isv_prod_id));
    VT_GUARD(vt_cursor_read_u16le(c, &s->isv_svn));
    VT_GUARD(vt_cursor_read_u64le(c, &s->flags));
    VT_GUARD(vt_cursor_read_u64le(c, &s->xfrm));
    VT_GUARD(vt_cursor_read_u32le(c, &s->misc_select));
    VT_GUARD(vt_cursor_read_bytes(c, s->exe_sha256, sizeof(s->exe_sha256)));
    VT_GUARD(parse_trusted(c, s));
    VT_GUARD(vt_cursor_read_bytes(c, s->modulus, sizeof(s->modulus)));
    VT_GUARD(vt_cursor_read_u32le(c, &s->exponent));
    s->signed_len = vt_cursor_pos(c);
    VT_GUARD(vt_cursor_read_bytes(c, s->signature, sizeof(s->signature)));
    VT_GUARD(vt_cursor_expect_end(c));
    /* Semantic rules after the structure, so truncation is always VT_E_TRUNCATED. */
    VT_ENSURE(s->exponent == VT_SIM_RSA_EXPONENT, VT_E_UNSUPPORTED,
              MOD ": exponent %u, expected 3 (as SGX requires)", s->exponent);
    VT_ENSURE((s->modulus[VT_SIM_RSA_LEN - 1] & 0x80) && (s->modulus[0] & 1), VT_E_MALFORMED,
              MOD ": modulus is not an odd 3072-bit number");
    return vt_sim_sigfile_validate(s, VT_E_MALFORMED);
}

int vt_sim_sigfile_parse(const uint8_t *buf, size_t len, vt_sim_sigfile_t *out)
{
    vt_cursor_t c;
    vt_sim_sigfile_t s = {0};
    VT_ENSURE(len <= VT_SIM_SIG_MAX, VT_E_TOO_LARGE, MOD ": %zu bytes, at most %d", len,
              VT_SIM_SIG_MAX);
    vt_cursor_init(&c, buf, len, MOD);
    VT_GUARD(parse_into(&c, &s));
    s.signed_data = buf;
    *out = s;
    return 0;
}

static int write_body(vt_writer_t *w, const vt_sim_sigfile_t *s)
{
    VT_GUARD(vt_writer_bytes(w, magic, sizeof(magic)));
    VT_GUARD(vt_writer_bytes(w, s->mr_enclave, sizeof(s->mr_enclave)));
    VT_GUARD(vt_writer_u16le(w, s->isv_prod_id));
    VT_GUARD(vt_writer_u16le(w, s->isv_svn));
    VT_GUARD(vt_writer_u64le(w, s->flags));
    VT_GUARD(vt_writer_u64le(w, s->xfrm));
    VT_GUARD(vt_writer_u32le(w, s->misc_select));
    VT_GUARD(vt_writer_bytes(w, s->exe_sha256, sizeof(s->exe_sha256)));
    VT_GUARD(vt_writer_u16le(w, (uint16_t)s->trusted_count));
    for (size_t i = 0; i < s->trusted_count; i++) {
        const vt_sim_trusted_file_t *t = &s->trusted[i];
        VT_GUARD(vt_writer_u16le(w, (uint16_t)t->path_len));
        VT_GUARD(vt_writer_bytes(w, (const uint8_t *)t->path, t->path_len));
        VT_GUARD(vt_writer_bytes(w, t->sha256, sizeof(t->sha256)));
    }
    VT_GUARD(vt_writer_bytes(w, s->modulus, sizeof(s->modulus)));
    VT_GUARD(vt_writer_u32le(w, s->exponent));
    VT_GUARD(vt_writer_bytes(w, s->signature, sizeof(s->signature)));
    return 0;
}

int vt_sim_sigfile_serialize(const vt_sim_sigfile_t *s, uint8_t **out, size_t *len)
{
    int rc = VT_E_INTERNAL;
    vt_writer_t w;
    vt_writer_init_growable(&w);
    VT_TRY(vt_sim_sigfile_validate(s, VT_E_INVALID_ARG));
    VT_TRY(write_body(&w, s));
    *out = vt_writer_take(&w, len);
    rc = 0;
out:
    vt_writer_cleanup(&w);
    return rc;
}
