/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The /dev/attestation tree (gramine-compat.md §1): which paths exist, their kind and
 * their permission bits. Paths are looked up, never created.
 */
#ifndef VT_AFS_NODES_H
#define VT_AFS_NODES_H

#include <sys/types.h>

#include "keyring.h"

typedef enum {
    VT_AFS_NODE_ROOT,
    VT_AFS_NODE_KEYS_DIR,
    VT_AFS_NODE_TYPE,           /* attestation_type */
    VT_AFS_NODE_REPORT_DATA,    /* user_report_data */
    VT_AFS_NODE_TARGET_INFO,    /* target_info */
    VT_AFS_NODE_MY_TARGET_INFO, /* my_target_info */
    VT_AFS_NODE_REPORT,         /* report */
    VT_AFS_NODE_QUOTE,          /* quote (only with attestation type dcap) */
    VT_AFS_NODE_VERIFY_REPORT,  /* verify_report (Veritee extension) */
    VT_AFS_NODE_KEY,            /* keys/<declared name> */
    VT_AFS_NODE_SEAL_MRENCLAVE, /* keys/_sgx_mrenclave */
    VT_AFS_NODE_SEAL_MRSIGNER,  /* keys/_sgx_mrsigner */
} vt_afs_node_kind_t;

typedef struct {
    vt_afs_node_kind_t kind;
    mode_t mode;      /* S_IFDIR/S_IFREG | permission bits */
    size_t key_index; /* VT_AFS_NODE_KEY: index in the keyring */
    const char *name; /* the file's name (for logs); static or from the keyring */
} vt_afs_node_t;

/* Looks path up ("/", "/quote", "/keys/default"...). false if it does not exist. */
bool vt_afs_node_lookup(const char *path, const vt_afs_keyring_t *keys, bool is_attestation_none,
                        vt_afs_node_t *out);

/* Whether the node's files need the caller's verified enclave identity. */
bool vt_afs_node_needs_identity(vt_afs_node_kind_t kind);

/* Lists a directory node: calls add(name, arg) for each entry except "." and "..". */
typedef int (*vt_afs_node_add_fn)(const char *name, void *arg);
void vt_afs_node_list(const vt_afs_node_t *dir, const vt_afs_keyring_t *keys,
                      bool is_attestation_none, vt_afs_node_add_fn add, void *arg);

#endif
