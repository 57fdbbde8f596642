/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The encrypted-files keys attestfs declares (gramine-compat.md §1, keys/<name>): the
 * names given with --key NAME=HEX32 plus "default", each with an optional initial
 * value. Fixed after start; every process begins with these values and may replace
 * its own copies (state.h).
 */
#ifndef VT_AFS_KEYRING_H
#define VT_AFS_KEYRING_H

#include <veritee/attest.h>

#define VT_AFS_KEYS_MAX     32
#define VT_AFS_KEY_NAME_MAX 64

typedef struct {
    char name[VT_AFS_KEY_NAME_MAX + 1];
    uint8_t value[VT_SEALING_KEY_LEN]; /* secret; valid when is_set */
    bool is_set;
} vt_afs_key_t;

typedef struct {
    vt_afs_key_t keys[VT_AFS_KEYS_MAX];
    size_t count;
} vt_afs_keyring_t;

/* Starts a keyring holding "default", declared and unset. */
void vt_afs_keyring_init(vt_afs_keyring_t *k);

/* Wipes every value. */
void vt_afs_keyring_cleanup(vt_afs_keyring_t *k);

/*
 * Adds "NAME=HEX32" (a --key argument). NAME: 1..64 of [A-Za-z0-9._-], not "." or "..",
 * not starting with "_sgx_" (reserved for the sealing keys); HEX32: 32 hex digits (16
 * bytes). "default" may be given a value once; any other name only once.
 * VT_E_INVALID_ARG with a detail that never shows the value.
 */
VT_MUST_CHECK int vt_afs_keyring_add(vt_afs_keyring_t *k, const char *arg);

/* Whether name is declared; if so *index is its position. */
bool vt_afs_keyring_find(const vt_afs_keyring_t *k, const char *name, size_t *index);

#endif
