/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every real DCAP vector verifies with exactly its expected TCB status and advisory IDs
 * at its verify_time (tests/vectors/README.md), through both entry points.
 */
#include "test_util.h"

#include <string.h>
#include <veritee/verify.h>

typedef struct {
    uint8_t *quote;
    size_t quote_len;
    vt_collateral_t collateral;
    vt_test_expected_t want;
} vector_t;

static void vector_load(const char *name, vector_t *v)
{
    memset(v, 0, sizeof(*v));
    vt_test_read_vector(name, "quote.bin", &v->quote, &v->quote_len);
    vt_assert_ok(vt_collateral_load_dir(vt_test_vector_path(name, ""), &v->collateral));
    vt_test_read_expected(name, &v->want);
}

static void vector_free(vector_t *v)
{
    free(v->quote);
    vt_collateral_cleanup(&v->collateral);
}

static bool has_id(const vt_verify_result_t *r, const char *id)
{
    for (size_t i = 0; i < r->advisory_count; i++) {
        if (strcmp(r->advisory_ids[i], id) == 0) return true;
    }
    return false;
}

static void check_result(const char *name, const vector_t *v, const vt_verify_result_t *r)
{
    vt_quote_t q;
    vt_assert_ok(vt_quote_parse_ex(v->quote, v->quote_len, VT_QUOTE_PARSE_ANY_TRAILING, &q));
    if (strcmp(vt_tcb_status_name(r->tcb_status), v->want.tcb_status) != 0) {
        print_error("%s: status %s, expected %s\n", name, vt_tcb_status_name(r->tcb_status),
                    v->want.tcb_status);
        fail();
    }
    assert_true(r->is_verified);
    assert_false(r->is_collateral_expired);
    assert_int_equal(r->verification_time, v->want.verify_time);
    assert_true(r->latest_issue_date <= r->verification_time);
    assert_true(r->verification_time < r->earliest_expiration_date);
    /* Order-insensitive, and no extra IDs. */
    assert_int_equal(r->advisory_count, v->want.advisory_count);
    for (size_t i = 0; i < v->want.advisory_count; i++)
        assert_true(has_id(r, v->want.advisory_ids[i]));
    assert_int_equal(r->quote_version, v->want.quote_version);
    assert_int_equal(r->tee, q.tee);
    assert_int_equal(r->body_type, q.body_type);
    if (q.tee == VT_TEE_SGX) {
        assert_memory_equal(&r->sgx, &q.sgx, sizeof(q.sgx));
    } else {
        assert_memory_equal(&r->td, &q.td, sizeof(q.td));
    }
    assert_true(r->tcb_evaluation_data_number > 0);
    uint8_t fmspc[VT_FMSPC_LEN];
    vt_assert_ok(vt_hex_decode(v->want.fmspc, strlen(v->want.fmspc), fmspc, sizeof(fmspc)));
    assert_memory_equal(r->pck.fmspc, fmspc, sizeof(fmspc));
}

static void vectors_with_collateral(void **state)
{
    (void)state;
    vt_verifier_t *ver = NULL;
    vt_assert_ok(vt_verifier_new(&ver));
    for (size_t i = 0; vt_test_dcap_vectors[i]; i++) {
        const char *name = vt_test_dcap_vectors[i];
        vector_t v;
        vt_verify_result_t r;
        vector_load(name, &v);
        /* Twice: the second run takes the cached PCK chain. */
        for (int pass = 0; pass < 2; pass++) {
            int rc = vt_verifier_verify_with_collateral(ver, v.quote, v.quote_len, &v.collateral,
                                                        v.want.verify_time, &r);
            if (rc != 0) print_error("%s: %s\n", name, vt_last_error());
            vt_assert_ok(rc);
            check_result(name, &v, &r);
            vt_verify_result_cleanup(&r);
        }
        vector_free(&v);
    }
    vt_verifier_free(ver);
}

static void vectors_from_bundle_dir(void **state)
{
    (void)state;
    for (size_t i = 0; vt_test_dcap_vectors[i]; i++) {
        const char *name = vt_test_dcap_vectors[i];
        vt_verifier_t *ver = NULL;
        vector_t v;
        vt_verify_result_t r;
        vector_load(name, &v);
        vt_assert_ok(vt_verifier_new(&ver));
        vt_assert_ok(vt_verifier_set_collateral_dir(ver, vt_test_vector_path(name, "")));
        for (int pass = 0; pass < 2; pass++) {
            vt_assert_ok(vt_verifier_verify(ver, v.quote, v.quote_len, v.want.verify_time, &r));
            check_result(name, &v, &r);
            vt_verify_result_cleanup(&r);
        }
        vt_verifier_free(ver);
        vector_free(&v);
    }
}

static void vectors_without_pck_cache(void **state)
{
    (void)state;
    vt_verifier_t *ver = NULL;
    vt_assert_ok(vt_verifier_new(&ver));
    vt_assert_ok(vt_verifier_set_pck_cache(ver, 0));
    for (size_t i = 0; vt_test_dcap_vectors[i]; i++) {
        vector_t v;
        vt_verify_result_t r;
        vector_load(vt_test_dcap_vectors[i], &v);
        vt_assert_ok(vt_verifier_verify_with_collateral(ver, v.quote, v.quote_len, &v.collateral,
                                                        v.want.verify_time, &r));
        check_result(vt_test_dcap_vectors[i], &v, &r);
        vt_verify_result_cleanup(&r);
        vector_free(&v);
    }
    vt_verifier_free(ver);
}

/* A tiny cache (capacity 1) evicts on every switch between vectors and stays correct. */
static void vectors_with_evicting_cache(void **state)
{
    (void)state;
    vt_verifier_t *ver = NULL;
    vector_t v[2];
    vt_verify_result_t r;
    vt_assert_ok(vt_verifier_new(&ver));
    vt_assert_ok(vt_verifier_set_pck_cache(ver, 1));
    vector_load("sgx-v3-phala-processorca", &v[0]);
    vector_load("tdx-v4-phala-uptodate", &v[1]);
    for (int round = 0; round < 6; round++) {
        vector_t *x = &v[round % 2];
        vt_assert_ok(vt_verifier_verify_with_collateral(ver, x->quote, x->quote_len, &x->collateral,
                                                        x->want.verify_time, &r));
        check_result("evicting", x, &r);
        vt_verify_result_cleanup(&r);
    }
    vector_free(&v[0]);
    vector_free(&v[1]);
    vt_verifier_free(ver);
}

/* VT_TIME_NOW is the wall clock: the vectors' collateral has long expired by then. */
static void verification_time_now(void **state)
{
    (void)state;
    vt_verifier_t *ver = NULL;
    vector_t v;
    vt_verify_result_t r;
    vector_load("tdx-v4-phala-uptodate", &v);
    vt_assert_ok(vt_verifier_new(&ver));
    vt_time_t before = vt_time_now();
    vt_assert_ok(vt_verifier_verify_with_collateral(ver, v.quote, v.quote_len, &v.collateral,
                                                    VT_TIME_NOW, &r));
    assert_true(r.is_verified);
    assert_true(r.verification_time >= before && r.verification_time <= vt_time_now());
    assert_true(r.is_collateral_expired);
    vt_verify_result_cleanup(&r);
    vt_verifier_free(ver);
    vector_free(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vectors_with_collateral),   cmocka_unit_test(vectors_from_bundle_dir),
        cmocka_unit_test(vectors_without_pck_cache), cmocka_unit_test(vectors_with_evicting_cache),
        cmocka_unit_test(verification_time_now),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
