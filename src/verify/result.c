/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The verification result: evidence copied from the quote, the PCK extension, the
 * collateral dates (dcap.md §5.1 step 4) and the TCB evaluation (§5.5, §5.6).
 */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "verify/verify_internal.h"

void vt_verify_result_cleanup(vt_verify_result_t *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->advisory_count; i++) free(r->advisory_ids[i]);
    free(r->advisory_ids);
    *r = (vt_verify_result_t){0};
}

void vt_result_init(vt_verify_result_t *r, vt_time_t at)
{
    *r = (vt_verify_result_t){
        .tcb_status = VT_TCB_NOT_SUPPORTED,
        .platform_tcb_status = VT_TCB_NOT_SUPPORTED,
        .qe_tcb_status = VT_TCB_NOT_SUPPORTED,
        .verification_time = at,
    };
}

void vt_result_set_evidence(vt_verify_result_t *r, const vt_quote_t *q)
{
    r->tee = q->tee;
    r->quote_version = q->header.version;
    r->body_type = q->body_type;
    if (q->body_type == VT_BODY_SGX)
        r->sgx = q->sgx;
    else
        r->td = q->td;
}

static void widen(vt_time_t *earliest, vt_time_t *latest, vt_time_t t)
{
    if (t < *earliest) *earliest = t;
    if (t > *latest) *latest = t;
}

void vt_result_set_dates(vt_verify_result_t *r, const vt_checked_collateral_t *cc,
                         const vt_pck_chain_t *chain)
{
    vt_time_t earliest_issue = cc->earliest_issue, latest_issue = cc->latest_issue;
    vt_time_t earliest_exp = cc->earliest_expiration;

    for (size_t i = 0; i < VT_PCK_CHAIN_CERTS; i++) {
        widen(&earliest_issue, &latest_issue, chain->not_before[i]);
        if (chain->not_after[i] < earliest_exp) earliest_exp = chain->not_after[i];
    }
    r->earliest_issue_date = earliest_issue;
    r->latest_issue_date = latest_issue;
    r->earliest_expiration_date = earliest_exp;
    /* Expired or not yet valid: a flag, never a failure (dcap.md §5.2 step 6, §5.6). */
    r->is_collateral_expired =
        r->verification_time < latest_issue || r->verification_time >= earliest_exp;
}

static int copy_advisories(vt_verify_result_t *r, char *const *ids, size_t count)
{
    if (count == 0) return 0;
    r->advisory_ids = calloc(count, sizeof(*r->advisory_ids));
    VT_ENSURE(r->advisory_ids != NULL, VT_E_NOMEM, "out of memory copying advisory ids");
    for (size_t i = 0; i < count; i++) {
        r->advisory_ids[i] = strdup(ids[i]);
        VT_ENSURE(r->advisory_ids[i] != NULL, VT_E_NOMEM, "out of memory copying advisory ids");
        r->advisory_count = i + 1;
    }
    return 0;
}

int vt_result_set_tcb(vt_verify_result_t *r, const vt_tcb_eval_t *e,
                      const vt_checked_collateral_t *cc)
{
    uint32_t tcb_num = cc->tcb_info->tcb_evaluation_data_number;
    uint32_t qe_num = cc->qe_identity->tcb_evaluation_data_number;

    r->tcb_status = e->status;
    r->platform_tcb_status = e->platform_status;
    r->qe_tcb_status = e->qe_status;
    r->tcb_evaluation_data_number = tcb_num < qe_num ? tcb_num : qe_num;
    if (!e->level) return 0;
    r->tcb_level_date = e->level->tcb_date;
    return copy_advisories(r, e->level->advisory_ids, e->level->advisory_count);
}
