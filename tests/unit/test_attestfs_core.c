/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the attestfs pieces that need no mount (src/attestfs/): the --key parser,
 * the per-process state table (isolation, padding, sweep, cap, execve and pid reuse),
 * the /proc and environment parsers (text a client process controls), caller
 * resolution on this process, the tree's lookups, and one handle read and written by two
 * threads at once (what FUSE workers do), and the TD tree's quote cache across an entry
 * removed and made again. The mounted daemon is tested by
 * tests/integration/attestfs.sh.
 */
#define _GNU_SOURCE
#include "test_util.h"

#include <errno.h>
#include <ftw.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caller.h"
#include "content.h"
#include "keyring.h"
#include "mountpoint.h"
#include "nodes.h"
#include "state.h"
#include "tsm_report.h"

#define HEX16 "00112233445566778899aabbccddeeff"

/* ---- keyring ------------------------------------------------------------------- */

static void expect_key_rejected(const char *arg, const char *detail)
{
    vt_afs_keyring_t k;
    vt_afs_keyring_init(&k);
    vt_assert_rc(vt_afs_keyring_add(&k, arg), VT_E_INVALID_ARG);
    if (detail != NULL) assert_non_null(strstr(vt_last_error(), detail));
    /* The value is a secret: never in the message. */
    const char *eq = strchr(arg, '=');
    if (eq != NULL && strlen(eq + 1) >= 4) assert_null(strstr(vt_last_error(), eq + 1));
    assert_int_equal(k.count, 1);
    vt_afs_keyring_cleanup(&k);
}

static void test_keyring(void **state)
{
    vt_afs_keyring_t k;
    size_t i = 99;

    (void)state;
    vt_afs_keyring_init(&k);
    assert_int_equal(k.count, 1);
    assert_true(vt_afs_keyring_find(&k, "default", &i));
    assert_int_equal(i, 0);
    assert_false(k.keys[0].is_set);
    vt_assert_ok(vt_afs_keyring_add(&k, "k1=" HEX16));
    assert_true(vt_afs_keyring_find(&k, "k1", &i));
    assert_int_equal(i, 1);
    assert_true(k.keys[1].is_set);
    assert_int_equal(k.keys[1].value[0], 0x00);
    assert_int_equal(k.keys[1].value[15], 0xff);
    vt_assert_rc(vt_afs_keyring_add(&k, "k1=" HEX16), VT_E_INVALID_ARG);
    assert_non_null(strstr(vt_last_error(), "given twice"));
    vt_assert_ok(vt_afs_keyring_add(&k, "default=FFEEDDCCBBAA99887766554433221100"));
    assert_true(k.keys[0].is_set);
    assert_int_equal(k.keys[0].value[0], 0xff);
    vt_assert_rc(vt_afs_keyring_add(&k, "default=" HEX16), VT_E_INVALID_ARG);
    assert_false(vt_afs_keyring_find(&k, "k2", &i));
    assert_false(vt_afs_keyring_find(&k, "", &i));
    /* Up to VT_AFS_KEYS_MAX names, default included. */
    for (int n = 2; n < VT_AFS_KEYS_MAX; n++) {
        char arg[64];
        snprintf(arg, sizeof(arg), "key.%d=" HEX16, n);
        vt_assert_ok(vt_afs_keyring_add(&k, arg));
    }
    vt_assert_rc(vt_afs_keyring_add(&k, "one-more=" HEX16), VT_E_INVALID_ARG);
    assert_non_null(strstr(vt_last_error(), "more than 32 keys"));
    vt_afs_keyring_cleanup(&k);
    assert_int_equal(k.count, 0);

    expect_key_rejected("k1", "expected NAME=HEX32");
    expect_key_rejected("=" HEX16, "name of 0 characters");
    expect_key_rejected("_sgx_mrenclave=" HEX16, "reserved");
    expect_key_rejected("_sgx_=" HEX16, "reserved");
    expect_key_rejected("a/b=" HEX16, "only letters");
    expect_key_rejected("..=" HEX16, "not a file name");
    expect_key_rejected(".=" HEX16, "not a file name");
    expect_key_rejected("k=0011223344556677", "32 hex digits");
    expect_key_rejected("k=" HEX16 "00", "32 hex digits");
    expect_key_rejected("k=zz112233445566778899aabbccddeeff", "32 hex digits");
    expect_key_rejected("k=", "32 hex digits");
    char longname[128];
    memset(longname, 'a', 65);
    snprintf(longname + 65, sizeof(longname) - 65, "=%s", HEX16);
    expect_key_rejected(longname, "name of 65 characters");
    /* Exactly 64 characters is fine. */
    vt_afs_keyring_init(&k);
    vt_assert_ok(vt_afs_keyring_add(&k, longname + 1));
    vt_afs_keyring_cleanup(&k);
}

/* ---- state ---------------------------------------------------------------------- */

static pid_t g_dead[8];

static bool fake_alive(const vt_afs_proc_key_t *key)
{
    for (size_t i = 0; i < 8; i++)
        if (g_dead[i] == key->tgid) return false;
    return true;
}

static vt_afs_proc_key_t pkey(pid_t tgid, uint64_t start, uint64_t ino)
{
    return (vt_afs_proc_key_t){.tgid = tgid, .start_time = start, .exe_dev = 1, .exe_ino = ino};
}

static void test_state(void **state)
{
    vt_afs_keyring_t k;
    vt_afs_state_t s;
    uint8_t in[100], rd[VT_REPORT_DATA_LEN], ti[VT_SGX_TARGET_INFO_LEN], zero[512] = {0};
    uint8_t key[VT_SEALING_KEY_LEN];
    bool is_set = true;
    vt_afs_proc_key_t a = pkey(100, 5, 7), b = pkey(200, 5, 7), c = pkey(300, 5, 7);

    (void)state;
    memset(g_dead, 0, sizeof(g_dead));
    for (size_t i = 0; i < sizeof(in); i++) in[i] = (uint8_t)(i + 1);
    vt_afs_keyring_init(&k);
    vt_assert_ok(vt_afs_keyring_add(&k, "k1=" HEX16));
    vt_assert_ok(vt_afs_state_init(&s, 2, &k));
    s.is_alive = fake_alive;

    /* Padding and truncation; each process sees its own values. */
    vt_assert_ok(vt_afs_state_set_report_data(&s, &a, in, 10));
    vt_assert_ok(vt_afs_state_get(&s, &a, rd, ti));
    assert_memory_equal(rd, in, 10);
    assert_memory_equal(rd + 10, zero, 54);
    assert_memory_equal(ti, zero, sizeof(ti));
    vt_assert_ok(vt_afs_state_set_report_data(&s, &a, in, 100));
    vt_assert_ok(vt_afs_state_set_target_info(&s, &a, in, 100));
    vt_assert_ok(vt_afs_state_get(&s, &a, rd, ti));
    assert_memory_equal(rd, in, 64);
    assert_memory_equal(ti, in, 100);
    assert_memory_equal(ti + 100, zero, 412);
    vt_assert_ok(vt_afs_state_set_report_data(&s, &a, in, 0));
    vt_assert_ok(vt_afs_state_get(&s, &a, rd, NULL));
    assert_memory_equal(rd, zero, 64);
    vt_assert_ok(vt_afs_state_set_report_data(&s, &a, in, 64));
    vt_assert_ok(vt_afs_state_get(&s, &b, rd, ti));
    assert_memory_equal(rd, zero, 64);
    assert_memory_equal(ti, zero, 512);

    /* Keys start as declared; a write changes only the writer's copy. */
    vt_assert_ok(vt_afs_state_key_get(&s, &a, 0, key, &is_set));
    assert_false(is_set);
    vt_assert_ok(vt_afs_state_key_get(&s, &a, 1, key, &is_set));
    assert_true(is_set);
    assert_memory_equal(key, k.keys[1].value, 16);
    vt_assert_ok(vt_afs_state_key_set(&s, &a, 0, in));
    vt_assert_ok(vt_afs_state_key_get(&s, &a, 0, key, &is_set));
    assert_true(is_set);
    assert_memory_equal(key, in, 16);
    vt_assert_ok(vt_afs_state_key_get(&s, &b, 0, key, &is_set));
    assert_false(is_set);
    vt_assert_rc(vt_afs_state_key_get(&s, &a, 2, key, &is_set), VT_E_INVALID_ARG);
    vt_assert_rc(vt_afs_state_key_set(&s, &a, 2, in), VT_E_INVALID_ARG);

    /* The cap: a third live process is refused with a clear error. */
    vt_assert_rc(vt_afs_state_set_report_data(&s, &c, in, 64), VT_E_TOO_LARGE);
    assert_non_null(strstr(vt_last_error(), "state table full (2 processes"));
    /* a exits: the sweep drops it and c gets a fresh entry. */
    g_dead[0] = a.tgid;
    vt_assert_ok(vt_afs_state_set_report_data(&s, &c, in, 64));
    assert_int_equal(s.count, 2);
    g_dead[0] = 0;
    /* a's pid comes back as a new process (another start time): no old values. */
    g_dead[1] = c.tgid;
    vt_afs_proc_key_t a2 = pkey(100, 6, 7);
    vt_assert_ok(vt_afs_state_get(&s, &a2, rd, NULL));
    assert_memory_equal(rd, zero, 64);
    g_dead[1] = 0;

    /* execve: same pid and start time, another executable: the old image's entry goes. */
    vt_assert_ok(vt_afs_state_set_report_data(&s, &a2, in, 64));
    vt_afs_proc_key_t a3 = pkey(100, 6, 8);
    vt_assert_ok(vt_afs_state_get(&s, &a3, rd, NULL));
    assert_memory_equal(rd, zero, 64);
    vt_assert_ok(vt_afs_state_key_get(&s, &a3, 0, key, &is_set));
    assert_false(is_set);
    assert_int_equal(s.count, 2); /* b and a3 */

    vt_afs_state_cleanup(&s);
    vt_afs_state_cleanup(&s); /* idempotent */
    vt_afs_keyring_cleanup(&k);
}

/* ---- /proc and environment parsers -------------------------------------------------- */

static void test_parse_tgid(void **state)
{
    pid_t t = 0;

    (void)state;
    vt_assert_ok(vt_afs_proc_parse_tgid("Name:\tx\nUmask:\t0022\nState:\tS (sleeping)\n"
                                        "Tgid:\t4321\nNgid:\t0\nPid:\t4322\n",
                                        &t));
    assert_int_equal(t, 4321);
    vt_assert_ok(vt_afs_proc_parse_tgid("Name:\tTgid:\t7\nTgid:\t8\n", &t));
    assert_int_equal(t, 8);
    t = 55;
    vt_assert_rc(vt_afs_proc_parse_tgid("Name:\tTgid:\t7\nPid:\t8\n", &t), VT_E_MALFORMED);
    vt_assert_rc(vt_afs_proc_parse_tgid("Name:\tx\nTgid:\t0\n", &t), VT_E_MALFORMED);
    vt_assert_rc(vt_afs_proc_parse_tgid("Name:\tx\nTgid:\t-3\n", &t), VT_E_MALFORMED);
    vt_assert_rc(vt_afs_proc_parse_tgid("Name:\tx\nTgid:\t3000000000\n", &t), VT_E_MALFORMED);
    vt_assert_rc(vt_afs_proc_parse_tgid("Name:\tx\nTgid:\t99999999999999999999999\n", &t),
                 VT_E_MALFORMED);
    vt_assert_rc(vt_afs_proc_parse_tgid("Name:\tx\nTgid:\t12", &t), VT_E_MALFORMED);
    vt_assert_rc(vt_afs_proc_parse_tgid("Name:\tx\nTgid:\t12x\n", &t), VT_E_MALFORMED);
    vt_assert_rc(vt_afs_proc_parse_tgid("", &t), VT_E_MALFORMED);
    assert_int_equal(t, 55);
}

static void test_parse_creds(void **state)
{
    vt_afs_creds_t c = {.fsuid = 77};

    (void)state;
    vt_assert_ok(vt_afs_proc_parse_creds("Name:\tx\nTgid:\t5\nUid:\t1000\t1001\t1002\t1003\n"
                                         "Gid:\t2000\t2001\t2002\t2003\nFDSize:\t64\n"
                                         "Groups:\t4 24 27 \nNStgid:\t5\n",
                                         &c));
    assert_int_equal(c.fsuid, 1003);
    assert_int_equal(c.fsgid, 2003);
    assert_int_equal(c.group_count, 3);
    assert_int_equal(c.groups[0], 4);
    assert_int_equal(c.groups[2], 27);
    /* No supplementary groups: the kernel writes "Groups:\t\n" (or a space). */
    vt_assert_ok(vt_afs_proc_parse_creds("Name:\tx\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n"
                                         "Groups:\t \n",
                                         &c));
    assert_int_equal(c.fsuid, 0);
    assert_int_equal(c.group_count, 0);
    /* The name is the first line: a process named "\nUid:..." is escaped by the kernel. */
    vt_assert_ok(vt_afs_proc_parse_creds("Name:\tUid:\t0\t0\t0\t0\nUid:\t9\t9\t9\t9\n"
                                         "Gid:\t8\t8\t8\t8\nGroups:\t\n",
                                         &c));
    assert_int_equal(c.fsuid, 9);
    c.fsuid = 77;
    static const char *const bad[] = {
        "Name:\tx\nGid:\t0\t0\t0\t0\nGroups:\t\n",                      /* no Uid */
        "Name:\tx\nUid:\t0\t0\t0\t0\nGroups:\t\n",                      /* no Gid */
        "Name:\tx\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n",               /* no Groups */
        "Name:\tx\nUid:\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t\n",       /* three uids */
        "Name:\tx\nUid:\t0\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t\n", /* five */
        "Name:\tx\nUid:\t0\t0\t0\t-1\nGid:\t0\t0\t0\t0\nGroups:\t\n",
        "Name:\tx\nUid:\t0\t0\t0\t4294967295\nGid:\t0\t0\t0\t0\nGroups:\t\n",
        "Name:\tx\nUid:\t0\t0\t0\t7x\nGid:\t0\t0\t0\t0\nGroups:\t\n",
        "Name:\tx\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t1 2", /* no newline */
        "Name:\tx\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t1,2\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        vt_assert_rc(vt_afs_proc_parse_creds(bad[i], &c), VT_E_MALFORMED);
    /* More groups than kept: refused, not cut (a dropped group could hide a denial). */
    char many[8192];
    size_t used = (size_t)snprintf(many, sizeof(many),
                                   "Name:\tx\nUid:\t1\t1\t1\t1\n"
                                   "Gid:\t1\t1\t1\t1\nGroups:\t");
    for (int i = 0; i <= VT_AFS_GROUPS_MAX; i++)
        used += (size_t)snprintf(many + used, sizeof(many) - used, "%d ", 100 + i);
    snprintf(many + used, sizeof(many) - used, "\n");
    vt_assert_rc(vt_afs_proc_parse_creds(many, &c), VT_E_TOO_LARGE);
    assert_int_equal(c.fsuid, 77);
}

static int parse_stat(const char *text, uint64_t *out)
{
    return vt_afs_proc_parse_start_time(text, strlen(text), out);
}

static void test_parse_start_time(void **state)
{
    uint64_t v = 0;
    char buf[512];
    static const char fields[] = "S 1 1 1 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0";

    (void)state;
    snprintf(buf, sizeof(buf), "123 (app) %s 98765 1234 567 18446744073709551615\n", fields);
    vt_assert_ok(parse_stat(buf, &v));
    assert_int_equal(v, 98765);
    /* A name with spaces, parentheses and a fake field list. */
    snprintf(buf, sizeof(buf), "123 (a) %s 666 (b)) %s 4242 1\n", fields, fields);
    vt_assert_ok(parse_stat(buf, &v));
    assert_int_equal(v, 4242);
    v = 9;
    snprintf(buf, sizeof(buf), "123 (app) %s\n", fields);
    vt_assert_rc(parse_stat(buf, &v), VT_E_MALFORMED);
    snprintf(buf, sizeof(buf), "123 (app) %s x 1\n", fields);
    vt_assert_rc(parse_stat(buf, &v), VT_E_MALFORMED);
    snprintf(buf, sizeof(buf), "123 (app) %s 12x 1\n", fields);
    vt_assert_rc(parse_stat(buf, &v), VT_E_MALFORMED);
    snprintf(buf, sizeof(buf), "123 (app) %s 99999999999999999999999 1\n", fields);
    vt_assert_rc(parse_stat(buf, &v), VT_E_MALFORMED);
    vt_assert_rc(parse_stat("123 app S 1 2 3", &v), VT_E_MALFORMED);
    vt_assert_rc(parse_stat("123 (app)", &v), VT_E_MALFORMED);
    vt_assert_rc(parse_stat("", &v), VT_E_MALFORMED);
    vt_assert_rc(parse_stat("123 (app)  S 1 1 1 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 5 1\n", &v),
                 VT_E_MALFORMED);
    /* A NUL inside the text. */
    snprintf(buf, sizeof(buf), "123 (app) %s 77 1\n", fields);
    size_t len = strlen(buf);
    buf[3] = '\0';
    vt_assert_rc(vt_afs_proc_parse_start_time(buf, len, &v), VT_E_MALFORMED);
    assert_int_equal(v, 9);
}

static int find_sig(const char *env, size_t len, char path[PATH_MAX])
{
    return vt_afs_environ_find_sig(env, len, path);
}

#define ENV(s) (s), sizeof(s) - 1

static void test_environ(void **state)
{
    char path[PATH_MAX] = "untouched";

    (void)state;
    vt_assert_ok(find_sig(ENV("A=1\0VERITEE_SIM_SIG=/x/app.sig\0B=2\0"), path));
    assert_string_equal(path, "/x/app.sig");
    vt_assert_ok(find_sig(ENV("VERITEE_SIM_SIG=/last"), path)); /* no final NUL */
    assert_string_equal(path, "/last");
    vt_assert_ok(find_sig(ENV("\0\0VERITEE_SIM_SIG=/a b\0"), path));
    assert_string_equal(path, "/a b");
    snprintf(path, sizeof(path), "untouched");
    vt_assert_rc(find_sig(ENV("A=1\0B=2\0"), path), VT_E_NOT_FOUND);
    assert_non_null(strstr(vt_last_error(), "not started by 'veritee sim run'"));
    vt_assert_rc(find_sig(ENV(""), path), VT_E_NOT_FOUND);
    vt_assert_rc(find_sig(ENV("VERITEE_SIM_SIGX=/a\0XVERITEE_SIM_SIG=/b\0VERITEE_SIM_SIG\0"), path),
                 VT_E_NOT_FOUND);
    vt_assert_rc(find_sig(ENV("VERITEE_SIM_SIG=/a\0VERITEE_SIM_SIG=/b\0"), path), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "appears twice"));
    vt_assert_rc(find_sig(ENV("VERITEE_SIM_SIG=a.sig\0"), path), VT_E_INVALID_ARG);
    vt_assert_rc(find_sig(ENV("VERITEE_SIM_SIG=\0"), path), VT_E_INVALID_ARG);
    assert_string_equal(path, "untouched");

    /* A path of PATH_MAX - 1 bytes fits, PATH_MAX does not. */
    static char env[PATH_MAX + 64];
    int n = snprintf(env, sizeof(env), "VERITEE_SIM_SIG=/");
    memset(env + n, 'p', PATH_MAX - 2);
    vt_assert_ok(find_sig(env, (size_t)n + PATH_MAX - 2, path));
    assert_int_equal(strlen(path), PATH_MAX - 1);
    env[n + PATH_MAX - 2] = 'p';
    vt_assert_rc(find_sig(env, (size_t)n + PATH_MAX - 1, path), VT_E_INVALID_ARG);
}

/* ---- callers: this process, a thread of it, a dead child --------------------------- */

typedef struct {
    pid_t tid;
    vt_afs_caller_t c;
    int rc;
} thread_arg_t;

static void *resolve_self(void *p)
{
    thread_arg_t *t = p;
    t->tid = gettid();
    t->rc = vt_afs_caller_open(t->tid, &t->c);
    return NULL;
}

static void test_caller(void **state)
{
    vt_afs_caller_t c;
    struct stat st;
    pthread_t th;
    thread_arg_t t = {0};

    (void)state;
    vt_assert_ok(vt_afs_caller_open(getpid(), &c));
    assert_int_equal(c.key.tgid, getpid());
    assert_true(c.key.start_time > 0);
    assert_int_equal(stat("/proc/self/exe", &st), 0);
    assert_int_equal(c.key.exe_ino, (uint64_t)st.st_ino);
    assert_int_equal(c.key.exe_dev, (uint64_t)st.st_dev);
    assert_int_equal(c.creds.fsuid, geteuid());
    assert_int_equal(c.creds.fsgid, getegid());
    assert_int_equal((int)c.creds.group_count, getgroups(0, NULL));
    assert_true(c.proc_fd >= 0);
    assert_true(vt_afs_proc_is_alive(&c.key));
    vt_afs_proc_key_t other = c.key;
    other.start_time++;
    assert_false(vt_afs_proc_is_alive(&other));

    /* A thread's id resolves to this process, with the same key. */
    assert_int_equal(pthread_create(&th, NULL, resolve_self, &t), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    vt_assert_ok(t.rc);
    assert_int_not_equal(t.tid, getpid());
    assert_memory_equal(&t.c.key, &c.key, sizeof(c.key));
    vt_afs_caller_close(&t.c);

    /* No VERITEE_SIM_SIG in this test's environment: no identity. */
    vt_sgx_report_body_t id;
    if (getenv(VT_AFS_SIG_ENV) == NULL) {
        vt_assert_rc(vt_afs_caller_identity(&c, &id), VT_E_NOT_FOUND);
        assert_non_null(strstr(vt_last_error(), "no VERITEE_SIM_SIG"));
    }
    vt_afs_caller_close(&c);
    assert_int_equal(c.proc_fd, -1);
    vt_afs_caller_close(&c);

    /* A process that has exited is gone. */
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) _exit(0);
    vt_afs_caller_t dead;
    vt_assert_ok(vt_afs_caller_open(child, &dead)); /* a zombie still has /proc */
    assert_int_equal(waitpid(child, NULL, 0), child);
    assert_false(vt_afs_proc_is_alive(&dead.key));
    vt_afs_caller_close(&dead);
    vt_assert_rc(vt_afs_caller_open(child, &dead), VT_E_NOT_FOUND);
    vt_assert_rc(vt_afs_caller_open(0, &dead), VT_E_NOT_FOUND);
    assert_non_null(strstr(vt_last_error(), "another pid namespace"));
}

/*
 * A process in more supplementary groups than the daemon keeps: it is still resolved
 * (its report data and keys work), but its identity check is refused, never made with
 * fewer groups than it has. Needs root (setgroups).
 */
static void test_caller_many_groups(void **state)
{
    gid_t groups[VT_AFS_GROUPS_MAX + 1];
    vt_afs_caller_t c;
    vt_sgx_report_body_t id;
    int rc = VT_E_NOT_FOUND;
    bool is_too_many = false;

    (void)state;
    if (geteuid() != 0) skip();
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) groups[i] = (gid_t)(5000 + i);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        char *const argv[] = {"sleep", "10", NULL};
        char *const envp[] = {VT_AFS_SIG_ENV "=/nonexistent/x.sig", NULL};
        if (setgroups(sizeof(groups) / sizeof(groups[0]), groups) != 0) _exit(3);
        execve("/bin/sleep", argv, envp);
        _exit(4);
    }
    /* Until the child has exec'd (its environment then names a .sig; an exec during the
     * check is "its executable changed"). */
    for (int i = 0; i < 500 && (rc == VT_E_NOT_FOUND || rc == VT_E_IO); i++) {
        vt_assert_ok(vt_afs_caller_open(child, &c));
        is_too_many = c.creds.is_too_many_groups;
        rc = vt_afs_caller_identity(&c, &id);
        vt_afs_caller_close(&c);
        if (rc == VT_E_NOT_FOUND || rc == VT_E_IO) usleep(10000);
    }
    vt_assert_rc(rc, VT_E_TOO_LARGE);
    assert_non_null(strstr(vt_last_error(), "supplementary groups"));
    assert_true(is_too_many);
    kill(child, SIGKILL);
    assert_int_equal(waitpid(child, NULL, 0), child);
}

/* ---- the tree --------------------------------------------------------------------- */

static int collect(const char *name, void *arg)
{
    char *out = arg;
    size_t len = strlen(out);
    snprintf(out + len, 512 - len, "%s ", name);
    return 0;
}

static void test_nodes(void **state)
{
    vt_afs_keyring_t k;
    vt_afs_node_t n;
    char list[512];

    (void)state;
    vt_afs_keyring_init(&k);
    vt_assert_ok(vt_afs_keyring_add(&k, "k1=" HEX16));
    assert_true(vt_afs_node_lookup("/", &k, false, &n));
    assert_int_equal(n.kind, VT_AFS_NODE_ROOT);
    assert_int_equal(n.mode, S_IFDIR | 0555);
    static const struct {
        const char *path;
        vt_afs_node_kind_t kind;
        mode_t mode;
        bool needs_identity;
    } want[] = {
        {"/attestation_type", VT_AFS_NODE_TYPE, 0444, false},
        {"/user_report_data", VT_AFS_NODE_REPORT_DATA, 0666, false},
        {"/target_info", VT_AFS_NODE_TARGET_INFO, 0666, false},
        {"/my_target_info", VT_AFS_NODE_MY_TARGET_INFO, 0444, true},
        {"/report", VT_AFS_NODE_REPORT, 0444, true},
        {"/quote", VT_AFS_NODE_QUOTE, 0444, true},
        {"/verify_report", VT_AFS_NODE_VERIFY_REPORT, 0222, true},
        {"/keys/default", VT_AFS_NODE_KEY, 0666, false},
        {"/keys/k1", VT_AFS_NODE_KEY, 0666, false},
        {"/keys/_sgx_mrenclave", VT_AFS_NODE_SEAL_MRENCLAVE, 0444, true},
        {"/keys/_sgx_mrsigner", VT_AFS_NODE_SEAL_MRSIGNER, 0444, true},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        assert_true(vt_afs_node_lookup(want[i].path, &k, false, &n));
        assert_int_equal(n.kind, want[i].kind);
        assert_int_equal(n.mode, S_IFREG | want[i].mode);
        assert_int_equal(vt_afs_node_needs_identity(n.kind), want[i].needs_identity);
    }
    assert_true(vt_afs_node_lookup("/keys/k1", &k, false, &n));
    assert_int_equal(n.key_index, 1);
    assert_string_equal(n.name, "k1");
    assert_true(vt_afs_node_lookup("/keys", &k, false, &n));
    assert_int_equal(n.mode, S_IFDIR | 0555);
    static const char *const absent[] = {"/nosuch",    "quote",    "/quote/",
                                         "/keys/",     "/keys/k2", "/keys/../quote",
                                         "/keys/k1/x", "//quote",  ""};
    for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
        assert_false(vt_afs_node_lookup(absent[i], &k, false, &n));
    /* Attestation type none: no quote. */
    assert_false(vt_afs_node_lookup("/quote", &k, true, &n));
    assert_true(vt_afs_node_lookup("/report", &k, true, &n));

    vt_afs_node_lookup("/", &k, false, &n);
    list[0] = '\0';
    vt_afs_node_list(&n, &k, false, collect, list);
    assert_string_equal(list, "attestation_type user_report_data target_info my_target_info "
                              "report quote verify_report keys ");
    list[0] = '\0';
    vt_afs_node_list(&n, &k, true, collect, list);
    assert_null(strstr(list, "quote"));
    vt_afs_node_lookup("/keys", &k, false, &n);
    list[0] = '\0';
    vt_afs_node_list(&n, &k, false, collect, list);
    assert_string_equal(list, "default k1 _sgx_mrenclave _sgx_mrsigner ");
    vt_afs_keyring_cleanup(&k);
}

/* ---- the mount point ---------------------------------------------------------------- */

static void test_mountpoint(void **state)
{
    char dir[256], def[300], file[300];
    const char *out = NULL;
    bool is_created = true;
    struct stat st;
    const char *tmp = getenv("TMPDIR");

    (void)state;
    snprintf(dir, sizeof(dir), "%s/vt-afs-mnt-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    assert_non_null(mkdtemp(dir));
    snprintf(def, sizeof(def), "%s/attestation", dir);
    snprintf(file, sizeof(file), "%s/file", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);

    /* --mount: an existing directory, nothing else. */
    vt_assert_ok(vt_afs_mountpoint_choose(dir, def, &out, &is_created));
    assert_string_equal(out, dir);
    assert_false(is_created);
    vt_assert_rc(vt_afs_mountpoint_choose(file, def, &out, &is_created), VT_E_INVALID_ARG);
    assert_non_null(strstr(vt_last_error(), "not an existing directory"));
    vt_assert_rc(vt_afs_mountpoint_choose(def, def, &out, &is_created), VT_E_INVALID_ARG);
    /* The default: created when missing, used when empty, refused otherwise. */
    vt_assert_ok(vt_afs_mountpoint_choose(NULL, def, &out, &is_created));
    assert_string_equal(out, def);
    assert_true(is_created);
    assert_int_equal(stat(def, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0755 & ~umask(022));
    vt_assert_ok(vt_afs_mountpoint_choose(NULL, def, &out, &is_created));
    assert_false(is_created);
    char inner[320];
    snprintf(inner, sizeof(inner), "%s/x", def);
    assert_int_equal(mkdir(inner, 0700), 0);
    vt_assert_rc(vt_afs_mountpoint_choose(NULL, def, &out, &is_created), VT_E_INVALID_ARG);
    assert_non_null(strstr(vt_last_error(), "is not an empty directory: give --mount PATH"));
    vt_assert_rc(vt_afs_mountpoint_choose(NULL, file, &out, &is_created), VT_E_INVALID_ARG);
    assert_int_equal(rmdir(inner), 0);
    assert_int_equal(rmdir(def), 0);
    assert_int_equal(unlink(file), 0);
    assert_int_equal(rmdir(dir), 0);
}

/* ---- one handle, two threads ------------------------------------------------------ */

#define RACE_ROUNDS 4000

typedef struct {
    vt_afs_t *afs;
    vt_afs_handle_t *h;
    volatile bool is_done;
    int failures;
} race_t;

/* Writes 64 bytes of 'A' and 8 bytes of 'b' in turn, as one process of the handle. */
static void *race_writer(void *p)
{
    race_t *r = p;
    uint8_t big[64], small[8];
    pid_t tid = gettid();

    memset(big, 'A', sizeof(big));
    memset(small, 'b', sizeof(small));
    for (int i = 0; i < RACE_ROUNDS; i++) {
        bool is_big = i % 2 == 0;
        size_t len = is_big ? sizeof(big) : sizeof(small);
        if (vt_afs_content_write(r->afs, tid, r->h, is_big ? big : small, len) != (int)len)
            r->failures++;
    }
    r->is_done = true;
    return NULL;
}

/* A read sees one whole value, never a mix of the old and the new (nor freed memory). */
static void test_handle_race(void **state)
{
    vt_afs_keyring_t k;
    vt_afs_t afs = {0};
    vt_afs_node_t node;
    race_t r = {.afs = &afs};
    pthread_t th;
    char buf[128];
    int reads = 0;

    (void)state;
    vt_afs_keyring_init(&k);
    afs.keys = &k;
    vt_assert_ok(vt_afs_state_init(&afs.state, 4, &k));
    assert_true(vt_afs_node_lookup("/user_report_data", &k, false, &node));
    assert_int_equal(vt_afs_content_open(&afs, gettid(), &node, &r.h), 0);
    assert_int_equal(vt_afs_content_read(r.h, buf, sizeof(buf), 0), 0);
    assert_int_equal(vt_afs_content_read(r.h, buf, sizeof(buf), -1), -EINVAL);
    assert_int_equal(pthread_create(&th, NULL, race_writer, &r), 0);
    while (!r.is_done) {
        int n = vt_afs_content_read(r.h, buf, sizeof(buf), 0);
        char want = n == 64 ? 'A' : 'b';
        assert_true(n == 0 || n == 64 || n == 8);
        for (int i = 0; i < n; i++) assert_int_equal(buf[i], want);
        /* From an offset: the tail of the same value. */
        n = vt_afs_content_read(r.h, buf, 4, 60);
        assert_true(n == 0 || n == 4);
        for (int i = 0; i < n; i++) assert_int_equal(buf[i], 'A');
        reads++;
    }
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(r.failures, 0);
    assert_true(reads > 0);
    assert_int_equal(vt_afs_content_read(r.h, buf, sizeof(buf), 0), 8);
    vt_afs_handle_free(r.h);
    vt_afs_state_cleanup(&afs.state);
    vt_afs_keyring_cleanup(&k);
}

/* ---- the TD tree's quote cache ------------------------------------------------------ */

#define TSM_ROUNDS          24
#define TSM_QUOTE_RD_OFFSET 568 /* TDX quote v4: header 48 + TD report body offset 520 */

typedef struct {
    vt_afs_tsm_reports_t *r;
    volatile bool is_done;
} tsm_race_t;

/* Another reader of entry "e", all the time (as any process of the TD may be). */
static void *tsm_reader(void *p)
{
    tsm_race_t *t = p;
    while (!t->is_done) {
        uint8_t *q = NULL;
        size_t len = 0;
        if (vt_afs_tsm_report_outblob(t->r, "e", &q, &len) == 0) free(q);
        vt_error_clear();
    }
    return NULL;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/*
 * rmdir and mkdir of the same name restart its generation at 0: a quote the other reader
 * was making for the removed entry must not become the new entry's cached outblob.
 */
static void test_tsm_recreated_entry(void **state)
{
    char dir[] = "/tmp/vt_afs_tsm_XXXXXX";
    vt_sim_init_options_t o = {.platform_count = 1, .tcb_status = VT_TCB_UP_TO_DATE};
    vt_sim_platform_t *p = NULL;
    vt_td_report_body_t td = {0};
    tsm_race_t t = {0};
    pthread_t th;
    uint8_t rd[VT_REPORT_DATA_LEN];

    (void)state;
    assert_non_null(mkdtemp(dir));
    vt_assert_ok(vt_sim_init(dir, &o));
    vt_assert_ok(vt_sim_platform_load(dir, 0, &p));
    memset(td.mr_td, 0x3d, sizeof(td.mr_td));
    vt_assert_ok(vt_afs_tsm_reports_new(p, &td, &t.r));
    assert_int_equal(pthread_create(&th, NULL, tsm_reader, &t), 0);
    for (int i = 0; i < TSM_ROUNDS; i++) {
        uint8_t *q = NULL;
        size_t len = 0;
        if (vt_afs_tsm_report_remove(t.r, "e") < 0) vt_error_clear(); /* none yet */
        vt_assert_ok(vt_afs_tsm_report_create(t.r, "e"));
        memset(rd, i, sizeof(rd));
        vt_assert_ok(vt_afs_tsm_report_set_inblob(t.r, "e", rd, sizeof(rd)));
        /* Even rounds: let the reader start a quote (a varied head start), then remove the
         * entry under it. */
        if (i % 2 == 0) {
            usleep((useconds_t)(i * 37 % 400));
            continue;
        }
        usleep(3000); /* the reader's quote of the removed entry is done by now */
        for (int k = 0; k < 2; k++) {
            vt_assert_ok(vt_afs_tsm_report_outblob(t.r, "e", &q, &len));
            assert_true(len >= TSM_QUOTE_RD_OFFSET + VT_REPORT_DATA_LEN);
            assert_memory_equal(q + TSM_QUOTE_RD_OFFSET, rd, sizeof(rd));
            free(q);
        }
    }
    t.is_done = true;
    assert_int_equal(pthread_join(th, NULL), 0);
    vt_afs_tsm_reports_free(t.r);
    vt_sim_platform_free(p);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keyring),
        cmocka_unit_test(test_state),
        cmocka_unit_test(test_parse_tgid),
        cmocka_unit_test(test_parse_start_time),
        cmocka_unit_test(test_environ),
        cmocka_unit_test(test_caller),
        cmocka_unit_test(test_nodes),
        cmocka_unit_test(test_mountpoint),
        cmocka_unit_test(test_parse_creds),
        cmocka_unit_test(test_handle_race),
        cmocka_unit_test(test_tsm_recreated_entry),
        cmocka_unit_test(test_caller_many_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
