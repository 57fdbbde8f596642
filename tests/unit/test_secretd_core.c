/* SPDX-License-Identifier: Apache-2.0 */
/*
 * veritee-secretd's core (src/secretd): sealing of generated secrets (round trip, every
 * byte of a sealed file authenticated, truncation, header fields, the key file's mode and
 * contents) and the policy rules (each identity kind with its near misses, TCB statuses
 * with expired collateral, debug, advisories, which secret a request gets, the log
 * identity, the permissive base policy of the RA-TLS layer), and the slimming of the
 * client certificate an idle connection keeps (only when the session is the connection's
 * alone; a failed decode leaves a certificate the connection can still free).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"
/* after cmocka */
#include "peer_slim.h"
#include "rules.h"
#include "seal.h"
#include "secrets.h"

/* ---- Sealing -------------------------------------------------------------------------- */

static const uint8_t secret[] = "a secret of some bytes";

static void seal_fixture(uint8_t key[SD_SEAL_KEY_LEN], uint8_t **sealed, size_t *len)
{
    memset(key, 0x42, SD_SEAL_KEY_LEN);
    vt_assert_ok(sd_seal(key, "db-key", secret, sizeof(secret), sealed, len));
}

static void test_seal_round_trip(void **state)
{
    uint8_t key[SD_SEAL_KEY_LEN], *sealed = NULL, *sealed2 = NULL, *out = NULL;
    size_t len = 0, len2 = 0, out_len = 0;
    (void)state;

    seal_fixture(key, &sealed, &len);
    assert_int_equal(len, 8 + 1 + 4 + 12 + sizeof(secret) + 16);
    assert_memory_equal(sealed, "VTSDSEAL\x01", 9);
    assert_null(memmem(sealed, len, secret, sizeof(secret) - 1)); /* encrypted */
    vt_assert_ok(sd_unseal(key, "db-key", sealed, len, &out, &out_len));
    assert_int_equal(out_len, sizeof(secret));
    assert_memory_equal(out, secret, out_len);
    OPENSSL_secure_clear_free(out, out_len);
    /* A fresh nonce each time. */
    vt_assert_ok(sd_seal(key, "db-key", secret, sizeof(secret), &sealed2, &len2));
    assert_int_equal(len, len2);
    assert_memory_not_equal(sealed + 13, sealed2 + 13, 12);
    free(sealed);
    free(sealed2);
}

static void test_seal_wrong_key_or_name(void **state)
{
    uint8_t key[SD_SEAL_KEY_LEN], *sealed = NULL, *out = NULL;
    size_t len = 0, out_len = 0;
    (void)state;

    seal_fixture(key, &sealed, &len);
    vt_assert_rc(sd_unseal(key, "db-key2", sealed, len, &out, &out_len), VT_E_SIGNATURE);
    assert_non_null(strstr(vt_last_error(), "authentication failed"));
    key[31] ^= 1;
    vt_assert_rc(sd_unseal(key, "db-key", sealed, len, &out, &out_len), VT_E_SIGNATURE);
    assert_null(out);
    free(sealed);
}

static void test_seal_every_byte_authenticated(void **state)
{
    uint8_t key[SD_SEAL_KEY_LEN], *sealed = NULL, *out = NULL;
    size_t len = 0, out_len = 0;
    (void)state;

    seal_fixture(key, &sealed, &len);
    for (size_t i = 0; i < len; i++) {
        sealed[i] ^= 0x01;
        assert_true(sd_unseal(key, "db-key", sealed, len, &out, &out_len) < 0);
        assert_null(out);
        sealed[i] ^= 0x01;
    }
    free(sealed);
}

static void test_seal_truncated_and_trailing(void **state)
{
    uint8_t key[SD_SEAL_KEY_LEN], *sealed = NULL, *out = NULL;
    size_t len = 0, out_len = 0;
    (void)state;

    seal_fixture(key, &sealed, &len);
    for (size_t n = 0; n < len; n++) {
        int rc = sd_unseal(key, "db-key", sealed, n, &out, &out_len);
        assert_true(rc == VT_E_TRUNCATED || (n < 8 && rc == VT_E_MALFORMED));
    }
    uint8_t *longer = malloc(len + 1);
    assert_non_null(longer);
    memcpy(longer, sealed, len);
    longer[len] = 0;
    vt_assert_rc(sd_unseal(key, "db-key", longer, len + 1, &out, &out_len), VT_E_TRAILING_DATA);
    free(longer);
    free(sealed);
}

static void test_seal_header_fields(void **state)
{
    uint8_t key[SD_SEAL_KEY_LEN], *sealed = NULL, *out = NULL;
    size_t len = 0, out_len = 0;
    (void)state;

    seal_fixture(key, &sealed, &len);
    sealed[8] = 2;
    vt_assert_rc(sd_unseal(key, "db-key", sealed, len, &out, &out_len), VT_E_UNSUPPORTED);
    sealed[8] = 1;
    memset(sealed + 9, 0, 4); /* size 0 */
    vt_assert_rc(sd_unseal(key, "db-key", sealed, len, &out, &out_len), VT_E_MALFORMED);
    memset(sealed + 9, 0xff, 4); /* larger than the file */
    assert_true(sd_unseal(key, "db-key", sealed, len, &out, &out_len) < 0);
    sealed[0] = 'X';
    vt_assert_rc(sd_unseal(key, "db-key", sealed, len, &out, &out_len), VT_E_MALFORMED);
    vt_assert_rc(sd_seal(key, "x", secret, 0, &out, &out_len), VT_E_INVALID_ARG);
    free(sealed);
}

/* A secret that does not fit the secure heap opens on the normal heap, as it was
   generated there: a sealed secret that the first load made must open on every later
   one (a restart, a reload with the old configuration's secrets still held). */
static void test_unseal_secure_heap_full(void **state)
{
    static uint8_t big[64 * 1024];
    uint8_t key[SD_SEAL_KEY_LEN], *sealed = NULL, *out = NULL;
    size_t len = 0, out_len = 0;
    (void)state;

    if (CRYPTO_secure_malloc_initialized() || CRYPTO_secure_malloc_init(16 * 1024, 16) == 0) skip();
    memset(key, 0x42, sizeof(key));
    memset(big, 0xb1, sizeof(big));
    vt_assert_ok(sd_seal(key, "big", big, sizeof(big), &sealed, &len));
    vt_assert_ok(sd_unseal(key, "big", sealed, len, &out, &out_len));
    assert_int_equal(out_len, sizeof(big));
    assert_memory_equal(out, big, sizeof(big));
    assert_false(CRYPTO_secure_allocated(out));
    sd_secret_value_free(out, out_len);
    free(sealed);
    /* One that fits still goes to the secure heap. */
    vt_assert_ok(sd_seal(key, "small", big, 32, &sealed, &len));
    vt_assert_ok(sd_unseal(key, "small", sealed, len, &out, &out_len));
    assert_true(CRYPTO_secure_allocated(out));
    sd_secret_value_free(out, out_len);
    free(sealed);
    assert_int_equal(CRYPTO_secure_malloc_done(), 1);
}

static char key_dir[64];

static const char *key_file(const char *content, size_t len, mode_t mode)
{
    static char path[128];
    snprintf(path, sizeof(path), "%s/key", key_dir);
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, len), (ssize_t)len);
    close(fd);
    assert_int_equal(chmod(path, mode), 0);
    return path;
}

static void test_seal_key_file(void **state)
{
    static const char hex[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    uint8_t key[SD_SEAL_KEY_LEN], raw[SD_SEAL_KEY_LEN], want[SD_SEAL_KEY_LEN];
    char path[128];
    (void)state;

    for (int i = 0; i < SD_SEAL_KEY_LEN; i++) want[i] = (uint8_t)i;
    snprintf(key_dir, sizeof(key_dir), "/tmp/vt_secretd_core_XXXXXX");
    assert_non_null(mkdtemp(key_dir));
    memcpy(raw, want, sizeof(raw));

    vt_assert_ok(sd_seal_key_load(key_file((const char *)raw, 32, 0600), key));
    assert_memory_equal(key, want, 32);
    vt_assert_ok(sd_seal_key_load(key_file((const char *)raw, 32, 0400), key));
    vt_assert_ok(sd_seal_key_load(key_file(hex, 64, 0600), key));
    assert_memory_equal(key, want, 32);
    vt_assert_ok(sd_seal_key_load(
        key_file("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", 65, 0600),
        key));
    assert_memory_equal(key, want, 32);
    /* Group or others may not have any access. */
    vt_assert_rc(sd_seal_key_load(key_file((const char *)raw, 32, 0644), key), VT_E_UNTRUSTED);
    assert_non_null(strstr(vt_last_error(), "mode 0644"));
    vt_assert_rc(sd_seal_key_load(key_file((const char *)raw, 32, 0640), key), VT_E_UNTRUSTED);
    vt_assert_rc(sd_seal_key_load(key_file((const char *)raw, 32, 0604), key), VT_E_UNTRUSTED);
    /* Contents. */
    vt_assert_rc(sd_seal_key_load(key_file((const char *)raw, 31, 0600), key), VT_E_MALFORMED);
    vt_assert_rc(sd_seal_key_load(key_file(hex, 63, 0600), key), VT_E_MALFORMED);
    vt_assert_rc(
        sd_seal_key_load(
            key_file("zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 64, 0600),
            key),
        VT_E_MALFORMED);
    vt_assert_rc(sd_seal_key_load(key_file("", 0, 0600), key), VT_E_MALFORMED);
    /* A symbolic link is not followed; a missing file is VT_E_NOT_FOUND. */
    snprintf(path, sizeof(path), "%s/link", key_dir);
    assert_int_equal(symlink(key_file((const char *)raw, 32, 0600), path), 0);
    vt_assert_rc(sd_seal_key_load(path, key), VT_E_IO);
    unlink(path);
    unlink(key_file("", 0, 0600));
    snprintf(path, sizeof(path), "%s/none", key_dir);
    vt_assert_rc(sd_seal_key_load(path, key), VT_E_NOT_FOUND);
    rmdir(key_dir);
}

/* ---- Rules ---------------------------------------------------------------------------- */

static vt_verify_result_t sgx(void)
{
    vt_verify_result_t r = {.is_verified = true, .tee = VT_TEE_SGX};
    memset(r.sgx.mr_enclave, 0xe1, sizeof(r.sgx.mr_enclave));
    memset(r.sgx.mr_signer, 0x51, sizeof(r.sgx.mr_signer));
    r.sgx.isv_prod_id = 7;
    r.sgx.isv_svn = 3;
    r.sgx.attributes[0] = 0x05;
    return r;
}

static vt_verify_result_t td(void)
{
    vt_verify_result_t r = {.is_verified = true, .tee = VT_TEE_TDX};
    memset(r.td.mr_td, 0x7d, sizeof(r.td.mr_td));
    memset(r.td.rtmr[2], 0x22, sizeof(r.td.rtmr[2]));
    return r;
}

static sd_rule_t rule_enclave(void)
{
    sd_rule_t rule = {.kind = SD_ID_MRENCLAVE, .tcb_mask = 1u << VT_TCB_UP_TO_DATE};
    memset(rule.mr_enclave, 0xe1, sizeof(rule.mr_enclave));
    return rule;
}

static void test_rule_mrenclave(void **state)
{
    sd_rule_t rule = rule_enclave();
    vt_verify_result_t r = sgx();
    (void)state;

    assert_true(sd_rule_matches(&rule, &r));
    r.sgx.mr_enclave[31] ^= 1;
    assert_false(sd_rule_matches(&rule, &r));
    r = sgx();
    r.is_verified = false;
    assert_false(sd_rule_matches(&rule, &r));
    r = td();
    memset(r.sgx.mr_enclave, 0xe1, sizeof(r.sgx.mr_enclave)); /* not an SGX quote */
    assert_false(sd_rule_matches(&rule, &r));
}

static void test_rule_mrsigner(void **state)
{
    sd_rule_t rule = {.kind = SD_ID_MRSIGNER,
                      .isv_prod_id = 7,
                      .min_isv_svn = 3,
                      .tcb_mask = 1u << VT_TCB_UP_TO_DATE};
    vt_verify_result_t r = sgx();
    (void)state;

    memset(rule.mr_signer, 0x51, sizeof(rule.mr_signer));
    assert_true(sd_rule_matches(&rule, &r));
    r.sgx.isv_svn = 900;
    assert_true(sd_rule_matches(&rule, &r));
    r.sgx.isv_svn = 2;
    assert_false(sd_rule_matches(&rule, &r));
    r = sgx();
    r.sgx.isv_prod_id = 8;
    assert_false(sd_rule_matches(&rule, &r));
    r = sgx();
    r.sgx.mr_signer[0] ^= 0x80;
    assert_false(sd_rule_matches(&rule, &r));
}

static void test_rule_tdx(void **state)
{
    sd_rule_t rule = {.kind = SD_ID_TDX, .tcb_mask = 1u << VT_TCB_UP_TO_DATE};
    vt_verify_result_t r = td();
    (void)state;

    memset(rule.mr_td, 0x7d, sizeof(rule.mr_td));
    assert_true(sd_rule_matches(&rule, &r)); /* no RTMR pinned */
    rule.has_rtmr[2] = true;
    memset(rule.rtmr[2], 0x22, sizeof(rule.rtmr[2]));
    assert_true(sd_rule_matches(&rule, &r));
    r.td.rtmr[0][5] = 9; /* not pinned */
    assert_true(sd_rule_matches(&rule, &r));
    r.td.rtmr[2][47] ^= 1;
    assert_false(sd_rule_matches(&rule, &r));
    r = td();
    r.td.mr_td[0] ^= 1;
    assert_false(sd_rule_matches(&rule, &r));
    r = sgx();
    assert_false(sd_rule_matches(&rule, &r));
}

static void test_rule_tcb_status(void **state)
{
    sd_rule_t rule = rule_enclave();
    vt_verify_result_t r = sgx();
    (void)state;

    r.tcb_status = VT_TCB_OUT_OF_DATE;
    assert_false(sd_rule_matches(&rule, &r));
    rule.tcb_mask |= 1u << VT_TCB_OUT_OF_DATE;
    assert_true(sd_rule_matches(&rule, &r));
    r.tcb_status = VT_TCB_SW_HARDENING_NEEDED;
    assert_false(sd_rule_matches(&rule, &r));
    r.tcb_status = VT_TCB_REVOKED;
    assert_false(sd_rule_matches(&rule, &r));
    /* Expired collateral: the OutOfDate counterpart must be accepted too. */
    rule = rule_enclave();
    r = sgx();
    r.is_collateral_expired = true;
    assert_false(sd_rule_matches(&rule, &r));
    rule.tcb_mask |= 1u << VT_TCB_OUT_OF_DATE;
    assert_true(sd_rule_matches(&rule, &r));
    r.tcb_status = VT_TCB_CONFIGURATION_NEEDED;
    rule.tcb_mask |= 1u << VT_TCB_CONFIGURATION_NEEDED;
    assert_false(sd_rule_matches(&rule, &r));
    rule.tcb_mask |= 1u << VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED;
    assert_true(sd_rule_matches(&rule, &r));
}

static void test_rule_debug(void **state)
{
    sd_rule_t rule = rule_enclave(), td_rule = {.kind = SD_ID_TDX, .tcb_mask = 1};
    vt_verify_result_t r = sgx(), t = td();
    (void)state;

    r.sgx.attributes[0] |= VT_SGX_FLAG_DEBUG;
    assert_false(sd_rule_matches(&rule, &r));
    rule.allow_debug = true;
    assert_true(sd_rule_matches(&rule, &r));
    memset(td_rule.mr_td, 0x7d, sizeof(td_rule.mr_td));
    t.td.td_attributes[0] |= VT_TD_ATTR_DEBUG;
    assert_false(sd_rule_matches(&td_rule, &t));
    td_rule.allow_debug = true;
    assert_true(sd_rule_matches(&td_rule, &t));
}

static void test_rule_advisories(void **state)
{
    char *listed[] = {"INTEL-SA-00615"};
    char *seen[] = {"INTEL-SA-00615", "INTEL-SA-00828"};
    sd_rule_t rule = rule_enclave();
    vt_verify_result_t r = sgx();
    (void)state;

    r.advisory_ids = seen;
    r.advisory_count = 1;
    assert_false(sd_rule_matches(&rule, &r));
    rule.advisories = listed;
    rule.advisory_count = 1;
    assert_true(sd_rule_matches(&rule, &r));
    r.advisory_count = 2;
    assert_false(sd_rule_matches(&rule, &r));
}

/* Secrets a, b, c; rule 0: MRENCLAVE e1.. gives a and b (default b); rule 1: MRSIGNER
   51.., product 7 gives c. */
static void two_rules(sd_config_t *c, sd_secret_t secrets[3], sd_rule_t rules[2])
{
    const char *names[] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++) {
        secrets[i] = (sd_secret_t){0};
        snprintf(secrets[i].name, sizeof(secrets[i].name), "%s", names[i]);
    }
    rules[0] = rule_enclave();
    rules[0].secrets[0] = 0;
    rules[0].secrets[1] = 1;
    rules[0].secret_count = 2;
    rules[0].default_secret = 1;
    rules[1] = (sd_rule_t){.kind = SD_ID_MRSIGNER, .isv_prod_id = 7, .tcb_mask = 1};
    memset(rules[1].mr_signer, 0x51, sizeof(rules[1].mr_signer));
    rules[1].secrets[0] = 2;
    rules[1].secret_count = 1;
    rules[1].default_secret = 2;
    *c = (sd_config_t){.secrets = secrets, .secret_count = 3, .rules = rules, .rule_count = 2};
}

static void test_secret_for(void **state)
{
    sd_config_t c;
    sd_secret_t secrets[3];
    sd_rule_t rules[2];
    vt_verify_result_t both = sgx(), signer_only = sgx(), none = sgx();
    (void)state;

    two_rules(&c, secrets, rules);
    signer_only.sgx.mr_enclave[0] = 0;
    none.sgx.mr_enclave[0] = 0;
    none.sgx.isv_prod_id = 1;
    assert_ptr_equal(sd_rules_match(&c, &both), &rules[0]);
    assert_ptr_equal(sd_rules_match(&c, &signer_only), &rules[1]);
    assert_null(sd_rules_match(&c, &none));
    /* Gramine request: the first matching rule's default. */
    assert_int_equal(sd_rules_secret_for(&c, &both, NULL), 1);
    assert_int_equal(sd_rules_secret_for(&c, &signer_only, NULL), 2);
    assert_int_equal(sd_rules_secret_for(&c, &none, NULL), SIZE_MAX);
    /* Named: any matching rule that lists it. */
    assert_int_equal(sd_rules_secret_for(&c, &both, "a"), 0);
    assert_int_equal(sd_rules_secret_for(&c, &both, "c"), 2);
    assert_int_equal(sd_rules_secret_for(&c, &signer_only, "a"), SIZE_MAX);
    assert_int_equal(sd_rules_secret_for(&c, &signer_only, "c"), 2);
    assert_int_equal(sd_rules_secret_for(&c, &both, "zzz"), SIZE_MAX);
    assert_int_equal(sd_rules_secret_for(&c, &none, "a"), SIZE_MAX);
}

static void test_identity_format(void **state)
{
    char text[SD_IDENTITY_TEXT_MAX];
    vt_verify_result_t r = sgx(), t = td();
    (void)state;

    r.tcb_status = VT_TCB_OUT_OF_DATE;
    sd_identity_format(&r, text);
    assert_string_equal(text, "sgx mrenclave=e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1"
                              "e1e1e1e1e1e1e1e1 mrsigner=515151515151515151515151515151515151"
                              "5151515151515151515151515151 isvprodid=7 isvsvn=3 debug=0 "
                              "tcb=OutOfDate");
    t.is_collateral_expired = true;
    sd_identity_format(&t, text);
    char want[SD_IDENTITY_TEXT_MAX] = "tdx mrtd=";
    for (int k = 0; k < 48; k++) strcat(want, "7d");
    strcat(want, " debug=0 tcb=UpToDate collateral=expired");
    assert_string_equal(text, want);
}

static void test_base_policy(void **state)
{
    char *listed[] = {"INTEL-SA-00615"};
    char *other[] = {"INTEL-SA-00828"};
    sd_config_t c;
    sd_secret_t secrets[3];
    sd_rule_t rules[2];
    vt_policy_t *p = NULL;
    vt_verify_result_t r = sgx();
    (void)state;

    two_rules(&c, secrets, rules);
    rules[1].advisories = listed;
    rules[1].advisory_count = 1;
    vt_assert_ok(vt_policy_new(&p));
    vt_assert_ok(sd_rules_base_policy(&c, p));
    /* Every status but Revoked, and debug, pass the RA-TLS layer: the rules decide. */
    for (int s = 0; s < VT_TCB_STATUS_COUNT; s++) {
        r.tcb_status = (vt_tcb_status_t)s;
        vt_assert_rc(vt_policy_appraise(p, &r), s == VT_TCB_REVOKED ? VT_E_POLICY : 0);
    }
    r = sgx();
    r.sgx.attributes[0] |= VT_SGX_FLAG_DEBUG;
    vt_assert_ok(vt_policy_appraise(p, &r));
    /* Advisories: those some rule lists. */
    r = sgx();
    r.advisory_ids = listed;
    r.advisory_count = 1;
    vt_assert_ok(vt_policy_appraise(p, &r));
    r.advisory_ids = other;
    vt_assert_rc(vt_policy_appraise(p, &r), VT_E_POLICY);
    vt_policy_free(p);
}

/* ---- Peer certificate slimming -------------------------------------------------------- */

static X509 *slim_self_signed(EVP_PKEY *key, const char *cn)
{
    X509 *x = X509_new();
    X509_NAME *n = X509_NAME_new();
    assert_non_null(x);
    assert_non_null(n);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_subject_name(x, n);
    X509_set_issuer_name(x, n);
    X509_NAME_free(n);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    assert_int_equal(X509_set_pubkey(x, key), 1);
    assert_true(X509_sign(x, key, EVP_sha256()) > 0);
    return x;
}

static int accept_any(int ok, X509_STORE_CTX *store)
{
    (void)ok;
    (void)store;
    return 1;
}

typedef struct {
    EVP_PKEY *key;
    X509 *server_cert, *client_cert;
    uint8_t *placeholder; /* the server certificate, DER */
    int placeholder_len;
    SSL *client, *server;
} slim_world_t;

/* A mutual TLS 1.3 handshake over a BIO pair. is_private: the server context is set up
   as the RA-TLS layer sets it (no session cache, no tickets); otherwise OpenSSL's
   defaults (a server session cache, two tickets). */
static void slim_world(slim_world_t *w, bool is_private)
{
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method()), *cctx = SSL_CTX_new(TLS_client_method());
    BIO *cb = NULL, *sb = NULL;

    memset(w, 0, sizeof(*w));
    assert_non_null(sctx);
    assert_non_null(cctx);
    w->key = EVP_EC_gen("P-256");
    assert_non_null(w->key);
    w->server_cert = slim_self_signed(w->key, "server");
    w->client_cert = slim_self_signed(w->key, "client");
    w->placeholder_len = i2d_X509(w->server_cert, &w->placeholder);
    assert_true(w->placeholder_len > 0);
    assert_int_equal(SSL_CTX_set_min_proto_version(sctx, TLS1_3_VERSION), 1);
    assert_int_equal(SSL_CTX_use_certificate(sctx, w->server_cert), 1);
    assert_int_equal(SSL_CTX_use_PrivateKey(sctx, w->key), 1);
    assert_int_equal(SSL_CTX_use_certificate(cctx, w->client_cert), 1);
    assert_int_equal(SSL_CTX_use_PrivateKey(cctx, w->key), 1);
    SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, accept_any);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, accept_any);
    if (is_private) {
        SSL_CTX_set_session_cache_mode(sctx, SSL_SESS_CACHE_OFF);
        assert_int_equal(SSL_CTX_set_num_tickets(sctx, 0), 1);
    } else {
        /* A session cache needs a context to cache sessions of verified clients. */
        assert_int_equal(SSL_CTX_set_session_id_context(sctx, (const uint8_t *)"t", 1), 1);
    }
    w->client = SSL_new(cctx);
    w->server = SSL_new(sctx);
    assert_non_null(w->client);
    assert_non_null(w->server);
    assert_int_equal(BIO_new_bio_pair(&cb, 0, &sb, 0), 1);
    SSL_set_bio(w->client, cb, cb);
    SSL_set_bio(w->server, sb, sb);
    SSL_set_connect_state(w->client);
    SSL_set_accept_state(w->server);
    int rc = 0, rs = 0;
    for (int i = 0; i < 20 && (rc != 1 || rs != 1); i++) {
        rc = SSL_do_handshake(w->client);
        rs = SSL_do_handshake(w->server);
    }
    assert_int_equal(rc, 1);
    assert_int_equal(rs, 1);
    SSL_CTX_free(sctx); /* the SSLs keep their references */
    SSL_CTX_free(cctx);
}

static void slim_world_free(slim_world_t *w)
{
    SSL_free(w->client);
    SSL_free(w->server); /* frees the session's certificate: ASan checks the refcounts */
    OPENSSL_free(w->placeholder);
    X509_free(w->server_cert);
    X509_free(w->client_cert);
    EVP_PKEY_free(w->key);
}

static void test_peer_slim(void **state)
{
    slim_world_t w;
    (void)state;

    slim_world(&w, true);
    const X509 *before = SSL_get0_peer_certificate(w.server);
    assert_int_equal(X509_cmp(before, w.client_cert), 0);
    assert_true(sd_peer_slim(w.server, w.placeholder, (size_t)w.placeholder_len));
    /* The same object, now holding the placeholder. */
    assert_ptr_equal(SSL_get0_peer_certificate(w.server), before);
    assert_int_equal(X509_cmp(SSL_get0_peer_certificate(w.server), w.server_cert), 0);
    assert_int_equal(ERR_peek_error(), 0);
    slim_world_free(&w);
}

static void test_peer_slim_shared_session(void **state)
{
    slim_world_t w;
    (void)state;

    /* With a session cache and tickets the certificate object could be another
       connection's too: it is left alone. */
    slim_world(&w, false);
    assert_false(sd_peer_slim(w.server, w.placeholder, (size_t)w.placeholder_len));
    assert_int_equal(X509_cmp(SSL_get0_peer_certificate(w.server), w.client_cert), 0);
    slim_world_free(&w);
}

static void test_peer_slim_bad_placeholder(void **state)
{
    slim_world_t w;
    (void)state;

    slim_world(&w, true);
    /* Nothing to decode. */
    assert_false(sd_peer_slim(w.server, w.placeholder, 0));
    assert_int_equal(X509_cmp(SSL_get0_peer_certificate(w.server), w.client_cert), 0);
    /* Cut short: the decode fails at the outer header. */
    assert_false(sd_peer_slim(w.server, w.placeholder, (size_t)w.placeholder_len / 2));
    assert_int_equal(X509_cmp(SSL_get0_peer_certificate(w.server), w.client_cert), 0);
    assert_int_equal(ERR_peek_error(), 0);
    /* A decode that fails half-way, after the tbsCertificate was decoded into the object:
       the tag of the signatureAlgorithm that follows it is wrong. The connection keeps
       its certificate object (partly replaced) and freeing it later is still right (ASan
       and LSan check the references); no error is left behind. */
    const unsigned char *p = w.placeholder;
    long body = 0;
    int tag = 0, cls = 0;
    assert_int_equal(ASN1_get_object(&p, &body, &tag, &cls, w.placeholder_len), V_ASN1_CONSTRUCTED);
    const unsigned char *tbs = p;
    assert_int_equal(
        ASN1_get_object(&p, &body, &tag, &cls, w.placeholder_len - (p - w.placeholder)),
        V_ASN1_CONSTRUCTED);
    size_t sigalg = (size_t)(p - w.placeholder) + (size_t)body;
    assert_true(tbs < p && sigalg < (size_t)w.placeholder_len);
    assert_int_equal(w.placeholder[sigalg], 0x30);
    w.placeholder[sigalg] = 0x31;
    assert_false(sd_peer_slim(w.server, w.placeholder, (size_t)w.placeholder_len));
    assert_non_null(SSL_get0_peer_certificate(w.server));
    assert_int_equal(ERR_peek_error(), 0);
    slim_world_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seal_round_trip),
        cmocka_unit_test(test_seal_wrong_key_or_name),
        cmocka_unit_test(test_seal_every_byte_authenticated),
        cmocka_unit_test(test_seal_truncated_and_trailing),
        cmocka_unit_test(test_seal_header_fields),
        cmocka_unit_test(test_seal_key_file),
        cmocka_unit_test(test_unseal_secure_heap_full),
        cmocka_unit_test(test_rule_mrenclave),
        cmocka_unit_test(test_rule_mrsigner),
        cmocka_unit_test(test_rule_tdx),
        cmocka_unit_test(test_rule_tcb_status),
        cmocka_unit_test(test_rule_debug),
        cmocka_unit_test(test_rule_advisories),
        cmocka_unit_test(test_secret_for),
        cmocka_unit_test(test_identity_format),
        cmocka_unit_test(test_base_policy),
        cmocka_unit_test(test_peer_slim),
        cmocka_unit_test(test_peer_slim_shared_session),
        cmocka_unit_test(test_peer_slim_bad_placeholder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
