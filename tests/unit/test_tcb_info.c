/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vt_tcb_info_parse over every real vector (v2 and v3, SGX and TDX), and rejection of
 * malformed documents with the exact code (dcap.md §4.2, §4.3, §5.3 step 1).
 */
#define _GNU_SOURCE
#include "test_util.h"

#include <stdio.h>
#include <string.h>

#include <veritee/collateral.h>

/* A copy of buf with the first occurrence of from replaced by to. */
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

typedef struct {
    const char *vector;
    uint32_t version;
    vt_tee_t tee;
    size_t levels;
    vt_tcb_status_t first_status;
    uint32_t eval_number;
    size_t module_identities;
} vector_facts_t;

static const vector_facts_t facts[] = {
    {"sgx-v3-dcaprs-tcbinfov2", 2, VT_TEE_SGX, 11, VT_TCB_SW_HARDENING_NEEDED, 17, 0},
    {"sgx-v3-phala-processorca", 3, VT_TEE_SGX, 11, VT_TCB_SW_HARDENING_NEEDED, 17, 0},
    {"tdx-v4-dcaprs-00806f050000", 3, VT_TEE_TDX, 4, VT_TCB_UP_TO_DATE, 17, 2},
    {"tdx-v4-gotdx-spr-notcblevel", 3, VT_TEE_TDX, 2, VT_TCB_UP_TO_DATE, 15, 0},
    {"tdx-v4-phala-uptodate", 3, VT_TEE_TDX, 2, VT_TCB_UP_TO_DATE, 17, 2},
    {"tdx-v5-alibaba-automata0625", 3, VT_TEE_TDX, 2, VT_TCB_UP_TO_DATE, 17, 2},
};

static void check_signed_body(const uint8_t *json, size_t len, const vt_tcb_info_t *info)
{
    /* §4.2: the signed bytes run from the '{' after "tcbInfo": to its matching '}', which
     * in PCS output is just before ,"signature". */
    const char *prefix = "{\"tcbInfo\":";
    const uint8_t *end = memmem(json, len, ",\"signature\"", 12);
    assert_non_null(end);
    assert_memory_equal(json, prefix, strlen(prefix));
    size_t want = (size_t)(end - json) - strlen(prefix);
    assert_int_equal(info->signed_body_len, want);
    assert_memory_equal(info->signed_body, json + strlen(prefix), want);
    assert_int_equal(info->signed_body[info->signed_body_len], 0);
}

static void parses_every_vector(void **state)
{
    (void)state;
    for (size_t v = 0; v < sizeof(facts) / sizeof(facts[0]); v++) {
        const vector_facts_t *f = &facts[v];
        uint8_t *json, fmspc[6];
        size_t len;
        vt_tcb_info_t *info = NULL;
        vt_test_expected_t exp;
        vt_test_read_vector(f->vector, "tcb_info.json", &json, &len);
        vt_test_read_expected(f->vector, &exp);
        vt_assert_ok(vt_tcb_info_parse(json, len, &info));
        assert_int_equal(info->version, f->version);
        assert_int_equal(info->tee, f->tee);
        assert_string_equal(exp.tee, f->tee == VT_TEE_SGX ? "SGX" : "TDX");
        vt_assert_ok(vt_hex_decode(exp.fmspc, strlen(exp.fmspc), fmspc, 6));
        assert_memory_equal(info->fmspc, fmspc, 6);
        assert_int_equal(info->pce_id[0] | info->pce_id[1], 0);
        assert_int_equal(info->tcb_type, 0);
        assert_int_equal(info->tcb_evaluation_data_number, f->eval_number);
        assert_int_equal(info->level_count, f->levels);
        assert_int_equal(info->levels[0].status, f->first_status);
        assert_int_equal(info->has_tdx_module, f->tee == VT_TEE_TDX);
        assert_int_equal(info->tdx_module_identity_count, f->module_identities);
        assert_true(info->next_update > info->issue_date);
        for (size_t i = 0; i < info->level_count; i++)
            assert_int_equal(info->levels[i].has_tdx_svn, f->tee == VT_TEE_TDX);
        check_signed_body(json, len, info);
        vt_tcb_info_free(info);
        free(json);
    }
}

static vt_tcb_info_t *parse_vector(const char *vector)
{
    uint8_t *json;
    size_t len;
    vt_tcb_info_t *info = NULL;
    vt_test_read_vector(vector, "tcb_info.json", &json, &len);
    vt_assert_ok(vt_tcb_info_parse(json, len, &info));
    free(json);
    return info;
}

static void reads_v2_levels(void **state)
{
    (void)state;
    vt_tcb_info_t *info = parse_vector("sgx-v3-dcaprs-tcbinfov2");
    static const uint8_t first[16] = {14, 14, 3, 3, 255, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t last[16] = {4, 4, 3, 3, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    assert_memory_equal(info->levels[0].sgx_svn, first, 16);
    assert_int_equal(info->levels[0].pce_svn, 13);
    assert_int_equal(info->levels[0].advisory_count, 0);
    assert_null(info->levels[0].advisory_ids);
    assert_memory_equal(info->levels[10].sgx_svn, last, 16);
    assert_int_equal(info->levels[10].pce_svn, 5);
    assert_int_equal(info->levels[10].status, VT_TCB_OUT_OF_DATE);
    vt_time_t t;
    vt_assert_ok(vt_time_parse("2018-01-04T00:00:00Z", &t));
    assert_int_equal(info->levels[10].tcb_date, t);
    vt_assert_ok(vt_time_parse("2025-02-13T03:29:42Z", &t));
    assert_int_equal(info->issue_date, t);
    vt_tcb_info_free(info);
}

static void reads_v3_advisories_in_document_order(void **state)
{
    (void)state;
    vt_tcb_info_t *info = parse_vector("sgx-v3-phala-processorca");
    assert_int_equal(info->levels[0].advisory_count, 1);
    assert_string_equal(info->levels[0].advisory_ids[0], "INTEL-SA-00615");
    assert_int_equal(info->levels[1].status, VT_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED);
    assert_int_equal(info->levels[1].advisory_count, 2);
    assert_string_equal(info->levels[1].advisory_ids[0], "INTEL-SA-00289");
    assert_string_equal(info->levels[1].advisory_ids[1], "INTEL-SA-00615");
    assert_int_equal(info->levels[0].sgx_svn[0], 11);
    vt_tcb_info_free(info);

    info = parse_vector("tdx-v4-dcaprs-00806f050000");
    assert_int_equal(info->levels[1].advisory_count, 3);
    assert_string_equal(info->levels[1].advisory_ids[2], "INTEL-SA-00986");
    vt_tcb_info_free(info);
}

static void reads_tdx_components_and_module_identities(void **state)
{
    (void)state;
    vt_tcb_info_t *info = parse_vector("tdx-v4-phala-uptodate");
    static const uint8_t sgx[16] = {2, 2, 2, 2, 3, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t tdx[16] = {5, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t ones[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    assert_memory_equal(info->levels[0].sgx_svn, sgx, 16);
    assert_memory_equal(info->levels[0].tdx_svn, tdx, 16);
    assert_int_equal(info->levels[0].pce_svn, 11);
    assert_memory_equal(info->tdx_module_attributes_mask, ones, 8);
    const vt_tdx_module_identity_t *m = info->tdx_module_identities;
    assert_string_equal(m[0].id, "TDX_03");
    assert_int_equal(m[0].level_count, 1);
    assert_int_equal(m[0].levels[0].isv_svn, 3);
    assert_string_equal(m[1].id, "TDX_01");
    assert_int_equal(m[1].level_count, 2);
    assert_int_equal(m[1].levels[0].isv_svn, 4);
    assert_int_equal(m[1].levels[1].isv_svn, 2);
    assert_int_equal(m[1].levels[1].status, VT_TCB_OUT_OF_DATE);
    assert_memory_equal(m[1].attributes_mask, ones, 8);
    vt_tcb_info_free(info);
}

typedef struct {
    const char *vector, *from, *to;
    int want;
} mutation_t;

#define SGX3 "sgx-v3-phala-processorca"
#define SGX2 "sgx-v3-dcaprs-tcbinfov2"
#define TDX  "tdx-v4-phala-uptodate"

static const mutation_t mutations[] = {
    {SGX3, "\"version\":3", "\"version\":4", VT_E_UNSUPPORTED},
    {SGX3, "\"version\":3", "\"version\":1", VT_E_UNSUPPORTED},
    {SGX3, "\"version\":3", "\"version\":\"3\"", VT_E_MALFORMED},
    {SGX3, "\"version\":3,", "", VT_E_MALFORMED},
    {SGX3, "\"tcbType\":0", "\"tcbType\":1", VT_E_UNSUPPORTED},
    {SGX3, "\"tcbType\":0", "\"tcbType\":\"0\"", VT_E_MALFORMED},
    {SGX3, "\"tcbType\":0", "\"tcbType\":0.0", VT_E_MALFORMED},
    {SGX3, "\"id\":\"SGX\"", "\"id\":\"SEV\"", VT_E_UNSUPPORTED},
    {SGX3, "\"id\":\"SGX\",", "", VT_E_MALFORMED},
    {SGX3, "\"id\":\"SGX\"", "\"id\":7", VT_E_MALFORMED},
    {SGX3, "\"fmspc\":\"00A067110000\"", "\"fmspc\":\"00A0671100\"", VT_E_MALFORMED},
    {SGX3, "\"fmspc\":\"00A067110000\"", "\"fmspc\":\"00A06711000G\"", VT_E_MALFORMED},
    {SGX3, "\"fmspc\":\"00A067110000\"", "\"fmspc\":\"00A0671100000\"", VT_E_MALFORMED},
    {SGX3, "\"pceId\":\"0000\"", "\"pceId\":\"000\"", VT_E_MALFORMED},
    {SGX3, "\"pceId\":\"0000\",", "", VT_E_MALFORMED},
    {SGX3, "\"issueDate\":\"2025-06-19T10:56:11Z\"", "\"issueDate\":\"2025-06-19\"",
     VT_E_MALFORMED},
    {SGX3, "\"issueDate\":\"2025-06-19T10:56:11Z\"", "\"issueDate\":\"2025-08-19T10:56:11Z\"",
     VT_E_MALFORMED},
    {SGX3, "\"nextUpdate\":\"2025-07-19T10:56:11Z\"", "\"nextUpdate\":1752922571", VT_E_MALFORMED},
    {SGX3, "\"tcbEvaluationDataNumber\":17", "\"tcbEvaluationDataNumber\":null", VT_E_MALFORMED},
    {SGX3, "\"tcbEvaluationDataNumber\":17", "\"tcbEvaluationDataNumber\":-17", VT_E_MALFORMED},
    {SGX3, "\"tcbEvaluationDataNumber\":17", "\"tcbEvaluationDataNumber\":4294967296",
     VT_E_MALFORMED},
    {SGX3, "\"tcbStatus\":\"SWHardeningNeeded\"", "\"tcbStatus\":\"SWHardeningNeded\"",
     VT_E_MALFORMED},
    {SGX3, "\"tcbStatus\":\"SWHardeningNeeded\"", "\"tcbStatus\":\"TcbNotSupported\"",
     VT_E_MALFORMED},
    {SGX3, "\"tcbStatus\":\"SWHardeningNeeded\"", "\"tcbStatus\":\"TDRelaunchAdvised\"",
     VT_E_MALFORMED},
    {SGX3, "\"tcbDate\":\"2024-03-13T00:00:00Z\"", "\"tcbDate\":\"2024-02-30T00:00:00Z\"",
     VT_E_MALFORMED},
    {SGX3, "[{\"svn\":11}", "[{\"svn\":256}", VT_E_MALFORMED},
    {SGX3, "[{\"svn\":11}", "[{\"svn\":-1}", VT_E_MALFORMED},
    {SGX3, "[{\"svn\":11}", "[{\"svn\":11.0}", VT_E_MALFORMED},
    {SGX3, "[{\"svn\":11}", "[{\"svn\":true}", VT_E_MALFORMED},
    {SGX3, "[{\"svn\":11}", "[{\"svm\":11}", VT_E_MALFORMED},
    {SGX3, "[{\"svn\":11},", "[", VT_E_MALFORMED},
    {SGX3, "[{\"svn\":11}", "[{\"svn\":11},{\"svn\":11}", VT_E_MALFORMED},
    {SGX3, "[{\"svn\":11}", "[{\"svn\":11,\"category\":1}", VT_E_MALFORMED},
    {SGX3, "[{\"svn\":11}", "[7", VT_E_MALFORMED},
    {SGX3, "\"pcesvn\":13", "\"pcesvn\":65536", VT_E_MALFORMED},
    {SGX3, "\"pcesvn\":13", "\"pcesvn\":13,\"tdxtcbcomponents\":[]", VT_E_MALFORMED},
    {SGX3, "\"advisoryIDs\":[\"INTEL-SA-00615\"]", "\"advisoryIDs\":[615]", VT_E_MALFORMED},
    {SGX3, "\"advisoryIDs\":[\"INTEL-SA-00615\"]", "\"advisoryIDs\":\"INTEL-SA-00615\"",
     VT_E_MALFORMED},
    {SGX3, "\"advisoryIDs\":[\"INTEL-SA-00615\"]", "\"advisoryIDs\":[\"INTEL SA\"]",
     VT_E_MALFORMED},
    {SGX3, "\"advisoryIDs\":[\"INTEL-SA-00615\"]", "\"advisoryIDs\":[\"\"]", VT_E_MALFORMED},
    {SGX3, "\"tcbLevels\":[", "\"tcbLevels\":[],\"x\":[", VT_E_MALFORMED},
    {SGX3, "\"tcbLevels\":[{", "\"tcbLevels\":[7,{", VT_E_MALFORMED},
    {SGX3, "\"tcbLevels\":[{\"tcb\":", "\"tcbLevels\":[{\"tcb\":{},\"x\":", VT_E_MALFORMED},
    {SGX3, "\"tcbEvaluationDataNumber\":17", "\"tcbEvaluationDataNumber\":17,\"tdxModule\":{}",
     VT_E_MALFORMED},
    {SGX3, "\"version\":3,", "\"version\":3,\"version\":3,", VT_E_MALFORMED},
    {SGX3, "{\"tcbInfo\":", "{\"tcb\\u0049nfo\":", VT_E_MALFORMED},
    {SGX3, "\"signature\":\"", "\"signature\":\"00", VT_E_MALFORMED},
    {SGX3, "\"signature\":\"", "\"signature\":\"zz", VT_E_MALFORMED},
    {SGX3, "\"signature\":\"", "\"extra\":1,\"signature\":\"", VT_E_MALFORMED},
    {SGX3, "\"signature\":\"", "\"tcbInfo\":{},\"signature\":\"", VT_E_MALFORMED},
    {SGX2, "\"version\":2", "\"version\":2,\"id\":\"TDX\"", VT_E_UNSUPPORTED},
    {SGX2, "\"sgxtcbcomp16svn\":0", "\"sgxtcbcomp17svn\":0", VT_E_MALFORMED},
    {SGX2, "\"sgxtcbcomp01svn\":14", "\"sgxtcbcomp01svn\":300", VT_E_MALFORMED},
    {SGX2, "\"pcesvn\":13", "\"pcesvn\":13},\"advisoryIDs\":[],\"x\":{", VT_E_MALFORMED},
    {TDX, "\"version\":3", "\"version\":2", VT_E_UNSUPPORTED},
    {TDX, "\"tdxModule\":", "\"tdxModulX\":", VT_E_MALFORMED},
    {TDX, "\"tdxtcbcomponents\"", "\"tdxtcbcomponentX\"", VT_E_MALFORMED},
    {TDX, "\"attributes\":\"0000000000000000\"", "\"attributes\":\"00000000000000\"",
     VT_E_MALFORMED},
    {TDX, "\"mrsigner\":\"0000", "\"mrsigner\":\"00", VT_E_MALFORMED},
    {TDX, "\"id\":\"TDX_03\"", "\"id\":\"TDX_0123456789ABC\"", VT_E_MALFORMED},
    {TDX, "\"id\":\"TDX_03\"", "\"id\":\"\"", VT_E_MALFORMED},
    {TDX, "\"tcbLevels\":[{\"tcb\":{\"isvsvn\":3}", "\"tcbLevels\":[{\"tcb\":{\"isvsvn\":\"3\"}",
     VT_E_MALFORMED},
    {TDX, "{\"isvsvn\":3},\"tcbDate\":\"2024-03-13T00:00:00Z\",\"tcbStatus\":\"UpToDate\"",
     "{\"isvsvn\":3},\"tcbDate\":\"2024-03-13T00:00:00Z\",\"tcbStatus\":\"SWHardeningNeeded\"",
     VT_E_MALFORMED},
    {TDX, "\"tdxModuleIdentities\":[", "\"tdxModuleIdentities\":[],\"x\":[", VT_E_MALFORMED},
};

static void rejects_malformed_documents(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(mutations) / sizeof(mutations[0]); i++) {
        const mutation_t *m = &mutations[i];
        uint8_t *json, *bad;
        size_t len, bad_len;
        vt_tcb_info_t *info = NULL;
        vt_test_read_vector(m->vector, "tcb_info.json", &json, &len);
        bad = replace_once(json, len, m->from, m->to, &bad_len);
        int rc = vt_tcb_info_parse(bad, bad_len, &info);
        if (rc != m->want) print_error("mutation %zu: %s -> %s\n", i, m->from, m->to);
        vt_assert_rc(rc, m->want);
        assert_null(info);
        assert_non_null(strstr(vt_last_error(), "tcb info"));
        free(bad);
        free(json);
    }
}

static void rejects_trailing_data_but_not_whitespace(void **state)
{
    (void)state;
    uint8_t *json;
    size_t len;
    vt_tcb_info_t *info = NULL;
    vt_test_read_vector(SGX3, "tcb_info.json", &json, &len);
    uint8_t *longer = malloc(len + 8);
    memcpy(longer, json, len);
    memcpy(longer + len, " \r\n\t", 4);
    vt_assert_ok(vt_tcb_info_parse(longer, len + 4, &info));
    vt_tcb_info_free(info);
    info = NULL;
    memcpy(longer + len, "x", 1);
    vt_assert_rc(vt_tcb_info_parse(longer, len + 1, &info), VT_E_TRAILING_DATA);
    memcpy(longer + len, "{}", 2);
    vt_assert_rc(vt_tcb_info_parse(longer, len + 2, &info), VT_E_TRAILING_DATA);
    longer[len] = '\0';
    vt_assert_rc(vt_tcb_info_parse(longer, len + 1, &info), VT_E_TRAILING_DATA);
    assert_null(info);
    free(longer);
    free(json);
}

static void rejects_every_truncation(void **state)
{
    (void)state;
    uint8_t *json;
    size_t len;
    vt_tcb_info_t *info = NULL;
    vt_test_read_vector(TDX, "tcb_info.json", &json, &len);
    for (size_t n = 0; n < len; n++) {
        int rc = vt_tcb_info_parse(json, n, &info);
        if (rc != VT_E_MALFORMED) print_error("truncated at %zu\n", n);
        vt_assert_rc(rc, VT_E_MALFORMED);
    }
    assert_null(info);
    free(json);
}

static void rejects_too_large_documents(void **state)
{
    (void)state;
    uint8_t *json;
    size_t len;
    vt_tcb_info_t *info = NULL;
    vt_test_read_vector(SGX3, "tcb_info.json", &json, &len);
    /* Valid JSON padded with whitespace past the cap: refused before parsing. */
    uint8_t *big = malloc(VT_COLLATERAL_JSON_MAX + 1);
    memset(big, ' ', VT_COLLATERAL_JSON_MAX + 1);
    memcpy(big, json, len);
    vt_assert_rc(vt_tcb_info_parse(big, VT_COLLATERAL_JSON_MAX + 1, &info), VT_E_TOO_LARGE);
    vt_assert_ok(vt_tcb_info_parse(big, VT_COLLATERAL_JSON_MAX, &info));
    vt_tcb_info_free(info);
    free(big);
    free(json);
}

/* The key name inside a string value must not move the signed span: the parse still
 * succeeds (unknown text in a known string field is just text) and the span is still the
 * whole inner object. */
static void key_inside_a_string_does_not_move_the_span(void **state)
{
    (void)state;
    uint8_t *json, *odd;
    size_t len, odd_len;
    vt_tcb_info_t *info = NULL;
    vt_test_read_vector(TDX, "tcb_info.json", &json, &len);
    odd = replace_once(json, len, "\"type\":\"Early Microcode Update\"",
                       "\"type\":\"x\\\"},\\\"tcbInfo\\\":{\\\"\"", &odd_len);
    vt_assert_ok(vt_tcb_info_parse(odd, odd_len, &info));
    check_signed_body(odd, odd_len, info);
    vt_tcb_info_free(info);
    free(odd);
    free(json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_every_vector),
        cmocka_unit_test(reads_v2_levels),
        cmocka_unit_test(reads_v3_advisories_in_document_order),
        cmocka_unit_test(reads_tdx_components_and_module_identities),
        cmocka_unit_test(rejects_malformed_documents),
        cmocka_unit_test(rejects_trailing_data_but_not_whitespace),
        cmocka_unit_test(rejects_every_truncation),
        cmocka_unit_test(rejects_too_large_documents),
        cmocka_unit_test(key_inside_a_string_does_not_move_the_span),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
