/* SPDX-License-Identifier: Apache-2.0 */
/*
 * veritee-attestfs: Gramine's /dev/attestation served by a FUSE daemon from a simulated
 * platform (docs/design.md §6 rule 3: the platform's keys live here, never in the app).
 * Start-up: options, the platform, the report KEYID, the mount point, the mount; then
 * libfuse's multi-threaded loop until SIGTERM/SIGINT (libfuse's signal handlers end
 * the loop), then a clean unmount and exit 0.
 */
#define FUSE_USE_VERSION 312
#include <fuse.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "attestfs.h"
#include "common/error.h"
#include "mountpoint.h"
#include "options.h"
#include "tsm_fs.h"

#ifndef VT_AFS_VERSION
#define VT_AFS_VERSION "unknown"
#endif

#define MAX_THREADS 16

typedef struct {
    vt_afs_t afs;
    struct fuse *fuse; /* owned */
    bool is_mounted;
    bool is_default_created; /* the default mount point was made by us: removed at exit */
    const char *mount;       /* borrowed from the options, or VT_AFS_DEFAULT_MOUNT */
    vt_afs_tsm_t *tsm;       /* owned; NULL without --tsm-mount */
} daemon_t;

static int choose_mount(daemon_t *d, const vt_afs_options_t *o)
{
    return vt_afs_mountpoint_choose(o->mount, VT_AFS_DEFAULT_MOUNT, &d->mount,
                                    &d->is_default_created);
}

static int load(daemon_t *d, const vt_afs_options_t *o)
{
    VT_ENSURE(geteuid() == 0, VT_E_INVALID_ARG,
              "must run as root (it mounts with allow_other and reads /proc of every client)");
    int rc = vt_sim_platform_load(o->platform, o->index, &d->afs.platform);
    if (rc < 0) return vt_error_wrap(rc, "cannot load platform %lu of %s", o->index, o->platform);
    /* Like a CPU's KEYID at reset: drawn once; each report carries the KEYID it was made with. */
    VT_ENSURE(RAND_bytes(d->afs.keyid, sizeof(d->afs.keyid)) == 1, VT_E_CRYPTO,
              "cannot draw the report KEYID");
    d->afs.is_attestation_none = o->is_attestation_none;
    d->afs.keys = &o->keys;
    VT_GUARD(vt_afs_state_init(&d->afs.state, o->max_processes, &o->keys));
    if (o->tsm_mount != NULL) VT_GUARD(vt_afs_tsm_new(d->afs.platform, o->td_config, &d->tsm));
    return 0;
}

static int mount_fs(daemon_t *d)
{
    struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
    int rc = VT_E_INTERNAL;

    VT_TRY_ENSURE(fuse_opt_add_arg(&args, VT_AFS_PROG) == 0 && fuse_opt_add_arg(&args, "-o") == 0 &&
                      fuse_opt_add_arg(&args, "allow_other,fsname=veritee-attestfs,"
                                              "subtype=veritee-attestfs") == 0,
                  VT_E_NOMEM, "out of memory building the mount options");
    d->fuse = fuse_new(&args, vt_afs_fs_ops(), sizeof(struct fuse_operations), &d->afs);
    VT_TRY_ENSURE(d->fuse != NULL, VT_E_INTERNAL, "fuse_new failed");
    VT_TRY_ENSURE(fuse_mount(d->fuse, d->mount) == 0, VT_E_IO, "cannot mount on %s", d->mount);
    d->is_mounted = true;
    rc = 0;
out:
    fuse_opt_free_args(&args);
    return rc;
}

/* Detaches like fuse_daemonize, but keeps standard error for the log. */
static int detach(void)
{
    int saved = dup(STDERR_FILENO);

    VT_ENSURE(saved >= 0, VT_E_IO, "dup: %s", strerror(errno));
    int ok = fuse_daemonize(0);
    /* Without the restored stderr the daemon would run on with its log lost: refuse. */
    int restored = dup2(saved, STDERR_FILENO);
    close(saved);
    VT_ENSURE(ok == 0, VT_E_IO, "cannot detach from the terminal");
    VT_ENSURE(restored == STDERR_FILENO, VT_E_IO, "cannot keep the log on standard error");
    return 0;
}

static int serve(daemon_t *d)
{
    struct fuse_session *se = fuse_get_session(d->fuse);
    struct fuse_loop_config *cfg = fuse_loop_cfg_create();

    VT_ENSURE(cfg != NULL, VT_E_NOMEM, "out of memory creating the loop configuration");
    fuse_loop_cfg_set_max_threads(cfg, MAX_THREADS);
    /*
     * libfuse leaves a signal alone if it is ignored, and a shell starts background jobs
     * with SIGINT ignored: restore the defaults so that SIGTERM and SIGINT always unmount.
     */
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    if (fuse_set_signal_handlers(se) != 0) {
        fuse_loop_cfg_destroy(cfg);
        VT_BAIL(VT_E_INTERNAL, "cannot install the signal handlers");
    }
    int rc = d->tsm != NULL ? vt_afs_tsm_start(d->tsm) : 0;
    if (rc == 0) {
        fprintf(stderr, VT_AFS_PROG ": mounted on %s\n", d->mount);
        fflush(stderr);
        rc = fuse_loop_mt(d->fuse, cfg);
    }
    fuse_remove_signal_handlers(se);
    fuse_loop_cfg_destroy(cfg);
    /* libfuse returns the signal number after SIGTERM/SIGINT/SIGHUP. */
    if (rc == SIGTERM || rc == SIGINT || rc == SIGHUP)
        fprintf(stderr, VT_AFS_PROG ": %s, unmounting\n", strsignal(rc));
    else if (rc != 0)
        VT_BAIL(rc < 0 ? rc : VT_E_IO, "the FUSE loop failed (%d)", rc);
    return 0;
}

static void daemon_cleanup(daemon_t *d)
{
    vt_afs_tsm_free(d->tsm);
    if (d->is_mounted) fuse_unmount(d->fuse);
    if (d->fuse != NULL) fuse_destroy(d->fuse);
    if (d->is_default_created) rmdir(d->mount);
    vt_afs_state_cleanup(&d->afs.state);
    vt_sim_platform_free(d->afs.platform);
    OPENSSL_cleanse(d->afs.keyid, sizeof(d->afs.keyid));
}

static int run(const vt_afs_options_t *o)
{
    int rc = VT_E_INTERNAL;
    daemon_t d = {0};

    VT_TRY(load(&d, o));
    VT_TRY(choose_mount(&d, o));
    VT_TRY(mount_fs(&d));
    if (d.tsm != NULL) VT_TRY(vt_afs_tsm_mount(d.tsm, o->tsm_mount));
    if (!o->is_foreground) VT_TRY(detach());
    VT_TRY(serve(&d));
    rc = 0;
out:
    daemon_cleanup(&d);
    return rc;
}

int main(int argc, char **argv)
{
    vt_afs_options_t o;
    int status = 0;

    if (vt_afs_options_parse(argc, argv, &o) < 0) {
        fprintf(stderr, VT_AFS_PROG ": %s\nTry '" VT_AFS_PROG " --help'.\n", vt_last_error());
        vt_afs_options_cleanup(&o);
        return VT_AFS_EXIT_USAGE;
    }
    if (o.is_help) {
        vt_afs_options_print_help();
    } else if (o.is_version) {
        printf(VT_AFS_PROG " %s (%s, libfuse %d)\n", VT_AFS_VERSION,
               OpenSSL_version(OPENSSL_VERSION), fuse_version());
    } else if (run(&o) < 0) {
        fprintf(stderr, VT_AFS_PROG ": %s\n", vt_last_error());
        status = VT_AFS_EXIT_RUNTIME;
    }
    vt_afs_options_cleanup(&o);
    return status;
}
