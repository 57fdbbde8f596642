/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The attestfs daemon's shared context: the loaded platform (read-only after load),
 * the report KEYID chosen at start, the per-process state, and the refusal log.
 * Every FUSE worker thread reads it; only the state table changes, under its mutex.
 */
#ifndef VT_AFS_ATTESTFS_H
#define VT_AFS_ATTESTFS_H

#include <veritee/sim.h>

#include "caller.h"
#include "keyring.h"
#include "state.h"

#define VT_AFS_PROG      "veritee-attestfs"
#define VT_AFS_KEYID_LEN 32

typedef struct {
    vt_sim_platform_t *platform; /* owned; read-only after load */
    bool is_attestation_none;
    uint8_t keyid[VT_AFS_KEYID_LEN]; /* the platform's report KEYID, random per start */
    const vt_afs_keyring_t *keys;    /* borrowed from the options */
    vt_afs_state_t state;
} vt_afs_t;

/* The FUSE operations of the /dev/attestation tree (fs.c). */
struct fuse_operations;
const struct fuse_operations *vt_afs_fs_ops(void);

/* Logs "refused pid PID FILE: REASON" to stderr; never given a secret. */
void vt_afs_log_refusal(pid_t pid, const char *file, const char *reason);

#endif
