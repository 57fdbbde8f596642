/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The tsm provider: Linux configfs-tsm (Linux >= 6.7, Documentation/ABI/testing/
 * configfs-tsm), the one interface to TDX and SEV-SNP guest reports.
 *
 * Each request gets its own entry, report/veritee-<pid>-<n>, so requests from other
 * threads or processes cannot touch it; the generation counter still guards against
 * anyone writing into it: generation increments on every write to inblob (or another
 * option), so reading it before the write and after reading outblob must give g and
 * g + 1. Otherwise the outblob may belong to other input: retry, then fail with
 * VT_E_IO. The entry is removed on every path; a removal failure fails the request,
 * because a leaked entry holds kernel memory until someone removes it by hand.
 */
#define _GNU_SOURCE
#include "tsm.h"

#include <errno.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cursor.h"
#include "common/error.h"

#define MOD       "tsm"
#define HINT_ROOT "configfs-tsm needs root"
/* SEV-SNP ABI spec, table 22 (ATTESTATION_REPORT): REPORT_DATA at 0x50, 64 bytes. */
#define SNP_REPORT_DATA_OFFSET 0x50

/* Makes entry names unique within the process; the pid makes them unique across. */
static unsigned g_entry_counter;

typedef struct {
    char path[PATH_MAX];
    bool is_created;
} entry_t;

static void fire(const vt_attester_t *a, vt_tsm_event_t ev, const entry_t *e)
{
    if (a->tsm_hook != NULL) a->tsm_hook(ev, e->path, a->tsm_hook_arg);
}

static int entry_create(const vt_attester_t *a, entry_t *e)
{
    /* A stale entry of a dead process with our pid is skipped, not reused. */
    for (int i = 0; i < 16; i++) {
        unsigned n = __atomic_fetch_add(&g_entry_counter, 1, __ATOMIC_RELAXED);
        int w = snprintf(e->path, sizeof(e->path), "%s/veritee-%ld-%u", a->dir, (long)getpid(), n);
        VT_ENSURE(w > 0 && (size_t)w < sizeof(e->path), VT_E_INVALID_ARG, MOD ": path %s too long",
                  a->dir);
        if (mkdir(e->path, 0700) == 0) {
            e->is_created = true;
            fire(a, VT_TSM_EV_CREATED, e);
            return 0;
        }
        if (errno != EEXIST)
            return vt_attest_errno_rc(errno, MOD, a->dir, "mkdir report entry", HINT_ROOT);
    }
    VT_BAIL(VT_E_IO, MOD ": no free report entry name in %s", a->dir);
}

/*
 * Removes the entry. A failure is reported only when is_reporting: on a path that has
 * already failed, the first error is the one the caller needs, and reporting the
 * removal would overwrite its detail.
 */
static int entry_remove(const vt_attester_t *a, entry_t *e, bool is_reporting)
{
    if (!e->is_created) return 0;
    fire(a, VT_TSM_EV_REMOVING, e);
    e->is_created = false;
    if (rmdir(e->path) == 0 || !is_reporting) return 0;
    return vt_attest_errno_rc(errno, MOD, NULL, "rmdir report entry", HINT_ROOT);
}

/* Reads a small text attribute ("%s\n" or "%u\n" in the kernel) without its newline. */
static int read_text(const entry_t *e, const char *name, char *out, size_t cap)
{
    size_t n = 0;

    VT_GUARD(vt_attest_read_file(MOD, e->path, name, NULL, (uint8_t *)out, cap - 1, &n));
    if (n > 0 && out[n - 1] == '\n') n--;
    out[n] = '\0';
    VT_ENSURE(strlen(out) == n, VT_E_MALFORMED, MOD ": %s: contains a NUL byte", name);
    return 0;
}

static int read_generation(const entry_t *e, unsigned long long *out)
{
    char text[32];
    char *end = NULL;

    VT_GUARD(read_text(e, "generation", text, sizeof(text)));
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    VT_ENSURE(text[0] >= '0' && text[0] <= '9' && *end == '\0' && errno == 0, VT_E_MALFORMED,
              MOD ": generation '%.20s' is not a decimal number", text);
    *out = v;
    return 0;
}

static int read_provider(const entry_t *e, vt_attest_tee_t *tee)
{
    char text[64];

    VT_GUARD(read_text(e, "provider", text, sizeof(text)));
    *tee = strcmp(text, "tdx_guest") == 0   ? VT_ATTEST_TEE_TDX
           : strcmp(text, "sev_guest") == 0 ? VT_ATTEST_TEE_SNP
                                            : VT_ATTEST_TEE_UNKNOWN;
    return 0;
}

/* One inblob -> outblob round; *is_raced when the generation moved by other than one. */
static int generate_once(const vt_attester_t *a, const entry_t *e,
                         const uint8_t rd[static VT_REPORT_DATA_LEN], uint8_t *buf, size_t *n,
                         bool *is_raced)
{
    unsigned long long before = 0, after = 0;

    VT_GUARD(read_generation(e, &before));
    VT_GUARD(vt_attest_write_once(MOD, e->path, "inblob", rd, VT_REPORT_DATA_LEN, HINT_ROOT));
    fire(a, VT_TSM_EV_INBLOB_WRITTEN, e);
    VT_GUARD(vt_attest_read_file(MOD, e->path, "outblob", HINT_ROOT, buf, VT_TSM_OUTBLOB_MAX, n));
    VT_GUARD(read_generation(e, &after));
    *is_raced = after != before + 1;
    return 0;
}

static int generate(const vt_attester_t *a, const entry_t *e,
                    const uint8_t rd[static VT_REPORT_DATA_LEN], uint8_t *buf, size_t *n)
{
    bool is_raced = true;

    for (int i = 0; i < VT_TSM_ATTEMPTS && is_raced; i++)
        VT_GUARD(generate_once(a, e, rd, buf, n, &is_raced));
    VT_ENSURE(!is_raced, VT_E_IO,
              MOD ": generation changed unexpectedly in %d attempts (another writer uses %s)",
              VT_TSM_ATTEMPTS, e->path);
    return 0;
}

static int check_snp(const uint8_t *buf, size_t n, const uint8_t rd[static VT_REPORT_DATA_LEN])
{
    vt_cursor_t c;
    const uint8_t *got = NULL;

    VT_ENSURE(n >= VT_SNP_REPORT_LEN, VT_E_TRUNCATED, MOD ": snp report: %zu bytes, expected %d", n,
              VT_SNP_REPORT_LEN);
    VT_ENSURE(n <= VT_SNP_REPORT_MAX, VT_E_TOO_LARGE, MOD ": snp report: %zu bytes, limit %d", n,
              VT_SNP_REPORT_MAX);
    vt_cursor_init(&c, buf, n, "snp_report");
    VT_GUARD(vt_cursor_skip(&c, SNP_REPORT_DATA_OFFSET));
    VT_GUARD(vt_cursor_borrow(&c, VT_REPORT_DATA_LEN, &got));
    VT_ENSURE(CRYPTO_memcmp(got, rd, VT_REPORT_DATA_LEN) == 0, VT_E_REPORT_DATA,
              MOD ": snp report data differs from the report data written");
    return 0;
}

static int check_outblob(vt_attest_tee_t tee, const uint8_t *buf, size_t n,
                         const uint8_t rd[static VT_REPORT_DATA_LEN])
{
    if (tee == VT_ATTEST_TEE_TDX) return vt_attest_check_quote(MOD, buf, n, VT_TEE_TDX, rd);
    if (tee == VT_ATTEST_TEE_SNP) return check_snp(buf, n, rd);
    /* An unknown provider: return its bytes unchecked, but never an empty result. */
    VT_ENSURE(n > 0, VT_E_TRUNCATED, MOD ": outblob is empty");
    return 0;
}

static int tsm_get_evidence(vt_attester_t *a, const uint8_t rd[static VT_REPORT_DATA_LEN],
                            uint8_t **evidence, size_t *len)
{
    int rc = VT_E_INTERNAL;
    entry_t e = {.is_created = false};
    vt_attest_tee_t tee = VT_ATTEST_TEE_UNKNOWN;
    uint8_t *buf = NULL;
    size_t n = 0;

    VT_TRY_ALLOC(buf, malloc(VT_TSM_OUTBLOB_MAX), "outblob buffer");
    VT_TRY(entry_create(a, &e));
    VT_TRY(generate(a, &e, rd, buf, &n));
    VT_TRY(read_provider(&e, &tee));
    VT_TRY(check_outblob(tee, buf, n, rd));
    rc = 0;
out:;
    int rm = entry_remove(a, &e, rc == 0);
    if (rc == 0) rc = rm;
    if (rc == 0) {
        uint8_t *shrunk = realloc(buf, n);
        *evidence = shrunk != NULL ? shrunk : buf;
        *len = n;
        buf = NULL;
    }
    free(buf);
    return rc;
}

static const vt_attest_ops_t tsm_ops = {
    .name = "tsm",
    .get_evidence = tsm_get_evidence,
};

int vt_tsm_attester_new(const char *root, vt_tsm_hook_fn hook, void *hook_arg, vt_attester_t **out)
{
    int rc = VT_E_INTERNAL;
    vt_attester_t *a = NULL;
    entry_t e = {.is_created = false};

    VT_TRY_ENSURE(vt_attest_is_dir(root), VT_E_NOT_FOUND,
                  MOD ": %s: not found (configfs-tsm needs Linux >= 6.7 in a TDX or SEV-SNP "
                      "guest, with configfs mounted)",
                  root);
    VT_TRY(vt_attester_alloc(&tsm_ops, root, VT_ATTEST_TEE_UNKNOWN, &a));
    a->tsm_hook = hook;
    a->tsm_hook_arg = hook_arg;
    VT_TRY(entry_create(a, &e));
    VT_TRY(read_provider(&e, &a->tee));
    rc = 0;
out:;
    int rm = entry_remove(a, &e, rc == 0);
    if (rc == 0) rc = rm;
    if (rc == 0) {
        *out = a;
        a = NULL;
    }
    vt_attester_free(a);
    return rc;
}
