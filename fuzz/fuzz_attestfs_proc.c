/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the /proc and environment parsers of veritee-attestfs
 * (src/attestfs/caller.c): text every client process influences (its name in status and
 * stat, its environment). The first byte picks the parser, the rest is its input.
 * Aborts when a parser accepts something its contract excludes.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "caller.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t which = data[0] % 4;
    const uint8_t *in = data + 1;
    size_t len = size - 1;
    /* The daemon reads /proc text NUL-terminated; give the parsers exactly that. */
    char *text = malloc(len + 1);
    if (text == NULL) return 0;
    memcpy(text, in, len);
    text[len] = '\0';

    if (which == 0) {
        pid_t tgid = 0;
        if (vt_afs_proc_parse_tgid(text, &tgid) == 0 && tgid <= 0) abort();
    } else if (which == 1) {
        vt_afs_creds_t c;
        if (vt_afs_proc_parse_creds(text, &c) == 0 &&
            (c.group_count > VT_AFS_GROUPS_MAX || c.fsuid == (uid_t)-1 || c.fsgid == (gid_t)-1))
            abort();
    } else if (which == 2) {
        uint64_t start = 0;
        int rc = vt_afs_proc_parse_start_time(text, len, &start);
        if (rc == 0 && memchr(text, '\0', len) != NULL) abort();
    } else {
        char path[PATH_MAX];
        if (vt_afs_environ_find_sig((const char *)in, len, path) == 0) {
            size_t n = strnlen(path, PATH_MAX);
            if (n == 0 || n >= PATH_MAX || path[0] != '/') abort();
        }
    }
    free(text);
    return 0;
}
