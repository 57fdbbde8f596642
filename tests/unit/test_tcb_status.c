/* SPDX-License-Identifier: Apache-2.0 */
/* vt_tcb_status_name / vt_tcb_status_from_name: Intel's words, both directions. */
#include "test_util.h"

#include <string.h>

#include <veritee/collateral.h>

static void names_round_trip(void **state)
{
    (void)state;
    for (int i = 0; i < VT_TCB_STATUS_COUNT; i++) {
        vt_tcb_status_t s = VT_TCB_STATUS_COUNT;
        vt_assert_ok(vt_tcb_status_from_name(vt_tcb_status_name((vt_tcb_status_t)i), &s));
        assert_int_equal(s, i);
    }
}

static void names_are_intels_words(void **state)
{
    (void)state;
    assert_string_equal(vt_tcb_status_name(VT_TCB_UP_TO_DATE), "UpToDate");
    assert_string_equal(vt_tcb_status_name(VT_TCB_SW_HARDENING_NEEDED), "SWHardeningNeeded");
    assert_string_equal(vt_tcb_status_name(VT_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED),
                        "ConfigurationAndSWHardeningNeeded");
    assert_string_equal(vt_tcb_status_name(VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED),
                        "OutOfDateConfigurationNeeded");
    assert_string_equal(vt_tcb_status_name(VT_TCB_TD_RELAUNCH_ADVISED), "TDRelaunchAdvised");
    assert_string_equal(vt_tcb_status_name(VT_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED),
                        "TDRelaunchAdvisedConfigurationNeeded");
    assert_string_equal(vt_tcb_status_name(VT_TCB_REVOKED), "Revoked");
    assert_string_equal(vt_tcb_status_name(VT_TCB_NOT_SUPPORTED), "TcbNotSupported");
    assert_string_equal(vt_tcb_status_name(VT_TCB_STATUS_COUNT), "Unknown");
    assert_string_equal(vt_tcb_status_name((vt_tcb_status_t)-1), "Unknown");
}

static void unknown_words_are_rejected(void **state)
{
    (void)state;
    vt_tcb_status_t s = VT_TCB_REVOKED;
    static const char *const bad[] = {"",          "uptodate", "UpToDate ",
                                      " UpToDate", "Unknown",  "OutOfDateConfigurationNeededX",
                                      "UpTo"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        vt_assert_rc(vt_tcb_status_from_name(bad[i], &s), VT_E_MALFORMED);
        assert_int_equal(s, VT_TCB_REVOKED); /* untouched on failure */
    }
    assert_non_null(strstr(vt_last_error(), "tcb status"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_round_trip),
        cmocka_unit_test(names_are_intels_words),
        cmocka_unit_test(unknown_words_are_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
