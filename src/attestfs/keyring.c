/* SPDX-License-Identifier: Apache-2.0 */
/* Declared encrypted-files keys: parsing --key NAME=HEX32 and the lookup by name. */
#include "keyring.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/error.h"

#define SEAL_PREFIX "_sgx_"

void vt_afs_keyring_init(vt_afs_keyring_t *k)
{
    *k = (vt_afs_keyring_t){.count = 1};
    snprintf(k->keys[0].name, sizeof(k->keys[0].name), "default");
}

void vt_afs_keyring_cleanup(vt_afs_keyring_t *k)
{
    OPENSSL_cleanse(k, sizeof(*k));
}

bool vt_afs_keyring_find(const vt_afs_keyring_t *k, const char *name, size_t *index)
{
    for (size_t i = 0; i < k->count; i++) {
        if (strcmp(k->keys[i].name, name) == 0) {
            *index = i;
            return true;
        }
    }
    return false;
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

static int check_name(const char *name, size_t len)
{
    VT_ENSURE(len >= 1 && len <= VT_AFS_KEY_NAME_MAX, VT_E_INVALID_ARG,
              "--key: name of %zu characters, expected 1 to %d", len, VT_AFS_KEY_NAME_MAX);
    for (size_t i = 0; i < len; i++)
        VT_ENSURE(is_name_char(name[i]), VT_E_INVALID_ARG,
                  "--key: name \"%.*s\": only letters, digits, '.', '_' and '-'", (int)len, name);
    VT_ENSURE(!(len == 1 && name[0] == '.') && !(len == 2 && name[0] == '.' && name[1] == '.'),
              VT_E_INVALID_ARG, "--key: name \"%.*s\" is not a file name", (int)len, name);
    VT_ENSURE(len < strlen(SEAL_PREFIX) || strncmp(name, SEAL_PREFIX, strlen(SEAL_PREFIX)) != 0,
              VT_E_INVALID_ARG, "--key: names starting with " SEAL_PREFIX " are reserved");
    return 0;
}

int vt_afs_keyring_add(vt_afs_keyring_t *k, const char *arg)
{
    int rc = VT_E_INTERNAL;
    const char *eq = strchr(arg, '=');
    size_t index = 0;
    uint8_t value[VT_SEALING_KEY_LEN];
    char name[VT_AFS_KEY_NAME_MAX + 1];

    VT_TRY_ENSURE(eq != NULL, VT_E_INVALID_ARG, "--key: expected NAME=HEX32");
    size_t len = (size_t)(eq - arg);
    VT_TRY(check_name(arg, len));
    snprintf(name, sizeof(name), "%.*s", (int)len, arg);
    /* The value is never echoed: it is a secret. */
    const char *hex = eq + 1;
    VT_TRY_ENSURE(vt_hex_decode(hex, strlen(hex), value, sizeof(value)) == 0, VT_E_INVALID_ARG,
                  "--key %s: the value must be 32 hex digits (16 bytes)", name);
    vt_error_clear();
    if (vt_afs_keyring_find(k, name, &index)) {
        VT_TRY_ENSURE(!k->keys[index].is_set, VT_E_INVALID_ARG, "--key %s given twice", name);
    } else {
        VT_TRY_ENSURE(k->count < VT_AFS_KEYS_MAX, VT_E_INVALID_ARG, "more than %d keys",
                      VT_AFS_KEYS_MAX);
        index = k->count++;
        snprintf(k->keys[index].name, sizeof(k->keys[index].name), "%s", name);
    }
    memcpy(k->keys[index].value, value, sizeof(value)); /* vt-lint: allow (fixed size) */
    k->keys[index].is_set = true;
    rc = 0;
out:
    OPENSSL_cleanse(value, sizeof(value));
    return rc;
}
