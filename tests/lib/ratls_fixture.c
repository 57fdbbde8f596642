/* SPDX-License-Identifier: Apache-2.0 */
/* The RA-TLS test fixture (ratls_fixture.h). */
#define _XOPEN_SOURCE 700
#include "ratls_fixture.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/file.h"
#include "common/ossl.h"
#include "ratls/ratls_internal.h"
#include "test_util.h"

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void vt_ratls_fixture_init(vt_ratls_fixture_t *f, vt_tcb_status_t status, size_t platform_count)
{
    uint8_t *root = NULL;
    size_t len = 0;
    char path[128];

    *f = (vt_ratls_fixture_t){.status = status,
                              .platform_count = platform_count ? platform_count : 1};
    snprintf(f->dir, sizeof(f->dir), "/tmp/vt_ratls_test_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    vt_sim_init_options_t o = {.platform_count = f->platform_count, .tcb_status = status};
    vt_assert_ok(vt_sim_init(f->dir, &o));
    snprintf(path, sizeof(path), "%s/root_ca.der", f->dir);
    vt_assert_ok(vt_file_read(path, 8192, &root, &len));
    vt_assert_ok(vt_verifier_new(&f->verifier));
    vt_assert_ok(vt_verifier_set_simulated_root(f->verifier, root, len));
    vt_assert_ok(vt_verifier_set_collateral_dir(f->verifier, f->dir));
    free(root);
}

void vt_ratls_fixture_cleanup(vt_ratls_fixture_t *f)
{
    vt_verifier_free(f->verifier);
    f->verifier = NULL;
    if (f->dir[0]) nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    f->dir[0] = '\0';
}

void vt_ratls_fixture_sgx_identity(vt_sgx_report_body_t *b)
{
    *b = (vt_sgx_report_body_t){.isv_prod_id = 7, .isv_svn = 3};
    b->attributes[0] = 0x05; /* INIT | MODE64BIT */
    b->attributes[8] = 0x03; /* xfrm: x87, SSE */
    memset(b->mr_enclave, 0xe1, sizeof(b->mr_enclave));
    memset(b->mr_signer, 0x51, sizeof(b->mr_signer));
}

void vt_ratls_fixture_td_identity(vt_td_report_body_t *b)
{
    *b = (vt_td_report_body_t){0};
    memset(b->mr_td, 0x7d, sizeof(b->mr_td));
    memset(b->rtmr[2], 0x22, sizeof(b->rtmr[2]));
    b->td_attributes[3] = 0x10; /* SEPT_VE_DISABLE */
    b->xfam[0] = 0xe7;
}

void vt_ratls_source_init(vt_ratls_source_t *s, const vt_ratls_fixture_t *f, vt_tee_t tee,
                          size_t platform)
{
    *s = (vt_ratls_source_t){.tee = tee};
    vt_ratls_fixture_sgx_identity(&s->sgx);
    vt_ratls_fixture_td_identity(&s->td);
    s->override_sgx = s->sgx;
    s->override_td = s->td;
    vt_assert_ok(vt_sim_platform_load(f->dir, platform, &s->platform));
}

void vt_ratls_source_cleanup(vt_ratls_source_t *s)
{
    vt_sim_platform_free(s->platform);
    s->platform = NULL;
}

int vt_ratls_source_evidence(void *ctx, const uint8_t report_data[VT_REPORT_DATA_LEN],
                             uint8_t **evidence, size_t *len)
{
    vt_ratls_source_t *s = ctx;
    bool over = s->has_override && s->calls == s->override_call;
    s->calls++;
    if (s->tee == VT_TEE_TDX) {
        vt_td_report_body_t b = over ? s->override_td : s->td;
        memcpy(b.report_data, report_data, VT_REPORT_DATA_LEN);
        return vt_sim_quote_tdx(s->platform, &b, evidence, len);
    }
    vt_sgx_report_body_t b = over ? s->override_sgx : s->sgx;
    memcpy(b.report_data, report_data, VT_REPORT_DATA_LEN);
    return vt_sim_quote_sgx(s->platform, &b, evidence, len);
}

void vt_ratls_fixture_cert_der(X509 *cert, uint8_t **der, size_t *len)
{
    unsigned char *p = NULL;
    int n = i2d_X509(cert, &p);
    assert_true(n > 0);
    *der = p;
    *len = (size_t)n;
}

void vt_ratls_fixture_make_cert(vt_ratls_source_t *s, const vt_ratls_create_options_t *opts,
                                uint8_t **der, size_t *len)
{
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    vt_assert_ok(vt_ratls_create_with(vt_ratls_source_evidence, s, opts, &key, &cert));
    vt_ratls_fixture_cert_der(cert, der, len);
    X509_free(cert);
    EVP_PKEY_free(key);
}

void vt_ratls_fixture_build_cert(EVP_PKEY *key, const vt_ratls_fixture_ext_t *exts, size_t n,
                                 uint8_t **der, size_t *len)
{
    X509 *x = X509_new();
    assert_non_null(x);
    assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
    assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), 1), 1);
    X509_NAME *name = X509_get_subject_name(x);
    assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                                (const unsigned char *)"RATLS", -1, -1, 0),
                     1);
    assert_int_equal(X509_set_issuer_name(x, name), 1);
    assert_non_null(ASN1_TIME_set(X509_getm_notBefore(x), 978307200));
    assert_non_null(ASN1_TIME_set(X509_getm_notAfter(x), 1924991999));
    assert_int_equal(X509_set_pubkey(x, key), 1);
    for (size_t i = 0; i < n; i++) {
        ASN1_OBJECT *obj = OBJ_txt2obj(exts[i].oid, 1);
        ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
        assert_non_null(obj);
        assert_non_null(os);
        assert_int_equal(ASN1_OCTET_STRING_set(os, exts[i].value, (int)exts[i].len), 1);
        X509_EXTENSION *e = X509_EXTENSION_create_by_OBJ(NULL, obj, exts[i].is_critical, os);
        assert_non_null(e);
        assert_int_equal(X509_add_ext(x, e, -1), 1);
        X509_EXTENSION_free(e);
        ASN1_OCTET_STRING_free(os);
        ASN1_OBJECT_free(obj);
    }
    assert_true(X509_sign(x, key, EVP_sha256()) > 0);
    vt_ratls_fixture_cert_der(x, der, len);
    X509_free(x);
}

const uint8_t *vt_ratls_fixture_ext_value(X509 *cert, const char *oid, size_t *len)
{
    ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
    assert_non_null(obj);
    int at = X509_get_ext_by_OBJ(cert, obj, -1);
    ASN1_OBJECT_free(obj);
    if (at < 0) return NULL;
    const ASN1_OCTET_STRING *v = X509_EXTENSION_get_data(X509_get_ext(cert, at));
    *len = (size_t)ASN1_STRING_length(v);
    return ASN1_STRING_get0_data(v);
}

void vt_ratls_fixture_cert_with_claims(vt_ratls_source_t *s, EVP_PKEY *key, const uint8_t *claims,
                                       size_t claims_len, uint8_t **der, size_t *len)
{
    uint8_t rd[VT_REPORT_DATA_LEN] = {0}, *quote = NULL, *ev = NULL;
    size_t quote_len = 0, ev_len = 0;
    vt_sha256(claims, claims_len, rd);
    vt_assert_ok(vt_ratls_source_evidence(s, rd, &quote, &quote_len));
    vt_assert_ok(vt_ratls_evidence_serialize(quote, quote_len, claims, claims_len, &ev, &ev_len));
    vt_ratls_fixture_ext_t ext = {VT_RATLS_TCG_EVIDENCE_OID, ev, ev_len, false};
    vt_ratls_fixture_build_cert(key, &ext, 1, der, len);
    free(ev);
    free(quote);
}
