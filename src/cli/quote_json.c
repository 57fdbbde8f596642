/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON output of a quote (`veritee quote dump --json`) and the measurement and PCK
 * objects that `quote verify --json` reuses. Keys are snake_case, byte strings are
 * lowercase hex in the quote's own byte order (the order Intel's collateral uses for
 * miscselect and attributes), integers are JSON numbers. Every key is in veritee(1).
 */
#include <openssl/crypto.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "common/ossl.h"
#include "cli.h"
#include "quote_info.h"

void vt_cli_json_set(json_t *o, const char *key, json_t *value)
{
    /* json_object_set_new takes the value's reference even when it fails. */
    if (o)
        json_object_set_new(o, key, value);
    else
        json_decref(value);
}

json_t *vt_cli_json_text(const char *s)
{
    json_t *j = json_string(s);
    if (j != NULL) return j;
    /* Not UTF-8 (a hostile certificate name or file name): keep it readable and valid. */
    char *copy = strdup(s);
    if (copy == NULL) return NULL;
    for (unsigned char *p = (unsigned char *)copy; *p; p++)
        if (*p >= 0x80) *p = '?';
    j = json_string(copy);
    free(copy);
    return j;
}

json_t *vt_cli_hex_json(const uint8_t *p, size_t n)
{
    char *hex = malloc(2 * n + 1);
    if (hex == NULL) return NULL;
    vt_hex_encode(p, n, hex);
    json_t *s = json_string(hex);
    free(hex);
    return s;
}

#define SET(o, k, v)     vt_cli_json_set(o, k, v)
#define HEX(o, k, field) vt_cli_json_set(o, k, vt_cli_hex_json(field, sizeof(field)))

static json_t *sgx_body_json(const vt_sgx_report_body_t *b)
{
    json_t *o = json_object();
    uint8_t misc[4] = {(uint8_t)b->misc_select, (uint8_t)(b->misc_select >> 8),
                       (uint8_t)(b->misc_select >> 16), (uint8_t)(b->misc_select >> 24)};
    HEX(o, "mrenclave", b->mr_enclave);
    HEX(o, "mrsigner", b->mr_signer);
    SET(o, "isvprodid", json_integer(b->isv_prod_id));
    SET(o, "isvsvn", json_integer(b->isv_svn));
    HEX(o, "attributes", b->attributes);
    SET(o, "attributes_flags",
        vt_cli_flags_json(vt_cli_le64(b->attributes), vt_cli_sgx_attr_flags));
    SET(o, "xfrm_flags", vt_cli_flags_json(vt_cli_le64(b->attributes + 8), vt_cli_xfrm_flags));
    HEX(o, "report_data", b->report_data);
    HEX(o, "cpusvn", b->cpu_svn);
    HEX(o, "miscselect", misc);
    HEX(o, "config_id", b->config_id);
    SET(o, "config_svn", json_integer(b->config_svn));
    HEX(o, "isv_ext_prod_id", b->isv_ext_prod_id);
    HEX(o, "isv_family_id", b->isv_family_id);
    return o;
}

static json_t *td_body_json(const vt_td_report_body_t *b, bool is_td15)
{
    json_t *o = json_object();
    HEX(o, "mrtd", b->mr_td);
    for (int i = 0; i < 4; i++) {
        char name[8];
        snprintf(name, sizeof(name), "rtmr%d", i);
        HEX(o, name, b->rtmr[i]);
    }
    HEX(o, "mrseam", b->mr_seam);
    HEX(o, "mrsignerseam", b->mr_signer_seam);
    HEX(o, "mrconfigid", b->mr_config_id);
    HEX(o, "mrowner", b->mr_owner);
    HEX(o, "mrownerconfig", b->mr_owner_config);
    HEX(o, "tdattributes", b->td_attributes);
    SET(o, "tdattributes_flags",
        vt_cli_flags_json(vt_cli_le64(b->td_attributes), vt_cli_td_attr_flags));
    HEX(o, "xfam", b->xfam);
    SET(o, "xfam_flags", vt_cli_flags_json(vt_cli_le64(b->xfam), vt_cli_xfrm_flags));
    HEX(o, "seamattributes", b->seam_attributes);
    HEX(o, "tee_tcb_svn", b->tee_tcb_svn);
    HEX(o, "report_data", b->report_data);
    if (is_td15) {
        HEX(o, "tee_tcb_svn2", b->tee_tcb_svn2);
        HEX(o, "mrservicetd", b->mr_servicetd);
    }
    return o;
}

json_t *vt_cli_measurements_json(const vt_quote_t *q)
{
    if (q->body_type == VT_BODY_SGX) return sgx_body_json(&q->sgx);
    return td_body_json(&q->td, q->body_type == VT_BODY_TD15);
}

json_t *vt_cli_pck_json(const vt_pck_ext_t *p)
{
    json_t *o = json_object();
    json_t *svns = json_array();
    for (int i = 0; svns && i < VT_PCK_TCB_COMPONENTS; i++)
        json_array_append_new(svns, json_integer(p->comp_svn[i]));
    HEX(o, "fmspc", p->fmspc);
    HEX(o, "pce_id", p->pce_id);
    SET(o, "sgx_type", json_string(vt_cli_sgx_type_name(p->sgx_type)));
    SET(o, "comp_svn", svns);
    SET(o, "pcesvn", json_integer(p->pce_svn));
    HEX(o, "cpusvn", p->cpu_svn);
    HEX(o, "ppid", p->ppid);
    if (p->has_platform_instance_id) HEX(o, "platform_instance_id", p->platform_instance_id);
    if (p->has_dynamic_platform) SET(o, "dynamic_platform", json_boolean(p->is_dynamic_platform));
    if (p->has_cached_keys) SET(o, "cached_keys", json_boolean(p->is_cached_keys));
    if (p->has_smt_enabled) SET(o, "smt_enabled", json_boolean(p->is_smt_enabled));
    return o;
}

static json_t *time_json(const ASN1_TIME *at)
{
    vt_time_t t;
    char text[VT_TIME_TEXT_LEN];
    if (vt_asn1_time_to_time(at, &t) != 0) return json_null();
    vt_time_format(t, text);
    return json_string(text);
}

static json_t *cert_json(X509 *x)
{
    json_t *o = json_object();
    char name[256];
    vt_x509_name_cn(X509_get_subject_name(x), name, sizeof(name));
    SET(o, "subject_cn", vt_cli_json_text(name));
    vt_x509_name_cn(X509_get_issuer_name(x), name, sizeof(name));
    SET(o, "issuer_cn", vt_cli_json_text(name));
    SET(o, "not_before", time_json(X509_get0_notBefore(x)));
    SET(o, "not_after", time_json(X509_get0_notAfter(x)));
    return o;
}

static json_t *header_json(const vt_quote_header_t *h)
{
    json_t *o = json_object();
    SET(o, "version", json_integer(h->version));
    SET(o, "att_key_type", json_integer(h->att_key_type));
    SET(o, "tee_type", json_integer(h->tee_type));
    SET(o, "qe_svn", json_integer(h->qe_svn));
    SET(o, "pce_svn", json_integer(h->pce_svn));
    HEX(o, "qe_vendor_id", h->qe_vendor_id);
    SET(o, "qe_vendor_is_intel",
        json_boolean(CRYPTO_memcmp(h->qe_vendor_id, vt_intel_qe_vendor_id, 16) == 0));
    HEX(o, "user_data", h->user_data);
    return o;
}

static json_t *signature_json(const vt_cli_quote_t *cq)
{
    const vt_quote_t *q = &cq->q;
    json_t *o = json_object();
    json_t *chain = json_array();
    HEX(o, "signature", q->signature);
    HEX(o, "attest_key", q->attest_key);
    SET(o, "outer_cert_type", json_integer(q->outer_cert_type));
    SET(o, "qe_report", sgx_body_json(&q->qe_report));
    HEX(o, "qe_report_signature", q->qe_report_signature);
    SET(o, "qe_auth_data", vt_cli_hex_json(q->qe_auth_data, q->qe_auth_len));
    SET(o, "cert_type", json_integer(q->cert_type));
    SET(o, "cert_data_len", json_integer(q->cert_len));
    for (int i = 0; chain && cq->chain && i < sk_X509_num(cq->chain); i++)
        json_array_append_new(chain, cert_json(sk_X509_value(cq->chain, i)));
    SET(o, "pck_chain", chain);
    return o;
}

json_t *vt_cli_quote_json(const vt_cli_quote_t *cq)
{
    const vt_quote_t *q = &cq->q;
    json_t *o = json_object();
    SET(o, "size", json_integer((json_int_t)cq->len));
    SET(o, "tee", json_string(vt_cli_tee_name(q->tee)));
    SET(o, "version", json_integer(q->header.version));
    SET(o, "body_type", json_string(vt_cli_body_type_name(q->body_type)));
    SET(o, "header", header_json(&q->header));
    SET(o, "body", vt_cli_measurements_json(q));
    SET(o, "signature_data", signature_json(cq));
    SET(o, "pck_extension", cq->has_pck ? vt_cli_pck_json(&cq->pck) : json_null());
    if (!cq->has_pck) SET(o, "pck_extension_error", vt_cli_json_text(cq->pck_note));
    SET(o, "trailing_len", json_integer((json_int_t)q->trailing_len));
    SET(o, "trailing_is_zero", json_boolean(vt_cli_quote_trailing_is_zero(cq)));
    return o;
}

int vt_cli_json_print(json_t *j)
{
    if (j == NULL) return VT_E_NOMEM;
    if (json_dumpf(j, stdout, JSON_INDENT(2)) != 0) return VT_E_IO;
    fputc('\n', stdout);
    return 0;
}
