/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Making a .sig (what an enclave signing tool does with SIGSTRUCT) and the EINIT-like
 * check that turns a .sig plus an executable into an SGX identity.
 */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "sim_identity_internal.h"

#define MOD "sim_identity"

static int cmp_path_ptrs(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    return vt_sim_path_cmp(x, strlen(x), y, strlen(y));
}

/* Fills s's trusted list from the caller's paths, sorted, with their measured hashes. */
static int measure_trusted(const vt_sim_sign_params_t *p, vt_sim_sigfile_t *s)
{
    const char *sorted[VT_SIM_TRUSTED_MAX];
    VT_ENSURE(p->trusted_count <= VT_SIM_TRUSTED_MAX, VT_E_INVALID_ARG,
              MOD ": %zu trusted files, at most %d", p->trusted_count, VT_SIM_TRUSTED_MAX);
    for (size_t i = 0; i < p->trusted_count; i++) sorted[i] = p->trusted_paths[i];
    if (p->trusted_count > 1) qsort(sorted, p->trusted_count, sizeof(sorted[0]), cmp_path_ptrs);
    s->trusted_count = p->trusted_count;
    for (size_t i = 0; i < p->trusted_count; i++) {
        vt_sim_trusted_file_t *t = &s->trusted[i];
        t->path = sorted[i];
        t->path_len = strlen(sorted[i]);
        VT_ENSURE(t->path_len >= 1 && t->path_len <= VT_SIM_PATH_MAX, VT_E_INVALID_ARG,
                  MOD ": trusted file path of %zu bytes, expected 1 to %d", t->path_len,
                  VT_SIM_PATH_MAX);
        VT_GUARD(vt_sim_measure_path(sorted[i], t->sha256));
    }
    return 0;
}

int vt_sim_sigfile_new(const vt_sim_signer_t *signer, const vt_sim_sign_params_t *p, uint8_t **out,
                       size_t *len)
{
    int rc = VT_E_INTERNAL;
    vt_sim_sigfile_t s = {0};
    uint8_t *buf = NULL;
    size_t n = 0;
    uint8_t sig[VT_SIM_RSA_LEN];

    VT_TRY(measure_trusted(p, &s));
    VT_TRY(vt_sim_measure_path(p->exe_path, s.exe_sha256));
    s.isv_prod_id = p->isv_prod_id;
    s.isv_svn = p->isv_svn;
    s.flags = VT_SIM_FLAGS_REQUIRED | (p->is_debug ? VT_SGX_FLAG_DEBUG : 0);
    s.xfrm = p->xfrm ? p->xfrm : VT_SIM_XFRM_DEFAULT;
    s.misc_select = p->misc_select;
    VT_TRY(vt_sim_mrenclave_get(&s, s.exe_sha256, NULL, s.mr_enclave));
    vt_sim_signer_get_modulus(signer, s.modulus);
    s.exponent = VT_SIM_RSA_EXPONENT;
    /* The signature is the last field and covers every byte before it. */
    VT_TRY(vt_sim_sigfile_serialize(&s, &buf, &n));
    VT_TRY(vt_sim_signer_sign(signer, buf, n - VT_SIM_RSA_LEN, sig));
    for (size_t i = 0; i < VT_SIM_RSA_LEN; i++) buf[n - VT_SIM_RSA_LEN + i] = sig[i];
    *out = buf;
    *len = n;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    return rc;
}

static void hex_prefix(const uint8_t h[static 32], char out[static 17])
{
    vt_hex_encode(h, 8, out);
}

/* The measured hashes of s's trusted files into th; VT_E_MEASUREMENT on the first mismatch. */
static int check_trusted(const vt_sim_sigfile_t *s, uint8_t (*th)[32])
{
    char path[VT_SIM_PATH_MAX + 1];
    char got[17], want[17];
    for (size_t i = 0; i < s->trusted_count; i++) {
        const vt_sim_trusted_file_t *t = &s->trusted[i];
        snprintf(path, sizeof(path), "%.*s", (int)t->path_len, t->path);
        int rc = vt_sim_measure_path(path, th[i]);
        if (rc == VT_E_NOT_FOUND) VT_BAIL(VT_E_MEASUREMENT, MOD ": trusted file %s is missing", path);
        VT_GUARD(rc);
        hex_prefix(th[i], got);
        hex_prefix(t->sha256, want);
        VT_ENSURE(CRYPTO_memcmp(th[i], t->sha256, 32) == 0, VT_E_MEASUREMENT,
                  MOD ": trusted file %s does not match the signed MRENCLAVE (sha256 %s..., "
                      "expected %s...)",
                  path, got, want);
    }
    return 0;
}

static void fill_identity(const vt_sim_sigfile_t *s, vt_sgx_report_body_t *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < VT_SGX_MEASUREMENT_LEN; i++) out->mr_enclave[i] = s->mr_enclave[i];
    vt_sim_mrsigner_get(s->modulus, out->mr_signer);
    out->isv_prod_id = s->isv_prod_id;
    out->isv_svn = s->isv_svn;
    out->misc_select = s->misc_select;
    for (size_t i = 0; i < 8; i++) {
        out->attributes[i] = (uint8_t)(s->flags >> (8 * i));
        out->attributes[8 + i] = (uint8_t)(s->xfrm >> (8 * i));
    }
}

int vt_sim_identity_verify(const uint8_t *sig, size_t len, int exe_fd, vt_sgx_report_body_t *out)
{
    vt_sim_sigfile_t s;
    uint8_t exe[32], mr[VT_SGX_MEASUREMENT_LEN];
    uint8_t th[VT_SIM_TRUSTED_MAX][32];
    char got[17], want[17];

    VT_GUARD(vt_sim_sigfile_parse(sig, len, &s));
    VT_GUARD(vt_sim_rsa_verify(s.modulus, s.exponent, s.signed_data, s.signed_len, s.signature));
    VT_GUARD(vt_sim_measure_fd(exe_fd, exe));
    hex_prefix(exe, got);
    hex_prefix(s.exe_sha256, want);
    VT_ENSURE(CRYPTO_memcmp(exe, s.exe_sha256, 32) == 0, VT_E_MEASUREMENT,
              MOD ": executable does not match the signed MRENCLAVE (sha256 %s..., expected "
                  "%s...)",
              got, want);
    VT_GUARD(check_trusted(&s, th));
    /* EINIT compares the measurement, not its parts: recompute it from what was read. */
    VT_GUARD(vt_sim_mrenclave_get(&s, exe, (const uint8_t(*)[32])th, mr));
    VT_ENSURE(CRYPTO_memcmp(mr, s.mr_enclave, sizeof(mr)) == 0, VT_E_MEASUREMENT,
              MOD ": measurement does not equal the signed MRENCLAVE");
    fill_identity(&s, out);
    return 0;
}
