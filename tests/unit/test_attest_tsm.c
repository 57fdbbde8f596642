/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of src/attest/tsm.c against a fake configfs-tsm tree in $TMPDIR. The provider's
 * test seam (tsm.h) calls fake_hook when it creates an entry, after it writes inblob,
 * and before it removes the entry; the hook plays the kernel: it creates the
 * attributes, bumps generation (by a scripted step, to simulate races) and produces
 * outblob, and deletes the attribute files so rmdir works as it does in configfs.
 */
#define _GNU_SOURCE
#include "test_util.h"

#include <dirent.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <veritee/attest.h>

#include "attest/tsm.h"

#define TDX_VECTOR "tdx-v4-phala-uptodate"

typedef struct {
    char root[256];
    const char *provider;   /* the provider attribute; NULL: not created */
    const uint8_t *outblob; /* what reading outblob returns */
    size_t outblob_len;
    bool has_outblob;                  /* false: no outblob attribute at all */
    const char *generation;            /* initial generation text; NULL: "5\n" */
    int gen_step[VT_TSM_ATTEMPTS + 1]; /* generation increment per inblob write; 0 -> 1 */
    bool is_keeping_files;             /* REMOVING leaves the files, so rmdir fails */
    int created, inblob_writes, removed;
    uint8_t inblob[VT_REPORT_DATA_LEN + 1];
    size_t inblob_len;
    bool is_name_ok;
    pthread_mutex_t *lock; /* set when several threads share the fake */
} fake_t;

static void put(const char *dir, const char *name, const void *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    if (len > 0) assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static size_t get(const char *dir, const char *name, uint8_t *buf, size_t cap)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    size_t n = fread(buf, 1, cap, fp);
    fclose(fp);
    return n;
}

static void on_created(fake_t *f, const char *dir)
{
    char prefix[64];
    const char *base = strrchr(dir, '/') + 1;

    snprintf(prefix, sizeof(prefix), "veritee-%ld-", (long)getpid());
    f->is_name_ok = strncmp(base, prefix, strlen(prefix)) == 0;
    f->created++;
    const char *gen = f->generation ? f->generation : "5\n";
    put(dir, "generation", gen, strlen(gen));
    if (f->provider) {
        char text[64];
        snprintf(text, sizeof(text), "%s\n", f->provider);
        put(dir, "provider", text, strlen(text));
    }
    put(dir, "inblob", "", 0);
    if (f->has_outblob) put(dir, "outblob", "", 0);
}

static void on_inblob(fake_t *f, const char *dir)
{
    uint8_t text[32] = {0};
    char next[32];
    int step = f->inblob_writes <= VT_TSM_ATTEMPTS ? f->gen_step[f->inblob_writes] : 0;

    f->inblob_len = get(dir, "inblob", f->inblob, sizeof(f->inblob));
    f->inblob_writes++;
    get(dir, "generation", text, sizeof(text) - 1);
    snprintf(next, sizeof(next), "%llu\n", strtoull((char *)text, NULL, 10) + (step ? step : 1));
    put(dir, "generation", next, strlen(next));
    if (f->has_outblob) put(dir, "outblob", f->outblob, f->outblob_len);
}

static void on_removing(fake_t *f, const char *dir)
{
    static const char *const names[] = {"generation", "provider", "inblob", "outblob"};
    char path[512];

    f->removed++;
    if (f->is_keeping_files) return;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        unlink(path);
    }
}

static void fake_hook(vt_tsm_event_t ev, const char *dir, void *arg)
{
    fake_t *f = arg;
    if (f->lock) pthread_mutex_lock(f->lock);
    if (ev == VT_TSM_EV_CREATED) on_created(f, dir);
    if (ev == VT_TSM_EV_INBLOB_WRITTEN) on_inblob(f, dir);
    if (ev == VT_TSM_EV_REMOVING) on_removing(f, dir);
    if (f->lock) pthread_mutex_unlock(f->lock);
}

static int root_entries(const fake_t *f)
{
    DIR *d = opendir(f->root);
    struct dirent *de;
    int n = 0;
    assert_non_null(d);
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) n++;
    closedir(d);
    return n;
}

typedef struct {
    fake_t fake;
    uint8_t *tdx;
    size_t tdx_len;
    uint8_t tdx_rd[VT_REPORT_DATA_LEN];
} fixture_t;

static int setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof(*fx));
    const char *tmp = getenv("TMPDIR");
    vt_quote_t q;

    assert_non_null(fx);
    snprintf(fx->fake.root, sizeof(fx->fake.root), "%s/vt-attest-tsm-XXXXXX",
             tmp && tmp[0] ? tmp : "/tmp");
    assert_non_null(mkdtemp(fx->fake.root));
    vt_test_read_vector(TDX_VECTOR, "quote.bin", &fx->tdx, &fx->tdx_len);
    vt_assert_ok(vt_quote_parse(fx->tdx, fx->tdx_len, &q));
    memcpy(fx->tdx_rd, q.td.report_data, sizeof(fx->tdx_rd));
    fx->fake.provider = "tdx_guest";
    fx->fake.outblob = fx->tdx;
    fx->fake.outblob_len = fx->tdx_len;
    fx->fake.has_outblob = true;
    setenv(VT_TSM_DIR_ENV, fx->fake.root, 1);
    setenv(VT_ATTEST_DIR_ENV, "/nonexistent/veritee-attestation", 1);
    *state = fx;
    return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    fixture_t *fx = *state;
    nftw(fx->fake.root, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    free(fx->tdx);
    free(fx);
    return 0;
}

static vt_attester_t *new_tsm(fake_t *f)
{
    vt_attester_t *a = NULL;
    vt_assert_ok(vt_tsm_attester_new(f->root, fake_hook, f, &a));
    return a;
}

/* Runs one request; checks the entry is gone and nothing is returned on failure. */
static int run(fake_t *f, const uint8_t *rd, uint8_t **ev, size_t *len)
{
    vt_attester_t *a = new_tsm(f);
    f->created = f->removed = f->inblob_writes = 0;
    *ev = NULL;
    int rc = vt_attester_get_evidence(a, rd, ev, len);
    assert_int_equal(f->created, 1);
    assert_int_equal(f->removed, 1);
    assert_true(f->is_name_ok);
    if (!f->is_keeping_files) assert_int_equal(root_entries(f), 0);
    if (rc != 0) assert_null(*ev);
    vt_attester_free(a);
    return rc;
}

static void test_new(void **state)
{
    fixture_t *fx = *state;
    static const struct {
        const char *provider;
        vt_attest_tee_t tee;
    } cases[] = {
        {"tdx_guest", VT_ATTEST_TEE_TDX},
        {"sev_guest", VT_ATTEST_TEE_SNP},
        {"arm_cca_guest", VT_ATTEST_TEE_UNKNOWN},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fx->fake.provider = cases[i].provider;
        fx->fake.created = fx->fake.removed = 0;
        vt_attester_t *a = new_tsm(&fx->fake);
        assert_string_equal(vt_attester_name(a), "tsm");
        assert_int_equal(vt_attester_tee(a), cases[i].tee);
        /* The probe created one entry and removed it. */
        assert_int_equal(fx->fake.created, 1);
        assert_int_equal(fx->fake.removed, 1);
        assert_int_equal(root_entries(&fx->fake), 0);
        vt_attester_free(a);
    }

    /* No provider attribute: the probe fails and still removes its entry. */
    vt_attester_t *a = NULL;
    fx->fake.provider = NULL;
    vt_assert_rc(vt_tsm_attester_new(fx->fake.root, fake_hook, &fx->fake, &a), VT_E_NOT_FOUND);
    assert_null(a);
    assert_int_equal(root_entries(&fx->fake), 0);

    /* Through the public API (no seam): the entry stays empty, so `provider` is missing. */
    vt_assert_rc(vt_attester_new("tsm", &a), VT_E_NOT_FOUND);
    assert_non_null(strstr(vt_last_error(), "provider"));
    assert_int_equal(root_entries(&fx->fake), 0);
    /* Auto: no gramine directory, so tsm is chosen (and fails the same way). */
    vt_assert_rc(vt_attester_new(NULL, &a), VT_E_NOT_FOUND);
    assert_non_null(strstr(vt_last_error(), "tsm: provider"));
    assert_null(a);

    setenv(VT_TSM_DIR_ENV, "/nonexistent/veritee-tsm", 1);
    vt_assert_rc(vt_attester_new("tsm", &a), VT_E_NOT_FOUND);
    assert_non_null(strstr(vt_last_error(), "Linux >= 6.7"));
    vt_assert_rc(vt_attester_new(NULL, &a), VT_E_NOT_FOUND);
    assert_non_null(strstr(vt_last_error(), "no attestation provider found"));
}

static void test_tdx_ok(void **state)
{
    fixture_t *fx = *state;
    uint8_t *ev = NULL;
    size_t len = 0;

    vt_assert_ok(run(&fx->fake, fx->tdx_rd, &ev, &len));
    assert_int_equal(len, fx->tdx_len);
    assert_memory_equal(ev, fx->tdx, len);
    assert_int_equal(fx->fake.inblob_writes, 1);
    assert_int_equal(fx->fake.inblob_len, VT_REPORT_DATA_LEN);
    assert_memory_equal(fx->fake.inblob, fx->tdx_rd, VT_REPORT_DATA_LEN);
    free(ev);
}

static void test_tdx_mismatch_and_garbage(void **state)
{
    fixture_t *fx = *state;
    uint8_t rd[VT_REPORT_DATA_LEN] = {0};
    uint8_t garbage[700];
    uint8_t *ev = NULL;
    size_t len = 0;

    vt_assert_rc(run(&fx->fake, rd, &ev, &len), VT_E_REPORT_DATA);
    assert_non_null(strstr(vt_last_error(), "report data differs"));
    memset(garbage, 0x41, sizeof(garbage));
    fx->fake.outblob = garbage;
    fx->fake.outblob_len = sizeof(garbage);
    vt_assert_rc(run(&fx->fake, fx->tdx_rd, &ev, &len), VT_E_UNSUPPORTED);
    fx->fake.outblob_len = 0;
    vt_assert_rc(run(&fx->fake, fx->tdx_rd, &ev, &len), VT_E_TRUNCATED);
    fx->fake.outblob = fx->tdx;
    fx->fake.outblob_len = 1000;
    vt_assert_rc(run(&fx->fake, fx->tdx_rd, &ev, &len), VT_E_TRUNCATED);
}

static void test_generation_race(void **state)
{
    fixture_t *fx = *state;
    uint8_t *ev = NULL;
    size_t len = 0;

    /* Someone else wrote once during the first round: retried, then fine. */
    fx->fake.gen_step[0] = 2;
    vt_assert_ok(run(&fx->fake, fx->tdx_rd, &ev, &len));
    assert_int_equal(fx->fake.inblob_writes, 2);
    free(ev);

    /* Raced on every round: the first try plus three retries, then VT_E_IO. */
    for (int i = 0; i < VT_TSM_ATTEMPTS; i++) fx->fake.gen_step[i] = 2;
    vt_assert_rc(run(&fx->fake, fx->tdx_rd, &ev, &len), VT_E_IO);
    assert_int_equal(fx->fake.inblob_writes, VT_TSM_ATTEMPTS);
    assert_non_null(strstr(vt_last_error(), "generation changed"));

    /* The last retry succeeds. */
    fx->fake.gen_step[VT_TSM_ATTEMPTS - 1] = 1;
    vt_assert_ok(run(&fx->fake, fx->tdx_rd, &ev, &len));
    assert_int_equal(fx->fake.inblob_writes, VT_TSM_ATTEMPTS);
    free(ev);

    /* A generation that is not a number. */
    fx->fake.generation = "many\n";
    vt_assert_rc(run(&fx->fake, fx->tdx_rd, &ev, &len), VT_E_MALFORMED);
    fx->fake.generation = "";
    vt_assert_rc(run(&fx->fake, fx->tdx_rd, &ev, &len), VT_E_MALFORMED);
}

static void test_missing_outblob(void **state)
{
    fixture_t *fx = *state;
    uint8_t *ev = NULL;
    size_t len = 0;

    fx->fake.has_outblob = false;
    vt_assert_rc(run(&fx->fake, fx->tdx_rd, &ev, &len), VT_E_NOT_FOUND);
    assert_non_null(strstr(vt_last_error(), "outblob"));
}

static void test_snp(void **state)
{
    fixture_t *fx = *state;
    uint8_t *report = calloc(1, VT_SNP_REPORT_MAX + 1);
    uint8_t rd[VT_REPORT_DATA_LEN];
    uint8_t *ev = NULL;
    size_t len = 0;

    assert_non_null(report);
    for (size_t i = 0; i < sizeof(rd); i++) rd[i] = (uint8_t)(0x30 + i);
    memcpy(report + 0x50, rd, sizeof(rd));
    fx->fake.provider = "sev_guest";
    fx->fake.outblob = report;
    fx->fake.outblob_len = VT_SNP_REPORT_LEN;
    vt_assert_ok(run(&fx->fake, rd, &ev, &len));
    assert_int_equal(len, VT_SNP_REPORT_LEN);
    assert_memory_equal(ev, report, len);
    free(ev);

    fx->fake.outblob_len = VT_SNP_REPORT_MAX;
    vt_assert_ok(run(&fx->fake, rd, &ev, &len));
    free(ev);
    fx->fake.outblob_len = VT_SNP_REPORT_MAX + 1;
    vt_assert_rc(run(&fx->fake, rd, &ev, &len), VT_E_TOO_LARGE);
    fx->fake.outblob_len = VT_SNP_REPORT_LEN - 1;
    vt_assert_rc(run(&fx->fake, rd, &ev, &len), VT_E_TRUNCATED);
    fx->fake.outblob_len = VT_SNP_REPORT_LEN;
    rd[0] ^= 1;
    vt_assert_rc(run(&fx->fake, rd, &ev, &len), VT_E_REPORT_DATA);
    free(report);
}

static void test_unknown_provider(void **state)
{
    fixture_t *fx = *state;
    uint8_t rd[VT_REPORT_DATA_LEN] = {1};
    uint8_t *ev = NULL;
    size_t len = 0;

    fx->fake.provider = "arm_cca_guest";
    fx->fake.outblob = (const uint8_t *)"opaque";
    fx->fake.outblob_len = 6;
    vt_assert_ok(run(&fx->fake, rd, &ev, &len));
    assert_int_equal(len, 6);
    assert_memory_equal(ev, "opaque", 6);
    free(ev);
    fx->fake.outblob_len = 0;
    vt_assert_rc(run(&fx->fake, rd, &ev, &len), VT_E_TRUNCATED);
}

static void test_remove_failure(void **state)
{
    fixture_t *fx = *state;
    uint8_t *ev = NULL;
    size_t len = 0;
    vt_attester_t *a = new_tsm(&fx->fake);

    /* Good evidence, but the entry cannot be removed: the leak is reported. */
    fx->fake.is_keeping_files = true;
    vt_assert_rc(vt_attester_get_evidence(a, fx->tdx_rd, &ev, &len), VT_E_IO);
    assert_non_null(strstr(vt_last_error(), "rmdir report entry"));
    assert_null(ev);
    assert_int_equal(root_entries(&fx->fake), 1);

    /* On a path that failed already, the first error is kept. */
    fx->fake.has_outblob = false;
    vt_assert_rc(vt_attester_get_evidence(a, fx->tdx_rd, &ev, &len), VT_E_NOT_FOUND);
    assert_non_null(strstr(vt_last_error(), "outblob"));
    assert_int_equal(root_entries(&fx->fake), 2);
    vt_attester_free(a);
}

static void test_gramine_only_calls(void **state)
{
    fixture_t *fx = *state;
    vt_attester_t *a = new_tsm(&fx->fake);
    uint8_t key[VT_SEALING_KEY_LEN], ti[VT_SGX_TARGET_INFO_LEN] = {0};
    uint8_t rd[VT_REPORT_DATA_LEN] = {0}, report[VT_SGX_REPORT_LEN];

    vt_assert_rc(vt_attester_get_sealing_key(a, "_sgx_mrenclave", key), VT_E_UNSUPPORTED);
    vt_assert_rc(vt_attester_get_report(a, ti, rd, report), VT_E_UNSUPPORTED);
    assert_non_null(strstr(vt_last_error(), "gramine only"));
    vt_attester_free(a);
}

typedef struct {
    vt_attester_t *a;
    const uint8_t *rd;
    int failures;
} thread_arg_t;

static void *worker(void *p)
{
    thread_arg_t *t = p;
    for (int i = 0; i < 20; i++) {
        uint8_t *ev = NULL;
        size_t len = 0;
        if (vt_attester_get_evidence(t->a, t->rd, &ev, &len) != 0) t->failures++;
        free(ev);
    }
    return NULL;
}

/* Concurrent requests on one attester: each gets its own entry, all are removed. */
static void test_threads(void **state)
{
    fixture_t *fx = *state;
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_t th[6];
    thread_arg_t args[6];

    fx->fake.lock = &lock;
    vt_attester_t *a = new_tsm(&fx->fake);
    fx->fake.created = fx->fake.removed = fx->fake.inblob_writes = 0;
    for (int i = 0; i < 6; i++) {
        args[i] = (thread_arg_t){.a = a, .rd = fx->tdx_rd};
        assert_int_equal(pthread_create(&th[i], NULL, worker, &args[i]), 0);
    }
    for (int i = 0; i < 6; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(args[i].failures, 0);
    }
    assert_int_equal(fx->fake.created, 6 * 20);
    assert_int_equal(fx->fake.removed, 6 * 20);
    assert_int_equal(fx->fake.inblob_writes, 6 * 20);
    assert_int_equal(root_entries(&fx->fake), 0);
    vt_attester_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tdx_ok, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tdx_mismatch_and_garbage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_generation_race, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_outblob, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_provider, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gramine_only_calls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
