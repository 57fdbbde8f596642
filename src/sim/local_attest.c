/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated EREPORT and the target's check of a report (local attestation), and
 * my_target_info. A report is MACed with AES-128-CMAC under the target's report key
 * (egetkey.c); the target derives the same key from its own identity and the report's
 * KEYID. Formats and derivation: veritee/evidence.h, veritee/sim.h.
 */
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

#include "common/error.h"
#include "sim/egetkey.h"
#include "sim/sim_internal.h"

static void copy_bytes(uint8_t *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++) dst[i] = src[i];
}

/* The target info EREPORT with this enclave as target would need (reserved bytes zero). */
static void target_of(const vt_sgx_report_body_t *self, vt_sgx_target_info_t *t)
{
    *t = (vt_sgx_target_info_t){.config_svn = self->config_svn, .misc_select = self->misc_select};
    copy_bytes(t->mr_enclave, self->mr_enclave, sizeof(t->mr_enclave));
    copy_bytes(t->attributes, self->attributes, sizeof(t->attributes));
    copy_bytes(t->config_id, self->config_id, sizeof(t->config_id));
}

void vt_sim_target_info_get(const vt_sgx_report_body_t *self,
                            uint8_t out[static VT_SGX_TARGET_INFO_LEN])
{
    vt_sgx_target_info_t t;
    target_of(self, &t);
    vt_sgx_target_info_serialize(&t, out);
}

/* AES-128-CMAC of the report body under key. */
static int report_mac(const uint8_t key[static VT_SEALING_KEY_LEN],
                      const uint8_t body[static VT_SGX_REPORT_BODY_LEN],
                      uint8_t mac[static VT_SGX_REPORT_MAC_LEN])
{
    int rc = VT_E_INTERNAL;
    EVP_MAC *alg = NULL;
    EVP_MAC_CTX *ctx = NULL;
    size_t len = 0;
    OSSL_PARAM params[] = {
        OSSL_PARAM_utf8_string(OSSL_MAC_PARAM_CIPHER, (char *)"AES-128-CBC", 0),
        OSSL_PARAM_END,
    };

    alg = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_CMAC, NULL);
    VT_TRY_ENSURE(alg != NULL, VT_E_CRYPTO, "sim: report: CMAC unavailable");
    ctx = EVP_MAC_CTX_new(alg);
    VT_TRY_ENSURE(ctx != NULL, VT_E_NOMEM, "sim: report: CMAC context");
    VT_TRY_OSSL(EVP_MAC_init(ctx, key, VT_SEALING_KEY_LEN, params), VT_E_CRYPTO,
                "sim: report: CMAC init");
    VT_TRY_OSSL(EVP_MAC_update(ctx, body, VT_SGX_REPORT_BODY_LEN), VT_E_CRYPTO,
                "sim: report: CMAC");
    VT_TRY_OSSL(EVP_MAC_final(ctx, mac, &len, VT_SGX_REPORT_MAC_LEN), VT_E_CRYPTO,
                "sim: report: CMAC final");
    VT_TRY_ENSURE(len == VT_SGX_REPORT_MAC_LEN, VT_E_CRYPTO, "sim: report: CMAC of %zu bytes", len);
    rc = 0;
out:
    EVP_MAC_CTX_free(ctx); /* wipes the key schedule */
    EVP_MAC_free(alg);
    return rc;
}

/* The body EREPORT writes: the SECS fields of self, the platform's CPUSVN, report_data. */
static void report_body_of(const vt_sim_platform_t *p, const vt_sgx_report_body_t *self,
                           const uint8_t report_data[static VT_REPORT_DATA_LEN],
                           vt_sgx_report_body_t *b)
{
    *b = (vt_sgx_report_body_t){.misc_select = self->misc_select,
                                .isv_prod_id = self->isv_prod_id,
                                .isv_svn = self->isv_svn,
                                .config_svn = self->config_svn};
    copy_bytes(b->cpu_svn, p->pck.cpu_svn, VT_CPUSVN_LEN);
    copy_bytes(b->isv_ext_prod_id, self->isv_ext_prod_id, sizeof(b->isv_ext_prod_id));
    copy_bytes(b->attributes, self->attributes, sizeof(b->attributes));
    copy_bytes(b->mr_enclave, self->mr_enclave, sizeof(b->mr_enclave));
    copy_bytes(b->mr_signer, self->mr_signer, sizeof(b->mr_signer));
    copy_bytes(b->config_id, self->config_id, sizeof(b->config_id));
    copy_bytes(b->isv_family_id, self->isv_family_id, sizeof(b->isv_family_id));
    copy_bytes(b->report_data, report_data, VT_REPORT_DATA_LEN);
}

int vt_sim_report_create(const vt_sim_platform_t *p, const vt_sgx_report_body_t *self,
                         const uint8_t target_info[static VT_SGX_TARGET_INFO_LEN],
                         const uint8_t report_data[static VT_REPORT_DATA_LEN],
                         const uint8_t key_id[static VT_SGX_KEY_ID_LEN],
                         uint8_t out[static VT_SGX_REPORT_LEN])
{
    int rc = VT_E_INTERNAL;
    vt_sgx_target_info_t target;
    vt_sgx_report_t r;
    uint8_t key[VT_SEALING_KEY_LEN];
    uint8_t body[VT_SGX_REPORT_BODY_LEN];

    VT_TRY(vt_sgx_target_info_parse(target_info, VT_SGX_TARGET_INFO_LEN, &target));
    report_body_of(p, self, report_data, &r.body);
    copy_bytes(r.key_id, key_id, VT_SGX_KEY_ID_LEN);
    vt_sgx_report_body_serialize(&r.body, body);
    VT_TRY(vt_sim_report_key_get(p, &target, key_id, key));
    VT_TRY(report_mac(key, body, r.mac));
    vt_sgx_report_serialize(&r, out);
    rc = 0;
out:
    OPENSSL_cleanse(key, sizeof(key));
    return rc;
}

int vt_sim_report_verify(const vt_sim_platform_t *p, const vt_sgx_report_body_t *self,
                         const uint8_t report[static VT_SGX_REPORT_LEN], vt_sgx_report_body_t *body)
{
    int rc = VT_E_INTERNAL;
    vt_sgx_target_info_t me;
    vt_sgx_report_t r;
    uint8_t key[VT_SEALING_KEY_LEN];
    uint8_t mac[VT_SGX_REPORT_MAC_LEN];

    VT_TRY(vt_sgx_report_parse(report, VT_SGX_REPORT_LEN, &r));
    target_of(self, &me);
    VT_TRY(vt_sim_report_key_get(p, &me, r.key_id, key));
    /* The MAC covers the body bytes as received (parse keeps every byte, reserved too). */
    VT_TRY(report_mac(key, report, mac));
    VT_TRY_ENSURE(CRYPTO_memcmp(mac, r.mac, sizeof(mac)) == 0, VT_E_SIGNATURE,
                  "sim: report MAC does not verify: not made for this enclave on this platform, "
                  "or tampered");
    if (body) *body = r.body;
    rc = 0;
out:
    OPENSSL_cleanse(key, sizeof(key));
    OPENSSL_cleanse(mac, sizeof(mac));
    return rc;
}
