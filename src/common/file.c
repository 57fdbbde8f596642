/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

int vt_file_read(const char *path, size_t max, uint8_t **out, size_t *len)
{
    int rc = VT_E_INTERNAL;
    uint8_t *buf = NULL;
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

    if (fd < 0) {
        VT_TRY_BAIL(errno == ENOENT ? VT_E_NOT_FOUND : VT_E_IO, "%s: %s", path, strerror(errno));
    }
    VT_TRY_ENSURE(fstat(fd, &st) == 0, VT_E_IO, "%s: %s", path, strerror(errno));
    VT_TRY_ENSURE(S_ISREG(st.st_mode), VT_E_IO, "%s: not a regular file", path);
    VT_TRY_ENSURE((uint64_t)st.st_size <= max, VT_E_TOO_LARGE, "%s: %lld bytes, limit %zu", path,
                  (long long)st.st_size, max);
    size_t size = (size_t)st.st_size;
    VT_TRY_ALLOC(buf, malloc(size + 1), "file buffer");
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR) continue;
        VT_TRY_ENSURE(n > 0, VT_E_IO, "%s: read failed: %s", path, n < 0 ? strerror(errno) : "file shrank");
        got += (size_t)n;
    }
    buf[size] = '\0';
    *out = buf;
    *len = size;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    if (fd >= 0) close(fd);
    return rc;
}

int vt_file_write_atomic(const char *path, const uint8_t *data, size_t len, unsigned mode)
{
    int rc = VT_E_INTERNAL;
    char *tmp = NULL;
    char *dircopy = NULL;
    int fd = -1;
    int dfd = -1;

    VT_TRY_ENSURE(asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) >= 0, VT_E_NOMEM, "out of memory");
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    VT_TRY_ENSURE(fd >= 0, VT_E_IO, "%s: %s", tmp, strerror(errno));
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        VT_TRY_ENSURE(n > 0, VT_E_IO, "%s: write failed: %s", tmp, strerror(errno));
        done += (size_t)n;
    }
    VT_TRY_ENSURE(fsync(fd) == 0, VT_E_IO, "%s: fsync: %s", tmp, strerror(errno));
    VT_TRY_ENSURE(close(fd) == 0, VT_E_IO, "%s: close: %s", tmp, strerror(errno));
    fd = -1;
    VT_TRY_ENSURE(rename(tmp, path) == 0, VT_E_IO, "%s: rename: %s", path, strerror(errno));
    VT_TRY_ALLOC(dircopy, strdup(path), "path");
    dfd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    VT_TRY_ENSURE(dfd >= 0 && fsync(dfd) == 0, VT_E_IO, "%s: fsync of directory: %s", path,
                  strerror(errno));
    rc = 0;
out:
    if (fd >= 0) {
        close(fd);
        unlink(tmp);
    }
    if (dfd >= 0) close(dfd);
    free(tmp);
    free(dircopy);
    return rc;
}
