/* SPDX-License-Identifier: Apache-2.0 */
/*
 * configfs-tsm report entries for the simulated TD: a fixed table under one mutex.
 * The quote is made outside the lock (it signs), from a copy of the entry's inblob and
 * generation, and cached only if the entry (by serial, not name) and its generation
 * have not changed meanwhile.
 */
#include "tsm_report.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

#define MOD "tsm"

typedef struct {
    char name[VT_AFS_TSM_NAME_MAX + 1];
    uint64_t serial; /* unique per entry ever created: a new entry of the same name differs */
    uint8_t inblob[VT_REPORT_DATA_LEN];
    bool has_inblob;
    uint64_t generation;
    uint8_t *outblob; /* owned; the quote of outblob_generation, or NULL */
    size_t outblob_len;
    uint64_t outblob_generation;
} entry_t;

struct vt_afs_tsm_reports {
    pthread_mutex_t lock;
    const vt_sim_platform_t *platform; /* borrowed; read-only */
    vt_td_report_body_t td;
    entry_t entries[VT_AFS_TSM_ENTRIES_MAX];
    size_t count;
    uint64_t next_serial;
};

int vt_afs_tsm_reports_new(const vt_sim_platform_t *p, const vt_td_report_body_t *td,
                           vt_afs_tsm_reports_t **out)
{
    vt_afs_tsm_reports_t *r = calloc(1, sizeof(*r));

    VT_ENSURE(r != NULL, VT_E_NOMEM, "out of memory allocating the tsm entries");
    if (pthread_mutex_init(&r->lock, NULL) != 0) {
        free(r);
        VT_BAIL(VT_E_INTERNAL, MOD ": mutex init failed");
    }
    r->platform = p;
    r->td = *td;
    *out = r;
    return 0;
}

void vt_afs_tsm_reports_free(vt_afs_tsm_reports_t *r)
{
    if (r == NULL) return;
    for (size_t i = 0; i < r->count; i++) free(r->entries[i].outblob);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

static entry_t *find(vt_afs_tsm_reports_t *r, const char *name)
{
    for (size_t i = 0; i < r->count; i++)
        if (strcmp(r->entries[i].name, name) == 0) return &r->entries[i];
    return NULL;
}

int vt_afs_tsm_report_create(vt_afs_tsm_reports_t *r, const char *name)
{
    int rc = VT_E_INTERNAL;
    size_t len = strlen(name);

    VT_ENSURE(len >= 1 && len <= VT_AFS_TSM_NAME_MAX && strchr(name, '/') == NULL, VT_E_INVALID_ARG,
              MOD ": bad entry name");
    pthread_mutex_lock(&r->lock);
    VT_TRY_ENSURE(find(r, name) == NULL, VT_E_INVALID_ARG, MOD ": entry exists");
    VT_TRY_ENSURE(r->count < VT_AFS_TSM_ENTRIES_MAX, VT_E_TOO_LARGE,
                  MOD ": %d report entries exist", VT_AFS_TSM_ENTRIES_MAX);
    entry_t *e = &r->entries[r->count++];
    snprintf(e->name, sizeof(e->name), "%s", name);
    e->serial = ++r->next_serial;
    rc = 0;
out:
    pthread_mutex_unlock(&r->lock);
    return rc;
}

int vt_afs_tsm_report_remove(vt_afs_tsm_reports_t *r, const char *name)
{
    int rc = VT_E_INTERNAL;

    pthread_mutex_lock(&r->lock);
    entry_t *e = find(r, name);
    VT_TRY_ENSURE(e != NULL, VT_E_NOT_FOUND, MOD ": no entry %s", name);
    free(e->outblob);
    *e = r->entries[r->count - 1];
    r->entries[r->count - 1] = (entry_t){.outblob = NULL};
    r->count--;
    rc = 0;
out:
    pthread_mutex_unlock(&r->lock);
    return rc;
}

bool vt_afs_tsm_report_exists(vt_afs_tsm_reports_t *r, const char *name)
{
    pthread_mutex_lock(&r->lock);
    bool is_found = find(r, name) != NULL;
    pthread_mutex_unlock(&r->lock);
    return is_found;
}

void vt_afs_tsm_report_list(vt_afs_tsm_reports_t *r, int (*add)(const char *name, void *arg),
                            void *arg)
{
    pthread_mutex_lock(&r->lock);
    for (size_t i = 0; i < r->count; i++)
        if (add(r->entries[i].name, arg) != 0) break;
    pthread_mutex_unlock(&r->lock);
}

int vt_afs_tsm_report_set_inblob(vt_afs_tsm_reports_t *r, const char *name, const uint8_t *data,
                                 size_t len)
{
    int rc = VT_E_INTERNAL;

    VT_ENSURE(len == VT_REPORT_DATA_LEN, VT_E_INVALID_ARG,
              MOD ": inblob write of %zu bytes, expected %d", len, VT_REPORT_DATA_LEN);
    pthread_mutex_lock(&r->lock);
    entry_t *e = find(r, name);
    VT_TRY_ENSURE(e != NULL, VT_E_NOT_FOUND, MOD ": no entry %s", name);
    memcpy(e->inblob, data, len); /* vt-lint: allow (len == sizeof inblob) */
    e->has_inblob = true;
    e->generation++;
    rc = 0;
out:
    pthread_mutex_unlock(&r->lock);
    return rc;
}

int vt_afs_tsm_report_generation(vt_afs_tsm_reports_t *r, const char *name, uint64_t *out)
{
    int rc = VT_E_INTERNAL;

    pthread_mutex_lock(&r->lock);
    entry_t *e = find(r, name);
    VT_TRY_ENSURE(e != NULL, VT_E_NOT_FOUND, MOD ": no entry %s", name);
    *out = e->generation;
    rc = 0;
out:
    pthread_mutex_unlock(&r->lock);
    return rc;
}

static int copy_out(const uint8_t *src, size_t len, uint8_t **out, size_t *out_len)
{
    uint8_t *b = malloc(len);
    VT_ENSURE(b != NULL, VT_E_NOMEM, "out of memory copying the outblob");
    memcpy(b, src, len); /* vt-lint: allow (b has len bytes) */
    *out = b;
    *out_len = len;
    return 0;
}

/*
 * Reads the cache or the inputs of a new quote; 1 when *out was served from the cache.
 * *serial and *gen name the entry and generation the inputs are of.
 */
static int snapshot(vt_afs_tsm_reports_t *r, const char *name, vt_td_report_body_t *td,
                    uint64_t *serial, uint64_t *gen, uint8_t **out, size_t *len)
{
    int rc = VT_E_INTERNAL;

    pthread_mutex_lock(&r->lock);
    entry_t *e = find(r, name);
    VT_TRY_ENSURE(e != NULL, VT_E_NOT_FOUND, MOD ": no entry %s", name);
    VT_TRY_ENSURE(e->has_inblob, VT_E_INVALID_ARG, MOD ": outblob read before any inblob write");
    if (e->outblob != NULL && e->outblob_generation == e->generation) {
        VT_TRY(copy_out(e->outblob, e->outblob_len, out, len));
        rc = 1;
        goto out;
    }
    *td = r->td;
    memcpy(td->report_data, e->inblob, VT_REPORT_DATA_LEN); /* vt-lint: allow (fixed) */
    *serial = e->serial;
    *gen = e->generation;
    rc = 0;
out:
    pthread_mutex_unlock(&r->lock);
    return rc;
}

int vt_afs_tsm_report_outblob(vt_afs_tsm_reports_t *r, const char *name, uint8_t **out, size_t *len)
{
    vt_td_report_body_t td;
    uint64_t serial = 0, gen = 0;
    uint8_t *q = NULL;
    size_t qlen = 0;

    int rc = snapshot(r, name, &td, &serial, &gen, out, len);
    if (rc != 0) return rc < 0 ? rc : 0;
    VT_GUARD(vt_sim_quote_tdx(r->platform, &td, &q, &qlen));
    rc = copy_out(q, qlen, out, len);
    pthread_mutex_lock(&r->lock);
    entry_t *e = find(r, name);
    /* Not into an entry removed and made again meanwhile: its generation restarts. */
    if (rc == 0 && e != NULL && e->serial == serial && e->generation == gen) {
        free(e->outblob);
        e->outblob = q;
        e->outblob_len = qlen;
        e->outblob_generation = gen;
        q = NULL;
    }
    pthread_mutex_unlock(&r->lock);
    free(q);
    return rc;
}
