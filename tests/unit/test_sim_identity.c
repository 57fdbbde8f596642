/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of src/sim_identity: the .sig parser and serializer (sigfile.c), MRENCLAVE and
 * MRSIGNER (measure.c), the signer key (signer.c), the EINIT-like check (identity.c)
 * and the launch (launch.c). One signer key is generated for the whole group.
 */
#define _GNU_SOURCE /* posix_openpt, ptsname */
#include "test_util.h"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <veritee/sim_identity.h>

#include "common/file.h"

static vt_sim_signer_t *signer;
static char dir[64];
static char exe[128], key_path[128], t1[128], t2[128];

static void write_file(const char *path, const char *text, unsigned mode)
{
    vt_assert_ok(vt_file_write_atomic(path, (const uint8_t *)text, strlen(text), mode));
}

static void copy_file(const char *from, const char *to, unsigned mode)
{
    uint8_t *buf;
    size_t len;
    vt_assert_ok(vt_file_read(from, 64 << 20, &buf, &len));
    vt_assert_ok(vt_file_write_atomic(to, buf, len, mode));
    free(buf);
}

static int group_setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/vt_sim_identity_XXXXXX");
    if (mkdtemp(dir) == NULL) return -1;
    snprintf(exe, sizeof(exe), "%s/app", dir);
    snprintf(key_path, sizeof(key_path), "%s/signer.pem", dir);
    snprintf(t1, sizeof(t1), "%s/b.conf", dir);
    snprintf(t2, sizeof(t2), "%s/a.conf", dir);
    if (vt_sim_signer_new(&signer) != 0) return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    vt_sim_signer_free(signer);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* A fresh copy of /bin/true and two trusted files; returns a signed .sig of them. */
static uint8_t *make_sig(size_t *len, bool debug)
{
    const char *trusted[] = {t1, t2};
    vt_sim_sign_params_t p = {.exe_path = exe,
                              .trusted_paths = trusted,
                              .trusted_count = 2,
                              .isv_prod_id = 7,
                              .isv_svn = 3,
                              .is_debug = debug};
    uint8_t *sig = NULL;
    copy_file("/bin/true", exe, 0755);
    write_file(t1, "b = 1\n", 0644);
    write_file(t2, "a = 1\n", 0644);
    vt_assert_ok(vt_sim_sigfile_new(signer, &p, &sig, len));
    return sig;
}

static int verify_exe(const uint8_t *sig, size_t len, vt_sgx_report_body_t *out)
{
    int fd = open(exe, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    int rc = vt_sim_identity_verify(sig, len, fd, out);
    close(fd);
    return rc;
}

static void sign_verify_round_trip(void **state)
{
    (void)state;
    size_t len;
    uint8_t *sig = make_sig(&len, false);
    vt_sim_sigfile_t s;
    vt_sgx_report_body_t id;

    vt_assert_ok(vt_sim_sigfile_parse(sig, len, &s));
    assert_int_equal(len, VT_SIM_SIG_FIXED_LEN + 2 * (2 + strlen(t1) + 32));
    assert_int_equal(s.trusted_count, 2);
    /* Stored sorted by path: a.conf first. */
    assert_int_equal(s.trusted[0].path_len, strlen(t2));
    assert_memory_equal(s.trusted[0].path, t2, strlen(t2));
    vt_assert_ok(verify_exe(sig, len, &id));
    assert_memory_equal(id.mr_enclave, s.mr_enclave, 32);
    assert_int_equal(id.isv_prod_id, 7);
    assert_int_equal(id.isv_svn, 3);
    assert_int_equal(id.attributes[0], VT_SGX_FLAG_INIT | VT_SGX_FLAG_MODE64BIT);
    assert_int_equal(id.attributes[8], 0x3);
    assert_int_equal(id.misc_select, 0);
    free(sig);

    sig = make_sig(&len, true);
    vt_assert_ok(verify_exe(sig, len, &id));
    assert_int_equal(id.attributes[0],
                     VT_SGX_FLAG_INIT | VT_SGX_FLAG_MODE64BIT | VT_SGX_FLAG_DEBUG);
    free(sig);
}

/* MRSIGNER from the PEM key through OpenSSL alone: SHA-256 of the little-endian n. */
static void mrsigner_is_sha256_of_le_modulus(void **state)
{
    (void)state;
    size_t len;
    uint8_t *sig = make_sig(&len, false);
    vt_sgx_report_body_t id;
    uint8_t le[384], want[32];
    BIGNUM *n = NULL;

    unlink(key_path);
    vt_assert_ok(vt_sim_signer_to_file(signer, key_path));
    FILE *f = fopen(key_path, "r");
    assert_non_null(f);
    EVP_PKEY *key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    assert_non_null(key);
    assert_int_equal(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n), 1);
    assert_int_equal(BN_bn2lebinpad(n, le, sizeof(le)), 384);
    SHA256(le, sizeof(le), want);
    vt_assert_ok(verify_exe(sig, len, &id));
    assert_memory_equal(id.mr_signer, want, 32);
    BN_free(n);
    EVP_PKEY_free(key);
    free(sig);
}

static void put16(uint8_t **p, uint16_t v)
{
    *(*p)++ = (uint8_t)v;
    *(*p)++ = (uint8_t)(v >> 8);
}

static void put_bytes(uint8_t **p, const void *v, size_t n)
{
    memcpy(*p, v, n);
    *p += n;
}

static void file_sha256(const char *path, uint8_t out[32])
{
    uint8_t *buf;
    size_t len;
    vt_assert_ok(vt_file_read(path, 64 << 20, &buf, &len));
    SHA256(buf, len, out);
    free(buf);
}

/* The documented MRENCLAVE encoding, built by hand. */
static void mrenclave_matches_documented_encoding(void **state)
{
    (void)state;
    size_t len;
    uint8_t *sig = make_sig(&len, false);
    vt_sim_sigfile_t s;
    uint8_t enc[512], *p = enc, h[32], want[32];
    static const uint8_t tail[] = {7, 0, 3, 0, 5, 0, 0, 0, 0, 0, 0, 0,
                                   3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    vt_assert_ok(vt_sim_sigfile_parse(sig, len, &s));
    put_bytes(&p, "veritee-sim-mrenclave-v1", 24);
    file_sha256(exe, h);
    put_bytes(&p, h, 32);
    put16(&p, 2);
    const char *sorted[] = {t2, t1};
    for (int i = 0; i < 2; i++) {
        put16(&p, (uint16_t)strlen(sorted[i]));
        put_bytes(&p, sorted[i], strlen(sorted[i]));
        file_sha256(sorted[i], h);
        put_bytes(&p, h, 32);
    }
    put_bytes(&p, tail, sizeof(tail)); /* prod 7, svn 3, flags 5, xfrm 3, misc 0 */
    SHA256(enc, (size_t)(p - enc), want);
    assert_memory_equal(s.mr_enclave, want, 32);
    free(sig);
}

static void tampered_exe_is_rejected(void **state)
{
    (void)state;
    size_t len;
    uint8_t *sig = make_sig(&len, false);
    vt_sgx_report_body_t id;
    memset(&id, 0xaa, sizeof(id));
    FILE *f = fopen(exe, "ab");
    assert_non_null(f);
    fputc(0, f);
    fclose(f);
    vt_assert_rc(verify_exe(sig, len, &id), VT_E_MEASUREMENT);
    assert_int_equal(vt_error_type(VT_E_MEASUREMENT), VT_ET_REJECT);
    assert_non_null(strstr(vt_last_error(), "executable does not match"));
    assert_int_equal(id.isv_svn, 0xaaaa); /* nothing written on failure */
    free(sig);
}

static void tampered_trusted_file_is_rejected(void **state)
{
    (void)state;
    size_t len;
    uint8_t *sig = make_sig(&len, false);
    vt_sgx_report_body_t id;
    write_file(t1, "b = 2\n", 0644);
    vt_assert_rc(verify_exe(sig, len, &id), VT_E_MEASUREMENT);
    assert_non_null(strstr(vt_last_error(), "b.conf"));
    unlink(t1);
    vt_assert_rc(verify_exe(sig, len, &id), VT_E_MEASUREMENT);
    assert_non_null(strstr(vt_last_error(), "missing"));
    free(sig);
}

/* Fields where a flipped bit keeps the file well-formed: only the signature catches it. */
static bool signature_only(size_t off, size_t len)
{
    size_t sig_at = len - 384, mod_at = len - 772;
    return (off >= 8 && off < 44) || (off >= 64 && off < 96) ||
           (off >= mod_at && off < mod_at + 384) || off >= sig_at;
}

static void flipped_byte_is_rejected(void **state)
{
    (void)state;
    size_t len;
    uint8_t *sig = make_sig(&len, false);
    vt_sgx_report_body_t id;
    for (size_t i = 0; i < len; i++) {
        sig[i] ^= 0x10;
        int rc = verify_exe(sig, len, &id);
        sig[i] ^= 0x10;
        if (signature_only(i, len)) {
            vt_assert_rc(rc, VT_E_SIGNATURE);
        } else if (rc >= 0 ||
                   (vt_error_type(rc) != VT_ET_REJECT && vt_error_type(rc) != VT_ET_PARSE)) {
            print_error("offset %zu: rc %s\n", i, vt_error_name(rc));
            fail();
        }
    }
    vt_assert_ok(verify_exe(sig, len, &id));
    free(sig);
}

static void truncation_and_trailing_bytes(void **state)
{
    (void)state;
    size_t len;
    uint8_t *sig = make_sig(&len, false);
    vt_sim_sigfile_t s;
    for (size_t n = 0; n < len; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, sig, n);
        vt_assert_rc(vt_sim_sigfile_parse(copy, n, &s), VT_E_TRUNCATED);
        free(copy);
    }
    uint8_t *longer = calloc(1, len + 1);
    memcpy(longer, sig, len);
    vt_assert_rc(vt_sim_sigfile_parse(longer, len + 1, &s), VT_E_TRAILING_DATA);
    free(longer);
    uint8_t *huge = calloc(1, VT_SIM_SIG_MAX + 1);
    vt_assert_rc(vt_sim_sigfile_parse(huge, VT_SIM_SIG_MAX + 1, &s), VT_E_TOO_LARGE);
    free(huge);
    free(sig);
}

/*
 * Count at offset 96 (u16). One more entry reads a path length from the modulus (too
 * long: VT_E_MALFORMED, else the fixed fields run out: VT_E_TRUNCATED); one fewer leaves
 * an entry's worth of trailing bytes. The last entry's path length shifts the fixed
 * fields by one byte either way.
 */
static void length_fields_off_by_one(void **state)
{
    (void)state;
    size_t len;
    uint8_t *sig = make_sig(&len, false);
    vt_sim_sigfile_t s;
    size_t entry = 2 + strlen(t2) + 32, mod_at = 98 + 2 * entry;
    unsigned next_len = sig[mod_at] | (unsigned)sig[mod_at + 1] << 8;
    sig[96]++;
    vt_assert_rc(vt_sim_sigfile_parse(sig, len, &s),
                 next_len >= 1 && next_len <= VT_SIM_PATH_MAX ? VT_E_TRUNCATED : VT_E_MALFORMED);
    sig[96] -= 2;
    vt_assert_rc(vt_sim_sigfile_parse(sig, len, &s), VT_E_TRAILING_DATA);
    sig[96] = VT_SIM_TRUSTED_MAX + 1;
    vt_assert_rc(vt_sim_sigfile_parse(sig, len, &s), VT_E_TOO_LARGE);
    sig[96] = 2;
    sig[98 + entry]++;
    vt_assert_rc(vt_sim_sigfile_parse(sig, len, &s), VT_E_TRUNCATED);
    sig[98 + entry] -= 2;
    vt_assert_rc(vt_sim_sigfile_parse(sig, len, &s), VT_E_TRAILING_DATA);
    sig[98 + entry]++;
    vt_assert_ok(vt_sim_sigfile_parse(sig, len, &s));
    free(sig);
}

static void wrong_exponent_is_rejected(void **state)
{
    (void)state;
    size_t len;
    uint8_t *sig = make_sig(&len, false);
    vt_sim_sigfile_t s;
    vt_sgx_report_body_t id;
    sig[len - 388] = 0x01; /* exponent 3 -> 0x10001 */
    sig[len - 386] = 0x01;
    vt_assert_rc(vt_sim_sigfile_parse(sig, len, &s), VT_E_UNSUPPORTED);
    vt_assert_rc(verify_exe(sig, len, &id), VT_E_UNSUPPORTED);
    assert_non_null(strstr(vt_last_error(), "exponent 65537, expected 3"));
    free(sig);

    /* A signer key with e = 65537 is refused with a clear error. */
    char path[160];
    snprintf(path, sizeof(path), "%s/e65537.pem", dir);
    EVP_PKEY *key = EVP_RSA_gen(3072);
    assert_non_null(key);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL), 1);
    fclose(f);
    EVP_PKEY_free(key);
    vt_sim_signer_t *other = NULL;
    vt_assert_rc(vt_sim_signer_from_file(path, &other), VT_E_UNSUPPORTED);
    assert_non_null(strstr(vt_last_error(), "exponent is not 3"));
    assert_null(other);
}

static void serialize_round_trip_and_canonical_order(void **state)
{
    (void)state;
    size_t len, len2;
    uint8_t *sig = make_sig(&len, false), *again = NULL;
    vt_sim_sigfile_t s;
    vt_assert_ok(vt_sim_sigfile_parse(sig, len, &s));
    vt_assert_ok(vt_sim_sigfile_serialize(&s, &again, &len2));
    assert_int_equal(len2, len);
    assert_memory_equal(again, sig, len);
    free(again);

    vt_sim_trusted_file_t t = s.trusted[0];
    s.trusted[0] = s.trusted[1];
    s.trusted[1] = t;
    vt_assert_rc(vt_sim_sigfile_serialize(&s, &again, &len2), VT_E_INVALID_ARG);
    /* The same order written by hand is refused by the parser. */
    uint8_t *p = sig + 98;
    size_t entry = 2 + strlen(t1) + 32;
    uint8_t tmp[256];
    memcpy(tmp, p, entry);
    memcpy(p, p + entry, entry);
    memcpy(p + entry, tmp, entry);
    vt_assert_rc(vt_sim_sigfile_parse(sig, len, &s), VT_E_MALFORMED);
    free(sig);

    const char *many[VT_SIM_TRUSTED_MAX + 1];
    for (size_t i = 0; i <= VT_SIM_TRUSTED_MAX; i++) many[i] = t2;
    vt_sim_sign_params_t too_many = {
        .exe_path = exe, .trusted_paths = many, .trusted_count = VT_SIM_TRUSTED_MAX + 1};
    vt_assert_rc(vt_sim_sigfile_new(signer, &too_many, &again, &len2), VT_E_INVALID_ARG);
    char long_path[VT_SIM_PATH_MAX + 2];
    memset(long_path, 'a', sizeof(long_path) - 1);
    long_path[sizeof(long_path) - 1] = '\0';
    const char *one_long[] = {long_path};
    vt_sim_sign_params_t too_long = {
        .exe_path = exe, .trusted_paths = one_long, .trusted_count = 1};
    vt_assert_rc(vt_sim_sigfile_new(signer, &too_long, &again, &len2), VT_E_INVALID_ARG);

    const char *dup[] = {t1, t1};
    vt_sim_sign_params_t params = {.exe_path = exe, .trusted_paths = dup, .trusted_count = 2};
    vt_assert_rc(vt_sim_sigfile_new(signer, &params, &again, &len2), VT_E_INVALID_ARG);
}

static void key_file_round_trip(void **state)
{
    (void)state;
    vt_sim_signer_t *loaded = NULL;
    uint8_t a[384], b[384];
    struct stat st;
    unlink(key_path);
    vt_assert_ok(vt_sim_signer_to_file(signer, key_path));
    assert_int_equal(stat(key_path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    vt_assert_rc(vt_sim_signer_to_file(signer, key_path), VT_E_IO);
    vt_assert_ok(vt_sim_signer_from_file(key_path, &loaded));
    vt_sim_signer_get_modulus(signer, a);
    vt_sim_signer_get_modulus(loaded, b);
    assert_memory_equal(a, b, sizeof(a));
    vt_sim_signer_free(loaded);
    write_file(key_path, "not a key\n", 0600);
    vt_assert_rc(vt_sim_signer_from_file(key_path, &loaded), VT_E_MALFORMED);
}

/* Runs vt_sim_launch_exec in a child; returns its exit status. */
static int launch(const char *sig_path, char *const argv[])
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int rc = vt_sim_launch_exec(sig_path, "/mnt/attest", argv, NULL);
        _exit(rc == VT_E_MEASUREMENT ? 42 : 43);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void launch_checks_then_execs(void **state)
{
    (void)state;
    size_t len;
    char sig_path[160];
    uint8_t *sig = make_sig(&len, false);
    snprintf(sig_path, sizeof(sig_path), "%s/app.sig", dir);
    vt_assert_ok(vt_file_write_atomic(sig_path, sig, len, 0644));
    free(sig);
    char *argv_true[] = {exe, NULL};
    assert_int_equal(launch(sig_path, argv_true), 0);

    /* /bin/sh as the enclave checks the environment it was given. */
    copy_file("/bin/sh", exe, 0755);
    const char *trusted[] = {t1, t2};
    vt_sim_sign_params_t p = {.exe_path = exe, .trusted_paths = trusted, .trusted_count = 2};
    vt_assert_ok(vt_sim_sigfile_new(signer, &p, &sig, &len));
    vt_assert_ok(vt_file_write_atomic(sig_path, sig, len, 0644));
    free(sig);
    char script[256];
    snprintf(script, sizeof(script),
             "test \"$VERITEE_ATTESTATION_DIR\" = /mnt/attest && test \"$VERITEE_SIM_SIG\" = '%s'",
             sig_path);
    char c_opt[] = "-c";
    char *argv_sh[] = {exe, c_opt, script, NULL};
    assert_int_equal(launch(sig_path, argv_sh), 0);

    /* A "#!" script cannot be fexecve'd from a close-on-exec descriptor: a clear error. */
    char script_path[160];
    snprintf(script_path, sizeof(script_path), "%s/script", dir);
    write_file(script_path, "#!/bin/sh\nexit 0\n", 0755);
    vt_sim_sign_params_t ps = {.exe_path = script_path};
    vt_assert_ok(vt_sim_sigfile_new(signer, &ps, &sig, &len));
    vt_assert_ok(vt_file_write_atomic(sig_path, sig, len, 0644));
    free(sig);
    char *argv_script[] = {script_path, NULL};
    assert_int_equal(launch(sig_path, argv_script), 43);

    copy_file("/bin/true", exe, 0755); /* a different executable at the same path */
    assert_int_equal(launch(sig_path, argv_true), 42);
}

/*
 * Measuring a file must never give the measuring process a controlling terminal: a
 * session leader without one (a daemon such as veritee-attestfs) that opened a pty named as
 * a trusted file would otherwise take it, and whoever holds the master could then signal
 * the daemon. The child below is such a session leader; /dev/tty must stay unavailable.
 */
static void measuring_a_tty_does_not_make_it_the_controlling_terminal(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (setsid() < 0) _exit(10);
        int master = posix_openpt(O_RDWR | O_NOCTTY);
        if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) _exit(11);
        const char *slave = ptsname(master);
        if (slave == NULL) _exit(12);
        uint8_t h[32];
        if (vt_sim_measure_path(slave, h) == 0) _exit(13); /* a tty is not a regular file */
        uint8_t *buf = NULL;
        size_t len = 0;
        if (vt_file_read(slave, 4096, &buf, &len) == 0) _exit(14);
        int tty = open("/dev/tty", O_RDONLY | O_NOCTTY);
        _exit(tty < 0 ? 0 : 15); /* 15: the pty became our controlling terminal */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sign_verify_round_trip),
        cmocka_unit_test(mrsigner_is_sha256_of_le_modulus),
        cmocka_unit_test(mrenclave_matches_documented_encoding),
        cmocka_unit_test(tampered_exe_is_rejected),
        cmocka_unit_test(tampered_trusted_file_is_rejected),
        cmocka_unit_test(flipped_byte_is_rejected),
        cmocka_unit_test(truncation_and_trailing_bytes),
        cmocka_unit_test(length_fields_off_by_one),
        cmocka_unit_test(wrong_exponent_is_rejected),
        cmocka_unit_test(serialize_round_trip_and_canonical_order),
        cmocka_unit_test(key_file_round_trip),
        cmocka_unit_test(launch_checks_then_execs),
        cmocka_unit_test(measuring_a_tty_does_not_make_it_the_controlling_terminal),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
