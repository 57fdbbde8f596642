/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Certificates an RA-TLS verifier must refuse, each with its exact code: evidence bound
 * to another key, legacy and TCG quotes of different identities, tampered extensions,
 * claims without pubkey-hash, critical or duplicate or missing extensions, non-EC keys,
 * SGX attributes Gramine refuses, debug enclaves and TDs, identity pins, TCB statuses,
 * a revoked platform, expired collateral; plus what is accepted: legacy-only
 * certificates under either OID encoding, SHA-384 pubkey hashes, CMW records.
 */
#include "test_util.h"

#include <openssl/err.h>
#include <openssl/rsa.h>
#include <string.h>

#include "common/ossl.h"
#include "ratls/ratls_internal.h"
#include "ratls_fixture.h"

static vt_ratls_fixture_t fx;

static int setup(void **state)
{
    (void)state;
    vt_ratls_fixture_init(&fx, VT_TCB_UP_TO_DATE, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vt_ratls_fixture_cleanup(&fx);
    return 0;
}

/* Verifies der with policy p (NULL: a fresh default policy) on fixture f at time at. */
static int verify_at(const vt_ratls_fixture_t *f, vt_policy_t *p, const uint8_t *der, size_t len,
                     vt_time_t at, vt_ratls_result_t *out)
{
    vt_ratls_verifier_t *rv = NULL;
    vt_policy_t *own = NULL;
    vt_ratls_result_t r;
    if (!p) {
        vt_assert_ok(vt_policy_new(&own));
        p = own;
    }
    vt_assert_ok(vt_ratls_verifier_new(f->verifier, p, &rv));
    int rc = vt_ratls_verify_der(rv, der, len, at, &r);
    /* Accepted or not, nothing is left in the thread's OpenSSL error queue. */
    unsigned long e = ERR_peek_error();
    if (e != 0) print_error("OpenSSL error left in the queue: %s\n", ERR_error_string(e, NULL));
    assert_int_equal(e, 0);
    vt_ratls_verifier_free(rv);
    vt_policy_free(own);
    if (out)
        *out = r;
    else
        vt_ratls_result_cleanup(&r);
    return rc;
}

static int verify(vt_policy_t *p, const uint8_t *der, size_t len)
{
    return verify_at(&fx, p, der, len, VT_TIME_NOW, NULL);
}

static void expect_detail(const char *part)
{
    if (!strstr(vt_last_error(), part)) {
        print_error("detail \"%s\" does not name \"%s\"\n", vt_last_error(), part);
        fail();
    }
}

/* A real certificate and its key. */
static void real_cert(vt_ratls_source_t *src, const vt_ratls_create_options_t *o, EVP_PKEY **key,
                      X509 **cert)
{
    vt_assert_ok(vt_ratls_create_with(vt_ratls_source_evidence, src, o, key, cert));
}

static void identity_cert(void (*edit)(vt_ratls_source_t *), vt_tee_t tee, uint8_t **der,
                          size_t *len)
{
    vt_ratls_source_t src;
    vt_ratls_source_init(&src, &fx, tee, 0);
    if (edit) edit(&src);
    vt_ratls_fixture_make_cert(&src, NULL, der, len);
    vt_ratls_source_cleanup(&src);
}

/* ---- Key binding ------------------------------------------------------------------- */

/* The extensions of one certificate in a certificate of another key. */
static void swapped_extensions(void **state)
{
    (void)state;
    vt_ratls_source_t src;
    EVP_PKEY *k1, *k2;
    X509 *c1, *c2;
    vt_ratls_source_init(&src, &fx, VT_TEE_SGX, 0);
    real_cert(&src, NULL, &k1, &c1);
    real_cert(&src, NULL, &k2, &c2);
    size_t tcg_len, legacy_len;
    const uint8_t *tcg = vt_ratls_fixture_ext_value(c1, VT_RATLS_TCG_EVIDENCE_OID, &tcg_len);
    const uint8_t *legacy = vt_ratls_fixture_ext_value(c1, VT_RATLS_LEGACY_QUOTE_OID, &legacy_len);
    size_t own_legacy_len;
    const uint8_t *own_legacy =
        vt_ratls_fixture_ext_value(c2, VT_RATLS_LEGACY_QUOTE_OID, &own_legacy_len);
    uint8_t *der;
    size_t len;

    /* TCG evidence of key 1 under key 2. */
    vt_ratls_fixture_ext_t only_tcg = {VT_RATLS_TCG_EVIDENCE_OID, tcg, tcg_len, false};
    vt_ratls_fixture_build_cert(k2, &only_tcg, 1, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_REPORT_DATA);
    expect_detail("pubkey-hash does not match");
    free(der);
    /* Legacy quote of key 1 under key 2. */
    vt_ratls_fixture_ext_t only_legacy = {VT_RATLS_LEGACY_QUOTE_OID, legacy, legacy_len, false};
    vt_ratls_fixture_build_cert(k2, &only_legacy, 1, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_REPORT_DATA);
    expect_detail("legacy quote");
    free(der);
    /* Key 2's own legacy quote next to key 1's TCG evidence. */
    vt_ratls_fixture_ext_t mixed[2] = {{VT_RATLS_LEGACY_QUOTE_OID, own_legacy, own_legacy_len},
                                       {VT_RATLS_TCG_EVIDENCE_OID, tcg, tcg_len}};
    vt_ratls_fixture_build_cert(k2, mixed, 2, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_REPORT_DATA);
    free(der);
    /* Key 1's legacy quote next to key 2's TCG evidence... rebuilt under key 2. */
    size_t tcg2_len;
    const uint8_t *tcg2 = vt_ratls_fixture_ext_value(c2, VT_RATLS_TCG_EVIDENCE_OID, &tcg2_len);
    vt_ratls_fixture_ext_t mixed2[2] = {{VT_RATLS_LEGACY_QUOTE_OID, legacy, legacy_len},
                                        {VT_RATLS_TCG_EVIDENCE_OID, tcg2, tcg2_len}};
    vt_ratls_fixture_build_cert(k2, mixed2, 2, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_REPORT_DATA);
    free(der);
    /* And the genuine pair, rebuilt by the fixture, verifies (the builder is sound). */
    vt_ratls_fixture_ext_t genuine[2] = {{VT_RATLS_LEGACY_QUOTE_OID, own_legacy, own_legacy_len},
                                         {VT_RATLS_TCG_EVIDENCE_OID, tcg2, tcg2_len}};
    vt_ratls_fixture_build_cert(k2, genuine, 2, &der, &len);
    vt_assert_ok(verify(NULL, der, len));
    free(der);
    X509_free(c1);
    X509_free(c2);
    EVP_PKEY_free(k1);
    EVP_PKEY_free(k2);
    vt_ratls_source_cleanup(&src);
}

/* One byte of the quote inside the evidence changed (Gramine's malicious-quote test). */
static void tampered_quote(void **state)
{
    (void)state;
    vt_ratls_source_t src;
    EVP_PKEY *k;
    X509 *c;
    vt_ratls_source_init(&src, &fx, VT_TEE_SGX, 0);
    real_cert(&src, NULL, &k, &c);
    size_t tcg_len, legacy_len;
    const uint8_t *tcg = vt_ratls_fixture_ext_value(c, VT_RATLS_TCG_EVIDENCE_OID, &tcg_len);
    const uint8_t *legacy = vt_ratls_fixture_ext_value(c, VT_RATLS_LEGACY_QUOTE_OID, &legacy_len);
    uint8_t *t = malloc(tcg_len), *l = malloc(legacy_len), *der;
    size_t len;
    /* MRENCLAVE of the TCG quote (7 bytes of CBOR heads, then the quote). */
    memcpy(t, tcg, tcg_len);
    t[7 + 112] ^= 1;
    vt_ratls_fixture_ext_t e1 = {VT_RATLS_TCG_EVIDENCE_OID, t, tcg_len};
    vt_ratls_fixture_build_cert(k, &e1, 1, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_SIGNATURE);
    expect_detail("tcg evidence quote");
    free(der);
    /* ISVSVN of the legacy quote. */
    memcpy(l, legacy, legacy_len);
    l[306] ^= 1;
    vt_ratls_fixture_ext_t e2 = {VT_RATLS_LEGACY_QUOTE_OID, l, legacy_len};
    vt_ratls_fixture_build_cert(k, &e2, 1, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_SIGNATURE);
    free(der);
    free(t);
    free(l);
    X509_free(c);
    EVP_PKEY_free(k);
    vt_ratls_source_cleanup(&src);
}

static void quotes_disagree(void **state)
{
    (void)state;
    vt_ratls_source_t src;
    uint8_t *der;
    size_t len;
    vt_ratls_source_init(&src, &fx, VT_TEE_SGX, 0);
    src.has_override = true;
    src.override_call = 0; /* the legacy quote */
    src.override_sgx.isv_svn = 4;
    vt_ratls_fixture_make_cert(&src, NULL, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_REPORT_DATA);
    expect_detail("disagree");
    free(der);
    /* The same for TDs: another RTMR3 in the legacy quote. */
    vt_ratls_source_t td;
    vt_ratls_source_init(&td, &fx, VT_TEE_TDX, 0);
    td.has_override = true;
    td.override_call = 0;
    td.override_td.rtmr[3][0] = 1;
    vt_ratls_fixture_make_cert(&td, NULL, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_REPORT_DATA);
    free(der);
    /* An SGX legacy quote next to TD evidence. */
    vt_ratls_source_t mix;
    vt_ratls_source_init(&mix, &fx, VT_TEE_SGX, 0);
    EVP_PKEY *k;
    X509 *c;
    vt_ratls_create_options_t only_tcg = {.omit_legacy = true};
    real_cert(&td, &only_tcg, &k, &c);
    uint8_t spki[VT_RATLS_SPKI_MAX], rd[VT_REPORT_DATA_LEN], *q;
    size_t spki_len, q_len, tcg_len;
    vt_assert_ok(vt_ratls_spki_get(k, spki, &spki_len));
    vt_ratls_report_data_legacy(spki, spki_len, rd);
    vt_assert_ok(vt_ratls_source_evidence(&mix, rd, &q, &q_len));
    const uint8_t *tcg = vt_ratls_fixture_ext_value(c, VT_RATLS_TCG_EVIDENCE_OID, &tcg_len);
    vt_ratls_fixture_ext_t both[2] = {{VT_RATLS_LEGACY_QUOTE_OID, q, q_len},
                                      {VT_RATLS_TCG_EVIDENCE_OID, tcg, tcg_len}};
    vt_ratls_fixture_build_cert(k, both, 2, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_REPORT_DATA);
    free(der);
    free(q);
    X509_free(c);
    EVP_PKEY_free(k);
    vt_ratls_source_cleanup(&mix);
    vt_ratls_source_cleanup(&td);
    vt_ratls_source_cleanup(&src);
}

/* ---- Claims ---------------------------------------------------------------------- */

/*
 * An evidence source that re-frames the fixture's quotes as v5 (SGX or TD 1.5 body; the
 * signature no longer matches, which only matters after the identity comparison) and
 * sets the last byte of ISVFAMILYID or RTMR3 in the legacy quote (call 0) if asked.
 */
typedef struct {
    vt_ratls_source_t src;
    bool is_legacy_changed;
} v5_source_t;

static int v5_evidence(void *ctx, const uint8_t rd[VT_REPORT_DATA_LEN], uint8_t **out, size_t *len)
{
    v5_source_t *v5 = ctx;
    bool is_legacy = v5->src.calls == 0;
    uint8_t *v4 = NULL;
    size_t v4_len = 0;
    vt_quote_t q;
    vt_assert_ok(vt_ratls_source_evidence(&v5->src, rd, &v4, &v4_len));
    vt_assert_ok(vt_quote_parse(v4, v4_len, &q));
    q.header.version = 5;
    q.body_type = q.tee == VT_TEE_TDX ? VT_BODY_TD15 : VT_BODY_SGX;
    if (is_legacy && v5->is_legacy_changed) {
        if (q.tee == VT_TEE_TDX)
            q.td.rtmr[3][VT_TDX_MEASUREMENT_LEN - 1] ^= 1;
        else
            q.sgx.isv_family_id[15] ^= 1;
    }
    int rc = vt_quote_serialize(&q, out, len);
    free(v4);
    return rc;
}

/* v5 quotes: the comparison finds the body after the 6-byte body type and size. */
static void quotes_disagree_v5(void **state)
{
    (void)state;
    const vt_tee_t tees[] = {VT_TEE_SGX, VT_TEE_TDX};
    for (size_t i = 0; i < 2; i++) {
        for (int changed = 0; changed <= 1; changed++) {
            v5_source_t v5 = {.is_legacy_changed = changed};
            EVP_PKEY *k;
            X509 *c;
            uint8_t *der;
            size_t len;
            vt_ratls_source_init(&v5.src, &fx, tees[i], 0);
            vt_assert_ok(vt_ratls_create_with(v5_evidence, &v5, NULL, &k, &c));
            vt_ratls_fixture_cert_der(c, &der, &len);
            int rc = verify(NULL, der, len);
            if (changed) {
                vt_assert_rc(rc, VT_E_REPORT_DATA);
                expect_detail("disagree");
            } else {
                /* Same identity: it gets as far as the (re-framed, unsigned) quote. */
                assert_int_not_equal(rc, VT_E_REPORT_DATA);
                assert_int_not_equal(rc, 0);
            }
            free(der);
            X509_free(c);
            EVP_PKEY_free(k);
            vt_ratls_source_cleanup(&v5.src);
        }
    }
}

static void claims_cases(void **state)
{
    (void)state;
    vt_ratls_source_t src;
    vt_ratls_source_init(&src, &fx, VT_TEE_SGX, 0);
    EVP_PKEY *k = EVP_EC_gen("P-384");
    uint8_t spki[VT_RATLS_SPKI_MAX], h[64], *der;
    size_t spki_len, len;
    vt_assert_ok(vt_ratls_spki_get(k, spki, &spki_len));

    /* {"nonce": h'00..'}: well formed, bound by the quote, but not bound to a key. */
    uint8_t nonce_only[] = {0xa1, 0x65, 'n', 'o', 'n', 'c', 'e', 0x44, 0, 0, 0, 0};
    vt_ratls_fixture_cert_with_claims(&src, k, nonce_only, sizeof(nonce_only), &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_REPORT_DATA);
    expect_detail("no pubkey-hash");
    free(der);

    /* SHA-384 and SHA-512 pubkey hashes are accepted (alg 7, 8). */
    for (int i = 0; i < 2; i++) {
        uint8_t claims[128];
        size_t n = 0, hl = i ? 64 : 48;
        unsigned int out_len;
        EVP_Digest(spki, spki_len, h, &out_len, i ? EVP_sha512() : EVP_sha384(), NULL);
        memcpy(claims, "\xa1\x6bpubkey-hash", 13);
        n = 13;
        claims[n++] = 0x58;
        claims[n++] = (uint8_t)(4 + hl);
        claims[n++] = 0x82;
        claims[n++] = i ? 0x08 : 0x07;
        claims[n++] = 0x58;
        claims[n++] = (uint8_t)hl;
        memcpy(claims + n, h, hl);
        n += hl;
        vt_ratls_fixture_cert_with_claims(&src, k, claims, n, &der, &len);
        vt_assert_ok(verify(NULL, der, len));
        free(der);
        claims[n - 1] ^= 1; /* a wrong hash */
        vt_ratls_fixture_cert_with_claims(&src, k, claims, n, &der, &len);
        vt_assert_rc(verify(NULL, der, len), VT_E_REPORT_DATA);
        free(der);
    }

    /* Claims changed after quoting: the quote no longer binds them. */
    uint8_t *claims;
    size_t claims_len;
    vt_sha256(spki, spki_len, h);
    vt_assert_ok(vt_ratls_claims_serialize(h, &claims, &claims_len));
    uint8_t rd[VT_REPORT_DATA_LEN], *q, *ev;
    size_t q_len, ev_len;
    vt_ratls_report_data_evidence(claims, claims_len, rd);
    rd[0] ^= 1;
    vt_assert_ok(vt_ratls_source_evidence(&src, rd, &q, &q_len));
    vt_assert_ok(vt_ratls_evidence_serialize(q, q_len, claims, claims_len, &ev, &ev_len));
    vt_ratls_fixture_ext_t e = {VT_RATLS_TCG_EVIDENCE_OID, ev, ev_len};
    vt_ratls_fixture_build_cert(k, &e, 1, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_REPORT_DATA);
    expect_detail("hash of the claims");
    free(der);

    /* Structural damage reaches the verifier's caller with the decoder's code. */
    ev[2] = 0x61; /* tag 60001 */
    vt_ratls_fixture_build_cert(k, &e, 1, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_MALFORMED);
    free(der);
    ev[2] = 0x60;
    ev[0] = 0xda; /* tag head with a 4-byte argument: the rest no longer parses as one item */
    vt_ratls_fixture_build_cert(k, &e, 1, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_TRAILING_DATA);
    free(der);
    ev[0] = 0xd9;
    uint8_t *longer = malloc(ev_len + 1);
    memcpy(longer, ev, ev_len);
    longer[ev_len] = 0;
    vt_ratls_fixture_ext_t trailing = {VT_RATLS_TCG_EVIDENCE_OID, longer, ev_len + 1};
    vt_ratls_fixture_build_cert(k, &trailing, 1, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_TRAILING_DATA);
    free(der);
    ev[4] = 0x9f; /* indefinite array, never closed */
    vt_ratls_fixture_build_cert(k, &e, 1, &der, &len);
    int rc = verify(NULL, der, len);
    assert_true(rc == VT_E_MALFORMED || rc == VT_E_TRUNCATED);
    free(der);
    free(longer);
    free(ev);
    free(q);
    free(claims);
    EVP_PKEY_free(k);
    vt_ratls_source_cleanup(&src);
}

/* ---- Extensions and keys ------------------------------------------------------------ */

static void extension_rules(void **state)
{
    (void)state;
    vt_ratls_source_t src;
    EVP_PKEY *k;
    X509 *c;
    uint8_t *der;
    size_t len, tcg_len, legacy_len;
    vt_ratls_source_init(&src, &fx, VT_TEE_SGX, 0);
    real_cert(&src, NULL, &k, &c);
    const uint8_t *tcg = vt_ratls_fixture_ext_value(c, VT_RATLS_TCG_EVIDENCE_OID, &tcg_len);
    const uint8_t *legacy = vt_ratls_fixture_ext_value(c, VT_RATLS_LEGACY_QUOTE_OID, &legacy_len);
    vt_ratls_result_t r;

    /* No evidence at all. */
    vt_ratls_fixture_build_cert(k, NULL, 0, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_NOT_FOUND);
    free(der);
    /* Critical. */
    vt_ratls_fixture_ext_t crit = {VT_RATLS_TCG_EVIDENCE_OID, tcg, tcg_len, true};
    vt_ratls_fixture_build_cert(k, &crit, 1, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_MALFORMED);
    expect_detail("critical");
    free(der);
    /* Twice. */
    vt_ratls_fixture_ext_t twice[2] = {{VT_RATLS_TCG_EVIDENCE_OID, tcg, tcg_len},
                                       {VT_RATLS_TCG_EVIDENCE_OID, tcg, tcg_len}};
    vt_ratls_fixture_build_cert(k, twice, 2, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_MALFORMED);
    free(der);
    /* Too short for Gramine's bounds. */
    vt_ratls_fixture_ext_t small = {VT_RATLS_TCG_EVIDENCE_OID, tcg, VT_RATLS_EXT_MIN - 1};
    vt_ratls_fixture_build_cert(k, &small, 1, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_MALFORMED);
    free(der);
    /* Too long: the legacy quote zero-padded (which the quote parser accepts) to
       VT_RATLS_EXT_MAX bytes passes, one byte more is refused by the extension bound. */
    uint8_t *padded = calloc(1, VT_RATLS_EXT_MAX + 1);
    assert_non_null(padded);
    memcpy(padded, legacy, legacy_len);
    vt_ratls_fixture_ext_t at_max = {VT_RATLS_LEGACY_QUOTE_OID, padded, VT_RATLS_EXT_MAX};
    vt_ratls_fixture_build_cert(k, &at_max, 1, &der, &len);
    vt_assert_ok(verify(NULL, der, len));
    free(der);
    vt_ratls_fixture_ext_t over = {VT_RATLS_LEGACY_QUOTE_OID, padded, VT_RATLS_EXT_MAX + 1};
    vt_ratls_fixture_build_cert(k, &over, 1, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_MALFORMED);
    expect_detail("extension value of 8193 bytes");
    free(der);
    free(padded);
    /* Legacy only, under Gramine's OID encoding and under the correct one. */
    vt_ratls_fixture_ext_t leg = {VT_RATLS_LEGACY_QUOTE_OID, legacy, legacy_len};
    vt_ratls_fixture_build_cert(k, &leg, 1, &der, &len);
    vt_assert_ok(verify_at(&fx, NULL, der, len, VT_TIME_NOW, &r));
    assert_int_equal(r.source, VT_RATLS_EXT_LEGACY);
    vt_ratls_result_cleanup(&r);
    free(der);
    vt_ratls_fixture_ext_t fixed = {"1.2.840.113741.1337.6", legacy, legacy_len};
    vt_ratls_fixture_build_cert(k, &fixed, 1, &der, &len);
    vt_assert_ok(verify_at(&fx, NULL, der, len, VT_TIME_NOW, &r));
    assert_int_equal(r.source, VT_RATLS_EXT_LEGACY);
    vt_ratls_result_cleanup(&r);
    free(der);
    /* Both legacy encodings at once. */
    vt_ratls_fixture_ext_t both[2] = {leg, fixed};
    vt_ratls_fixture_build_cert(k, both, 2, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_MALFORMED);
    free(der);
    /* Not a certificate; trailing bytes after one. */
    vt_ratls_fixture_cert_der(c, &der, &len);
    vt_assert_rc(verify(NULL, der, len - 1), VT_E_MALFORMED);
    uint8_t *longer = malloc(len + 1);
    memcpy(longer, der, len);
    longer[len] = 0;
    vt_assert_rc(verify(NULL, longer, len + 1), VT_E_TRAILING_DATA);
    free(longer);
    free(der);
    X509_free(c);
    EVP_PKEY_free(k);
    vt_ratls_source_cleanup(&src);
}

static void key_types(void **state)
{
    (void)state;
    vt_ratls_source_t src;
    EVP_PKEY *k;
    X509 *c;
    uint8_t *der;
    size_t len, tcg_len, legacy_len;
    vt_ratls_source_init(&src, &fx, VT_TEE_SGX, 0);
    real_cert(&src, NULL, &k, &c);
    const uint8_t *tcg = vt_ratls_fixture_ext_value(c, VT_RATLS_TCG_EVIDENCE_OID, &tcg_len);
    const uint8_t *legacy = vt_ratls_fixture_ext_value(c, VT_RATLS_LEGACY_QUOTE_OID, &legacy_len);
    vt_ratls_fixture_ext_t exts[2] = {{VT_RATLS_LEGACY_QUOTE_OID, legacy, legacy_len},
                                      {VT_RATLS_TCG_EVIDENCE_OID, tcg, tcg_len}};
    EVP_PKEY *rsa = EVP_RSA_gen(2048);
    EVP_PKEY *p521 = EVP_EC_gen("P-521");
    EVP_PKEY *keys[2] = {rsa, p521};
    for (int i = 0; i < 2; i++) {
        assert_non_null(keys[i]);
        vt_ratls_fixture_build_cert(keys[i], exts, 2, &der, &len);
        vt_assert_rc(verify(NULL, der, len), VT_E_UNSUPPORTED);
        free(der);
    }
    vt_assert_rc(verify(NULL, (const uint8_t *)"", 0), VT_E_TRUNCATED);
    EVP_PKEY_free(rsa);
    EVP_PKEY_free(p521);
    X509_free(c);
    EVP_PKEY_free(k);
    vt_ratls_source_cleanup(&src);
}

/* ---- CMW -------------------------------------------------------------------------- */

/* DER OCTET STRING { [type, bstr value (, ind)] } */
static size_t cmw_value(uint8_t *out, const uint8_t *v, size_t n, int ind)
{
    uint8_t rec[9000];
    size_t r = 0;
    rec[r++] = ind >= 0 ? 0x83 : 0x82;
    rec[r++] = 0x19; /* Content-Format 10000 (a placeholder number) */
    rec[r++] = 0x27;
    rec[r++] = 0x10;
    rec[r++] = 0x59;
    rec[r++] = (uint8_t)(n >> 8);
    rec[r++] = (uint8_t)n;
    memcpy(rec + r, v, n);
    r += n;
    if (ind >= 0) rec[r++] = (uint8_t)ind;
    size_t o = 0;
    out[o++] = 0x04;
    out[o++] = 0x82;
    out[o++] = (uint8_t)(r >> 8);
    out[o++] = (uint8_t)r;
    memcpy(out + o, rec, r);
    return o + r;
}

static void cmw(void **state)
{
    (void)state;
    vt_ratls_source_t src;
    EVP_PKEY *k;
    X509 *c;
    uint8_t *der, val[9100];
    size_t len, tcg_len, legacy_len, n;
    vt_ratls_result_t r;
    vt_ratls_source_init(&src, &fx, VT_TEE_SGX, 0);
    real_cert(&src, NULL, &k, &c);
    const uint8_t *tcg = vt_ratls_fixture_ext_value(c, VT_RATLS_TCG_EVIDENCE_OID, &tcg_len);
    const uint8_t *legacy = vt_ratls_fixture_ext_value(c, VT_RATLS_LEGACY_QUOTE_OID, &legacy_len);

    /* A record holding the tagged evidence. */
    n = cmw_value(val, tcg, tcg_len, -1);
    vt_ratls_fixture_ext_t e = {VT_RATLS_CMW_OID, val, n};
    vt_ratls_fixture_build_cert(k, &e, 1, &der, &len);
    vt_assert_ok(verify_at(&fx, NULL, der, len, VT_TIME_NOW, &r));
    assert_int_equal(r.source, VT_RATLS_EXT_CMW);
    vt_ratls_result_cleanup(&r);
    free(der);
    /* A record holding a raw quote bound to the key, with ind = evidence. */
    n = cmw_value(val, legacy, legacy_len, 4);
    e.len = n;
    vt_ratls_fixture_build_cert(k, &e, 1, &der, &len);
    vt_assert_ok(verify_at(&fx, NULL, der, len, VT_TIME_NOW, &r));
    assert_int_equal(r.source, VT_RATLS_EXT_CMW);
    vt_ratls_result_cleanup(&r);
    free(der);
    /* With the legacy extension too: both verified. */
    vt_ratls_fixture_ext_t pair[2] = {{VT_RATLS_LEGACY_QUOTE_OID, legacy, legacy_len}, e};
    vt_ratls_fixture_build_cert(k, pair, 2, &der, &len);
    vt_assert_ok(verify(NULL, der, len));
    free(der);
    /* ind without the evidence bit. */
    n = cmw_value(val, legacy, legacy_len, 8);
    e.len = n;
    vt_ratls_fixture_build_cert(k, &e, 1, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_UNSUPPORTED);
    free(der);
    /* The JSON alternative. */
    uint8_t json[200] = {0x0c, 0x81, 150};
    memset(json + 3, '[', 150);
    vt_ratls_fixture_ext_t j = {VT_RATLS_CMW_OID, json, 153};
    vt_ratls_fixture_build_cert(k, &j, 1, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_UNSUPPORTED);
    free(der);
    /* Not an OCTET STRING, or trailing DER. */
    n = cmw_value(val, legacy, legacy_len, -1);
    val[0] = 0x03;
    e.len = n;
    vt_ratls_fixture_build_cert(k, &e, 1, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_MALFORMED);
    free(der);
    val[0] = 0x04;
    val[n] = 0;
    e.len = n + 1;
    vt_ratls_fixture_build_cert(k, &e, 1, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_TRAILING_DATA);
    free(der);
    /* TCG and CMW at once are ambiguous. */
    e.len = n;
    vt_ratls_fixture_ext_t amb[2] = {{VT_RATLS_TCG_EVIDENCE_OID, tcg, tcg_len}, e};
    vt_ratls_fixture_build_cert(k, amb, 2, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_MALFORMED);
    free(der);
    /* A raw quote of another key. */
    EVP_PKEY *other = EVP_EC_gen("P-384");
    vt_ratls_fixture_build_cert(other, &e, 1, &der, &len);
    vt_assert_rc(verify(NULL, der, len), VT_E_REPORT_DATA);
    free(der);
    EVP_PKEY_free(other);
    X509_free(c);
    EVP_PKEY_free(k);
    vt_ratls_source_cleanup(&src);
}

/* ---- Attributes, identity, policy ------------------------------------------------------ */

static void set_debug(vt_ratls_source_t *s)
{
    s->sgx.attributes[0] |= 0x02;
}
static void clear_init(vt_ratls_source_t *s)
{
    s->sgx.attributes[0] &= (uint8_t)~0x01;
}
static void clear_mode64(vt_ratls_source_t *s)
{
    s->sgx.attributes[0] &= (uint8_t)~0x04;
}
static void set_provision(vt_ratls_source_t *s)
{
    s->sgx.attributes[0] |= 0x10;
}
static void set_license(vt_ratls_source_t *s)
{
    s->sgx.attributes[0] |= 0x20;
}
static void set_td_debug(vt_ratls_source_t *s)
{
    s->td.td_attributes[0] |= 0x01;
}

static void attributes(void **state)
{
    (void)state;
    uint8_t *der;
    size_t len;
    vt_policy_t *p;
    vt_assert_ok(vt_policy_new(&p));

    identity_cert(set_debug, VT_TEE_SGX, &der, &len);
    vt_assert_rc(verify(p, der, len), VT_E_POLICY);
    expect_detail("debug enclave");
    vt_policy_set_allow_debug(p, true);
    vt_assert_ok(verify(p, der, len));
    free(der);

    struct {
        void (*edit)(vt_ratls_source_t *);
        const char *detail;
    } bad[] = {{clear_init, "INIT"},
               {clear_mode64, "MODE64BIT"},
               {set_provision, "PROVISION_KEY"},
               {set_license, "EINITTOKEN_KEY"}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        identity_cert(bad[i].edit, VT_TEE_SGX, &der, &len);
        vt_assert_rc(verify(p, der, len), VT_E_POLICY); /* even with debug allowed */
        expect_detail(bad[i].detail);
        free(der);
    }
    vt_policy_free(p);

    /* TDs: no SGX attribute check; TD debug decided by the policy. */
    vt_assert_ok(vt_policy_new(&p));
    identity_cert(set_td_debug, VT_TEE_TDX, &der, &len);
    vt_assert_rc(verify(p, der, len), VT_E_POLICY);
    expect_detail("debug td");
    vt_policy_set_allow_debug(p, true);
    vt_assert_ok(verify(p, der, len));
    free(der);
    vt_policy_free(p);
}

static void identity_pins(void **state)
{
    (void)state;
    uint8_t *der, other[32];
    size_t len;
    vt_sgx_report_body_t id;
    vt_ratls_fixture_sgx_identity(&id);
    identity_cert(NULL, VT_TEE_SGX, &der, &len);
    memset(other, 0x99, sizeof(other));
    struct {
        int what;
        const char *detail;
    } cases[] = {{0, "mrenclave"}, {1, "mrsigner"}, {2, "isvprodid"}, {3, "isvsvn"}};
    for (size_t i = 0; i < 4; i++) {
        vt_policy_t *p;
        vt_assert_ok(vt_policy_new(&p));
        vt_policy_set_mrenclave(p, cases[i].what == 0 ? other : id.mr_enclave);
        vt_policy_set_mrsigner(p, cases[i].what == 1 ? other : id.mr_signer);
        vt_policy_set_isv_prod_id(p, cases[i].what == 2 ? 8 : 7);
        vt_policy_set_min_isv_svn(p, cases[i].what == 3 ? 4 : 3);
        vt_assert_rc(verify(p, der, len), VT_E_POLICY);
        expect_detail(cases[i].detail);
        vt_policy_free(p);
    }
    free(der);
    /* A TD against an SGX pin and a wrong MRTD. */
    vt_policy_t *p;
    vt_assert_ok(vt_policy_new(&p));
    identity_cert(NULL, VT_TEE_TDX, &der, &len);
    uint8_t mrtd[48] = {0};
    vt_assert_ok(vt_policy_set_tdx_measurement(p, VT_TDX_MRTD, mrtd));
    vt_assert_rc(verify(p, der, len), VT_E_POLICY);
    expect_detail("mrtd");
    vt_policy_free(p);
    free(der);
}

static void tcb_statuses(void **state)
{
    (void)state;
    vt_ratls_fixture_t out_of_date, revoked;
    vt_ratls_fixture_init(&out_of_date, VT_TCB_OUT_OF_DATE, 1);
    vt_ratls_fixture_init(&revoked, VT_TCB_REVOKED, 1);
    for (int t = 0; t < 2; t++) {
        vt_tee_t tee = t ? VT_TEE_TDX : VT_TEE_SGX;
        vt_ratls_source_t src;
        uint8_t *der;
        size_t len;
        vt_ratls_result_t r;
        vt_policy_t *p;
        vt_assert_ok(vt_policy_new(&p));

        vt_ratls_source_init(&src, &out_of_date, tee, 0);
        vt_ratls_fixture_make_cert(&src, NULL, &der, &len);
        vt_assert_rc(verify_at(&out_of_date, p, der, len, VT_TIME_NOW, &r), VT_E_POLICY);
        expect_detail("OutOfDate");
        assert_int_equal(r.quote.tcb_status, VT_TCB_OUT_OF_DATE); /* filled as far as it got */
        assert_true(r.quote.is_verified);
        vt_ratls_result_cleanup(&r);
        /* Accept the status and the advisories the simulated level carries. */
        vt_assert_ok(vt_policy_accept_tcb_status(p, VT_TCB_OUT_OF_DATE));
        if (verify_at(&out_of_date, p, der, len, VT_TIME_NOW, &r) == VT_E_POLICY)
            expect_detail("advisory");
        for (size_t i = 0; i < r.quote.advisory_count; i++)
            vt_assert_ok(vt_policy_accept_advisory(p, r.quote.advisory_ids[i]));
        vt_ratls_result_cleanup(&r);
        vt_assert_ok(verify_at(&out_of_date, p, der, len, VT_TIME_NOW, NULL));
        free(der);
        vt_ratls_source_cleanup(&src);

        vt_ratls_source_init(&src, &revoked, tee, 0);
        vt_ratls_fixture_make_cert(&src, NULL, &der, &len);
        vt_assert_rc(verify_at(&revoked, p, der, len, VT_TIME_NOW, &r), VT_E_REVOKED);
        assert_false(r.quote.is_verified);
        vt_ratls_result_cleanup(&r);
        free(der);
        vt_ratls_source_cleanup(&src);
        vt_policy_free(p);
    }
    vt_ratls_fixture_cleanup(&revoked);
    vt_ratls_fixture_cleanup(&out_of_date);
}

/* Past the collateral's earliest expiration: acceptable only if OutOfDate is. */
static void expired_collateral(void **state)
{
    (void)state;
    vt_ratls_source_t src;
    uint8_t *der;
    size_t len;
    vt_ratls_result_t r;
    vt_policy_t *p;
    vt_assert_ok(vt_policy_new(&p));
    vt_ratls_source_init(&src, &fx, VT_TEE_SGX, 0);
    vt_ratls_fixture_make_cert(&src, NULL, &der, &len);
    vt_assert_ok(verify_at(&fx, p, der, len, VT_TIME_NOW, &r));
    assert_false(r.quote.is_collateral_expired);
    vt_time_t exp = r.quote.earliest_expiration_date;
    vt_ratls_result_cleanup(&r);

    vt_assert_ok(verify_at(&fx, p, der, len, exp - 1, NULL));
    vt_assert_rc(verify_at(&fx, p, der, len, exp, &r), VT_E_POLICY);
    expect_detail("collateral expired");
    assert_true(r.quote.is_collateral_expired);
    assert_int_equal(r.quote.tcb_status, VT_TCB_UP_TO_DATE);
    vt_ratls_result_cleanup(&r);
    vt_assert_ok(vt_policy_accept_tcb_status(p, VT_TCB_OUT_OF_DATE));
    vt_assert_ok(verify_at(&fx, p, der, len, exp, &r));
    assert_true(r.quote.is_collateral_expired);
    vt_ratls_result_cleanup(&r);
    free(der);
    vt_ratls_source_cleanup(&src);
    vt_policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(swapped_extensions), cmocka_unit_test(tampered_quote),
        cmocka_unit_test(quotes_disagree),    cmocka_unit_test(quotes_disagree_v5),
        cmocka_unit_test(claims_cases),       cmocka_unit_test(extension_rules),
        cmocka_unit_test(key_types),          cmocka_unit_test(cmw),
        cmocka_unit_test(attributes),         cmocka_unit_test(identity_pins),
        cmocka_unit_test(tcb_statuses),       cmocka_unit_test(expired_collateral),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
