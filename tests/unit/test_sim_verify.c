/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated platform end to end through vt_verifier: for every --tcb setting an SGX
 * v3 and a TDX v4 quote verify with exactly that status (revoked: VT_E_REVOKED), only
 * when the SIMULATED root is trusted deliberately; tampered quotes fail; platforms are
 * distinct; private files are private.
 */
#define _XOPEN_SOURCE 700
#include "test_util.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <veritee/sim.h>
#include <veritee/verify.h>

#include "common/file.h"

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void make_platform(char *dir, size_t platforms, vt_tcb_status_t status)
{
    snprintf(dir, 64, "/tmp/vt_sim_test_XXXXXX");
    assert_non_null(mkdtemp(dir));
    vt_sim_init_options_t o = {.platform_count = platforms, .tcb_status = status};
    vt_assert_ok(vt_sim_init(dir, &o));
}

static void remove_platform(const char *dir)
{
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void sgx_body(vt_sgx_report_body_t *b)
{
    *b = (vt_sgx_report_body_t){.isv_prod_id = 7, .isv_svn = 3};
    b->attributes[0] = 0x05;
    b->attributes[8] = 0x03;
    memset(b->mr_enclave, 0xe1, sizeof(b->mr_enclave));
    memset(b->mr_signer, 0x51, sizeof(b->mr_signer));
    memset(b->report_data, 0xda, sizeof(b->report_data));
}

static void td_body(vt_td_report_body_t *b)
{
    *b = (vt_td_report_body_t){0};
    memset(b->mr_td, 0x7d, sizeof(b->mr_td));
    memset(b->rtmr[2], 0x22, sizeof(b->rtmr[2]));
    b->td_attributes[3] = 0x10; /* SEPT_VE_DISABLE */
    b->xfam[0] = 0xe7;
    memset(b->report_data, 0xab, sizeof(b->report_data));
}

static void quote_of(const char *dir, size_t index, vt_tee_t tee, uint8_t **q, size_t *len)
{
    vt_sim_platform_t *p = NULL;
    vt_assert_ok(vt_sim_platform_load(dir, index, &p));
    if (tee == VT_TEE_SGX) {
        vt_sgx_report_body_t b;
        sgx_body(&b);
        vt_assert_ok(vt_sim_quote_sgx(p, &b, q, len));
    } else {
        vt_td_report_body_t b;
        td_body(&b);
        vt_assert_ok(vt_sim_quote_tdx(p, &b, q, len));
    }
    vt_sim_platform_free(p);
}

static vt_verifier_t *sim_verifier(const char *dir)
{
    vt_verifier_t *v = NULL;
    uint8_t *root;
    size_t len;
    char path[256];
    snprintf(path, sizeof(path), "%s/root_ca.der", dir);
    vt_assert_ok(vt_file_read(path, 8192, &root, &len));
    vt_assert_ok(vt_verifier_new(&v));
    vt_assert_rc(vt_verifier_set_root(v, root, len), VT_E_UNTRUSTED); /* never by accident */
    vt_assert_ok(vt_verifier_set_simulated_root(v, root, len));
    vt_assert_ok(vt_verifier_set_collateral_dir(v, dir));
    free(root);
    return v;
}

/* Verifies the quote of platform index for tee; returns the rc, status in *status. */
static int verify_one(const char *dir, size_t index, vt_tee_t tee, vt_verify_result_t *r)
{
    uint8_t *q;
    size_t len;
    quote_of(dir, index, tee, &q, &len);
    vt_verifier_t *v = sim_verifier(dir);
    int rc = vt_verifier_verify(v, q, len, VT_TIME_NOW, r);
    vt_verifier_free(v);
    free(q);
    return rc;
}

static void status_case(vt_tcb_status_t status)
{
    char dir[64];
    make_platform(dir, 2, status);
    for (size_t index = 0; index < 2; index++) { /* Processor CA and Platform CA */
        for (int t = 0; t < 2; t++) {
            vt_verify_result_t r;
            int rc = verify_one(dir, index, t ? VT_TEE_TDX : VT_TEE_SGX, &r);
            if (status == VT_TCB_REVOKED) {
                vt_assert_rc(rc, VT_E_REVOKED);
            } else {
                vt_assert_ok(rc);
                assert_true(r.is_verified);
                assert_false(r.is_collateral_expired);
                assert_int_equal(r.tee, t ? VT_TEE_TDX : VT_TEE_SGX);
                assert_string_equal(vt_tcb_status_name(r.tcb_status), vt_tcb_status_name(status));
                assert_int_equal(r.advisory_count > 0, status != VT_TCB_UP_TO_DATE);
            }
            assert_int_equal(r.tcb_status, status);
            vt_verify_result_cleanup(&r);
        }
    }
    remove_platform(dir);
}

static void up_to_date(void **s)
{
    (void)s;
    status_case(VT_TCB_UP_TO_DATE);
}
static void sw_hardening(void **s)
{
    (void)s;
    status_case(VT_TCB_SW_HARDENING_NEEDED);
}
static void config_needed(void **s)
{
    (void)s;
    status_case(VT_TCB_CONFIGURATION_NEEDED);
}
static void config_and_sw(void **s)
{
    (void)s;
    status_case(VT_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED);
}
static void out_of_date(void **s)
{
    (void)s;
    status_case(VT_TCB_OUT_OF_DATE);
}
static void out_of_date_config(void **s)
{
    (void)s;
    status_case(VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED);
}
static void revoked(void **s)
{
    (void)s;
    status_case(VT_TCB_REVOKED);
}

static void intel_root_rejects(void **state)
{
    (void)state;
    char dir[64];
    uint8_t *q;
    size_t len;
    vt_verifier_t *v = NULL;
    vt_verify_result_t r;
    make_platform(dir, 1, VT_TCB_UP_TO_DATE);
    quote_of(dir, 0, VT_TEE_SGX, &q, &len);
    vt_assert_ok(vt_verifier_new(&v)); /* the built-in Intel root */
    vt_assert_ok(vt_verifier_set_collateral_dir(v, dir));
    vt_assert_rc(vt_verifier_verify(v, q, len, VT_TIME_NOW, &r), VT_E_UNTRUSTED);
    assert_false(r.is_verified);
    vt_verify_result_cleanup(&r);
    vt_verifier_free(v);
    free(q);
    remove_platform(dir);
}

/* One flipped byte in the signed body, the QE report, the auth data, the signature. */
static void tampered_quotes_fail(void **state)
{
    (void)state;
    char dir[64];
    make_platform(dir, 1, VT_TCB_UP_TO_DATE);
    for (int t = 0; t < 2; t++) {
        uint8_t *q;
        size_t len;
        quote_of(dir, 0, t ? VT_TEE_TDX : VT_TEE_SGX, &q, &len);
        size_t body = t ? 48 + 136 : 48 + 64, sig = t ? 636 : 436;
        size_t qe = t ? sig + 134 : sig + 128, auth = t ? sig + 134 + 450 : sig + 578;
        const size_t offsets[] = {body, sig + 3, qe + 64, auth + 5};
        vt_verifier_t *v = sim_verifier(dir);
        for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
            vt_verify_result_t r;
            q[offsets[i]] ^= 0x01;
            int rc = vt_verifier_verify(v, q, len, VT_TIME_NOW, &r);
            assert_true(rc < 0);
            assert_int_equal(vt_error_type(rc), VT_ET_REJECT);
            assert_false(r.is_verified);
            vt_verify_result_cleanup(&r);
            q[offsets[i]] ^= 0x01;
        }
        vt_verify_result_t r;
        vt_assert_ok(vt_verifier_verify(v, q, len, VT_TIME_NOW, &r));
        vt_verify_result_cleanup(&r);
        vt_verifier_free(v);
        free(q);
    }
    remove_platform(dir);
}

static void platforms_differ(void **state)
{
    (void)state;
    char dir[64];
    vt_sim_platform_t *a = NULL, *b = NULL;
    vt_pck_ext_t ea, eb;
    make_platform(dir, 3, VT_TCB_UP_TO_DATE);
    vt_assert_ok(vt_sim_platform_load(dir, 0, &a));
    vt_assert_ok(vt_sim_platform_load(dir, 1, &b));
    vt_sim_platform_get_pck_ext(a, &ea);
    vt_sim_platform_get_pck_ext(b, &eb);
    assert_memory_not_equal(ea.ppid, eb.ppid, sizeof(ea.ppid));
    assert_memory_equal(ea.fmspc, vt_sim_default_fmspc, VT_FMSPC_LEN);
    assert_false(ea.has_platform_instance_id); /* Processor CA */
    assert_true(eb.has_platform_instance_id);  /* Platform CA: .6 and .7 */
    assert_true(eb.has_configuration);
    vt_sim_platform_free(a);
    vt_sim_platform_free(b);
    vt_assert_rc(vt_sim_platform_load(dir, 3, &a), VT_E_NOT_FOUND);

    uint8_t *ka, *kb;
    size_t la, lb;
    char pa[256], pb[256];
    snprintf(pa, sizeof(pa), "%s/private/platforms/0/attestation_key.pem", dir);
    snprintf(pb, sizeof(pb), "%s/private/platforms/2/attestation_key.pem", dir);
    vt_assert_ok(vt_file_read(pa, 8192, &ka, &la));
    vt_assert_ok(vt_file_read(pb, 8192, &kb, &lb));
    assert_true(la != lb || memcmp(ka, kb, la) != 0);
    free(ka);
    free(kb);
    remove_platform(dir);
}

static void assert_mode(const char *dir, const char *rel, unsigned mode)
{
    char path[256];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    assert_int_equal(stat(path, &st), 0);
    if ((st.st_mode & 0777) != mode) {
        print_error("%s: mode %o, expected %o\n", rel, st.st_mode & 0777, mode);
        fail();
    }
}

static void private_files_are_private(void **state)
{
    (void)state;
    char dir[64];
    static const char *const files[] = {"pck_key.pem", "pck_cert.pem", "attestation_key.pem",
                                        "platform_secret", "platform.json"};
    static const char *const keys[] = {"root_ca_key.pem", "processor_ca_key.pem",
                                       "platform_ca_key.pem", "tcb_signing_key.pem"};
    make_platform(dir, 2, VT_TCB_UP_TO_DATE);
    assert_mode(dir, "private", 0700);
    assert_mode(dir, "private/platforms", 0700);
    assert_mode(dir, "private/platforms/1", 0700);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char rel[128];
        snprintf(rel, sizeof(rel), "private/%s", keys[i]);
        assert_mode(dir, rel, 0600);
    }
    for (size_t p = 0; p < 2; p++) {
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
            char rel[128];
            snprintf(rel, sizeof(rel), "private/platforms/%zu/%s", p, files[i]);
            assert_mode(dir, rel, 0600);
        }
    }
    /* a second init into the same directory is refused, nothing is overwritten */
    vt_sim_init_options_t o = {.tcb_status = VT_TCB_UP_TO_DATE};
    vt_assert_rc(vt_sim_init(dir, &o), VT_E_INVALID_ARG);
    remove_platform(dir);
}

static void init_rejects_bad_options(void **state)
{
    (void)state;
    vt_sim_init_options_t o = {.platform_count = VT_SIM_PLATFORMS_MAX + 1};
    vt_assert_rc(vt_sim_init("/tmp/vt_sim_never_created", &o), VT_E_INVALID_ARG);
    o = (vt_sim_init_options_t){.tcb_status = VT_TCB_TD_RELAUNCH_ADVISED};
    vt_assert_rc(vt_sim_init("/tmp/vt_sim_never_created", &o), VT_E_INVALID_ARG);
    assert_int_equal(access("/tmp/vt_sim_never_created", F_OK), -1);
}

static void tcb_status_words(void **state)
{
    (void)state;
    static const char *const words[] = {
        "uptodate",  "swhardening",           "configneeded", "configandswhardening",
        "outofdate", "outofdateconfigneeded", "revoked"};
    static const vt_tcb_status_t want[] = {VT_TCB_UP_TO_DATE,
                                           VT_TCB_SW_HARDENING_NEEDED,
                                           VT_TCB_CONFIGURATION_NEEDED,
                                           VT_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED,
                                           VT_TCB_OUT_OF_DATE,
                                           VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED,
                                           VT_TCB_REVOKED};
    vt_tcb_status_t s;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        vt_assert_ok(vt_sim_tcb_status_parse(words[i], &s));
        assert_int_equal(s, want[i]);
    }
    vt_assert_rc(vt_sim_tcb_status_parse("UpToDate", &s), VT_E_INVALID_ARG);
    vt_assert_rc(vt_sim_tcb_status_parse("", &s), VT_E_INVALID_ARG);
}

/* A damaged platform is refused with the file named, not half-loaded. */
static void damaged_platform_is_refused(void **state)
{
    (void)state;
    char dir[64], path[256];
    vt_sim_platform_t *p = NULL;
    make_platform(dir, 2, VT_TCB_UP_TO_DATE);
    snprintf(path, sizeof(path), "%s/private/platforms/0/platform.json", dir);
    vt_assert_ok(vt_file_write_atomic(path, (const uint8_t *)"{}", 2, 0600));
    vt_assert_rc(vt_sim_platform_load(dir, 0, &p), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "platform 0"));
    assert_null(p);
    snprintf(path, sizeof(path), "%s/private/platforms/1/pck_key.pem", dir);
    vt_assert_ok(vt_file_write_atomic(path, (const uint8_t *)"not a key", 9, 0600));
    vt_assert_rc(vt_sim_platform_load(dir, 1, &p), VT_E_MALFORMED);
    snprintf(path, sizeof(path), "%s/private/platforms/1/pck_key.pem", dir);
    assert_int_equal(unlink(path), 0);
    vt_assert_rc(vt_sim_platform_load(dir, 1, &p), VT_E_NOT_FOUND);
    remove_platform(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(up_to_date),
        cmocka_unit_test(sw_hardening),
        cmocka_unit_test(config_needed),
        cmocka_unit_test(config_and_sw),
        cmocka_unit_test(out_of_date),
        cmocka_unit_test(out_of_date_config),
        cmocka_unit_test(revoked),
        cmocka_unit_test(intel_root_rejects),
        cmocka_unit_test(tampered_quotes_fail),
        cmocka_unit_test(platforms_differ),
        cmocka_unit_test(private_files_are_private),
        cmocka_unit_test(damaged_platform_is_refused),
        cmocka_unit_test(init_rejects_bad_options),
        cmocka_unit_test(tcb_status_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
