/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated vendor PKI and collateral as files: Intel-shaped certificates (names,
 * required extensions, the SGX extension), CRLs listing revoked platforms, and TCB info /
 * QE identity documents that parse with the collateral layer and are signed over their
 * exact inner-object bytes by the TCB signing key.
 */
#define _XOPEN_SOURCE 700
#include "test_util.h"

#include <ftw.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include <veritee/collateral.h>
#include <veritee/sim.h>

#include "common/file.h"
#include "common/ossl.h"

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void init(char *dir, vt_tcb_status_t status, size_t n)
{
    snprintf(dir, 64, "/tmp/vt_sim_pki_XXXXXX");
    assert_non_null(mkdtemp(dir));
    vt_sim_init_options_t o = {
        .platform_count = n, .tcb_status = status, .fmspc = {0x90, 0xc0, 0x6f, 0, 0, 0}};
    vt_assert_ok(vt_sim_init(dir, &o));
}

static void read_in(const char *dir, const char *name, uint8_t **buf, size_t *len)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    vt_assert_ok(vt_file_read(path, 1 << 20, buf, len));
}

static STACK_OF(X509) * chain_in(const char *dir, const char *name)
{
    uint8_t *buf;
    size_t len;
    STACK_OF(X509) *certs = NULL;
    read_in(dir, name, &buf, &len);
    vt_assert_ok(vt_x509_chain_parse_pem(buf, len, 3, &certs));
    free(buf);
    return certs;
}

static void assert_cn_has(X509 *x, const char *want)
{
    char cn[256];
    vt_x509_name_cn(X509_get_subject_name(x), cn, sizeof(cn));
    if (!strstr(cn, want)) {
        print_error("cn \"%s\" lacks \"%s\"\n", cn, want);
        fail();
    }
}

static void assert_intel_extensions(X509 *x)
{
    static const int nids[] = {NID_authority_key_identifier, NID_subject_key_identifier,
                               NID_crl_distribution_points, NID_key_usage, NID_basic_constraints};
    for (size_t i = 0; i < sizeof(nids) / sizeof(nids[0]); i++)
        assert_true(X509_get_ext_by_NID(x, nids[i], -1) >= 0);
}

static void certificates_look_like_intels(void **state)
{
    (void)state;
    char dir[64];
    init(dir, VT_TCB_UP_TO_DATE, 2);
    STACK_OF(X509) *pck0 = chain_in(dir, "private/platforms/0/pck_cert.pem");
    STACK_OF(X509) *pck1 = chain_in(dir, "private/platforms/1/pck_cert.pem");
    STACK_OF(X509) *tcb = chain_in(dir, "tcb_info_issuer_chain.pem");
    assert_int_equal(sk_X509_num(pck0), 3);
    assert_int_equal(sk_X509_num(tcb), 2);
    X509 *root = sk_X509_value(pck0, 2);
    char subject[256];
    X509_NAME_oneline(X509_get_subject_name(root), subject, sizeof(subject));
    assert_non_null(strstr(subject, "SIMULATED"));
    assert_cn_has(root, "SGX Root CA");
    assert_cn_has(sk_X509_value(pck0, 1), "PCK Processor CA");
    assert_cn_has(sk_X509_value(pck1, 1), "PCK Platform CA");
    assert_cn_has(sk_X509_value(pck0, 0), "SGX PCK Certificate");
    assert_cn_has(sk_X509_value(tcb, 0), "SGX TCB Signing");
    for (int i = 0; i < 3; i++) assert_intel_extensions(sk_X509_value(pck0, i));
    assert_intel_extensions(sk_X509_value(tcb, 0));

    unsigned char *der = NULL;
    int n = i2d_X509(sk_X509_value(pck1, 0), &der);
    vt_pck_ext_t ext;
    vt_assert_ok(vt_pck_ext_from_cert_der(der, (size_t)n, &ext));
    OPENSSL_free(der);
    assert_int_equal(ext.fmspc[0], 0x90);
    assert_true(ext.has_platform_instance_id && ext.has_configuration);
    assert_memory_equal(ext.cpu_svn, ext.comp_svn, 16);
    sk_X509_pop_free(pck0, X509_free);
    sk_X509_pop_free(pck1, X509_free);
    sk_X509_pop_free(tcb, X509_free);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Each document parses and its signature covers exactly signed_body. */
static void documents_are_signed(void **state)
{
    (void)state;
    char dir[64];
    init(dir, VT_TCB_UP_TO_DATE, 1);
    STACK_OF(X509) *chain = chain_in(dir, "tcb_info_issuer_chain.pem");
    EVP_PKEY *key = X509_get0_pubkey(sk_X509_value(chain, 0));
    static const char *const tcb_docs[] = {"tcb_info.json", "tdx_tcb_info.json"};
    static const char *const qe_docs[] = {"qe_identity.json", "tdx_qe_identity.json"};
    for (int t = 0; t < 2; t++) {
        uint8_t *buf;
        size_t len;
        vt_tcb_info_t *info = NULL;
        vt_qe_identity_t *id = NULL;
        read_in(dir, tcb_docs[t], &buf, &len);
        vt_assert_ok(vt_tcb_info_parse(buf, len, &info));
        assert_int_equal(info->tee, t ? VT_TEE_TDX : VT_TEE_SGX);
        assert_int_equal(info->version, 3);
        assert_int_equal(info->level_count, 7);
        assert_int_equal(info->next_update - info->issue_date, 30 * 86400);
        assert_int_equal(info->has_tdx_module, t == 1);
        assert_int_equal(info->tdx_module_identity_count, t ? 1 : 0);
        assert_int_equal(info->levels[0].status, VT_TCB_UP_TO_DATE);
        assert_int_equal(info->levels[0].advisory_count, 0);
        assert_true(info->levels[1].advisory_count > 0);
        for (size_t i = 1; i < info->level_count; i++)
            assert_true(info->levels[i].sgx_svn[0] < info->levels[i - 1].sgx_svn[0]);
        vt_assert_ok(vt_ecdsa_p256_verify(key, info->signed_body, info->signed_body_len,
                                          info->signature, "tcb info"));
        assert_int_equal(info->signed_body[0], '{');
        vt_tcb_info_free(info);
        free(buf);

        read_in(dir, qe_docs[t], &buf, &len);
        vt_assert_ok(vt_qe_identity_parse(buf, len, &id));
        assert_int_equal(id->id, t ? VT_QE_ID_TD_QE : VT_QE_ID_QE);
        assert_int_equal(id->isv_prod_id, t ? 2 : 1);
        vt_assert_ok(vt_ecdsa_p256_verify(key, id->signed_body, id->signed_body_len, id->signature,
                                          "qe identity"));
        vt_qe_identity_free(id);
        free(buf);
    }
    sk_X509_pop_free(chain, X509_free);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static size_t crl_count(const char *dir, const char *name)
{
    uint8_t *buf;
    size_t len;
    X509_CRL *crl = NULL;
    read_in(dir, name, &buf, &len);
    vt_assert_ok(vt_crl_parse(buf, len, &crl));
    assert_true(X509_CRL_get_ext_by_NID(crl, NID_crl_number, -1) >= 0);
    assert_true(X509_CRL_get_ext_by_NID(crl, NID_authority_key_identifier, -1) >= 0);
    STACK_OF(X509_REVOKED) *r = X509_CRL_get_REVOKED(crl);
    size_t n = r ? (size_t)sk_X509_REVOKED_num(r) : 0;
    X509_CRL_free(crl);
    free(buf);
    return n;
}

static void crls_list_revoked_platforms(void **state)
{
    (void)state;
    char dir[64];
    init(dir, VT_TCB_UP_TO_DATE, 3);
    assert_int_equal(crl_count(dir, "root_ca_crl.der"), 0);
    assert_int_equal(crl_count(dir, "pck_crl.der"), 0);
    assert_int_equal(crl_count(dir, "pck_crl_platform.der"), 0);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    init(dir, VT_TCB_REVOKED, 3);
    assert_int_equal(crl_count(dir, "root_ca_crl.der"), 0);
    assert_int_equal(crl_count(dir, "pck_crl_processor.der"), 2); /* platforms 0, 2 */
    assert_int_equal(crl_count(dir, "pck_crl.der"), 2);
    assert_int_equal(crl_count(dir, "pck_crl_platform.der"), 1); /* platform 1 */
    vt_collateral_t c;
    vt_assert_ok(vt_collateral_load_dir(dir, &c)); /* the vector layout */
    vt_collateral_cleanup(&c);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(certificates_look_like_intels),
        cmocka_unit_test(documents_are_signed),
        cmocka_unit_test(crls_list_revoked_platforms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
