/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PCS TCB info, versions 2 and 3, SGX and TDX (dcap.md §4.3). Parsing only: the
 * signature over the inner object is checked by vt_collateral_check (§5.3).
 * Unknown members are ignored (the signature still covers them), as Intel's QVL does;
 * every member we use is type- and range-checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <veritee/collateral.h>

#include "common/error.h"
#include "isv_level.h"
#include "json_field.h"
#include "signed_json.h"

#define WHAT "tcb info"

/* §4.3: the platform statuses; anything else is an "unrecognized status" error. */
#define PLATFORM_STATUSES                                                                   \
    (VT_TCB_STATUS_BIT(VT_TCB_UP_TO_DATE) | VT_TCB_STATUS_BIT(VT_TCB_SW_HARDENING_NEEDED) | \
     VT_TCB_STATUS_BIT(VT_TCB_CONFIGURATION_NEEDED) |                                       \
     VT_TCB_STATUS_BIT(VT_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED) |                      \
     VT_TCB_STATUS_BIT(VT_TCB_OUT_OF_DATE) |                                                \
     VT_TCB_STATUS_BIT(VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED) |                           \
     VT_TCB_STATUS_BIT(VT_TCB_REVOKED))
/* §4.3: TDX module identity levels. */
#define MODULE_STATUSES                                                             \
    (VT_TCB_STATUS_BIT(VT_TCB_UP_TO_DATE) | VT_TCB_STATUS_BIT(VT_TCB_OUT_OF_DATE) | \
     VT_TCB_STATUS_BIT(VT_TCB_REVOKED))

static int parse_id(const json_t *body, vt_tcb_info_t *info)
{
    const char *id = NULL;
    json_t *v = json_object_get(body, "id");

    /* v2 (API v3) has no id and is SGX only; v3 names the TEE. */
    if (info->version == 2 && v == NULL) {
        info->tee = VT_TEE_SGX;
        return 0;
    }
    VT_GUARD(vt_json_field_get_string(body, "id", WHAT, &id));
    if (strcmp(id, "SGX") == 0) {
        info->tee = VT_TEE_SGX;
    } else if (strcmp(id, "TDX") == 0 && info->version == 3) {
        info->tee = VT_TEE_TDX;
    } else {
        VT_BAIL(VT_E_UNSUPPORTED, WHAT ": id \"%.16s\" in version %u, expected SGX or TDX (v3)", id,
                info->version);
    }
    return 0;
}

static int parse_header(const json_t *body, vt_tcb_info_t *info)
{
    uint64_t v = 0;

    VT_GUARD(vt_json_field_get_uint(body, "version", WHAT, UINT32_MAX, &v));
    VT_ENSURE(v == 2 || v == 3, VT_E_UNSUPPORTED, WHAT ": version %llu, expected 2 or 3",
              (unsigned long long)v);
    info->version = (uint32_t)v;
    VT_GUARD(parse_id(body, info));
    VT_GUARD(vt_json_field_get_time(body, "issueDate", WHAT, &info->issue_date));
    VT_GUARD(vt_json_field_get_time(body, "nextUpdate", WHAT, &info->next_update));
    VT_ENSURE(info->next_update >= info->issue_date, VT_E_MALFORMED,
              WHAT ": nextUpdate is before issueDate");
    VT_GUARD(vt_json_field_get_hex(body, "fmspc", WHAT, info->fmspc, VT_FMSPC_LEN));
    VT_GUARD(vt_json_field_get_hex(body, "pceId", WHAT, info->pce_id, VT_PCE_ID_LEN));
    VT_GUARD(vt_json_field_get_uint(body, "tcbType", WHAT, UINT32_MAX, &v));
    VT_ENSURE(v == 0, VT_E_UNSUPPORTED, WHAT ": tcbType %llu, only 0 is supported",
              (unsigned long long)v);
    info->tcb_type = 0;
    VT_GUARD(vt_json_field_get_uint(body, "tcbEvaluationDataNumber", WHAT, UINT32_MAX, &v));
    info->tcb_evaluation_data_number = (uint32_t)v;
    return 0;
}

/* v2: sgxtcbcomp01svn .. sgxtcbcomp16svn and pcesvn as direct members of "tcb". */
static int parse_tcb_v2(const json_t *tcb, const char *what, vt_tcb_level_t *l)
{
    char key[24];
    uint64_t v = 0;

    for (size_t i = 0; i < VT_PCK_TCB_COMPONENTS; i++) {
        snprintf(key, sizeof(key), "sgxtcbcomp%02zusvn", i + 1);
        VT_GUARD(vt_json_field_get_uint(tcb, key, what, UINT8_MAX, &v));
        l->sgx_svn[i] = (uint8_t)v;
    }
    return 0;
}

/* v3: an array of exactly 16 {svn, category?, type?} objects. */
static int parse_components(const json_t *tcb, const char *key, const char *what,
                            uint8_t out[VT_PCK_TCB_COMPONENTS])
{
    json_t *arr = NULL;
    uint64_t v = 0;

    VT_GUARD(vt_json_field_get_array(tcb, key, what, 0, &arr));
    VT_ENSURE(json_array_size(arr) == VT_PCK_TCB_COMPONENTS, VT_E_MALFORMED,
              "%s: %s has %zu elements, expected %d", what, key, json_array_size(arr),
              VT_PCK_TCB_COMPONENTS);
    for (size_t i = 0; i < VT_PCK_TCB_COMPONENTS; i++) {
        const json_t *c = json_array_get(arr, i);
        VT_ENSURE(json_is_object(c), VT_E_MALFORMED, "%s: %s[%zu] is not an object", what, key, i);
        VT_GUARD(vt_json_field_get_uint(c, "svn", what, UINT8_MAX, &v));
        VT_GUARD(vt_json_field_validate_optional_string(c, "category", what));
        VT_GUARD(vt_json_field_validate_optional_string(c, "type", what));
        out[i] = (uint8_t)v;
    }
    return 0;
}

static int parse_level(const vt_tcb_info_t *info, const json_t *v, const char *what,
                       vt_tcb_level_t *l)
{
    json_t *tcb = NULL;
    uint64_t pcesvn = 0;

    VT_ENSURE(json_is_object(v), VT_E_MALFORMED, "%s: not an object", what);
    VT_GUARD(vt_json_field_get_object(v, "tcb", what, &tcb));
    if (info->version == 2) {
        VT_GUARD(parse_tcb_v2(tcb, what, l));
        VT_ENSURE(json_object_get(v, "advisoryIDs") == NULL, VT_E_MALFORMED,
                  "%s: advisoryIDs in a version 2 tcb info", what);
    } else {
        VT_GUARD(parse_components(tcb, "sgxtcbcomponents", what, l->sgx_svn));
    }
    /* TDX SVNs belong to TDX documents only; an SGX level carrying them is malformed. */
    if (info->tee == VT_TEE_TDX) {
        VT_GUARD(parse_components(tcb, "tdxtcbcomponents", what, l->tdx_svn));
        l->has_tdx_svn = true;
    } else {
        VT_ENSURE(json_object_get(tcb, "tdxtcbcomponents") == NULL, VT_E_MALFORMED,
                  "%s: tdxtcbcomponents in an SGX tcb info", what);
    }
    VT_GUARD(vt_json_field_get_uint(tcb, "pcesvn", what, UINT16_MAX, &pcesvn));
    l->pce_svn = (uint16_t)pcesvn;
    VT_GUARD(vt_json_field_get_time(v, "tcbDate", what, &l->tcb_date));
    VT_GUARD(vt_json_field_get_status(v, "tcbStatus", what, PLATFORM_STATUSES, &l->status));
    /* Last, so a level that fails above owns nothing. */
    return vt_json_field_get_advisories(v, what, &l->advisory_ids, &l->advisory_count);
}

static int parse_levels(const json_t *body, vt_tcb_info_t *info)
{
    json_t *arr = NULL;
    char path[64];

    VT_GUARD(vt_json_field_get_array(body, "tcbLevels", WHAT, 1, &arr));
    size_t total = json_array_size(arr);
    info->levels = calloc(total, sizeof(*info->levels));
    VT_ENSURE(info->levels != NULL, VT_E_NOMEM, "out of memory allocating tcb levels");
    /* Document order is kept: levels are published descending (§4.3), and the verify
     * layer's matching takes the first level the platform meets. */
    for (size_t i = 0; i < total; i++) {
        snprintf(path, sizeof(path), WHAT ": tcbLevels[%zu]", i);
        VT_GUARD(parse_level(info, json_array_get(arr, i), path, &info->levels[i]));
        info->level_count = i + 1;
    }
    return 0;
}

static int parse_module_identity(const json_t *v, const char *what, vt_tdx_module_identity_t *m)
{
    const char *id = NULL;

    VT_ENSURE(json_is_object(v), VT_E_MALFORMED, "%s: not an object", what);
    VT_GUARD(vt_json_field_get_string(v, "id", what, &id));
    size_t n = strlen(id);
    VT_ENSURE(n > 0 && n < sizeof(m->id), VT_E_MALFORMED,
              "%s: id has %zu characters, expected 1..%zu", what, n, sizeof(m->id) - 1);
    for (size_t i = 0; i < n; i++)
        VT_ENSURE(id[i] > 0x20 && id[i] < 0x7f, VT_E_MALFORMED, "%s: id is not printable", what);
    snprintf(m->id, sizeof(m->id), "%s", id);
    VT_GUARD(vt_json_field_get_hex(v, "mrsigner", what, m->mrsigner, sizeof(m->mrsigner)));
    VT_GUARD(vt_json_field_get_hex(v, "attributes", what, m->attributes, sizeof(m->attributes)));
    VT_GUARD(vt_json_field_get_hex(v, "attributesMask", what, m->attributes_mask,
                                   sizeof(m->attributes_mask)));
    return vt_isv_level_parse_array(v, what, MODULE_STATUSES, &m->levels, &m->level_count);
}

static int parse_module_identities(const json_t *body, vt_tcb_info_t *info)
{
    json_t *arr = NULL;
    char path[64];

    if (json_object_get(body, "tdxModuleIdentities") == NULL) return 0;
    VT_GUARD(vt_json_field_get_array(body, "tdxModuleIdentities", WHAT, 1, &arr));
    size_t total = json_array_size(arr);
    info->tdx_module_identities = calloc(total, sizeof(*info->tdx_module_identities));
    VT_ENSURE(info->tdx_module_identities != NULL, VT_E_NOMEM,
              "out of memory allocating tdx module identities");
    for (size_t i = 0; i < total; i++) {
        snprintf(path, sizeof(path), WHAT ": tdxModuleIdentities[%zu]", i);
        VT_GUARD(
            parse_module_identity(json_array_get(arr, i), path, &info->tdx_module_identities[i]));
        info->tdx_module_identity_count = i + 1;
    }
    return 0;
}

/* §4.3: tdxModule is required for TDX and meaningless for SGX. */
static int parse_tdx_module(const json_t *body, vt_tcb_info_t *info)
{
    json_t *m = NULL;

    if (info->tee != VT_TEE_TDX) {
        VT_ENSURE(json_object_get(body, "tdxModule") == NULL &&
                      json_object_get(body, "tdxModuleIdentities") == NULL,
                  VT_E_MALFORMED, WHAT ": tdxModule in an SGX tcb info");
        return 0;
    }
    VT_GUARD(vt_json_field_get_object(body, "tdxModule", WHAT, &m));
    VT_GUARD(vt_json_field_get_hex(m, "mrsigner", WHAT ": tdxModule", info->tdx_module_mrsigner,
                                   VT_TDX_MEASUREMENT_LEN));
    VT_GUARD(
        vt_json_field_get_hex(m, "attributes", WHAT ": tdxModule", info->tdx_module_attributes, 8));
    VT_GUARD(vt_json_field_get_hex(m, "attributesMask", WHAT ": tdxModule",
                                   info->tdx_module_attributes_mask, 8));
    info->has_tdx_module = true;
    return parse_module_identities(body, info);
}

int vt_tcb_info_parse(const uint8_t *json, size_t len, vt_tcb_info_t **out)
{
    int rc = VT_E_INTERNAL;
    vt_signed_json_t sj = {0};
    vt_tcb_info_t *info = NULL;

    VT_TRY(vt_signed_json_parse(json, len, "tcbInfo", WHAT, &sj));
    VT_TRY_ALLOC(info, calloc(1, sizeof(*info)), "tcb info");
    VT_TRY(parse_header(sj.body, info));
    VT_TRY(parse_tdx_module(sj.body, info));
    VT_TRY(parse_levels(sj.body, info));
    VT_TRY(vt_signed_json_get_signed(&sj, &info->signed_body, &info->signed_body_len,
                                     info->signature));
    *out = info;
    info = NULL;
    rc = 0;
out:
    vt_tcb_info_free(info);
    vt_signed_json_cleanup(&sj);
    return rc;
}

void vt_tcb_info_free(vt_tcb_info_t *info)
{
    if (info == NULL) return;
    for (size_t i = 0; i < info->level_count; i++)
        vt_json_field_free_strings(info->levels[i].advisory_ids, info->levels[i].advisory_count);
    free(info->levels);
    for (size_t i = 0; i < info->tdx_module_identity_count; i++)
        vt_isv_level_free_array(info->tdx_module_identities[i].levels,
                                info->tdx_module_identities[i].level_count);
    free(info->tdx_module_identities);
    free(info->signed_body);
    free(info);
}
