/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of src/attest/gramine.c (and the shared helpers in attester.c) against a fake
 * attestation directory: regular files in $TMPDIR. A regular file cannot generate a
 * quote at open(), so `quote` is pre-filled with a real vector quote; the provider's
 * report-data check then passes only when the test writes that vector's report data.
 */
#define _GNU_SOURCE
#include "test_util.h"

#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <veritee/attest.h>

#include "attest/attester.h"

/* The detail, without the " [file:line]" debug builds append. */
#define assert_detail(want) assert_int_equal(strncmp(vt_last_error(), (want), strlen(want)), 0)

#define SGX_VECTOR "sgx-v3-dcaprs-tcbinfov2"
#define TDX_VECTOR "tdx-v4-phala-uptodate"

typedef struct {
    char dir[256];
    uint8_t *quote;
    size_t quote_len;
    uint8_t rd[VT_REPORT_DATA_LEN]; /* the vector quote's report data */
} fixture_t;

static void put(const fixture_t *f, const char *name, const void *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", f->dir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    if (len > 0) assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static void put_str(const fixture_t *f, const char *name, const char *s)
{
    put(f, name, s, strlen(s));
}

static void del(const fixture_t *f, const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", f->dir, name);
    assert_int_equal(unlink(path), 0);
}

static size_t get(const fixture_t *f, const char *name, uint8_t *buf, size_t cap)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", f->dir, name);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    size_t n = fread(buf, 1, cap, fp);
    fclose(fp);
    return n;
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    const char *tmp = getenv("TMPDIR");
    vt_quote_t q;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "%s/vt-attest-gramine-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    assert_non_null(mkdtemp(f->dir));
    vt_test_read_vector(SGX_VECTOR, "quote.bin", &f->quote, &f->quote_len);
    vt_assert_ok(vt_quote_parse(f->quote, f->quote_len, &q));
    memcpy(f->rd, q.sgx.report_data, sizeof(f->rd));
    put_str(f, "attestation_type", "dcap");
    put(f, "user_report_data", "", 0);
    put(f, "target_info", "", 0);
    put(f, "quote", f->quote, f->quote_len);
    char keys[512];
    snprintf(keys, sizeof(keys), "%s/keys", f->dir);
    assert_int_equal(mkdir(keys, 0700), 0);
    setenv(VT_ATTEST_DIR_ENV, f->dir, 1);
    setenv(VT_TSM_DIR_ENV, "/nonexistent/veritee-tsm", 1);
    *state = f;
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
    fixture_t *f = *state;
    nftw(f->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    free(f->quote);
    free(f);
    return 0;
}

static vt_attester_t *new_gramine(void)
{
    vt_attester_t *a = NULL;
    vt_assert_ok(vt_attester_new("gramine", &a));
    return a;
}

static void test_new(void **state)
{
    fixture_t *f = *state;
    vt_attester_t *a = new_gramine();
    assert_string_equal(vt_attester_name(a), "gramine");
    assert_int_equal(vt_attester_tee(a), VT_ATTEST_TEE_SGX);
    vt_attester_free(a);

    /* Auto: dcap directory -> gramine. */
    a = NULL;
    vt_assert_ok(vt_attester_new(NULL, &a));
    assert_string_equal(vt_attester_name(a), "gramine");
    vt_attester_free(a);
    vt_attester_free(NULL);

    /* Auto prefers gramine when a tsm root exists too. */
    setenv(VT_TSM_DIR_ENV, f->dir, 1);
    a = NULL;
    vt_assert_ok(vt_attester_new(NULL, &a));
    assert_string_equal(vt_attester_name(a), "gramine");
    vt_attester_free(a);
    setenv(VT_TSM_DIR_ENV, "/nonexistent/veritee-tsm", 1);

    a = NULL;
    vt_assert_rc(vt_attester_new("sgx", &a), VT_E_INVALID_ARG);
    assert_null(a);
    setenv(VT_ATTEST_DIR_ENV, "/nonexistent/veritee-attestation", 1);
    vt_assert_rc(vt_attester_new("gramine", &a), VT_E_NOT_FOUND);
    vt_assert_rc(vt_attester_new(NULL, &a), VT_E_NOT_FOUND);
    assert_non_null(strstr(vt_last_error(), "no attestation provider found"));
    assert_null(a);
}

static void test_evidence_ok(void **state)
{
    fixture_t *f = *state;
    vt_attester_t *a = new_gramine();
    uint8_t *ev = NULL;
    size_t len = 0;
    uint8_t written[128];

    vt_assert_ok(vt_attester_get_evidence(a, f->rd, &ev, &len));
    assert_int_equal(len, f->quote_len);
    assert_memory_equal(ev, f->quote, len);
    assert_int_equal(get(f, "user_report_data", written, sizeof(written)), VT_REPORT_DATA_LEN);
    assert_memory_equal(written, f->rd, VT_REPORT_DATA_LEN);
    free(ev);
    vt_attester_free(a);
}

static void test_report_data_mismatch(void **state)
{
    fixture_t *f = *state;
    vt_attester_t *a = new_gramine();
    uint8_t rd[VT_REPORT_DATA_LEN];
    uint8_t *ev = NULL;
    size_t len = 0;
    uint8_t written[128];

    memcpy(rd, f->rd, sizeof(rd));
    rd[63] ^= 1;
    vt_assert_rc(vt_attester_get_evidence(a, rd, &ev, &len), VT_E_REPORT_DATA);
    assert_int_equal(vt_error_type(VT_E_REPORT_DATA), VT_ET_REJECT);
    assert_non_null(strstr(vt_last_error(), "report data differs"));
    assert_null(ev);
    assert_int_equal(get(f, "user_report_data", written, sizeof(written)), VT_REPORT_DATA_LEN);
    assert_memory_equal(written, rd, VT_REPORT_DATA_LEN);
    vt_attester_free(a);
}

static void test_attestation_type(void **state)
{
    fixture_t *f = *state;
    vt_attester_t *a = new_gramine();
    uint8_t *ev = NULL;
    size_t len = 0;

    put_str(f, "attestation_type", "none");
    vt_assert_rc(vt_attester_get_evidence(a, f->rd, &ev, &len), VT_E_UNSUPPORTED);
    assert_detail("gramine: attestation disabled (attestation_type none)");
    put_str(f, "attestation_type", "epid");
    vt_assert_rc(vt_attester_get_evidence(a, f->rd, &ev, &len), VT_E_UNSUPPORTED);
    assert_non_null(strstr(vt_last_error(), "'epid', expected dcap"));
    /* Gramine writes no newline; anything else is not Gramine's format. */
    put_str(f, "attestation_type", "dcap\n");
    vt_assert_rc(vt_attester_get_evidence(a, f->rd, &ev, &len), VT_E_UNSUPPORTED);
    put_str(f, "attestation_type", "");
    vt_assert_rc(vt_attester_get_evidence(a, f->rd, &ev, &len), VT_E_UNSUPPORTED);
    put(f, "attestation_type", "dcapdcapdcapdcapdcap", 20);
    vt_assert_rc(vt_attester_get_evidence(a, f->rd, &ev, &len), VT_E_TOO_LARGE);
    assert_null(ev);
    vt_attester_free(a);

    /* Auto selection skips a directory whose attestation is disabled. */
    put_str(f, "attestation_type", "none");
    a = NULL;
    vt_assert_rc(vt_attester_new(NULL, &a), VT_E_NOT_FOUND);
    assert_null(a);
}

static void test_missing_files(void **state)
{
    static const char *const names[] = {"quote", "user_report_data", "attestation_type"};
    fixture_t *f = *state;
    vt_attester_t *a = new_gramine();
    uint8_t *ev = NULL;
    size_t len = 0;

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        del(f, names[i]);
        vt_assert_rc(vt_attester_get_evidence(a, f->rd, &ev, &len), VT_E_NOT_FOUND);
        assert_non_null(strstr(vt_last_error(), names[i]));
        assert_null(ev);
    }
    vt_attester_free(a);
}

static void expect_quote_rc(fixture_t *f, const uint8_t *q, size_t n, int want)
{
    vt_attester_t *a = new_gramine();
    uint8_t *ev = NULL;
    size_t len = 0;

    put(f, "quote", q, n);
    vt_assert_rc(vt_attester_get_evidence(a, f->rd, &ev, &len), want);
    assert_null(ev);
    vt_attester_free(a);
}

static void test_bad_quotes(void **state)
{
    fixture_t *f = *state;
    uint8_t garbage[600];
    uint8_t *big = calloc(1, VT_GRAMINE_QUOTE_MAX + 1);
    uint8_t *tdx = NULL;
    size_t tdx_len = 0;

    memset(garbage, 0x41, sizeof(garbage));
    expect_quote_rc(f, f->quote, 0, VT_E_TRUNCATED);
    expect_quote_rc(f, f->quote, 100, VT_E_TRUNCATED);
    expect_quote_rc(f, f->quote, f->quote_len - 1, VT_E_TRUNCATED);
    expect_quote_rc(f, garbage, sizeof(garbage), VT_E_UNSUPPORTED);
    assert_non_null(strstr(vt_last_error(), "gramine: quote: "));
    /* Exactly Gramine's maximum is read whole; one byte more is refused. */
    assert_non_null(big);
    memcpy(big, f->quote, f->quote_len);
    expect_quote_rc(f, big, VT_GRAMINE_QUOTE_MAX + 1, VT_E_TOO_LARGE);
    put(f, "quote", big, VT_GRAMINE_QUOTE_MAX);
    vt_attester_t *a = new_gramine();
    uint8_t *ev = NULL;
    size_t len = 0;
    vt_assert_ok(vt_attester_get_evidence(a, f->rd, &ev, &len));
    assert_int_equal(len, VT_GRAMINE_QUOTE_MAX);
    free(ev);
    vt_attester_free(a);
    /* A TDX quote from /dev/attestation is not SGX evidence. */
    vt_test_read_vector(TDX_VECTOR, "quote.bin", &tdx, &tdx_len);
    expect_quote_rc(f, tdx, tdx_len, VT_E_UNSUPPORTED);
    assert_non_null(strstr(vt_last_error(), "tee tdx, expected sgx"));
    free(tdx);
    free(big);
}

static void test_sealing_key(void **state)
{
    fixture_t *f = *state;
    vt_attester_t *a = new_gramine();
    uint8_t key[VT_SEALING_KEY_LEN];
    uint8_t want[VT_SEALING_KEY_LEN];

    for (size_t i = 0; i < sizeof(want); i++) want[i] = (uint8_t)(0xa0 + i);
    put(f, "keys/_sgx_mrenclave", want, sizeof(want));
    put(f, "keys/_sgx_mrsigner", want, sizeof(want) - 1);
    vt_assert_ok(vt_attester_get_sealing_key(a, "_sgx_mrenclave", key));
    assert_memory_equal(key, want, sizeof(want));

    memset(key, 0x77, sizeof(key));
    vt_assert_rc(vt_attester_get_sealing_key(a, "_sgx_mrsigner", key), VT_E_MALFORMED);
    assert_detail("gramine: keys/_sgx_mrsigner: 15 bytes, expected 16");
    put(f, "keys/_sgx_mrsigner", "", 0);
    vt_assert_rc(vt_attester_get_sealing_key(a, "_sgx_mrsigner", key), VT_E_MALFORMED);
    put(f, "keys/_sgx_mrsigner", "0123456789abcdef0", 17);
    vt_assert_rc(vt_attester_get_sealing_key(a, "_sgx_mrsigner", key), VT_E_MALFORMED);
    for (size_t i = 0; i < sizeof(key); i++) assert_int_equal(key[i], 0x77); /* untouched */

    vt_assert_rc(vt_attester_get_sealing_key(a, "default", key), VT_E_INVALID_ARG);
    vt_assert_rc(vt_attester_get_sealing_key(a, "../quote", key), VT_E_INVALID_ARG);
    del(f, "keys/_sgx_mrenclave");
    vt_assert_rc(vt_attester_get_sealing_key(a, "_sgx_mrenclave", key), VT_E_NOT_FOUND);
    vt_attester_free(a);
}

static void test_report(void **state)
{
    fixture_t *f = *state;
    vt_attester_t *a = new_gramine();
    uint8_t ti[VT_SGX_TARGET_INFO_LEN], report[VT_SGX_REPORT_LEN], out[VT_SGX_REPORT_LEN];
    uint8_t back[1024];

    for (size_t i = 0; i < sizeof(ti); i++) ti[i] = (uint8_t)i;
    for (size_t i = 0; i < sizeof(report); i++) report[i] = (uint8_t)(i * 7);
    /* report_data is body offset 320 */
    memcpy(report + 320, f->rd, VT_REPORT_DATA_LEN);
    put(f, "report", report, sizeof(report));
    vt_assert_ok(vt_attester_get_report(a, ti, f->rd, out));
    assert_memory_equal(out, report, sizeof(report));
    assert_int_equal(get(f, "target_info", back, sizeof(back)), VT_SGX_TARGET_INFO_LEN);
    assert_memory_equal(back, ti, sizeof(ti));
    assert_int_equal(get(f, "user_report_data", back, sizeof(back)), VT_REPORT_DATA_LEN);
    assert_memory_equal(back, f->rd, VT_REPORT_DATA_LEN);

    /* A report of other report data (a stale one, or another writer's): refused. */
    for (size_t i = 0; i < VT_REPORT_DATA_LEN; i++) {
        uint8_t other[VT_SGX_REPORT_LEN], kept[VT_SGX_REPORT_LEN];
        memcpy(other, report, sizeof(other));
        other[320 + i] ^= 0x01;
        put(f, "report", other, sizeof(other));
        memset(out, 0x5a, sizeof(out));
        memset(kept, 0x5a, sizeof(kept));
        vt_assert_rc(vt_attester_get_report(a, ti, f->rd, out), VT_E_REPORT_DATA);
        assert_memory_equal(out, kept, sizeof(out)); /* untouched */
    }
    assert_non_null(strstr(vt_last_error(), "report data differs"));
    put(f, "report", report, sizeof(report) - 1);
    vt_assert_rc(vt_attester_get_report(a, ti, f->rd, out), VT_E_MALFORMED);
    del(f, "target_info");
    vt_assert_rc(vt_attester_get_report(a, ti, f->rd, out), VT_E_NOT_FOUND);
    vt_attester_free(a);
}

static void test_errno_mapping(void **state)
{
    fixture_t *f = *state;

    vt_assert_rc(vt_attest_errno_rc(EACCES, "gramine", NULL, "quote",
                                    "is this process a simulated/real enclave?"),
                 VT_E_IO);
    assert_detail("gramine: quote: permission denied (is this process a simulated/real "
                  "enclave?)");
    vt_assert_rc(vt_attest_errno_rc(ENOENT, "gramine", "/x", "quote", NULL), VT_E_NOT_FOUND);
    assert_detail("gramine: quote: not found in /x");
    vt_assert_rc(vt_attest_errno_rc(EIO, "tsm", NULL, "outblob", NULL), VT_E_IO);

    /* A real permission failure, where the file system enforces modes (not as root). */
    if (geteuid() != 0) {
        char path[512];
        snprintf(path, sizeof(path), "%s/quote", f->dir);
        assert_int_equal(chmod(path, 0), 0);
        vt_attester_t *a = new_gramine();
        uint8_t *ev = NULL;
        size_t len = 0;
        vt_assert_rc(vt_attester_get_evidence(a, f->rd, &ev, &len), VT_E_IO);
        assert_non_null(strstr(vt_last_error(), "permission denied (is this process"));
        vt_attester_free(a);
    }
}

/* verify_report (attestfs extension): one write of the 432 bytes, the body returned. */
static void test_verify_report(void **state)
{
    fixture_t *f = *state;
    vt_attester_t *a = new_gramine();
    uint8_t report[VT_SGX_REPORT_LEN], back[1024];
    vt_sgx_report_t want;
    vt_sgx_report_body_t body;

    for (size_t i = 0; i < sizeof(report); i++) report[i] = (uint8_t)(i * 13 + 5);
    vt_assert_ok(vt_sgx_report_parse(report, sizeof(report), &want));
    put(f, "verify_report", "", 0);
    memset(&body, 0x55, sizeof(body));
    vt_assert_ok(vt_attester_verify_report(a, report, &body));
    assert_memory_equal(&body, &want.body, sizeof(body));
    assert_int_equal(get(f, "verify_report", back, sizeof(back)), VT_SGX_REPORT_LEN);
    assert_memory_equal(back, report, sizeof(report));

    /* A real Gramine enclave has no verify_report: body untouched. */
    del(f, "verify_report");
    memset(&body, 0x55, sizeof(body));
    vt_assert_rc(vt_attester_verify_report(a, report, &body), VT_E_NOT_FOUND);
    assert_non_null(strstr(vt_last_error(), "verify_report"));
    for (size_t i = 0; i < sizeof(body); i++) assert_int_equal(((uint8_t *)&body)[i], 0x55);
    vt_attester_free(a);

    /* Only the gramine provider has it. */
    static const vt_attest_ops_t other = {.name = "tsm"};
    a = NULL;
    vt_assert_ok(vt_attester_alloc(&other, f->dir, VT_ATTEST_TEE_TDX, &a));
    vt_assert_rc(vt_attester_verify_report(a, report, &body), VT_E_UNSUPPORTED);
    assert_detail("gramine: verify_report needs the gramine provider, not tsm");
    vt_attester_free(a);

    /* Permission denied (where modes are enforced: not as root) is VT_E_IO. */
    if (geteuid() != 0) {
        char path[512];
        put(f, "verify_report", "", 0);
        snprintf(path, sizeof(path), "%s/verify_report", f->dir);
        assert_int_equal(chmod(path, 0444), 0);
        a = new_gramine();
        vt_assert_rc(vt_attester_verify_report(a, report, &body), VT_E_IO);
        assert_non_null(strstr(vt_last_error(), "permission denied"));
        vt_attester_free(a);
    }
}

/* Feeds a FIFO in small chunks, as a slow pseudo-file or FUSE daemon might. */
typedef struct {
    char path[512];
    const uint8_t *data;
    size_t len;
    size_t chunk;
} feeder_t;

static void *feed(void *p)
{
    feeder_t *fd = p;
    FILE *fp = fopen(fd->path, "wb");
    if (fp == NULL) return NULL;
    setvbuf(fp, NULL, _IONBF, 0);
    for (size_t off = 0; off < fd->len; off += fd->chunk) {
        size_t n = fd->len - off < fd->chunk ? fd->len - off : fd->chunk;
        if (fwrite(fd->data + off, 1, n, fp) != n) break;
        if (off % (64 * fd->chunk) == 0) usleep(100);
    }
    fclose(fp);
    return NULL;
}

/* The quote arrives in pieces: the provider reads to EOF from its one handle. */
static void test_quote_in_chunks(void **state)
{
    fixture_t *f = *state;
    static const size_t chunks[] = {1, 7, 500, 4096};
    pthread_t th;

    for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        feeder_t fd = {.data = f->quote, .len = f->quote_len, .chunk = chunks[i]};
        snprintf(fd.path, sizeof(fd.path), "%s/quote", f->dir);
        unlink(fd.path);
        assert_int_equal(mkfifo(fd.path, 0600), 0);
        assert_int_equal(pthread_create(&th, NULL, feed, &fd), 0);
        vt_attester_t *a = new_gramine();
        uint8_t *ev = NULL;
        size_t len = 0;
        vt_assert_ok(vt_attester_get_evidence(a, f->rd, &ev, &len));
        assert_int_equal(pthread_join(th, NULL), 0);
        assert_int_equal(len, f->quote_len);
        assert_memory_equal(ev, f->quote, len);
        free(ev);
        vt_attester_free(a);
    }
}

typedef struct {
    vt_attester_t *a;
    const uint8_t *rd;
    int failures;
} thread_arg_t;

static void *worker(void *p)
{
    thread_arg_t *t = p;
    for (int i = 0; i < 25; i++) {
        uint8_t *ev = NULL;
        size_t len = 0;
        if (vt_attester_get_evidence(t->a, t->rd, &ev, &len) != 0) t->failures++;
        free(ev);
    }
    return NULL;
}

static void test_threads(void **state)
{
    fixture_t *f = *state;
    vt_attester_t *a = new_gramine();
    pthread_t th[6];
    thread_arg_t args[6];

    for (int i = 0; i < 6; i++) {
        args[i] = (thread_arg_t){.a = a, .rd = f->rd};
        assert_int_equal(pthread_create(&th[i], NULL, worker, &args[i]), 0);
    }
    for (int i = 0; i < 6; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(args[i].failures, 0);
    }
    vt_attester_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new, setup, teardown),
        cmocka_unit_test_setup_teardown(test_evidence_ok, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_data_mismatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attestation_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_quotes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sealing_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errno_mapping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quote_in_chunks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
