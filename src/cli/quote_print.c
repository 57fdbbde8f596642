/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Human-readable output of a quote (`veritee quote dump`): every field, grouped by the
 * structure it belongs to (docs/specs/dcap.md §1-2), as aligned "name: value" lines.
 * Names are the JSON keys of `--json`, so a reader can move between the two.
 */
#include <openssl/crypto.h>
#include <openssl/x509.h>
#include <stdarg.h>
#include <string.h>

#include "common/ossl.h"
#include "cli.h"
#include "quote_info.h"

#define INDENT 2
#define WIDTH  24

void vt_cli_field(FILE *f, int indent, int width, const char *name, const char *fmt, ...)
{
    char value[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    int pad = width - (int)strlen(name) - 1;
    fprintf(f, "%*s%s:%*s ", indent, "", name, pad > 0 ? pad : 0, "");
    vt_cli_put_escaped(f, value); /* values may carry text from the quote (certificate names) */
    fputc('\n', f);
}

void vt_cli_field_hex(FILE *f, int indent, int width, const char *name, const uint8_t *p, size_t n)
{
    char hex[2 * 256 + 1];
    size_t shown = n > 256 ? 256 : n; /* fixed fields are smaller; only qe_auth_data can be cut */
    vt_hex_encode(p, shown, hex);
    vt_cli_field(f, indent, width, name, "%s%s", n ? hex : "(empty)",
                 shown < n ? " ... (first 256 bytes)" : "");
}

static void section(FILE *f, bool color, const char *title)
{
    fprintf(f, "\n%s%s%s\n", vt_cli_color_on(color, VT_CLI_BOLD), title, vt_cli_color_off(color));
}

#define FIELD(name, ...) vt_cli_field(f, INDENT, WIDTH, name, __VA_ARGS__)
#define HEX(name, p, n)  vt_cli_field_hex(f, INDENT, WIDTH, name, p, n)

static void print_flags(FILE *f, const char *name, const uint8_t *p, size_t n,
                        const vt_cli_flag_t *table)
{
    char hex[2 * 16 + 1];
    char names[512];
    vt_hex_encode(p, n, hex);
    vt_cli_flags_text(vt_cli_le64(p), table, names, sizeof(names));
    FIELD(name, "%s (%s)", hex, names);
}

/* An SGX report body: the ISV enclave's, or the quoting enclave's. */
static void print_sgx_body(FILE *f, const vt_sgx_report_body_t *b)
{
    uint8_t misc[4] = {(uint8_t)b->misc_select, (uint8_t)(b->misc_select >> 8),
                       (uint8_t)(b->misc_select >> 16), (uint8_t)(b->misc_select >> 24)};
    HEX("cpusvn", b->cpu_svn, sizeof(b->cpu_svn));
    HEX("miscselect", misc, sizeof(misc));
    HEX("isv_ext_prod_id", b->isv_ext_prod_id, sizeof(b->isv_ext_prod_id));
    HEX("attributes", b->attributes, sizeof(b->attributes));
    print_flags(f, "attributes.flags", b->attributes, 8, vt_cli_sgx_attr_flags);
    print_flags(f, "attributes.xfrm", b->attributes + 8, 8, vt_cli_xfrm_flags);
    HEX("mrenclave", b->mr_enclave, sizeof(b->mr_enclave));
    HEX("mrsigner", b->mr_signer, sizeof(b->mr_signer));
    HEX("config_id", b->config_id, sizeof(b->config_id));
    FIELD("isvprodid", "%u", b->isv_prod_id);
    FIELD("isvsvn", "%u", b->isv_svn);
    FIELD("config_svn", "%u", b->config_svn);
    HEX("isv_family_id", b->isv_family_id, sizeof(b->isv_family_id));
    HEX("report_data", b->report_data, sizeof(b->report_data));
}

static void print_td_body(FILE *f, const vt_td_report_body_t *b, bool is_td15)
{
    HEX("tee_tcb_svn", b->tee_tcb_svn, sizeof(b->tee_tcb_svn));
    HEX("mrseam", b->mr_seam, sizeof(b->mr_seam));
    HEX("mrsignerseam", b->mr_signer_seam, sizeof(b->mr_signer_seam));
    HEX("seamattributes", b->seam_attributes, sizeof(b->seam_attributes));
    print_flags(f, "tdattributes", b->td_attributes, 8, vt_cli_td_attr_flags);
    print_flags(f, "xfam", b->xfam, 8, vt_cli_xfrm_flags);
    HEX("mrtd", b->mr_td, sizeof(b->mr_td));
    HEX("mrconfigid", b->mr_config_id, sizeof(b->mr_config_id));
    HEX("mrowner", b->mr_owner, sizeof(b->mr_owner));
    HEX("mrownerconfig", b->mr_owner_config, sizeof(b->mr_owner_config));
    for (int i = 0; i < 4; i++) {
        char name[8];
        snprintf(name, sizeof(name), "rtmr%d", i);
        HEX(name, b->rtmr[i], sizeof(b->rtmr[i]));
    }
    HEX("report_data", b->report_data, sizeof(b->report_data));
    if (is_td15) {
        HEX("tee_tcb_svn2", b->tee_tcb_svn2, sizeof(b->tee_tcb_svn2));
        HEX("mrservicetd", b->mr_servicetd, sizeof(b->mr_servicetd));
    }
}

static void print_header(FILE *f, const vt_cli_quote_t *cq)
{
    const vt_quote_header_t *h = &cq->q.header;
    bool intel = CRYPTO_memcmp(h->qe_vendor_id, vt_intel_qe_vendor_id, 16) == 0;
    char vendor[40];
    vt_hex_encode(h->qe_vendor_id, 16, vendor);
    FIELD("size", "%zu bytes", cq->len);
    FIELD("version", "%u", h->version);
    FIELD("att_key_type", "%u%s", h->att_key_type,
          h->att_key_type == VT_QUOTE_ATT_KEY_ECDSA_P256 ? " (ECDSA-256-with-P-256)" : "");
    FIELD("tee_type", "0x%08x (%s)", h->tee_type, vt_cli_tee_name(cq->q.tee));
    FIELD("qe_svn", "%u", h->qe_svn);
    FIELD("pce_svn", "%u", h->pce_svn);
    FIELD("qe_vendor_id", "%s%s", vendor, intel ? " (Intel)" : "");
    HEX("user_data", h->user_data, sizeof(h->user_data));
    FIELD("body_type", "%s (%s)", vt_cli_body_type_name(cq->q.body_type),
          vt_cli_body_type_text(cq->q.body_type));
}

static void print_cert(FILE *f, int i, X509 *x)
{
    char subject[256] = "";
    char issuer[256] = "";
    char nb[VT_TIME_TEXT_LEN] = "?";
    char na[VT_TIME_TEXT_LEN] = "?";
    char name[24];
    vt_time_t t;

    vt_x509_name_cn(X509_get_subject_name(x), subject, sizeof(subject));
    vt_x509_name_cn(X509_get_issuer_name(x), issuer, sizeof(issuer));
    if (vt_asn1_time_to_time(X509_get0_notBefore(x), &t) == 0) vt_time_format(t, nb);
    if (vt_asn1_time_to_time(X509_get0_notAfter(x), &t) == 0) vt_time_format(t, na);
    snprintf(name, sizeof(name), "pck_chain[%d]", i);
    FIELD(name, "%s (issuer %s; valid %s to %s)", subject, issuer, nb, na);
}

static void print_pck(FILE *f, bool color, const vt_cli_quote_t *cq)
{
    const vt_pck_ext_t *p = &cq->pck;
    char svns[16 * 4 + 1] = "";
    size_t used = 0;

    section(f, color, "pck certificate extension");
    if (!cq->has_pck) {
        FIELD("status", "not available: %s", cq->pck_note);
        return;
    }
    for (int i = 0; i < VT_PCK_TCB_COMPONENTS; i++)
        used += (size_t)snprintf(svns + used, sizeof(svns) - used, "%s%u", i ? " " : "",
                                 p->comp_svn[i]);
    HEX("fmspc", p->fmspc, sizeof(p->fmspc));
    HEX("pce_id", p->pce_id, sizeof(p->pce_id));
    FIELD("sgx_type", "%s", vt_cli_sgx_type_name(p->sgx_type));
    FIELD("comp_svn", "%s", svns);
    FIELD("pcesvn", "%u", p->pce_svn);
    HEX("cpusvn", p->cpu_svn, sizeof(p->cpu_svn));
    HEX("ppid", p->ppid, sizeof(p->ppid));
    if (p->has_platform_instance_id)
        HEX("platform_instance_id", p->platform_instance_id, sizeof(p->platform_instance_id));
    if (p->has_dynamic_platform)
        FIELD("dynamic_platform", "%s", p->is_dynamic_platform ? "yes" : "no");
    if (p->has_cached_keys) FIELD("cached_keys", "%s", p->is_cached_keys ? "yes" : "no");
    if (p->has_smt_enabled) FIELD("smt_enabled", "%s", p->is_smt_enabled ? "yes" : "no");
}

void vt_cli_print_quote(FILE *f, const vt_cli_quote_t *cq, bool color)
{
    const vt_quote_t *q = &cq->q;

    fprintf(f, "%squote header%s\n", vt_cli_color_on(color, VT_CLI_BOLD), vt_cli_color_off(color));
    print_header(f, cq);
    if (q->body_type == VT_BODY_SGX) {
        section(f, color, "enclave report body");
        print_sgx_body(f, &q->sgx);
    } else {
        section(f, color, "td report body");
        print_td_body(f, &q->td, q->body_type == VT_BODY_TD15);
    }
    section(f, color, "signature data");
    HEX("signature", q->signature, sizeof(q->signature));
    HEX("attest_key", q->attest_key, sizeof(q->attest_key));
    FIELD("outer_cert_type", "%u (%s)", q->outer_cert_type,
          vt_cli_cert_type_text(q->outer_cert_type));
    HEX("qe_report_signature", q->qe_report_signature, sizeof(q->qe_report_signature));
    HEX("qe_auth_data", q->qe_auth_data, q->qe_auth_len);
    FIELD("cert_type", "%u (%s)", q->cert_type, vt_cli_cert_type_text(q->cert_type));
    FIELD("cert_data_len", "%u bytes", q->cert_len);
    for (int i = 0; cq->chain && i < sk_X509_num(cq->chain); i++)
        print_cert(f, i, sk_X509_value(cq->chain, i));
    FIELD("trailing_len", "%zu bytes%s", q->trailing_len,
          q->trailing_len == 0                ? ""
          : vt_cli_quote_trailing_is_zero(cq) ? " (zero padding)"
                                              : " (not zero; ignored: not signed, not read)");

    section(f, color, "quoting enclave report");
    print_sgx_body(f, &q->qe_report);
    print_pck(f, color, cq);
}

void vt_cli_print_measurements(FILE *f, const vt_quote_t *q, int indent, int width)
{
    char names[512];
    if (q->body_type == VT_BODY_SGX) {
        const vt_sgx_report_body_t *b = &q->sgx;
        vt_cli_field_hex(f, indent, width, "mrenclave", b->mr_enclave, sizeof(b->mr_enclave));
        vt_cli_field_hex(f, indent, width, "mrsigner", b->mr_signer, sizeof(b->mr_signer));
        vt_cli_field(f, indent, width, "isvprodid", "%u", b->isv_prod_id);
        vt_cli_field(f, indent, width, "isvsvn", "%u", b->isv_svn);
        vt_cli_flags_text(vt_cli_le64(b->attributes), vt_cli_sgx_attr_flags, names, sizeof(names));
        vt_cli_field(f, indent, width, "attributes", "%s", names);
        vt_cli_field_hex(f, indent, width, "report_data", b->report_data, sizeof(b->report_data));
        return;
    }
    const vt_td_report_body_t *b = &q->td;
    vt_cli_field_hex(f, indent, width, "mrtd", b->mr_td, sizeof(b->mr_td));
    for (int i = 0; i < 4; i++) {
        char name[8];
        snprintf(name, sizeof(name), "rtmr%d", i);
        vt_cli_field_hex(f, indent, width, name, b->rtmr[i], sizeof(b->rtmr[i]));
    }
    vt_cli_field_hex(f, indent, width, "mrseam", b->mr_seam, sizeof(b->mr_seam));
    vt_cli_flags_text(vt_cli_le64(b->td_attributes), vt_cli_td_attr_flags, names, sizeof(names));
    vt_cli_field(f, indent, width, "tdattributes", "%s", names);
    vt_cli_field_hex(f, indent, width, "report_data", b->report_data, sizeof(b->report_data));
}
