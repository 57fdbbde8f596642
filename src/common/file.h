/* SPDX-License-Identifier: Apache-2.0 */
/* Whole-file reads with a size cap, and crash-safe whole-file writes. */
#ifndef VT_COMMON_FILE_H
#define VT_COMMON_FILE_H

#include <veritee/common.h>

/*
 * Reads all of path into a new heap buffer (NUL-terminated one past *len, so text files
 * can be used as C strings). Files over max bytes fail with VT_E_TOO_LARGE, a missing
 * file with VT_E_NOT_FOUND. On success the caller owns *out (free with free()).
 */
VT_MUST_CHECK int vt_file_read(const char *path, size_t max, uint8_t **out, size_t *len);

/*
 * Writes data to path atomically: temp file in the same directory, fsync, rename,
 * fsync of the directory. mode is the new file's permission bits (e.g. 0600 for keys).
 */
VT_MUST_CHECK int vt_file_write_atomic(const char *path, const uint8_t *data, size_t len,
                                       unsigned mode);

#endif
