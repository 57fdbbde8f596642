/* SPDX-License-Identifier: Apache-2.0 */
/* Where the tree is mounted: --mount, or the default when it is free. */
#ifndef VT_AFS_MOUNTPOINT_H
#define VT_AFS_MOUNTPOINT_H

#include <veritee/common.h>

#define VT_AFS_DEFAULT_MOUNT "/dev/attestation"

/*
 * With requested (--mount): it must be an existing directory (VT_E_INVALID_ARG).
 * Without: default_path is used if it does not exist (it is created, mode 0755, and
 * *is_created set: the caller removes it at exit) or is an empty directory; anything
 * else is VT_E_INVALID_ARG ("give --mount PATH"). *out is requested or default_path.
 */
VT_MUST_CHECK int vt_afs_mountpoint_choose(const char *requested, const char *default_path,
                                           const char **out, bool *is_created);

#endif
