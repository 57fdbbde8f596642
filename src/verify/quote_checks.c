/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dcap.md §5.4 steps 4-13, in Intel's order. Every byte comparison uses CRYPTO_memcmp
 * (or a constant-time accumulation): nothing here is secret, but one rule for the whole
 * layer leaves nothing to review.
 */
#include <openssl/crypto.h>
#include <stdio.h>

#include "common/error.h"
#include "common/ossl.h"
#include "verify/p256.h"
#include "verify/quote_checks.h"
#include "verify/tcb_match.h"
#include "verify/wrap.h"

/* dcap.md §5.4 step 4 (4.1.2.4.9): the TCB info is for this TEE. */
static int check_tcb_info_tee(const vt_quote_t *q, const vt_tcb_info_t *info)
{
    const char *want = q->tee == VT_TEE_TDX ? "TDX" : "SGX";
    VT_ENSURE(!(q->tee == VT_TEE_TDX && info->version < 3), VT_E_TCB_INFO_MISMATCH,
              "version %u tcb info for a tdx quote, expected version 3 with id TDX", info->version);
    VT_ENSURE(info->tee == q->tee, VT_E_TCB_INFO_MISMATCH, "tcb info id %s, expected %s",
              info->tee == VT_TEE_TDX ? "TDX" : "SGX", want);
    return 0;
}

/* dcap.md §5.4 step 5 (4.1.2.4.10): the TCB info is for this platform. */
static int check_tcb_info_platform(const vt_pck_ext_t *pck, const vt_tcb_info_t *info)
{
    char have[2 * VT_FMSPC_LEN + 1], want[2 * VT_FMSPC_LEN + 1];
    if (CRYPTO_memcmp(pck->fmspc, info->fmspc, VT_FMSPC_LEN) != 0) {
        vt_hex_encode(info->fmspc, VT_FMSPC_LEN, have);
        vt_hex_encode(pck->fmspc, VT_FMSPC_LEN, want);
        VT_BAIL(VT_E_TCB_INFO_MISMATCH, "tcb info fmspc %s, expected the pck fmspc %s", have, want);
    }
    VT_ENSURE(CRYPTO_memcmp(pck->pce_id, info->pce_id, VT_PCE_ID_LEN) == 0, VT_E_TCB_INFO_MISMATCH,
              "tcb info pce id %02x%02x, expected the pck pce id %02x%02x", info->pce_id[0],
              info->pce_id[1], pck->pce_id[0], pck->pce_id[1]);
    return 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= p[i];
    return acc == 0;
}

/* dcap.md §5.4 step 7 (4.1.2.4.11): the TDX module identity. */
static int check_tdx_module(const vt_quote_t *q, const vt_tcb_info_t *info)
{
    const uint8_t *mrsigner = info->tdx_module_mrsigner;
    const uint8_t *attributes = info->tdx_module_attributes;
    uint8_t major = q->td.tee_tcb_svn[1];

    VT_ENSURE(info->has_tdx_module, VT_E_TDX_MODULE_MISMATCH, "tcb info has no tdxModule");
    if (q->header.version > 3 && major > 0) {
        const vt_tdx_module_identity_t *id = vt_tdx_module_identity_find(info, major);
        VT_ENSURE(id != NULL, VT_E_TDX_MODULE_MISMATCH,
                  "tcb info has no tdx module identity TDX_%02X", major);
        mrsigner = id->mrsigner;
        attributes = id->attributes;
    }
    VT_ENSURE(CRYPTO_memcmp(q->td.mr_signer_seam, mrsigner, VT_TDX_MEASUREMENT_LEN) == 0,
              VT_E_TDX_MODULE_MISMATCH, "mrsignerseam does not match the tdx module mrsigner");
    VT_ENSURE(all_zero(q->td.seam_attributes, sizeof(q->td.seam_attributes)) &&
                  CRYPTO_memcmp(q->td.seam_attributes, attributes, 8) == 0,
              VT_E_TDX_MODULE_MISMATCH, "seamattributes do not match the tdx module attributes");
    return 0;
}

/* dcap.md §5.4 step 9 (4.1.2.4.13): the QE report binds the attestation key. */
static int check_qe_report_data(const vt_quote_t *q)
{
    int rc = VT_E_INTERNAL;
    uint8_t hash[VT_SHA256_LEN];
    EVP_MD_CTX *md = NULL;

    VT_TRY_ALLOC(md, EVP_MD_CTX_new(), "digest context");
    VT_TRY_OSSL(EVP_DigestInit_ex(md, EVP_sha256(), NULL), VT_E_CRYPTO, "sha-256 init");
    VT_TRY_OSSL(EVP_DigestUpdate(md, q->attest_key, VT_ECDSA_KEY_LEN), VT_E_CRYPTO, "sha-256");
    VT_TRY_OSSL(EVP_DigestUpdate(md, q->qe_auth_data, q->qe_auth_len), VT_E_CRYPTO, "sha-256");
    VT_TRY_OSSL(EVP_DigestFinal_ex(md, hash, NULL), VT_E_CRYPTO, "sha-256 final");
    VT_TRY_ENSURE(CRYPTO_memcmp(q->qe_report.report_data, hash, VT_SHA256_LEN) == 0,
                  VT_E_QE_REPORT_DATA,
                  "report data is not sha-256(attestation key || qe authentication data)");
    /* Intel's QVL compares only 32 bytes; the zero pad is what Intel's QE writes and
     * what dcap-qvl requires (dcap.md §1.4, §5.7). */
    VT_TRY_ENSURE(
        all_zero(q->qe_report.report_data + VT_SHA256_LEN, VT_REPORT_DATA_LEN - VT_SHA256_LEN),
        VT_E_QE_REPORT_DATA, "report data bytes 32..63 are not zero");
    rc = 0;
out:
    EVP_MD_CTX_free(md);
    return rc;
}

/* (report & mask) == value, byte by byte (dcap.md §4.4: hex fields in report order). */
static bool masked_equal(const uint8_t *report, const uint8_t *mask, const uint8_t *value, size_t n)
{
    uint8_t diff = 0;
    for (size_t i = 0; i < n; i++) diff |= (uint8_t)((report[i] & mask[i]) ^ value[i]);
    return diff == 0;
}

/* dcap.md §5.4 steps 10-11 (4.1.2.4.14, 4.1.2.4.15): the QE is the expected enclave. */
static int check_qe_identity(const vt_quote_t *q, const vt_qe_identity_t *qe)
{
    const vt_sgx_report_body_t *r = &q->qe_report;
    vt_qe_identity_id_t want = q->tee == VT_TEE_TDX ? VT_QE_ID_TD_QE : VT_QE_ID_QE;
    uint8_t misc[4] = {(uint8_t)r->misc_select, (uint8_t)(r->misc_select >> 8),
                       (uint8_t)(r->misc_select >> 16), (uint8_t)(r->misc_select >> 24)};

    VT_ENSURE(qe->id == want, VT_E_QE_IDENTITY_MISMATCH, "identity id %s, expected %s",
              qe->id == VT_QE_ID_TD_QE ? "TD_QE"
              : qe->id == VT_QE_ID_QE  ? "QE"
                                       : "QVE",
              want == VT_QE_ID_TD_QE ? "TD_QE" : "QE");
    VT_ENSURE(q->tee != VT_TEE_TDX || qe->version == 2, VT_E_QE_IDENTITY_MISMATCH,
              "td_qe identity version %u, expected 2", qe->version);
    VT_ENSURE(masked_equal(misc, qe->miscselect_mask, qe->miscselect, sizeof(misc)),
              VT_E_QE_IDENTITY_MISMATCH, "qe miscselect does not match the identity");
    VT_ENSURE(
        masked_equal(r->attributes, qe->attributes_mask, qe->attributes, sizeof(r->attributes)),
        VT_E_QE_IDENTITY_MISMATCH, "qe attributes do not match the identity");
    VT_ENSURE(CRYPTO_memcmp(r->mr_signer, qe->mrsigner, VT_SGX_MEASUREMENT_LEN) == 0,
              VT_E_QE_IDENTITY_MISMATCH, "qe mrsigner does not match the identity");
    VT_ENSURE(r->isv_prod_id == qe->isv_prod_id, VT_E_QE_IDENTITY_MISMATCH,
              "qe isvprodid %u, expected %u", r->isv_prod_id, qe->isv_prod_id);
    return 0;
}

/* Steps 12-13 (4.1.2.4.16): the attestation key is a P-256 point and signed the quote. */
static int check_quote_signature(const vt_quote_t *q, vt_key_cache_t *keys)
{
    int rc = VT_E_INTERNAL;
    EVP_PKEY *key = NULL;

    VT_TRY_STEP(vt_key_cache_get(keys, q->attest_key, &key), "attestation key");
    VT_TRY_STEP(vt_verify_p256_sig(key, q->signed_data, q->signed_len, q->signature),
                "quote signature");
    rc = 0;
out:
    EVP_PKEY_free(key);
    return rc;
}

int vt_quote_checks_run(const vt_quote_t *q, const vt_pck_chain_t *chain, const vt_tcb_info_t *info,
                        const vt_qe_identity_t *qe, vt_key_cache_t *keys)
{
    VT_GUARD_STEP(check_tcb_info_tee(q, info), "tcb info");
    VT_GUARD_STEP(check_tcb_info_platform(&chain->ext, info), "tcb info");
    /* Step 6 (certification data consumed exactly) is vt_quote_parse's. */
    if (q->tee == VT_TEE_TDX) VT_GUARD_STEP(check_tdx_module(q, info), "tdx module");
    VT_GUARD_STEP(vt_verify_p256_sig(chain->leaf_key, q->qe_report_raw, VT_SGX_REPORT_BODY_LEN,
                                     q->qe_report_signature),
                  "qe report signature");
    VT_GUARD_STEP(check_qe_report_data(q), "qe report data");
    VT_GUARD_STEP(check_qe_identity(q, qe), "qe identity");
    VT_GUARD(check_quote_signature(q, keys));
    return 0;
}
