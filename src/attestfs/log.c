/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The refusal log: one line per refused request on standard error. Reasons may quote
 * text a client chose (the .sig path from its environment), so control characters are
 * replaced and the line is cut to a fixed length: a client cannot forge log lines.
 */
#include <stdio.h>

#include "attestfs.h"

#define LINE_MAX_TEXT 400

static void clean(const char *in, char *out, size_t cap)
{
    size_t i = 0;
    for (; in != NULL && in[i] != '\0' && i + 1 < cap; i++) {
        unsigned char ch = (unsigned char)in[i];
        out[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
    }
    out[i] = '\0';
}

void vt_afs_log_refusal(pid_t pid, const char *file, const char *reason)
{
    char r[LINE_MAX_TEXT];

    clean(reason, r, sizeof(r));
    /* One fprintf: stdio locks the stream, so lines from worker threads do not mix. */
    fprintf(stderr, VT_AFS_PROG ": refused pid %d %s: %s\n", (int)pid, file, r);
}
