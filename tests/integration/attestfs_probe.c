/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A client of veritee-attestfs, run by tests/integration/attestfs.sh (normally through
 * `veritee sim run`, as a simulated enclave). It reads VERITEE_ATTESTATION_DIR and, for
 * the identity checks, its own .sig (VERITEE_SIM_SIG), and checks the rules of
 * gramine-compat.md §1 from inside. It exits 0 when every check passes; on the first
 * failure it prints "attestfs_probe: FAIL: <what>" and exits 1.
 *
 *   check                        every file rule, for a launched enclave
 *   none                         attestation_type none: no quote file
 *   unlaunched                   not an enclave: identity files EACCES, values usable
 *   quote RDHEX OUT              quote for report data RDHEX, written to OUT
 *   target-info OUT              my_target_info to OUT
 *   report TI_FILE OUT           report for the target info in TI_FILE
 *   verify REPORT_FILE           verify_report: exit 0 accepted, 3 EKEYREJECTED
 *   seal OUT_MRENCLAVE OUT_MRSIGNER    the two sealing keys
 *   hold RDHEX OUT SYNC          write RDHEX, create SYNC/<pid>.ready, wait for SYNC/go,
 *                                then read the quote, check its report data, write OUT
 *   urd ok|ENOMEM [SYNC]         write user_report_data, expect success or ENOMEM; with
 *                                SYNC, then create SYNC/<pid>.ready and wait for SYNC/go
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <veritee/attest.h>
#include <veritee/evidence.h>
#include <veritee/sim_identity.h>

#include "common/file.h"

#define EXIT_REJECTED 3

static const char *g_dir;

static void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
    va_list ap;
    fputs("attestfs_probe: FAIL: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

#define CHECK(cond, ...)                \
    do {                                \
        if (!(cond)) fail(__VA_ARGS__); \
    } while (0)

static void path_of(const char *name, char out[512])
{
    snprintf(out, 512, "%s/%s", g_dir, name);
}

/* open() of a file in the directory; returns the fd or -errno. */
static int open_in(const char *name, int flags)
{
    char p[512];
    path_of(name, p);
    int fd = open(p, flags | O_CLOEXEC);
    return fd >= 0 ? fd : -errno;
}

static int must_open(const char *name, int flags)
{
    int fd = open_in(name, flags);
    CHECK(fd >= 0, "open %s: %s", name, strerror(-fd));
    return fd;
}

static size_t read_fd(int fd, const char *name, uint8_t *buf, size_t cap)
{
    size_t got = 0;
    for (;;) {
        ssize_t n = read(fd, buf + got, cap - got);
        CHECK(n >= 0, "read %s: %s", name, strerror(errno));
        if (n == 0) return got;
        got += (size_t)n;
        CHECK(got < cap, "%s: more than %zu bytes", name, cap - 1);
    }
}

/* Reads the whole file from one fresh handle. */
static size_t read_file(const char *name, uint8_t *buf, size_t cap)
{
    int fd = must_open(name, O_RDONLY);
    size_t n = read_fd(fd, name, buf, cap);
    close(fd);
    return n;
}

/* One write() on a fresh handle: returns its result, or -errno. */
static ssize_t write_file(const char *name, const void *data, size_t len)
{
    int fd = open_in(name, O_WRONLY);
    if (fd < 0) return fd;
    ssize_t n = write(fd, data, len);
    int err = errno;
    close(fd);
    return n >= 0 ? n : -err;
}

static void must_write(const char *name, const void *data, size_t len)
{
    ssize_t n = write_file(name, data, len);
    CHECK(n == (ssize_t)len, "write %zu bytes to %s: got %zd (%s)", len, name, n,
          n < 0 ? strerror((int)-n) : "short");
}

static void expect_open_errno(const char *name, int flags, int want)
{
    int fd = open_in(name, flags);
    if (fd >= 0) close(fd);
    CHECK(fd == -want, "open %s (flags %#x): %s, expected %s", name, flags,
          fd >= 0 ? "success" : strerror(-fd), strerror(want));
}

static void expect_write_errno(const char *name, size_t len, int want)
{
    uint8_t buf[1024] = {0};
    ssize_t n = write_file(name, buf, len);
    CHECK(n == -want, "write %zu bytes to %s: %zd (%s), expected %s", len, name, n,
          n < 0 ? strerror((int)-n) : "success", strerror(want));
}

static void get_quote(vt_quote_t *q, uint8_t *buf, size_t cap, size_t *len)
{
    *len = read_file("quote", buf, cap);
    CHECK(*len > 0 && *len <= VT_GRAMINE_QUOTE_MAX, "quote: %zu bytes", *len);
    CHECK(vt_quote_parse(buf, *len, q) == 0, "quote does not parse: %s", vt_last_error());
    CHECK(q->tee == VT_TEE_SGX && q->header.version == 3, "quote is not an SGX quote v3");
}

/* The probe's own identity, from its .sig. */
typedef struct {
    uint8_t *buf;
    vt_sim_sigfile_t sig;
    uint8_t mr_signer[VT_SGX_MEASUREMENT_LEN];
} identity_t;

static void load_identity(identity_t *id)
{
    const char *path = getenv("VERITEE_SIM_SIG");
    size_t len = 0;
    CHECK(path != NULL, "VERITEE_SIM_SIG is not set (not started by veritee sim run)");
    CHECK(vt_file_read(path, VT_SIM_SIG_MAX, &id->buf, &len) == 0, "read %s", path);
    CHECK(vt_sim_sigfile_parse(id->buf, len, &id->sig) == 0, "parse %s", path);
    vt_sim_mrsigner_get(id->sig.modulus, id->mr_signer);
}

static void check_body(const vt_sgx_report_body_t *b, const identity_t *id,
                       const uint8_t rd[VT_REPORT_DATA_LEN], const char *what)
{
    CHECK(memcmp(b->mr_enclave, id->sig.mr_enclave, 32) == 0, "%s: MRENCLAVE differs", what);
    CHECK(memcmp(b->mr_signer, id->mr_signer, 32) == 0, "%s: MRSIGNER differs", what);
    CHECK(b->isv_prod_id == id->sig.isv_prod_id && b->isv_svn == id->sig.isv_svn,
          "%s: ISVPRODID/ISVSVN differ", what);
    CHECK(vt_sgx_report_flags(b) == id->sig.flags, "%s: ATTRIBUTES.flags differ", what);
    CHECK(memcmp(b->report_data, rd, VT_REPORT_DATA_LEN) == 0, "%s: report data differs", what);
}

static void pattern(uint8_t *buf, size_t len, uint8_t seed)
{
    for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)(seed + i * 7 + 1);
}

static void check_type(const char *want)
{
    uint8_t buf[32];
    size_t n = read_file("attestation_type", buf, sizeof(buf));
    CHECK(n == strlen(want) && memcmp(buf, want, n) == 0,
          "attestation_type: %zu bytes, expected \"%s\" without newline", n, want);
}

/* Fresh handles read 0 bytes; a write returns the full length; the handle reads back
 * exactly what was written (unpadded). */
static void check_value_file(const char *name)
{
    uint8_t in[100], back[256];
    pattern(in, sizeof(in), 3);
    CHECK(read_file(name, back, sizeof(back)) == 0, "%s: a fresh open is not empty", name);
    int fd = must_open(name, O_RDWR);
    CHECK(write(fd, in, 10) == 10, "%s: write 10 bytes", name);
    CHECK(lseek(fd, 0, SEEK_SET) == 0, "%s: lseek", name);
    size_t n = read_fd(fd, name, back, sizeof(back));
    CHECK(n == 10 && memcmp(back, in, 10) == 0,
          "%s: the handle reads %zu bytes, expected the 10 "
          "written",
          name, n);
    CHECK(write(fd, in, 100) == 100, "%s: write 100 bytes", name);
    close(fd);
    CHECK(read_file(name, back, sizeof(back)) == 0, "%s: fresh open after writes is not empty",
          name);
}

static void check_report_data_rules(const identity_t *id)
{
    uint8_t in[100], rd[VT_REPORT_DATA_LEN], *buf = malloc(VT_GRAMINE_QUOTE_MAX + 1);
    vt_quote_t q;
    size_t len = 0;

    CHECK(buf != NULL, "out of memory");
    check_value_file("user_report_data");
    pattern(in, sizeof(in), 9);
    /* 10 bytes: zero-padded to 64. */
    must_write("user_report_data", in, 10);
    get_quote(&q, buf, VT_GRAMINE_QUOTE_MAX + 1, &len);
    memset(rd, 0, sizeof(rd));
    memcpy(rd, in, 10);
    check_body(&q.sgx, id, rd, "quote after a 10-byte user_report_data");
    /* Without a new write the quote keeps using the current value. */
    get_quote(&q, buf, VT_GRAMINE_QUOTE_MAX + 1, &len);
    check_body(&q.sgx, id, rd, "second quote without a new write");
    /* 100 bytes: the first 64 count. */
    must_write("user_report_data", in, 100);
    get_quote(&q, buf, VT_GRAMINE_QUOTE_MAX + 1, &len);
    check_body(&q.sgx, id, in, "quote after a 100-byte user_report_data");
    free(buf);
}

static void check_local(const identity_t *id)
{
    uint8_t ti[VT_SGX_TARGET_INFO_LEN], big[VT_SGX_TARGET_INFO_LEN + 100], rd[100];
    uint8_t report[VT_SGX_REPORT_LEN + 1];
    vt_sgx_target_info_t t;
    vt_sgx_report_t r;

    size_t n = read_file("my_target_info", big, sizeof(big));
    CHECK(n == VT_SGX_TARGET_INFO_LEN, "my_target_info: %zu bytes, expected 512", n);
    memcpy(ti, big, sizeof(ti));
    CHECK(vt_sgx_target_info_parse(ti, sizeof(ti), &t) == 0, "my_target_info does not parse");
    CHECK(memcmp(t.mr_enclave, id->sig.mr_enclave, 32) == 0, "my_target_info: MRENCLAVE differs");
    CHECK(t.misc_select == id->sig.misc_select, "my_target_info: MISCSELECT differs");

    check_value_file("target_info");
    pattern(rd, sizeof(rd), 40);
    must_write("user_report_data", rd, 100);
    /* Target: myself, whole. The report verifies. */
    must_write("target_info", ti, sizeof(ti));
    n = read_file("report", report, sizeof(report));
    CHECK(n == VT_SGX_REPORT_LEN, "report: %zu bytes, expected 432", n);
    CHECK(vt_sgx_report_parse(report, n, &r) == 0, "report does not parse");
    check_body(&r.body, id, rd, "report");
    CHECK(write_file("verify_report", report, VT_SGX_REPORT_LEN) == VT_SGX_REPORT_LEN,
          "verify_report refuses my own report for me");
    /* 64 bytes of it, zero-padded: the same target (the rest of mine is zero). */
    must_write("target_info", ti, 64);
    n = read_file("report", report, sizeof(report));
    CHECK(n == VT_SGX_REPORT_LEN && write_file("verify_report", report, n) == VT_SGX_REPORT_LEN,
          "target_info padding: a 64-byte target info is not my target");
    /* 612 bytes: truncated to 512, still me. */
    memcpy(big, ti, sizeof(ti));
    pattern(big + sizeof(ti), 100, 1);
    must_write("target_info", big, sizeof(big));
    n = read_file("report", report, sizeof(report));
    CHECK(n == VT_SGX_REPORT_LEN && write_file("verify_report", report, n) == VT_SGX_REPORT_LEN,
          "target_info truncation: a 612-byte write is not my target");
    /* 10 bytes: another target (MRENCLAVE cut short); not verifiable by me. */
    must_write("target_info", ti, 10);
    n = read_file("report", report, sizeof(report));
    CHECK(n == VT_SGX_REPORT_LEN, "report for a 10-byte target");
    CHECK(write_file("verify_report", report, n) == -EKEYREJECTED,
          "a report for another target is accepted");
    /* Tampered: one body bit. */
    must_write("target_info", ti, sizeof(ti));
    n = read_file("report", report, sizeof(report));
    report[200] ^= 1;
    CHECK(write_file("verify_report", report, n) == -EKEYREJECTED, "a tampered report is accepted");
    expect_write_errno("verify_report", 431, EINVAL);
    expect_write_errno("verify_report", 433, EINVAL);
    expect_open_errno("verify_report", O_RDONLY, EACCES);
}

static void check_keys(void)
{
    uint8_t k1[32], k2[32], in[17];
    bool has[3] = {false, false, false};
    char p[512];

    path_of("keys", p);
    DIR *d = opendir(p);
    CHECK(d != NULL, "opendir keys");
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        has[0] |= strcmp(e->d_name, "default") == 0;
        has[1] |= strcmp(e->d_name, "_sgx_mrenclave") == 0;
        has[2] |= strcmp(e->d_name, "_sgx_mrsigner") == 0;
    }
    closedir(d);
    CHECK(has[0] && has[1] && has[2], "keys/ does not list default, _sgx_mrenclave, _sgx_mrsigner");

    CHECK(read_file("keys/_sgx_mrenclave", k1, sizeof(k1)) == 16, "_sgx_mrenclave: not 16 bytes");
    CHECK(read_file("keys/_sgx_mrsigner", k2, sizeof(k2)) == 16, "_sgx_mrsigner: not 16 bytes");
    CHECK(memcmp(k1, k2, 16) != 0, "the MRENCLAVE and MRSIGNER keys are equal");
    CHECK(read_file("keys/_sgx_mrenclave", k2, sizeof(k2)) == 16 && memcmp(k1, k2, 16) == 0,
          "_sgx_mrenclave changes between reads");
    expect_open_errno("keys/_sgx_mrenclave", O_WRONLY, EACCES);
    expect_open_errno("keys/_sgx_mrsigner", O_RDWR, EACCES);
    expect_open_errno("keys/nosuchkey", O_RDONLY, ENOENT);

    /* default: declared, unset (reads 0 bytes) unless the script gave it a value. */
    size_t n = read_file("keys/default", k1, sizeof(k1));
    CHECK(n == 0 || n == 16, "keys/default: %zu bytes", n);
    expect_write_errno("keys/default", 15, EACCES);
    expect_write_errno("keys/default", 17, EACCES);
    pattern(in, sizeof(in), 77);
    must_write("keys/default", in, 16);
    CHECK(read_file("keys/default", k1, sizeof(k1)) == 16 && memcmp(k1, in, 16) == 0,
          "keys/default does not read back the 16 bytes written");
}

static void check_read_only(void)
{
    static const char *const ro[] = {"attestation_type", "my_target_info", "report", "quote"};
    for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
        expect_open_errno(ro[i], O_WRONLY, EACCES);
        expect_open_errno(ro[i], O_RDWR, EACCES);
    }
    expect_open_errno("nosuchfile", O_RDONLY, ENOENT);
}

/* The client library against the mount: the gramine attester. */
static void check_attester(void)
{
    vt_attester_t *a = NULL;
    uint8_t rd[VT_REPORT_DATA_LEN], key[16], direct[32], ti[VT_SGX_TARGET_INFO_LEN + 1];
    uint8_t report[VT_SGX_REPORT_LEN];
    uint8_t *ev = NULL;
    size_t len = 0;
    vt_sgx_report_body_t body;

    setenv(VT_ATTEST_DIR_ENV, g_dir, 1);
    CHECK(vt_attester_new("gramine", &a) == 0, "attester: %s", vt_last_error());
    pattern(rd, sizeof(rd), 200);
    CHECK(vt_attester_get_evidence(a, rd, &ev, &len) == 0, "attester evidence: %s",
          vt_last_error());
    free(ev);
    CHECK(vt_attester_get_sealing_key(a, "_sgx_mrsigner", key) == 0, "attester key: %s",
          vt_last_error());
    CHECK(read_file("keys/_sgx_mrsigner", direct, sizeof(direct)) == 16 &&
              memcmp(direct, key, 16) == 0,
          "attester sealing key differs from the file");
    CHECK(read_file("my_target_info", ti, sizeof(ti)) == VT_SGX_TARGET_INFO_LEN,
          "my_target_info size");
    CHECK(vt_attester_get_report(a, ti, rd, report) == 0, "attester report: %s", vt_last_error());
    CHECK(vt_attester_verify_report(a, report, &body) == 0, "attester verify_report: %s",
          vt_last_error());
    CHECK(memcmp(body.report_data, rd, sizeof(rd)) == 0, "verified body: report data differs");
    report[0] ^= 1;
    CHECK(vt_attester_verify_report(a, report, &body) == VT_E_SIGNATURE,
          "attester accepts a tampered report");
    vt_attester_free(a);
}

static void cmd_check(void)
{
    identity_t id;
    load_identity(&id);
    check_type("dcap");
    check_read_only();
    check_report_data_rules(&id);
    check_local(&id);
    check_keys();
    check_attester();
    free(id.buf);
}

static void cmd_none(void)
{
    uint8_t rd[VT_REPORT_DATA_LEN] = {1};
    check_type("none");
    expect_open_errno("quote", O_RDONLY, ENOENT);
    must_write("user_report_data", rd, sizeof(rd));
}

/* Not an enclave: everything that needs an identity is EACCES, values still work. */
static void cmd_unlaunched(void)
{
    static const char *const denied[] = {"quote", "report", "my_target_info", "keys/_sgx_mrenclave",
                                         "keys/_sgx_mrsigner"};
    uint8_t rd[VT_REPORT_DATA_LEN] = {1}, k[16] = {2}, back[32];

    for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
        expect_open_errno(denied[i], O_RDONLY, EACCES);
    expect_open_errno("verify_report", O_WRONLY, EACCES);
    must_write("user_report_data", rd, sizeof(rd));
    must_write("target_info", rd, sizeof(rd));
    must_write("keys/default", k, sizeof(k));
    CHECK(read_file("keys/default", back, sizeof(back)) == 16 && memcmp(back, k, 16) == 0,
          "keys/default of an unlaunched process does not read back");
}

static void parse_rd(const char *hex, uint8_t rd[VT_REPORT_DATA_LEN])
{
    size_t n = strlen(hex);
    memset(rd, 0, VT_REPORT_DATA_LEN);
    CHECK(n % 2 == 0 && n <= 128 && vt_hex_decode(hex, n, rd, n / 2) == 0, "bad RDHEX");
}

static void write_out(const char *path, const uint8_t *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL && fwrite(buf, 1, len, f) == len && fclose(f) == 0, "write %s", path);
}

static void read_in(const char *path, uint8_t *buf, size_t len)
{
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL && fread(buf, 1, len, f) == len, "read %s (%zu bytes)", path, len);
    fclose(f);
}

static void quote_to(const uint8_t rd[VT_REPORT_DATA_LEN], const char *out)
{
    uint8_t *buf = malloc(VT_GRAMINE_QUOTE_MAX + 1);
    vt_quote_t q;
    size_t len = 0;
    CHECK(buf != NULL, "out of memory");
    get_quote(&q, buf, VT_GRAMINE_QUOTE_MAX + 1, &len);
    CHECK(memcmp(q.sgx.report_data, rd, VT_REPORT_DATA_LEN) == 0,
          "the quote carries other report data than this process wrote");
    write_out(out, buf, len);
    free(buf);
}

static void sync_wait(const char *dir)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%d.ready", dir, (int)getpid());
    write_out(p, (const uint8_t *)"", 0);
    snprintf(p, sizeof(p), "%s/go", dir);
    for (int i = 0; i < 3000 && access(p, F_OK) != 0; i++) usleep(10000);
    CHECK(access(p, F_OK) == 0, "no %s within 30 s", p);
}

static int cmd_verify(const char *file)
{
    uint8_t report[VT_SGX_REPORT_LEN];
    read_in(file, report, sizeof(report));
    ssize_t n = write_file("verify_report", report, sizeof(report));
    if (n == -EKEYREJECTED) return EXIT_REJECTED;
    CHECK(n == VT_SGX_REPORT_LEN, "verify_report: %s", n < 0 ? strerror((int)-n) : "short");
    return 0;
}

static void cmd_urd(const char *want, const char *sync)
{
    uint8_t rd[VT_REPORT_DATA_LEN] = {5};
    ssize_t n = write_file("user_report_data", rd, sizeof(rd));
    if (strcmp(want, "ok") == 0)
        CHECK(n == VT_REPORT_DATA_LEN, "user_report_data: %s", n < 0 ? strerror((int)-n) : "short");
    else
        CHECK(n == -ENOMEM, "user_report_data: %zd, expected ENOMEM", n);
    if (sync != NULL) sync_wait(sync);
}

static int run(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";
    uint8_t rd[VT_REPORT_DATA_LEN], buf[VT_SGX_TARGET_INFO_LEN + 1];

    if (strcmp(cmd, "check") == 0 && argc == 2) {
        cmd_check();
    } else if (strcmp(cmd, "none") == 0 && argc == 2) {
        cmd_none();
    } else if (strcmp(cmd, "unlaunched") == 0 && argc == 2) {
        cmd_unlaunched();
    } else if (strcmp(cmd, "quote") == 0 && argc == 4) {
        parse_rd(argv[2], rd);
        must_write("user_report_data", rd, sizeof(rd));
        quote_to(rd, argv[3]);
    } else if (strcmp(cmd, "target-info") == 0 && argc == 3) {
        size_t n = read_file("my_target_info", buf, sizeof(buf));
        CHECK(n == VT_SGX_TARGET_INFO_LEN, "my_target_info: %zu bytes", n);
        write_out(argv[2], buf, n);
    } else if (strcmp(cmd, "report") == 0 && argc == 4) {
        uint8_t report[VT_SGX_REPORT_LEN + 1];
        read_in(argv[2], buf, VT_SGX_TARGET_INFO_LEN);
        must_write("target_info", buf, VT_SGX_TARGET_INFO_LEN);
        size_t n = read_file("report", report, sizeof(report));
        CHECK(n == VT_SGX_REPORT_LEN, "report: %zu bytes", n);
        write_out(argv[3], report, n);
    } else if (strcmp(cmd, "verify") == 0 && argc == 3) {
        return cmd_verify(argv[2]);
    } else if (strcmp(cmd, "seal") == 0 && argc == 4) {
        uint8_t k[32];
        CHECK(read_file("keys/_sgx_mrenclave", k, sizeof(k)) == 16, "_sgx_mrenclave size");
        write_out(argv[2], k, 16);
        CHECK(read_file("keys/_sgx_mrsigner", k, sizeof(k)) == 16, "_sgx_mrsigner size");
        write_out(argv[3], k, 16);
    } else if (strcmp(cmd, "hold") == 0 && argc == 5) {
        parse_rd(argv[2], rd);
        must_write("user_report_data", rd, sizeof(rd));
        sync_wait(argv[4]);
        quote_to(rd, argv[3]);
    } else if (strcmp(cmd, "urd") == 0 && (argc == 3 || argc == 4)) {
        cmd_urd(argv[2], argc == 4 ? argv[3] : NULL);
    } else {
        fail("usage: attestfs_probe check|none|unlaunched|quote|target-info|report|verify|seal|"
             "hold|urd ...");
    }
    return 0;
}

int main(int argc, char **argv)
{
    g_dir = getenv("VERITEE_ATTESTATION_DIR");
    CHECK(g_dir != NULL && g_dir[0] != '\0', "VERITEE_ATTESTATION_DIR is not set");
    return run(argc, argv);
}
