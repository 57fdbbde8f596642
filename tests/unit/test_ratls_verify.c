/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RA-TLS create -> verify round trips on a simulated platform (SGX P-384, SGX P-256,
 * TDX, TCG-only), the result's fields, and the measurement callback.
 */
#define _GNU_SOURCE
#include "test_util.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "common/file.h"
#include "ratls_fixture.h"

static vt_ratls_fixture_t fx;

static int setup(void **state)
{
    (void)state;
    vt_ratls_fixture_init(&fx, VT_TCB_UP_TO_DATE, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vt_ratls_fixture_cleanup(&fx);
    return 0;
}

static int verify_with(vt_policy_t *p, const uint8_t *der, size_t len, vt_ratls_result_t *r)
{
    vt_ratls_verifier_t *rv = NULL;
    vt_assert_ok(vt_ratls_verifier_new(fx.verifier, p, &rv));
    int rc = vt_ratls_verify_der(rv, der, len, VT_TIME_NOW, r);
    vt_ratls_verifier_free(rv);
    return rc;
}

static void round_trip(vt_tee_t tee, const vt_ratls_create_options_t *o, vt_ratls_ext_t source)
{
    vt_ratls_source_t src;
    uint8_t *der;
    size_t len;
    vt_ratls_result_t r;
    vt_policy_t *p = NULL;
    vt_ratls_source_init(&src, &fx, tee, 0);
    vt_ratls_fixture_make_cert(&src, o, &der, &len);
    vt_assert_ok(vt_policy_new(&p));
    if (tee == VT_TEE_SGX) {
        vt_policy_set_mrenclave(p, src.sgx.mr_enclave);
        vt_policy_set_mrsigner(p, src.sgx.mr_signer);
        vt_policy_set_isv_prod_id(p, 7);
        vt_policy_set_min_isv_svn(p, 3);
    } else {
        vt_assert_ok(vt_policy_set_tdx_measurement(p, VT_TDX_MRTD, src.td.mr_td));
    }
    vt_assert_ok(verify_with(p, der, len, &r));
    assert_true(r.quote.is_verified);
    assert_int_equal(r.quote.tee, tee);
    assert_int_equal(r.quote.tcb_status, VT_TCB_UP_TO_DATE);
    assert_int_equal(r.source, source);
    assert_false(r.is_from_cache);
    uint8_t h[32];
    SHA256(der, len, h);
    assert_memory_equal(r.cert_sha256, h, 32);
    vt_ratls_result_cleanup(&r);
    vt_policy_free(p);
    free(der);
    vt_ratls_source_cleanup(&src);
}

static void sgx_p384(void **state)
{
    (void)state;
    round_trip(VT_TEE_SGX, NULL, VT_RATLS_EXT_TCG);
}

static void sgx_p256(void **state)
{
    (void)state;
    vt_ratls_create_options_t o = {.key_type = VT_RATLS_KEY_P256};
    round_trip(VT_TEE_SGX, &o, VT_RATLS_EXT_TCG);
}

static void sgx_tcg_only(void **state)
{
    (void)state;
    vt_ratls_create_options_t o = {.omit_legacy = true};
    round_trip(VT_TEE_SGX, &o, VT_RATLS_EXT_TCG);
}

static void tdx(void **state)
{
    (void)state;
    round_trip(VT_TEE_TDX, NULL, VT_RATLS_EXT_TCG);
}

static void tdx_p256_tcg_only(void **state)
{
    (void)state;
    vt_ratls_create_options_t o = {.key_type = VT_RATLS_KEY_P256, .omit_legacy = true};
    round_trip(VT_TEE_TDX, &o, VT_RATLS_EXT_TCG);
}

typedef struct {
    int calls;
    int rc;
    uint16_t svn;
} cb_state_t;

static int measurement_cb(void *ctx, const vt_verify_result_t *r)
{
    cb_state_t *s = ctx;
    s->calls++;
    s->svn = r->sgx.isv_svn;
    return s->rc;
}

static void callback(void **state)
{
    (void)state;
    vt_ratls_source_t src;
    uint8_t *der;
    size_t len;
    vt_ratls_result_t r;
    vt_ratls_verifier_t *rv = NULL;
    vt_policy_t *p = NULL;
    cb_state_t s = {0};
    vt_ratls_source_init(&src, &fx, VT_TEE_SGX, 0);
    vt_ratls_fixture_make_cert(&src, NULL, &der, &len);
    vt_assert_ok(vt_policy_new(&p));
    vt_assert_ok(vt_ratls_verifier_new(fx.verifier, p, &rv));
    vt_ratls_verifier_set_measurement_cb(rv, measurement_cb, &s);
    vt_assert_ok(vt_ratls_verify_der(rv, der, len, VT_TIME_NOW, &r));
    assert_int_equal(s.calls, 1);
    assert_int_equal(s.svn, 3);
    vt_ratls_result_cleanup(&r);
    s.rc = 1; /* positive: accepted, as in Gramine */
    vt_assert_ok(vt_ratls_verify_der(rv, der, len, VT_TIME_NOW, &r));
    vt_ratls_result_cleanup(&r);
    s.rc = VT_E_MEASUREMENT;
    vt_assert_rc(vt_ratls_verify_der(rv, der, len, VT_TIME_NOW, &r), VT_E_MEASUREMENT);
    assert_non_null(strstr(vt_last_error(), "measurement callback"));
    vt_ratls_result_cleanup(&r);
    s.rc = -1; /* not a Veritee code: reported as a policy rejection */
    vt_assert_rc(vt_ratls_verify_der(rv, der, len, VT_TIME_NOW, &r), VT_E_POLICY);
    vt_ratls_result_cleanup(&r);
    assert_int_equal(s.calls, 4);
    vt_ratls_verifier_free(rv);
    vt_policy_free(p);
    free(der);
    vt_ratls_source_cleanup(&src);
}

/* No policy given: the default one (UpToDate, no debug, any identity). */
static void default_policy(void **state)
{
    (void)state;
    vt_ratls_source_t src;
    uint8_t *der;
    size_t len;
    vt_ratls_result_t r;
    vt_ratls_verifier_t *rv = NULL;
    vt_ratls_source_init(&src, &fx, VT_TEE_SGX, 0);
    vt_ratls_fixture_make_cert(&src, NULL, &der, &len);
    vt_assert_ok(vt_ratls_verifier_new(fx.verifier, NULL, &rv));
    vt_assert_ok(vt_ratls_verify_der(rv, der, len, VT_TIME_NOW, &r));
    vt_ratls_result_cleanup(&r);
    free(der);
    src.sgx.attributes[0] |= 0x02; /* DEBUG */
    vt_ratls_fixture_make_cert(&src, NULL, &der, &len);
    vt_assert_rc(vt_ratls_verify_der(rv, der, len, VT_TIME_NOW, &r), VT_E_POLICY);
    vt_ratls_result_cleanup(&r);
    vt_ratls_verifier_free(rv);
    free(der);
    vt_ratls_source_cleanup(&src);
}

/* vt_ratls_create takes its quotes from an attester; one whose quote does not carry
   the requested REPORTDATA (a plain directory, not a pseudo-filesystem) is refused. */
static void from_attester(void **state)
{
    (void)state;
    char dir[64], path[128];
    vt_ratls_source_t src;
    uint8_t rd[VT_REPORT_DATA_LEN] = {0}, *q;
    size_t q_len;
    vt_attester_t *a = NULL;
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    snprintf(dir, sizeof(dir), "/tmp/vt_ratls_att_XXXXXX");
    assert_non_null(mkdtemp(dir));
    vt_ratls_source_init(&src, &fx, VT_TEE_SGX, 0);
    vt_assert_ok(vt_ratls_source_evidence(&src, rd, &q, &q_len));
    snprintf(path, sizeof(path), "%s/quote", dir);
    vt_assert_ok(vt_file_write_atomic(path, q, q_len, 0644));
    snprintf(path, sizeof(path), "%s/attestation_type", dir);
    vt_assert_ok(vt_file_write_atomic(path, (const uint8_t *)"dcap", 4, 0644));
    snprintf(path, sizeof(path), "%s/user_report_data", dir);
    vt_assert_ok(vt_file_write_atomic(path, rd, sizeof(rd), 0644));
    setenv(VT_ATTEST_DIR_ENV, dir, 1);
    vt_assert_ok(vt_attester_new("gramine", &a));
    vt_assert_rc(vt_ratls_create(a, NULL, &key, &cert), VT_E_REPORT_DATA);
    assert_non_null(strstr(vt_last_error(), "legacy quote"));
    assert_null(key);
    assert_null(cert);
    vt_attester_free(a);
    free(q);
    vt_ratls_source_cleanup(&src);
    const char *names[] = {"quote", "attestation_type", "user_report_data"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sgx_p384),          cmocka_unit_test(sgx_p256),
        cmocka_unit_test(sgx_tcg_only),      cmocka_unit_test(tdx),
        cmocka_unit_test(tdx_p256_tcg_only), cmocka_unit_test(callback),
        cmocka_unit_test(default_policy),    cmocka_unit_test(from_attester),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
