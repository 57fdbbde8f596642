/* SPDX-License-Identifier: Apache-2.0 */
#include "test_util.h"

#include <string.h>

#include "common/error.h"

static void every_code_has_a_string_and_category(void **state)
{
    (void)state;
    for (int rc = VT__E_BASE + 1; rc < VT__E_END; rc++) {
        assert_string_not_equal(vt_error_name(rc), "unknown");
        assert_string_not_equal(vt_strerror(rc), "unknown error");
        assert_int_not_equal(vt_error_type(rc), VT_ET_OK);
    }
    assert_int_equal(vt_error_type(0), VT_ET_OK);
    assert_string_equal(vt_error_name(0), "VT_OK");
    assert_string_equal(vt_error_name(12345), "unknown");
    assert_int_equal(vt_error_type(12345), VT_ET_INTERNAL);
    assert_int_equal(vt_error_type(VT_E_TRUNCATED), VT_ET_PARSE);
    assert_int_equal(vt_error_type(VT_E_SIGNATURE), VT_ET_REJECT);
    assert_int_equal(vt_error_type(VT_E_NOT_FOUND), VT_ET_IO);
    assert_int_equal(vt_error_type(VT_E_INVALID_ARG), VT_ET_USAGE);
}

static int fails_with_detail(int x)
{
    VT_ENSURE(x > 0, VT_E_MALFORMED, "thing: value %d, expected > 0", x);
    return 0;
}

static void detail_and_wrap(void **state)
{
    (void)state;
    vt_error_clear();
    assert_string_equal(vt_last_error(), "");
    vt_assert_rc(fails_with_detail(-3), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "thing: value -3, expected > 0"));
    assert_int_equal(vt_error_wrap(VT_E_MALFORMED, "step %d", 2), VT_E_MALFORMED);
    assert_true(strncmp(vt_last_error(), "step 2: thing: value -3", 23) == 0);
    vt_assert_ok(fails_with_detail(1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_code_has_a_string_and_category),
        cmocka_unit_test(detail_and_wrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
