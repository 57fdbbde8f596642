/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the files say. Gramine's pseudo-files produce their content at open() and keep
 * it in the handle (gramine-compat.md §1); each write() replaces the whole value. This
 * is that: the open-time "load" and the per-write "save" of every file, for the calling
 * process, with the identity check where the file needs one. Refusals are logged here,
 * one line each, and returned as the errno Gramine uses.
 */
#ifndef VT_AFS_CONTENT_H
#define VT_AFS_CONTENT_H

#include <pthread.h>
#include <sys/types.h>

#include "attestfs.h"
#include "nodes.h"

/*
 * One open file. FUSE worker threads may run a read and a write of the same handle at
 * once (threads or forked processes sharing the descriptor), and a write replaces buf:
 * lock guards buf and len after the open.
 */
typedef struct {
    vt_afs_node_t node;
    pthread_mutex_t lock;
    uint8_t *buf; /* owned; may hold a key: wiped when freed */
    size_t len;
} vt_afs_handle_t;

/* Opens node for the thread tid. On success *out is a new handle; else a negative errno. */
int vt_afs_content_open(vt_afs_t *afs, pid_t tid, const vt_afs_node_t *node, vt_afs_handle_t **out);

/* One write() of len bytes by thread tid: returns len, or a negative errno. */
int vt_afs_content_write(vt_afs_t *afs, pid_t tid, vt_afs_handle_t *h, const uint8_t *data,
                         size_t len);

/* Copies up to size bytes of the handle's content from off into buf: the byte count. */
int vt_afs_content_read(vt_afs_handle_t *h, char *buf, size_t size, off_t off);

/* Wipes and frees a handle; accepts NULL. */
void vt_afs_handle_free(vt_afs_handle_t *h);

#endif
