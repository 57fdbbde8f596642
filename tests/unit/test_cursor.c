/* SPDX-License-Identifier: Apache-2.0 */
#include "test_util.h"

#include <string.h>

#include "common/cursor.h"

static const uint8_t data[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};

static void reads_little_and_big_endian(void **state)
{
    (void)state;
    vt_cursor_t c;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    vt_cursor_init(&c, data, sizeof(data), "t");
    vt_assert_ok(vt_cursor_read_u8(&c, &u8));
    assert_int_equal(u8, 0x01);
    vt_assert_ok(vt_cursor_read_u16le(&c, &u16));
    assert_int_equal(u16, 0x0302);
    vt_assert_ok(vt_cursor_read_u16be(&c, &u16));
    assert_int_equal(u16, 0x0405);
    vt_assert_ok(vt_cursor_read_u32le(&c, &u32));
    assert_int_equal(u32, 0x09080706);
    assert_int_equal(vt_cursor_remaining(&c), 0);
    vt_assert_ok(vt_cursor_expect_end(&c));

    uint64_t u64;
    vt_cursor_init(&c, data, sizeof(data), "t");
    vt_assert_ok(vt_cursor_read_u64le(&c, &u64));
    assert_true(u64 == 0x0807060504030201ull);
    vt_cursor_init(&c, data, sizeof(data), "t");
    vt_assert_ok(vt_cursor_read_u32be(&c, &u32));
    assert_int_equal(u32, 0x01020304);
}

static void failed_read_leaves_position(void **state)
{
    (void)state;
    vt_cursor_t c;
    uint32_t u32;
    uint64_t u64;
    const uint8_t *p;
    uint8_t buf[16];
    vt_cursor_init(&c, data, sizeof(data), "t");
    vt_assert_ok(vt_cursor_skip(&c, 6));
    vt_assert_rc(vt_cursor_read_u32le(&c, &u32), VT_E_TRUNCATED);
    vt_assert_rc(vt_cursor_read_u64le(&c, &u64), VT_E_TRUNCATED);
    vt_assert_rc(vt_cursor_borrow(&c, 4, &p), VT_E_TRUNCATED);
    vt_assert_rc(vt_cursor_read_bytes(&c, buf, 4), VT_E_TRUNCATED);
    vt_assert_rc(vt_cursor_skip(&c, SIZE_MAX), VT_E_TRUNCATED);
    assert_int_equal(vt_cursor_pos(&c), 6);
    assert_non_null(strstr(vt_last_error(), "t: truncated at offset 6"));
    vt_assert_rc(vt_cursor_expect_end(&c), VT_E_TRAILING_DATA);
}

static void sub_cursor_is_bounded(void **state)
{
    (void)state;
    vt_cursor_t c, sub;
    uint32_t u32;
    uint16_t u16;
    vt_cursor_init(&c, data, sizeof(data), "outer");
    vt_assert_ok(vt_cursor_sub(&c, 3, &sub, "inner"));
    vt_assert_rc(vt_cursor_read_u32le(&sub, &u32), VT_E_TRUNCATED);
    assert_non_null(strstr(vt_last_error(), "inner"));
    vt_assert_ok(vt_cursor_read_u16le(&sub, &u16));
    vt_assert_rc(vt_cursor_expect_end(&sub), VT_E_TRAILING_DATA);
    assert_int_equal(vt_cursor_pos(&c), 3);
    vt_assert_rc(vt_cursor_sub(&c, 7, &sub, "x"), VT_E_TRUNCATED);
}

static void empty_and_null_input(void **state)
{
    (void)state;
    vt_cursor_t c;
    uint8_t u8;
    vt_cursor_init(&c, NULL, 100, "t");
    assert_int_equal(vt_cursor_remaining(&c), 0);
    vt_assert_rc(vt_cursor_read_u8(&c, &u8), VT_E_TRUNCATED);
    vt_assert_ok(vt_cursor_expect_end(&c));
}

static void writer_fixed_and_growable(void **state)
{
    (void)state;
    uint8_t buf[4];
    vt_writer_t w;
    vt_writer_init(&w, buf, sizeof(buf));
    vt_assert_ok(vt_writer_u16le(&w, 0x0201));
    vt_assert_rc(vt_writer_u32le(&w, 1), VT_E_TOO_LARGE);
    assert_int_equal(w.len, 2);
    vt_assert_ok(vt_writer_u16le(&w, 0x0403));
    assert_memory_equal(buf, data, 4);
    vt_assert_rc(vt_writer_patch_u32le(&w, 1, 0), VT_E_INVALID_ARG);

    vt_writer_init_growable(&w);
    for (int i = 0; i < 1000; i++) vt_assert_ok(vt_writer_u64le(&w, (uint64_t)i));
    vt_assert_ok(vt_writer_zeros(&w, 3));
    vt_assert_ok(vt_writer_patch_u32le(&w, 8, 0xdeadbeef));
    size_t len;
    uint8_t *p = vt_writer_take(&w, &len);
    assert_int_equal(len, 8003);
    assert_int_equal(p[8], 0xef);
    assert_int_equal(p[16], 2);
    free(p);
    vt_writer_cleanup(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_little_and_big_endian),
        cmocka_unit_test(failed_read_leaves_position),
        cmocka_unit_test(sub_cursor_is_bounded),
        cmocka_unit_test(empty_and_null_input),
        cmocka_unit_test(writer_fixed_and_growable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
