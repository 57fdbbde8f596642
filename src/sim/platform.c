/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The platform store: private/platforms/<i>/ of a platform directory (layout in
 * veritee/sim.h). Saving writes every file atomically with mode 0600 in 0700
 * directories. Loading trusts the PCK certificate as the source of the SGX extension
 * values (PPID, SVNs, FMSPC); platform.json adds what the certificate does not carry
 * (TEE_TCB_SVN, QE SVNs) and, for people, repeats the rest.
 */
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/file.h"
#include "common/ossl.h"
#include "sim/sim_internal.h"

#define PLATFORM_JSON_MAX (16 * 1024)
#define KEY_PEM_MAX       (16 * 1024)

static int write_private(const char *pdir, const char *name, const uint8_t *data, size_t len)
{
    char path[4096];
    VT_GUARD(vt_sim_path(path, sizeof(path), "%s/%s", pdir, name));
    return vt_file_write_atomic(path, data, len, 0600);
}

static int write_key(const char *pdir, const char *name, EVP_PKEY *key)
{
    vt_sim_buf_t pem = {0};
    int rc = vt_sim_key_pem(key, &pem);
    if (rc == 0) rc = write_private(pdir, name, pem.data, pem.len);
    vt_sim_buf_cleanup(&pem);
    return rc;
}

static json_t *hex_json(const uint8_t *b, size_t n)
{
    char text[2 * 32 + 1];
    vt_hex_encode(b, n, text);
    return json_string(text);
}

static int platform_json(const vt_sim_platform_record_t *r, char **out)
{
    const vt_pck_ext_t *e = r->pck;
    json_t *o = json_pack(
        "{s:I,s:s,s:b,s:o,s:o,s:o,s:i,s:o,s:o,s:i,s:o,s:i,s:i}", "index", (json_int_t)r->index,
        "ca", r->is_platform_ca ? "platform" : "processor", "revoked", r->is_revoked, "ppid",
        hex_json(e->ppid, VT_PPID_LEN), "cpusvn", hex_json(e->cpu_svn, VT_CPUSVN_LEN),
        "tcb_comp_svn", hex_json(e->comp_svn, VT_PCK_TCB_COMPONENTS), "pcesvn", e->pce_svn, "pceid",
        hex_json(e->pce_id, VT_PCE_ID_LEN), "fmspc", hex_json(e->fmspc, VT_FMSPC_LEN), "sgx_type",
        (int)e->sgx_type, "tee_tcb_svn", hex_json(r->tee_tcb_svn, VT_TEE_TCB_SVN_LEN), "qe_isvsvn",
        VT_SIM_QE_ISVSVN, "td_qe_isvsvn", VT_SIM_TD_QE_ISVSVN);
    VT_ENSURE(o != NULL, VT_E_NOMEM, "sim: platform.json");
    *out = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    VT_ENSURE(*out != NULL, VT_E_NOMEM, "sim: platform.json");
    return 0;
}

int vt_sim_platform_save(const char *dir, const vt_sim_platform_record_t *r)
{
    int rc = VT_E_INTERNAL;
    char pdir[4096];
    char *json = NULL;

    VT_TRY(vt_sim_path(pdir, sizeof(pdir), "%s/private/platforms/%zu", dir, r->index));
    VT_TRY(vt_sim_mkdir(pdir, 0700));
    VT_TRY(write_key(pdir, "pck_key.pem", r->pck_key));
    VT_TRY(write_key(pdir, "attestation_key.pem", r->attestation_key));
    VT_TRY(write_private(pdir, "pck_cert.pem", r->chain_pem->data, r->chain_pem->len));
    VT_TRY(write_private(pdir, "platform_secret", r->secret, VT_SIM_SECRET_LEN));
    VT_TRY(platform_json(r, &json));
    VT_TRY(write_private(pdir, "platform.json", (const uint8_t *)json, strlen(json)));
    rc = 0;
out:
    free(json);
    return rc;
}

/* ---- loading ------------------------------------------------------------------------ */

static int read_private(const char *pdir, const char *name, size_t max, vt_sim_buf_t *out)
{
    char path[4096];
    VT_GUARD(vt_sim_path(path, sizeof(path), "%s/%s", pdir, name));
    vt_sim_buf_cleanup(out);
    return vt_file_read(path, max, &out->data, &out->len);
}

static int load_key(const char *pdir, const char *name, EVP_PKEY **out)
{
    vt_sim_buf_t pem = {0};
    int rc = read_private(pdir, name, KEY_PEM_MAX, &pem);
    if (rc == 0) rc = vt_sim_key_from_pem(pem.data, pem.len, out);
    vt_sim_buf_cleanup(&pem);
    return rc;
}

/* The SGX extension of the chain's first certificate. */
static int load_pck_ext(const vt_sim_buf_t *chain, vt_pck_ext_t *out)
{
    int rc = VT_E_INTERNAL;
    STACK_OF(X509) *certs = NULL;
    unsigned char *der = NULL;

    VT_TRY(vt_x509_chain_parse_pem(chain->data, chain->len, 3, &certs));
    VT_TRY_ENSURE(sk_X509_num(certs) == 3, VT_E_MALFORMED,
                  "sim: pck_cert.pem: %d certificates, expected 3", sk_X509_num(certs));
    int n = i2d_X509(sk_X509_value(certs, 0), &der);
    VT_TRY_ENSURE(n > 0, VT_E_CRYPTO, "sim: pck certificate encoding");
    VT_TRY(vt_pck_ext_from_cert_der(der, (size_t)n, out));
    rc = 0;
out:
    OPENSSL_free(der);
    sk_X509_pop_free(certs, X509_free);
    return rc;
}

static int get_uint(json_t *o, const char *key, unsigned max, uint16_t *out)
{
    json_t *v = json_object_get(o, key);
    VT_ENSURE(json_is_integer(v) && json_integer_value(v) >= 0 &&
                  json_integer_value(v) <= (json_int_t)max,
              VT_E_MALFORMED, "sim: platform.json: %s missing or out of range", key);
    *out = (uint16_t)json_integer_value(v);
    return 0;
}

static int load_json(const char *pdir, vt_sim_platform_t *p)
{
    int rc = VT_E_INTERNAL;
    vt_sim_buf_t text = {0};
    json_t *o = NULL;
    json_error_t err;

    VT_TRY(read_private(pdir, "platform.json", PLATFORM_JSON_MAX, &text));
    o = json_loadb((const char *)text.data, text.len, JSON_REJECT_DUPLICATES, &err);
    VT_TRY_ENSURE(json_is_object(o), VT_E_MALFORMED, "sim: platform.json: %s", err.text);
    json_t *svn = json_object_get(o, "tee_tcb_svn");
    VT_TRY_ENSURE(json_is_string(svn), VT_E_MALFORMED, "sim: platform.json: tee_tcb_svn missing");
    VT_TRY(vt_hex_decode(json_string_value(svn), json_string_length(svn), p->tee_tcb_svn,
                         VT_TEE_TCB_SVN_LEN));
    VT_TRY(get_uint(o, "qe_isvsvn", UINT16_MAX, &p->qe_isvsvn));
    VT_TRY(get_uint(o, "td_qe_isvsvn", UINT16_MAX, &p->td_qe_isvsvn));
    p->is_revoked = json_is_true(json_object_get(o, "revoked"));
    p->is_platform_ca = json_is_string(json_object_get(o, "ca")) &&
                        strcmp(json_string_value(json_object_get(o, "ca")), "platform") == 0;
    rc = 0;
out:
    json_decref(o);
    vt_sim_buf_cleanup(&text);
    return rc;
}

static int load_secret(const char *pdir, vt_sim_platform_t *p)
{
    vt_sim_buf_t s = {0};
    int rc = read_private(pdir, "platform_secret", VT_SIM_SECRET_LEN, &s);
    if (rc == 0 && s.len != VT_SIM_SECRET_LEN)
        rc = vt_error_set(VT_E_MALFORMED, __FILE__, __LINE__,
                          "sim: platform_secret: %zu bytes, expected %d", s.len, VT_SIM_SECRET_LEN);
    if (rc == 0) memmove(p->secret, s.data, VT_SIM_SECRET_LEN);
    vt_sim_buf_cleanup(&s);
    return rc;
}

int vt_sim_platform_load(const char *dir, size_t index, vt_sim_platform_t **out)
{
    int rc = VT_E_INTERNAL;
    char pdir[4096];
    vt_sim_platform_t *p = NULL;

    VT_TRY(vt_sim_path(pdir, sizeof(pdir), "%s/private/platforms/%zu", dir, index));
    VT_TRY_ALLOC(p, calloc(1, sizeof(*p)), "platform");
    VT_TRY(load_key(pdir, "pck_key.pem", &p->pck_key));
    VT_TRY(load_key(pdir, "attestation_key.pem", &p->attestation_key));
    VT_TRY(read_private(pdir, "pck_cert.pem", VT_CERT_DATA_MAX, &p->chain_pem));
    VT_TRY(load_pck_ext(&p->chain_pem, &p->pck));
    VT_TRY(load_secret(pdir, p));
    VT_TRY(load_json(pdir, p));
    *out = p;
    p = NULL;
    rc = 0;
out:
    if (rc < 0) rc = vt_error_wrap(rc, "sim: platform %zu", index);
    vt_sim_platform_free(p);
    return rc;
}

void vt_sim_platform_free(vt_sim_platform_t *p)
{
    if (!p) return;
    EVP_PKEY_free(p->pck_key);
    EVP_PKEY_free(p->attestation_key);
    vt_sim_buf_cleanup(&p->chain_pem);
    OPENSSL_cleanse(p, sizeof(*p));
    free(p);
}

void vt_sim_platform_get_pck_ext(const vt_sim_platform_t *p, vt_pck_ext_t *out)
{
    *out = p->pck;
}

void vt_sim_platform_get_tee_tcb_svn(const vt_sim_platform_t *p,
                                     uint8_t out[static VT_TEE_TCB_SVN_LEN])
{
    for (size_t i = 0; i < VT_TEE_TCB_SVN_LEN; i++) out[i] = p->tee_tcb_svn[i];
}
