/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vt_qe_identity_parse over every real vector (QE and TD_QE), and rejection of
 * malformed documents with the exact code (dcap.md §4.2, §4.4, §5.3 step 1).
 */
#define _GNU_SOURCE
#include "test_util.h"

#include <string.h>

#include <veritee/collateral.h>

static uint8_t *replace_once(const uint8_t *buf, size_t len, const char *from, const char *to,
                             size_t *out_len)
{
    const uint8_t *at = memmem(buf, len, from, strlen(from));
    if (at == NULL) {
        print_error("test bug: \"%s\" not found\n", from);
        fail();
    }
    size_t pre = (size_t)(at - buf), fl = strlen(from), tl = strlen(to);
    uint8_t *out = malloc(len - fl + tl + 1);
    memcpy(out, buf, pre);
    memcpy(out + pre, to, tl);
    memcpy(out + pre + tl, at + fl, len - pre - fl);
    *out_len = len - fl + tl;
    out[*out_len] = '\0';
    return out;
}

static vt_qe_identity_t *parse_vector(const char *vector)
{
    uint8_t *json;
    size_t len;
    vt_qe_identity_t *qe = NULL;
    vt_test_read_vector(vector, "qe_identity.json", &json, &len);
    vt_assert_ok(vt_qe_identity_parse(json, len, &qe));
    /* §4.2: the signed bytes are exactly the inner object as served. */
    const char *prefix = "{\"enclaveIdentity\":";
    const uint8_t *end = memmem(json, len, ",\"signature\"", 12);
    assert_non_null(end);
    assert_int_equal(qe->signed_body_len, (size_t)(end - json) - strlen(prefix));
    assert_memory_equal(qe->signed_body, json + strlen(prefix), qe->signed_body_len);
    free(json);
    return qe;
}

static void parses_every_vector(void **state)
{
    (void)state;
    for (size_t v = 0; vt_test_dcap_vectors[v] != NULL; v++) {
        vt_test_expected_t exp;
        vt_test_read_expected(vt_test_dcap_vectors[v], &exp);
        vt_qe_identity_t *qe = parse_vector(vt_test_dcap_vectors[v]);
        bool is_tdx = strcmp(exp.tee, "TDX") == 0;
        assert_int_equal(qe->version, 2);
        assert_int_equal(qe->id, is_tdx ? VT_QE_ID_TD_QE : VT_QE_ID_QE);
        assert_int_equal(qe->isv_prod_id, is_tdx ? 2 : 1);
        assert_int_equal(qe->level_count, is_tdx ? 1 : 6);
        assert_int_equal(qe->levels[0].status, VT_TCB_UP_TO_DATE);
        assert_int_equal(qe->levels[0].isv_svn, is_tdx ? 4 : 8);
        assert_int_equal(qe->mrsigner[0], is_tdx ? 0xDC : 0x8C);
        assert_int_equal(qe->mrsigner[31], is_tdx ? 0xC5 : 0xFF);
        assert_true(qe->next_update > qe->issue_date);
        vt_qe_identity_free(qe);
    }
}

static void reads_masks_and_levels(void **state)
{
    (void)state;
    vt_qe_identity_t *qe = parse_vector("sgx-v3-phala-processorca");
    static const uint8_t attr[16] = {0x11};
    static const uint8_t mask[16] = {0xFB, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    static const uint8_t ones[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    static const uint8_t zeros[4] = {0};
    assert_memory_equal(qe->attributes, attr, 16);
    assert_memory_equal(qe->attributes_mask, mask, 16);
    assert_memory_equal(qe->miscselect, zeros, 4);
    assert_memory_equal(qe->miscselect_mask, ones, 4);
    assert_int_equal(qe->tcb_evaluation_data_number, 17);
    assert_int_equal(qe->levels[1].isv_svn, 6);
    assert_int_equal(qe->levels[1].status, VT_TCB_OUT_OF_DATE);
    assert_int_equal(qe->levels[1].advisory_count, 1);
    assert_string_equal(qe->levels[1].advisory_ids[0], "INTEL-SA-00615");
    assert_int_equal(qe->levels[0].advisory_count, 0);
    vt_time_t t;
    vt_assert_ok(vt_time_parse("2021-11-10T00:00:00Z", &t));
    assert_int_equal(qe->levels[1].tcb_date, t);
    vt_qe_identity_free(qe);
}

#define SGX "sgx-v3-phala-processorca"
#define TDX "tdx-v4-phala-uptodate"

static const struct {
    const char *vector, *from, *to;
    int want;
} mutations[] = {
    {SGX, "\"version\":2", "\"version\":1", VT_E_UNSUPPORTED},
    {SGX, "\"version\":2", "\"version\":3", VT_E_UNSUPPORTED},
    {SGX, "\"version\":2", "\"version\":\"2\"", VT_E_MALFORMED},
    {SGX, "\"id\":\"QE\"", "\"id\":\"QAE\"", VT_E_UNSUPPORTED},
    {SGX, "\"id\":\"QE\"", "\"id\":null", VT_E_MALFORMED},
    {SGX, "\"id\":\"QE\",", "", VT_E_MALFORMED},
    {SGX, "\"miscselect\":\"00000000\"", "\"miscselect\":\"0000000\"", VT_E_MALFORMED},
    {SGX, "\"miscselectMask\":\"FFFFFFFF\"", "\"miscselectMask\":\"FFFFFFFG\"", VT_E_MALFORMED},
    {SGX, "\"attributes\":\"11000000000000000000000000000000\"",
     "\"attributes\":\"110000000000000000000000000000\"", VT_E_MALFORMED},
    {SGX, "\"attributesMask\":\"FBFF", "\"attributesMask\":\"FBFFFF", VT_E_MALFORMED},
    {SGX, "\"mrsigner\":\"8C4F", "\"mrsigner\":\"8C4", VT_E_MALFORMED},
    {SGX, "\"isvprodid\":1", "\"isvprodid\":65536", VT_E_MALFORMED},
    {SGX, "\"isvprodid\":1", "\"isvprodid\":-1", VT_E_MALFORMED},
    {SGX, "\"isvprodid\":1,", "", VT_E_MALFORMED},
    {SGX, "\"isvsvn\":8", "\"isvsvn\":65536", VT_E_MALFORMED},
    {SGX, "\"isvsvn\":8", "\"isvsvn\":8.5", VT_E_MALFORMED},
    {SGX, "{\"isvsvn\":8}", "{}", VT_E_MALFORMED},
    {SGX, "\"tcbStatus\":\"UpToDate\"", "\"tcbStatus\":\"uptodate\"", VT_E_MALFORMED},
    {SGX, "\"tcbStatus\":\"UpToDate\"", "\"tcbStatus\":\"SWHardeningNeeded\"", VT_E_MALFORMED},
    {SGX, "\"tcbDate\":\"2024-03-13T00:00:00Z\"", "\"tcbDate\":\"yesterday\"", VT_E_MALFORMED},
    {SGX, "\"advisoryIDs\":[\"INTEL-SA-00615\"]", "\"advisoryIDs\":[null]", VT_E_MALFORMED},
    {SGX, "\"tcbLevels\":[", "\"tcbLevels\":[],\"x\":[", VT_E_MALFORMED},
    {SGX, "\"tcbLevels\":[", "\"tcbLevels\":{\"x\":[", VT_E_MALFORMED},
    {SGX, "\"nextUpdate\":\"2025-07-19T10:01:18Z\"", "\"nextUpdate\":\"2025-06-19T10:01:17Z\"",
     VT_E_MALFORMED},
    {SGX, "\"tcbEvaluationDataNumber\":17", "\"tcbEvaluationDataNumber\":\"17\"", VT_E_MALFORMED},
    {SGX, "\"isvprodid\":1,", "\"isvprodid\":1,\"isvprodid\":1,", VT_E_MALFORMED},
    {SGX, "{\"enclaveIdentity\":", "{\"tcbInfo\":", VT_E_MALFORMED},
    {SGX, "\"signature\":\"", "\"signature\":\"0", VT_E_MALFORMED},
    {TDX, "\"id\":\"TD_QE\"", "\"id\":\"TD_QE \"", VT_E_UNSUPPORTED},
    {TDX, "\"tcbStatus\":\"UpToDate\"}]", "\"tcbStatus\":\"UpToDate\"}]}, \"x\":{\"a\":[",
     VT_E_MALFORMED},
};

static void rejects_malformed_documents(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(mutations) / sizeof(mutations[0]); i++) {
        uint8_t *json, *bad;
        size_t len, bad_len;
        vt_qe_identity_t *qe = NULL;
        vt_test_read_vector(mutations[i].vector, "qe_identity.json", &json, &len);
        bad = replace_once(json, len, mutations[i].from, mutations[i].to, &bad_len);
        int rc = vt_qe_identity_parse(bad, bad_len, &qe);
        if (rc != mutations[i].want) print_error("mutation %zu: %s\n", i, mutations[i].to);
        vt_assert_rc(rc, mutations[i].want);
        assert_null(qe);
        assert_non_null(strstr(vt_last_error(), "qe identity"));
        free(bad);
        free(json);
    }
}

static void rejects_truncation_trailing_data_and_size(void **state)
{
    (void)state;
    uint8_t *json;
    size_t len;
    vt_qe_identity_t *qe = NULL;
    vt_test_read_vector(SGX, "qe_identity.json", &json, &len);
    for (size_t n = 0; n < len; n++)
        vt_assert_rc(vt_qe_identity_parse(json, n, &qe), VT_E_MALFORMED);
    uint8_t *big = malloc(VT_COLLATERAL_JSON_MAX + 1);
    memset(big, '\n', VT_COLLATERAL_JSON_MAX + 1);
    memcpy(big, json, len);
    vt_assert_ok(vt_qe_identity_parse(big, len + 1, &qe));
    vt_qe_identity_free(qe);
    qe = NULL;
    big[len] = ']';
    vt_assert_rc(vt_qe_identity_parse(big, len + 1, &qe), VT_E_TRAILING_DATA);
    big[len] = '\n';
    vt_assert_rc(vt_qe_identity_parse(big, VT_COLLATERAL_JSON_MAX + 1, &qe), VT_E_TOO_LARGE);
    assert_null(qe);
    free(big);
    free(json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_every_vector),
        cmocka_unit_test(reads_masks_and_levels),
        cmocka_unit_test(rejects_malformed_documents),
        cmocka_unit_test(rejects_truncation_trailing_data_and_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
