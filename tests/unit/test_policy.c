/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/verify/policy.c: each rule accepts and rejects. */
#include "test_util.h"

#include <stdio.h>
#include <string.h>
#include <veritee/verify.h>

#include "test_pki.h"

static char *ids_two[] = {"INTEL-SA-00615", "INTEL-SA-00289"};

static vt_verify_result_t sgx_result(void)
{
    vt_verify_result_t r = {.is_verified = true,
                            .tcb_status = VT_TCB_UP_TO_DATE,
                            .tee = VT_TEE_SGX,
                            .quote_version = 3,
                            .body_type = VT_BODY_SGX};
    r.sgx.attributes[0] = 0x05; /* INIT | MODE64BIT */
    memset(r.sgx.mr_enclave, 0x1a, 32);
    memset(r.sgx.mr_signer, 0x2b, 32);
    r.sgx.isv_prod_id = 7;
    r.sgx.isv_svn = 3;
    return r;
}

static vt_verify_result_t td_result(void)
{
    vt_verify_result_t r = {.is_verified = true,
                            .tcb_status = VT_TCB_UP_TO_DATE,
                            .tee = VT_TEE_TDX,
                            .quote_version = 4,
                            .body_type = VT_BODY_TD10};
    r.td.td_attributes[3] = 0x10; /* SEPT_VE_DISABLE */
    memset(r.td.mr_td, 0x3c, 48);
    memset(r.td.rtmr[2], 0x4d, 48);
    memset(r.td.mr_owner_config, 0x5e, 48);
    return r;
}

static void expect_policy(const vt_policy_t *p, const vt_verify_result_t *r, const char *detail)
{
    int rc = vt_policy_appraise(p, r);
    if (!detail) {
        vt_assert_ok(rc);
        return;
    }
    vt_assert_rc(rc, VT_E_POLICY);
    if (!strstr(vt_last_error(), detail)) {
        print_error("detail \"%s\" lacks \"%s\"\n", vt_last_error(), detail);
        fail();
    }
}

static void default_policy(void **state)
{
    (void)state;
    vt_policy_t *p = NULL;
    vt_assert_ok(vt_policy_new(&p));
    vt_verify_result_t r = sgx_result();
    expect_policy(p, &r, NULL);
    r.is_verified = false;
    vt_assert_rc(vt_policy_appraise(p, &r), VT_E_INVALID_ARG);
    vt_verify_result_t t = td_result();
    expect_policy(p, &t, NULL);
    vt_policy_free(p);
    vt_policy_free(NULL);
}

static void tcb_statuses(void **state)
{
    (void)state;
    vt_policy_t *p = NULL;
    vt_assert_ok(vt_policy_new(&p));
    vt_verify_result_t r = sgx_result();
    for (int s = VT_TCB_SW_HARDENING_NEEDED; s < VT_TCB_STATUS_COUNT; s++) {
        if (s == VT_TCB_REVOKED) continue;
        r.tcb_status = (vt_tcb_status_t)s;
        char want[96];
        snprintf(want, sizeof(want), "policy: tcb status %s not accepted",
                 vt_tcb_status_name(r.tcb_status));
        expect_policy(p, &r, want);
        vt_assert_ok(vt_policy_accept_tcb_status(p, r.tcb_status));
        expect_policy(p, &r, NULL);
    }
    vt_assert_rc(vt_policy_accept_tcb_status(p, VT_TCB_REVOKED), VT_E_INVALID_ARG);
    vt_assert_rc(vt_policy_accept_tcb_status(p, (vt_tcb_status_t)99), VT_E_INVALID_ARG);
    vt_policy_free(p);
}

static void advisories(void **state)
{
    (void)state;
    vt_policy_t *p = NULL;
    vt_assert_ok(vt_policy_new(&p));
    vt_assert_ok(vt_policy_accept_tcb_status(p, VT_TCB_SW_HARDENING_NEEDED));
    vt_verify_result_t r = sgx_result();
    r.tcb_status = VT_TCB_SW_HARDENING_NEEDED;
    r.advisory_ids = ids_two;
    r.advisory_count = 2;
    expect_policy(p, &r, "policy: advisory INTEL-SA-00615 not accepted");
    vt_assert_ok(vt_policy_accept_advisory(p, "INTEL-SA-00615"));
    vt_assert_ok(vt_policy_accept_advisory(p, "INTEL-SA-00615")); /* idempotent */
    /* Every advisory present must be accepted, not just one. */
    expect_policy(p, &r, "policy: advisory INTEL-SA-00289 not accepted");
    vt_assert_ok(vt_policy_accept_advisory(p, "INTEL-SA-00289"));
    expect_policy(p, &r, NULL);
    vt_assert_rc(vt_policy_accept_advisory(p, ""), VT_E_INVALID_ARG);
    vt_policy_free(p);
}

static void debug(void **state)
{
    (void)state;
    vt_policy_t *p = NULL;
    vt_assert_ok(vt_policy_new(&p));
    vt_verify_result_t r = sgx_result();
    r.sgx.attributes[0] = 0x07;
    expect_policy(p, &r, "policy: debug enclave not allowed");
    vt_verify_result_t t = td_result();
    t.td.td_attributes[0] = 0x01;
    expect_policy(p, &t, "policy: debug td not allowed");
    vt_policy_set_allow_debug(p, true);
    expect_policy(p, &r, NULL);
    expect_policy(p, &t, NULL);
    vt_policy_set_allow_debug(p, false);
    expect_policy(p, &r, "debug enclave");
    vt_policy_free(p);
}

static void sgx_identity(void **state)
{
    (void)state;
    vt_policy_t *p = NULL;
    uint8_t want[32];
    vt_assert_ok(vt_policy_new(&p));
    vt_verify_result_t r = sgx_result();

    memset(want, 0x3c, 32);
    vt_policy_set_mrenclave(p, want);
    expect_policy(
        p, &r,
        "policy: mrenclave 1a1a1a1a1a1a1a1a... does not match the expected 3c3c3c3c3c3c3c3c...");
    memset(want, 0x1a, 32);
    vt_policy_set_mrenclave(p, want);
    expect_policy(p, &r, NULL);

    memset(want, 0x00, 32);
    vt_policy_set_mrsigner(p, want);
    expect_policy(p, &r, "policy: mrsigner 2b2b");
    memset(want, 0x2b, 32);
    vt_policy_set_mrsigner(p, want);
    expect_policy(p, &r, NULL);

    vt_policy_set_isv_prod_id(p, 8);
    expect_policy(p, &r, "policy: isvprodid 7 does not match the expected 8");
    vt_policy_set_isv_prod_id(p, 7);
    expect_policy(p, &r, NULL);

    vt_policy_set_min_isv_svn(p, 4);
    expect_policy(p, &r, "policy: isvsvn 3 is below the minimum 4");
    vt_policy_set_min_isv_svn(p, 3);
    expect_policy(p, &r, NULL);

    /* SGX identity pinned, TD evidence: refused. */
    vt_verify_result_t t = td_result();
    expect_policy(p, &t, "sgx enclave identity is pinned but the quote is from a td");
    vt_policy_free(p);
}

static void tdx_measurements(void **state)
{
    (void)state;
    vt_policy_t *p = NULL;
    uint8_t want[48];
    vt_assert_ok(vt_policy_new(&p));
    vt_verify_result_t t = td_result();

    memset(want, 0x3c, 48);
    vt_assert_ok(vt_policy_set_tdx_measurement(p, VT_TDX_MRTD, want));
    memset(want, 0x4d, 48);
    vt_assert_ok(vt_policy_set_tdx_measurement(p, VT_TDX_RTMR2, want));
    expect_policy(p, &t, NULL);
    memset(want, 0x00, 48);
    vt_assert_ok(vt_policy_set_tdx_measurement(p, VT_TDX_MROWNERCONFIG, want));
    expect_policy(p, &t,
                  "policy: mrownerconfig 5e5e5e5e5e5e5e5e... does not match the expected "
                  "0000000000000000...");
    memset(want, 0x5e, 48);
    vt_assert_ok(vt_policy_set_tdx_measurement(p, VT_TDX_MROWNERCONFIG, want));
    expect_policy(p, &t, NULL);
    t.td.rtmr[2][47] ^= 1;
    expect_policy(p, &t, "policy: rtmr2 ");
    vt_assert_rc(vt_policy_set_tdx_measurement(p, VT_TDX_FIELD_COUNT, want), VT_E_INVALID_ARG);

    /* TDX measurements pinned, SGX evidence: refused. */
    vt_verify_result_t r = sgx_result();
    expect_policy(p, &r, "policy: mrtd is pinned but the quote is from an sgx enclave");
    vt_policy_free(p);
}

/* End to end with the test PKI: a verified debug enclave, refused by default. */
static void verified_debug_enclave(void **state)
{
    (void)state;
    vt_test_pki_options_t o = {.is_debug = true};
    vt_test_pki_t pki;
    vt_verifier_t *v = NULL;
    vt_policy_t *p = NULL;
    vt_verify_result_t r;

    vt_test_pki_make(&o, &pki);
    vt_assert_ok(vt_verifier_new(&v));
    vt_assert_ok(vt_verifier_set_simulated_root(v, pki.root_der, pki.root_der_len));
    vt_assert_ok(vt_verifier_verify_with_collateral(v, pki.quote, pki.quote_len, &pki.collateral,
                                                    pki.now, &r));
    vt_assert_ok(vt_policy_new(&p));
    expect_policy(p, &r, "policy: debug enclave not allowed");
    vt_policy_set_allow_debug(p, true);
    vt_policy_set_mrenclave(p, pki.mr_enclave);
    vt_policy_set_mrsigner(p, pki.mr_signer);
    vt_policy_set_isv_prod_id(p, pki.isv_prod_id);
    vt_policy_set_min_isv_svn(p, pki.isv_svn);
    expect_policy(p, &r, NULL);
    vt_verify_result_cleanup(&r);
    vt_policy_free(p);
    vt_verifier_free(v);
    vt_test_pki_cleanup(&pki);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_policy),
        cmocka_unit_test(tcb_statuses),
        cmocka_unit_test(advisories),
        cmocka_unit_test(debug),
        cmocka_unit_test(sgx_identity),
        cmocka_unit_test(tdx_measurements),
        cmocka_unit_test(verified_debug_enclave),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
