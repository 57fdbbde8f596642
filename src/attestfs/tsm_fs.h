/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The optional second mount: a configfs-tsm-like tree for a simulated TD
 * (--tsm-mount PATH --td-config FILE), so that the tsm attester provider
 * (VERITEE_TSM_DIR=PATH/report) runs unchanged against it:
 *
 *   PATH/report/                  rwxr-xr-x  mkdir NAME creates an entry, rmdir removes it
 *   PATH/report/NAME/inblob       -w-------  64 bytes of REPORTDATA; generation += 1
 *   PATH/report/NAME/outblob      r--r--r--  TDX quote v4 for the TD config and inblob
 *   PATH/report/NAME/generation   r--r--r--  decimal, newline
 *   PATH/report/NAME/provider     r--r--r--  "tdx_guest", newline
 *
 * As with the kernel's configfs, only root may create, remove and write entries. There
 * is no enclave identity check: the TD is the whole VM and every process in it is that
 * TD. It runs in its own thread, with its own libfuse session.
 */
#ifndef VT_AFS_TSM_FS_H
#define VT_AFS_TSM_FS_H

#include <veritee/sim.h>

typedef struct vt_afs_tsm vt_afs_tsm_t;

/* Reads and parses the TD config file. p is borrowed and must outlive *out. */
VT_MUST_CHECK int vt_afs_tsm_new(const vt_sim_platform_t *p, const char *td_config,
                                 vt_afs_tsm_t **out);
/* Mounts the tree on path (an existing directory). */
VT_MUST_CHECK int vt_afs_tsm_mount(vt_afs_tsm_t *t, const char *path);
/* Starts serving in a new thread (after any fork). */
VT_MUST_CHECK int vt_afs_tsm_start(vt_afs_tsm_t *t);
/* Unmounts, stops the thread (waiting at most a few seconds) and frees; accepts NULL. */
void vt_afs_tsm_free(vt_afs_tsm_t *t);

#endif
