/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The verified-PCK-chain cache (LRU, hash table + doubly linked list) and the small
 * verified-intermediate cache (keyed by the SHA-256 of the DER, with the SHA-256 of the
 * PEM text it came in as an alias, so a known intermediate is not even base64-decoded
 * again: equal text decodes to equal DER). One mutex guards both: every operation under it is a
 * few pointer moves and a 32-byte comparison, never a signature check, so threads
 * verifying quotes contend only briefly. Entries are shared by reference count, so an
 * eviction never frees a chain another thread is still using.
 */
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "verify/pck_chain.h"

/* Real platforms use two intermediates (Platform CA, Processor CA); a few more covers
 * a simulated root next to the real one. Evicted least recently used. */
#define VT_PCK_INTERMEDIATE_MAX 8

typedef struct chain_entry {
    uint8_t key[VT_SHA256_LEN];
    vt_pck_chain_t *chain;           /* one reference owned by the cache */
    struct chain_entry *prev, *next; /* LRU list, head = most recently used */
    struct chain_entry *bucket_next;
} chain_entry_t;

typedef struct {
    uint8_t key[VT_SHA256_LEN];     /* SHA-256 of the DER */
    uint8_t pem_key[VT_SHA256_LEN]; /* SHA-256 of a PEM text that decoded to that DER */
    bool has_pem_key;
    X509 *cert; /* owned reference; NULL = free slot */
    uint64_t last_used;
} intermediate_entry_t;

struct vt_pck_cache {
    pthread_mutex_t lock;
    size_t capacity;
    size_t count;
    chain_entry_t **buckets; /* owned; nbuckets (a power of two) slots */
    size_t nbuckets;
    chain_entry_t *head, *tail;
    intermediate_entry_t inter[VT_PCK_INTERMEDIATE_MAX];
    uint64_t tick;
};

static size_t bucket_index(const uint8_t key[static VT_SHA256_LEN], size_t nbuckets)
{
    /* The key is a SHA-256 digest: any 8 of its bytes are uniformly distributed. */
    uint64_t h = 0;
    for (size_t i = 0; i < 8; i++) h = (h << 8) | key[i];
    return (size_t)h & (nbuckets - 1);
}

static size_t bucket_of(const vt_pck_cache_t *c, const uint8_t key[static VT_SHA256_LEN])
{
    return bucket_index(key, c->nbuckets);
}

static bool key_equal(const uint8_t *a, const uint8_t *b)
{
    return CRYPTO_memcmp(a, b, VT_SHA256_LEN) == 0;
}

static void lru_unlink(vt_pck_cache_t *c, chain_entry_t *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        c->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        c->tail = e->prev;
    e->prev = e->next = NULL;
}

static void lru_push_front(vt_pck_cache_t *c, chain_entry_t *e)
{
    e->prev = NULL;
    e->next = c->head;
    if (c->head) c->head->prev = e;
    c->head = e;
    if (!c->tail) c->tail = e;
}

static void bucket_remove(vt_pck_cache_t *c, chain_entry_t *e)
{
    chain_entry_t **p = &c->buckets[bucket_of(c, e->key)];
    while (*p && *p != e) p = &(*p)->bucket_next;
    if (*p) *p = e->bucket_next;
}

static void entry_drop(vt_pck_cache_t *c, chain_entry_t *e)
{
    bucket_remove(c, e);
    lru_unlink(c, e);
    vt_pck_chain_unref(e->chain);
    free(e);
    c->count--;
}

static chain_entry_t *find(const vt_pck_cache_t *c, const uint8_t *key)
{
    if (c->nbuckets == 0) return NULL;
    for (chain_entry_t *e = c->buckets[bucket_of(c, key)]; e; e = e->bucket_next) {
        if (key_equal(e->key, key)) return e;
    }
    return NULL;
}

/* Resizes the table to about the capacity. On allocation failure the old table stays
 * (lookups remain correct, only longer). */
static void rehash(vt_pck_cache_t *c)
{
    size_t nb = 1;
    while (nb < c->capacity && nb < ((size_t)1 << 24)) nb <<= 1;
    chain_entry_t **b = calloc(nb, sizeof(*b));
    if (!b) return;
    for (chain_entry_t *e = c->head; e; e = e->next) {
        size_t i = bucket_index(e->key, nb);
        e->bucket_next = b[i];
        b[i] = e;
    }
    free(c->buckets);
    c->buckets = b;
    c->nbuckets = nb;
}

int vt_pck_cache_new(size_t capacity, vt_pck_cache_t **out)
{
    vt_pck_cache_t *c = calloc(1, sizeof(*c));
    VT_ENSURE(c != NULL, VT_E_NOMEM, "out of memory allocating the pck cache");
    if (pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c);
        VT_BAIL(VT_E_INTERNAL, "pck cache: mutex init failed");
    }
    c->capacity = capacity;
    rehash(c);
    if (!c->buckets) {
        vt_pck_cache_free(c);
        VT_BAIL(VT_E_NOMEM, "out of memory allocating the pck cache");
    }
    *out = c;
    return 0;
}

static void clear_locked(vt_pck_cache_t *c)
{
    while (c->head) entry_drop(c, c->head);
    for (size_t i = 0; i < VT_PCK_INTERMEDIATE_MAX; i++) {
        X509_free(c->inter[i].cert);
        c->inter[i].cert = NULL;
    }
}

void vt_pck_cache_free(vt_pck_cache_t *c)
{
    if (!c) return;
    clear_locked(c);
    free(c->buckets);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

void vt_pck_cache_clear(vt_pck_cache_t *c)
{
    pthread_mutex_lock(&c->lock);
    clear_locked(c);
    pthread_mutex_unlock(&c->lock);
}

bool vt_pck_cache_has_chains(vt_pck_cache_t *c)
{
    return __atomic_load_n(&c->capacity, __ATOMIC_RELAXED) > 0;
}

void vt_pck_cache_set_capacity(vt_pck_cache_t *c, size_t capacity)
{
    pthread_mutex_lock(&c->lock);
    __atomic_store_n(&c->capacity, capacity, __ATOMIC_RELAXED);
    while (c->count > capacity) entry_drop(c, c->tail);
    rehash(c);
    pthread_mutex_unlock(&c->lock);
}

vt_pck_chain_t *vt_pck_cache_get_chain(vt_pck_cache_t *c, const uint8_t key[static VT_SHA256_LEN])
{
    vt_pck_chain_t *chain = NULL;
    pthread_mutex_lock(&c->lock);
    chain_entry_t *e = find(c, key);
    if (e) {
        lru_unlink(c, e);
        lru_push_front(c, e);
        vt_pck_chain_ref(e->chain);
        chain = e->chain;
    }
    pthread_mutex_unlock(&c->lock);
    return chain;
}

void vt_pck_cache_put_chain(vt_pck_cache_t *c, const uint8_t key[static VT_SHA256_LEN],
                            vt_pck_chain_t *chain)
{
    pthread_mutex_lock(&c->lock);
    /* Another thread may have verified the same chain meanwhile: keep the first. */
    if (c->capacity == 0 || find(c, key) != NULL) goto out;
    chain_entry_t *e = calloc(1, sizeof(*e));
    if (!e) goto out;                   /* not caching is always correct */
    memcpy(e->key, key, VT_SHA256_LEN); /* vt-lint: allow (fixed-size digest) */
    vt_pck_chain_ref(chain);
    e->chain = chain;
    size_t i = bucket_of(c, key);
    e->bucket_next = c->buckets[i];
    c->buckets[i] = e;
    lru_push_front(c, e);
    c->count++;
    while (c->count > c->capacity) entry_drop(c, c->tail);
out:
    pthread_mutex_unlock(&c->lock);
}

X509 *vt_pck_cache_get_intermediate(vt_pck_cache_t *c, const uint8_t key[static VT_SHA256_LEN])
{
    X509 *x = NULL;
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < VT_PCK_INTERMEDIATE_MAX; i++) {
        intermediate_entry_t *e = &c->inter[i];
        if (e->cert && (key_equal(e->key, key) || (e->has_pem_key && key_equal(e->pem_key, key)))) {
            if (X509_up_ref(e->cert) == 1) x = e->cert;
            e->last_used = ++c->tick;
            break;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return x;
}

static void copy_key(uint8_t *dst, const uint8_t *src)
{
    for (size_t i = 0; i < VT_SHA256_LEN; i++) dst[i] = src[i];
}

void vt_pck_cache_put_intermediate(vt_pck_cache_t *c, const uint8_t key[static VT_SHA256_LEN],
                                   const uint8_t pem_key[static VT_SHA256_LEN], X509 *x)
{
    pthread_mutex_lock(&c->lock);
    intermediate_entry_t *slot = &c->inter[0];
    for (size_t i = 0; i < VT_PCK_INTERMEDIATE_MAX; i++) {
        intermediate_entry_t *e = &c->inter[i];
        if (e->cert && key_equal(e->key, key)) { /* known DER, maybe new text: alias it */
            copy_key(e->pem_key, pem_key);
            e->has_pem_key = true;
            goto out;
        }
        if (!e->cert) {
            if (slot->cert) slot = e;
        } else if (slot->cert && e->last_used < slot->last_used) {
            slot = e;
        }
    }
    if (X509_up_ref(x) != 1) goto out;
    X509_free(slot->cert);
    slot->cert = x;
    copy_key(slot->key, key);
    copy_key(slot->pem_key, pem_key);
    slot->has_pem_key = true;
    slot->last_used = ++c->tick;
out:
    pthread_mutex_unlock(&c->lock);
}
