/* SPDX-License-Identifier: Apache-2.0 */
/* The attestation key cache (key_cache.h): a fixed table, linear scan, LRU by tick. */
#include "verify/key_cache.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdlib.h>

#include "common/error.h"
#include "verify/p256.h"

#define VT_KEY_CACHE_SLOTS 16

typedef struct {
    uint8_t point[VT_P256_POINT_LEN];
    EVP_PKEY *key; /* owned reference; NULL = free slot */
    uint64_t last_used;
} key_slot_t;

struct vt_key_cache {
    pthread_mutex_t lock;
    key_slot_t slots[VT_KEY_CACHE_SLOTS];
    uint64_t tick;
};

int vt_key_cache_new(vt_key_cache_t **out)
{
    vt_key_cache_t *c = calloc(1, sizeof(*c));
    VT_ENSURE(c != NULL, VT_E_NOMEM, "out of memory allocating the key cache");
    if (pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c);
        VT_BAIL(VT_E_INTERNAL, "key cache: mutex init failed");
    }
    *out = c;
    return 0;
}

void vt_key_cache_free(vt_key_cache_t *c)
{
    if (!c) return;
    for (size_t i = 0; i < VT_KEY_CACHE_SLOTS; i++) EVP_PKEY_free(c->slots[i].key);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static EVP_PKEY *lookup(vt_key_cache_t *c, const uint8_t *point)
{
    EVP_PKEY *key = NULL;
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < VT_KEY_CACHE_SLOTS; i++) {
        key_slot_t *s = &c->slots[i];
        if (s->key && CRYPTO_memcmp(s->point, point, VT_P256_POINT_LEN) == 0) {
            if (EVP_PKEY_up_ref(s->key) == 1) key = s->key;
            s->last_used = ++c->tick;
            break;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return key;
}

static void store(vt_key_cache_t *c, const uint8_t *point, EVP_PKEY *key)
{
    pthread_mutex_lock(&c->lock);
    key_slot_t *victim = &c->slots[0];
    for (size_t i = 0; i < VT_KEY_CACHE_SLOTS; i++) {
        key_slot_t *s = &c->slots[i];
        if (s->key && CRYPTO_memcmp(s->point, point, VT_P256_POINT_LEN) == 0) goto out;
        if (!s->key || (victim->key && s->last_used < victim->last_used)) victim = s;
        if (!victim->key) break;
    }
    if (EVP_PKEY_up_ref(key) != 1) goto out;
    EVP_PKEY_free(victim->key);
    victim->key = key;
    for (size_t i = 0; i < VT_P256_POINT_LEN; i++) victim->point[i] = point[i];
    victim->last_used = ++c->tick;
out:
    pthread_mutex_unlock(&c->lock);
}

int vt_key_cache_get(vt_key_cache_t *c, const uint8_t point[static VT_P256_POINT_LEN],
                     EVP_PKEY **out)
{
    EVP_PKEY *key = lookup(c, point);
    if (!key) {
        /* Built outside the lock: threads with new keys do not wait for each other. */
        VT_GUARD(vt_verify_p256_key(point, &key));
        store(c, point, key);
    }
    *out = key;
    return 0;
}
