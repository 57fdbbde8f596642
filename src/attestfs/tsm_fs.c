/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FUSE operations and session of the simulated configfs-tsm tree (tsm_fs.h). Paths:
 * "/", "/report", "/report/NAME", "/report/NAME/ATTR". Modes are enforced here (no
 * default_permissions): root gets the owner bits, everyone else the "other" bits, so
 * only root writes inblob and makes or removes entries, as on configfs.
 */
#define _GNU_SOURCE
#define FUSE_USE_VERSION 312
#include "tsm_fs.h"

#include <fuse.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "attestfs.h"
#include "fs_dir.h"
#include "common/error.h"
#include "common/file.h"
#include "tsm_report.h"

#define STOP_WAIT_SECONDS 5
#define MAX_THREADS       8

typedef enum {
    T_ROOT,
    T_REPORT_DIR,
    T_ENTRY,
    T_INBLOB,
    T_OUTBLOB,
    T_GENERATION,
    T_PROVIDER,
} tsm_kind_t;

static const struct {
    const char *name;
    tsm_kind_t kind;
    mode_t mode;
} attrs[] = {
    {"inblob", T_INBLOB, S_IFREG | 0200},
    {"outblob", T_OUTBLOB, S_IFREG | 0444},
    {"generation", T_GENERATION, S_IFREG | 0444},
    {"provider", T_PROVIDER, S_IFREG | 0444},
};
#define ATTR_COUNT (sizeof(attrs) / sizeof(attrs[0]))
#define DIR_MODE   (S_IFDIR | 0755)

struct vt_afs_tsm {
    vt_afs_tsm_reports_t *reports; /* owned */
    struct fuse *fuse;             /* owned */
    bool is_mounted;
    bool is_running;
    pthread_t thread;
    time_t start_time;
};

typedef struct {
    tsm_kind_t kind;
    mode_t mode;
    char entry[VT_AFS_TSM_NAME_MAX + 1]; /* T_ENTRY and attributes */
} tsm_node_t;

typedef struct {
    tsm_node_t node;
    uint8_t *buf; /* owned: the content made at open() */
    size_t len;
} tsm_handle_t;

static vt_afs_tsm_t *ctx(void)
{
    return fuse_get_context()->private_data;
}

/* Parses a path; false if it does not exist. */
static bool lookup(const char *path, tsm_node_t *n)
{
    const char *rest;

    *n = (tsm_node_t){.kind = T_ROOT, .mode = DIR_MODE};
    if (strcmp(path, "/") == 0) return true;
    if (strncmp(path, "/report", 7) != 0) return false;
    if (path[7] == '\0') {
        n->kind = T_REPORT_DIR;
        return true;
    }
    if (path[7] != '/') return false;
    rest = path + 8;
    const char *slash = strchr(rest, '/');
    size_t len = slash != NULL ? (size_t)(slash - rest) : strlen(rest);
    if (len == 0 || len > VT_AFS_TSM_NAME_MAX) return false;
    snprintf(n->entry, sizeof(n->entry), "%.*s", (int)len, rest);
    if (!vt_afs_tsm_report_exists(ctx()->reports, n->entry)) return false;
    n->kind = T_ENTRY;
    if (slash == NULL) return true;
    for (size_t i = 0; i < ATTR_COUNT; i++) {
        if (strcmp(slash + 1, attrs[i].name) == 0) {
            n->kind = attrs[i].kind;
            n->mode = attrs[i].mode;
            return true;
        }
    }
    return false;
}

/* The permission bits that apply to the caller: root gets the owner's, others "other". */
static mode_t caller_bits(mode_t mode)
{
    return fuse_get_context()->uid == 0 ? (mode >> 6) & 7 : mode & 7;
}

static int refuse(const char *path, int err, const char *reason)
{
    vt_afs_log_refusal(fuse_get_context()->pid, path, reason);
    return -err;
}

static void *tsm_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
    (void)conn;
    cfg->direct_io = 1;
    cfg->kernel_cache = 0;
    cfg->attr_timeout = 0;
    cfg->entry_timeout = 0;
    cfg->negative_timeout = 0;
    return ctx();
}

static int tsm_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
    tsm_node_t n;

    (void)fi;
    if (!lookup(path, &n)) return -ENOENT;
    memset(st, 0, sizeof(*st));
    st->st_mode = n.mode;
    st->st_nlink = S_ISDIR(n.mode) ? 2 : 1;
    st->st_atime = st->st_mtime = st->st_ctime = ctx()->start_time;
    return 0;
}

static int tsm_access(const char *path, int mask)
{
    tsm_node_t n;

    if (!lookup(path, &n)) return -ENOENT;
    mode_t bits = caller_bits(n.mode);
    if (((mask & R_OK) && !(bits & 4)) || ((mask & W_OK) && !(bits & 2)) ||
        ((mask & X_OK) && !(bits & 1)))
        return -EACCES;
    return 0;
}

static int tsm_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t off,
                       struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
    tsm_node_t n;
    vt_afs_dir_t l;

    (void)off;
    (void)fi;
    (void)flags;
    if (!lookup(path, &n)) return -ENOENT;
    if (!S_ISDIR(n.mode)) return -ENOTDIR;
    vt_afs_dir_begin(&l, buf, filler);
    if (n.kind == T_ROOT) vt_afs_dir_add("report", &l);
    if (n.kind == T_REPORT_DIR) vt_afs_tsm_report_list(ctx()->reports, vt_afs_dir_add, &l);
    if (n.kind == T_ENTRY)
        for (size_t i = 0; i < ATTR_COUNT; i++) vt_afs_dir_add(attrs[i].name, &l);
    return 0;
}

static int entry_path(const char *path, tsm_node_t *n)
{
    /* Only report/NAME may be made or removed. */
    if (strncmp(path, "/report/", 8) != 0 || strchr(path + 8, '/') != NULL || path[8] == '\0')
        return -EPERM;
    snprintf(n->entry, sizeof(n->entry), "%s", path + 8);
    if (strlen(path + 8) > VT_AFS_TSM_NAME_MAX) return -ENAMETOOLONG;
    if (fuse_get_context()->uid != 0) return refuse(path, EACCES, "not root");
    return 0;
}

static int tsm_mkdir(const char *path, mode_t mode)
{
    tsm_node_t n;

    (void)mode;
    int err = entry_path(path, &n);
    if (err != 0) return err;
    int rc = vt_afs_tsm_report_create(ctx()->reports, n.entry);
    if (rc == VT_E_TOO_LARGE) return refuse(path, ENOSPC, vt_last_error());
    return rc < 0 ? -EEXIST : 0;
}

static int tsm_rmdir(const char *path)
{
    tsm_node_t n;

    int err = entry_path(path, &n);
    if (err != 0) return err;
    return vt_afs_tsm_report_remove(ctx()->reports, n.entry) < 0 ? -ENOENT : 0;
}

static int set_text(tsm_handle_t *h, const char *text)
{
    h->len = strlen(text);
    h->buf = (uint8_t *)strdup(text);
    return h->buf != NULL ? 0 : -ENOMEM;
}

static int load(const char *path, tsm_handle_t *h)
{
    char text[32];
    uint64_t gen = 0;

    switch (h->node.kind) {
    case T_PROVIDER:
        return set_text(h, VT_AFS_TSM_PROVIDER "\n");
    case T_GENERATION:
        if (vt_afs_tsm_report_generation(ctx()->reports, h->node.entry, &gen) < 0) return -ENOENT;
        snprintf(text, sizeof(text), "%" PRIu64 "\n", gen);
        return set_text(h, text);
    case T_OUTBLOB: {
        int rc = vt_afs_tsm_report_outblob(ctx()->reports, h->node.entry, &h->buf, &h->len);
        if (rc == VT_E_NOT_FOUND) return -ENOENT;
        if (rc == VT_E_INVALID_ARG) return refuse(path, EINVAL, vt_last_error());
        return rc < 0 ? refuse(path, EIO, vt_last_error()) : 0;
    }
    default:
        return 0; /* inblob: write-only */
    }
}

static int tsm_open(const char *path, struct fuse_file_info *fi)
{
    tsm_node_t n;
    int acc = fi->flags & O_ACCMODE;

    if (!lookup(path, &n)) return -ENOENT;
    if (S_ISDIR(n.mode)) return -EISDIR;
    mode_t bits = caller_bits(n.mode);
    if (acc != O_WRONLY && !(bits & 4)) return refuse(path, EACCES, "not readable");
    if (acc != O_RDONLY && !(bits & 2)) return refuse(path, EACCES, "not writable");
    tsm_handle_t *h = calloc(1, sizeof(*h));
    if (h == NULL) return -ENOMEM;
    h->node = n;
    int rc = load(path, h);
    if (rc < 0) {
        free(h->buf);
        free(h);
        return rc;
    }
    fi->fh = (uint64_t)(uintptr_t)h;
    fi->direct_io = 1;
    return 0;
}

static tsm_handle_t *handle(const struct fuse_file_info *fi)
{
    return (tsm_handle_t *)(uintptr_t)fi->fh;
}

static int tsm_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
    tsm_handle_t *h = handle(fi);

    (void)path;
    if (off < 0) return -EINVAL;
    if ((size_t)off >= h->len) return 0;
    size_t n = h->len - (size_t)off < size ? h->len - (size_t)off : size;
    memcpy(buf, h->buf + off, n); /* vt-lint: allow (n <= len - off) */
    return (int)n;
}

static int tsm_write(const char *path, const char *buf, size_t size, off_t off,
                     struct fuse_file_info *fi)
{
    tsm_handle_t *h = handle(fi);

    (void)off;
    if (h->node.kind != T_INBLOB) return -EBADF;
    int rc =
        vt_afs_tsm_report_set_inblob(ctx()->reports, h->node.entry, (const uint8_t *)buf, size);
    if (rc == VT_E_NOT_FOUND) return -ENOENT;
    if (rc < 0) return refuse(path, EINVAL, vt_last_error());
    return (int)size;
}

static int tsm_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
    tsm_node_t n;

    (void)size;
    (void)fi;
    if (!lookup(path, &n)) return -ENOENT;
    return (caller_bits(n.mode) & 2) ? 0 : -EACCES;
}

static int tsm_release(const char *path, struct fuse_file_info *fi)
{
    tsm_handle_t *h = handle(fi);

    (void)path;
    free(h->buf);
    free(h);
    return 0;
}

static const struct fuse_operations tsm_ops = {
    .init = tsm_init,
    .getattr = tsm_getattr,
    .access = tsm_access,
    .readdir = tsm_readdir,
    .mkdir = tsm_mkdir,
    .rmdir = tsm_rmdir,
    .open = tsm_open,
    .read = tsm_read,
    .write = tsm_write,
    .truncate = tsm_truncate,
    .release = tsm_release,
};

int vt_afs_tsm_new(const vt_sim_platform_t *p, const char *td_config, vt_afs_tsm_t **out)
{
    int rc = VT_E_INTERNAL;
    uint8_t *json = NULL;
    size_t len = 0;
    vt_td_report_body_t td;
    vt_afs_tsm_t *t = NULL;

    rc = vt_file_read(td_config, VT_SIM_TD_CONFIG_MAX, &json, &len);
    if (rc < 0) VT_TRY(vt_error_wrap(rc, "--td-config %s", td_config));
    rc = vt_sim_td_config_parse(json, len, &td);
    if (rc < 0) VT_TRY(vt_error_wrap(rc, "--td-config %s", td_config));
    VT_TRY_ALLOC(t, calloc(1, sizeof(*t)), "the tsm tree");
    VT_TRY(vt_afs_tsm_reports_new(p, &td, &t->reports));
    t->start_time = time(NULL);
    *out = t;
    t = NULL;
    rc = 0;
out:
    vt_afs_tsm_free(t);
    free(json);
    return rc;
}

int vt_afs_tsm_mount(vt_afs_tsm_t *t, const char *path)
{
    struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
    int rc = VT_E_INTERNAL;
    struct stat st;

    VT_TRY_ENSURE(stat(path, &st) == 0 && S_ISDIR(st.st_mode), VT_E_INVALID_ARG,
                  "--tsm-mount %s: not an existing directory", path);
    VT_TRY_ENSURE(fuse_opt_add_arg(&args, VT_AFS_PROG) == 0 && fuse_opt_add_arg(&args, "-o") == 0 &&
                      fuse_opt_add_arg(&args, "allow_other,fsname=veritee-attestfs-tsm,"
                                              "subtype=veritee-attestfs") == 0,
                  VT_E_NOMEM, "out of memory building the mount options");
    t->fuse = fuse_new(&args, &tsm_ops, sizeof(tsm_ops), t);
    VT_TRY_ENSURE(t->fuse != NULL, VT_E_INTERNAL, "fuse_new failed (tsm tree)");
    VT_TRY_ENSURE(fuse_mount(t->fuse, path) == 0, VT_E_IO, "cannot mount on %s", path);
    t->is_mounted = true;
    rc = 0;
out:
    fuse_opt_free_args(&args);
    return rc;
}

static void *serve(void *arg)
{
    vt_afs_tsm_t *t = arg;
    struct fuse_loop_config *cfg = fuse_loop_cfg_create();

    if (cfg == NULL) return NULL;
    fuse_loop_cfg_set_max_threads(cfg, MAX_THREADS);
    if (fuse_loop_mt(t->fuse, cfg) < 0)
        fprintf(stderr, VT_AFS_PROG ": the tsm tree's FUSE loop failed\n");
    fuse_loop_cfg_destroy(cfg);
    return NULL;
}

int vt_afs_tsm_start(vt_afs_tsm_t *t)
{
    sigset_t block, old;

    /* Termination signals go to the main thread, whose loop ends the daemon. */
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGQUIT);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int err = pthread_create(&t->thread, NULL, serve, t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    VT_ENSURE(err == 0, VT_E_INTERNAL, "cannot start the tsm thread: %s", strerror(err));
    t->is_running = true;
    return 0;
}

void vt_afs_tsm_free(vt_afs_tsm_t *t)
{
    struct timespec deadline;
    bool is_stopped = !t || !t->is_running;

    if (t == NULL) return;
    if (t->is_running) {
        /* Unmounting ends the session: the kernel answers the loop's reads with ENODEV. */
        fuse_exit(t->fuse);
        fuse_unmount(t->fuse);
        t->is_mounted = false;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += STOP_WAIT_SECONDS;
        is_stopped = pthread_timedjoin_np(t->thread, NULL, &deadline) == 0;
        if (!is_stopped)
            fprintf(stderr, VT_AFS_PROG ": the tsm tree did not stop (files held open?)\n");
    }
    if (t->is_mounted) fuse_unmount(t->fuse);
    /* A thread still running owns the session: leave it to the process exit. */
    if (!is_stopped) return;
    if (t->fuse != NULL) fuse_destroy(t->fuse);
    vt_afs_tsm_reports_free(t->reports);
    free(t);
}
