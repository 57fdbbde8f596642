/* SPDX-License-Identifier: Apache-2.0 */
/* The mount point rule of veritee-attestfs(8), OPTIONS, --mount. */
#include "mountpoint.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "common/error.h"

static bool is_empty_dir(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    bool is_empty = d != NULL;

    while (d != NULL && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) is_empty = false;
    if (d != NULL) closedir(d);
    return is_empty;
}

int vt_afs_mountpoint_choose(const char *requested, const char *default_path, const char **out,
                             bool *is_created)
{
    struct stat st;

    *is_created = false;
    if (requested != NULL) {
        VT_ENSURE(stat(requested, &st) == 0 && S_ISDIR(st.st_mode), VT_E_INVALID_ARG,
                  "--mount %s: not an existing directory", requested);
        *out = requested;
        return 0;
    }
    if (lstat(default_path, &st) != 0 && errno == ENOENT) {
        VT_ENSURE(mkdir(default_path, 0755) == 0, VT_E_IO, "cannot create %s: %s", default_path,
                  strerror(errno));
        *is_created = true;
        *out = default_path;
        return 0;
    }
    VT_ENSURE(S_ISDIR(st.st_mode) && is_empty_dir(default_path), VT_E_INVALID_ARG,
              "%s exists and is not an empty directory: give --mount PATH", default_path);
    *out = default_path;
    return 0;
}
