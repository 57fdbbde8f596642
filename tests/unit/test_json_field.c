/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Typed JSON field getters (src/collateral/json_field.c) and ISV-SVN levels
 * (src/collateral/isv_level.c): each type and range check with its exact code, and
 * outputs left untouched on failure.
 */
#include "test_util.h"

#include <jansson.h>
#include <string.h>

#include "collateral/isv_level.h"
#include "collateral/json_field.h"

static json_t *doc(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &err);
    assert_non_null(j);
    return j;
}

static void scalars(void **state)
{
    (void)state;
    json_t *j = doc("{\"n\":255,\"neg\":-1,\"real\":1.0,\"big\":65536,\"s\":\"x\",\"o\":{},"
                    "\"a\":[1],\"t\":\"2025-06-19T10:56:11Z\",\"bad_t\":\"2025-06-19\"}");
    uint64_t u = 7;
    const char *s = NULL;
    json_t *o = NULL;
    vt_time_t t = 0;
    vt_assert_ok(vt_json_field_get_uint(j, "n", "doc", 255, &u));
    assert_int_equal(u, 255);
    u = 7;
    vt_assert_rc(vt_json_field_get_uint(j, "n", "doc", 254, &u), VT_E_MALFORMED);
    vt_assert_rc(vt_json_field_get_uint(j, "neg", "doc", 255, &u), VT_E_MALFORMED);
    vt_assert_rc(vt_json_field_get_uint(j, "real", "doc", 255, &u), VT_E_MALFORMED);
    vt_assert_rc(vt_json_field_get_uint(j, "s", "doc", 255, &u), VT_E_MALFORMED);
    vt_assert_rc(vt_json_field_get_uint(j, "missing", "doc", 255, &u), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "doc: field \"missing\" is missing"));
    assert_int_equal(u, 7);
    vt_assert_ok(vt_json_field_get_string(j, "s", "doc", &s));
    assert_string_equal(s, "x");
    vt_assert_rc(vt_json_field_get_string(j, "n", "doc", &s), VT_E_MALFORMED);
    vt_assert_ok(vt_json_field_get_object(j, "o", "doc", &o));
    vt_assert_rc(vt_json_field_get_object(j, "a", "doc", &o), VT_E_MALFORMED);
    vt_assert_ok(vt_json_field_get_array(j, "a", "doc", 1, &o));
    vt_assert_rc(vt_json_field_get_array(j, "a", "doc", 2, &o), VT_E_MALFORMED);
    vt_assert_rc(vt_json_field_get_array(j, "o", "doc", 0, &o), VT_E_MALFORMED);
    vt_assert_ok(vt_json_field_get_time(j, "t", "doc", &t));
    assert_int_equal(t, 1750330571);
    vt_assert_rc(vt_json_field_get_time(j, "bad_t", "doc", &t), VT_E_MALFORMED);
    vt_assert_rc(vt_json_field_get_time(j, "n", "doc", &t), VT_E_MALFORMED);
    assert_int_equal(t, 1750330571);
    vt_assert_ok(vt_json_field_validate_optional_string(j, "none", "doc"));
    vt_assert_ok(vt_json_field_validate_optional_string(j, "s", "doc"));
    vt_assert_rc(vt_json_field_validate_optional_string(j, "n", "doc"), VT_E_MALFORMED);
    json_decref(j);
}

static void hex_and_status(void **state)
{
    (void)state;
    json_t *j = doc("{\"h\":\"0aFf\",\"odd\":\"0aF\",\"bad\":\"0aFg\",\"st\":\"OutOfDate\","
                    "\"st2\":\"Revoked\",\"st3\":\"upToDate\"}");
    uint8_t out[2] = {0x11, 0x22};
    vt_tcb_status_t st = VT_TCB_NOT_SUPPORTED;
    vt_assert_ok(vt_json_field_get_hex(j, "h", "doc", out, 2));
    assert_int_equal(out[0], 0x0a);
    assert_int_equal(out[1], 0xff);
    vt_assert_rc(vt_json_field_get_hex(j, "odd", "doc", out, 2), VT_E_MALFORMED);
    vt_assert_rc(vt_json_field_get_hex(j, "bad", "doc", out, 2), VT_E_MALFORMED);
    vt_assert_rc(vt_json_field_get_hex(j, "h", "doc", out, 1), VT_E_MALFORMED);
    assert_int_equal(out[0], 0x0a); /* untouched by the failures */
    unsigned allowed = VT_TCB_STATUS_BIT(VT_TCB_OUT_OF_DATE);
    vt_assert_ok(vt_json_field_get_status(j, "st", "doc", allowed, &st));
    assert_int_equal(st, VT_TCB_OUT_OF_DATE);
    vt_assert_rc(vt_json_field_get_status(j, "st2", "doc", allowed, &st), VT_E_MALFORMED);
    vt_assert_rc(vt_json_field_get_status(j, "st3", "doc", ~0u, &st), VT_E_MALFORMED);
    assert_int_equal(st, VT_TCB_OUT_OF_DATE);
    json_decref(j);
}

static void advisories(void **state)
{
    (void)state;
    char **ids = NULL;
    size_t n = 9;
    json_t *j = doc("{\"advisoryIDs\":[\"INTEL-SA-00001\",\"INTEL-SA-00002\"]}");
    vt_assert_ok(vt_json_field_get_advisories(j, "doc", &ids, &n));
    assert_int_equal(n, 2);
    assert_string_equal(ids[1], "INTEL-SA-00002");
    vt_json_field_free_strings(ids, n);
    json_decref(j);

    j = doc("{}");
    vt_assert_ok(vt_json_field_get_advisories(j, "doc", &ids, &n));
    assert_null(ids);
    assert_int_equal(n, 0);
    json_decref(j);

    static const char *const bad[] = {
        "{\"advisoryIDs\":{}}",
        "{\"advisoryIDs\":[\"A\",1]}",
        "{\"advisoryIDs\":[\"A B\"]}",
        "{\"advisoryIDs\":[\"\\u00e9\"]}",
        /* 65 characters, one over VT_ADVISORY_ID_MAX */
        "{\"advisoryIDs\":[\"01234567890123456789012345678901234567890123456789012345678901234\"]}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        j = doc(bad[i]);
        ids = NULL;
        vt_assert_rc(vt_json_field_get_advisories(j, "doc", &ids, &n), VT_E_MALFORMED);
        assert_null(ids);
        json_decref(j);
    }
}

static void isv_levels(void **state)
{
    (void)state;
    vt_isv_level_t *levels = NULL;
    size_t n = 0;
    unsigned allowed = VT_TCB_STATUS_BIT(VT_TCB_UP_TO_DATE) | VT_TCB_STATUS_BIT(VT_TCB_REVOKED);
    json_t *j =
        doc("{\"tcbLevels\":[{\"tcb\":{\"isvsvn\":65535},\"tcbDate\":\"2024-01-01T00:00:00Z\","
            "\"tcbStatus\":\"UpToDate\",\"advisoryIDs\":[\"X-1\"]},{\"tcb\":{\"isvsvn\":0},"
            "\"tcbDate\":\"2023-01-01T00:00:00Z\",\"tcbStatus\":\"Revoked\"}]}");
    vt_assert_ok(vt_isv_level_parse_array(j, "doc", allowed, &levels, &n));
    assert_int_equal(n, 2);
    assert_int_equal(levels[0].isv_svn, 65535);
    assert_int_equal(levels[0].advisory_count, 1);
    assert_int_equal(levels[1].status, VT_TCB_REVOKED);
    vt_isv_level_free_array(levels, n);
    json_decref(j);

    /* A failure in the second level frees the first one's advisory ids (ASan checks). */
    j = doc("{\"tcbLevels\":[{\"tcb\":{\"isvsvn\":1},\"tcbDate\":\"2024-01-01T00:00:00Z\","
            "\"tcbStatus\":\"UpToDate\",\"advisoryIDs\":[\"X-1\"]},{\"tcb\":{\"isvsvn\":65536},"
            "\"tcbDate\":\"2023-01-01T00:00:00Z\",\"tcbStatus\":\"Revoked\"}]}");
    levels = NULL;
    vt_assert_rc(vt_isv_level_parse_array(j, "doc", allowed, &levels, &n), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "doc: tcbLevels[1]"));
    assert_null(levels);
    json_decref(j);
    vt_isv_level_free_array(NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scalars),
        cmocka_unit_test(hex_and_status),
        cmocka_unit_test(advisories),
        cmocka_unit_test(isv_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
