/* SPDX-License-Identifier: Apache-2.0 */
/*
 * 16 threads verifying RA-TLS certificates through one shared verifier: SGX and TDX
 * certificates that must pass, one bound to another key that must fail, with the cache
 * off, on, and at capacity 1 (constant eviction). Every outcome must be the expected
 * one. Built under ThreadSanitizer by scripts/check.
 */
#include "test_util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "ratls_fixture.h"

#define THREADS 16
#define ROUNDS  6
#define CERTS   4

typedef struct {
    uint8_t *der;
    size_t len;
    int want;
    vt_tee_t tee;
} cert_t;

typedef struct {
    vt_ratls_verifier_t *rv;
    cert_t *certs;
    size_t first;
    atomic_int *failures;
    atomic_int *callbacks;
} job_t;

static vt_ratls_fixture_t fx;
static cert_t certs[CERTS];

static int cb(void *ctx, const vt_verify_result_t *r)
{
    atomic_int *n = ctx;
    atomic_fetch_add(n, 1);
    return r->is_verified ? 0 : VT_E_INTERNAL;
}

static void *worker(void *arg)
{
    job_t *job = arg;
    for (size_t round = 0; round < ROUNDS; round++) {
        const cert_t *c = &job->certs[(job->first + round) % CERTS];
        vt_ratls_result_t r;
        int rc = vt_ratls_verify_der(job->rv, c->der, c->len, VT_TIME_NOW, &r);
        bool ok = rc == c->want && (rc != 0 || (r.quote.is_verified && r.quote.tee == c->tee &&
                                                r.source == VT_RATLS_EXT_TCG));
        if (!ok) atomic_fetch_add(job->failures, 1);
        vt_ratls_result_cleanup(&r);
    }
    return NULL;
}

static void run(size_t cache_capacity)
{
    vt_policy_t *p;
    vt_ratls_verifier_t *rv;
    atomic_int failures = 0, callbacks = 0;
    pthread_t t[THREADS];
    job_t jobs[THREADS];
    vt_assert_ok(vt_policy_new(&p));
    vt_assert_ok(vt_ratls_verifier_new(fx.verifier, p, &rv));
    vt_ratls_verifier_set_measurement_cb(rv, cb, &callbacks);
    if (cache_capacity) vt_assert_ok(vt_ratls_verifier_set_cache(rv, cache_capacity, 600));
    for (size_t i = 0; i < THREADS; i++) {
        jobs[i] = (job_t){rv, certs, i, &failures, &callbacks};
        assert_int_equal(pthread_create(&t[i], NULL, worker, &jobs[i]), 0);
    }
    for (size_t i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    assert_int_equal(atomic_load(&failures), 0);
    /* Every passing verification ran the callback, cached or not. */
    assert_int_equal(atomic_load(&callbacks), THREADS * ROUNDS * 3 / 4);
    vt_ratls_verifier_free(rv);
    vt_policy_free(p);
}

static void no_cache(void **state)
{
    (void)state;
    run(0);
}

static void with_cache(void **state)
{
    (void)state;
    run(16);
}

static void evicting_cache(void **state)
{
    (void)state;
    run(1);
}

static int setup(void **state)
{
    (void)state;
    vt_ratls_source_t sgx, tdx;
    vt_ratls_fixture_init(&fx, VT_TCB_UP_TO_DATE, 1);
    vt_ratls_source_init(&sgx, &fx, VT_TEE_SGX, 0);
    vt_ratls_source_init(&tdx, &fx, VT_TEE_TDX, 0);
    vt_ratls_fixture_make_cert(&sgx, NULL, &certs[0].der, &certs[0].len);
    vt_ratls_create_options_t p256 = {.key_type = VT_RATLS_KEY_P256};
    vt_ratls_fixture_make_cert(&sgx, &p256, &certs[1].der, &certs[1].len);
    vt_ratls_fixture_make_cert(&tdx, NULL, &certs[2].der, &certs[2].len);
    certs[0].tee = certs[1].tee = VT_TEE_SGX;
    certs[2].tee = VT_TEE_TDX;
    /* The TCG evidence of certs[0] under another key. */
    EVP_PKEY *other = EVP_EC_gen("P-384");
    X509 *x = NULL;
    const unsigned char *p = certs[0].der;
    x = d2i_X509(NULL, &p, (long)certs[0].len);
    assert_non_null(x);
    vt_ratls_fixture_ext_t e = {VT_RATLS_TCG_EVIDENCE_OID, NULL, 0};
    e.value = vt_ratls_fixture_ext_value(x, VT_RATLS_TCG_EVIDENCE_OID, &e.len);
    vt_ratls_fixture_build_cert(other, &e, 1, &certs[3].der, &certs[3].len);
    certs[3].want = VT_E_REPORT_DATA;
    X509_free(x);
    EVP_PKEY_free(other);
    vt_ratls_source_cleanup(&sgx);
    vt_ratls_source_cleanup(&tdx);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < CERTS; i++) free(certs[i].der);
    vt_ratls_fixture_cleanup(&fx);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_cache),
        cmocka_unit_test(with_cache),
        cmocka_unit_test(evicting_cache),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
