/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated quoting enclaves: SGX ECDSA quote v3 (dcap.md §1) and TDX quote v4
 * (§2.1, §2.4). A quote is built as a vt_quote_t and encoded by the evidence layer's
 * serializer, so its bytes are exactly what vt_quote_parse reads:
 *   1. the QE report binds the attestation key: REPORTDATA = SHA-256(attestation key ||
 *      QE auth data) || 32 zero bytes (§1.4), and is signed by the PCK key;
 *   2. the quote is serialized once, bytes [0, vt_quote_signed_len) are signed by the
 *      attestation key, and it is serialized again with the signature (evidence.h).
 */
#include <stdlib.h>

#include "common/error.h"
#include "common/ossl.h"
#include "sim/sim_internal.h"

/* Intel's QE uses 32 bytes 00 01 .. 1F as authentication data; so do we. */
#define QE_AUTH_LEN 32

/* SHA-384-sized MRSEAM of the simulated TDX module (a fixed, recognizable pattern). */
static const uint8_t sim_mr_seam[VT_TDX_MEASUREMENT_LEN] = {
    0x5e, 0xa1, 0x51, 0x3a, 0x7e, 0xd0, 0x00, 0x01, 0x5e, 0xa1, 0x51, 0x3a, 0x7e, 0xd0, 0x00, 0x02,
    0x5e, 0xa1, 0x51, 0x3a, 0x7e, 0xd0, 0x00, 0x03, 0x5e, 0xa1, 0x51, 0x3a, 0x7e, 0xd0, 0x00, 0x04,
    0x5e, 0xa1, 0x51, 0x3a, 0x7e, 0xd0, 0x00, 0x05, 0x5e, 0xa1, 0x51, 0x3a, 0x7e, 0xd0, 0x00, 0x06};

static void copy_bytes(uint8_t *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++) dst[i] = src[i];
}

static void fill_header(const vt_sim_platform_t *p, vt_tee_t tee, vt_quote_header_t *h)
{
    uint8_t qe_id[VT_SHA256_LEN];
    *h = (vt_quote_header_t){.version = tee == VT_TEE_TDX ? 4 : 3,
                             .att_key_type = VT_QUOTE_ATT_KEY_ECDSA_P256,
                             .tee_type = tee == VT_TEE_TDX ? VT_TEE_TYPE_TDX : VT_TEE_TYPE_SGX};
    if (tee == VT_TEE_SGX) { /* v4 leaves these reserved (dcap.md §1.2) */
        h->qe_svn = p->qe_isvsvn;
        h->pce_svn = p->pck.pce_svn;
    }
    copy_bytes(h->qe_vendor_id, vt_intel_qe_vendor_id, sizeof(h->qe_vendor_id));
    /* user data: a 16-byte QE-ID, stable per platform, then 4 zero bytes */
    vt_sha256(p->pck.ppid, VT_PPID_LEN, qe_id);
    copy_bytes(h->user_data, qe_id, 16);
}

/* The QE (or TD QE) report, signed by the PCK key (dcap.md §1.4, §5.4 steps 8-11). */
static int fill_qe_report(const vt_sim_platform_t *p, vt_tee_t tee, vt_quote_t *q,
                          const uint8_t *auth)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    uint8_t raw[VT_SGX_REPORT_BODY_LEN];
    vt_sgx_report_body_t *r = &q->qe_report;
    bool td = tee == VT_TEE_TDX;

    *r = (vt_sgx_report_body_t){.isv_prod_id = td ? 2 : 1,
                                .isv_svn = td ? p->td_qe_isvsvn : p->qe_isvsvn};
    copy_bytes(r->cpu_svn, p->pck.cpu_svn, VT_CPUSVN_LEN);
    r->attributes[0] = 0x11; /* INIT | PROVISIONKEY, as Intel's QE */
    r->attributes[8] = 0xe7; /* XFRM */
    copy_bytes(r->mr_enclave, vt_sim_qe_mrenclave, VT_SGX_MEASUREMENT_LEN);
    copy_bytes(r->mr_signer, td ? vt_sim_td_qe_mrsigner : vt_sim_qe_mrsigner,
               VT_SGX_MEASUREMENT_LEN);
    int ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
             EVP_DigestUpdate(md, q->attest_key, VT_ECDSA_KEY_LEN) == 1 &&
             EVP_DigestUpdate(md, auth, QE_AUTH_LEN) == 1 &&
             EVP_DigestFinal_ex(md, r->report_data, NULL) == 1;
    EVP_MD_CTX_free(md);
    VT_ENSURE(ok, VT_E_CRYPTO, "sim: qe report data hash");
    q->qe_auth_data = auth;
    q->qe_auth_len = QE_AUTH_LEN;
    vt_sgx_report_body_serialize(r, raw);
    return vt_sim_sign(p->pck_key, raw, sizeof(raw), q->qe_report_signature);
}

/* Signs and encodes q (which has everything but the quote signature). */
static int sign_quote(const vt_sim_platform_t *p, vt_quote_t *q, uint8_t **out, size_t *len)
{
    int rc = VT_E_INTERNAL;
    uint8_t *draft = NULL;
    size_t draft_len = 0;

    VT_TRY(vt_quote_serialize(q, &draft, &draft_len));
    size_t signed_len = vt_quote_signed_len(q);
    VT_TRY_ENSURE(signed_len > 0 && signed_len <= draft_len, VT_E_INTERNAL,
                  "sim: quote signed length");
    VT_TRY(vt_sim_sign(p->attestation_key, draft, signed_len, q->signature));
    VT_TRY(vt_quote_serialize(q, out, len));
    rc = 0;
out:
    free(draft);
    return rc;
}

static int make_quote(const vt_sim_platform_t *p, vt_quote_t *q, uint8_t **out, size_t *len)
{
    uint8_t auth[QE_AUTH_LEN];
    for (size_t i = 0; i < sizeof(auth); i++) auth[i] = (uint8_t)i;

    fill_header(p, q->tee, &q->header);
    VT_GUARD(vt_p256_key_to_point(p->attestation_key, q->attest_key));
    VT_GUARD(fill_qe_report(p, q->tee, q, auth));
    q->outer_cert_type = q->tee == VT_TEE_TDX ? VT_CERT_QE_REPORT : VT_CERT_PCK_CHAIN;
    q->cert_type = VT_CERT_PCK_CHAIN;
    q->cert_data = p->chain_pem.data;
    /* the chain's NUL terminator is counted, as in real quotes (dcap.md §1.4) */
    q->cert_len = (uint32_t)p->chain_pem.len + 1;
    return sign_quote(p, q, out, len);
}

int vt_sim_quote_sgx(const vt_sim_platform_t *p, const vt_sgx_report_body_t *isv, uint8_t **out,
                     size_t *len)
{
    vt_quote_t q = {.tee = VT_TEE_SGX, .body_type = VT_BODY_SGX, .sgx = *isv};
    copy_bytes(q.sgx.cpu_svn, p->pck.cpu_svn, VT_CPUSVN_LEN);
    return make_quote(p, &q, out, len);
}

int vt_sim_quote_tdx(const vt_sim_platform_t *p, const vt_td_report_body_t *td, uint8_t **out,
                     size_t *len)
{
    vt_quote_t q = {.tee = VT_TEE_TDX, .body_type = VT_BODY_TD10, .td = *td};
    /* set by the simulated TDX module, not the TD: Intel-signed module (zero signer) */
    copy_bytes(q.td.tee_tcb_svn, p->tee_tcb_svn, VT_TEE_TCB_SVN_LEN);
    copy_bytes(q.td.mr_seam, sim_mr_seam, VT_TDX_MEASUREMENT_LEN);
    for (size_t i = 0; i < VT_TDX_MEASUREMENT_LEN; i++) q.td.mr_signer_seam[i] = 0;
    for (size_t i = 0; i < 8; i++) q.td.seam_attributes[i] = 0;
    for (size_t i = 0; i < VT_TEE_TCB_SVN_LEN; i++) q.td.tee_tcb_svn2[i] = 0;
    for (size_t i = 0; i < VT_TDX_MEASUREMENT_LEN; i++) q.td.mr_servicetd[i] = 0;
    return make_quote(p, &q, out, len);
}
