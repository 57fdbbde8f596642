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
