/* SPDX-License-Identifier: Apache-2.0 */
#include "test_util.h"

static void round_trip_and_case(void **state)
{
    (void)state;
    const uint8_t in[] = {0x90, 0xc0, 0x6f, 0x00, 0x00, 0xff};
    char text[13];
    uint8_t out[6];
    vt_hex_encode(in, sizeof(in), text);
    assert_string_equal(text, "90c06f0000ff");
    vt_assert_ok(vt_hex_decode("90C06F0000FF", 12, out, 6));
    assert_memory_equal(in, out, 6);
    vt_assert_ok(vt_hex_decode("", 0, out, 0));
}

static void rejects_bad_input(void **state)
{
    (void)state;
    uint8_t out[3];
    vt_assert_rc(vt_hex_decode("abcd", 4, out, 3), VT_E_MALFORMED);
    vt_assert_rc(vt_hex_decode("abcdef0", 7, out, 3), VT_E_MALFORMED);
    vt_assert_rc(vt_hex_decode("abcdeg", 6, out, 3), VT_E_MALFORMED);
    vt_assert_rc(vt_hex_decode("ab cd ", 6, out, 3), VT_E_MALFORMED);
    vt_assert_rc(vt_hex_decode("0x0000", 6, out, 3), VT_E_MALFORMED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_and_case),
        cmocka_unit_test(rejects_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
