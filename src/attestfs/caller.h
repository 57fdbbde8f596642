/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Who is calling. A FUSE request carries the id of the calling thread; the caller is
 * its thread group (process), pinned by an open /proc/<tgid> directory so that every
 * later read (stat, environ, exe, cwd) is of that process and fails if it is gone.
 *
 * A process is identified by (tgid, start time, executable device and inode): the
 * start time (/proc/<pid>/stat field 22) tells a reused pid apart, and the executable
 * tells the image after an execve apart from the one before (execve keeps the pid and
 * the start time), so no state crosses into a newly launched enclave.
 */
#ifndef VT_AFS_CALLER_H
#define VT_AFS_CALLER_H

#include <limits.h>
#include <sys/types.h>

#include <veritee/evidence.h>

/* The largest /proc/<pid>/environ read; VERITEE_SIM_SIG beyond it is not seen. */
#define VT_AFS_ENVIRON_MAX (256 * 1024)
#define VT_AFS_SIG_ENV     "VERITEE_SIM_SIG"

typedef struct {
    pid_t tgid;
    uint64_t start_time; /* clock ticks after boot */
    uint64_t exe_dev;    /* 0 when the process has no executable (kernel thread) */
    uint64_t exe_ino;
} vt_afs_proc_key_t;

/* Supplementary groups kept of a caller; one in more groups is refused. */
#define VT_AFS_GROUPS_MAX 256

/*
 * The file-system credentials of the calling thread (/proc/<tid>/status). A caller in
 * more groups than kept is still served what needs no identity; its identity check
 * fails (is_too_many_groups).
 */
typedef struct {
    uid_t fsuid;
    gid_t fsgid;
    bool is_too_many_groups;
    size_t group_count;
    gid_t groups[VT_AFS_GROUPS_MAX];
} vt_afs_creds_t;

typedef struct {
    pid_t tid;
    vt_afs_proc_key_t key;
    vt_afs_creds_t creds;
    int proc_fd; /* owned: /proc/<tgid>, -1 when closed */
} vt_afs_caller_t;

/*
 * Resolves the thread tid to its process. VT_E_NOT_FOUND if it is gone (or tid is 0: a
 * request from another pid namespace), VT_E_MALFORMED for unexpected /proc text.
 * On success the caller owns c->proc_fd (vt_afs_caller_close).
 */
VT_MUST_CHECK int vt_afs_caller_open(pid_t tid, vt_afs_caller_t *c);
void vt_afs_caller_close(vt_afs_caller_t *c);

/* Whether the process key still names a running process (same start time). */
bool vt_afs_proc_is_alive(const vt_afs_proc_key_t *key);

/*
 * The identity binding (docs/design.md §6 rule 3): reads VERITEE_SIM_SIG from the
 * caller's environment (bounded), reads that .sig (an absolute path to a regular file
 * of at most VT_SIM_SIG_MAX bytes), and runs vt_sim_identity_verify on the caller's
 * /proc/<tgid>/exe, with relative trusted-file paths resolved in the caller's current
 * directory. The variable alone proves nothing: the running executable must hash to
 * the signed MRENCLAVE. The .sig and the trusted files are opened with the caller's
 * file-system credentials (c->creds, set on this thread only), never the daemon's: a
 * client cannot have root read or measure a file that it may not read itself. On
 * success *id holds the identity (report_data zero).
 * Errors: VT_E_NOT_FOUND (no variable, no sig), VT_E_INVALID_ARG (bad path),
 * VT_E_TOO_LARGE, and the codes of vt_sim_identity_verify; the detail says why.
 */
VT_MUST_CHECK int vt_afs_caller_identity(const vt_afs_caller_t *c, vt_sgx_report_body_t *id);

/* ---- The parsers, for tests: every input is text a process can influence ---------- */

/* The Tgid of /proc/<tid>/status text (NUL-terminated). VT_E_MALFORMED otherwise. */
VT_MUST_CHECK int vt_afs_proc_parse_tgid(const char *status, pid_t *tgid);

/*
 * The file-system uid and gid (the fourth number of the Uid: and Gid: lines) and the
 * Groups: line of /proc/<tid>/status text. VT_E_MALFORMED for a missing or bad line,
 * VT_E_TOO_LARGE beyond VT_AFS_GROUPS_MAX groups. Writes *out only on success.
 */
VT_MUST_CHECK int vt_afs_proc_parse_creds(const char *status, vt_afs_creds_t *out);

/*
 * Field 22 (starttime) of /proc/<pid>/stat text of len bytes (followed by a NUL),
 * counted after the last ')' since the command name may hold spaces and parentheses.
 */
VT_MUST_CHECK int vt_afs_proc_parse_start_time(const char *stat, size_t len, uint64_t *start);

/*
 * The value of the one VERITEE_SIM_SIG=... entry of a NUL-separated environment block
 * of len bytes (the last entry may lack its NUL). VT_E_NOT_FOUND if absent,
 * VT_E_MALFORMED if it appears twice, VT_E_INVALID_ARG unless an absolute path
 * shorter than PATH_MAX. Writes path only on success.
 */
VT_MUST_CHECK int vt_afs_environ_find_sig(const char *env, size_t len, char path[PATH_MAX]);

#endif
