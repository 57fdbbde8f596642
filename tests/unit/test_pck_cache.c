/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of src/verify/pck_cache.c (verified chains, LRU; verified intermediates)
 * and src/verify/key_cache.c (attestation keys).
 */
#include "test_util.h"

#include <openssl/ec.h>
#include <string.h>

#include "verify/key_cache.h"
#include "verify/pck_chain.h"

/* A chain object with no contents: the cache only counts references. */
static vt_pck_chain_t *dummy_chain(void)
{
    vt_pck_chain_t *c = calloc(1, sizeof(*c));
    assert_non_null(c);
    c->refs = 1;
    return c;
}

static void key_of(uint8_t key[VT_SHA256_LEN], uint8_t n)
{
    memset(key, 0, VT_SHA256_LEN);
    key[0] = n;         /* bucket bits */
    key[31] = n ^ 0x5a; /* and a difference outside them */
}

static bool has(vt_pck_cache_t *cache, uint8_t n)
{
    uint8_t key[VT_SHA256_LEN];
    key_of(key, n);
    vt_pck_chain_t *c = vt_pck_cache_get_chain(cache, key);
    vt_pck_chain_unref(c);
    return c != NULL;
}

static void put(vt_pck_cache_t *cache, uint8_t n)
{
    uint8_t key[VT_SHA256_LEN];
    vt_pck_chain_t *c = dummy_chain();
    key_of(key, n);
    vt_pck_cache_put_chain(cache, key, c);
    vt_pck_chain_unref(c);
}

static void lru_eviction(void **state)
{
    (void)state;
    vt_pck_cache_t *cache = NULL;
    vt_assert_ok(vt_pck_cache_new(2, &cache));
    assert_true(vt_pck_cache_has_chains(cache));
    put(cache, 1);
    put(cache, 2);
    assert_true(has(cache, 1)); /* 1 is now the most recently used */
    put(cache, 3);              /* evicts 2 */
    assert_true(has(cache, 1));
    assert_false(has(cache, 2));
    assert_true(has(cache, 3));
    put(cache, 3); /* already there: no change */
    assert_true(has(cache, 1) && has(cache, 3));

    vt_pck_cache_set_capacity(cache, 1); /* keeps the most recent (3) */
    assert_true(has(cache, 3));
    assert_false(has(cache, 1));
    vt_pck_cache_set_capacity(cache, 0);
    assert_false(vt_pck_cache_has_chains(cache));
    put(cache, 4);
    assert_false(has(cache, 3) || has(cache, 4));
    vt_pck_cache_set_capacity(cache, 100);
    for (uint8_t i = 0; i < 100; i++) put(cache, i);
    for (uint8_t i = 0; i < 100; i++) assert_true(has(cache, i));
    vt_pck_cache_clear(cache);
    assert_false(has(cache, 5));
    vt_pck_cache_free(cache);
    vt_pck_cache_free(NULL);
}

/* A chain held by a verification outlives its eviction. */
static void references_outlive_eviction(void **state)
{
    (void)state;
    vt_pck_cache_t *cache = NULL;
    uint8_t key[VT_SHA256_LEN];
    vt_assert_ok(vt_pck_cache_new(1, &cache));
    put(cache, 7);
    key_of(key, 7);
    vt_pck_chain_t *held = vt_pck_cache_get_chain(cache, key);
    assert_non_null(held);
    assert_int_equal(held->refs, 2);
    put(cache, 8); /* evicts 7 */
    assert_int_equal(held->refs, 1);
    vt_pck_chain_unref(held); /* freed here; ASan checks */
    vt_pck_cache_free(cache);
}

static X509 *dummy_cert(void)
{
    X509 *x = X509_new();
    assert_non_null(x);
    return x;
}

static void intermediates(void **state)
{
    (void)state;
    vt_pck_cache_t *cache = NULL;
    uint8_t key[VT_SHA256_LEN];
    X509 *certs[10];
    vt_assert_ok(vt_pck_cache_new(0, &cache)); /* no chain cache; intermediates still cached */
    for (uint8_t i = 0; i < 10; i++) {
        certs[i] = dummy_cert();
        key_of(key, i);
        uint8_t alias[VT_SHA256_LEN];
        key_of(alias, (uint8_t)(100 + i));
        vt_pck_cache_put_intermediate(cache, key, alias, certs[i]);
        if (i == 7) { /* all 8 slots full: touch 0 so that 1 and 2 are the oldest */
            key_of(key, 0);
            X509 *again = vt_pck_cache_get_intermediate(cache, key);
            assert_ptr_equal(again, certs[0]);
            X509_free(again);
        }
    }
    /* Capacity 8, LRU: 1 and 2 were used least recently. */
    key_of(key, 0);
    X509 *x = vt_pck_cache_get_intermediate(cache, key);
    assert_ptr_equal(x, certs[0]);
    X509_free(x);
    for (uint8_t i = 1; i < 3; i++) {
        key_of(key, i);
        assert_null(vt_pck_cache_get_intermediate(cache, key));
    }
    for (uint8_t i = 3; i < 10; i++) {
        key_of(key, i);
        x = vt_pck_cache_get_intermediate(cache, key);
        assert_ptr_equal(x, certs[i]);
        X509_free(x);
    }
    /* Found by the alias too; a second alias for a known DER replaces the first. */
    key_of(key, 109);
    x = vt_pck_cache_get_intermediate(cache, key);
    assert_ptr_equal(x, certs[9]);
    X509_free(x);
    uint8_t der_key[VT_SHA256_LEN], alias[VT_SHA256_LEN];
    key_of(der_key, 9);
    key_of(alias, 200);
    vt_pck_cache_put_intermediate(cache, der_key, alias, certs[9]);
    x = vt_pck_cache_get_intermediate(cache, alias);
    assert_ptr_equal(x, certs[9]);
    X509_free(x);
    vt_pck_cache_clear(cache);
    key_of(key, 9);
    assert_null(vt_pck_cache_get_intermediate(cache, key));
    for (size_t i = 0; i < 10; i++) X509_free(certs[i]);
    vt_pck_cache_free(cache);
}

static void attestation_keys(void **state)
{
    (void)state;
    vt_key_cache_t *keys = NULL;
    uint8_t point[64];
    EVP_PKEY *a = NULL, *b = NULL;
    vt_assert_ok(vt_key_cache_new(&keys));
    EVP_PKEY *priv = EVP_EC_gen("P-256");
    vt_assert_ok(vt_p256_key_to_point(priv, point));
    vt_assert_ok(vt_key_cache_get(keys, point, &a));
    vt_assert_ok(vt_key_cache_get(keys, point, &b));
    assert_ptr_equal(a, b);
    uint8_t back[64];
    vt_assert_ok(vt_p256_key_to_point(a, back));
    assert_memory_equal(back, point, 64);
    EVP_PKEY_free(a);
    EVP_PKEY_free(b);
    /* More keys than slots: all still correct. */
    for (int i = 0; i < 40; i++) {
        EVP_PKEY *k = EVP_EC_gen("P-256"), *got = NULL;
        uint8_t p[64];
        vt_assert_ok(vt_p256_key_to_point(k, p));
        vt_assert_ok(vt_key_cache_get(keys, p, &got));
        vt_assert_ok(vt_p256_key_to_point(got, back));
        assert_memory_equal(back, p, 64);
        EVP_PKEY_free(got);
        EVP_PKEY_free(k);
    }
    point[63] ^= 1; /* off the curve */
    vt_assert_rc(vt_key_cache_get(keys, point, &a), VT_E_MALFORMED);
    EVP_PKEY_free(priv);
    vt_key_cache_free(keys);
    vt_key_cache_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lru_eviction),
        cmocka_unit_test(references_outlive_eviction),
        cmocka_unit_test(intermediates),
        cmocka_unit_test(attestation_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
