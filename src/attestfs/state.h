/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-process state of /dev/attestation: in Gramine, user_report_data, target_info and
 * the encrypted-files keys are process-global buffers of each enclave process. Here
 * one table holds them for every client process, keyed by vt_afs_proc_key_t, under
 * one mutex. Entries of processes that have exited are dropped when a new process
 * needs an entry (the sweep); beyond the cap a new process is refused (VT_E_TOO_LARGE).
 * A new entry starts with zeros and the declared key values.
 */
#ifndef VT_AFS_STATE_H
#define VT_AFS_STATE_H

#include <pthread.h>

#include "caller.h"
#include "keyring.h"

/* The detail of a full table begins with this (content.c answers it with ENOMEM). */
#define VT_AFS_STATE_FULL "state: state table full"

typedef struct vt_afs_proc_state vt_afs_proc_state_t;

/* Checks whether a process still runs; a parameter so that tests can fake it. */
typedef bool (*vt_afs_alive_fn)(const vt_afs_proc_key_t *key);

typedef struct {
    pthread_mutex_t lock;
    vt_afs_proc_state_t *entries; /* owned: cap entries */
    size_t cap;
    size_t count;
    const vt_afs_keyring_t *declared; /* borrowed from the options; valid for the daemon */
    vt_afs_alive_fn is_alive;
} vt_afs_state_t;

VT_MUST_CHECK int vt_afs_state_init(vt_afs_state_t *s, size_t cap,
                                    const vt_afs_keyring_t *declared);
/* Wipes and frees every entry. */
void vt_afs_state_cleanup(vt_afs_state_t *s);

/* Replaces user_report_data (first 64 bytes of data, zero-padded). */
VT_MUST_CHECK int vt_afs_state_set_report_data(vt_afs_state_t *s, const vt_afs_proc_key_t *k,
                                               const uint8_t *data, size_t len);
/* Replaces target_info (first 512 bytes of data, zero-padded). */
VT_MUST_CHECK int vt_afs_state_set_target_info(vt_afs_state_t *s, const vt_afs_proc_key_t *k,
                                               const uint8_t *data, size_t len);
/* Copies out the current report data and target info (either may be NULL). */
VT_MUST_CHECK int vt_afs_state_get(vt_afs_state_t *s, const vt_afs_proc_key_t *k,
                                   uint8_t rd[VT_REPORT_DATA_LEN],
                                   uint8_t ti[VT_SGX_TARGET_INFO_LEN]);
/* Key index (of the keyring) of the process: *is_set false means not set yet. */
VT_MUST_CHECK int vt_afs_state_key_get(vt_afs_state_t *s, const vt_afs_proc_key_t *k, size_t index,
                                       uint8_t out[VT_SEALING_KEY_LEN], bool *is_set);
VT_MUST_CHECK int vt_afs_state_key_set(vt_afs_state_t *s, const vt_afs_proc_key_t *k, size_t index,
                                       const uint8_t in[VT_SEALING_KEY_LEN]);

#endif
