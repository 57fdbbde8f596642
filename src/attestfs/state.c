/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The per-process state table: a fixed array searched linearly (the cap is small and
 * each search is a few comparisons per entry). Every access takes the mutex, finds or
 * creates the caller's entry and copies values in or out, so no pointer into the table
 * escapes the lock. Key values are secrets: entries are wiped when dropped.
 */
#include "state.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/error.h"

#define MOD "state"

struct vt_afs_proc_state {
    vt_afs_proc_key_t key;
    uint8_t report_data[VT_REPORT_DATA_LEN];
    uint8_t target_info[VT_SGX_TARGET_INFO_LEN];
    uint8_t keys[VT_AFS_KEYS_MAX][VT_SEALING_KEY_LEN]; /* secret */
    bool key_is_set[VT_AFS_KEYS_MAX];
};

int vt_afs_state_init(vt_afs_state_t *s, size_t cap, const vt_afs_keyring_t *declared)
{
    *s = (vt_afs_state_t){.cap = cap, .declared = declared, .is_alive = vt_afs_proc_is_alive};
    VT_ENSURE(pthread_mutex_init(&s->lock, NULL) == 0, VT_E_INTERNAL, MOD ": mutex init failed");
    s->entries = calloc(cap, sizeof(*s->entries));
    if (s->entries == NULL) {
        pthread_mutex_destroy(&s->lock);
        VT_BAIL(VT_E_NOMEM, "out of memory allocating the state table");
    }
    return 0;
}

void vt_afs_state_cleanup(vt_afs_state_t *s)
{
    if (s->entries == NULL) return;
    OPENSSL_cleanse(s->entries, s->cap * sizeof(*s->entries));
    free(s->entries);
    s->entries = NULL;
    pthread_mutex_destroy(&s->lock);
}

static bool key_equal(const vt_afs_proc_key_t *a, const vt_afs_proc_key_t *b)
{
    return a->tgid == b->tgid && a->start_time == b->start_time && a->exe_dev == b->exe_dev &&
           a->exe_ino == b->exe_ino;
}

static void drop(vt_afs_state_t *s, size_t i)
{
    s->entries[i] = s->entries[s->count - 1];
    OPENSSL_cleanse(&s->entries[s->count - 1], sizeof(s->entries[0]));
    s->count--;
}

/* Drops the entries of processes that are gone, and of earlier images of this pid. */
static void sweep(vt_afs_state_t *s, const vt_afs_proc_key_t *k)
{
    for (size_t i = 0; i < s->count;) {
        const vt_afs_proc_key_t *e = &s->entries[i].key;
        bool is_old_image = e->tgid == k->tgid && e->start_time == k->start_time;
        if (is_old_image || !s->is_alive(e))
            drop(s, i);
        else
            i++;
    }
}

static int find(vt_afs_state_t *s, const vt_afs_proc_key_t *k, vt_afs_proc_state_t **out)
{
    for (size_t i = 0; i < s->count; i++) {
        if (key_equal(&s->entries[i].key, k)) {
            *out = &s->entries[i];
            return 0;
        }
    }
    sweep(s, k);
    VT_ENSURE(s->count < s->cap, VT_E_TOO_LARGE,
              VT_AFS_STATE_FULL " (%zu processes; see --max-processes)", s->cap);
    vt_afs_proc_state_t *e = &s->entries[s->count++];
    *e = (vt_afs_proc_state_t){.key = *k};
    for (size_t i = 0; i < s->declared->count; i++) {
        memcpy(e->keys[i], s->declared->keys[i].value, /* vt-lint: allow (fixed size) */
               VT_SEALING_KEY_LEN);
        e->key_is_set[i] = s->declared->keys[i].is_set;
    }
    *out = e;
    return 0;
}

/* Copies data into dst of cap bytes: the first cap bytes, zero-padded. */
static void put_padded(uint8_t *dst, size_t cap, const uint8_t *data, size_t len)
{
    size_t n = len < cap ? len : cap;
    memset(dst, 0, cap);
    if (n > 0) memcpy(dst, data, n); /* vt-lint: allow (n <= cap) */
}

static int lock(vt_afs_state_t *s)
{
    VT_ENSURE(pthread_mutex_lock(&s->lock) == 0, VT_E_INTERNAL, MOD ": cannot take the lock");
    return 0;
}

int vt_afs_state_set_report_data(vt_afs_state_t *s, const vt_afs_proc_key_t *k, const uint8_t *data,
                                 size_t len)
{
    vt_afs_proc_state_t *e = NULL;

    VT_GUARD(lock(s));
    int rc = find(s, k, &e);
    if (rc == 0) put_padded(e->report_data, sizeof(e->report_data), data, len);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int vt_afs_state_set_target_info(vt_afs_state_t *s, const vt_afs_proc_key_t *k, const uint8_t *data,
                                 size_t len)
{
    vt_afs_proc_state_t *e = NULL;

    VT_GUARD(lock(s));
    int rc = find(s, k, &e);
    if (rc == 0) put_padded(e->target_info, sizeof(e->target_info), data, len);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int vt_afs_state_get(vt_afs_state_t *s, const vt_afs_proc_key_t *k, uint8_t rd[VT_REPORT_DATA_LEN],
                     uint8_t ti[VT_SGX_TARGET_INFO_LEN])
{
    vt_afs_proc_state_t *e = NULL;

    VT_GUARD(lock(s));
    int rc = find(s, k, &e);
    if (rc == 0 && rd != NULL)
        put_padded(rd, VT_REPORT_DATA_LEN, e->report_data, VT_REPORT_DATA_LEN);
    if (rc == 0 && ti != NULL)
        put_padded(ti, VT_SGX_TARGET_INFO_LEN, e->target_info, VT_SGX_TARGET_INFO_LEN);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int vt_afs_state_key_get(vt_afs_state_t *s, const vt_afs_proc_key_t *k, size_t index,
                         uint8_t out[VT_SEALING_KEY_LEN], bool *is_set)
{
    vt_afs_proc_state_t *e = NULL;

    VT_ENSURE(index < s->declared->count, VT_E_INVALID_ARG, MOD ": key index %zu", index);
    VT_GUARD(lock(s));
    int rc = find(s, k, &e);
    if (rc == 0) {
        *is_set = e->key_is_set[index];
        put_padded(out, VT_SEALING_KEY_LEN, e->keys[index], VT_SEALING_KEY_LEN);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int vt_afs_state_key_set(vt_afs_state_t *s, const vt_afs_proc_key_t *k, size_t index,
                         const uint8_t in[VT_SEALING_KEY_LEN])
{
    vt_afs_proc_state_t *e = NULL;

    VT_ENSURE(index < s->declared->count, VT_E_INVALID_ARG, MOD ": key index %zu", index);
    VT_GUARD(lock(s));
    int rc = find(s, k, &e);
    if (rc == 0) {
        put_padded(e->keys[index], VT_SEALING_KEY_LEN, in, VT_SEALING_KEY_LEN);
        e->key_is_set[index] = true;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}
