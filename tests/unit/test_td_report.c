/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/evidence/td_report.c: TD 1.0 and TD 1.5 report bodies (dcap.md §2.3). */
#include "test_util.h"

#include <string.h>
#include <veritee/evidence.h>

#include "common/cursor.h"
#include "evidence/td_report.h"

static void fill_pattern(uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)(i ^ (i >> 8));
}

static uint8_t pat(size_t i)
{
    return (uint8_t)(i ^ (i >> 8));
}

static void serialize(vt_body_type_t type, const vt_td_report_body_t *b, uint8_t *out, size_t cap,
                      size_t *len)
{
    vt_writer_t w;
    vt_writer_init(&w, out, cap);
    vt_assert_ok(vt_td_report_body_serialize_writer(&w, type, b));
    *len = w.len;
}

static void td15_fields_come_from_their_offsets(void **state)
{
    (void)state;
    uint8_t buf[VT_TD15_REPORT_BODY_LEN], out[VT_TD15_REPORT_BODY_LEN];
    size_t n;
    vt_td_report_body_t b;
    fill_pattern(buf, sizeof(buf));
    vt_assert_ok(vt_td_report_body_parse(buf, sizeof(buf), &b));
    assert_int_equal(b.tee_tcb_svn[0], pat(0));
    assert_int_equal(b.mr_seam[0], pat(16));
    assert_int_equal(b.mr_signer_seam[0], pat(64));
    assert_int_equal(b.seam_attributes[0], pat(112));
    assert_int_equal(b.td_attributes[0], pat(120));
    assert_int_equal(b.xfam[0], pat(128));
    assert_int_equal(b.mr_td[0], pat(136));
    assert_int_equal(b.mr_config_id[0], pat(184));
    assert_int_equal(b.mr_owner[0], pat(232));
    assert_int_equal(b.mr_owner_config[0], pat(280));
    assert_int_equal(b.rtmr[0][0], pat(328));
    assert_int_equal(b.rtmr[1][0], pat(376));
    assert_int_equal(b.rtmr[2][0], pat(424));
    assert_int_equal(b.rtmr[3][47], pat(519));
    assert_int_equal(b.report_data[0], pat(520));
    assert_int_equal(b.tee_tcb_svn2[0], pat(584));
    assert_int_equal(b.mr_servicetd[0], pat(600));
    assert_int_equal(b.mr_servicetd[47], pat(647));
    uint64_t attr = 0;
    for (int i = 7; i >= 0; i--) attr = (attr << 8) | pat(120 + (size_t)i);
    assert_true(vt_td_attributes(&b) == attr);

    serialize(VT_BODY_TD15, &b, out, sizeof(out), &n);
    assert_int_equal(n, VT_TD15_REPORT_BODY_LEN);
    assert_memory_equal(out, buf, sizeof(buf));
}

static void td10_has_no_td15_fields(void **state)
{
    (void)state;
    uint8_t buf[VT_TD10_REPORT_BODY_LEN], out[VT_TD15_REPORT_BODY_LEN];
    static const uint8_t zero[48];
    size_t n;
    vt_td_report_body_t b;
    fill_pattern(buf, sizeof(buf));
    vt_assert_ok(vt_td_report_body_parse(buf, sizeof(buf), &b));
    assert_memory_equal(b.tee_tcb_svn2, zero, sizeof(b.tee_tcb_svn2));
    assert_memory_equal(b.mr_servicetd, zero, sizeof(b.mr_servicetd));
    serialize(VT_BODY_TD10, &b, out, sizeof(out), &n);
    assert_int_equal(n, VT_TD10_REPORT_BODY_LEN);
    assert_memory_equal(out, buf, sizeof(buf));
}

static void only_584_or_648_bytes(void **state)
{
    (void)state;
    uint8_t buf[VT_TD15_REPORT_BODY_LEN + 1] = {0};
    vt_td_report_body_t b;
    for (size_t n = 0; n < VT_TD10_REPORT_BODY_LEN; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, buf, n);
        vt_assert_rc(vt_td_report_body_parse(copy, n, &b), VT_E_TRUNCATED);
        free(copy);
    }
    vt_assert_ok(vt_td_report_body_parse(buf, VT_TD10_REPORT_BODY_LEN, &b));
    for (size_t n = VT_TD10_REPORT_BODY_LEN + 1; n < VT_TD15_REPORT_BODY_LEN; n++) {
        vt_assert_rc(vt_td_report_body_parse(buf, n, &b), VT_E_MALFORMED);
    }
    assert_non_null(strstr(vt_last_error(), "td_report: body size 647, expected 584 or 648"));
    vt_assert_ok(vt_td_report_body_parse(buf, VT_TD15_REPORT_BODY_LEN, &b));
    vt_assert_rc(vt_td_report_body_parse(buf, sizeof(buf), &b), VT_E_MALFORMED);
}

static void vector_bodies(void **state)
{
    (void)state;
    static const struct {
        const char *id;
        size_t off;
        vt_body_type_t type;
        uint64_t attributes;
        uint8_t mr_td[4];
    } v[] = {
        {"tdx-v4-dcaprs-00806f050000",
         48,
         VT_BODY_TD10,
         VT_TD_ATTR_SEPT_VE_DISABLE,
         {0x93, 0x5b, 0xe7, 0x74}},
        {"tdx-v4-gotdx-spr-notcblevel", 48, VT_BODY_TD10, 1ull << 30, {0x63, 0x63, 0xb8, 0x04}},
        {"tdx-v4-phala-uptodate",
         48,
         VT_BODY_TD10,
         VT_TD_ATTR_SEPT_VE_DISABLE,
         {0x91, 0xeb, 0x2b, 0x44}},
        {"tdx-v5-alibaba-automata0625",
         54,
         VT_BODY_TD15,
         VT_TD_ATTR_SEPT_VE_DISABLE,
         {0x15, 0x77, 0x68, 0xa7}},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        uint8_t *q, out[VT_TD15_REPORT_BODY_LEN];
        size_t len, n, blen = vt_td_report_body_len(v[i].type);
        vt_td_report_body_t b;
        vt_test_read_vector(v[i].id, "quote.bin", &q, &len);
        vt_assert_ok(vt_td_report_body_parse(q + v[i].off, blen, &b));
        assert_memory_equal(b.mr_td, v[i].mr_td, 4);
        assert_true(vt_td_attributes(&b) == v[i].attributes);
        assert_false(vt_td_attributes(&b) & VT_TD_ATTR_DEBUG);
        serialize(v[i].type, &b, out, sizeof(out), &n);
        assert_int_equal(n, blen);
        assert_memory_equal(out, q + v[i].off, blen);
        free(q);
    }
}

static void bad_body_type(void **state)
{
    (void)state;
    uint8_t buf[VT_TD15_REPORT_BODY_LEN] = {0};
    vt_cursor_t c;
    vt_writer_t w;
    vt_td_report_body_t b;
    memset(&b, 0, sizeof(b));
    vt_cursor_init(&c, buf, sizeof(buf), "t");
    vt_assert_rc(vt_td_report_body_parse_cursor(&c, VT_BODY_SGX, &b), VT_E_INVALID_ARG);
    vt_writer_init(&w, buf, sizeof(buf));
    vt_assert_rc(vt_td_report_body_serialize_writer(&w, VT_BODY_SGX, &b), VT_E_INVALID_ARG);
    assert_int_equal(vt_td_report_body_len(VT_BODY_SGX), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(td15_fields_come_from_their_offsets),
        cmocka_unit_test(td10_has_no_td15_fields),
        cmocka_unit_test(only_584_or_648_bytes),
        cmocka_unit_test(vector_bodies),
        cmocka_unit_test(bad_body_type),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
