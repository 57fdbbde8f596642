/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The gramine provider: Gramine's /dev/attestation pseudo-filesystem
 * (gramine-compat.md §1), in a real SGX enclave or served by attestfs.
 *
 * Protocol, exactly as Gramine's own ra_tls_attest does it:
 *   1. attestation_type must read "dcap" (no trailing newline); "none" means the
 *      manifest disabled remote attestation and `quote` does not exist.
 *   2. user_report_data gets the 64 bytes in ONE write(): every write() replaces the
 *      whole value (shorter is zero-padded, longer truncated).
 *   3. quote is generated at open() from the current user_report_data; it is read to
 *      EOF from that same handle with a buffer of QUOTE_MAX_SIZE (8192).
 * The quote is parsed and its report data compared with what was written.
 *
 * user_report_data and target_info are process-global in Gramine, so steps 2-3 of
 * one request must not interleave with another's: g_lock serializes them. It is a
 * static mutex (not per attester) because all attesters share the one directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "attester.h"
#include "common/error.h"

#define MOD "gramine"
/* Gramine turns every PAL/AESM failure into EACCES (gramine-compat.md §1). */
#define HINT_ENCLAVE "is this process a simulated/real enclave?"

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

static bool bytes_are(const uint8_t *buf, size_t len, const char *s)
{
    return len == strlen(s) && strncmp((const char *)buf, s, len) == 0;
}

/* Reads attestation_type; 0 only for "dcap". */
static int check_type(const char *dir)
{
    uint8_t buf[16];
    char shown[sizeof(buf) + 1];
    size_t len = 0;

    VT_GUARD(
        vt_attest_read_file(MOD, dir, "attestation_type", HINT_ENCLAVE, buf, sizeof(buf), &len));
    if (bytes_are(buf, len, "dcap")) return 0;
    VT_ENSURE(!bytes_are(buf, len, "none"), VT_E_UNSUPPORTED,
              MOD ": attestation disabled (attestation_type none)");
    for (size_t i = 0; i < len; i++)
        shown[i] = buf[i] >= 0x20 && buf[i] < 0x7f ? (char)buf[i] : '?';
    shown[len] = '\0';
    VT_BAIL(VT_E_UNSUPPORTED, MOD ": attestation_type '%s', expected dcap", shown);
}

bool vt_gramine_is_dcap(const char *dir)
{
    bool is_dcap = check_type(dir) == 0;
    vt_error_clear();
    return is_dcap;
}

static int lock(void)
{
    VT_ENSURE(pthread_mutex_lock(&g_lock) == 0, VT_E_INTERNAL, MOD ": cannot take the lock");
    return 0;
}

static int gramine_get_evidence(vt_attester_t *a, const uint8_t rd[static VT_REPORT_DATA_LEN],
                                uint8_t **evidence, size_t *len)
{
    int rc = VT_E_INTERNAL;
    uint8_t *buf = NULL;
    size_t n = 0;
    bool is_locked = false;

    VT_TRY_ALLOC(buf, malloc(VT_GRAMINE_QUOTE_MAX), "quote buffer");
    VT_TRY(lock());
    is_locked = true;
    VT_TRY(check_type(a->dir));
    VT_TRY(vt_attest_write_once(MOD, a->dir, "user_report_data", rd, VT_REPORT_DATA_LEN,
                                HINT_ENCLAVE));
    VT_TRY(vt_attest_read_file(MOD, a->dir, "quote", HINT_ENCLAVE, buf, VT_GRAMINE_QUOTE_MAX, &n));
    pthread_mutex_unlock(&g_lock);
    is_locked = false;
    VT_TRY(vt_attest_check_quote(MOD, buf, n, VT_TEE_SGX, rd));
    uint8_t *shrunk = realloc(buf, n);
    if (shrunk != NULL) buf = shrunk;
    *evidence = buf;
    *len = n;
    buf = NULL;
    rc = 0;
out:
    if (is_locked) pthread_mutex_unlock(&g_lock);
    free(buf);
    return rc;
}

static int gramine_get_sealing_key(vt_attester_t *a, const char *name,
                                   uint8_t out[static VT_SEALING_KEY_LEN])
{
    int rc = VT_E_INTERNAL;
    /* Larger than a key, so a wrong size reads whole and is reported as such. */
    uint8_t buf[4 * VT_SEALING_KEY_LEN];
    size_t n = 0;
    char rel[32];

    /* Only the two EGETKEY keys: other keys/ entries are encrypted-files keys, not sealing keys. */
    VT_TRY_ENSURE(strcmp(name, "_sgx_mrenclave") == 0 || strcmp(name, "_sgx_mrsigner") == 0,
                  VT_E_INVALID_ARG,
                  MOD ": sealing key '%.32s', expected _sgx_mrenclave or _sgx_mrsigner", name);
    snprintf(rel, sizeof(rel), "keys/%s", name);
    VT_TRY(vt_attest_read_file(MOD, a->dir, rel, HINT_ENCLAVE, buf, sizeof(buf), &n));
    VT_TRY_ENSURE(n == VT_SEALING_KEY_LEN, VT_E_MALFORMED, MOD ": %s: %zu bytes, expected %d", rel,
                  n, VT_SEALING_KEY_LEN);
    memcpy(out, buf, VT_SEALING_KEY_LEN); /* vt-lint: allow (fixed size) */
    rc = 0;
out:
    OPENSSL_cleanse(buf, sizeof(buf));
    return rc;
}

static int gramine_get_report(vt_attester_t *a, const uint8_t ti[static VT_SGX_TARGET_INFO_LEN],
                              const uint8_t rd[static VT_REPORT_DATA_LEN],
                              uint8_t out[static VT_SGX_REPORT_LEN])
{
    int rc = VT_E_INTERNAL;
    uint8_t buf[VT_SGX_REPORT_LEN + 1];
    size_t n = 0;
    bool is_locked = false;
    vt_sgx_report_t r;

    VT_TRY(lock());
    is_locked = true;
    VT_TRY(
        vt_attest_write_once(MOD, a->dir, "target_info", ti, VT_SGX_TARGET_INFO_LEN, HINT_ENCLAVE));
    VT_TRY(vt_attest_write_once(MOD, a->dir, "user_report_data", rd, VT_REPORT_DATA_LEN,
                                HINT_ENCLAVE));
    VT_TRY(vt_attest_read_file(MOD, a->dir, "report", HINT_ENCLAVE, buf, sizeof(buf), &n));
    VT_TRY_ENSURE(n == VT_SGX_REPORT_LEN, VT_E_MALFORMED, MOD ": report: %zu bytes, expected %d", n,
                  VT_SGX_REPORT_LEN);
    VT_TRY(vt_sgx_report_parse(buf, n, &r));
    /* As for quotes: a report that does not carry our data would bind someone else's. */
    VT_TRY_ENSURE(CRYPTO_memcmp(r.body.report_data, rd, VT_REPORT_DATA_LEN) == 0, VT_E_REPORT_DATA,
                  MOD ": report: report data differs from the report data written");
    memcpy(out, buf, VT_SGX_REPORT_LEN); /* vt-lint: allow (fixed size) */
    rc = 0;
out:
    if (is_locked) pthread_mutex_unlock(&g_lock);
    return rc;
}

static const vt_attest_ops_t gramine_ops = {
    .name = "gramine",
    .get_evidence = gramine_get_evidence,
    .get_sealing_key = gramine_get_sealing_key,
    .get_report = gramine_get_report,
};

int vt_gramine_attester_new(const char *dir, vt_attester_t **out)
{
    /* Only the directory is required: under gramine-direct only keys/ exists. */
    VT_ENSURE(vt_attest_is_dir(dir), VT_E_NOT_FOUND,
              MOD ": %s: not found (not inside a Gramine SGX enclave? set " VT_ATTEST_DIR_ENV
                  " for attestfs)",
              dir);
    return vt_attester_alloc(&gramine_ops, dir, VT_ATTEST_TEE_SGX, out);
}

/*
 * verify_report (attestfs extension): one write() of the 432 bytes. attestfs answers
 * EKEYREJECTED when the MAC does not verify for the writer, EINVAL for a wrong size.
 */
int vt_attester_verify_report(vt_attester_t *a, const uint8_t report[static VT_SGX_REPORT_LEN],
                              vt_sgx_report_body_t *body)
{
    int rc = VT_E_INTERNAL;
    int fd = -1;
    vt_sgx_report_t r;
    ssize_t n;

    VT_TRY_ENSURE(a->ops == &gramine_ops, VT_E_UNSUPPORTED,
                  MOD ": verify_report needs the gramine provider, not %s", a->ops->name);
    VT_TRY(vt_sgx_report_parse(report, VT_SGX_REPORT_LEN, &r));
    VT_TRY(vt_attest_open(MOD, a->dir, "verify_report", O_WRONLY, HINT_ENCLAVE, &fd));
    do {
        n = write(fd, report, VT_SGX_REPORT_LEN);
    } while (n < 0 && errno == EINTR);
    VT_TRY_ENSURE(!(n < 0 && errno == EKEYREJECTED), VT_E_SIGNATURE,
                  MOD ": verify_report: the report's MAC does not verify for this enclave");
    if (n < 0) VT_TRY(vt_attest_errno_rc(errno, MOD, NULL, "verify_report", HINT_ENCLAVE));
    VT_TRY_ENSURE(n == VT_SGX_REPORT_LEN, VT_E_IO, MOD ": verify_report: short write (%zd of %d)",
                  n, VT_SGX_REPORT_LEN);
    *body = r.body;
    rc = 0;
out:
    if (fd >= 0) close(fd);
    return rc;
}
