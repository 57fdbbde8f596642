/* SPDX-License-Identifier: Apache-2.0 */
/* vt_sim_td_config_parse: the strict TD configuration parser. */
#include "test_util.h"

#include <stdio.h>
#include <string.h>

#include <veritee/sim.h>

#define H8(c)  c c c c c c c c
#define H48(c) H8(c) H8(c) H8(c) H8(c) H8(c) H8(c) H8(c) H8(c) H8(c) H8(c) H8(c) H8(c)

static int parse(const char *text, vt_td_report_body_t *b)
{
    return vt_sim_td_config_parse((const uint8_t *)text, strlen(text), b);
}

static void accepts_a_full_config(void **state)
{
    (void)state;
    vt_td_report_body_t b;
    const char
        *
            text = "{\"mrtd\":\"" H48("a") "\",\"rtmr0\":\"" H48("0") "\",\"rtmr1\":\"" H48("1") "\",\"rtmr2\":\"" H48(
                "2") "\",\"rtmr3\":\"" H48("3") "\",\"mrconfigid\":\"" H48("c") "\",\"mrowner\":"
                                                                                "\"" H48("D") "\","
                                                                                              "\"mr"
                                                                                              "owne"
                                                                                              "rcon"
                                                                                              "fig"
                                                                                              "\":"
                                                                                              "\"" H48("e") "\",\"td_attributes\":\"0000001000000000\",\"xfam\":\"e702060000000000\"}";
    vt_assert_ok(parse(text, &b));
    assert_int_equal(b.mr_td[0], 0xaa);
    assert_int_equal(b.mr_td[47], 0xaa);
    assert_int_equal(b.rtmr[3][10], 0x33);
    assert_int_equal(b.mr_owner[0], 0xdd);
    assert_int_equal(vt_td_attributes(&b), 1ull << 28);
    assert_int_equal(b.xfam[0], 0xe7);
    assert_int_equal(b.tee_tcb_svn[0], 0); /* not the TD's to set */
}

static void optional_fields_default_to_zero(void **state)
{
    (void)state;
    vt_td_report_body_t b;
    memset(&b, 0x55, sizeof(b));
    vt_assert_ok(parse(" {\"mrtd\":\"" H48("1") "\"}\n", &b));
    assert_int_equal(b.rtmr[0][0], 0);
    assert_int_equal(vt_td_attributes(&b), 0);
}

static void rejects_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "[]",
        "\"mrtd\"",
        "{}",                                                     /* mrtd missing */
        "{\"rtmr0\":\"" H48("0") "\"}",                           /* mrtd missing */
        "{\"mrtd\":\"" H48("a") "0\"}",                           /* odd length */
        "{\"mrtd\":\"" H48("a") "00\"}",                          /* too long */
        "{\"mrtd\":\"" H48("g") "\"}",                            /* not hex */
        "{\"mrtd\":5}",                                           /* not a string */
        "{\"mrtd\":\"" H48("a") "\",\"mrtd\":\"" H48("b") "\"}",  /* duplicate */
        "{\"mrtd\":\"" H48("a") "\",\"rtmr4\":\"" H48("b") "\"}", /* unknown */
        "{\"mrtd\":\"" H48("a") "\",\"td_attributes\":\"00\"}",   /* short */
        "{\"mrtd\":\"" H48("a") "\"} {}",                         /* trailing */
        "{\"mrtd\":\"" H48("a") "\"",                             /* truncated */
        "{\"mrtd\":null}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        vt_td_report_body_t b;
        memset(&b, 0x77, sizeof(b));
        int rc = parse(bad[i], &b);
        if (rc != VT_E_MALFORMED) {
            print_error("case %zu: rc %s, expected VT_E_MALFORMED\n", i, vt_error_name(rc));
            fail();
        }
        assert_int_equal(b.mr_td[0], 0x77); /* untouched on failure */
    }
}

static void caps_size(void **state)
{
    (void)state;
    static char big[VT_SIM_TD_CONFIG_MAX + 2];
    vt_td_report_body_t b;
    memset(big, ' ', sizeof(big) - 1);
    big[0] = '{';
    big[sizeof(big) - 2] = '}';
    vt_assert_rc(vt_sim_td_config_parse((const uint8_t *)big, sizeof(big) - 1, &b), VT_E_TOO_LARGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_a_full_config),
        cmocka_unit_test(optional_fields_default_to_zero),
        cmocka_unit_test(rejects_malformed),
        cmocka_unit_test(caps_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
