/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/evidence/sgx_report.c: sgx_report_body_t (dcap.md §1.3). */
#include "test_util.h"

#include <string.h>
#include <veritee/evidence.h>

#include "common/cursor.h"
#include "evidence/sgx_report.h"

/* A body whose byte i is i & 0xff, so every field shows the offset it came from. */
static void fill_pattern(uint8_t buf[VT_SGX_REPORT_BODY_LEN])
{
    for (size_t i = 0; i < VT_SGX_REPORT_BODY_LEN; i++) buf[i] = (uint8_t)i;
}

static void fields_come_from_their_offsets(void **state)
{
    (void)state;
    uint8_t buf[VT_SGX_REPORT_BODY_LEN], out[VT_SGX_REPORT_BODY_LEN];
    vt_sgx_report_body_t b;
    fill_pattern(buf);
    vt_assert_ok(vt_sgx_report_body_parse(buf, sizeof(buf), &b));
    assert_int_equal(b.cpu_svn[0], 0);
    assert_int_equal(b.misc_select, 0x13121110);
    assert_int_equal(b.reserved1[0], 20);
    assert_int_equal(b.isv_ext_prod_id[0], 32);
    assert_int_equal(b.attributes[0], 48);
    assert_int_equal(b.mr_enclave[0], 64);
    assert_int_equal(b.reserved2[0], 96);
    assert_int_equal(b.mr_signer[0], 128);
    assert_int_equal(b.reserved3[0], 160);
    assert_int_equal(b.config_id[0], 192);
    assert_int_equal(b.isv_prod_id, 0x0100); /* offset 256 */
    assert_int_equal(b.isv_svn, 0x0302);     /* 258 */
    assert_int_equal(b.config_svn, 0x0504);  /* 260 */
    assert_int_equal(b.reserved4[0], 262 & 0xff);
    assert_int_equal(b.isv_family_id[0], 304 & 0xff);
    assert_int_equal(b.report_data[0], 320 & 0xff);
    assert_int_equal(b.report_data[63], 383 & 0xff);
    assert_true(vt_sgx_report_flags(&b) == 0x3736353433323130ull);

    vt_sgx_report_body_serialize(&b, out);
    assert_memory_equal(out, buf, sizeof(buf));
}

static void exact_length_only(void **state)
{
    (void)state;
    uint8_t buf[VT_SGX_REPORT_BODY_LEN + 1] = {0};
    vt_sgx_report_body_t b;
    memset(&b, 0xaa, sizeof(b));
    for (size_t n = 0; n < VT_SGX_REPORT_BODY_LEN; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, buf, n);
        vt_assert_rc(vt_sgx_report_body_parse(copy, n, &b), VT_E_TRUNCATED);
        free(copy);
    }
    /* Nothing is written on failure. */
    assert_int_equal(b.isv_svn, 0xaaaa);
    vt_assert_rc(vt_sgx_report_body_parse(buf, sizeof(buf), &b), VT_E_TRAILING_DATA);
    assert_non_null(strstr(vt_last_error(), "sgx_report: 1 unexpected trailing bytes"));
    vt_assert_ok(vt_sgx_report_body_parse(buf, VT_SGX_REPORT_BODY_LEN, &b));
}

static void vector_bodies_round_trip(void **state)
{
    (void)state;
    static const char *const sgx[] = {"sgx-v3-dcaprs-tcbinfov2", "sgx-v3-phala-processorca"};
    for (size_t i = 0; i < 2; i++) {
        uint8_t *q, out[VT_SGX_REPORT_BODY_LEN];
        size_t len;
        vt_sgx_report_body_t b;
        vt_test_read_vector(sgx[i], "quote.bin", &q, &len);
        vt_assert_ok(vt_sgx_report_body_parse(q + VT_QUOTE_HEADER_LEN, VT_SGX_REPORT_BODY_LEN, &b));
        /* Real SGX bodies: INIT | MODE64BIT, not DEBUG (dcap.md §6). */
        assert_true(vt_sgx_report_flags(&b) == (VT_SGX_FLAG_INIT | VT_SGX_FLAG_MODE64BIT));
        vt_sgx_report_body_serialize(&b, out);
        assert_memory_equal(out, q + VT_QUOTE_HEADER_LEN, VT_SGX_REPORT_BODY_LEN);
        free(q);
    }
}

static void debug_flag(void **state)
{
    (void)state;
    uint8_t buf[VT_SGX_REPORT_BODY_LEN] = {0};
    vt_sgx_report_body_t b;
    buf[48] = 0x07;
    vt_assert_ok(vt_sgx_report_body_parse(buf, sizeof(buf), &b));
    assert_true(vt_sgx_report_flags(&b) & VT_SGX_FLAG_DEBUG);
}

static void cursor_and_writer_entry_points(void **state)
{
    (void)state;
    uint8_t buf[VT_SGX_REPORT_BODY_LEN + 2];
    vt_cursor_t c;
    vt_writer_t w;
    vt_sgx_report_body_t b;
    for (size_t i = 0; i < sizeof(buf); i++) buf[i] = (uint8_t)(i * 7);
    vt_cursor_init(&c, buf, sizeof(buf), "t");
    vt_assert_ok(vt_sgx_report_body_parse_cursor(&c, &b));
    assert_int_equal(vt_cursor_pos(&c), VT_SGX_REPORT_BODY_LEN);
    /* Not enough left: fails without moving. */
    vt_assert_rc(vt_sgx_report_body_parse_cursor(&c, &b), VT_E_TRUNCATED);
    assert_int_equal(vt_cursor_pos(&c), VT_SGX_REPORT_BODY_LEN);

    uint8_t out[VT_SGX_REPORT_BODY_LEN];
    vt_writer_init(&w, out, sizeof(out) - 1);
    vt_assert_rc(vt_sgx_report_body_serialize_writer(&w, &b), VT_E_TOO_LARGE);
    vt_writer_init(&w, out, sizeof(out));
    vt_assert_ok(vt_sgx_report_body_serialize_writer(&w, &b));
    assert_memory_equal(out, buf, sizeof(out));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fields_come_from_their_offsets), cmocka_unit_test(exact_length_only),
        cmocka_unit_test(vector_bodies_round_trip),       cmocka_unit_test(debug_flag),
        cmocka_unit_test(cursor_and_writer_entry_points),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
