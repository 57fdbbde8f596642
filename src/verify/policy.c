/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The appraisal policy: what a caller accepts of a cryptographically verified quote.
 * Not part of Intel's QVL (dcap.md §5.7, "policy" row): TCB statuses, advisory IDs,
 * debug enclaves/TDs and pinned measurements. Strict by default: only UpToDate, no
 * advisory, no debug. Immutable during appraisal, so concurrent appraisals are safe.
 */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "verify/verify_internal.h"

struct vt_policy {
    bool is_status_accepted[VT_TCB_STATUS_COUNT];
    char **advisories; /* owned array of owned strings */
    size_t advisory_count;
    bool is_debug_allowed;
    bool has_mrenclave, has_mrsigner, has_isv_prod_id, has_min_isv_svn;
    uint8_t mrenclave[VT_SGX_MEASUREMENT_LEN];
    uint8_t mrsigner[VT_SGX_MEASUREMENT_LEN];
    uint16_t isv_prod_id;
    uint16_t min_isv_svn;
    bool has_tdx[VT_TDX_FIELD_COUNT];
    uint8_t tdx[VT_TDX_FIELD_COUNT][VT_TDX_MEASUREMENT_LEN];
};

static const char *const tdx_field_names[VT_TDX_FIELD_COUNT] = {
    "mrtd", "rtmr0", "rtmr1", "rtmr2", "rtmr3", "mrseam", "mrconfigid", "mrowner", "mrownerconfig",
};

int vt_policy_new(vt_policy_t **out)
{
    vt_policy_t *p = calloc(1, sizeof(*p));
    VT_ENSURE(p != NULL, VT_E_NOMEM, "out of memory allocating a policy");
    p->is_status_accepted[VT_TCB_UP_TO_DATE] = true;
    *out = p;
    return 0;
}

void vt_policy_free(vt_policy_t *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->advisory_count; i++) free(p->advisories[i]);
    free(p->advisories);
    free(p);
}

void vt_policy_set_mrenclave(vt_policy_t *p, const uint8_t v[static VT_SGX_MEASUREMENT_LEN])
{
    memcpy(p->mrenclave, v, VT_SGX_MEASUREMENT_LEN); /* vt-lint: allow (fixed size) */
    p->has_mrenclave = true;
}

void vt_policy_set_mrsigner(vt_policy_t *p, const uint8_t v[static VT_SGX_MEASUREMENT_LEN])
{
    memcpy(p->mrsigner, v, VT_SGX_MEASUREMENT_LEN); /* vt-lint: allow (fixed size) */
    p->has_mrsigner = true;
}

void vt_policy_set_isv_prod_id(vt_policy_t *p, uint16_t id)
{
    p->isv_prod_id = id;
    p->has_isv_prod_id = true;
}

void vt_policy_set_min_isv_svn(vt_policy_t *p, uint16_t svn)
{
    p->min_isv_svn = svn;
    p->has_min_isv_svn = true;
}

int vt_policy_set_tdx_measurement(vt_policy_t *p, vt_tdx_field_t field,
                                  const uint8_t v[static VT_TDX_MEASUREMENT_LEN])
{
    VT_ENSURE((unsigned)field < VT_TDX_FIELD_COUNT, VT_E_INVALID_ARG,
              "policy: unknown tdx field %d", (int)field);
    memcpy(p->tdx[field], v, VT_TDX_MEASUREMENT_LEN); /* vt-lint: allow (fixed size) */
    p->has_tdx[field] = true;
    return 0;
}

int vt_policy_accept_tcb_status(vt_policy_t *p, vt_tcb_status_t s)
{
    VT_ENSURE((unsigned)s < VT_TCB_STATUS_COUNT, VT_E_INVALID_ARG, "policy: unknown tcb status %d",
              (int)s);
    /* A revoked result never verifies (VT_E_REVOKED), so accepting it means nothing. */
    VT_ENSURE(s != VT_TCB_REVOKED, VT_E_INVALID_ARG, "policy: a revoked tcb cannot be accepted");
    p->is_status_accepted[s] = true;
    return 0;
}

int vt_policy_accept_advisory(vt_policy_t *p, const char *id)
{
    VT_ENSURE(id[0] != '\0' && strlen(id) < 64, VT_E_INVALID_ARG,
              "policy: advisory id must be 1..63 characters");
    for (size_t i = 0; i < p->advisory_count; i++) {
        if (strcmp(p->advisories[i], id) == 0) return 0;
    }
    char **grown = realloc(p->advisories, (p->advisory_count + 1) * sizeof(*grown));
    VT_ENSURE(grown != NULL, VT_E_NOMEM, "out of memory");
    p->advisories = grown;
    p->advisories[p->advisory_count] = strdup(id);
    VT_ENSURE(p->advisories[p->advisory_count] != NULL, VT_E_NOMEM, "out of memory");
    p->advisory_count++;
    return 0;
}

void vt_policy_set_allow_debug(vt_policy_t *p, bool allow)
{
    p->is_debug_allowed = allow;
}

/* ---- Appraisal ---------------------------------------------------------------------- */

/* "1a2b3c4d5e6f7a8b…": enough of a measurement to tell two apart in a log line. */
static void short_hex(const uint8_t *v, char out[static 20])
{
    char hex[17];
    vt_hex_encode(v, 8, hex);
    snprintf(out, 20, "%s...", hex);
}

static int check_measurement(const char *name, const uint8_t *have, const uint8_t *want, size_t len)
{
    char h[20], w[20];
    if (CRYPTO_memcmp(have, want, len) == 0) return 0;
    short_hex(have, h);
    short_hex(want, w);
    VT_BAIL(VT_E_POLICY, "policy: %s %s does not match the expected %s", name, h, w);
}

static bool is_advisory_accepted(const vt_policy_t *p, const char *id)
{
    for (size_t i = 0; i < p->advisory_count; i++) {
        if (strcmp(p->advisories[i], id) == 0) return true;
    }
    return false;
}

static int appraise_tcb(const vt_policy_t *p, const vt_verify_result_t *r)
{
    VT_ENSURE((unsigned)r->tcb_status < VT_TCB_STATUS_COUNT && p->is_status_accepted[r->tcb_status],
              VT_E_POLICY, "policy: tcb status %s not accepted", vt_tcb_status_name(r->tcb_status));
    for (size_t i = 0; i < r->advisory_count; i++) {
        VT_ENSURE(is_advisory_accepted(p, r->advisory_ids[i]), VT_E_POLICY,
                  "policy: advisory %s not accepted", r->advisory_ids[i]);
    }
    return 0;
}

static int appraise_sgx(const vt_policy_t *p, const vt_sgx_report_body_t *b)
{
    VT_ENSURE(p->is_debug_allowed || (vt_sgx_report_flags(b) & VT_SGX_FLAG_DEBUG) == 0, VT_E_POLICY,
              "policy: debug enclave not allowed");
    if (p->has_mrenclave)
        VT_GUARD(
            check_measurement("mrenclave", b->mr_enclave, p->mrenclave, VT_SGX_MEASUREMENT_LEN));
    if (p->has_mrsigner)
        VT_GUARD(check_measurement("mrsigner", b->mr_signer, p->mrsigner, VT_SGX_MEASUREMENT_LEN));
    VT_ENSURE(!p->has_isv_prod_id || b->isv_prod_id == p->isv_prod_id, VT_E_POLICY,
              "policy: isvprodid %u does not match the expected %u", b->isv_prod_id,
              p->isv_prod_id);
    VT_ENSURE(!p->has_min_isv_svn || b->isv_svn >= p->min_isv_svn, VT_E_POLICY,
              "policy: isvsvn %u is below the minimum %u", b->isv_svn, p->min_isv_svn);
    for (size_t i = 0; i < VT_TDX_FIELD_COUNT; i++) {
        VT_ENSURE(!p->has_tdx[i], VT_E_POLICY,
                  "policy: %s is pinned but the quote is from an sgx enclave", tdx_field_names[i]);
    }
    return 0;
}

static const uint8_t *tdx_field(const vt_td_report_body_t *b, size_t f)
{
    switch (f) {
    case VT_TDX_MRTD:
        return b->mr_td;
    case VT_TDX_RTMR0:
        return b->rtmr[0];
    case VT_TDX_RTMR1:
        return b->rtmr[1];
    case VT_TDX_RTMR2:
        return b->rtmr[2];
    case VT_TDX_RTMR3:
        return b->rtmr[3];
    case VT_TDX_MRSEAM:
        return b->mr_seam;
    case VT_TDX_MRCONFIGID:
        return b->mr_config_id;
    case VT_TDX_MROWNER:
        return b->mr_owner;
    default:
        return b->mr_owner_config;
    }
}

static int appraise_td(const vt_policy_t *p, const vt_td_report_body_t *b)
{
    VT_ENSURE(p->is_debug_allowed || (vt_td_attributes(b) & VT_TD_ATTR_DEBUG) == 0, VT_E_POLICY,
              "policy: debug td not allowed");
    VT_ENSURE(!p->has_mrenclave && !p->has_mrsigner && !p->has_isv_prod_id && !p->has_min_isv_svn,
              VT_E_POLICY, "policy: sgx enclave identity is pinned but the quote is from a td");
    for (size_t i = 0; i < VT_TDX_FIELD_COUNT; i++) {
        if (p->has_tdx[i])
            VT_GUARD(check_measurement(tdx_field_names[i], tdx_field(b, i), p->tdx[i],
                                       VT_TDX_MEASUREMENT_LEN));
    }
    return 0;
}

int vt_policy_appraise(const vt_policy_t *p, const vt_verify_result_t *r)
{
    VT_ENSURE(r->is_verified, VT_E_INVALID_ARG, "policy: the result is not verified");
    VT_GUARD(appraise_tcb(p, r));
    if (r->tee == VT_TEE_TDX) return appraise_td(p, &r->td);
    return appraise_sgx(p, &r->sgx);
}
