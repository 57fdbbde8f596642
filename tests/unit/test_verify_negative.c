/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Negative tests of the verifier on the real vectors (docs/style.md §8, dcap.md §6):
 * one flipped byte in each signed region, every truncation, mismatched collateral and expired
 * collateral, each with its exact error code.
 */
#include "test_util.h"

#include <string.h>
#include <veritee/verify.h>

typedef struct {
    uint8_t *quote;
    size_t quote_len;
    vt_collateral_t collateral;
    vt_test_expected_t want;
    vt_quote_t q; /* parsed view of quote */
} vector_t;

static void vector_load(const char *name, vector_t *v)
{
    memset(v, 0, sizeof(*v));
    vt_test_read_vector(name, "quote.bin", &v->quote, &v->quote_len);
    vt_assert_ok(vt_collateral_load_dir(vt_test_vector_path(name, ""), &v->collateral));
    vt_test_read_expected(name, &v->want);
    vt_assert_ok(vt_quote_parse_ex(v->quote, v->quote_len, VT_QUOTE_PARSE_ANY_TRAILING, &v->q));
}

static void vector_free(vector_t *v)
{
    free(v->quote);
    vt_collateral_cleanup(&v->collateral);
}

static int verify(vt_verifier_t *ver, const uint8_t *quote, size_t len, const vt_collateral_t *c,
                  vt_time_t at, vt_verify_result_t *r)
{
    return vt_verifier_verify_with_collateral(ver, quote, len, c, at, r);
}

/* Flips one bit at off of a copy of the quote and expects want. */
static void expect_flip(vt_verifier_t *ver, const vector_t *v, size_t off, int want,
                        const char *region)
{
    vt_verify_result_t r;
    uint8_t *copy = malloc(v->quote_len);
    assert_non_null(copy);
    memcpy(copy, v->quote, v->quote_len);
    copy[off] ^= 0x01;
    int rc = verify(ver, copy, v->quote_len, &v->collateral, v->want.verify_time, &r);
    if (rc != want) {
        print_error("%s: flip in %s at %zu: %s, expected %s (%s)\n", v->want.tcb_status, region,
                    off, vt_error_name(rc), vt_error_name(want), vt_last_error());
        fail();
    }
    assert_false(r.is_verified);
    assert_int_equal(vt_error_type(rc), VT_ET_REJECT);
    vt_verify_result_cleanup(&r);
    free(copy);
}

static size_t offset_of(const vector_t *v, const uint8_t *p)
{
    return (size_t)(p - v->quote);
}

/* The last base64 character of the leaf's signature that is not in the final group. */
static size_t leaf_signature_char(const vector_t *v)
{
    const char *pem = (const char *)v->q.cert_data;
    const char *end = strstr(pem, "-----END CERTIFICATE-----");
    assert_non_null(end);
    size_t at = (size_t)(end - pem) - 10;
    while (pem[at] == '\n' || pem[at] == '=') at--;
    return offset_of(v, v->q.cert_data) + at;
}

static void expect_pem_edit(vt_verifier_t *ver, const vector_t *v, size_t off, int want)
{
    vt_verify_result_t r;
    uint8_t *copy = malloc(v->quote_len);
    memcpy(copy, v->quote, v->quote_len);
    copy[off] = copy[off] == 'A' ? 'B' : 'A'; /* still base64, same length */
    int rc = verify(ver, copy, v->quote_len, &v->collateral, v->want.verify_time, &r);
    if (rc != want) print_error("pck leaf edit: %s (%s)\n", vt_error_name(rc), vt_last_error());
    assert_int_equal(rc, want);
    vt_verify_result_cleanup(&r);
    free(copy);
}

static void flipped_bytes_in_each_signed_region(void **state)
{
    (void)state;
    vt_verifier_t *ver = NULL;
    vt_assert_ok(vt_verifier_new(&ver));
    for (size_t i = 0; vt_test_dcap_vectors[i]; i++) {
        vector_t v;
        vector_load(vt_test_dcap_vectors[i], &v);
        const vt_quote_t *q = &v.q;
        size_t sig_data = q->signed_len + 4; /* after signature_data_len */
        /* Quote header (QE-ID in user data), then the report body's last byte. */
        expect_flip(ver, &v, 30, VT_E_SIGNATURE, "header");
        expect_flip(ver, &v, q->signed_len - 1, VT_E_SIGNATURE, "report body");
        expect_flip(ver, &v, sig_data + 10, VT_E_SIGNATURE, "quote signature");
        /* The attestation key is bound by the QE report data (step 9 precedes 12-13). */
        expect_flip(ver, &v, sig_data + 64 + 5, VT_E_QE_REPORT_DATA, "attestation key");
        expect_flip(ver, &v, offset_of(&v, q->qe_report_raw) + 70, VT_E_SIGNATURE, "qe report");
        expect_flip(ver, &v, offset_of(&v, q->qe_report_raw) + VT_SGX_REPORT_BODY_LEN + 7,
                    VT_E_SIGNATURE, "qe report signature");
        expect_flip(ver, &v, offset_of(&v, q->qe_auth_data) + 3, VT_E_QE_REPORT_DATA,
                    "qe auth data");
        expect_pem_edit(ver, &v, leaf_signature_char(&v), VT_E_SIGNATURE);
        vector_free(&v);
    }
    vt_verifier_free(ver);
}

/* Changes the last digit of "<key>":<number> inside a JSON document's signed body. */
static void edit_number(uint8_t *json, const char *key)
{
    char *p = strstr((char *)json, key);
    assert_non_null(p);
    p += strlen(key);
    while (p[1] >= '0' && p[1] <= '9') p++;
    assert_true(*p >= '0' && *p <= '9');
    *p = *p == '9' ? '8' : (char)(*p + 1);
}

static void flipped_collateral_bodies(void **state)
{
    (void)state;
    vt_verifier_t *ver = NULL;
    vt_verify_result_t r;
    vt_assert_ok(vt_verifier_new(&ver));
    for (size_t i = 0; vt_test_dcap_vectors[i]; i++) {
        vector_t v;
        vector_load(vt_test_dcap_vectors[i], &v);
        edit_number(v.collateral.tcb_info, "\"tcbEvaluationDataNumber\":");
        vt_assert_rc(verify(ver, v.quote, v.quote_len, &v.collateral, v.want.verify_time, &r),
                     VT_E_SIGNATURE);
        vt_verify_result_cleanup(&r);
        vector_free(&v);

        vector_load(vt_test_dcap_vectors[i], &v);
        edit_number(v.collateral.qe_identity, "\"isvprodid\":");
        vt_assert_rc(verify(ver, v.quote, v.quote_len, &v.collateral, v.want.verify_time, &r),
                     VT_E_SIGNATURE);
        vt_verify_result_cleanup(&r);
        vector_free(&v);
    }
    vt_verifier_free(ver);
}

static void every_truncation_is_a_parse_error(void **state)
{
    (void)state;
    vt_verifier_t *ver = NULL;
    vt_assert_ok(vt_verifier_new(&ver));
    for (size_t i = 0; vt_test_dcap_vectors[i]; i++) {
        vector_t v;
        vt_verify_result_t r;
        vector_load(vt_test_dcap_vectors[i], &v);
        /* Past the signature data only padding follows, which verifiers ignore (§2.5). */
        size_t end = v.quote_len - v.q.trailing_len;
        for (size_t len = 0; len < end; len++) {
            int rc = verify(ver, v.quote, len, &v.collateral, v.want.verify_time, &r);
            if (vt_error_type(rc) != VT_ET_PARSE) {
                print_error("%s: length %zu: %s\n", vt_test_dcap_vectors[i], len,
                            vt_error_name(rc));
                fail();
            }
            assert_false(r.is_verified);
            vt_verify_result_cleanup(&r);
        }
        vt_assert_ok(verify(ver, v.quote, end, &v.collateral, v.want.verify_time, &r));
        vt_verify_result_cleanup(&r);
        vector_free(&v);
    }
    vt_verifier_free(ver);
}

static vt_time_t tcb_info_next_update(const vt_collateral_t *c)
{
    vt_tcb_info_t *info = NULL;
    vt_assert_ok(vt_tcb_info_parse(c->tcb_info, c->tcb_info_len, &info));
    vt_time_t t = info->next_update;
    vt_tcb_info_free(info);
    return t;
}

static void expired_collateral_is_a_flag(void **state)
{
    (void)state;
    vt_verifier_t *ver = NULL;
    vt_verify_result_t r;
    vt_assert_ok(vt_verifier_new(&ver));
    for (size_t i = 0; vt_test_dcap_vectors[i]; i++) {
        vector_t v;
        vector_load(vt_test_dcap_vectors[i], &v);
        vt_time_t late = tcb_info_next_update(&v.collateral) + 86400;
        vt_assert_ok(verify(ver, v.quote, v.quote_len, &v.collateral, late, &r));
        assert_true(r.is_verified);
        assert_true(r.is_collateral_expired);
        assert_true(r.earliest_expiration_date <= late);
        assert_string_equal(vt_tcb_status_name(r.tcb_status), v.want.tcb_status);
        vt_verify_result_cleanup(&r);
        /* Before the collateral was issued: also flagged. */
        vt_assert_ok(verify(ver, v.quote, v.quote_len, &v.collateral, 1000000000, &r));
        assert_true(r.is_collateral_expired);
        vt_verify_result_cleanup(&r);
        vector_free(&v);
    }
    vt_verifier_free(ver);
}

/* Replaces one collateral document (and its issuer chain) with another vector's. */
static void swap_document(vt_collateral_t *c, bool tcb_info, const char *from)
{
    if (tcb_info) {
        free(c->tcb_info);
        free(c->tcb_info_issuer_chain);
        vt_test_read_vector(from, "tcb_info.json", &c->tcb_info, &c->tcb_info_len);
        vt_test_read_vector(from, "tcb_info_issuer_chain.pem", &c->tcb_info_issuer_chain,
                            &c->tcb_info_issuer_chain_len);
    } else {
        free(c->qe_identity);
        free(c->qe_identity_issuer_chain);
        vt_test_read_vector(from, "qe_identity.json", &c->qe_identity, &c->qe_identity_len);
        vt_test_read_vector(from, "qe_identity_issuer_chain.pem", &c->qe_identity_issuer_chain,
                            &c->qe_identity_issuer_chain_len);
    }
}

static void mismatched_collateral(void **state)
{
    (void)state;
    static const struct {
        const char *quote, *from;
        bool is_tcb_info;
        int want;
    } cases[] = {
        /* another FMSPC's TCB info (dcap.md §5.4 step 5) */
        {"tdx-v4-phala-uptodate", "tdx-v4-dcaprs-00806f050000", true, VT_E_TCB_INFO_MISMATCH},
        {"sgx-v3-phala-processorca", "sgx-v3-dcaprs-tcbinfov2", true, VT_E_TCB_INFO_MISMATCH},
        /* SGX TCB info for a TDX quote and the reverse (step 4) */
        {"tdx-v4-phala-uptodate", "sgx-v3-phala-processorca", true, VT_E_TCB_INFO_MISMATCH},
        {"sgx-v3-phala-processorca", "tdx-v4-phala-uptodate", true, VT_E_TCB_INFO_MISMATCH},
        {"tdx-v4-phala-uptodate", "sgx-v3-dcaprs-tcbinfov2", true, VT_E_TCB_INFO_MISMATCH},
        /* the SGX QE identity for a TDX quote and the reverse (step 10) */
        {"tdx-v4-phala-uptodate", "sgx-v3-phala-processorca", false, VT_E_QE_IDENTITY_MISMATCH},
        {"tdx-v5-alibaba-automata0625", "sgx-v3-dcaprs-tcbinfov2", false,
         VT_E_QE_IDENTITY_MISMATCH},
        {"sgx-v3-phala-processorca", "tdx-v4-phala-uptodate", false, VT_E_QE_IDENTITY_MISMATCH},
    };
    vt_verifier_t *ver = NULL;
    vt_assert_ok(vt_verifier_new(&ver));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vector_t v;
        vt_verify_result_t r;
        vector_load(cases[i].quote, &v);
        swap_document(&v.collateral, cases[i].is_tcb_info, cases[i].from);
        int rc = verify(ver, v.quote, v.quote_len, &v.collateral, v.want.verify_time, &r);
        if (rc != cases[i].want)
            print_error("case %zu: %s (%s)\n", i, vt_error_name(rc), vt_last_error());
        assert_int_equal(rc, cases[i].want);
        assert_false(r.is_verified);
        vt_verify_result_cleanup(&r);
        vector_free(&v);
    }
    vt_verifier_free(ver);
}

static void pck_crl_of_the_other_ca(void **state)
{
    (void)state;
    vt_verifier_t *ver = NULL;
    vt_verify_result_t r;
    vector_t v;
    vt_assert_ok(vt_verifier_new(&ver));
    /* The root CA CRL offered as the PCK CRL: issued by the wrong CA (§5.4 step 2). */
    vector_load("tdx-v4-phala-uptodate", &v);
    free(v.collateral.pck_crl);
    vt_test_read_vector("tdx-v4-phala-uptodate", "root_ca_crl.der", &v.collateral.pck_crl,
                        &v.collateral.pck_crl_len);
    vt_assert_rc(verify(ver, v.quote, v.quote_len, &v.collateral, v.want.verify_time, &r),
                 VT_E_COLLATERAL);
    vt_verify_result_cleanup(&r);
    vector_free(&v);
    vt_verifier_free(ver);
}

static void no_collateral_source(void **state)
{
    (void)state;
    vt_verifier_t *ver = NULL;
    vt_verify_result_t r;
    vector_t v;
    vector_load("sgx-v3-phala-processorca", &v);
    vt_assert_ok(vt_verifier_new(&ver));
    vt_assert_rc(vt_verifier_verify(ver, v.quote, v.quote_len, v.want.verify_time, &r),
                 VT_E_INVALID_ARG);
    vt_verify_result_cleanup(&r);
    /* A directory without collateral. */
    vt_assert_ok(vt_verifier_set_collateral_dir(ver, "/nonexistent-veritee-dir"));
    int rc = vt_verifier_verify(ver, v.quote, v.quote_len, v.want.verify_time, &r);
    assert_int_equal(vt_error_type(rc), VT_ET_IO);
    assert_non_null(strstr(vt_last_error(), "verify: collateral"));
    vt_verify_result_cleanup(&r);
    /* A PCCS nobody listens on: an i/o failure naming the step. */
    vt_pccs_options_t bad = {.base_url = ""};
    vt_assert_rc(vt_verifier_set_pccs(ver, &bad), VT_E_INVALID_ARG);
    vt_pccs_options_t opts = {.base_url = "http://127.0.0.1:9", .timeout_ms = 2000};
    vt_assert_ok(vt_verifier_set_pccs(ver, &opts));
    rc = vt_verifier_verify(ver, v.quote, v.quote_len, v.want.verify_time, &r);
    assert_int_equal(vt_error_type(rc), VT_ET_IO);
    assert_non_null(strstr(vt_last_error(), "verify: collateral"));
    vt_verify_result_cleanup(&r);
    vt_verifier_free(ver);
    vector_free(&v);
}

static void error_details_name_the_step(void **state)
{
    (void)state;
    vt_verifier_t *ver = NULL;
    vt_verify_result_t r;
    vector_t v;
    vector_load("tdx-v4-phala-uptodate", &v);
    vt_assert_ok(vt_verifier_new(&ver));
    uint8_t *copy = malloc(v.quote_len);
    memcpy(copy, v.quote, v.quote_len);
    copy[v.q.qe_report_raw - v.quote + VT_SGX_REPORT_BODY_LEN] ^= 1;
    vt_assert_rc(verify(ver, copy, v.quote_len, &v.collateral, v.want.verify_time, &r),
                 VT_E_SIGNATURE);
    assert_non_null(strstr(vt_last_error(), "verify: qe report signature: "));
    vt_verify_result_cleanup(&r);
    free(copy);
    vt_verifier_free(ver);
    vector_free(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flipped_bytes_in_each_signed_region),
        cmocka_unit_test(flipped_collateral_bodies),
        cmocka_unit_test(every_truncation_is_a_parse_error),
        cmocka_unit_test(expired_collateral_is_a_flag),
        cmocka_unit_test(mismatched_collateral),
        cmocka_unit_test(pck_crl_of_the_other_ca),
        cmocka_unit_test(no_collateral_source),
        cmocka_unit_test(error_details_name_the_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
