/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The FUSE operations of the /dev/attestation tree (libfuse 3 high-level API, path
 * based, multi-threaded). Permission bits are enforced here, not by the kernel: the
 * daemon mounts without default_permissions, and root clients would bypass mode bits
 * anyway, while Gramine refuses a write open of a read-only file for everyone.
 * Contents are per handle (content.h) and read with direct_io, so nothing is cached.
 */
#define FUSE_USE_VERSION 312
#include <fuse.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "attestfs.h"
#include "fs_dir.h"
#include "content.h"
#include "nodes.h"

static time_t g_start_time;

static vt_afs_t *ctx(void)
{
    return fuse_get_context()->private_data;
}

static pid_t caller_tid(void)
{
    return fuse_get_context()->pid;
}

static bool lookup(const char *path, vt_afs_node_t *n)
{
    vt_afs_t *afs = ctx();
    return vt_afs_node_lookup(path, afs->keys, afs->is_attestation_none, n);
}

static void *afs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
    (void)conn;
    cfg->direct_io = 1;
    cfg->kernel_cache = 0;
    cfg->attr_timeout = 0;
    cfg->entry_timeout = 0;
    cfg->negative_timeout = 0;
    g_start_time = time(NULL);
    return ctx();
}

static int afs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
    vt_afs_node_t n;

    (void)fi;
    if (!lookup(path, &n)) return -ENOENT;
    memset(st, 0, sizeof(*st));
    st->st_mode = n.mode;
    st->st_nlink = S_ISDIR(n.mode) ? 2 : 1;
    st->st_atime = st->st_mtime = st->st_ctime = g_start_time;
    return 0;
}

static int afs_access(const char *path, int mask)
{
    vt_afs_node_t n;

    if (!lookup(path, &n)) return -ENOENT;
    if ((mask & R_OK) && !(n.mode & S_IRUSR)) return -EACCES;
    if ((mask & W_OK) && !(n.mode & S_IWUSR)) return -EACCES;
    if ((mask & X_OK) && !(n.mode & S_IXUSR)) return -EACCES;
    return 0;
}

static int afs_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t off,
                       struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
    vt_afs_node_t n;
    vt_afs_dir_t l;

    (void)off;
    (void)fi;
    (void)flags;
    if (!lookup(path, &n)) return -ENOENT;
    if (!S_ISDIR(n.mode)) return -ENOTDIR;
    vt_afs_dir_begin(&l, buf, filler);
    vt_afs_node_list(&n, ctx()->keys, ctx()->is_attestation_none, vt_afs_dir_add, &l);
    return 0;
}

static int afs_open(const char *path, struct fuse_file_info *fi)
{
    vt_afs_node_t n;
    vt_afs_handle_t *h = NULL;
    int acc = fi->flags & O_ACCMODE;

    if (!lookup(path, &n)) return -ENOENT;
    if (S_ISDIR(n.mode)) return -EISDIR;
    if (acc != O_WRONLY && !(n.mode & S_IRUSR)) {
        vt_afs_log_refusal(caller_tid(), path + 1, "not readable");
        return -EACCES;
    }
    if (acc != O_RDONLY && !(n.mode & S_IWUSR)) {
        vt_afs_log_refusal(caller_tid(), path + 1, "read-only");
        return -EACCES;
    }
    int rc = vt_afs_content_open(ctx(), caller_tid(), &n, &h);
    if (rc < 0) return rc;
    fi->fh = (uint64_t)(uintptr_t)h;
    fi->direct_io = 1;
    fi->keep_cache = 0;
    return 0;
}

static vt_afs_handle_t *handle(const struct fuse_file_info *fi)
{
    return (vt_afs_handle_t *)(uintptr_t)fi->fh;
}

static int afs_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
    (void)path;
    return vt_afs_content_read(handle(fi), buf, size, off);
}

static int afs_write(const char *path, const char *buf, size_t size, off_t off,
                     struct fuse_file_info *fi)
{
    (void)path;
    (void)off; /* every write() replaces the whole value, wherever the file position is */
    return vt_afs_content_write(ctx(), caller_tid(), handle(fi), (const uint8_t *)buf, size);
}

/* O_TRUNC on a writable file (a shell's "> file") is accepted and changes nothing. */
static int afs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
    vt_afs_node_t n;

    (void)size;
    (void)fi;
    if (!lookup(path, &n)) return -ENOENT;
    if (S_ISDIR(n.mode)) return -EISDIR;
    return (n.mode & S_IWUSR) ? 0 : -EACCES;
}

static int afs_release(const char *path, struct fuse_file_info *fi)
{
    (void)path;
    vt_afs_handle_free(handle(fi));
    fi->fh = 0;
    return 0;
}

static const struct fuse_operations ops = {
    .init = afs_init,
    .getattr = afs_getattr,
    .access = afs_access,
    .readdir = afs_readdir,
    .open = afs_open,
    .read = afs_read,
    .write = afs_write,
    .truncate = afs_truncate,
    .release = afs_release,
};

const struct fuse_operations *vt_afs_fs_ops(void)
{
    return &ops;
}
