/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/evidence/sgx_target_info.c: sgx_target_info_t (veritee/evidence.h). */
#include "test_util.h"

#include <string.h>
#include <veritee/evidence.h>

/* Byte i is i & 0xff, so every field shows the offset it came from. */
static void fill_pattern(uint8_t buf[VT_SGX_TARGET_INFO_LEN])
{
    for (size_t i = 0; i < VT_SGX_TARGET_INFO_LEN; i++) buf[i] = (uint8_t)i;
}

static void fields_come_from_their_offsets(void **state)
{
    (void)state;
    uint8_t buf[VT_SGX_TARGET_INFO_LEN], out[VT_SGX_TARGET_INFO_LEN];
    vt_sgx_target_info_t t;
    fill_pattern(buf);
    vt_assert_ok(vt_sgx_target_info_parse(buf, sizeof(buf), &t));
    assert_int_equal(t.mr_enclave[0], 0);
    assert_int_equal(t.mr_enclave[31], 31);
    assert_int_equal(t.attributes[0], 32); /* flags */
    assert_int_equal(t.attributes[8], 40); /* xfrm */
    assert_int_equal(t.attributes[15], 47);
    assert_int_equal(t.reserved1[0], 48);
    assert_int_equal(t.config_svn, 0x3332);       /* offset 50 */
    assert_int_equal(t.misc_select, 0x37363534u); /* 52 */
    assert_int_equal(t.reserved2[0], 56);
    assert_int_equal(t.config_id[0], 64);
    assert_int_equal(t.config_id[63], 127);
    assert_int_equal(t.reserved3[0], 128);
    assert_int_equal(t.reserved3[383], 511 & 0xff);
    vt_sgx_target_info_serialize(&t, out);
    assert_memory_equal(out, buf, sizeof(buf));
}

static void exact_length_only(void **state)
{
    (void)state;
    uint8_t buf[VT_SGX_TARGET_INFO_LEN + 1] = {0};
    vt_sgx_target_info_t t;
    memset(&t, 0xaa, sizeof(t));
    for (size_t n = 0; n < VT_SGX_TARGET_INFO_LEN; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, buf, n);
        vt_assert_rc(vt_sgx_target_info_parse(copy, n, &t), VT_E_TRUNCATED);
        free(copy);
    }
    assert_non_null(strstr(vt_last_error(), "sgx_target_info: 511 bytes, expected 512"));
    /* Nothing is written on failure. */
    assert_int_equal(t.config_svn, 0xaaaa);
    vt_assert_rc(vt_sgx_target_info_parse(buf, sizeof(buf), &t), VT_E_TRAILING_DATA);
    assert_non_null(strstr(vt_last_error(), "sgx_target_info: 513 bytes, expected 512"));
    assert_int_equal(t.config_svn, 0xaaaa);
    vt_assert_ok(vt_sgx_target_info_parse(buf, VT_SGX_TARGET_INFO_LEN, &t));
    assert_int_equal(t.config_svn, 0);
}

/* EREPORT ignores reserved bytes; the parser keeps them for an exact round trip. */
static void reserved_bytes_are_kept_not_checked(void **state)
{
    (void)state;
    uint8_t buf[VT_SGX_TARGET_INFO_LEN] = {0}, out[VT_SGX_TARGET_INFO_LEN];
    vt_sgx_target_info_t t;
    buf[48] = 0x01;  /* reserved1 */
    buf[56] = 0x02;  /* reserved2 */
    buf[511] = 0x03; /* reserved3 */
    vt_assert_ok(vt_sgx_target_info_parse(buf, sizeof(buf), &t));
    assert_int_equal(t.reserved1[0], 1);
    assert_int_equal(t.reserved2[0], 2);
    assert_int_equal(t.reserved3[383], 3);
    vt_sgx_target_info_serialize(&t, out);
    assert_memory_equal(out, buf, sizeof(buf));
}

static void serialize_fields_land_at_their_offsets(void **state)
{
    (void)state;
    vt_sgx_target_info_t t = {.config_svn = 0x0102, .misc_select = 0x0a0b0c0d};
    uint8_t out[VT_SGX_TARGET_INFO_LEN];
    memset(t.mr_enclave, 0xe1, sizeof(t.mr_enclave));
    t.attributes[0] = 0x07;
    t.attributes[8] = 0xe7;
    memset(t.config_id, 0xc1, sizeof(t.config_id));
    vt_sgx_target_info_serialize(&t, out);
    assert_int_equal(out[0], 0xe1);
    assert_int_equal(out[31], 0xe1);
    assert_int_equal(out[32], 0x07);
    assert_int_equal(out[40], 0xe7);
    assert_int_equal(out[50], 0x02);
    assert_int_equal(out[51], 0x01);
    assert_int_equal(out[52], 0x0d);
    assert_int_equal(out[55], 0x0a);
    assert_int_equal(out[64], 0xc1);
    assert_int_equal(out[127], 0xc1);
    for (size_t i = 128; i < sizeof(out); i++) assert_int_equal(out[i], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fields_come_from_their_offsets),
        cmocka_unit_test(exact_length_only),
        cmocka_unit_test(reserved_bytes_are_kept_not_checked),
        cmocka_unit_test(serialize_fields_land_at_their_offsets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
