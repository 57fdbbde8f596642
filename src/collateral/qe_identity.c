/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PCS enclave identity, version 2 (dcap.md §4.4): the QE, TD_QE or QvE identity.
 * Parsing only; vt_collateral_check verifies the signature (§5.3).
 */
#include <stdlib.h>
#include <string.h>

#include <veritee/collateral.h>

#include "common/error.h"
#include "isv_level.h"
#include "json_field.h"
#include "signed_json.h"

#define WHAT "qe identity"

/* §4.4: UpToDate, OutOfDate, Revoked; the parser also knows the two configuration
 * variants Intel's QVL accepts. */
#define QE_STATUSES                                                                       \
    (VT_TCB_STATUS_BIT(VT_TCB_UP_TO_DATE) | VT_TCB_STATUS_BIT(VT_TCB_OUT_OF_DATE) |       \
     VT_TCB_STATUS_BIT(VT_TCB_REVOKED) | VT_TCB_STATUS_BIT(VT_TCB_CONFIGURATION_NEEDED) | \
     VT_TCB_STATUS_BIT(VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED))

static int parse_id(const json_t *body, vt_qe_identity_t *qe)
{
    const char *id = NULL;
    VT_GUARD(vt_json_field_get_string(body, "id", WHAT, &id));
    if (strcmp(id, "QE") == 0) {
        qe->id = VT_QE_ID_QE;
    } else if (strcmp(id, "TD_QE") == 0) {
        qe->id = VT_QE_ID_TD_QE;
    } else if (strcmp(id, "QVE") == 0) {
        qe->id = VT_QE_ID_QVE;
    } else {
        VT_BAIL(VT_E_UNSUPPORTED, WHAT ": id \"%.16s\", expected QE, TD_QE or QVE", id);
    }
    return 0;
}

static int parse_body(const json_t *body, vt_qe_identity_t *qe)
{
    uint64_t v = 0;

    VT_GUARD(vt_json_field_get_uint(body, "version", WHAT, UINT32_MAX, &v));
    /* Version 1 identities lack the fields below and are refused for TDX (§4.4). */
    VT_ENSURE(v == 2, VT_E_UNSUPPORTED, WHAT ": version %llu, expected 2", (unsigned long long)v);
    qe->version = 2;
    VT_GUARD(parse_id(body, qe));
    VT_GUARD(vt_json_field_get_time(body, "issueDate", WHAT, &qe->issue_date));
    VT_GUARD(vt_json_field_get_time(body, "nextUpdate", WHAT, &qe->next_update));
    VT_ENSURE(qe->next_update >= qe->issue_date, VT_E_MALFORMED,
              WHAT ": nextUpdate is before issueDate");
    VT_GUARD(vt_json_field_get_uint(body, "tcbEvaluationDataNumber", WHAT, UINT32_MAX, &v));
    qe->tcb_evaluation_data_number = (uint32_t)v;
    VT_GUARD(vt_json_field_get_hex(body, "miscselect", WHAT, qe->miscselect, 4));
    VT_GUARD(vt_json_field_get_hex(body, "miscselectMask", WHAT, qe->miscselect_mask, 4));
    VT_GUARD(vt_json_field_get_hex(body, "attributes", WHAT, qe->attributes, 16));
    VT_GUARD(vt_json_field_get_hex(body, "attributesMask", WHAT, qe->attributes_mask, 16));
    VT_GUARD(vt_json_field_get_hex(body, "mrsigner", WHAT, qe->mrsigner, VT_SGX_MEASUREMENT_LEN));
    VT_GUARD(vt_json_field_get_uint(body, "isvprodid", WHAT, UINT16_MAX, &v));
    qe->isv_prod_id = (uint16_t)v;
    return vt_isv_level_parse_array(body, WHAT, QE_STATUSES, &qe->levels, &qe->level_count);
}

int vt_qe_identity_parse(const uint8_t *json, size_t len, vt_qe_identity_t **out)
{
    int rc = VT_E_INTERNAL;
    vt_signed_json_t sj = {0};
    vt_qe_identity_t *qe = NULL;

    VT_TRY(vt_signed_json_parse(json, len, "enclaveIdentity", WHAT, &sj));
    VT_TRY_ALLOC(qe, calloc(1, sizeof(*qe)), "qe identity");
    VT_TRY(parse_body(sj.body, qe));
    VT_TRY(vt_signed_json_get_signed(&sj, &qe->signed_body, &qe->signed_body_len, qe->signature));
    *out = qe;
    qe = NULL;
    rc = 0;
out:
    vt_qe_identity_free(qe);
    vt_signed_json_cleanup(&sj);
    return rc;
}

void vt_qe_identity_free(vt_qe_identity_t *qe)
{
    if (qe == NULL) return;
    vt_isv_level_free_array(qe->levels, qe->level_count);
    free(qe->signed_body);
    free(qe);
}
