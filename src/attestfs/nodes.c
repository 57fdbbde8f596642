/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The /dev/attestation tree as tables. Modes are Gramine's (gramine-compat.md §1):
 * r--r--r-- for files produced by the platform, rw-rw-rw- for the values an enclave
 * writes, r-xr-xr-x for directories; verify_report (a Veritee extension) is write-only.
 */
#include "nodes.h"

#include <string.h>
#include <sys/stat.h>

#define RO  (S_IFREG | 0444)
#define RW  (S_IFREG | 0666)
#define WO  (S_IFREG | 0222)
#define DIR (S_IFDIR | 0555)

typedef struct {
    const char *name;
    vt_afs_node_kind_t kind;
    mode_t mode;
} entry_t;

static const entry_t root_entries[] = {
    {"attestation_type", VT_AFS_NODE_TYPE, RO},
    {"user_report_data", VT_AFS_NODE_REPORT_DATA, RW},
    {"target_info", VT_AFS_NODE_TARGET_INFO, RW},
    {"my_target_info", VT_AFS_NODE_MY_TARGET_INFO, RO},
    {"report", VT_AFS_NODE_REPORT, RO},
    {"quote", VT_AFS_NODE_QUOTE, RO},
    {"verify_report", VT_AFS_NODE_VERIFY_REPORT, WO},
    {"keys", VT_AFS_NODE_KEYS_DIR, DIR},
};

static const entry_t seal_entries[] = {
    {"_sgx_mrenclave", VT_AFS_NODE_SEAL_MRENCLAVE, RO},
    {"_sgx_mrsigner", VT_AFS_NODE_SEAL_MRSIGNER, RO},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool find_in(const entry_t *t, size_t n, const char *name, vt_afs_node_t *out)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(t[i].name, name) == 0) {
            *out = (vt_afs_node_t){.kind = t[i].kind, .mode = t[i].mode, .name = t[i].name};
            return true;
        }
    }
    return false;
}

bool vt_afs_node_lookup(const char *path, const vt_afs_keyring_t *keys, bool is_attestation_none,
                        vt_afs_node_t *out)
{
    size_t index = 0;

    if (strcmp(path, "/") == 0) {
        *out = (vt_afs_node_t){.kind = VT_AFS_NODE_ROOT, .mode = DIR, .name = "/"};
        return true;
    }
    if (strncmp(path, "/keys/", 6) == 0) {
        const char *name = path + 6;
        if (find_in(seal_entries, COUNT(seal_entries), name, out)) return true;
        if (!vt_afs_keyring_find(keys, name, &index)) return false;
        *out = (vt_afs_node_t){.kind = VT_AFS_NODE_KEY,
                               .mode = RW,
                               .key_index = index,
                               .name = keys->keys[index].name};
        return true;
    }
    if (path[0] != '/' || !find_in(root_entries, COUNT(root_entries), path + 1, out)) return false;
    /* Gramine creates quote only when remote attestation is enabled. */
    return !(out->kind == VT_AFS_NODE_QUOTE && is_attestation_none);
}

bool vt_afs_node_needs_identity(vt_afs_node_kind_t kind)
{
    return kind == VT_AFS_NODE_MY_TARGET_INFO || kind == VT_AFS_NODE_REPORT ||
           kind == VT_AFS_NODE_QUOTE || kind == VT_AFS_NODE_VERIFY_REPORT ||
           kind == VT_AFS_NODE_SEAL_MRENCLAVE || kind == VT_AFS_NODE_SEAL_MRSIGNER;
}

void vt_afs_node_list(const vt_afs_node_t *dir, const vt_afs_keyring_t *keys,
                      bool is_attestation_none, vt_afs_node_add_fn add, void *arg)
{
    if (dir->kind == VT_AFS_NODE_ROOT) {
        for (size_t i = 0; i < COUNT(root_entries); i++) {
            if (root_entries[i].kind == VT_AFS_NODE_QUOTE && is_attestation_none) continue;
            if (add(root_entries[i].name, arg) != 0) return;
        }
        return;
    }
    for (size_t i = 0; i < keys->count; i++)
        if (add(keys->keys[i].name, arg) != 0) return;
    for (size_t i = 0; i < COUNT(seal_entries); i++)
        if (add(seal_entries[i].name, arg) != 0) return;
}
