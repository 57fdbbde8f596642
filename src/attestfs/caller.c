/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Callers of attestfs requests, read from procfs: tid -> Tgid (/proc/<tid>/status),
 * the start time (/proc/<tgid>/stat field 22, after the last ')' because the command
 * name may contain spaces and parentheses), the executable (/proc/<tgid>/exe) and,
 * for the identity binding, VERITEE_SIM_SIG from /proc/<tgid>/environ. Everything a
 * process controls (its name, its environment, the .sig it names) is read with a size
 * cap and parsed with explicit bounds.
 */
#define _GNU_SOURCE
#include "caller.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <veritee/sim_identity.h>

#include "common/error.h"

#define MOD        "caller"
#define STATUS_MAX 8192
#define STAT_MAX   4096
/* Fields of /proc/<pid>/stat after the ')' closing the name: state (3) .. starttime (22). */
#define STAT_FIELDS_TO_START 20

/* Reads a whole file opened at dirfd/name into buf (cap bytes, NUL-terminated). */
static int read_at(int dirfd, const char *name, char *buf, size_t cap, size_t *len,
                   bool *is_truncated)
{
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    size_t got = 0;

    VT_ENSURE(fd >= 0, errno == ENOENT || errno == ESRCH ? VT_E_NOT_FOUND : VT_E_IO, MOD ": %s: %s",
              name, strerror(errno));
    for (;;) {
        ssize_t n = read(fd, buf + got, cap - 1 - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int err = errno;
            close(fd);
            VT_BAIL(err == ESRCH ? VT_E_NOT_FOUND : VT_E_IO, MOD ": %s: %s", name, strerror(err));
        }
        got += (size_t)n;
        if (n == 0 || got == cap - 1) break;
    }
    close(fd);
    buf[got] = '\0';
    *len = got;
    if (is_truncated != NULL) *is_truncated = got == cap - 1;
    return 0;
}

/* Parses a decimal number at text (no sign); *end points past it. */
static int parse_u64(const char *text, const char *what, uint64_t *out, const char **end)
{
    char *e = NULL;

    VT_ENSURE(text[0] >= '0' && text[0] <= '9', VT_E_MALFORMED, MOD ": %s: not a number", what);
    errno = 0;
    unsigned long long v = strtoull(text, &e, 10);
    VT_ENSURE(errno == 0, VT_E_MALFORMED, MOD ": %s: out of range", what);
    *out = v;
    *end = e;
    return 0;
}

int vt_afs_proc_parse_tgid(const char *status, pid_t *tgid)
{
    uint64_t v = 0;
    const char *end = NULL;

    /* Name is the first line and the kernel escapes newlines in it. */
    const char *line = strstr(status, "\nTgid:");
    VT_ENSURE(line != NULL, VT_E_MALFORMED, MOD ": status: no Tgid line");
    line += strlen("\nTgid:");
    while (*line == '\t' || *line == ' ') line++;
    VT_GUARD(parse_u64(line, "Tgid", &v, &end));
    VT_ENSURE(*end == '\n' && v > 0 && v <= INT_MAX, VT_E_MALFORMED, MOD ": status: bad Tgid");
    *tgid = (pid_t)v;
    return 0;
}

/* The numbers of the line "\nNAME:" up to its newline, at most cap of them. */
static int parse_id_line(const char *status, const char *name, uint32_t *ids, size_t cap,
                         size_t *count)
{
    const char *p = strstr(status, name);
    size_t n = 0;

    VT_ENSURE(p != NULL, VT_E_MALFORMED, MOD ": status: no%s line", name);
    p += strlen(name);
    for (;;) {
        uint64_t v = 0;
        const char *end = NULL;
        while (*p == '\t' || *p == ' ') p++;
        if (*p == '\n') break;
        VT_ENSURE(n < cap, cap == VT_AFS_GROUPS_MAX ? VT_E_TOO_LARGE : VT_E_MALFORMED,
                  MOD ": status:%s more than %zu numbers", name, cap);
        VT_GUARD(parse_u64(p, name + 1, &v, &end));
        VT_ENSURE(v < UINT32_MAX && (*end == '\t' || *end == ' ' || *end == '\n'), VT_E_MALFORMED,
                  MOD ": status: bad%s line", name);
        ids[n++] = (uint32_t)v;
        p = end;
    }
    *count = n;
    return 0;
}

int vt_afs_proc_parse_creds(const char *status, vt_afs_creds_t *out)
{
    uint32_t uids[4], gids[4], groups[VT_AFS_GROUPS_MAX];
    size_t nu = 0, ng = 0, count = 0;

    VT_GUARD(parse_id_line(status, "\nUid:", uids, 4, &nu));
    VT_GUARD(parse_id_line(status, "\nGid:", gids, 4, &ng));
    VT_ENSURE(nu == 4 && ng == 4, VT_E_MALFORMED, MOD ": status: Uid/Gid without four ids");
    VT_GUARD(parse_id_line(status, "\nGroups:", groups, VT_AFS_GROUPS_MAX, &count));
    out->fsuid = (uid_t)uids[3];
    out->fsgid = (gid_t)gids[3];
    out->group_count = count;
    for (size_t i = 0; i < count; i++) out->groups[i] = (gid_t)groups[i];
    return 0;
}

static int read_status(pid_t tid, pid_t *tgid, vt_afs_creds_t *creds)
{
    char path[64], buf[STATUS_MAX];
    size_t len = 0;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
    VT_GUARD(read_at(AT_FDCWD, path, buf, sizeof(buf), &len, NULL));
    VT_GUARD(vt_afs_proc_parse_tgid(buf, tgid));
    int rc = vt_afs_proc_parse_creds(buf, creds);
    if (rc == VT_E_TOO_LARGE) {
        *creds = (vt_afs_creds_t){.is_too_many_groups = true};
        vt_error_clear();
        return 0;
    }
    return rc;
}

int vt_afs_proc_parse_start_time(const char *stat, size_t len, uint64_t *start)
{
    const char *end = NULL;
    uint64_t v = 0;

    VT_ENSURE(memchr(stat, '\0', len) == NULL && stat[len] == '\0', VT_E_MALFORMED,
              MOD ": stat: a NUL byte");
    const char *p = memrchr(stat, ')', len);
    VT_ENSURE(p != NULL, VT_E_MALFORMED, MOD ": stat: no ')' after the name");
    p++;
    for (int field = 0; field < STAT_FIELDS_TO_START; field++) {
        VT_ENSURE(*p == ' ', VT_E_MALFORMED, MOD ": stat: field %d missing", field + 3);
        p++;
        VT_ENSURE(*p != ' ' && *p != '\0', VT_E_MALFORMED, MOD ": stat: field %d empty", field + 3);
        if (field == STAT_FIELDS_TO_START - 1) break;
        const char *sp = strchr(p, ' ');
        VT_ENSURE(sp != NULL, VT_E_MALFORMED, MOD ": stat: field %d missing", field + 3);
        p = sp;
    }
    VT_GUARD(parse_u64(p, "starttime", &v, &end));
    VT_ENSURE(*end == ' ' || *end == '\n', VT_E_MALFORMED, MOD ": stat: bad starttime");
    *start = v;
    return 0;
}

static int read_start_time(int proc_fd, uint64_t *start)
{
    char buf[STAT_MAX];
    size_t len = 0;

    VT_GUARD(read_at(proc_fd, "stat", buf, sizeof(buf), &len, NULL));
    return vt_afs_proc_parse_start_time(buf, len, start);
}

static int open_proc(pid_t pid, int *fd)
{
    char path[64];

    snprintf(path, sizeof(path), "/proc/%d", (int)pid);
    int f = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    VT_ENSURE(f >= 0, errno == ENOENT ? VT_E_NOT_FOUND : VT_E_IO, MOD ": %s: %s", path,
              strerror(errno));
    *fd = f;
    return 0;
}

int vt_afs_caller_open(pid_t tid, vt_afs_caller_t *c)
{
    int rc = VT_E_INTERNAL;
    vt_afs_caller_t n = {.tid = tid, .proc_fd = -1};
    struct stat st;

    VT_TRY_ENSURE(tid > 0, VT_E_NOT_FOUND, MOD ": no pid (a request from another pid namespace?)");
    VT_TRY(read_status(tid, &n.key.tgid, &n.creds));
    VT_TRY(open_proc(n.key.tgid, &n.proc_fd));
    VT_TRY(read_start_time(n.proc_fd, &n.key.start_time));
    if (fstatat(n.proc_fd, "exe", &st, 0) == 0) {
        n.key.exe_dev = (uint64_t)st.st_dev;
        n.key.exe_ino = (uint64_t)st.st_ino;
    }
    *c = n;
    n.proc_fd = -1;
    rc = 0;
out:
    if (n.proc_fd >= 0) close(n.proc_fd);
    return rc;
}

void vt_afs_caller_close(vt_afs_caller_t *c)
{
    if (c->proc_fd >= 0) close(c->proc_fd);
    c->proc_fd = -1;
}

bool vt_afs_proc_is_alive(const vt_afs_proc_key_t *key)
{
    int fd = -1;
    uint64_t start = 0;
    bool is_alive = open_proc(key->tgid, &fd) == 0 && read_start_time(fd, &start) == 0 &&
                    start == key->start_time;

    if (fd >= 0) close(fd);
    vt_error_clear();
    return is_alive;
}

int vt_afs_environ_find_sig(const char *env, size_t len, char path[PATH_MAX])
{
    static const char prefix[] = VT_AFS_SIG_ENV "=";
    const char *found = NULL;
    size_t found_len = 0;

    for (size_t pos = 0; pos < len;) {
        const char *entry = env + pos;
        const char *nul = memchr(entry, '\0', len - pos);
        size_t elen = nul != NULL ? (size_t)(nul - entry) : len - pos;
        if (elen >= sizeof(prefix) - 1 && strncmp(entry, prefix, sizeof(prefix) - 1) == 0) {
            VT_ENSURE(found == NULL, VT_E_MALFORMED,
                      MOD ": " VT_AFS_SIG_ENV " appears twice in its environment");
            found = entry + sizeof(prefix) - 1;
            found_len = elen - (sizeof(prefix) - 1);
        }
        pos += elen + 1;
    }
    VT_ENSURE(found != NULL, VT_E_NOT_FOUND,
              MOD ": no " VT_AFS_SIG_ENV " in its environment (not started by 'veritee sim run')");
    VT_ENSURE(found_len > 0 && found[0] == '/' && found_len < PATH_MAX, VT_E_INVALID_ARG,
              MOD ": " VT_AFS_SIG_ENV " is not an absolute path");
    snprintf(path, PATH_MAX, "%.*s", (int)found_len, found);
    return 0;
}

static int read_sig_path(const vt_afs_caller_t *c, char path[PATH_MAX])
{
    int rc = VT_E_INTERNAL;
    char *env = NULL;
    size_t len = 0;
    bool is_truncated = false;

    VT_TRY_ALLOC(env, malloc(VT_AFS_ENVIRON_MAX + 1), "environment buffer");
    VT_TRY(read_at(c->proc_fd, "environ", env, VT_AFS_ENVIRON_MAX + 1, &len, &is_truncated));
    rc = vt_afs_environ_find_sig(env, len, path);
    if (rc == VT_E_NOT_FOUND && is_truncated)
        rc = vt_error_wrap(rc, MOD ": environment over %d bytes", VT_AFS_ENVIRON_MAX);
out:
    free(env);
    return rc;
}

/* Reads the .sig: a regular file (never a FIFO or device) of at most VT_SIM_SIG_MAX bytes. */
static int read_sig(const char *path, uint8_t **out, size_t *len)
{
    int rc = VT_E_INTERNAL;
    uint8_t *buf = NULL;
    size_t got = 0;
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

    VT_TRY_ENSURE(fd >= 0, errno == ENOENT ? VT_E_NOT_FOUND : VT_E_IO, MOD ": sig %s: %s", path,
                  strerror(errno));
    VT_TRY_ENSURE(fstat(fd, &st) == 0 && S_ISREG(st.st_mode), VT_E_IO,
                  MOD ": sig %s: not a regular file", path);
    VT_TRY_ENSURE(st.st_size <= VT_SIM_SIG_MAX, VT_E_TOO_LARGE, MOD ": sig %s: over %d bytes", path,
                  VT_SIM_SIG_MAX);
    VT_TRY_ALLOC(buf, malloc(VT_SIM_SIG_MAX + 1), "sig buffer");
    for (;;) {
        ssize_t n = pread(fd, buf + got, VT_SIM_SIG_MAX + 1 - got, (off_t)got);
        if (n < 0 && errno == EINTR) continue;
        VT_TRY_ENSURE(n >= 0, VT_E_IO, MOD ": sig %s: %s", path, strerror(errno));
        if (n == 0) break;
        got += (size_t)n;
        VT_TRY_ENSURE(got <= VT_SIM_SIG_MAX, VT_E_TOO_LARGE, MOD ": sig %s: over %d bytes", path,
                      VT_SIM_SIG_MAX);
    }
    *out = buf;
    *len = got;
    buf = NULL;
    rc = 0;
out:
    if (fd >= 0) close(fd);
    free(buf);
    return rc;
}

/*
 * Trusted files named by relative paths are resolved in the caller's current directory:
 * each worker thread gets its own file-system context once (unshare CLONE_FS), so its
 * chdir does not move the other threads.
 */
static __thread bool t_has_own_fs;

static int enter_cwd(const vt_afs_caller_t *c)
{
    if (!t_has_own_fs) {
        VT_ENSURE(unshare(CLONE_FS) == 0, VT_E_INTERNAL, MOD ": unshare(CLONE_FS): %s",
                  strerror(errno));
        t_has_own_fs = true;
    }
    int fd = openat(c->proc_fd, "cwd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    VT_ENSURE(fd >= 0, VT_E_IO, MOD ": its current directory: %s", strerror(errno));
    int ok = fchdir(fd);
    close(fd);
    VT_ENSURE(ok == 0, VT_E_IO, MOD ": its current directory: %s", strerror(errno));
    return 0;
}

static void leave_cwd(void)
{
    if (t_has_own_fs && chdir("/") != 0) {
        /* Nothing relative is opened outside enter_cwd/leave_cwd; the next enter moves on. */
    }
}

/*
 * File access as the caller: the raw system calls change this thread's file-system
 * ids and groups only (glibc's setgroups would change every thread's). A file-system
 * uid other than 0 also drops the capabilities that bypass file permissions.
 */
typedef struct {
    uid_t fsuid;
    gid_t fsgid;
    int group_count;
    gid_t groups[VT_AFS_GROUPS_MAX];
} saved_creds_t;

static bool set_fs_ids(uid_t uid, gid_t gid, size_t count, const gid_t *groups)
{
    if (syscall(SYS_setgroups, count, groups) != 0) return false;
    syscall(SYS_setfsgid, gid);
    syscall(SYS_setfsuid, uid);
    /* setfsuid/setfsgid report no error: read the ids back (-1 changes nothing). */
    return (gid_t)syscall(SYS_setfsgid, (gid_t)-1) == gid &&
           (uid_t)syscall(SYS_setfsuid, (uid_t)-1) == uid;
}

static int become(const vt_afs_creds_t *c, saved_creds_t *saved)
{
    VT_ENSURE(!c->is_too_many_groups, VT_E_TOO_LARGE, MOD ": in more than %d supplementary groups",
              VT_AFS_GROUPS_MAX);
    saved->fsuid = (uid_t)syscall(SYS_setfsuid, (uid_t)-1);
    saved->fsgid = (gid_t)syscall(SYS_setfsgid, (gid_t)-1);
    saved->group_count = getgroups(VT_AFS_GROUPS_MAX, saved->groups);
    VT_ENSURE(saved->group_count >= 0, VT_E_INTERNAL, MOD ": getgroups: %s", strerror(errno));
    if (set_fs_ids(c->fsuid, c->fsgid, c->group_count, c->groups)) return 0;
    int err = errno;
    (void)set_fs_ids(saved->fsuid, saved->fsgid, (size_t)saved->group_count, saved->groups);
    VT_BAIL(VT_E_INTERNAL, MOD ": cannot take its file-system ids (uid %u): %s", (unsigned)c->fsuid,
            strerror(err));
}

/*
 * Back to the daemon's ids. Should that ever fail, the thread fails closed: the next
 * request's /proc reads are refused, and become() sets every id again anyway.
 */
static bool unbecome(const saved_creds_t *saved)
{
    return set_fs_ids(saved->fsuid, saved->fsgid, (size_t)saved->group_count, saved->groups);
}

int vt_afs_caller_identity(const vt_afs_caller_t *c, vt_sgx_report_body_t *id)
{
    int rc = VT_E_INTERNAL;
    char path[PATH_MAX];
    uint8_t *sig = NULL;
    size_t sig_len = 0;
    int exe = -1;
    bool is_in_cwd = false, has_caller_ids = false;
    struct stat st;
    vt_sgx_report_body_t body;
    saved_creds_t saved;

    VT_TRY(read_sig_path(c, path));
    /* The executable and the directory through /proc need the daemon's rights. */
    exe = openat(c->proc_fd, "exe", O_RDONLY | O_CLOEXEC);
    VT_TRY_ENSURE(exe >= 0, VT_E_IO, MOD ": its executable: %s", strerror(errno));
    /* The state key names this image; an execve since the request began changes it. */
    VT_TRY_ENSURE(fstat(exe, &st) == 0 && (uint64_t)st.st_dev == c->key.exe_dev &&
                      (uint64_t)st.st_ino == c->key.exe_ino,
                  VT_E_IO, MOD ": its executable changed during the request");
    VT_TRY(enter_cwd(c));
    is_in_cwd = true;
    VT_TRY(become(&c->creds, &saved));
    has_caller_ids = true;
    VT_TRY(read_sig(path, &sig, &sig_len));
    rc = vt_sim_identity_verify(sig, sig_len, exe, &body);
    if (rc < 0) VT_TRY(vt_error_wrap(rc, "identity (sig %s)", path));
    *id = body;
    rc = 0;
out:
    if (has_caller_ids && !unbecome(&saved) && rc == 0)
        rc = vt_error_set(VT_E_INTERNAL, __FILE__, __LINE__,
                          MOD ": cannot restore the daemon's file-system ids");
    if (is_in_cwd) leave_cwd();
    if (exe >= 0) close(exe);
    free(sig);
    return rc;
}
