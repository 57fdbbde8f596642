/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loads bundle directories for veritee-pccs (see bundle_index.h and veritee-pccs(8),
 * FILES). TCB info and QE identity are parsed with the collateral layer only to learn
 * where they belong (TEE, FMSPC, QE or TD_QE); they are served byte for byte. CRLs are
 * parsed so they can be served as DER or PEM and routed by their issuer's CN.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "bundle_index.h"
#include "common/cursor.h"
#include "common/error.h"
#include "common/file.h"
#include "common/ossl.h"

#define PATH_MAX_LEN 4096
#define TCB_MAX      4096 /* TCB info documents over all bundles */

static const char *const ca_names[VT_CA_COUNT] = {"processor", "platform"};

const char *vt_bundle_index_ca_name(int ca)
{
    return ca >= 0 && ca < VT_CA_COUNT ? ca_names[ca] : "";
}

/* Names the file in the detail of a failure; passes success through untouched. */
static int wrap_file(int rc, const char *dir, const char *name)
{
    return rc < 0 ? vt_error_wrap(rc, "bundle: %s/%s", dir, name) : rc;
}

static void blob_free(vt_blob_t *b)
{
    free(b->data);
    *b = (vt_blob_t){0};
}

/* Reads dir/name into *out; *is_present is false (and 0 returned) if it does not exist. */
static int read_file(const char *dir, const char *name, size_t max, vt_blob_t *out,
                     bool *is_present)
{
    char path[PATH_MAX_LEN];
    int n = snprintf(path, sizeof(path), "%s/%s", dir, name);
    VT_ENSURE(n > 0 && (size_t)n < sizeof(path), VT_E_INVALID_ARG, "bundle: path too long: %s",
              dir);
    int rc = vt_file_read(path, max, &out->data, &out->len);
    *is_present = rc != VT_E_NOT_FOUND;
    if (rc == VT_E_NOT_FOUND) {
        vt_error_clear();
        return 0;
    }
    return rc < 0 ? vt_error_wrap(rc, "bundle: %s", path) : 0;
}

/* Reads a required or optional PEM chain and stores it URL-encoded (as Intel's headers). */
static int read_chain(const char *dir, const char *name, bool is_required, vt_blob_t *out)
{
    int rc = VT_E_INTERNAL;
    vt_blob_t pem = {0};
    bool is_present = false;

    VT_TRY(read_file(dir, name, VT_COLLATERAL_PEM_MAX, &pem, &is_present));
    VT_TRY_ENSURE(is_present || !is_required, VT_E_NOT_FOUND, "bundle: %s/%s is missing", dir,
                  name);
    if (is_present) {
        char *enc = evhttp_uriencode((const char *)pem.data, (ev_ssize_t)pem.len, 0);
        VT_TRY_ENSURE(enc != NULL, VT_E_NOMEM, "bundle: cannot URL-encode %s/%s", dir, name);
        *out = (vt_blob_t){.data = (uint8_t *)enc, .len = strlen(enc)};
    }
    rc = 0;
out:
    blob_free(&pem);
    return rc;
}

/* Picks the chain file: "<prefix>_issuer_chain.pem" if present, else fallback. */
static int read_chain_pref(const char *dir, const char *pref, const char *fallback, vt_blob_t *out)
{
    VT_GUARD(read_chain(dir, pref, false, out));
    if (out->data != NULL) return 0;
    return read_chain(dir, fallback, true, out);
}

static int add_tcb(vt_bundle_index_t *idx, const char *dir, const char *name,
                   const char *chain_name)
{
    int rc = VT_E_INTERNAL;
    vt_tcb_entry_t e = {0};
    vt_tcb_info_t *info = NULL;
    bool is_present = false;

    VT_TRY(read_file(dir, name, VT_COLLATERAL_JSON_MAX, &e.json, &is_present));
    if (!is_present) {
        rc = 0;
        goto out;
    }
    VT_TRY(wrap_file(vt_tcb_info_parse(e.json.data, e.json.len, &info), dir, name));
    e.tee = info->tee;
    for (size_t i = 0; i < VT_FMSPC_LEN; i++) e.fmspc[i] = info->fmspc[i];
    VT_TRY_ENSURE(vt_bundle_index_get_tcb(idx, e.tee, e.fmspc) == NULL, VT_E_INVALID_ARG,
                  "bundle: %s/%s repeats a TCB info already loaded for this TEE and FMSPC", dir,
                  name);
    VT_TRY_ENSURE(idx->tcb_count < TCB_MAX, VT_E_TOO_LARGE, "bundle: more than %d TCB infos",
                  TCB_MAX);
    VT_TRY(read_chain_pref(dir, chain_name, "tcb_info_issuer_chain.pem", &e.chain));
    vt_tcb_entry_t *grown = realloc(idx->tcbs, (idx->tcb_count + 1) * sizeof(*grown));
    VT_TRY_ENSURE(grown != NULL, VT_E_NOMEM, "bundle: out of memory");
    idx->tcbs = grown;
    idx->tcbs[idx->tcb_count++] = e;
    e = (vt_tcb_entry_t){0};
    rc = 0;
out:
    vt_tcb_info_free(info);
    blob_free(&e.json);
    blob_free(&e.chain);
    return rc;
}

static int add_qe(vt_bundle_index_t *idx, const char *dir, const char *name, const char *chain_name)
{
    int rc = VT_E_INTERNAL;
    vt_blob_t json = {0};
    vt_qe_identity_t *qe = NULL;
    bool is_present = false;

    VT_TRY(read_file(dir, name, VT_COLLATERAL_JSON_MAX, &json, &is_present));
    if (!is_present) {
        rc = 0;
        goto out;
    }
    VT_TRY(wrap_file(vt_qe_identity_parse(json.data, json.len, &qe), dir, name));
    VT_TRY_ENSURE(qe->id == VT_QE_ID_QE || qe->id == VT_QE_ID_TD_QE, VT_E_UNSUPPORTED,
                  "bundle: %s/%s is not a QE or TD_QE identity", dir, name);
    int slot = qe->id == VT_QE_ID_QE ? VT_SLOT_SGX : VT_SLOT_TDX;
    if (idx->qe[slot].data == NULL) {
        VT_TRY(
            read_chain_pref(dir, chain_name, "qe_identity_issuer_chain.pem", &idx->qe_chain[slot]));
        idx->qe[slot] = json;
        json = (vt_blob_t){0};
    }
    rc = 0;
out:
    vt_qe_identity_free(qe);
    blob_free(&json);
    return rc;
}

/* Serves a CRL as found if it is DER, else its DER re-encoding; and its PEM text. */
static int crl_encode(X509_CRL *crl, vt_blob_t *file, vt_blob_t *der, vt_blob_t *pem)
{
    int rc = VT_E_INTERNAL;
    BIO *bio = NULL;
    char *p = NULL;

    if (file->len > 0 && file->data[0] == 0x30) {
        *der = *file;
        *file = (vt_blob_t){0};
    } else {
        unsigned char *d = NULL;
        int n = i2d_X509_CRL(crl, &d);
        VT_TRY_ENSURE(n > 0, VT_E_CRYPTO, "bundle: cannot DER-encode a CRL");
        *der = (vt_blob_t){.data = d, .len = (size_t)n};
    }
    VT_TRY_ALLOC(bio, BIO_new(BIO_s_mem()), "BIO");
    VT_TRY_OSSL(PEM_write_bio_X509_CRL(bio, crl), VT_E_CRYPTO, "bundle: cannot PEM-encode a CRL");
    long n = BIO_get_mem_data(bio, &p);
    VT_TRY_ENSURE(n > 0, VT_E_CRYPTO, "bundle: empty PEM CRL");
    VT_TRY_ALLOC(pem->data, malloc((size_t)n + 1), "PEM CRL");
    vt_writer_t w;
    vt_writer_init(&w, pem->data, (size_t)n + 1);
    VT_TRY(vt_writer_bytes(&w, (const uint8_t *)p, (size_t)n));
    pem->data[n] = '\0';
    pem->len = (size_t)n;
    rc = 0;
out:
    BIO_free(bio);
    return rc;
}

/* ca < 0: route pck_crl.der by its issuer CN ("... Processor CA" / "... Platform CA"). */
static int add_crl(vt_bundle_index_t *idx, const char *dir, const char *name, int ca,
                   const char *chain_name)
{
    int rc = VT_E_INTERNAL;
    vt_blob_t file = {0};
    X509_CRL *crl = NULL;
    bool is_present = false;
    char cn[128];

    VT_TRY(read_file(dir, name, VT_COLLATERAL_CRL_MAX, &file, &is_present));
    if (!is_present) {
        rc = 0;
        goto out;
    }
    VT_TRY(wrap_file(vt_crl_parse(file.data, file.len, &crl), dir, name));
    if (ca < 0) {
        vt_x509_name_cn(X509_CRL_get_issuer(crl), cn, sizeof(cn));
        ca = strstr(cn, "Processor") != NULL  ? VT_CA_PROCESSOR
             : strstr(cn, "Platform") != NULL ? VT_CA_PLATFORM
                                              : -1;
        VT_TRY_ENSURE(ca >= 0, VT_E_UNSUPPORTED,
                      "bundle: %s/%s: issuer CN \"%s\" names neither Processor nor Platform", dir,
                      name, cn);
    }
    if (idx->crl_der[ca].data == NULL) {
        VT_TRY(read_chain(dir, chain_name, false, &idx->crl_chain[ca]));
        VT_TRY(crl_encode(crl, &file, &idx->crl_der[ca], &idx->crl_pem[ca]));
    }
    rc = 0;
out:
    X509_CRL_free(crl);
    blob_free(&file);
    return rc;
}

static int add_root_crl(vt_bundle_index_t *idx, const char *dir)
{
    int rc = VT_E_INTERNAL;
    vt_blob_t file = {0};
    vt_blob_t pem = {0};
    X509_CRL *crl = NULL;
    bool is_present = false;

    VT_TRY(read_file(dir, "root_ca_crl.der", VT_COLLATERAL_CRL_MAX, &file, &is_present));
    VT_TRY_ENSURE(is_present, VT_E_NOT_FOUND, "bundle: %s/root_ca_crl.der is missing", dir);
    VT_TRY(wrap_file(vt_crl_parse(file.data, file.len, &crl), dir, "root_ca_crl.der"));
    if (idx->root_crl.data == NULL) VT_TRY(crl_encode(crl, &file, &idx->root_crl, &pem));
    rc = 0;
out:
    X509_CRL_free(crl);
    blob_free(&file);
    blob_free(&pem);
    return rc;
}

int vt_bundle_index_load(vt_bundle_index_t *idx, const char *dir)
{
    size_t tcbs_before = idx->tcb_count;

    VT_GUARD(add_tcb(idx, dir, "tcb_info.json", "tcb_info_issuer_chain.pem"));
    VT_GUARD(add_tcb(idx, dir, "tdx_tcb_info.json", "tdx_tcb_info_issuer_chain.pem"));
    VT_ENSURE(idx->tcb_count > tcbs_before, VT_E_NOT_FOUND,
              "bundle: %s has neither tcb_info.json nor tdx_tcb_info.json", dir);
    VT_GUARD(add_qe(idx, dir, "qe_identity.json", "qe_identity_issuer_chain.pem"));
    VT_GUARD(add_qe(idx, dir, "tdx_qe_identity.json", "tdx_qe_identity_issuer_chain.pem"));
    VT_GUARD(add_crl(idx, dir, "pck_crl_processor.der", VT_CA_PROCESSOR,
                     "pck_crl_processor_issuer_chain.pem"));
    VT_GUARD(add_crl(idx, dir, "pck_crl_platform.der", VT_CA_PLATFORM,
                     "pck_crl_platform_issuer_chain.pem"));
    VT_GUARD(add_crl(idx, dir, "pck_crl.der", -1, "pck_crl_issuer_chain.pem"));
    VT_GUARD(add_root_crl(idx, dir));
    return 0;
}

int vt_bundle_index_validate(const vt_bundle_index_t *idx)
{
    VT_ENSURE(idx->tcb_count > 0, VT_E_NOT_FOUND, "bundle: no TCB info loaded");
    VT_ENSURE(idx->qe[VT_SLOT_SGX].data != NULL || idx->qe[VT_SLOT_TDX].data != NULL,
              VT_E_NOT_FOUND, "bundle: no QE identity loaded");
    VT_ENSURE(idx->crl_der[VT_CA_PROCESSOR].data != NULL ||
                  idx->crl_der[VT_CA_PLATFORM].data != NULL,
              VT_E_NOT_FOUND, "bundle: no PCK CRL loaded");
    VT_ENSURE(idx->root_crl.data != NULL, VT_E_NOT_FOUND, "bundle: no root CA CRL loaded");
    return 0;
}

const vt_tcb_entry_t *vt_bundle_index_get_tcb(const vt_bundle_index_t *idx, vt_tee_t tee,
                                              const uint8_t fmspc[VT_FMSPC_LEN])
{
    for (size_t i = 0; i < idx->tcb_count; i++) {
        const vt_tcb_entry_t *e = &idx->tcbs[i];
        bool is_same = e->tee == tee;
        for (size_t j = 0; j < VT_FMSPC_LEN; j++) is_same = is_same && e->fmspc[j] == fmspc[j];
        if (is_same) return e;
    }
    return NULL;
}

void vt_bundle_index_cleanup(vt_bundle_index_t *idx)
{
    if (idx == NULL) return;
    for (size_t i = 0; i < idx->tcb_count; i++) {
        blob_free(&idx->tcbs[i].json);
        blob_free(&idx->tcbs[i].chain);
    }
    free(idx->tcbs);
    for (int i = 0; i < VT_SLOT_COUNT; i++) {
        blob_free(&idx->qe[i]);
        blob_free(&idx->qe_chain[i]);
    }
    for (int i = 0; i < VT_CA_COUNT; i++) {
        blob_free(&idx->crl_der[i]);
        blob_free(&idx->crl_pem[i]);
        blob_free(&idx->crl_chain[i]);
    }
    blob_free(&idx->root_crl);
    *idx = (vt_bundle_index_t){0};
}
