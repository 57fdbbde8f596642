/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loading a quote for display, and the small decoding tables the output modules share
 * (attribute flag names, body and certification data types).
 */
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/ossl.h"
#include "cli.h"
#include "quote_info.h"

/* A real chain has 3 certificates; allow a little more before calling it garbage. */
#define PCK_CHAIN_MAX 8

/* SGX ATTRIBUTES.flags (Intel SDM vol. 3D, SECS.ATTRIBUTES). */
const vt_cli_flag_t vt_cli_sgx_attr_flags[] = {
    {0, "INIT"}, {1, "DEBUG"}, {2, "MODE64BIT"},  {4, "PROVISIONKEY"}, {5, "EINITTOKENKEY"},
    {6, "CET"},  {7, "KSS"},   {10, "AEXNOTIFY"}, {0, NULL},
};

/* TDATTRIBUTES (Intel TDX module ABI specification, TD parameters). */
const vt_cli_flag_t vt_cli_td_attr_flags[] = {
    {0, "DEBUG"}, {27, "LASS"}, {28, "SEPT_VE_DISABLE"}, {29, "MIGRATABLE"},
    {30, "PKS"},  {31, "KL"},   {63, "PERFMON"},         {0, NULL},
};

/* XCR0 state components, the meaning of XFRM and XFAM bits. */
const vt_cli_flag_t vt_cli_xfrm_flags[] = {
    {0, "X87"},
    {1, "SSE"},
    {2, "AVX"},
    {3, "MPX_BNDREGS"},
    {4, "MPX_BNDCSR"},
    {5, "AVX512_OPMASK"},
    {6, "AVX512_ZMM_HI256"},
    {7, "AVX512_HI16_ZMM"},
    {8, "PT"},
    {9, "PKRU"},
    {10, "PASID"},
    {11, "CET_U"},
    {12, "CET_S"},
    {13, "HDC"},
    {14, "UINTR"},
    {15, "LBR"},
    {16, "HWP"},
    {17, "AMX_TILECFG"},
    {18, "AMX_TILEDATA"},
    {19, "APX"},
    {0, NULL},
};

static const char *flag_name(unsigned bit, const vt_cli_flag_t *table, char *tmp, size_t cap)
{
    for (const vt_cli_flag_t *f = table; f->name; f++)
        if (f->bit == bit) return f->name;
    snprintf(tmp, cap, "BIT%u", bit);
    return tmp;
}

void vt_cli_flags_text(uint64_t v, const vt_cli_flag_t *table, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    if (v == 0) {
        snprintf(out, cap, "none");
        return;
    }
    for (unsigned bit = 0; bit < 64; bit++) {
        if (!(v >> bit & 1)) continue;
        char tmp[16];
        int n = snprintf(out + used, cap - used, "%s%s", used ? ", " : "",
                         flag_name(bit, table, tmp, sizeof(tmp)));
        if (n < 0 || (size_t)n >= cap - used) break;
        used += (size_t)n;
    }
}

json_t *vt_cli_flags_json(uint64_t v, const vt_cli_flag_t *table)
{
    json_t *a = json_array();
    for (unsigned bit = 0; a && bit < 64; bit++) {
        if (!(v >> bit & 1)) continue;
        char tmp[16];
        json_array_append_new(a, json_string(flag_name(bit, table, tmp, sizeof(tmp))));
    }
    return a;
}

uint64_t vt_cli_le64(const uint8_t b[8])
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | b[i];
    return v;
}

const char *vt_cli_tee_name(vt_tee_t tee)
{
    switch (tee) {
    case VT_TEE_SGX:
        return "sgx";
    case VT_TEE_TDX:
        return "tdx";
    }
    return "unknown";
}

const char *vt_cli_body_type_name(vt_body_type_t t)
{
    switch (t) {
    case VT_BODY_SGX:
        return "sgx";
    case VT_BODY_TD10:
        return "td10";
    case VT_BODY_TD15:
        return "td15";
    }
    return "unknown";
}

const char *vt_cli_body_type_text(vt_body_type_t t)
{
    switch (t) {
    case VT_BODY_SGX:
        return "SGX enclave report, 384 bytes";
    case VT_BODY_TD10:
        return "TD report 1.0, 584 bytes";
    case VT_BODY_TD15:
        return "TD report 1.5, 648 bytes";
    }
    return "unknown";
}

const char *vt_cli_cert_type_text(unsigned t)
{
    switch (t) {
    case VT_CERT_PPID_CLEARTEXT:
        return "PPID in clear text";
    case VT_CERT_PPID_RSA2048:
        return "PPID encrypted with RSA-2048-OAEP";
    case VT_CERT_PPID_RSA3072:
        return "PPID encrypted with RSA-3072-OAEP";
    case VT_CERT_PCK_LEAF:
        return "PCK leaf certificate";
    case VT_CERT_PCK_CHAIN:
        return "PCK certificate chain";
    case VT_CERT_QE_REPORT:
        return "QE report certification data";
    }
    return "unknown";
}

const char *vt_cli_sgx_type_name(vt_sgx_type_t t)
{
    switch (t) {
    case VT_SGX_TYPE_STANDARD:
        return "Standard";
    case VT_SGX_TYPE_SCALABLE:
        return "Scalable";
    case VT_SGX_TYPE_SCALABLE_WITH_INTEGRITY:
        return "ScalableWithIntegrity";
    }
    return "unknown";
}

/* Reads the certification data's chain and the leaf's SGX extension, noting failures. */
static void load_pck(vt_cli_quote_t *q)
{
    const vt_quote_t *p = &q->q;
    int rc;

    if (p->cert_type == VT_CERT_PCK_CHAIN) {
        rc = vt_x509_chain_parse_pem(p->cert_data, p->cert_len, PCK_CHAIN_MAX, &q->chain);
    } else if (p->cert_type == VT_CERT_PCK_LEAF) {
        X509 *leaf = NULL;
        rc = vt_x509_parse(p->cert_data, p->cert_len, &leaf);
        if (rc == 0) {
            q->chain = sk_X509_new_null();
            if (q->chain == NULL || sk_X509_push(q->chain, leaf) <= 0) {
                X509_free(leaf);
                rc = vt_error_set(VT_E_NOMEM, __FILE__, __LINE__, "out of memory");
            }
        }
    } else {
        snprintf(q->pck_note, sizeof(q->pck_note),
                 "certification data type %u has no PCK certificate", p->cert_type);
        return;
    }
    if (rc < 0 || q->chain == NULL || sk_X509_num(q->chain) < 1) {
        snprintf(q->pck_note, sizeof(q->pck_note), "pck chain: %s",
                 rc < 0 ? vt_last_error() : "empty");
        return;
    }
    unsigned char *der = NULL;
    int der_len = i2d_X509(sk_X509_value(q->chain, 0), &der);
    if (der_len <= 0) {
        snprintf(q->pck_note, sizeof(q->pck_note), "pck certificate: cannot encode");
        return;
    }
    rc = vt_pck_ext_from_cert_der(der, (size_t)der_len, &q->pck);
    OPENSSL_free(der);
    if (rc < 0) {
        snprintf(q->pck_note, sizeof(q->pck_note), "pck extension: %s", vt_last_error());
        return;
    }
    q->has_pck = true;
}

int vt_cli_quote_load(const char *path, vt_cli_quote_t *out)
{
    int rc = VT_E_INTERNAL;
    vt_cli_quote_t q = {0};

    /* A read error's detail names the file already; a parse error's does not. */
    VT_TRY(vt_cli_read_file(path, VT_QUOTE_MAX, &q.buf, &q.len));
    /* Like the verifier (and Intel's QVL), ignore bytes after the signature data: real
     * quotes arrive in padded buffers. The dump shows how many there were. */
    rc = vt_quote_parse_ex(q.buf, q.len, VT_QUOTE_PARSE_ANY_TRAILING, &q.q);
    if (rc < 0) {
        char quoted[VT_CLI_QUOTED_LEN];
        rc = vt_error_wrap(rc, "%s", vt_cli_quote_arg(path, quoted));
        goto out;
    }
    load_pck(&q);
    *out = q;
    q = (vt_cli_quote_t){0};
    rc = 0;
out:
    vt_cli_quote_cleanup(&q);
    return rc;
}

bool vt_cli_quote_trailing_is_zero(const vt_cli_quote_t *q)
{
    for (size_t i = q->len - q->q.trailing_len; i < q->len; i++)
        if (q->buf[i] != 0) return false;
    return true;
}

void vt_cli_quote_cleanup(vt_cli_quote_t *q)
{
    if (q == NULL) return;
    if (q->chain) sk_X509_pop_free(q->chain, X509_free);
    free(q->buf);
    *q = (vt_cli_quote_t){0};
}
