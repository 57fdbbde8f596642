/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of src/evidence/sgx_report_full.c: sgx_report_t, the 432-byte EREPORT output
 * (body 384 | key_id 32 | mac 16; veritee/evidence.h).
 */
#include "test_util.h"

#include <string.h>
#include <veritee/evidence.h>

static void fill_pattern(uint8_t buf[VT_SGX_REPORT_LEN])
{
    for (size_t i = 0; i < VT_SGX_REPORT_LEN; i++) buf[i] = (uint8_t)(i * 3 + 1);
}

static void parts_come_from_their_offsets(void **state)
{
    (void)state;
    uint8_t buf[VT_SGX_REPORT_LEN], out[VT_SGX_REPORT_LEN], body[VT_SGX_REPORT_BODY_LEN];
    vt_sgx_report_t r;
    vt_sgx_report_body_t b;
    fill_pattern(buf);
    vt_assert_ok(vt_sgx_report_parse(buf, sizeof(buf), &r));
    /* The body is exactly what the body parser reads from the first 384 bytes. */
    vt_assert_ok(vt_sgx_report_body_parse(buf, VT_SGX_REPORT_BODY_LEN, &b));
    vt_sgx_report_body_serialize(&r.body, body);
    assert_memory_equal(body, buf, VT_SGX_REPORT_BODY_LEN);
    assert_int_equal(r.body.isv_svn, b.isv_svn);
    assert_memory_equal(r.body.report_data, buf + 320, VT_REPORT_DATA_LEN);
    assert_memory_equal(r.key_id, buf + 384, VT_SGX_KEY_ID_LEN);
    assert_memory_equal(r.mac, buf + 416, VT_SGX_REPORT_MAC_LEN);
    vt_sgx_report_serialize(&r, out);
    assert_memory_equal(out, buf, sizeof(buf));
}

static void exact_length_only(void **state)
{
    (void)state;
    uint8_t buf[VT_SGX_REPORT_LEN + 1] = {0};
    vt_sgx_report_t r;
    memset(&r, 0xaa, sizeof(r));
    for (size_t n = 0; n < VT_SGX_REPORT_LEN; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, buf, n);
        vt_assert_rc(vt_sgx_report_parse(copy, n, &r), VT_E_TRUNCATED);
        free(copy);
    }
    assert_non_null(strstr(vt_last_error(), "sgx_report: 431 bytes, expected 432"));
    assert_int_equal(r.mac[0], 0xaa); /* nothing written on failure */
    vt_assert_rc(vt_sgx_report_parse(buf, sizeof(buf), &r), VT_E_TRAILING_DATA);
    assert_non_null(strstr(vt_last_error(), "sgx_report: 433 bytes, expected 432"));
    assert_int_equal(r.mac[0], 0xaa);
    vt_assert_ok(vt_sgx_report_parse(buf, VT_SGX_REPORT_LEN, &r));
    assert_int_equal(r.mac[0], 0);
}

static void serialize_places_key_id_and_mac(void **state)
{
    (void)state;
    vt_sgx_report_t r;
    uint8_t out[VT_SGX_REPORT_LEN];
    memset(&r, 0, sizeof(r));
    r.body.isv_prod_id = 0x1234;
    memset(r.key_id, 0x4b, sizeof(r.key_id));
    memset(r.mac, 0x3a, sizeof(r.mac));
    vt_sgx_report_serialize(&r, out);
    assert_int_equal(out[256], 0x34);
    assert_int_equal(out[257], 0x12);
    for (size_t i = 384; i < 416; i++) assert_int_equal(out[i], 0x4b);
    for (size_t i = 416; i < 432; i++) assert_int_equal(out[i], 0x3a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parts_come_from_their_offsets),
        cmocka_unit_test(exact_length_only),
        cmocka_unit_test(serialize_places_key_id_and_mac),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
