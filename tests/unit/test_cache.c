/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The collateral cache with a counting fake source and a fake clock: hits, refresh at
 * refresh_after, the min_refetch_seconds floor for stale sources, LRU eviction that never
 * frees an object in use, failures not cached, and concurrent gets sharing one fetch.
 */
#include "test_util.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "collateral/checked.h"
#include "common/ossl.h"

#define V "sgx-v3-phala-processorca"

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int calls;
    int fail_with;    /* when non-zero, fetch fails with this code */
    useconds_t delay; /* per fetch */
    bool is_gated;    /* fetch waits for open_gate */
    bool has_started;
    bool is_gate_open;
    vt_time_t now; /* the fake clock */
} source_t;

static source_t source;

static int fake_fetch(void *ctx, vt_tee_t tee, const uint8_t fmspc[static VT_FMSPC_LEN],
                      const char *pck_ca, vt_collateral_t *out)
{
    source_t *s = ctx;
    char dir[4096];
    (void)tee;
    (void)fmspc;
    (void)pck_ca;
    pthread_mutex_lock(&s->lock);
    s->calls++;
    s->has_started = true;
    pthread_cond_broadcast(&s->cond);
    while (s->is_gated && !s->is_gate_open) pthread_cond_wait(&s->cond, &s->lock);
    int fail = s->fail_with;
    useconds_t delay = s->delay;
    pthread_mutex_unlock(&s->lock);
    if (delay) usleep(delay);
    if (fail) return fail;
    snprintf(dir, sizeof(dir), "%s", vt_test_vector_path(V, ""));
    return vt_collateral_load_dir(dir, out);
}

static vt_time_t fake_clock(void *ctx)
{
    return ((source_t *)ctx)->now;
}

static int calls(void)
{
    pthread_mutex_lock(&source.lock);
    int n = source.calls;
    pthread_mutex_unlock(&source.lock);
    return n;
}

static X509 *root;
static const uint8_t FMSPC_A[6] = {0x00, 0xa0, 0x67, 0x11, 0x00, 0x00};
static const uint8_t FMSPC_B[6] = {0x00, 0x60, 0x6a, 0x00, 0x00, 0x00};
static const uint8_t FMSPC_C[6] = {0x00, 0x90, 0x6e, 0xa1, 0x00, 0x00};

static int setup(void **state)
{
    (void)state;
    uint8_t *der;
    size_t len;
    source = (source_t){0};
    pthread_mutex_init(&source.lock, NULL);
    pthread_cond_init(&source.cond, NULL);
    /* Inside the vector's validity: its refresh_after (2025-07-19) is still ahead. */
    vt_assert_ok(vt_time_parse("2025-07-01T00:00:00Z", &source.now));
    vt_test_read_vector(V, "root_ca.der", &der, &len);
    vt_assert_ok(vt_x509_parse(der, len, &root));
    free(der);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    X509_free(root);
    pthread_cond_destroy(&source.cond);
    pthread_mutex_destroy(&source.lock);
    return 0;
}

static vt_collateral_cache_t *new_cache(size_t capacity, vt_time_t min_refetch)
{
    vt_collateral_cache_t *cache = NULL;
    vt_assert_ok(vt_collateral_cache_new(capacity, min_refetch, &cache));
    vt_collateral_cache_set_clock(cache, fake_clock, &source);
    return cache;
}

static vt_checked_collateral_t *get(vt_collateral_cache_t *cache, const uint8_t fmspc[6])
{
    vt_checked_collateral_t *c = NULL;
    vt_assert_ok(vt_collateral_cache_get(cache, fake_fetch, &source, root, VT_TEE_SGX, fmspc,
                                         "processor", &c));
    assert_non_null(c);
    return c;
}

static void hits_after_the_first_fetch(void **state)
{
    (void)state;
    vt_collateral_cache_t *cache = new_cache(4, 60);
    vt_checked_collateral_t *a = get(cache, FMSPC_A);
    vt_checked_collateral_t *b = get(cache, FMSPC_A);
    assert_ptr_equal(a, b);
    assert_int_equal(calls(), 1);
    /* The key includes the TEE and the PCK CA. */
    vt_checked_collateral_t *c = NULL;
    vt_assert_ok(vt_collateral_cache_get(cache, fake_fetch, &source, root, VT_TEE_SGX, FMSPC_A,
                                         "platform", &c));
    assert_ptr_not_equal(c, a);
    vt_checked_collateral_unref(c);
    vt_assert_ok(vt_collateral_cache_get(cache, fake_fetch, &source, root, VT_TEE_TDX, FMSPC_A,
                                         "processor", &c));
    vt_checked_collateral_unref(c);
    assert_int_equal(calls(), 3);
    assert_int_equal(__atomic_load_n(&a->refs, __ATOMIC_SEQ_CST), 3); /* cache + a + b */
    vt_checked_collateral_unref(a);
    vt_checked_collateral_unref(b);
    vt_collateral_cache_free(cache);
}

static void refreshes_at_refresh_after(void **state)
{
    (void)state;
    vt_collateral_cache_t *cache = new_cache(4, 60);
    vt_checked_collateral_t *first = get(cache, FMSPC_A);
    vt_time_t due = first->refresh_after;
    assert_true(due > source.now);
    source.now = due - 1;
    vt_checked_collateral_unref(get(cache, FMSPC_A));
    assert_int_equal(calls(), 1);
    source.now = due;
    vt_checked_collateral_t *second = get(cache, FMSPC_A);
    assert_int_equal(calls(), 2);
    assert_ptr_not_equal(first, second);
    /* The replaced object lives on for its holder. */
    assert_int_equal(first->tcb_info->version, 3);
    vt_checked_collateral_unref(first);
    vt_checked_collateral_unref(second);
    vt_collateral_cache_free(cache);
}

static void stale_sources_are_polled_at_most_every_min_refetch(void **state)
{
    (void)state;
    vt_collateral_cache_t *cache = new_cache(4, 60);
    vt_assert_ok(vt_time_parse("2026-01-01T00:00:00Z", &source.now)); /* past nextUpdate */
    vt_checked_collateral_unref(get(cache, FMSPC_A));
    source.now += 59;
    vt_checked_collateral_unref(get(cache, FMSPC_A));
    assert_int_equal(calls(), 1);
    source.now += 1;
    vt_checked_collateral_unref(get(cache, FMSPC_A));
    assert_int_equal(calls(), 2);
    vt_checked_collateral_unref(get(cache, FMSPC_A));
    assert_int_equal(calls(), 2);
    vt_collateral_cache_free(cache);
}

static void evicts_the_least_recently_used(void **state)
{
    (void)state;
    vt_collateral_cache_t *cache = new_cache(2, 60);
    vt_checked_collateral_unref(get(cache, FMSPC_A));
    vt_checked_collateral_t *held_b = get(cache, FMSPC_B);
    vt_checked_collateral_unref(get(cache, FMSPC_A)); /* hit: B is now the LRU */
    assert_int_equal(calls(), 2);
    vt_checked_collateral_unref(get(cache, FMSPC_C)); /* evicts B */
    vt_checked_collateral_unref(get(cache, FMSPC_A)); /* still cached */
    assert_int_equal(calls(), 3);
    /* The evicted object is still ours to use. */
    assert_int_equal(__atomic_load_n(&held_b->refs, __ATOMIC_SEQ_CST), 1);
    assert_int_equal(held_b->qe_identity->version, 2);
    vt_checked_collateral_t *again_b = get(cache, FMSPC_B); /* evicts C */
    assert_int_equal(calls(), 4);
    assert_ptr_not_equal(again_b, held_b);
    vt_checked_collateral_unref(held_b);
    vt_checked_collateral_unref(again_b);
    vt_checked_collateral_unref(get(cache, FMSPC_C));
    assert_int_equal(calls(), 5);
    vt_collateral_cache_free(cache);
}

static void failures_are_not_cached(void **state)
{
    (void)state;
    vt_collateral_cache_t *cache = new_cache(4, 60);
    vt_checked_collateral_t *c = NULL;
    source.fail_with = VT_E_NETWORK;
    vt_assert_rc(vt_collateral_cache_get(cache, fake_fetch, &source, root, VT_TEE_SGX, FMSPC_A,
                                         "processor", &c),
                 VT_E_NETWORK);
    assert_null(c);
    source.fail_with = 0;
    c = get(cache, FMSPC_A);
    assert_int_equal(calls(), 2);
    vt_checked_collateral_unref(c);

    /* A failed check is not cached either: the wrong anchor is refused every time. */
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *other = X509_new();
    X509_NAME_add_entry_by_txt(X509_get_subject_name(other), "CN", MBSTRING_ASC,
                               (const unsigned char *)"Other Root", -1, -1, 0);
    X509_set_issuer_name(other, X509_get_subject_name(other));
    X509_set_pubkey(other, key);
    X509_gmtime_adj(X509_getm_notBefore(other), 0);
    X509_gmtime_adj(X509_getm_notAfter(other), 60);
    assert_true(X509_sign(other, key, EVP_sha256()) > 0);
    for (int i = 0; i < 2; i++)
        vt_assert_rc(vt_collateral_cache_get(cache, fake_fetch, &source, other, VT_TEE_SGX, FMSPC_B,
                                             "processor", &c),
                     VT_E_UNTRUSTED);
    assert_int_equal(calls(), 4);
    X509_free(other);
    EVP_PKEY_free(key);
    vt_collateral_cache_free(cache);
}

typedef struct {
    vt_collateral_cache_t *cache;
    const uint8_t *fmspc;
    vt_checked_collateral_t *got;
    int rc;
} getter_t;

static void *getter(void *arg)
{
    getter_t *g = arg;
    g->rc = vt_collateral_cache_get(g->cache, fake_fetch, &source, root, VT_TEE_SGX, g->fmspc,
                                    "processor", &g->got);
    return NULL;
}

static void run_getters(vt_collateral_cache_t *cache, getter_t *g, size_t n, bool is_mixed)
{
    pthread_t t[8];
    const uint8_t *keys[3] = {FMSPC_A, FMSPC_B, FMSPC_C};
    for (size_t i = 0; i < n; i++) {
        g[i] = (getter_t){.cache = cache, .fmspc = is_mixed ? keys[i % 3] : FMSPC_A};
        assert_int_equal(pthread_create(&t[i], NULL, getter, &g[i]), 0);
    }
    for (size_t i = 0; i < n; i++) pthread_join(t[i], NULL);
}

static void concurrent_gets_share_one_fetch(void **state)
{
    (void)state;
    vt_collateral_cache_t *cache = new_cache(2, 60);
    getter_t g[8];
    source.delay = 100 * 1000;
    run_getters(cache, g, 8, false);
    assert_int_equal(calls(), 1);
    for (size_t i = 0; i < 8; i++) {
        vt_assert_ok(g[i].rc);
        assert_ptr_equal(g[i].got, g[0].got);
        vt_checked_collateral_unref(g[i].got);
    }
    /* A failing fetch is shared too: every waiter gets its error and detail. */
    source.fail_with = VT_E_NETWORK;
    vt_collateral_cache_clear(cache);
    run_getters(cache, g, 8, false);
    assert_int_equal(calls(), 2);
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(g[i].rc, VT_E_NETWORK);
        assert_null(g[i].got);
    }
    /* Three keys over two slots: evictions while others hold references. */
    source.fail_with = 0;
    source.delay = 1000;
    for (int round = 0; round < 5; round++) {
        run_getters(cache, g, 8, true);
        for (size_t i = 0; i < 8; i++) {
            vt_assert_ok(g[i].rc);
            assert_int_equal(g[i].got->tcb_info->level_count, 11);
            vt_checked_collateral_unref(g[i].got);
        }
    }
    vt_collateral_cache_free(cache);
}

static void clear_discards_fetches_in_flight(void **state)
{
    (void)state;
    vt_collateral_cache_t *cache = new_cache(4, 60);
    getter_t g;
    pthread_t t;
    source.is_gated = true;
    g = (getter_t){.cache = cache, .fmspc = FMSPC_A};
    assert_int_equal(pthread_create(&t, NULL, getter, &g), 0);
    pthread_mutex_lock(&source.lock);
    while (!source.has_started) pthread_cond_wait(&source.cond, &source.lock);
    pthread_mutex_unlock(&source.lock);
    vt_collateral_cache_clear(cache); /* e.g. the trust anchor changed */
    pthread_mutex_lock(&source.lock);
    source.is_gate_open = true;
    pthread_cond_broadcast(&source.cond);
    pthread_mutex_unlock(&source.lock);
    pthread_join(t, NULL);
    vt_assert_ok(g.rc); /* the caller still gets what it asked for */
    vt_checked_collateral_unref(g.got);
    vt_checked_collateral_unref(get(cache, FMSPC_A)); /* but it was not stored */
    assert_int_equal(calls(), 2);
    vt_collateral_cache_free(cache);
}

static void rejects_bad_arguments(void **state)
{
    (void)state;
    vt_collateral_cache_t *cache = NULL;
    vt_checked_collateral_t *c = NULL;
    vt_assert_rc(vt_collateral_cache_new(0, 60, &cache), VT_E_INVALID_ARG);
    vt_assert_rc(vt_collateral_cache_new(1, -1, &cache), VT_E_INVALID_ARG);
    assert_null(cache);
    cache = new_cache(1, 0);
    vt_assert_rc(vt_collateral_cache_get(cache, fake_fetch, &source, root, VT_TEE_SGX, FMSPC_A,
                                         "a-very-long-ca-name", &c),
                 VT_E_INVALID_ARG);
    vt_assert_rc(vt_collateral_cache_get(cache, fake_fetch, &source, root, (vt_tee_t)7, FMSPC_A,
                                         "processor", &c),
                 VT_E_INVALID_ARG);
    vt_assert_rc(
        vt_collateral_cache_get(cache, NULL, &source, root, VT_TEE_SGX, FMSPC_A, "processor", &c),
        VT_E_INVALID_ARG);
    assert_null(c);
    assert_int_equal(calls(), 0);
    vt_collateral_cache_free(cache);
    vt_collateral_cache_free(NULL);
    vt_collateral_cache_clear(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(hits_after_the_first_fetch, setup, teardown),
        cmocka_unit_test_setup_teardown(refreshes_at_refresh_after, setup, teardown),
        cmocka_unit_test_setup_teardown(stale_sources_are_polled_at_most_every_min_refetch, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(evicts_the_least_recently_used, setup, teardown),
        cmocka_unit_test_setup_teardown(failures_are_not_cached, setup, teardown),
        cmocka_unit_test_setup_teardown(concurrent_gets_share_one_fetch, setup, teardown),
        cmocka_unit_test_setup_teardown(clear_discards_fetches_in_flight, setup, teardown),
        cmocka_unit_test_setup_teardown(rejects_bad_arguments, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
