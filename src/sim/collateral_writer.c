/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signs collateral exactly as Intel's PCS serves it (dcap.md §4.2-4.4): the inner
 * object is emitted once as compact JSON in PCS key order (jansson, JSON_COMPACT |
 * JSON_PRESERVE_ORDER), the signature is ECDSA-P256-SHA256 over exactly those bytes,
 * hex r||s, and the envelope is assembled around the same bytes, never re-serialized.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "sim/sim_internal.h"

#define ZERO48                                                                                     \
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" \
    "0000"

static const char *const comp_category[3][2] = {
    {"BIOS", "Early Microcode Update"},
    {"OS/VMM", "SGX Late Microcode Update"},
    {"OS/VMM", "TXT SINIT"},
};

/* json_object_set_new that fails on NULL values (allocation) and keeps order. */
static int put(json_t *o, const char *key, json_t *v)
{
    VT_ENSURE(v != NULL && json_object_set_new(o, key, v) == 0, VT_E_NOMEM, "sim: json member %s",
              key);
    return 0;
}

static json_t *hex_str(const uint8_t *b, size_t n)
{
    char text[2 * 64 + 1];
    vt_hex_encode(b, n, text);
    for (char *p = text; *p; p++)
        if (*p >= 'a' && *p <= 'f') *p = (char)(*p - 'a' + 'A'); /* PCS prints upper case */
    return json_string(text);
}

static json_t *date_str(vt_time_t t)
{
    char text[VT_TIME_TEXT_LEN];
    vt_time_format(t, text);
    return json_string(text);
}

static int put_components(json_t *tcb, const char *key, const uint8_t svn[16], bool categories)
{
    json_t *arr = json_array();
    VT_GUARD(put(tcb, key, arr));
    for (size_t i = 0; i < 16; i++) {
        json_t *c = json_object();
        VT_ENSURE(c && json_array_append_new(arr, c) == 0, VT_E_NOMEM, "sim: json component");
        VT_GUARD(put(c, "svn", json_integer(svn[i])));
        if (categories && i < 3) {
            VT_GUARD(put(c, "category", json_string(comp_category[i][0])));
            VT_GUARD(put(c, "type", json_string(comp_category[i][1])));
        }
    }
    return 0;
}

static int put_status(json_t *level, const char *date, vt_tcb_status_t st,
                      const char *const *advisories)
{
    VT_GUARD(put(level, "tcbDate", json_string(date)));
    VT_GUARD(put(level, "tcbStatus", json_string(vt_tcb_status_name(st))));
    if (!advisories || !advisories[0]) return 0;
    json_t *ids = json_array();
    VT_GUARD(put(level, "advisoryIDs", ids));
    for (size_t i = 0; advisories[i]; i++)
        VT_ENSURE(json_array_append_new(ids, json_string(advisories[i])) == 0, VT_E_NOMEM,
                  "sim: json advisory");
    return 0;
}

static int put_tcb_levels(json_t *body, vt_tee_t tee)
{
    size_t count = 0;
    const vt_sim_tcb_level_t *l = vt_sim_tcb_levels(&count);
    json_t *arr = json_array();
    VT_GUARD(put(body, "tcbLevels", arr));
    for (size_t i = 0; i < count; i++) {
        json_t *level = json_object(), *tcb = json_object();
        VT_ENSURE(level && json_array_append_new(arr, level) == 0, VT_E_NOMEM, "sim: json level");
        VT_GUARD(put(level, "tcb", tcb));
        VT_GUARD(put_components(tcb, "sgxtcbcomponents", l[i].sgx_svn, true));
        VT_GUARD(put(tcb, "pcesvn", json_integer(l[i].pce_svn)));
        if (tee == VT_TEE_TDX)
            VT_GUARD(put_components(tcb, "tdxtcbcomponents", l[i].tdx_svn, false));
        VT_GUARD(put_status(level, l[i].tcb_date, l[i].status, l[i].advisories));
    }
    return 0;
}

/* An identity level list: {"tcb":{"isvsvn":N},"tcbDate":...,"tcbStatus":...}. */
static int put_isv_levels(json_t *o, uint16_t current)
{
    static const char *const old_ids[] = {"INTEL-SA-00615", NULL};
    json_t *arr = json_array();
    VT_GUARD(put(o, "tcbLevels", arr));
    for (int i = 0; i < 2; i++) {
        json_t *level = json_object(), *tcb = json_object();
        VT_ENSURE(level && json_array_append_new(arr, level) == 0, VT_E_NOMEM, "sim: json level");
        VT_GUARD(put(level, "tcb", tcb));
        VT_GUARD(put(tcb, "isvsvn", json_integer(i == 0 ? current : current - 2)));
        VT_GUARD(put_status(level, i == 0 ? "2024-11-13T00:00:00Z" : "2023-08-09T00:00:00Z",
                            i == 0 ? VT_TCB_UP_TO_DATE : VT_TCB_OUT_OF_DATE,
                            i == 0 ? NULL : old_ids));
    }
    return 0;
}

static int put_tdx_module(json_t *body)
{
    json_t *m = json_object(), *ids = json_array(), *id = json_object();
    VT_GUARD(put(body, "tdxModule", m));
    VT_GUARD(put(m, "mrsigner", json_string(ZERO48)));
    VT_GUARD(put(m, "attributes", json_string("0000000000000000")));
    VT_GUARD(put(m, "attributesMask", json_string("FFFFFFFFFFFFFFFF")));
    VT_GUARD(put(body, "tdxModuleIdentities", ids));
    VT_ENSURE(id && json_array_append_new(ids, id) == 0, VT_E_NOMEM, "sim: json module identity");
    VT_GUARD(put(id, "id", json_string("TDX_01")));
    VT_GUARD(put(id, "mrsigner", json_string(ZERO48)));
    VT_GUARD(put(id, "attributes", json_string("0000000000000000")));
    VT_GUARD(put(id, "attributesMask", json_string("FFFFFFFFFFFFFFFF")));
    return put_isv_levels(id, VT_SIM_TDX_MODULE_MINOR);
}

static int tcb_info_body(const vt_sim_collateral_spec_t *s, json_t *b)
{
    static const uint8_t pce_id[VT_PCE_ID_LEN] = {0};
    VT_GUARD(put(b, "id", json_string(s->tee == VT_TEE_TDX ? "TDX" : "SGX")));
    VT_GUARD(put(b, "version", json_integer(3)));
    VT_GUARD(put(b, "issueDate", date_str(s->issue_date)));
    VT_GUARD(put(b, "nextUpdate", date_str(s->next_update)));
    VT_GUARD(put(b, "fmspc", hex_str(s->fmspc, VT_FMSPC_LEN)));
    VT_GUARD(put(b, "pceId", hex_str(pce_id, sizeof(pce_id))));
    VT_GUARD(put(b, "tcbType", json_integer(0)));
    VT_GUARD(put(b, "tcbEvaluationDataNumber", json_integer(18)));
    if (s->tee == VT_TEE_TDX) VT_GUARD(put_tdx_module(b));
    return put_tcb_levels(b, s->tee);
}

static int qe_identity_body(const vt_sim_collateral_spec_t *s, json_t *b)
{
    bool td = s->tee == VT_TEE_TDX;
    VT_GUARD(put(b, "id", json_string(td ? "TD_QE" : "QE")));
    VT_GUARD(put(b, "version", json_integer(2)));
    VT_GUARD(put(b, "issueDate", date_str(s->issue_date)));
    VT_GUARD(put(b, "nextUpdate", date_str(s->next_update)));
    VT_GUARD(put(b, "tcbEvaluationDataNumber", json_integer(18)));
    VT_GUARD(put(b, "miscselect", json_string("00000000")));
    VT_GUARD(put(b, "miscselectMask", json_string("FFFFFFFF")));
    VT_GUARD(put(b, "attributes", json_string("11000000000000000000000000000000")));
    VT_GUARD(put(b, "attributesMask", json_string("FBFFFFFFFFFFFFFF0000000000000000")));
    VT_GUARD(put(b, "mrsigner",
                 hex_str(td ? vt_sim_td_qe_mrsigner : vt_sim_qe_mrsigner, VT_SGX_MEASUREMENT_LEN)));
    VT_GUARD(put(b, "isvprodid", json_integer(td ? 2 : 1)));
    return put_isv_levels(b, td ? VT_SIM_TD_QE_ISVSVN : VT_SIM_QE_ISVSVN);
}

/* {"<name>":<body>,"signature":"<hex>"} around the exact signed bytes. */
static int envelope(const char *name, const char *body, EVP_PKEY *key, vt_sim_buf_t *out)
{
    uint8_t sig[VT_ECDSA_SIG_LEN];
    char hex[2 * VT_ECDSA_SIG_LEN + 1];
    char *text = NULL;
    size_t body_len = strlen(body);

    VT_GUARD(vt_sim_sign(key, (const uint8_t *)body, body_len, sig));
    vt_hex_encode(sig, sizeof(sig), hex);
    size_t cap = body_len + strlen(name) + sizeof(hex) + 32;
    text = malloc(cap);
    VT_ENSURE(text != NULL, VT_E_NOMEM, "sim: envelope");
    int n = snprintf(text, cap, "{\"%s\":%s,\"signature\":\"%s\"}", name, body, hex);
    int rc = n > 0 && (size_t)n < cap ? vt_sim_buf_set(out, text, (size_t)n) : VT_E_INTERNAL;
    free(text);
    VT_ENSURE(rc == 0 || rc == VT_E_NOMEM, VT_E_INTERNAL, "sim: envelope size");
    return rc;
}

static int sign_doc(const vt_sim_collateral_spec_t *s, EVP_PKEY *key, const char *name,
                    int (*fill)(const vt_sim_collateral_spec_t *, json_t *), vt_sim_buf_t *out)
{
    int rc = VT_E_INTERNAL;
    json_t *body = json_object();
    char *text = NULL;

    VT_TRY_ENSURE(body != NULL, VT_E_NOMEM, "sim: json object");
    VT_TRY(fill(s, body));
    text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
    VT_TRY_ENSURE(text != NULL, VT_E_NOMEM, "sim: json encoding");
    VT_TRY(envelope(name, text, key, out));
    rc = 0;
out:
    free(text);
    json_decref(body);
    return rc;
}

int vt_sim_tcb_info_sign(const vt_sim_collateral_spec_t *s, EVP_PKEY *key, vt_sim_buf_t *out)
{
    return sign_doc(s, key, "tcbInfo", tcb_info_body, out);
}

int vt_sim_qe_identity_sign(const vt_sim_collateral_spec_t *s, EVP_PKEY *key, vt_sim_buf_t *out)
{
    return sign_doc(s, key, "enclaveIdentity", qe_identity_body, out);
}
