/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cache of verified RA-TLS evidence: hits, TTL expiry, expiry at the collateral's
 * earliest expiration, LRU eviction, deep copies, and that a hit is still appraised
 * (policy and measurement callback run on every verification).
 */
#include "test_util.h"

#include <string.h>

#include "ratls/ratls_internal.h"
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

/* ---- The table alone ---------------------------------------------------------------- */

static void entry(vt_ratls_verified_t *v, vt_time_t expires, const char *advisory)
{
    *v = (vt_ratls_verified_t){.source = VT_RATLS_EXT_TCG};
    v->primary.is_verified = true;
    v->primary.earliest_expiration_date = expires;
    v->primary.advisory_ids = calloc(1, sizeof(char *));
    v->primary.advisory_ids[0] = strdup(advisory);
    v->primary.advisory_count = 1;
}

static void key_of(uint8_t k[32], uint8_t n)
{
    memset(k, 0, 32);
    k[31] = n;
}

static bool has(vt_ratls_cache_t *c, uint8_t n, vt_time_t at)
{
    uint8_t k[32];
    vt_ratls_verified_t out;
    key_of(k, n);
    int rc = vt_ratls_cache_get(c, k, at, &out);
    if (rc == 0) vt_ratls_verified_cleanup(&out);
    assert_true(rc == 0 || rc == VT_E_NOT_FOUND);
    return rc == 0;
}

static void put(vt_ratls_cache_t *c, uint8_t n, vt_time_t at, vt_time_t expires)
{
    uint8_t k[32];
    vt_ratls_verified_t v;
    key_of(k, n);
    entry(&v, expires, "INTEL-SA-00001");
    vt_assert_ok(vt_ratls_cache_put(c, k, at, &v));
    vt_ratls_verified_cleanup(&v);
}

static void table_lru(void **state)
{
    (void)state;
    vt_ratls_cache_t *c;
    vt_assert_ok(vt_ratls_cache_new(2, 100, &c));
    put(c, 1, 1000, 5000);
    put(c, 2, 1000, 5000);
    assert_true(has(c, 1, 1001)); /* 1 is now the most recent */
    put(c, 3, 1002, 5000);        /* evicts 2, the least recently used */
    assert_int_equal(vt_ratls_cache_size(c), 2);
    assert_false(has(c, 2, 1003));
    assert_true(has(c, 1, 1003));
    assert_true(has(c, 3, 1003));
    put(c, 3, 1004, 5000); /* replacing keeps one entry */
    assert_int_equal(vt_ratls_cache_size(c), 2);
    vt_ratls_cache_free(c);
    vt_ratls_cache_t *bad;
    vt_assert_rc(vt_ratls_cache_new(0, 1, &bad), VT_E_INVALID_ARG);
}

/* Keys that share every bit but one byte (the peer chooses a certificate's hash) still
   spread over the buckets: 1024 of them in a 1024-entry table. */
static void table_chosen_keys_spread(void **state)
{
    (void)state;
    vt_ratls_cache_t *c;
    vt_assert_ok(vt_ratls_cache_new(1024, 100, &c));
    for (unsigned i = 0; i < 1024; i++) {
        uint8_t k[32] = {0};
        vt_ratls_verified_t v;
        k[30] = (uint8_t)(i >> 8);
        k[31] = (uint8_t)i;
        entry(&v, 5000, "INTEL-SA-00001");
        vt_assert_ok(vt_ratls_cache_put(c, k, 1000, &v));
        vt_ratls_verified_cleanup(&v);
    }
    assert_int_equal(vt_ratls_cache_size(c), 1024);
    size_t longest = vt_ratls_cache_longest_chain(c);
    if (longest > 16) print_error("a bucket holds %zu of 1024 keys\n", longest);
    assert_true(longest <= 16);
    vt_ratls_cache_free(c);
}

static void table_expiry(void **state)
{
    (void)state;
    vt_ratls_cache_t *c;
    vt_assert_ok(vt_ratls_cache_new(8, 100, &c));
    put(c, 1, 1000, 5000); /* TTL decides: until 1100 */
    put(c, 2, 1000, 1050); /* collateral decides: until 1050 */
    put(c, 3, 1000, 1000); /* already expired: not stored */
    put(c, 4, 1000, 900);
    assert_int_equal(vt_ratls_cache_size(c), 2);
    assert_false(has(c, 1, 999)); /* before it was verified */
    assert_true(has(c, 1, 1099));
    assert_true(has(c, 2, 1049));
    assert_false(has(c, 2, 1050));
    assert_false(has(c, 1, 1100));
    assert_int_equal(vt_ratls_cache_size(c), 0); /* expired entries are dropped */
    vt_ratls_cache_free(c);
    /* TTL 0 stores nothing. */
    vt_assert_ok(vt_ratls_cache_new(8, 0, &c));
    put(c, 1, 1000, 5000);
    assert_false(has(c, 1, 1000));
    vt_ratls_cache_free(c);
}

static void table_deep_copy(void **state)
{
    (void)state;
    vt_ratls_cache_t *c;
    uint8_t k[32];
    vt_ratls_verified_t v, out1, out2;
    key_of(k, 1);
    vt_assert_ok(vt_ratls_cache_new(8, 100, &c));
    entry(&v, 5000, "INTEL-SA-00615");
    vt_assert_ok(vt_ratls_cache_put(c, k, 1000, &v));
    v.primary.advisory_ids[0][0] = 'X'; /* the caller's copy changes... */
    vt_ratls_verified_cleanup(&v);      /* ...and goes away */
    vt_assert_ok(vt_ratls_cache_get(c, k, 1001, &out1));
    assert_string_equal(out1.primary.advisory_ids[0], "INTEL-SA-00615");
    out1.primary.advisory_ids[0][0] = 'Y';
    vt_assert_ok(vt_ratls_cache_get(c, k, 1001, &out2));
    assert_string_equal(out2.primary.advisory_ids[0], "INTEL-SA-00615");
    assert_ptr_not_equal(out1.primary.advisory_ids[0], out2.primary.advisory_ids[0]);
    vt_ratls_verified_cleanup(&out1);
    vt_ratls_verified_cleanup(&out2);
    vt_ratls_cache_free(c);
}

/* ---- Through the verifier ---------------------------------------------------------------- */

typedef struct {
    int calls;
    int reject_from; /* reject from this call on (0: never) */
} cb_t;

static int counting_cb(void *ctx, const vt_verify_result_t *r)
{
    cb_t *s = ctx;
    (void)r;
    s->calls++;
    return s->reject_from && s->calls >= s->reject_from ? VT_E_POLICY : 0;
}

static void verifier_hits(void **state)
{
    (void)state;
    vt_ratls_source_t src;
    uint8_t *a, *b, *c3;
    size_t a_len, b_len, c_len;
    vt_ratls_verifier_t *rv;
    vt_policy_t *p;
    vt_ratls_result_t r, r2;
    cb_t cb = {0};
    vt_ratls_source_init(&src, &fx, VT_TEE_SGX, 0);
    vt_ratls_fixture_make_cert(&src, NULL, &a, &a_len);
    vt_ratls_fixture_make_cert(&src, NULL, &b, &b_len);
    vt_ratls_fixture_make_cert(&src, NULL, &c3, &c_len);
    vt_assert_ok(vt_policy_new(&p));
    vt_assert_ok(vt_ratls_verifier_new(fx.verifier, p, &rv));
    vt_ratls_verifier_set_measurement_cb(rv, counting_cb, &cb);
    vt_assert_ok(vt_ratls_verifier_set_cache(rv, 2, 3600));
    vt_time_t now = vt_time_now();

    vt_assert_ok(vt_ratls_verify_der(rv, a, a_len, now, &r));
    assert_false(r.is_from_cache);
    vt_assert_ok(vt_ratls_verify_der(rv, a, a_len, now + 1, &r2));
    assert_true(r2.is_from_cache);
    assert_int_equal(r2.source, VT_RATLS_EXT_TCG);
    assert_memory_equal(r.cert_sha256, r2.cert_sha256, 32);
    assert_int_equal(r2.quote.tcb_status, r.quote.tcb_status);
    assert_memory_equal(r2.quote.sgx.mr_enclave, r.quote.sgx.mr_enclave, 32);
    assert_int_equal(cb.calls, 2); /* the callback runs on a hit too */
    vt_ratls_result_cleanup(&r);
    vt_ratls_result_cleanup(&r2);

    /* A hit is still appraised: the callback now rejects. */
    cb.reject_from = 3;
    vt_assert_rc(vt_ratls_verify_der(rv, a, a_len, now + 2, &r), VT_E_POLICY);
    assert_true(r.is_from_cache);
    vt_ratls_result_cleanup(&r);
    cb.reject_from = 0;

    /* TTL: an hour later it is verified afresh. */
    vt_assert_ok(vt_ratls_verify_der(rv, a, a_len, now + 3600, &r));
    assert_false(r.is_from_cache);
    vt_ratls_result_cleanup(&r);

    /* Eviction: a (fresh at now+3600), b, then c evicts a. */
    vt_assert_ok(vt_ratls_verify_der(rv, b, b_len, now + 3600, &r));
    vt_ratls_result_cleanup(&r);
    vt_assert_ok(vt_ratls_verify_der(rv, c3, c_len, now + 3600, &r));
    vt_ratls_result_cleanup(&r);
    vt_assert_ok(vt_ratls_verify_der(rv, b, b_len, now + 3601, &r));
    assert_true(r.is_from_cache);
    vt_ratls_result_cleanup(&r);
    vt_assert_ok(vt_ratls_verify_der(rv, a, a_len, now + 3601, &r));
    assert_false(r.is_from_cache);
    vt_ratls_result_cleanup(&r);

    /* A failed verification is not cached. */
    a[a_len / 2] ^= 1;
    int rc = vt_ratls_verify_der(rv, a, a_len, now + 3602, &r);
    assert_true(rc < 0);
    vt_ratls_result_cleanup(&r);
    rc = vt_ratls_verify_der(rv, a, a_len, now + 3603, &r);
    assert_true(rc < 0);
    assert_false(r.is_from_cache);
    vt_ratls_result_cleanup(&r);

    /* Disabling the cache. */
    vt_assert_ok(vt_ratls_verifier_set_cache(rv, 0, 0));
    vt_assert_ok(vt_ratls_verify_der(rv, b, b_len, now + 3604, &r));
    assert_false(r.is_from_cache);
    vt_ratls_result_cleanup(&r);

    vt_ratls_verifier_free(rv);
    vt_policy_free(p);
    free(a);
    free(b);
    free(c3);
    vt_ratls_source_cleanup(&src);
}

/* The entry ends at the collateral's earliest expiration even with a long TTL. */
static void verifier_collateral_expiry(void **state)
{
    (void)state;
    vt_ratls_source_t src;
    uint8_t *a;
    size_t a_len;
    vt_ratls_verifier_t *rv;
    vt_policy_t *p;
    vt_ratls_result_t r;
    vt_ratls_source_init(&src, &fx, VT_TEE_SGX, 0);
    vt_ratls_fixture_make_cert(&src, NULL, &a, &a_len);
    vt_assert_ok(vt_policy_new(&p));
    vt_assert_ok(vt_policy_accept_tcb_status(p, VT_TCB_OUT_OF_DATE));
    vt_assert_ok(vt_ratls_verifier_new(fx.verifier, p, &rv));
    vt_assert_ok(vt_ratls_verifier_set_cache(rv, 4, UINT32_MAX));
    vt_assert_ok(vt_ratls_verify_der(rv, a, a_len, VT_TIME_NOW, &r));
    vt_time_t exp = r.quote.earliest_expiration_date;
    vt_ratls_result_cleanup(&r);
    vt_assert_ok(vt_ratls_verify_der(rv, a, a_len, exp - 1, &r));
    assert_true(r.is_from_cache);
    assert_false(r.quote.is_collateral_expired);
    vt_ratls_result_cleanup(&r);
    vt_assert_ok(vt_ratls_verify_der(rv, a, a_len, exp, &r));
    assert_false(r.is_from_cache);
    assert_true(r.quote.is_collateral_expired);
    vt_ratls_result_cleanup(&r);
    /* Expired results are not cached either. */
    vt_assert_ok(vt_ratls_verify_der(rv, a, a_len, exp + 1, &r));
    assert_false(r.is_from_cache);
    vt_ratls_result_cleanup(&r);
    vt_ratls_verifier_free(rv);
    vt_policy_free(p);
    free(a);
    vt_ratls_source_cleanup(&src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_lru),     cmocka_unit_test(table_chosen_keys_spread),
        cmocka_unit_test(table_expiry),  cmocka_unit_test(table_deep_copy),
        cmocka_unit_test(verifier_hits), cmocka_unit_test(verifier_collateral_expiry),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
