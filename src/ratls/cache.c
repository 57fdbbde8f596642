/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Verified RA-TLS evidence keyed by the SHA-256 of the certificate: a hash table for
 * lookup and a doubly linked list in recency order for LRU eviction, under one mutex.
 * The bucket of a key is a hash of it under a random per-cache salt: the key is chosen by
 * the peer (any byte of a certificate, whose signature is not checked, changes it), so
 * buckets taken from the key's own bits could be filled one by one, and every lookup
 * would then walk the whole table under the mutex.
 * Entries are deep copies, so callers never share memory with the cache. An entry
 * lives until min(insertion time + TTL, the earliest collateral expiration of its
 * results) and is only valid for verification times in [insertion time, expiry).
 */
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/ossl.h"
#include "ratls/ratls_internal.h"

typedef struct entry {
    uint8_t key[32];
    vt_time_t inserted, expires;
    vt_ratls_verified_t value; /* owned deep copy */
    struct entry *next_in_bucket;
    struct entry *newer, *older; /* recency list */
} entry_t;

struct vt_ratls_cache {
    pthread_mutex_t lock;
    size_t capacity, count, bucket_count;
    uint32_t ttl;
    entry_t **buckets; /* owned */
    entry_t *newest, *oldest;
    uint8_t salt[32]; /* random: bucket_of's key */
};

/* ---- Deep copies -------------------------------------------------------------- */

int vt_ratls_verify_result_copy(const vt_verify_result_t *src, vt_verify_result_t *dst)
{
    vt_verify_result_t r = *src;
    r.advisory_ids = NULL;
    r.advisory_count = 0;
    if (src->advisory_count) {
        r.advisory_ids = calloc(src->advisory_count, sizeof(*r.advisory_ids));
        VT_ENSURE(r.advisory_ids != NULL, VT_E_NOMEM, "ratls cache: out of memory");
        for (size_t i = 0; i < src->advisory_count; i++) {
            r.advisory_ids[i] = strdup(src->advisory_ids[i]);
            if (!r.advisory_ids[i]) {
                vt_verify_result_cleanup(&r);
                VT_BAIL(VT_E_NOMEM, "ratls cache: out of memory");
            }
            r.advisory_count = i + 1;
        }
    }
    *dst = r;
    return 0;
}

void vt_ratls_verified_cleanup(vt_ratls_verified_t *v)
{
    if (!v) return;
    vt_verify_result_cleanup(&v->primary);
    vt_verify_result_cleanup(&v->legacy);
    *v = (vt_ratls_verified_t){0};
}

int vt_ratls_verified_copy(const vt_ratls_verified_t *src, vt_ratls_verified_t *dst)
{
    vt_ratls_verified_t v = {.source = src->source, .has_legacy = src->has_legacy};
    VT_GUARD(vt_ratls_verify_result_copy(&src->primary, &v.primary));
    if (src->has_legacy) {
        int rc = vt_ratls_verify_result_copy(&src->legacy, &v.legacy);
        if (rc < 0) {
            vt_ratls_verified_cleanup(&v);
            return rc;
        }
    }
    *dst = v;
    return 0;
}

/* ---- The table ------------------------------------------------------------------- */

int vt_ratls_cache_new(size_t capacity, uint32_t ttl_seconds, vt_ratls_cache_t **out)
{
    VT_ENSURE(capacity > 0 && capacity <= (1u << 24), VT_E_INVALID_ARG,
              "ratls cache: capacity %zu out of range", capacity);
    vt_ratls_cache_t *c = calloc(1, sizeof(*c));
    VT_ENSURE(c != NULL, VT_E_NOMEM, "ratls cache: out of memory");
    c->bucket_count = 16;
    while (c->bucket_count < capacity) c->bucket_count *= 2;
    c->buckets = calloc(c->bucket_count, sizeof(*c->buckets));
    if (!c->buckets || pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c->buckets);
        free(c);
        VT_BAIL(VT_E_NOMEM, "ratls cache: out of memory");
    }
    if (RAND_bytes(c->salt, sizeof(c->salt)) != 1) {
        pthread_mutex_destroy(&c->lock);
        free(c->buckets);
        free(c);
        return vt_error_set_ossl(VT_E_CRYPTO, __FILE__, __LINE__,
                                 "ratls cache: no random bytes for the bucket salt");
    }
    c->capacity = capacity;
    c->ttl = ttl_seconds;
    *out = c;
    return 0;
}

static void entry_free(entry_t *e)
{
    vt_ratls_verified_cleanup(&e->value);
    free(e);
}

void vt_ratls_cache_free(vt_ratls_cache_t *c)
{
    if (!c) return;
    for (entry_t *e = c->newest; e;) {
        entry_t *older = e->older;
        entry_free(e);
        e = older;
    }
    pthread_mutex_destroy(&c->lock);
    free(c->buckets);
    free(c);
}

static size_t bucket_of(const vt_ratls_cache_t *c, const uint8_t key[32])
{
    uint8_t in[64], digest[32];
    size_t h = 0;
    memcpy(in, c->salt, 32);  /* vt-lint: allow (fixed size) */
    memcpy(in + 32, key, 32); /* vt-lint: allow (fixed size) */
    vt_sha256(in, sizeof(in), digest);
    for (size_t i = 0; i < sizeof(h); i++) h = (h << 8) | digest[i];
    return h & (c->bucket_count - 1);
}

static entry_t *find(const vt_ratls_cache_t *c, const uint8_t key[32])
{
    for (entry_t *e = c->buckets[bucket_of(c, key)]; e; e = e->next_in_bucket) {
        if (CRYPTO_memcmp(e->key, key, 32) == 0) return e;
    }
    return NULL;
}

static void list_unlink(vt_ratls_cache_t *c, entry_t *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void list_push_newest(vt_ratls_cache_t *c, entry_t *e)
{
    e->older = c->newest;
    e->newer = NULL;
    if (c->newest) c->newest->newer = e;
    c->newest = e;
    if (!c->oldest) c->oldest = e;
}

static void remove_entry(vt_ratls_cache_t *c, entry_t *e)
{
    entry_t **pp = &c->buckets[bucket_of(c, e->key)];
    while (*pp != e) pp = &(*pp)->next_in_bucket;
    *pp = e->next_in_bucket;
    list_unlink(c, e);
    c->count--;
    entry_free(e);
}

int vt_ratls_cache_get(vt_ratls_cache_t *c, const uint8_t key[static 32], vt_time_t at,
                       vt_ratls_verified_t *out)
{
    int rc = VT_E_NOT_FOUND;
    pthread_mutex_lock(&c->lock);
    entry_t *e = find(c, key);
    if (e && (at < e->inserted || at >= e->expires)) {
        if (at >= e->expires) remove_entry(c, e);
        e = NULL;
    }
    if (e) {
        list_unlink(c, e);
        list_push_newest(c, e);
        rc = vt_ratls_verified_copy(&e->value, out);
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}

static vt_time_t expiry_of(const vt_ratls_cache_t *c, vt_time_t at, const vt_ratls_verified_t *v)
{
    vt_time_t exp = at > INT64_MAX - c->ttl ? INT64_MAX : at + c->ttl;
    if (v->primary.earliest_expiration_date < exp) exp = v->primary.earliest_expiration_date;
    if (v->has_legacy && v->legacy.earliest_expiration_date < exp)
        exp = v->legacy.earliest_expiration_date;
    return exp;
}

int vt_ratls_cache_put(vt_ratls_cache_t *c, const uint8_t key[static 32], vt_time_t at,
                       const vt_ratls_verified_t *v)
{
    vt_time_t exp = expiry_of(c, at, v);
    if (exp <= at) return 0;
    entry_t *n = calloc(1, sizeof(*n));
    VT_ENSURE(n != NULL, VT_E_NOMEM, "ratls cache: out of memory");
    int rc = vt_ratls_verified_copy(v, &n->value);
    if (rc < 0) {
        free(n);
        return rc;
    }
    memcpy(n->key, key, 32); /* vt-lint: allow (fixed size) */
    n->inserted = at;
    n->expires = exp;
    pthread_mutex_lock(&c->lock);
    entry_t *old = find(c, key);
    if (old) remove_entry(c, old);
    if (c->count == c->capacity) remove_entry(c, c->oldest);
    size_t b = bucket_of(c, key);
    n->next_in_bucket = c->buckets[b];
    c->buckets[b] = n;
    list_push_newest(c, n);
    c->count++;
    pthread_mutex_unlock(&c->lock);
    return 0;
}

size_t vt_ratls_cache_longest_chain(vt_ratls_cache_t *c)
{
    size_t longest = 0;
    pthread_mutex_lock(&c->lock);
    for (size_t b = 0; b < c->bucket_count; b++) {
        size_t n = 0;
        for (const entry_t *e = c->buckets[b]; e; e = e->next_in_bucket) n++;
        if (n > longest) longest = n;
    }
    pthread_mutex_unlock(&c->lock);
    return longest;
}

size_t vt_ratls_cache_size(vt_ratls_cache_t *c)
{
    pthread_mutex_lock(&c->lock);
    size_t n = c->count;
    pthread_mutex_unlock(&c->lock);
    return n;
}
