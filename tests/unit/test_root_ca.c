/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of src/verify/root_ca.c: the built-in Intel root, vt_verifier_set_root and
 * vt_verifier_set_simulated_root (self-issued, self-signed, SIMULATED or not), and that a
 * chain from another root is untrusted.
 */
#include "test_util.h"

#include <string.h>
#include <veritee/verify.h>

#include "test_pki.h"

static void load_vector(const char *name, uint8_t **quote, size_t *len, vt_collateral_t *c,
                        vt_test_expected_t *want)
{
    vt_test_read_vector(name, "quote.bin", quote, len);
    vt_assert_ok(vt_collateral_load_dir(vt_test_vector_path(name, ""), c));
    vt_test_read_expected(name, want);
}

static void builtin_root_is_intel(void **state)
{
    (void)state;
    vt_verifier_t *ver = NULL;
    vt_verify_result_t r;
    uint8_t *quote = NULL;
    size_t len = 0;
    vt_collateral_t c = {0};
    vt_test_expected_t want;
    load_vector("sgx-v3-phala-processorca", &quote, &len, &c, &want);
    vt_assert_ok(vt_verifier_new(&ver));
    assert_false(vt_verifier_is_simulated_root(ver));
    vt_assert_ok(vt_verifier_verify_with_collateral(ver, quote, len, &c, want.verify_time, &r));
    vt_verify_result_cleanup(&r);
    vt_verifier_free(ver);
    vt_verifier_free(NULL);
    vt_verify_result_cleanup(NULL);
    vt_collateral_cleanup(&c);
    free(quote);
}

static void wrong_root_is_untrusted(void **state)
{
    (void)state;
    vt_test_pki_t pki;
    vt_test_pki_options_t o = {.root_cn = "Veritee Test SGX Root CA"};
    vt_verifier_t *ver = NULL;
    vt_verify_result_t r;
    uint8_t *quote = NULL;
    size_t len = 0;
    vt_collateral_t c = {0};
    vt_test_expected_t want;

    vt_test_pki_make(&o, &pki);
    load_vector("tdx-v4-phala-uptodate", &quote, &len, &c, &want);
    vt_assert_ok(vt_verifier_new(&ver));
    vt_assert_ok(vt_verifier_set_root(ver, pki.root_der, pki.root_der_len));
    assert_false(vt_verifier_is_simulated_root(ver));
    vt_assert_rc(vt_verifier_verify_with_collateral(ver, quote, len, &c, want.verify_time, &r),
                 VT_E_UNTRUSTED);
    assert_false(r.is_verified);
    vt_verify_result_cleanup(&r);
    /* And the other way round: the test PKI's quote under the Intel root. */
    vt_verifier_free(ver);
    vt_assert_ok(vt_verifier_new(&ver));
    vt_assert_rc(vt_verifier_verify_with_collateral(ver, pki.quote, pki.quote_len, &pki.collateral,
                                                    pki.now, &r),
                 VT_E_UNTRUSTED);
    vt_verify_result_cleanup(&r);
    vt_verifier_free(ver);
    vt_collateral_cleanup(&c);
    free(quote);
    vt_test_pki_cleanup(&pki);
}

static void root_setters_check_the_kind_of_root(void **state)
{
    (void)state;
    vt_test_pki_t sim, plain;
    vt_test_pki_options_t so = {0}, po = {.root_cn = "Veritee Test SGX Root CA"};
    vt_verifier_t *ver = NULL;
    uint8_t *intel = NULL;
    size_t intel_len = 0;

    vt_test_pki_make(&so, &sim);
    vt_test_pki_make(&po, &plain);
    vt_test_read_vector("tdx-v4-phala-uptodate", "root_ca.der", &intel, &intel_len);
    vt_assert_ok(vt_verifier_new(&ver));
    assert_false(vt_verifier_is_simulated_root(ver));
    vt_assert_rc(vt_verifier_set_root(ver, sim.root_der, sim.root_der_len), VT_E_UNTRUSTED);
    vt_assert_rc(vt_verifier_set_simulated_root(ver, plain.root_der, plain.root_der_len),
                 VT_E_INVALID_ARG);
    vt_assert_rc(vt_verifier_set_simulated_root(ver, intel, intel_len), VT_E_INVALID_ARG);
    assert_false(vt_verifier_is_simulated_root(ver));
    vt_assert_ok(vt_verifier_set_simulated_root(ver, sim.root_der, sim.root_der_len));
    assert_true(vt_verifier_is_simulated_root(ver));
    vt_assert_ok(vt_verifier_set_root(ver, intel, intel_len));
    assert_false(vt_verifier_is_simulated_root(ver));
    /* Not a root: truncated DER, or garbage. */
    vt_assert_rc(vt_verifier_set_root(ver, intel, intel_len - 1), VT_E_MALFORMED);
    vt_assert_rc(vt_verifier_set_root(ver, (const uint8_t *)"nope", 4), VT_E_MALFORMED);
    vt_verifier_free(ver);
    free(intel);
    vt_test_pki_cleanup(&sim);
    vt_test_pki_cleanup(&plain);
}

static void a_root_must_be_self_signed(void **state)
{
    (void)state;
    vt_verifier_t *ver = NULL;
    uint8_t *chain = NULL;
    size_t len = 0;
    /* The TCB signing certificate: issued by the root, not self-issued. */
    vt_test_read_vector("tdx-v4-phala-uptodate", "tcb_info_issuer_chain.pem", &chain, &len);
    char *second = strstr((char *)chain, "-----BEGIN CERTIFICATE-----\n");
    second = strstr(second + 1, "-----BEGIN CERTIFICATE-----");
    assert_non_null(second);
    vt_assert_ok(vt_verifier_new(&ver));
    vt_assert_rc(vt_verifier_set_root(ver, chain, (size_t)((uint8_t *)second - chain)), VT_E_CHAIN);
    /* The root's own PEM (the second certificate) is fine. */
    vt_assert_ok(
        vt_verifier_set_root(ver, (uint8_t *)second, len - (size_t)((uint8_t *)second - chain)));
    vt_verifier_free(ver);
    free(chain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builtin_root_is_intel),
        cmocka_unit_test(wrong_root_is_untrusted),
        cmocka_unit_test(root_setters_check_the_kind_of_root),
        cmocka_unit_test(a_root_must_be_self_signed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
