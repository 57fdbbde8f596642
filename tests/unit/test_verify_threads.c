/* SPDX-License-Identifier: Apache-2.0 */
/*
 * 8 threads verifying the real vectors through one verifier: with a bundle directory as
 * collateral source and the caches on, with explicit collateral, and with a PCK cache of
 * one entry that evicts constantly. Every result must be the expected one.
 */
#include "test_util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <veritee/verify.h>

#define THREADS 8
#define ROUNDS  24

typedef struct {
    uint8_t *quote;
    size_t quote_len;
    vt_collateral_t collateral;
    vt_test_expected_t want;
} vector_t;

typedef struct {
    vt_verifier_t *verifier;
    vector_t *vectors;
    size_t count;
    bool use_source; /* vt_verifier_verify (bundle dir) or ..._with_collateral */
    size_t first;
    atomic_int *failures;
} job_t;

static bool result_ok(const vector_t *v, const vt_verify_result_t *r)
{
    if (!r->is_verified || r->is_collateral_expired) return false;
    if (strcmp(vt_tcb_status_name(r->tcb_status), v->want.tcb_status) != 0) return false;
    if (r->advisory_count != v->want.advisory_count) return false;
    for (size_t i = 0; i < v->want.advisory_count; i++) {
        bool found = false;
        for (size_t j = 0; j < r->advisory_count; j++)
            found = found || strcmp(r->advisory_ids[j], v->want.advisory_ids[i]) == 0;
        if (!found) return false;
    }
    return true;
}

static void *worker(void *arg)
{
    job_t *job = arg;
    for (size_t round = 0; round < ROUNDS; round++) {
        const vector_t *v = &job->vectors[(job->first + round) % job->count];
        vt_verify_result_t r;
        int rc =
            job->use_source
                ? vt_verifier_verify(job->verifier, v->quote, v->quote_len, v->want.verify_time, &r)
                : vt_verifier_verify_with_collateral(job->verifier, v->quote, v->quote_len,
                                                     &v->collateral, v->want.verify_time, &r);
        if (rc != 0 || !result_ok(v, &r)) atomic_fetch_add(job->failures, 1);
        vt_verify_result_cleanup(&r);
    }
    return NULL;
}

static void run(vt_verifier_t *ver, vector_t *vectors, size_t count, bool use_source)
{
    pthread_t tid[THREADS];
    job_t jobs[THREADS];
    atomic_int failures = 0;
    for (size_t t = 0; t < THREADS; t++) {
        jobs[t] = (job_t){ver, vectors, count, use_source, t, &failures};
        assert_int_equal(pthread_create(&tid[t], NULL, worker, &jobs[t]), 0);
    }
    for (size_t t = 0; t < THREADS; t++) pthread_join(tid[t], NULL);
    assert_int_equal(atomic_load(&failures), 0);
}

static size_t load_all(vector_t *out)
{
    size_t n = 0;
    for (; vt_test_dcap_vectors[n]; n++) {
        vector_t *v = &out[n];
        memset(v, 0, sizeof(*v));
        vt_test_read_vector(vt_test_dcap_vectors[n], "quote.bin", &v->quote, &v->quote_len);
        vt_assert_ok(vt_collateral_load_dir(vt_test_vector_path(vt_test_dcap_vectors[n], ""),
                                            &v->collateral));
        vt_test_read_expected(vt_test_dcap_vectors[n], &v->want);
    }
    return n;
}

static void free_all(vector_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].quote);
        vt_collateral_cleanup(&v[i].collateral);
    }
}

static void threads_with_bundle_dir(void **state)
{
    (void)state;
    vector_t vectors[16];
    size_t n = load_all(vectors);
    /* One verifier per bundle (a bundle directory holds one platform's collateral),
     * shared by all threads. */
    for (size_t i = 0; i < n; i++) {
        vt_verifier_t *ver = NULL;
        vt_assert_ok(vt_verifier_new(&ver));
        vt_assert_ok(
            vt_verifier_set_collateral_dir(ver, vt_test_vector_path(vt_test_dcap_vectors[i], "")));
        run(ver, &vectors[i], 1, true);
        vt_verifier_free(ver);
    }
    free_all(vectors, n);
}

static void threads_with_collateral(void **state)
{
    (void)state;
    vector_t vectors[16];
    size_t n = load_all(vectors);
    vt_verifier_t *ver = NULL;
    vt_assert_ok(vt_verifier_new(&ver));
    run(ver, vectors, n, false);
    /* A one-entry chain cache: every other call evicts. */
    vt_assert_ok(vt_verifier_set_pck_cache(ver, 1));
    run(ver, vectors, n, false);
    vt_assert_ok(vt_verifier_set_pck_cache(ver, 0));
    run(ver, vectors, n, false);
    vt_verifier_free(ver);
    free_all(vectors, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(threads_with_bundle_dir),
        cmocka_unit_test(threads_with_collateral),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
