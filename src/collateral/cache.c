/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The collateral cache: checked collateral keyed by (tee, fmspc, pck_ca), shared by
 * reference so that eviction or refresh never frees an object a verifier is using.
 *
 * Locking: one mutex guards the table and the list of fetches in progress. Fetching and
 * checking run outside it. Concurrent misses for one key share a single fetch (a
 * "flight"): the first thread fetches, the others wait on the condition variable and
 * take its result, so a burst of verifications costs the PCCS one request set.
 * Lookups are linear in capacity, which is small (one entry per platform type).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checked.h"
#include "common/error.h"

#define PCK_CA_MAX 16 /* "platform", "processor" */
#define DETAIL_MAX 512

typedef struct {
    vt_tee_t tee;
    uint8_t fmspc[VT_FMSPC_LEN];
    char pck_ca[PCK_CA_MAX];
} cache_key_t;

typedef struct {
    cache_key_t key;
    vt_checked_collateral_t *coll; /* one reference owned by the cache */
    vt_time_t next_fetch;          /* due for a fetch at or after this time */
    uint64_t last_used;            /* LRU tick */
} cache_entry_t;

typedef struct flight {
    cache_key_t key;
    struct flight *next;
    size_t users; /* the fetching thread and every waiter */
    bool is_done;
    int rc;
    char detail[DETAIL_MAX];         /* the fetcher's error detail, for the waiters */
    vt_checked_collateral_t *result; /* one reference owned by the flight */
} flight_t;

struct vt_collateral_cache {
    pthread_mutex_t lock;
    pthread_cond_t flight_done;
    cache_entry_t *entries; /* owned; capacity slots, count used */
    size_t count;
    size_t capacity;
    vt_time_t min_refetch;
    uint64_t tick;
    uint64_t generation; /* bumped by clear: fetches begun before it are not stored */
    flight_t *flights;   /* owned list */
    vt_collateral_clock_fn now;
    void *now_ctx;
};

static vt_time_t wall_clock(void *ctx)
{
    (void)ctx;
    return vt_time_now();
}

static int make_key(vt_tee_t tee, const uint8_t fmspc[VT_FMSPC_LEN], const char *pck_ca,
                    cache_key_t *key)
{
    VT_ENSURE(tee == VT_TEE_SGX || tee == VT_TEE_TDX, VT_E_INVALID_ARG,
              "collateral cache: unknown tee %d", (int)tee);
    VT_ENSURE(strlen(pck_ca) < PCK_CA_MAX, VT_E_INVALID_ARG, "collateral cache: pck_ca too long");
    *key = (cache_key_t){.tee = tee};
    for (size_t i = 0; i < VT_FMSPC_LEN; i++) key->fmspc[i] = fmspc[i];
    snprintf(key->pck_ca, sizeof(key->pck_ca), "%s", pck_ca);
    return 0;
}

static bool same_key(const cache_key_t *a, const cache_key_t *b)
{
    if (a->tee != b->tee || strcmp(a->pck_ca, b->pck_ca) != 0) return false;
    for (size_t i = 0; i < VT_FMSPC_LEN; i++) {
        if (a->fmspc[i] != b->fmspc[i]) return false;
    }
    return true;
}

static cache_entry_t *find_entry(vt_collateral_cache_t *cache, const cache_key_t *key)
{
    for (size_t i = 0; i < cache->count; i++) {
        if (same_key(&cache->entries[i].key, key)) return &cache->entries[i];
    }
    return NULL;
}

static flight_t *find_flight(vt_collateral_cache_t *cache, const cache_key_t *key)
{
    for (flight_t *f = cache->flights; f != NULL; f = f->next) {
        if (same_key(&f->key, key)) return f;
    }
    return NULL;
}

int vt_collateral_cache_new(size_t capacity, vt_time_t min_refetch_seconds,
                            vt_collateral_cache_t **out)
{
    int rc = VT_E_INTERNAL;
    vt_collateral_cache_t *c = NULL;

    VT_ENSURE(capacity > 0 && min_refetch_seconds >= 0, VT_E_INVALID_ARG,
              "collateral cache: capacity must be positive and min_refetch_seconds >= 0");
    VT_TRY_ALLOC(c, calloc(1, sizeof(*c)), "collateral cache");
    VT_TRY_ALLOC(c->entries, calloc(capacity, sizeof(*c->entries)), "collateral cache entries");
    VT_TRY_ENSURE(pthread_mutex_init(&c->lock, NULL) == 0, VT_E_INTERNAL,
                  "collateral cache: cannot create a mutex");
    if (pthread_cond_init(&c->flight_done, NULL) != 0) {
        pthread_mutex_destroy(&c->lock);
        VT_TRY_BAIL(VT_E_INTERNAL, "collateral cache: cannot create a condition variable");
    }
    c->capacity = capacity;
    c->min_refetch = min_refetch_seconds;
    c->now = wall_clock;
    *out = c;
    c = NULL;
    rc = 0;
out:
    if (c != NULL) free(c->entries);
    free(c);
    return rc;
}

void vt_collateral_cache_clear(vt_collateral_cache_t *cache)
{
    if (cache == NULL) return;
    pthread_mutex_lock(&cache->lock);
    for (size_t i = 0; i < cache->count; i++) vt_checked_collateral_unref(cache->entries[i].coll);
    cache->count = 0;
    cache->generation++;
    pthread_mutex_unlock(&cache->lock);
}

/* The caller guarantees no get is running: that is what "free" means for a shared object. */
void vt_collateral_cache_free(vt_collateral_cache_t *cache)
{
    if (cache == NULL) return;
    vt_collateral_cache_clear(cache);
    pthread_cond_destroy(&cache->flight_done);
    pthread_mutex_destroy(&cache->lock);
    free(cache->entries);
    free(cache);
}

void vt_collateral_cache_set_clock(vt_collateral_cache_t *cache, vt_collateral_clock_fn now,
                                   void *ctx)
{
    pthread_mutex_lock(&cache->lock);
    cache->now = now != NULL ? now : wall_clock;
    cache->now_ctx = ctx;
    pthread_mutex_unlock(&cache->lock);
}

/* When an entry is due again. Collateral that is still fresh is refreshed when its first
 * document or CRL passes nextUpdate; collateral that the source served already stale
 * is retried at most every min_refetch seconds, so a source that keeps serving stale
 * data is not hammered once per verification. */
static vt_time_t next_fetch_time(const vt_collateral_cache_t *cache,
                                 const vt_checked_collateral_t *c, vt_time_t now)
{
    vt_time_t t = 0;
    if (c->refresh_after > now) return c->refresh_after;
    if (__builtin_add_overflow(now, cache->min_refetch, &t)) return INT64_MAX;
    return t;
}

/* Inserts or replaces key's entry, evicting the least recently used one when full. The
 * evicted collateral stays alive for as long as callers hold references to it. */
static void store(vt_collateral_cache_t *cache, const cache_key_t *key, vt_checked_collateral_t *c,
                  vt_time_t now)
{
    cache_entry_t *e = find_entry(cache, key);
    if (e == NULL && cache->count == cache->capacity) {
        size_t lru = 0;
        for (size_t i = 1; i < cache->count; i++) {
            if (cache->entries[i].last_used < cache->entries[lru].last_used) lru = i;
        }
        vt_checked_collateral_unref(cache->entries[lru].coll);
        cache->entries[lru] = cache->entries[--cache->count];
    }
    if (e == NULL) {
        e = &cache->entries[cache->count++];
        e->key = *key;
    } else {
        vt_checked_collateral_unref(e->coll);
    }
    vt_checked_collateral_ref(c);
    e->coll = c;
    e->next_fetch = next_fetch_time(cache, c, now);
    e->last_used = ++cache->tick;
}

static void release_flight(vt_collateral_cache_t *cache, flight_t *f)
{
    (void)cache;
    if (--f->users > 0) return;
    vt_checked_collateral_unref(f->result);
    free(f);
}

static void unlink_flight(vt_collateral_cache_t *cache, flight_t *f)
{
    for (flight_t **p = &cache->flights; *p != NULL; p = &(*p)->next) {
        if (*p == f) {
            *p = f->next;
            return;
        }
    }
}

/* Called with the lock held; waits for another thread's fetch of the same key. */
static int wait_for_flight(vt_collateral_cache_t *cache, flight_t *f, vt_checked_collateral_t **out)
{
    int rc = VT_E_INTERNAL;

    f->users++;
    while (!f->is_done) pthread_cond_wait(&cache->flight_done, &cache->lock);
    if (f->rc < 0) VT_TRY_BAIL(f->rc, "%s", f->detail);
    vt_checked_collateral_ref(f->result);
    *out = f->result;
    rc = 0;
out:
    release_flight(cache, f);
    return rc;
}

static int fetch_and_check(vt_collateral_fetch_fn fetch, void *ctx, X509 *trusted_root,
                           vt_tee_t tee, const uint8_t fmspc[VT_FMSPC_LEN], const char *pck_ca,
                           vt_checked_collateral_t **out)
{
    int rc = VT_E_INTERNAL;
    vt_collateral_t raw = {0};

    VT_TRY(fetch(ctx, tee, fmspc, pck_ca, &raw));
    VT_TRY_ENSURE(rc == 0, VT_E_INTERNAL, "collateral cache: fetch function returned %d", rc);
    VT_TRY(vt_collateral_check(&raw, trusted_root, out));
out:
    vt_collateral_cleanup(&raw);
    return rc;
}

/* Called with the lock held, returns with it released: fetches key as the leader of a
 * new flight, publishes the outcome to any waiters and stores a success. */
static int lead_flight(vt_collateral_cache_t *cache, const cache_key_t *key,
                       vt_collateral_fetch_fn fetch, void *ctx, X509 *trusted_root,
                       vt_checked_collateral_t **out)
{
    vt_checked_collateral_t *c = NULL;
    flight_t *f = calloc(1, sizeof(*f));
    if (f == NULL) {
        pthread_mutex_unlock(&cache->lock);
        VT_BAIL(VT_E_NOMEM, "out of memory allocating a cache fetch");
    }
    f->key = *key;
    f->users = 1;
    f->next = cache->flights;
    cache->flights = f;
    uint64_t generation = cache->generation;
    pthread_mutex_unlock(&cache->lock);

    int rc = fetch_and_check(fetch, ctx, trusted_root, key->tee, key->fmspc, key->pck_ca, &c);

    pthread_mutex_lock(&cache->lock);
    unlink_flight(cache, f);
    f->is_done = true;
    f->rc = rc;
    if (rc < 0) snprintf(f->detail, sizeof(f->detail), "%s", vt_last_error());
    if (rc == 0) {
        /* c carries check's reference, which becomes the caller's. */
        vt_checked_collateral_ref(c);
        f->result = c;
        if (generation == cache->generation) store(cache, key, c, cache->now(cache->now_ctx));
        *out = c;
    }
    pthread_cond_broadcast(&cache->flight_done);
    release_flight(cache, f);
    pthread_mutex_unlock(&cache->lock);
    return rc;
}

int vt_collateral_cache_get(vt_collateral_cache_t *cache, vt_collateral_fetch_fn fetch, void *ctx,
                            X509 *trusted_root, vt_tee_t tee,
                            const uint8_t fmspc[static VT_FMSPC_LEN], const char *pck_ca,
                            vt_checked_collateral_t **out)
{
    cache_key_t key;
    int rc;

    VT_ENSURE(cache != NULL && fetch != NULL && trusted_root != NULL && pck_ca != NULL &&
                  out != NULL,
              VT_E_INVALID_ARG, "collateral cache: null argument");
    VT_GUARD(make_key(tee, fmspc, pck_ca, &key));
    pthread_mutex_lock(&cache->lock);
    cache_entry_t *e = find_entry(cache, &key);
    if (e != NULL && cache->now(cache->now_ctx) < e->next_fetch) {
        e->last_used = ++cache->tick;
        vt_checked_collateral_ref(e->coll);
        *out = e->coll;
        pthread_mutex_unlock(&cache->lock);
        return 0;
    }
    /* Missing or due: join a fetch already under way for this key, or lead one. A due
     * entry is not handed out meanwhile, so nobody verifies with collateral the cache
     * already knows to be stale while fresher data is a moment away. */
    flight_t *f = find_flight(cache, &key);
    if (f != NULL) {
        rc = wait_for_flight(cache, f, out);
        pthread_mutex_unlock(&cache->lock);
        return rc;
    }
    return lead_flight(cache, &key, fetch, ctx, trusted_root, out);
}
