/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated EGETKEY: REPORT and SEAL keys derived from the platform secret with
 * HKDF-SHA256 over a fixed-layout key request modelled on SGX's key derivation. The
 * layout and every field's value are documented in veritee/sim.h; build_request below
 * writes them in that order, one field per line.
 */
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <string.h>

#include "common/cursor.h"
#include "common/error.h"
#include "sim/egetkey.h"
#include "sim/sim_internal.h"

/* The inputs of one key request (veritee/sim.h), before encoding. */
typedef struct {
    uint16_t key_name;
    uint16_t key_policy;
    uint8_t mr_enclave[VT_SGX_MEASUREMENT_LEN];
    uint8_t mr_signer[VT_SGX_MEASUREMENT_LEN];
    uint16_t isv_prod_id;
    uint16_t isv_svn;
    uint64_t flags, xfrm; /* before masking */
    uint64_t flags_mask, xfrm_mask;
    uint32_t misc_select;
    uint16_t config_svn;
    uint8_t config_id[64];
    uint8_t key_id[VT_SGX_KEY_ID_LEN];
} key_request_t;

static uint64_t load_u64le(const uint8_t p[static 8])
{
    uint64_t v = 0;
    for (size_t i = 8; i > 0; i--) v = (v << 8) | p[i - 1];
    return v;
}

static void copy_bytes(uint8_t *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++) dst[i] = src[i];
}

static int build_request(const vt_sim_platform_t *p, const key_request_t *r,
                         uint8_t out[static VT_SIM_KEY_REQUEST_LEN])
{
    vt_writer_t w;
    vt_writer_init(&w, out, VT_SIM_KEY_REQUEST_LEN);
    VT_GUARD(vt_writer_u16le(&w, r->key_name));                          /* 0 */
    VT_GUARD(vt_writer_u16le(&w, r->key_policy));                        /* 2 */
    VT_GUARD(vt_writer_bytes(&w, r->mr_enclave, sizeof(r->mr_enclave))); /* 4 */
    VT_GUARD(vt_writer_bytes(&w, r->mr_signer, sizeof(r->mr_signer)));   /* 36 */
    VT_GUARD(vt_writer_u16le(&w, r->isv_prod_id));                       /* 68 */
    VT_GUARD(vt_writer_u16le(&w, r->isv_svn));                           /* 70 */
    VT_GUARD(vt_writer_bytes(&w, p->pck.cpu_svn, VT_CPUSVN_LEN));        /* 72 */
    VT_GUARD(vt_writer_u64le(&w, r->flags & r->flags_mask));             /* 88 */
    VT_GUARD(vt_writer_u64le(&w, r->xfrm & r->xfrm_mask));               /* 96 */
    VT_GUARD(vt_writer_u64le(&w, r->flags_mask));                        /* 104 */
    VT_GUARD(vt_writer_u64le(&w, r->xfrm_mask));                         /* 112 */
    VT_GUARD(vt_writer_u32le(&w, r->misc_select));                       /* 120 */
    VT_GUARD(vt_writer_u16le(&w, r->config_svn));                        /* 124 */
    VT_GUARD(vt_writer_bytes(&w, r->config_id, sizeof(r->config_id)));   /* 126 */
    VT_GUARD(vt_writer_bytes(&w, r->key_id, sizeof(r->key_id)));         /* 190 */
    VT_ENSURE(w.len == VT_SIM_KEY_REQUEST_LEN, VT_E_INTERNAL, "sim: key request is %zu bytes",
              w.len);
    return 0;
}

/* HKDF-SHA256(IKM = platform secret, salt = VT_SIM_EGETKEY_SALT, info = request). */
static int derive(const vt_sim_platform_t *p, const key_request_t *r,
                  uint8_t out[static VT_SEALING_KEY_LEN])
{
    int rc = VT_E_INTERNAL;
    uint8_t info[VT_SIM_KEY_REQUEST_LEN];
    uint8_t key[VT_SEALING_KEY_LEN];
    EVP_KDF *kdf = NULL;
    EVP_KDF_CTX *ctx = NULL;

    VT_TRY(build_request(p, r, info));
    OSSL_PARAM params[] = {
        OSSL_PARAM_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_octet_string(OSSL_KDF_PARAM_KEY, (void *)p->secret, VT_SIM_SECRET_LEN),
        OSSL_PARAM_octet_string(OSSL_KDF_PARAM_SALT, (char *)VT_SIM_EGETKEY_SALT,
                                sizeof(VT_SIM_EGETKEY_SALT) - 1),
        OSSL_PARAM_octet_string(OSSL_KDF_PARAM_INFO, info, sizeof(info)),
        OSSL_PARAM_END,
    };
    kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_HKDF, NULL);
    VT_TRY_ENSURE(kdf != NULL, VT_E_CRYPTO, "sim: egetkey: HKDF unavailable");
    ctx = EVP_KDF_CTX_new(kdf);
    VT_TRY_ENSURE(ctx != NULL, VT_E_NOMEM, "sim: egetkey: HKDF context");
    VT_TRY_OSSL(EVP_KDF_derive(ctx, key, sizeof(key), params), VT_E_CRYPTO, "sim: egetkey: HKDF");
    copy_bytes(out, key, sizeof(key));
    rc = 0;
out:
    EVP_KDF_CTX_free(ctx); /* wipes its copy of the secret */
    EVP_KDF_free(kdf);
    OPENSSL_cleanse(key, sizeof(key));
    OPENSSL_cleanse(info, sizeof(info));
    return rc;
}

int vt_sim_report_key_get(const vt_sim_platform_t *p, const vt_sgx_target_info_t *target,
                          const uint8_t key_id[static VT_SGX_KEY_ID_LEN],
                          uint8_t out[static VT_SEALING_KEY_LEN])
{
    key_request_t r = {.key_name = VT_SIM_KEYNAME_REPORT,
                       .flags = load_u64le(target->attributes),
                       .xfrm = load_u64le(target->attributes + 8),
                       .flags_mask = UINT64_MAX,
                       .xfrm_mask = UINT64_MAX,
                       .misc_select = target->misc_select,
                       .config_svn = target->config_svn};
    copy_bytes(r.mr_enclave, target->mr_enclave, sizeof(r.mr_enclave));
    copy_bytes(r.config_id, target->config_id, sizeof(r.config_id));
    copy_bytes(r.key_id, key_id, sizeof(r.key_id));
    int rc = derive(p, &r, out);
    if (rc < 0) OPENSSL_cleanse(out, VT_SEALING_KEY_LEN);
    OPENSSL_cleanse(&r, sizeof(r));
    return rc;
}

int vt_sim_seal_key_get(const vt_sim_platform_t *p, const vt_sgx_report_body_t *self,
                        vt_sim_key_policy_t policy, uint8_t out[static VT_SEALING_KEY_LEN])
{
    VT_ENSURE(policy == VT_SIM_KEY_POLICY_MRENCLAVE || policy == VT_SIM_KEY_POLICY_MRSIGNER,
              VT_E_INVALID_ARG,
              "sim: egetkey: key policy %d, expected 1 (MRENCLAVE) or 2 (MRSIGNER)", (int)policy);
    key_request_t r = {.key_name = VT_SIM_KEYNAME_SEAL,
                       .key_policy = (uint16_t)policy,
                       .isv_prod_id = self->isv_prod_id,
                       .isv_svn = self->isv_svn,
                       .flags = load_u64le(self->attributes),
                       .xfrm = load_u64le(self->attributes + 8),
                       .flags_mask = VT_SIM_SEAL_FLAGS_MASK,
                       .xfrm_mask = VT_SIM_SEAL_XFRM_MASK,
                       .misc_select = self->misc_select};
    if (policy == VT_SIM_KEY_POLICY_MRENCLAVE)
        copy_bytes(r.mr_enclave, self->mr_enclave, sizeof(r.mr_enclave));
    else
        copy_bytes(r.mr_signer, self->mr_signer, sizeof(r.mr_signer));
    uint8_t key[VT_SEALING_KEY_LEN];
    int rc = derive(p, &r, key);
    if (rc == 0) copy_bytes(out, key, sizeof(key));
    OPENSSL_cleanse(key, sizeof(key));
    OPENSSL_cleanse(&r, sizeof(r));
    return rc;
}
