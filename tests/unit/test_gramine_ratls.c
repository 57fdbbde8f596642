/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Gramine drop-in libraries through their real exported, versioned symbols
 * (dlopen + dlvsym(..., "RA_TLS")), on simulated platforms (tests/lib/ratls_fixture):
 *   - every RA_TLS_* variable: exact values, "any", bad hex, bad numbers, unset;
 *   - the measurement callback: accept, reject, positive return, its raw arguments;
 *   - every row of Gramine's TCB acceptance table, on a platform of each TCB status,
 *     plus expired collateral, with the results struct (scheme, err_loc, both DCAP codes);
 *   - enclave attributes, extraction failures, PEM input, the deprecated wrapper, the
 *     trust configuration (VERITEE_ROOT_CA, VERITEE_COLLATERAL, VERITEE_PCCS_URL) and
 *     concurrent verification;
 *   - certificate creation: the library-internal path with the fixture's evidence
 *     source, and the exported ra_tls_create_key_and_crt_der over a /dev/attestation-like
 *     directory whose quote is a FIFO fed from the simulated platform.
 * libra_tls_verify_dcap.so sets its verifier up once per process, from the environment,
 * so each verification case runs in a forked child that loads the library afresh; the
 * child reports through shared memory and its stderr is captured to a file.
 */
#define _GNU_SOURCE
#include "test_util.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <gramine/ra_tls.h>

#include "gramine/gramine_internal.h"
#include "ratls_fixture.h"

#ifndef VT_GRAMINE_LIB_DIR
#error "VT_GRAMINE_LIB_DIR must name the directory of the built libraries"
#endif
#define VERIFY_LIB VT_GRAMINE_LIB_DIR "/libra_tls_verify_dcap.so"
#define ATTEST_LIB VT_GRAMINE_LIB_DIR "/libra_tls_attest.so"

#define MRE_HEX            "e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1"
#define MRS_HEX            "5151515151515151515151515151515151515151515151515151515151515151"
#define ZERO_HEX           "0000000000000000000000000000000000000000000000000000000000000000"
#define CERT_VERIFY_FAILED (-0x2700)

typedef int (*verify_fn)(uint8_t *, size_t, struct ra_tls_verify_callback_results *);
typedef int (*verify_old_fn)(uint8_t *, size_t);
typedef void (*set_cb_fn)(verify_measurements_cb_t);
typedef int (*create_fn)(uint8_t **, size_t *, uint8_t **, size_t *);

/* ---- Running the verifier library in a child ------------------------------------- */

typedef enum { CB_NONE, CB_ACCEPT, CB_REJECT, CB_POSITIVE } cb_mode_t;

typedef struct {
    int ret;
    int ret2; /* second verification (repeat) or the deprecated wrapper's */
    struct ra_tls_verify_callback_results res;
    int cb_calls;
    uint8_t cb_args[68]; /* mrenclave, mrsigner, isv_prod_id, isv_svn as passed */
    int thread_failures;
    int child_error;          /* dlopen/dlvsym failed */
    unsigned long ossl_error; /* the OpenSSL error queue of the child's thread afterwards */
    char err[16384];          /* the child's stderr */
} outcome_t;

typedef struct {
    const vt_ratls_fixture_t *trust; /* VERITEE_ROOT_CA/_COLLATERAL from its dir, or NULL */
    const char *const *env;          /* "NAME=VALUE" to set, "-NAME" to unset; NULL-ended */
    bool no_measurement_env;         /* leave the four RA_TLS_ measurement variables unset */
    cb_mode_t cb;
    bool null_results;
    bool deprecated_too; /* also call ra_tls_verify_callback_der */
    bool repeat;         /* verify twice in the same process */
    int threads;         /* > 0: verify concurrently from this many threads */
} run_t;

static outcome_t *g_out; /* shared with the child */

static int cb_record(const char *mrenclave, const char *mrsigner, const char *prod, const char *svn)
{
    g_out->cb_calls++;
    memcpy(g_out->cb_args, mrenclave, 32);
    memcpy(g_out->cb_args + 32, mrsigner, 32);
    memcpy(g_out->cb_args + 64, prod, 2);
    memcpy(g_out->cb_args + 66, svn, 2);
    return 0;
}

static int cb_reject(const char *a, const char *b, const char *c, const char *d)
{
    cb_record(a, b, c, d);
    return -1;
}

static int cb_positive(const char *a, const char *b, const char *c, const char *d)
{
    cb_record(a, b, c, d);
    return 7;
}

static int cb_plain(const char *a, const char *b, const char *c, const char *d)
{
    (void)a, (void)b, (void)c, (void)d;
    return 0;
}

static void clear_env(void)
{
    static const char *const names[] = {
        "RA_TLS_MRSIGNER",
        "RA_TLS_MRENCLAVE",
        "RA_TLS_ISV_PROD_ID",
        "RA_TLS_ISV_SVN",
        "RA_TLS_ALLOW_OUTDATED_TCB_INSECURE",
        "RA_TLS_ALLOW_HW_CONFIG_NEEDED",
        "RA_TLS_ALLOW_SW_HARDENING_NEEDED",
        "RA_TLS_ALLOW_DEBUG_ENCLAVE_INSECURE",
        "VERITEE_ROOT_CA",
        "VERITEE_COLLATERAL",
        "VERITEE_PCCS_URL",
        "VERITEE_PCCS_CA_FILE",
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) unsetenv(names[i]);
}

typedef struct {
    verify_fn verify;
    uint8_t *crt;
    size_t len;
    int failures;
} thread_arg_t;

static void *verify_thread(void *p)
{
    thread_arg_t *t = p;
    for (int i = 0; i < 6; i++) {
        struct ra_tls_verify_callback_results r;
        if (t->verify(t->crt, t->len, &r) != 0 || r.err_loc != AT_NONE) t->failures++;
    }
    return NULL;
}

static void child(const run_t *o, uint8_t *crt, size_t len)
{
    char path[256];
    clear_env();
    if (o->trust != NULL) {
        snprintf(path, sizeof(path), "%s/root_ca.der", o->trust->dir);
        setenv("VERITEE_ROOT_CA", path, 1);
        setenv("VERITEE_COLLATERAL", o->trust->dir, 1);
    }
    if (!o->no_measurement_env) {
        setenv("RA_TLS_MRSIGNER", MRS_HEX, 1);
        setenv("RA_TLS_MRENCLAVE", MRE_HEX, 1);
        setenv("RA_TLS_ISV_PROD_ID", "7", 1);
        setenv("RA_TLS_ISV_SVN", "3", 1);
    }
    for (size_t i = 0; o->env != NULL && o->env[i] != NULL; i++) {
        const char *e = o->env[i];
        if (e[0] == '-') {
            unsetenv(e + 1);
        } else {
            char name[64];
            const char *eq = strchr(e, '=');
            snprintf(name, sizeof(name), "%.*s", (int)(eq - e), e);
            setenv(name, eq + 1, 1);
        }
    }
    void *h = dlopen(VERIFY_LIB, RTLD_NOW | RTLD_LOCAL);
    verify_fn verify =
        h ? (verify_fn)dlvsym(h, "ra_tls_verify_callback_extended_der", "RA_TLS") : NULL;
    verify_old_fn old = h ? (verify_old_fn)dlvsym(h, "ra_tls_verify_callback_der", "RA_TLS") : NULL;
    set_cb_fn set_cb = h ? (set_cb_fn)dlvsym(h, "ra_tls_set_measurement_callback", "RA_TLS") : NULL;
    if (verify == NULL || old == NULL || set_cb == NULL) {
        g_out->child_error = 1;
        _exit(0);
    }
    static const verify_measurements_cb_t cbs[] = {NULL, cb_record, cb_reject, cb_positive};
    set_cb(cbs[o->cb]);
    if (o->threads > 0) {
        pthread_t th[16];
        thread_arg_t args[16];
        for (int i = 0; i < o->threads; i++) {
            args[i] = (thread_arg_t){.verify = verify, .crt = crt, .len = len};
            pthread_create(&th[i], NULL, verify_thread, &args[i]);
        }
        /* The callback may be replaced while verifications run. */
        for (int i = 0; i < 200; i++) set_cb(i % 2 ? cb_plain : cbs[o->cb]);
        for (int i = 0; i < o->threads; i++) {
            pthread_join(th[i], NULL);
            g_out->thread_failures += args[i].failures;
        }
        _exit(0);
    }
    g_out->ret = verify(crt, len, o->null_results ? NULL : &g_out->res);
    if (o->repeat) g_out->ret2 = verify(crt, len, &g_out->res);
    if (o->deprecated_too) g_out->ret2 = old(crt, len);
    g_out->ossl_error = ERR_peek_error();
    _exit(0);
}

static void run_verify(const run_t *o, const uint8_t *crt, size_t len, outcome_t *out)
{
    char errpath[] = "/tmp/vt_gramine_err_XXXXXX";
    int errfd = mkstemp(errpath);
    assert_true(errfd >= 0);
    g_out = mmap(NULL, sizeof(*g_out), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(g_out != MAP_FAILED);
    memset(g_out, 0, sizeof(*g_out));
    /* Sentinel: an unparsable certificate must leave results untouched. */
    memset(&g_out->res, 0x5a, sizeof(g_out->res));
    uint8_t *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len) memcpy(copy, crt, len);

    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(errfd, 2);
        child(o, copy, len);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    *out = *g_out;
    munmap(g_out, sizeof(*g_out));
    g_out = NULL;
    free(copy);
    ssize_t n = pread(errfd, out->err, sizeof(out->err) - 1, 0);
    out->err[n > 0 ? n : 0] = '\0';
    close(errfd);
    unlink(errpath);
    assert_int_equal(out->child_error, 0);
    /* Accepted or not, a verification leaves no OpenSSL errors behind in the caller's
       thread (an application's next SSL_get_error would see them). */
    if (out->ossl_error != 0)
        print_error("OpenSSL error left in the queue: %s\n",
                    ERR_error_string(out->ossl_error, NULL));
    assert_int_equal(out->ossl_error, 0);
}

static bool err_has(const outcome_t *o, const char *s)
{
    if (strstr(o->err, s) != NULL) return true;
    print_error("stderr lacks \"%s\":\n%s\n", s, o->err);
    return false;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++) n++;
    return n;
}

static void assert_accepted(const outcome_t *o, int qv)
{
    if (o->ret != 0) print_error("ret %d; stderr:\n%s\n", o->ret, o->err);
    assert_int_equal(o->ret, 0);
    assert_int_equal(o->res.attestation_scheme, RA_TLS_ATTESTATION_SCHEME_DCAP);
    assert_int_equal(o->res.err_loc, AT_NONE);
    assert_int_equal(o->res.dcap.func_verify_quote_result, 0);
    assert_int_equal(o->res.dcap.quote_verification_result, qv);
}

static void assert_rejected(const outcome_t *o, int ret, ra_tls_err_loc_t loc)
{
    if (o->ret != ret || o->res.err_loc != loc)
        print_error("ret %d err_loc %d; stderr:\n%s\n", o->ret, (int)o->res.err_loc, o->err);
    assert_int_equal(o->ret, ret);
    assert_int_equal(o->res.attestation_scheme, RA_TLS_ATTESTATION_SCHEME_DCAP);
    assert_int_equal(o->res.err_loc, loc);
}

/* ---- Fixtures ----------------------------------------------------------------------- */

static vt_ratls_fixture_t fx; /* UpToDate */
static uint8_t *g_crt;        /* a good certificate of the default identity on fx */
static size_t g_crt_len;

static void make_cert_on(const vt_ratls_fixture_t *f, void (*edit)(vt_sgx_report_body_t *),
                         uint8_t **der, size_t *len)
{
    vt_ratls_source_t src;
    vt_ratls_source_init(&src, f, VT_TEE_SGX, 0);
    if (edit) edit(&src.sgx);
    vt_ratls_fixture_make_cert(&src, NULL, der, len);
    vt_ratls_source_cleanup(&src);
}

static int setup(void **state)
{
    (void)state;
    vt_ratls_fixture_init(&fx, VT_TCB_UP_TO_DATE, 1);
    make_cert_on(&fx, NULL, &g_crt, &g_crt_len);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(g_crt);
    vt_ratls_fixture_cleanup(&fx);
    return 0;
}

/* Verifies the good certificate on fx with extra environment. */
static void verify_env(const char *const *env, outcome_t *o)
{
    run_t r = {.trust = &fx, .env = env};
    run_verify(&r, g_crt, g_crt_len, o);
}

/* ---- Measurement variables ----------------------------------------------------------- */

static void env_exact(void **s)
{
    (void)s;
    outcome_t o;
    verify_env(NULL, &o);
    assert_accepted(&o, 0);
    assert_null(strstr(o.err, "accepts any enclave"));
    assert_null(strstr(o.err, "ERROR"));
}

static void env_any(void **s)
{
    (void)s;
    outcome_t o;
    const char *const all_any[] = {"RA_TLS_MRSIGNER=any", "RA_TLS_MRENCLAVE=any",
                                   "RA_TLS_ISV_PROD_ID=any", "RA_TLS_ISV_SVN=any", NULL};
    verify_env(all_any, &o);
    assert_accepted(&o, 0);
    assert_true(err_has(&o, "accepts any enclave"));

    /* One identity checked: no warning, and it is checked. */
    const char *const signer_any[] = {"RA_TLS_MRSIGNER=any", NULL};
    verify_env(signer_any, &o);
    assert_accepted(&o, 0);
    assert_null(strstr(o.err, "accepts any enclave"));
    const char *const signer_any_bad_enclave[] = {"RA_TLS_MRSIGNER=any",
                                                  "RA_TLS_MRENCLAVE=" ZERO_HEX, NULL};
    verify_env(signer_any_bad_enclave, &o);
    assert_rejected(&o, CERT_VERIFY_FAILED, AT_VERIFY_ENCLAVE_MEASUREMENTS);
    /* "ANY" is not "any". */
    const char *const upper_any[] = {"RA_TLS_MRSIGNER=ANY", NULL};
    verify_env(upper_any, &o);
    assert_rejected(&o, CERT_VERIFY_FAILED, AT_VERIFY_ENCLAVE_MEASUREMENTS);
}

static void env_mismatch(void **s)
{
    (void)s;
    static const struct {
        const char *env;
        const char *says;
    } cases[] = {
        {"RA_TLS_MRSIGNER=" ZERO_HEX, "RA_TLS_MRSIGNER"},
        {"RA_TLS_MRENCLAVE=" ZERO_HEX, "RA_TLS_MRENCLAVE"},
        {"RA_TLS_ISV_PROD_ID=8", "RA_TLS_ISV_PROD_ID 8"},
        {"RA_TLS_ISV_PROD_ID=6", "RA_TLS_ISV_PROD_ID 6"},
        {"RA_TLS_ISV_SVN=4", "RA_TLS_ISV_SVN 4"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        outcome_t o;
        const char *const env[] = {cases[i].env, NULL};
        verify_env(env, &o);
        assert_rejected(&o, CERT_VERIFY_FAILED, AT_VERIFY_ENCLAVE_MEASUREMENTS);
        assert_int_equal(o.res.dcap.quote_verification_result, 0);
        assert_true(err_has(&o, cases[i].says));
    }
}

static void env_svn_and_hex_forms(void **s)
{
    (void)s;
    outcome_t o;
    const char *const lower_svn[] = {"RA_TLS_ISV_SVN=2", NULL}; /* SVN must be >=, not == */
    verify_env(lower_svn, &o);
    assert_accepted(&o, 0);
    const char *const zero_svn[] = {"RA_TLS_ISV_SVN=0", NULL};
    verify_env(zero_svn, &o);
    assert_accepted(&o, 0);
    const char *const upper_hex[] = {
        "RA_TLS_MRENCLAVE=E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1", NULL};
    verify_env(upper_hex, &o);
    assert_accepted(&o, 0);
}

static void env_bad_values(void **s)
{
    (void)s;
    static const struct {
        const char *env;
        const char *says;
    } cases[] = {
        {"RA_TLS_MRSIGNER=" MRS_HEX "5", "RA_TLS_MRSIGNER is neither 64 hex digits"},
        {"RA_TLS_MRSIGNER=515151", "RA_TLS_MRSIGNER is neither 64 hex digits"},
        {"RA_TLS_MRENCLAVE=zz1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1",
         "RA_TLS_MRENCLAVE is neither 64 hex digits"},
        {"RA_TLS_MRENCLAVE=", "RA_TLS_MRENCLAVE is neither 64 hex digits"},
        {"RA_TLS_ISV_PROD_ID=seven", "RA_TLS_ISV_PROD_ID is neither a decimal number"},
        {"RA_TLS_ISV_PROD_ID=7x", "RA_TLS_ISV_PROD_ID is neither a decimal number"},
        {"RA_TLS_ISV_PROD_ID=-7", "RA_TLS_ISV_PROD_ID is neither a decimal number"},
        {"RA_TLS_ISV_PROD_ID=", "RA_TLS_ISV_PROD_ID is neither a decimal number"},
        /* Gramine would truncate 65539 to 3 and accept: refused here. */
        {"RA_TLS_ISV_SVN=65539", "RA_TLS_ISV_SVN is neither a decimal number"},
        {"RA_TLS_ISV_SVN=0x3", "RA_TLS_ISV_SVN is neither a decimal number"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        outcome_t o;
        const char *const env[] = {cases[i].env, NULL};
        verify_env(env, &o);
        assert_rejected(&o, CERT_VERIFY_FAILED, AT_VERIFY_ENCLAVE_MEASUREMENTS);
        assert_true(err_has(&o, cases[i].says));
    }
}

static void env_unset(void **s)
{
    (void)s;
    static const char *const names[] = {"RA_TLS_MRSIGNER", "RA_TLS_MRENCLAVE", "RA_TLS_ISV_PROD_ID",
                                        "RA_TLS_ISV_SVN"};
    for (size_t i = 0; i < 4; i++) {
        char unset[64], says[128];
        snprintf(unset, sizeof(unset), "-%s", names[i]);
        snprintf(says, sizeof(says), "A required environment variable %s is not set", names[i]);
        const char *const env[] = {unset, NULL};
        outcome_t o;
        verify_env(env, &o);
        assert_rejected(&o, CERT_VERIFY_FAILED, AT_VERIFY_ENCLAVE_MEASUREMENTS);
        assert_true(err_has(&o, says));
    }
}

/* ---- Measurement callback ------------------------------------------------------------- */

static void callback_accept(void **s)
{
    (void)s;
    outcome_t o;
    run_t r = {.trust = &fx, .no_measurement_env = true, .cb = CB_ACCEPT};
    run_verify(&r, g_crt, g_crt_len, &o);
    assert_accepted(&o, 0);
    assert_int_equal(o.cb_calls, 1);
    uint8_t want[68];
    memset(want, 0xe1, 32);
    memset(want + 32, 0x51, 32);
    want[64] = 7; /* isv_prod_id 7, little-endian */
    want[65] = 0;
    want[66] = 3; /* isv_svn 3 */
    want[67] = 0;
    assert_memory_equal(o.cb_args, want, sizeof(want));
    /* No "any enclave" warning in callback mode: the callback decides. */
    assert_null(strstr(o.err, "accepts any enclave"));
}

static void callback_reject(void **s)
{
    (void)s;
    outcome_t o;
    run_t r = {.trust = &fx, .cb = CB_REJECT}; /* env would accept: the callback wins */
    run_verify(&r, g_crt, g_crt_len, &o);
    assert_rejected(&o, CERT_VERIFY_FAILED, AT_VERIFY_ENCLAVE_MEASUREMENTS);
    assert_int_equal(o.cb_calls, 1);
    assert_true(err_has(&o, "measurement callback rejected the enclave (-1)"));
}

static void callback_positive(void **s)
{
    (void)s;
    outcome_t o;
    run_t r = {.trust = &fx, .no_measurement_env = true, .cb = CB_POSITIVE};
    run_verify(&r, g_crt, g_crt_len, &o);
    assert_accepted(&o, 0); /* only a negative return fails, as in Gramine */
    assert_int_equal(o.cb_calls, 1);
}

/* ---- TCB statuses: Gramine's acceptance table ---------------------------------------- */

#define OUT "RA_TLS_ALLOW_OUTDATED_TCB_INSECURE=1"
#define HW  "RA_TLS_ALLOW_HW_CONFIG_NEEDED=1"
#define SW  "RA_TLS_ALLOW_SW_HARDENING_NEEDED=1"

/* Verifies a certificate from a platform of status under each combination of switches. */
static void status_table(vt_tcb_status_t status, int qv, bool want_out, bool want_hw, bool want_sw)
{
    vt_ratls_fixture_t f;
    uint8_t *crt;
    size_t len;
    vt_ratls_fixture_init(&f, status, 1);
    make_cert_on(&f, NULL, &crt, &len);
    for (int m = 0; m < 8; m++) {
        bool out = m & 1, hw = m & 2, sw = m & 4;
        const char *env[5] = {0};
        size_t n = 0;
        if (out) env[n++] = OUT;
        if (hw) env[n++] = HW;
        if (sw) env[n++] = SW;
        bool accept =
            status != VT_TCB_REVOKED && (!want_out || out) && (!want_hw || hw) && (!want_sw || sw);
        outcome_t o;
        run_t r = {.trust = &f, .env = env};
        run_verify(&r, crt, len, &o);
        if (accept) {
            assert_accepted(&o, qv);
            if (qv != 0) {
                char says[96];
                snprintf(says, sizeof(says), "Allowing quote status %s",
                         vt_gramine_qv_result_name(qv));
                assert_true(err_has(&o, says));
            }
        } else {
            assert_rejected(&o, CERT_VERIFY_FAILED, AT_VERIFY_EXTERNAL);
            assert_int_equal(o.res.dcap.func_verify_quote_result, 0);
            assert_int_equal(o.res.dcap.quote_verification_result, qv);
            char says[96];
            snprintf(says, sizeof(says), "Quote: verification failed with error %s",
                     vt_gramine_qv_result_name(qv));
            assert_true(err_has(&o, says));
        }
    }
    /* Only exactly "1" turns a switch on. */
    if (want_out || want_hw || want_sw) {
        const char *const almost[] = {"RA_TLS_ALLOW_OUTDATED_TCB_INSECURE=true",
                                      "RA_TLS_ALLOW_HW_CONFIG_NEEDED=11",
                                      "RA_TLS_ALLOW_SW_HARDENING_NEEDED=1 ", NULL};
        outcome_t o;
        run_t r = {.trust = &f, .env = almost};
        run_verify(&r, crt, len, &o);
        assert_rejected(&o, CERT_VERIFY_FAILED, AT_VERIFY_EXTERNAL);
    }
    free(crt);
    vt_ratls_fixture_cleanup(&f);
}

static void tcb_up_to_date(void **s)
{
    (void)s;
    status_table(VT_TCB_UP_TO_DATE, 0x0000, false, false, false);
}
static void tcb_sw_hardening(void **s)
{
    (void)s;
    status_table(VT_TCB_SW_HARDENING_NEEDED, 0xA007, false, false, true);
}
static void tcb_config_needed(void **s)
{
    (void)s;
    status_table(VT_TCB_CONFIGURATION_NEEDED, 0xA001, false, true, false);
}
static void tcb_config_and_sw(void **s)
{
    (void)s;
    status_table(VT_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED, 0xA008, false, true, true);
}
static void tcb_out_of_date(void **s)
{
    (void)s;
    status_table(VT_TCB_OUT_OF_DATE, 0xA002, true, false, false);
}
static void tcb_out_of_date_config(void **s)
{
    (void)s;
    status_table(VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED, 0xA003, true, true, false);
}
static void tcb_revoked(void **s)
{
    (void)s;
    status_table(VT_TCB_REVOKED, 0xA005, false, false, false);
}

/* A platform whose collateral was issued 40 days ago: its nextUpdate (30 days) passed. */
static void collateral_expired(void **s)
{
    (void)s;
    vt_ratls_fixture_t f = {.status = VT_TCB_UP_TO_DATE, .platform_count = 1};
    snprintf(f.dir, sizeof(f.dir), "/tmp/vt_gramine_old_XXXXXX");
    assert_non_null(mkdtemp(f.dir));
    vt_sim_init_options_t so = {
        .platform_count = 1, .tcb_status = VT_TCB_UP_TO_DATE, .now = vt_time_now() - 40 * 86400};
    vt_assert_ok(vt_sim_init(f.dir, &so));
    uint8_t *crt;
    size_t len;
    make_cert_on(&f, NULL, &crt, &len);

    outcome_t o;
    run_t r = {.trust = &f};
    run_verify(&r, crt, len, &o);
    assert_rejected(&o, CERT_VERIFY_FAILED, AT_VERIFY_EXTERNAL);
    assert_int_equal(o.res.dcap.func_verify_quote_result, 0);
    assert_int_equal(o.res.dcap.quote_verification_result, 0); /* OK, but expired */
    assert_true(err_has(&o, "collateral has expired"));

    const char *const hw_sw[] = {HW, SW, NULL}; /* not enough */
    r.env = hw_sw;
    run_verify(&r, crt, len, &o);
    assert_rejected(&o, CERT_VERIFY_FAILED, AT_VERIFY_EXTERNAL);

    const char *const outdated[] = {OUT, NULL};
    r.env = outdated;
    run_verify(&r, crt, len, &o);
    assert_accepted(&o, 0);
    assert_true(err_has(&o, "expired collateral"));
    free(crt);
    vt_ratls_fixture_cleanup(&f);
}

/* The table itself, exhaustively, against an independent statement of it. */
static void acceptance_table(void **s)
{
    (void)s;
    static const int qvs[] = {0x0000, 0xA001, 0xA002, 0xA003, 0xA004, 0xA005,
                              0xA006, 0xA007, 0xA008, 0xA009, 0xA00A, 0xE001};
    for (size_t i = 0; i < sizeof(qvs) / sizeof(qvs[0]); i++) {
        for (int m = 0; m < 16; m++) {
            vt_gramine_allow_t a = {.is_outdated_tcb_allowed = m & 1,
                                    .is_hw_config_needed_allowed = m & 2,
                                    .is_sw_hardening_needed_allowed = m & 4};
            bool expired = m & 8, want;
            switch (qvs[i]) {
            case 0x0000:
                want = !expired || (m & 1);
                break;
            case 0xA001:
                want = m & 2;
                break;
            case 0xA002:
                want = m & 1;
                break;
            case 0xA003:
                want = (m & 1) && (m & 2);
                break;
            case 0xA007:
                want = m & 4;
                break;
            case 0xA008:
                want = (m & 2) && (m & 4);
                break;
            default:
                want = false;
            }
            assert_int_equal(vt_gramine_qv_is_accepted(qvs[i], expired, &a), want);
        }
    }
}

static void qv_mapping(void **s)
{
    (void)s;
    vt_verify_result_t r = {.is_verified = true};
    int func, qv;
    static const struct {
        vt_tcb_status_t status;
        int qv;
    } st[] = {
        {VT_TCB_UP_TO_DATE, 0x0000},
        {VT_TCB_SW_HARDENING_NEEDED, 0xA007},
        {VT_TCB_CONFIGURATION_NEEDED, 0xA001},
        {VT_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED, 0xA008},
        {VT_TCB_OUT_OF_DATE, 0xA002},
        {VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED, 0xA003},
        {VT_TCB_TD_RELAUNCH_ADVISED, 0xA009},
        {VT_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED, 0xA00A},
        {VT_TCB_NOT_SUPPORTED, 0xA006},
    };
    for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
        r.tcb_status = st[i].status;
        vt_gramine_qv_from_veritee(0, &r, &func, &qv);
        assert_int_equal(func, 0);
        assert_int_equal(qv, st[i].qv);
    }
    vt_gramine_qv_from_veritee(VT_E_REVOKED, &r, &func, &qv);
    assert_int_equal(func, 0);
    assert_int_equal(qv, 0xA005);
    vt_gramine_qv_from_veritee(VT_E_SIGNATURE, &r, &func, &qv);
    assert_int_equal(func, 0);
    assert_int_equal(qv, 0xA004);
    vt_gramine_qv_from_veritee(VT_E_NOMEM, &r, &func, &qv);
    assert_int_equal(func, 0xE003);
    assert_int_equal(qv, 0xA006);
    vt_gramine_qv_from_veritee(VT_E_UNTRUSTED, &r, &func, &qv);
    assert_int_equal(func, 0xE001);
    assert_int_equal(qv, 0xA006);
    assert_string_equal(vt_gramine_qv_result_name(0xA008), "CONFIG_AND_SW_HARDENING_NEEDED");
    assert_string_equal(vt_gramine_qv_result_name(0xBEEF), "UNKNOWN");
}

/* ---- Enclave attributes ------------------------------------------------------------------ */

static void set_debug(vt_sgx_report_body_t *b)
{
    b->attributes[0] |= 0x02;
}
static void clear_init(vt_sgx_report_body_t *b)
{
    b->attributes[0] &= (uint8_t)~0x01;
}
static void clear_mode64(vt_sgx_report_body_t *b)
{
    b->attributes[0] &= (uint8_t)~0x04;
}
static void set_provision_key(vt_sgx_report_body_t *b)
{
    b->attributes[0] |= 0x10;
}
static void set_license_key(vt_sgx_report_body_t *b)
{
    b->attributes[0] |= 0x20;
}

static void attributes(void **s)
{
    (void)s;
    static const struct {
        void (*edit)(vt_sgx_report_body_t *);
        const char *says;
    } cases[] = {
        {set_debug, "debug enclave"},
        {clear_init, "INIT is clear"},
        {clear_mode64, "MODE64BIT is clear"},
        {set_provision_key, "PROVISION_KEY is set"},
        {set_license_key, "LICENSE_KEY is set"},
    };
    const char *const debug_ok[] = {"RA_TLS_ALLOW_DEBUG_ENCLAVE_INSECURE=1", NULL};
    const char *const debug_almost[] = {"RA_TLS_ALLOW_DEBUG_ENCLAVE_INSECURE=yes", NULL};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t *crt;
        size_t len;
        outcome_t o;
        make_cert_on(&fx, cases[i].edit, &crt, &len);
        run_t r = {.trust = &fx};
        run_verify(&r, crt, len, &o);
        assert_rejected(&o, CERT_VERIFY_FAILED, AT_VERIFY_ENCLAVE_ATTRS);
        assert_int_equal(o.res.dcap.quote_verification_result, 0);
        assert_true(err_has(&o, cases[i].says));
        /* The debug switch allows DEBUG and nothing else. */
        r.env = debug_ok;
        run_verify(&r, crt, len, &o);
        if (cases[i].edit == set_debug) {
            assert_accepted(&o, 0);
            r.env = debug_almost;
            run_verify(&r, crt, len, &o);
        }
        assert_rejected(&o, CERT_VERIFY_FAILED, AT_VERIFY_ENCLAVE_ATTRS);
        free(crt);
    }
}

/* A TD quote is no SGX enclave: refused at the attribute step. */
static void tdx_refused(void **s)
{
    (void)s;
    vt_ratls_source_t src;
    uint8_t *crt;
    size_t len;
    vt_ratls_source_init(&src, &fx, VT_TEE_TDX, 0);
    vt_ratls_fixture_make_cert(&src, NULL, &crt, &len);
    vt_ratls_source_cleanup(&src);
    outcome_t o;
    run_t r = {.trust = &fx, .cb = CB_ACCEPT};
    run_verify(&r, crt, len, &o);
    assert_rejected(&o, CERT_VERIFY_FAILED, AT_VERIFY_ENCLAVE_ATTRS);
    assert_int_equal(o.cb_calls, 0);
    assert_true(err_has(&o, "not from an SGX enclave"));
    free(crt);
}

/* ---- Extraction and quote failures ------------------------------------------------------ */

typedef struct {
    vt_ratls_source_t src;
    int corrupt; /* 2: quote signature */
} bad_source_t;

static int bad_evidence(void *ctx, const uint8_t rd[VT_REPORT_DATA_LEN], uint8_t **ev, size_t *len)
{
    bad_source_t *b = ctx;
    int rc = vt_ratls_source_evidence(&b->src, rd, ev, len);
    if (rc == 0 && b->corrupt == 2) (*ev)[436 + 10] ^= 0x40; /* inside the ECDSA signature */
    return rc;
}

static void make_bad_cert(int corrupt, uint8_t **der, size_t *len)
{
    bad_source_t b = {.corrupt = corrupt};
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    vt_ratls_source_init(&b.src, &fx, VT_TEE_SGX, 0);
    vt_assert_ok(vt_ratls_create_with(bad_evidence, &b, NULL, &key, &cert));
    vt_ratls_fixture_cert_der(cert, der, len);
    X509_free(cert);
    EVP_PKEY_free(key);
    vt_ratls_source_cleanup(&b.src);
}

/* The evidence extensions of the good certificate on a certificate of another key. */
static void make_rebound_cert(uint8_t **der, size_t *len)
{
    const unsigned char *p = g_crt;
    X509 *good = d2i_X509(NULL, &p, (long)g_crt_len);
    assert_non_null(good);
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    assert_non_null(k);
    X509 *x = X509_new();
    assert_non_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_set_subject_name(x, X509_get_subject_name(good));
    X509_set_issuer_name(x, X509_get_subject_name(good));
    X509_set1_notBefore(x, X509_get0_notBefore(good));
    X509_set1_notAfter(x, X509_get0_notAfter(good));
    X509_set_pubkey(x, k);
    for (int i = 0; i < X509_get_ext_count(good); i++)
        assert_int_equal(X509_add_ext(x, X509_get_ext(good, i), -1), 1);
    assert_true(X509_sign(x, k, EVP_sha256()) > 0);
    vt_ratls_fixture_cert_der(x, der, len);
    X509_free(x);
    X509_free(good);
    EVP_PKEY_free(k);
}

static void not_bound(void **s)
{
    (void)s;
    uint8_t *crt;
    size_t len;
    outcome_t o;
    make_rebound_cert(&crt, &len);
    run_t r = {.trust = &fx};
    run_verify(&r, crt, len, &o);
    assert_rejected(&o, -0x2680, AT_EXTRACT_QUOTE); /* SIG_MISMATCH */
    assert_true(err_has(&o, "pubkey-hash does not match"));
    free(crt);
}

static void bad_quote_signature(void **s)
{
    (void)s;
    uint8_t *crt;
    size_t len;
    outcome_t o;
    make_bad_cert(2, &crt, &len);
    run_t r = {.trust = &fx};
    run_verify(&r, crt, len, &o);
    assert_rejected(&o, CERT_VERIFY_FAILED, AT_VERIFY_EXTERNAL);
    assert_int_equal(o.res.dcap.func_verify_quote_result, 0);
    assert_int_equal(o.res.dcap.quote_verification_result, 0xA004);
    assert_true(err_has(&o, "INVALID_SIGNATURE"));
    free(crt);
}

/* A self-signed certificate without evidence, with key (EC or RSA). */
static void plain_cert(const char *alg, const char *param, uint8_t **der, size_t *len)
{
    EVP_PKEY *k = strcmp(alg, "EC") == 0 ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", param)
                                         : EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    assert_non_null(k);
    X509 *x = X509_new();
    assert_non_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_NAME *n = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"RATLS", -1, -1, 0);
    X509_set_issuer_name(x, n);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, k);
    assert_true(X509_sign(x, k, EVP_sha256()) > 0);
    vt_ratls_fixture_cert_der(x, der, len);
    X509_free(x);
    EVP_PKEY_free(k);
}

static void no_extension_and_key_types(void **s)
{
    (void)s;
    uint8_t *crt;
    size_t len;
    outcome_t o;
    run_t r = {.trust = &fx};
    plain_cert("EC", "P-384", &crt, &len);
    run_verify(&r, crt, len, &o);
    assert_rejected(&o, -0x2500, AT_EXTRACT_QUOTE); /* INVALID_EXTENSIONS */
    free(crt);
    plain_cert("RSA", NULL, &crt, &len);
    run_verify(&r, crt, len, &o);
    assert_rejected(&o, -0x3E80, AT_EXTRACT_QUOTE); /* PK_BAD_INPUT_DATA */
    assert_true(err_has(&o, "not EC P-256 or P-384"));
    free(crt);
    plain_cert("EC", "P-521", &crt, &len);
    run_verify(&r, crt, len, &o);
    assert_rejected(&o, -0x3E80, AT_EXTRACT_QUOTE);
    free(crt);
}

/* ---- Input forms ------------------------------------------------------------------------ */

static void unparsable(void **s)
{
    (void)s;
    outcome_t o;
    run_t r = {.trust = &fx};
    uint8_t junk[64];
    memset(junk, 0x30, sizeof(junk));
    run_verify(&r, junk, sizeof(junk), &o);
    assert_int_equal(o.ret, -0x2180); /* INVALID_FORMAT */
    uint8_t sentinel[sizeof(o.res)];
    memset(sentinel, 0x5a, sizeof(sentinel));
    assert_memory_equal(&o.res, sentinel, sizeof(sentinel)); /* untouched, as Gramine */

    /* Trailing bytes after the certificate. */
    uint8_t *longer = malloc(g_crt_len + 1);
    memcpy(longer, g_crt, g_crt_len);
    longer[g_crt_len] = 0;
    run_verify(&r, longer, g_crt_len + 1, &o);
    assert_int_equal(o.ret, -0x2180);
    /* Truncated. */
    run_verify(&r, g_crt, g_crt_len - 1, &o);
    assert_int_equal(o.ret, -0x2180);
    free(longer);
    run_verify(&r, g_crt, 0, &o);
    assert_true(o.ret < 0);
}

static void pem_input(void **s)
{
    (void)s;
    const unsigned char *p = g_crt;
    X509 *x = d2i_X509(NULL, &p, (long)g_crt_len);
    assert_non_null(x);
    BIO *b = BIO_new(BIO_s_mem());
    assert_true(PEM_write_bio_X509(b, x) == 1);
    X509_free(x);
    char *data = NULL;
    long n = BIO_get_mem_data(b, &data);
    uint8_t *pem = malloc((size_t)n + 1);
    memcpy(pem, data, (size_t)n);
    pem[n] = '\0';
    BIO_free(b);

    outcome_t o;
    run_t r = {.trust = &fx};
    run_verify(&r, pem, (size_t)n + 1, &o); /* NUL included, as mbedTLS wants */
    assert_accepted(&o, 0);
    run_verify(&r, pem, (size_t)n, &o); /* without the NUL it is not PEM: DER fails */
    assert_int_equal(o.ret, -0x2180);
    /* PEM armour around garbage. */
    const char bad[] = "-----BEGIN CERTIFICATE-----\nMIIBzzCCAXWgAwIBAgIBATAKBggqhkjOPQQDAjA=\n"
                       "-----END CERTIFICATE-----\n";
    run_verify(&r, (const uint8_t *)bad, sizeof(bad), &o);
    assert_int_equal(o.ret, -0x2780); /* CERT_UNKNOWN_FORMAT */
    free(pem);
}

static void deprecated_and_null_results(void **s)
{
    (void)s;
    outcome_t o;
    run_t r = {.trust = &fx, .deprecated_too = true};
    run_verify(&r, g_crt, g_crt_len, &o);
    assert_accepted(&o, 0);
    assert_int_equal(o.ret2, 0);
    assert_true(err_has(&o, "ra_tls_verify_callback_der() is deprecated"));

    const char *const reject[] = {"RA_TLS_ISV_SVN=9", NULL};
    r.env = reject;
    run_verify(&r, g_crt, g_crt_len, &o);
    assert_int_equal(o.ret, CERT_VERIFY_FAILED);
    assert_int_equal(o.ret2, CERT_VERIFY_FAILED);

    run_t n = {.trust = &fx, .null_results = true};
    run_verify(&n, g_crt, g_crt_len, &o);
    assert_int_equal(o.ret, 0);
}

/* ---- Trust configuration ------------------------------------------------------------------ */

static void trust_simulated_root_warns_once(void **s)
{
    (void)s;
    outcome_t o;
    run_t r = {.trust = &fx, .repeat = true};
    run_verify(&r, g_crt, g_crt_len, &o);
    assert_int_equal(o.ret, 0);
    assert_int_equal(o.ret2, 0);
    /* Once per verifier setup: the verifier is shared by the whole process. */
    assert_int_equal(count(o.err, "trusting the SIMULATED root CA"), 1);
}

static void trust_no_source(void **s)
{
    (void)s;
    char root[128];
    snprintf(root, sizeof(root), "VERITEE_ROOT_CA=%s/root_ca.der", fx.dir);
    const char *const env[] = {root, NULL};
    run_t r = {.env = env};
    outcome_t o;
    run_verify(&r, g_crt, g_crt_len, &o);
    assert_rejected(&o, CERT_VERIFY_FAILED, AT_VERIFY_EXTERNAL);
    assert_int_equal(o.res.dcap.func_verify_quote_result, 0xE001);
    assert_int_equal(o.res.dcap.quote_verification_result, 0xA006);
    assert_true(err_has(&o, "no collateral source is configured"));
    assert_true(err_has(&o, "VERITEE_COLLATERAL"));
}

static void trust_intel_root_by_default(void **s)
{
    (void)s;
    char coll[128];
    snprintf(coll, sizeof(coll), "VERITEE_COLLATERAL=%s", fx.dir);
    const char *const env[] = {coll, NULL};
    run_t r = {.env = env};
    outcome_t o;
    run_verify(&r, g_crt, g_crt_len, &o);
    /* The simulated chain does not lead to Intel's root. */
    assert_rejected(&o, CERT_VERIFY_FAILED, AT_VERIFY_EXTERNAL);
    assert_null(strstr(o.err, "SIMULATED"));
}

static void trust_setup_errors(void **s)
{
    (void)s;
    char coll[128], pccs[] = "VERITEE_PCCS_URL=https://127.0.0.1:1";
    snprintf(coll, sizeof(coll), "VERITEE_COLLATERAL=%s", fx.dir);
    const char *const missing_root[] = {"VERITEE_ROOT_CA=/nonexistent/root.der", coll, NULL};
    const char *const both[] = {coll, pccs, NULL};
    const char *const *cases[] = {missing_root, both};
    const char *says[] = {"/nonexistent/root.der", "set one collateral source"};
    for (size_t i = 0; i < 2; i++) {
        run_t r = {.env = cases[i]};
        outcome_t o;
        run_verify(&r, g_crt, g_crt_len, &o);
        assert_rejected(&o, -0x3000, AT_INIT); /* FATAL_ERROR */
        assert_true(err_has(&o, "cannot set up the verifier"));
        assert_true(err_has(&o, says[i]));
    }
}

static void threads(void **s)
{
    (void)s;
    outcome_t o;
    run_t r = {.trust = &fx, .cb = CB_POSITIVE, .threads = 8};
    run_verify(&r, g_crt, g_crt_len, &o);
    assert_int_equal(o.thread_failures, 0);
}

/* ---- Certificate creation --------------------------------------------------------------- */

static void timestamps(void **s)
{
    (void)s;
    vt_time_t t = 0;
    vt_assert_ok(vt_gramine_timestamp_parse("20010101000000", &t));
    assert_int_equal(t, 978307200);
    vt_assert_ok(vt_gramine_timestamp_parse("20301231235959", &t));
    assert_int_equal(t, 1924991999);
    vt_assert_ok(vt_gramine_timestamp_parse("20240229120000", &t));
    assert_int_equal(t, 1709208000);
    vt_assert_ok(vt_gramine_timestamp_parse("20000229000000", &t));
    vt_assert_ok(vt_gramine_timestamp_parse("19500101000000", &t));
    assert_int_equal(t, -631152000);
    vt_assert_ok(vt_gramine_timestamp_parse("99991231235959", &t));
    assert_int_equal(t, 253402300799);
    static const char *const bad[] = {
        "2001010100000",   "200101010000000", "2001010100000a", "20230229000000",
        "21000229000000",  "20010001000000",  "20011301000000", "20010100000000",
        "20010132000000",  "20010431000000",  "20010101240000", "20010101006000",
        "20010101000060",  "19491231235959",  "19700101000000", "",
        " 20010101000000", "2001-01-01T00:0",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        t = 42;
        vt_assert_rc(vt_gramine_timestamp_parse(bad[i], &t), VT_E_MALFORMED);
        assert_int_equal(t, 42);
    }
}

static void create_options_env(void **s)
{
    (void)s;
    vt_ratls_create_options_t o;
    unsetenv("RA_TLS_CERT_TIMESTAMP_NOT_BEFORE");
    unsetenv("RA_TLS_CERT_TIMESTAMP_NOT_AFTER");
    vt_assert_ok(vt_gramine_create_options_from_env(&o));
    assert_int_equal(o.not_before, 978307200);
    assert_int_equal(o.not_after, 1924991999);
    assert_int_equal(o.key_type, VT_RATLS_KEY_P384);
    setenv("RA_TLS_CERT_TIMESTAMP_NOT_AFTER", "20010101000000", 1);
    vt_assert_rc(vt_gramine_create_options_from_env(&o), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "is not before"));
    setenv("RA_TLS_CERT_TIMESTAMP_NOT_AFTER", "2030", 1);
    vt_assert_rc(vt_gramine_create_options_from_env(&o), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "RA_TLS_CERT_TIMESTAMP_NOT_AFTER"));
    unsetenv("RA_TLS_CERT_TIMESTAMP_NOT_AFTER");
}

static void check_key_and_cert(const uint8_t *key, size_t klen, const uint8_t *crt, size_t clen)
{
    /* SEC1 ECPrivateKey for P-384: SEQUENCE(0x81 len), INTEGER 1, OCTET STRING(48). */
    assert_true(klen > 8);
    static const uint8_t head[] = {0x30, 0x81};
    static const uint8_t version_and_key[] = {0x02, 0x01, 0x01, 0x04, 0x30};
    assert_memory_equal(key, head, sizeof(head));
    assert_memory_equal(key + 3, version_and_key, sizeof(version_and_key));
    const unsigned char *p = key;
    EVP_PKEY *k = d2i_AutoPrivateKey(NULL, &p, (long)klen);
    assert_non_null(k);
    char group[32] = "";
    assert_true(EVP_PKEY_get_utf8_string_param(k, "group", group, sizeof(group), NULL) == 1);
    assert_string_equal(group, "secp384r1");
    p = crt;
    X509 *x = d2i_X509(NULL, &p, (long)clen);
    assert_non_null(x);
    assert_int_equal(EVP_PKEY_eq(k, X509_get0_pubkey(x)), 1);
    X509_free(x);
    EVP_PKEY_free(k);
}

static void create_internal(void **s)
{
    (void)s;
    vt_ratls_source_t src;
    uint8_t *key = NULL, *crt = NULL;
    size_t klen = 0, clen = 0;
    vt_ratls_source_init(&src, &fx, VT_TEE_SGX, 0);
    setenv("RA_TLS_CERT_TIMESTAMP_NOT_BEFORE", "20240229120000", 1);
    vt_assert_ok(vt_gramine_create_der(vt_ratls_source_evidence, &src, &key, &klen, &crt, &clen));
    unsetenv("RA_TLS_CERT_TIMESTAMP_NOT_BEFORE");
    assert_int_equal(src.calls, 2); /* legacy and TCG quotes, as Gramine */
    check_key_and_cert(key, klen, crt, clen);
    const unsigned char *p = crt;
    X509 *x = d2i_X509(NULL, &p, (long)clen);
    assert_int_equal(ASN1_TIME_cmp_time_t(X509_get0_notBefore(x), 1709208000), 0);
    assert_int_equal(ASN1_TIME_cmp_time_t(X509_get0_notAfter(x), 1924991999), 0);
    X509_free(x);

    /* The certificate verifies through the exported library. */
    outcome_t o;
    run_t r = {.trust = &fx};
    run_verify(&r, crt, clen, &o);
    assert_accepted(&o, 0);

    /* A bad timestamp: no evidence is asked for, nothing is returned. */
    setenv("RA_TLS_CERT_TIMESTAMP_NOT_BEFORE", "20241301000000", 1);
    uint8_t *k2 = NULL, *c2 = NULL;
    src.calls = 0;
    vt_assert_rc(vt_gramine_create_der(vt_ratls_source_evidence, &src, &k2, &klen, &c2, &clen),
                 VT_E_MALFORMED);
    unsetenv("RA_TLS_CERT_TIMESTAMP_NOT_BEFORE");
    assert_null(k2);
    assert_null(c2);
    assert_int_equal(src.calls, 0);
    assert_int_equal(vt_gramine_create_error(VT_E_MALFORMED), -0x2800);
    assert_int_equal(vt_gramine_create_error(VT_E_IO), -0x2900);
    assert_int_equal(vt_gramine_create_error(VT_E_NOT_FOUND), -0x2900);
    assert_int_equal(vt_gramine_create_error(VT_E_NOMEM), -0x2880);
    assert_int_equal(vt_gramine_create_error(VT_E_CRYPTO), -0x3000);
    free(key);
    free(crt);
    vt_ratls_source_cleanup(&src);
}

/* Serves `quote` of a Gramine-like directory (a FIFO) from the simulated platform. */
typedef struct {
    char dir[128];
    vt_ratls_source_t *src;
    int served;
    volatile int stop;
} feeder_t;

/* Reads user_report_data (zeros if it cannot). */
static void read_report_data(const char *path, uint8_t rd[VT_REPORT_DATA_LEN])
{
    memset(rd, 0, VT_REPORT_DATA_LEN);
    FILE *rf = fopen(path, "rb");
    if (rf == NULL) return;
    if (fread(rd, 1, VT_REPORT_DATA_LEN, rf) != VT_REPORT_DATA_LEN) rd[0] ^= 0xff;
    fclose(rf);
}

/*
 * One quote per request: a request is a new user_report_data followed by an open of
 * quote. Waiting for the report data to change keeps the feeder from opening the FIFO
 * again while the previous reader still holds it (it would get a second quote).
 */
static void *feed(void *p)
{
    feeder_t *f = p;
    char quote[256], rdp[256];
    uint8_t last[VT_REPORT_DATA_LEN], rd[VT_REPORT_DATA_LEN];
    bool has_last = false;
    snprintf(quote, sizeof(quote), "%s/quote", f->dir);
    snprintf(rdp, sizeof(rdp), "%s/user_report_data", f->dir);
    for (;;) {
        for (;;) {
            if (f->stop) return NULL;
            read_report_data(rdp, rd);
            if (!has_last || memcmp(rd, last, sizeof(rd)) != 0) break;
            usleep(1000);
        }
        int fd = open(quote, O_WRONLY); /* blocks until the library opens it */
        if (fd < 0) return NULL;
        if (f->stop) {
            close(fd);
            return NULL;
        }
        read_report_data(rdp, rd); /* written before the library opened quote */
        memcpy(last, rd, sizeof(last));
        has_last = true;
        uint8_t *q = NULL;
        size_t qlen = 0;
        if (vt_ratls_source_evidence(f->src, rd, &q, &qlen) == 0) {
            if (write(fd, q, qlen) != (ssize_t)qlen) f->served = -1000;
            f->served++;
        }
        free(q);
        close(fd);
    }
}

static void create_exported(void **s)
{
    (void)s;
    void *h = dlopen(ATTEST_LIB, RTLD_NOW | RTLD_LOCAL);
    assert_non_null(h);
    create_fn create = (create_fn)dlvsym(h, "ra_tls_create_key_and_crt_der", "RA_TLS");
    assert_non_null(create);
    assert_null(dlsym(h, "vt_ratls_create_with")); /* nothing of Veritee is exported */

    uint8_t *key = NULL, *crt = NULL;
    size_t klen = 0, clen = 0;
    assert_int_equal(create(NULL, &klen, &crt, &clen), -EINVAL);
    assert_int_equal(create(&key, NULL, &crt, &clen), -EINVAL);
    assert_int_equal(create(&key, &klen, NULL, &clen), -EINVAL);
    assert_int_equal(create(&key, &klen, &crt, NULL), -EINVAL);

    feeder_t f = {.dir = "/tmp/vt_gramine_att_XXXXXX"};
    assert_non_null(mkdtemp(f.dir));
    char path[256];
    setenv("VERITEE_ATTESTATION_DIR", "/tmp/vt_gramine_nonexistent", 1);
    assert_int_equal(create(&key, &klen, &crt, &clen), -0x2900); /* FILE_IO_ERROR */

    snprintf(path, sizeof(path), "%s/attestation_type", f.dir);
    FILE *t = fopen(path, "wb");
    assert_non_null(t);
    fputs("dcap", t);
    fclose(t);
    snprintf(path, sizeof(path), "%s/user_report_data", f.dir);
    t = fopen(path, "wb");
    assert_non_null(t);
    fclose(t);
    snprintf(path, sizeof(path), "%s/quote", f.dir);
    assert_int_equal(mkfifo(path, 0600), 0);

    vt_ratls_source_t src;
    vt_ratls_source_init(&src, &fx, VT_TEE_SGX, 0);
    f.src = &src;
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, feed, &f), 0);
    setenv("VERITEE_ATTESTATION_DIR", f.dir, 1);
    int ret = create(&key, &klen, &crt, &clen);
    f.stop = 1;
    int fd = open(path, O_RDONLY | O_NONBLOCK); /* releases the feeder's open */
    assert_int_equal(pthread_join(th, NULL), 0);
    if (fd >= 0) close(fd);
    unsetenv("VERITEE_ATTESTATION_DIR");
    assert_int_equal(ret, 0);
    assert_int_equal(f.served, 2);
    check_key_and_cert(key, klen, crt, clen);

    outcome_t o;
    run_t r = {.trust = &fx};
    run_verify(&r, crt, clen, &o);
    assert_accepted(&o, 0);
    free(key);
    free(crt);
    vt_ratls_source_cleanup(&src);
    unlink(path);
    snprintf(path, sizeof(path), "%s/attestation_type", f.dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/user_report_data", f.dir);
    unlink(path);
    rmdir(f.dir);
    dlclose(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(env_exact),
        cmocka_unit_test(env_any),
        cmocka_unit_test(env_mismatch),
        cmocka_unit_test(env_svn_and_hex_forms),
        cmocka_unit_test(env_bad_values),
        cmocka_unit_test(env_unset),
        cmocka_unit_test(callback_accept),
        cmocka_unit_test(callback_reject),
        cmocka_unit_test(callback_positive),
        cmocka_unit_test(tcb_up_to_date),
        cmocka_unit_test(tcb_sw_hardening),
        cmocka_unit_test(tcb_config_needed),
        cmocka_unit_test(tcb_config_and_sw),
        cmocka_unit_test(tcb_out_of_date),
        cmocka_unit_test(tcb_out_of_date_config),
        cmocka_unit_test(tcb_revoked),
        cmocka_unit_test(collateral_expired),
        cmocka_unit_test(acceptance_table),
        cmocka_unit_test(qv_mapping),
        cmocka_unit_test(attributes),
        cmocka_unit_test(tdx_refused),
        cmocka_unit_test(not_bound),
        cmocka_unit_test(bad_quote_signature),
        cmocka_unit_test(no_extension_and_key_types),
        cmocka_unit_test(unparsable),
        cmocka_unit_test(pem_input),
        cmocka_unit_test(deprecated_and_null_results),
        cmocka_unit_test(trust_simulated_root_warns_once),
        cmocka_unit_test(trust_no_source),
        cmocka_unit_test(trust_intel_root_by_default),
        cmocka_unit_test(trust_setup_errors),
        cmocka_unit_test(threads),
        cmocka_unit_test(timestamps),
        cmocka_unit_test(create_options_env),
        cmocka_unit_test(create_internal),
        cmocka_unit_test(create_exported),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
