/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Branches the real vectors cannot reach, through the test PKI (tests/lib/test_pki.h):
 * revoked PCK and intermediate serials (also for chains already cached), revoked TCB and
 * QE levels, every platform TCB status, no matching level, expiry, and the cache.
 */
#include "test_util.h"

#include <string.h>
#include <veritee/verify.h>

#include "test_pki.h"

static vt_verifier_t *sim_verifier(const vt_test_pki_t *pki)
{
    vt_verifier_t *v = NULL;
    vt_assert_ok(vt_verifier_new(&v));
    vt_assert_ok(vt_verifier_set_simulated_root(v, pki->root_der, pki->root_der_len));
    assert_true(vt_verifier_is_simulated_root(v));
    return v;
}

static int verify_pki(vt_verifier_t *v, const vt_test_pki_t *pki, vt_verify_result_t *r)
{
    return vt_verifier_verify_with_collateral(v, pki->quote, pki->quote_len, &pki->collateral,
                                              pki->now, r);
}

static void test_pki_quote_verifies(void **state)
{
    (void)state;
    vt_test_pki_options_t o = {0};
    vt_test_pki_t pki;
    vt_verify_result_t r;
    vt_test_pki_make(&o, &pki);
    vt_verifier_t *v = sim_verifier(&pki);

    vt_assert_ok(verify_pki(v, &pki, &r));
    assert_true(r.is_verified);
    assert_false(r.is_collateral_expired);
    assert_int_equal(r.tcb_status, VT_TCB_UP_TO_DATE);
    assert_int_equal(r.platform_tcb_status, VT_TCB_UP_TO_DATE);
    assert_int_equal(r.qe_tcb_status, VT_TCB_UP_TO_DATE);
    assert_int_equal(r.advisory_count, 0);
    assert_int_equal(r.tee, VT_TEE_SGX);
    assert_int_equal(r.quote_version, 3);
    assert_memory_equal(r.sgx.mr_enclave, pki.mr_enclave, 32);
    assert_memory_equal(r.sgx.mr_signer, pki.mr_signer, 32);
    assert_int_equal(r.tcb_evaluation_data_number, 16); /* min(17, 16) */
    assert_int_equal(r.pck.pce_svn, 13);
    assert_int_equal(r.verification_time, pki.now);
    assert_true(r.earliest_issue_date < r.latest_issue_date);
    assert_int_equal(r.earliest_expiration_date, pki.next_update);
    vt_verify_result_cleanup(&r);

    /* A day past the TCB info's nextUpdate: still verified, flagged. */
    vt_assert_ok(vt_verifier_verify_with_collateral(v, pki.quote, pki.quote_len, &pki.collateral,
                                                    pki.next_update + 86400, &r));
    assert_true(r.is_verified);
    assert_true(r.is_collateral_expired);
    vt_verify_result_cleanup(&r);
    vt_verifier_free(v);
    vt_test_pki_cleanup(&pki);
}

static void revoked_pck_serial(void **state)
{
    (void)state;
    vt_test_pki_options_t o = {.pck_serial = 0x1234567, .is_pck_revoked = true};
    vt_test_pki_t pki;
    vt_verify_result_t r;
    vt_test_pki_make(&o, &pki);
    vt_verifier_t *v = sim_verifier(&pki);

    vt_assert_rc(verify_pki(v, &pki, &r), VT_E_REVOKED);
    assert_false(r.is_verified);
    assert_int_equal(r.tcb_status, VT_TCB_REVOKED);
    assert_non_null(strstr(vt_last_error(), "01234567"));
    vt_verify_result_cleanup(&r);
    vt_verifier_free(v);
    vt_test_pki_cleanup(&pki);
}

static void revoked_intermediate(void **state)
{
    (void)state;
    vt_test_pki_options_t o = {.is_intermediate_revoked = true};
    vt_test_pki_t pki;
    vt_verify_result_t r;
    vt_test_pki_make(&o, &pki);
    vt_verifier_t *v = sim_verifier(&pki);
    vt_assert_rc(verify_pki(v, &pki, &r), VT_E_REVOKED);
    assert_int_equal(r.tcb_status, VT_TCB_REVOKED);
    assert_non_null(strstr(vt_last_error(), "intermediate"));
    vt_verify_result_cleanup(&r);
    vt_verifier_free(v);
    vt_test_pki_cleanup(&pki);
}

/* The chain is cached after the first call; a new CRL still revokes it. */
static void revocation_applies_to_cached_chains(void **state)
{
    (void)state;
    vt_test_pki_options_t o = {0};
    vt_test_pki_t pki;
    vt_verify_result_t r;
    vt_test_pki_make(&o, &pki);
    vt_verifier_t *v = sim_verifier(&pki);

    vt_assert_ok(verify_pki(v, &pki, &r));
    vt_verify_result_cleanup(&r);
    uint8_t *good = pki.collateral.pck_crl;
    size_t good_len = pki.collateral.pck_crl_len;
    pki.collateral.pck_crl = pki.pck_crl_revoking;
    pki.collateral.pck_crl_len = pki.pck_crl_revoking_len;
    vt_assert_rc(verify_pki(v, &pki, &r), VT_E_REVOKED);
    assert_int_equal(r.tcb_status, VT_TCB_REVOKED);
    vt_verify_result_cleanup(&r);
    pki.collateral.pck_crl = good;
    pki.collateral.pck_crl_len = good_len;
    vt_assert_ok(verify_pki(v, &pki, &r));
    vt_verify_result_cleanup(&r);
    vt_verifier_free(v);
    vt_test_pki_cleanup(&pki);
}

static void revoked_tcb_and_qe_levels(void **state)
{
    (void)state;
    vt_test_pki_options_t o[] = {{.tcb_status = VT_TCB_REVOKED}, {.qe_status = VT_TCB_REVOKED}};
    for (size_t i = 0; i < 2; i++) {
        vt_test_pki_t pki;
        vt_verify_result_t r;
        vt_test_pki_make(&o[i], &pki);
        vt_verifier_t *v = sim_verifier(&pki);
        vt_assert_rc(verify_pki(v, &pki, &r), VT_E_REVOKED);
        assert_false(r.is_verified);
        assert_int_equal(r.tcb_status, VT_TCB_REVOKED);
        assert_non_null(strstr(vt_last_error(), i == 0 ? "tcb info level" : "qe identity level"));
        vt_verify_result_cleanup(&r);
        vt_verifier_free(v);
        vt_test_pki_cleanup(&pki);
    }
}

static void every_platform_status(void **state)
{
    (void)state;
    static const char *const ids[] = {"INTEL-SA-00615", "INTEL-SA-00828"};
    static const struct {
        vt_tcb_status_t platform, qe, want;
    } rows[] = {
        {VT_TCB_UP_TO_DATE, VT_TCB_UP_TO_DATE, VT_TCB_UP_TO_DATE},
        {VT_TCB_SW_HARDENING_NEEDED, VT_TCB_UP_TO_DATE, VT_TCB_SW_HARDENING_NEEDED},
        {VT_TCB_CONFIGURATION_NEEDED, VT_TCB_UP_TO_DATE, VT_TCB_CONFIGURATION_NEEDED},
        {VT_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED, VT_TCB_UP_TO_DATE,
         VT_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED},
        {VT_TCB_OUT_OF_DATE, VT_TCB_UP_TO_DATE, VT_TCB_OUT_OF_DATE},
        {VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED, VT_TCB_UP_TO_DATE,
         VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED},
        /* The QE merge (dcap.md §5.5 table) */
        {VT_TCB_UP_TO_DATE, VT_TCB_OUT_OF_DATE, VT_TCB_OUT_OF_DATE},
        {VT_TCB_SW_HARDENING_NEEDED, VT_TCB_OUT_OF_DATE, VT_TCB_OUT_OF_DATE},
        {VT_TCB_CONFIGURATION_NEEDED, VT_TCB_OUT_OF_DATE, VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED},
        /* No level matches: verified, TcbNotSupported, no advisories */
        {VT_TCB_NOT_SUPPORTED, VT_TCB_UP_TO_DATE, VT_TCB_NOT_SUPPORTED},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        vt_test_pki_options_t o = {.tcb_status = rows[i].platform,
                                   .qe_status = rows[i].qe,
                                   .advisory_ids = ids,
                                   .advisory_count = 2};
        vt_test_pki_t pki;
        vt_verify_result_t r;
        vt_test_pki_make(&o, &pki);
        vt_verifier_t *v = sim_verifier(&pki);
        vt_assert_ok(verify_pki(v, &pki, &r));
        assert_true(r.is_verified);
        if (r.tcb_status != rows[i].want) {
            print_error("row %zu: %s, expected %s\n", i, vt_tcb_status_name(r.tcb_status),
                        vt_tcb_status_name(rows[i].want));
            fail();
        }
        assert_int_equal(r.qe_tcb_status, rows[i].qe);
        bool matched = rows[i].platform != VT_TCB_NOT_SUPPORTED;
        assert_int_equal(r.advisory_count, matched ? 2 : 0);
        if (matched) {
            assert_int_equal(r.platform_tcb_status, rows[i].platform);
            assert_string_equal(r.advisory_ids[0], ids[0]);
            assert_string_equal(r.advisory_ids[1], ids[1]);
        }
        vt_verify_result_cleanup(&r);
        vt_verifier_free(v);
        vt_test_pki_cleanup(&pki);
    }
}

/* Two PKIs: a chain and collateral from different roots never mix. */
static void collateral_from_another_pki(void **state)
{
    (void)state;
    vt_test_pki_options_t o = {0};
    vt_test_pki_t a, b;
    vt_verify_result_t r;
    vt_test_pki_make(&o, &a);
    vt_test_pki_make(&o, &b);
    vt_verifier_t *v = sim_verifier(&a);
    vt_assert_rc(
        vt_verifier_verify_with_collateral(v, a.quote, a.quote_len, &b.collateral, a.now, &r),
        VT_E_UNTRUSTED);
    vt_verify_result_cleanup(&r);
    /* Changing the root drops the cached chain: a's quote is now untrusted. */
    vt_assert_ok(verify_pki(v, &a, &r));
    vt_verify_result_cleanup(&r);
    vt_assert_ok(vt_verifier_set_simulated_root(v, b.root_der, b.root_der_len));
    vt_assert_rc(verify_pki(v, &a, &r), VT_E_UNTRUSTED);
    vt_verify_result_cleanup(&r);
    vt_assert_ok(verify_pki(v, &b, &r));
    vt_verify_result_cleanup(&r);
    vt_verifier_free(v);
    vt_test_pki_cleanup(&a);
    vt_test_pki_cleanup(&b);
}

static void cache_capacities(void **state)
{
    (void)state;
    vt_test_pki_options_t o = {0};
    vt_test_pki_t pki[3];
    vt_verify_result_t r;
    for (size_t i = 0; i < 3; i++) vt_test_pki_make(&o, &pki[i]);
    vt_verifier_t *v = NULL;
    vt_assert_ok(vt_verifier_new(&v));
    for (size_t cap = 0; cap < 4; cap++) {
        vt_assert_ok(vt_verifier_set_pck_cache(v, cap));
        for (size_t round = 0; round < 9; round++) {
            vt_test_pki_t *p = &pki[(round * 7) % 3];
            vt_assert_ok(vt_verifier_set_simulated_root(v, p->root_der, p->root_der_len));
            vt_assert_ok(verify_pki(v, p, &r));
            vt_verify_result_cleanup(&r);
        }
    }
    vt_verifier_free(v);
    for (size_t i = 0; i < 3; i++) vt_test_pki_cleanup(&pki[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pki_quote_verifies),
        cmocka_unit_test(revoked_pck_serial),
        cmocka_unit_test(revoked_intermediate),
        cmocka_unit_test(revocation_applies_to_cached_chains),
        cmocka_unit_test(revoked_tcb_and_qe_levels),
        cmocka_unit_test(every_platform_status),
        cmocka_unit_test(collateral_from_another_pki),
        cmocka_unit_test(cache_capacities),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
