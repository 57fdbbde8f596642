/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Open-time content and writes of each attestfs file. The flow of a request:
 *   1. resolve the caller (thread -> process key, caller.h);
 *   2. for report, quote, my_target_info, verify_report and the sealing keys, verify
 *      its enclave identity (the executable against its .sig);
 *   3. produce or store the value with the platform and the caller's state.
 * Every failure of 1-2 is EACCES (Gramine's answer to any platform failure), a full
 * state table is ENOMEM; both are logged with the detail, which never holds a secret.
 */
#include "content.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <veritee/attest.h>

#include "common/error.h"

void vt_afs_handle_free(vt_afs_handle_t *h)
{
    if (h == NULL) return;
    if (h->buf != NULL) OPENSSL_cleanse(h->buf, h->len);
    free(h->buf);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

/* Replaces the handle's content with a copy of data, under the handle's lock. */
static int set_content(vt_afs_handle_t *h, const uint8_t *data, size_t len)
{
    uint8_t *copy = malloc(len > 0 ? len : 1);

    VT_ENSURE(copy != NULL, VT_E_NOMEM, "out of memory copying %zu bytes", len);
    if (len > 0) memcpy(copy, data, len); /* vt-lint: allow (copy has len bytes) */
    pthread_mutex_lock(&h->lock);
    uint8_t *old = h->buf;
    size_t old_len = h->len;
    h->buf = copy;
    h->len = len;
    pthread_mutex_unlock(&h->lock);
    if (old != NULL) OPENSSL_cleanse(old, old_len);
    free(old);
    return 0;
}

int vt_afs_content_read(vt_afs_handle_t *h, char *buf, size_t size, off_t off)
{
    size_t n = 0;

    if (off < 0) return -EINVAL;
    pthread_mutex_lock(&h->lock);
    if ((uint64_t)off < h->len) {
        n = h->len - (size_t)off < size ? h->len - (size_t)off : size;
        memcpy(buf, h->buf + off, n); /* vt-lint: allow (n <= len - off) */
    }
    pthread_mutex_unlock(&h->lock);
    return (int)n;
}

/* Logs with the file's path in the tree ("quote", "keys/default"). */
static void log_refusal(pid_t pid, const vt_afs_node_t *node, const char *reason)
{
    char path[VT_AFS_KEY_NAME_MAX + 8];
    bool is_key = node->kind == VT_AFS_NODE_KEY || node->kind == VT_AFS_NODE_SEAL_MRENCLAVE ||
                  node->kind == VT_AFS_NODE_SEAL_MRSIGNER;

    snprintf(path, sizeof(path), "%s%s", is_key ? "keys/" : "", node->name);
    vt_afs_log_refusal(pid, path, reason);
}

static int refuse(pid_t pid, const vt_afs_node_t *node, int rc)
{
    log_refusal(pid, node, vt_last_error());
    if (rc == VT_E_TOO_LARGE &&
        strncmp(vt_last_error(), VT_AFS_STATE_FULL, strlen(VT_AFS_STATE_FULL)) == 0)
        return -ENOMEM;
    if (rc == VT_E_NOMEM) return -ENOMEM;
    return -EACCES;
}

static int make_quote(vt_afs_t *afs, const vt_afs_caller_t *c, vt_sgx_report_body_t *id,
                      vt_afs_handle_t *h)
{
    uint8_t *q = NULL;
    size_t len = 0;

    VT_GUARD(vt_afs_state_get(&afs->state, &c->key, id->report_data, NULL));
    VT_GUARD(vt_sim_quote_sgx(afs->platform, id, &q, &len));
    if (len > VT_GRAMINE_QUOTE_MAX) {
        free(q);
        VT_BAIL(VT_E_TOO_LARGE, "quote of %zu bytes, over %d", len, VT_GRAMINE_QUOTE_MAX);
    }
    h->buf = q;
    h->len = len;
    return 0;
}

static int make_report(vt_afs_t *afs, const vt_afs_caller_t *c, const vt_sgx_report_body_t *id,
                       vt_afs_handle_t *h)
{
    uint8_t rd[VT_REPORT_DATA_LEN], ti[VT_SGX_TARGET_INFO_LEN], report[VT_SGX_REPORT_LEN];

    VT_GUARD(vt_afs_state_get(&afs->state, &c->key, rd, ti));
    VT_GUARD(vt_sim_report_create(afs->platform, id, ti, rd, afs->keyid, report));
    return set_content(h, report, sizeof(report));
}

static int make_seal_key(vt_afs_t *afs, const vt_sgx_report_body_t *id, vt_sim_key_policy_t policy,
                         vt_afs_handle_t *h)
{
    uint8_t key[VT_SEALING_KEY_LEN];

    int rc = vt_sim_seal_key_get(afs->platform, id, policy, key);
    if (rc == 0) rc = set_content(h, key, sizeof(key));
    OPENSSL_cleanse(key, sizeof(key));
    return rc;
}

static int make_key(vt_afs_t *afs, const vt_afs_caller_t *c, vt_afs_handle_t *h)
{
    uint8_t key[VT_SEALING_KEY_LEN];
    bool is_set = false;

    int rc = vt_afs_state_key_get(&afs->state, &c->key, h->node.key_index, key, &is_set);
    /* Declared but not set: reads 0 bytes. */
    if (rc == 0) rc = set_content(h, key, is_set ? sizeof(key) : 0);
    OPENSSL_cleanse(key, sizeof(key));
    return rc;
}

/* Produces the open-time content of a file that needs the caller. */
static int load(vt_afs_t *afs, const vt_afs_caller_t *c, vt_afs_handle_t *h)
{
    vt_sgx_report_body_t id;
    uint8_t ti[VT_SGX_TARGET_INFO_LEN];

    if (vt_afs_node_needs_identity(h->node.kind)) VT_GUARD(vt_afs_caller_identity(c, &id));
    switch (h->node.kind) {
    case VT_AFS_NODE_KEY:
        return make_key(afs, c, h);
    case VT_AFS_NODE_QUOTE:
        return make_quote(afs, c, &id, h);
    case VT_AFS_NODE_REPORT:
        return make_report(afs, c, &id, h);
    case VT_AFS_NODE_MY_TARGET_INFO:
        vt_sim_target_info_get(&id, ti);
        return set_content(h, ti, sizeof(ti));
    case VT_AFS_NODE_SEAL_MRENCLAVE:
        return make_seal_key(afs, &id, VT_SIM_KEY_POLICY_MRENCLAVE, h);
    case VT_AFS_NODE_SEAL_MRSIGNER:
        return make_seal_key(afs, &id, VT_SIM_KEY_POLICY_MRSIGNER, h);
    default:
        return 0; /* verify_report: only the identity check at open */
    }
}

/* Files whose content does not depend on the caller. */
static bool is_caller_free(vt_afs_node_kind_t kind)
{
    return kind == VT_AFS_NODE_ROOT || kind == VT_AFS_NODE_KEYS_DIR || kind == VT_AFS_NODE_TYPE ||
           kind == VT_AFS_NODE_REPORT_DATA || kind == VT_AFS_NODE_TARGET_INFO;
}

int vt_afs_content_open(vt_afs_t *afs, pid_t tid, const vt_afs_node_t *node, vt_afs_handle_t **out)
{
    vt_afs_handle_t *h = calloc(1, sizeof(*h));
    vt_afs_caller_t c = {.proc_fd = -1};
    int rc = 0;

    if (h == NULL) return -ENOMEM;
    if (pthread_mutex_init(&h->lock, NULL) != 0) {
        free(h);
        return -ENOMEM;
    }
    h->node = *node;
    if (node->kind == VT_AFS_NODE_TYPE) {
        const char *t = afs->is_attestation_none ? "none" : "dcap";
        rc = set_content(h, (const uint8_t *)t, strlen(t));
    } else if (!is_caller_free(node->kind)) {
        rc = vt_afs_caller_open(tid, &c);
        if (rc == 0) rc = load(afs, &c, h);
        vt_afs_caller_close(&c);
    }
    if (rc < 0) {
        vt_afs_handle_free(h);
        return refuse(tid, node, rc);
    }
    *out = h;
    return 0;
}

static int write_key(vt_afs_t *afs, const vt_afs_caller_t *c, vt_afs_handle_t *h,
                     const uint8_t *data, size_t len)
{
    VT_ENSURE(len == VT_SEALING_KEY_LEN, VT_E_INVALID_ARG, "write of %zu bytes, expected %d", len,
              VT_SEALING_KEY_LEN);
    VT_GUARD(vt_afs_state_key_set(&afs->state, &c->key, h->node.key_index, data));
    return set_content(h, data, len);
}

static int verify_report(vt_afs_t *afs, const vt_afs_caller_t *c, const uint8_t *data, size_t len)
{
    vt_sgx_report_body_t id;

    VT_ENSURE(len == VT_SGX_REPORT_LEN, VT_E_INVALID_ARG, "write of %zu bytes, expected %d", len,
              VT_SGX_REPORT_LEN);
    VT_GUARD(vt_afs_caller_identity(c, &id));
    int rc = vt_sim_report_verify(afs->platform, &id, data, NULL);
    if (rc == VT_E_SIGNATURE)
        VT_BAIL(VT_E_SIGNATURE, "report MAC does not verify for this enclave (made for another "
                                "target, on another platform, or tampered with)");
    return rc;
}

static int save(vt_afs_t *afs, const vt_afs_caller_t *c, vt_afs_handle_t *h, const uint8_t *data,
                size_t len)
{
    switch (h->node.kind) {
    case VT_AFS_NODE_REPORT_DATA:
        VT_GUARD(vt_afs_state_set_report_data(&afs->state, &c->key, data, len));
        return set_content(h, data, len);
    case VT_AFS_NODE_TARGET_INFO:
        VT_GUARD(vt_afs_state_set_target_info(&afs->state, &c->key, data, len));
        return set_content(h, data, len);
    case VT_AFS_NODE_KEY:
        return write_key(afs, c, h, data, len);
    case VT_AFS_NODE_VERIFY_REPORT:
        return verify_report(afs, c, data, len);
    default:
        VT_BAIL(VT_E_INVALID_ARG, "not writable");
    }
}

int vt_afs_content_write(vt_afs_t *afs, pid_t tid, vt_afs_handle_t *h, const uint8_t *data,
                         size_t len)
{
    vt_afs_caller_t c = {.proc_fd = -1};
    int rc = 0;

    /* Sizes first: a wrong size is refused without touching any state. */
    if (h->node.kind == VT_AFS_NODE_VERIFY_REPORT && len != VT_SGX_REPORT_LEN) {
        log_refusal(tid, &h->node, "wrong size (expected 432 bytes)");
        return -EINVAL;
    }
    /* The writer, not the opener: a handle inherited over fork writes the child's value. */
    rc = vt_afs_caller_open(tid, &c);
    if (rc == 0) rc = save(afs, &c, h, data, len);
    vt_afs_caller_close(&c);
    if (rc == VT_E_SIGNATURE) {
        log_refusal(tid, &h->node, vt_last_error());
        return -EKEYREJECTED;
    }
    if (rc < 0) return refuse(tid, &h->node, rc);
    return (int)len;
}
