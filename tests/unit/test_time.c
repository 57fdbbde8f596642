/* SPDX-License-Identifier: Apache-2.0 */
#include "test_util.h"

static void parses_rfc3339(void **state)
{
    (void)state;
    vt_time_t t;
    char text[VT_TIME_TEXT_LEN];
    vt_assert_ok(vt_time_parse("2025-02-13T04:00:32Z", &t));
    assert_int_equal(t, 1739419232);
    vt_time_format(t, text);
    assert_string_equal(text, "2025-02-13T04:00:32Z");
    vt_assert_ok(vt_time_parse("2025-02-13T06:00:32.123+02:00", &t));
    assert_int_equal(t, 1739419232);
    vt_assert_ok(vt_time_parse("2025-02-13T00:00:32-04:00", &t));
    assert_int_equal(t, 1739419232);
    vt_assert_ok(vt_time_parse("2024-02-29T00:00:00Z", &t));
    vt_assert_ok(vt_time_parse("1970-01-01T00:00:00Z", &t));
    assert_int_equal(t, 0);
}

static void rejects_malformed(void **state)
{
    (void)state;
    vt_time_t t;
    const char *bad[] = {
        "",
        "2025-02-13",
        "2025-02-13T04:00:32",
        "2025-02-13T04:00:32ZZ",
        "2025-13-13T04:00:32Z",
        "2025-02-30T04:00:32Z",
        "2023-02-29T04:00:32Z",
        "2025-02-13T24:00:32Z",
        "2025-02-13T04:60:32Z",
        "2025/02/13T04:00:32Z",
        "2025-02-13T04:00:32+0200",
        "2025-02-13T04:00:32.Z",
        "+025-02-13T04:00:32Z",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        vt_assert_rc(vt_time_parse(bad[i], &t), VT_E_MALFORMED);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_rfc3339),
        cmocka_unit_test(rejects_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
