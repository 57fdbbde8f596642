/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/secretprov/wire.c: the secret provisioning wire codec (veritee/secretprov.h). */
#include "test_util.h"

#include <string.h>
#include <veritee/secretprov.h>

/* Gramine's bytes, spelled out here rather than taken from the header under test. */
static const uint8_t gramine_request[35] = "SECRET_PROVISION_RA_TLS_REQUEST_V1";
static const uint8_t gramine_response_magic[37] = "SECRET_PROVISION_RA_TLS_RESPONSE_V1:";

static void gramine_request_is_byte_exact(void **state)
{
    (void)state;
    uint8_t buf[VT_SECRETPROV_REQUEST_MAX];
    size_t len = 0, req_len = 0;
    vt_assert_ok(vt_secretprov_request_serialize(NULL, buf, sizeof(buf), &len));
    assert_int_equal(len, 35);
    assert_memory_equal(buf, gramine_request, 35);
    assert_int_equal(buf[34], 0);

    vt_secretprov_request_t req;
    memset(&req, 0xaa, sizeof(req));
    vt_assert_ok(vt_secretprov_request_parse(gramine_request, 35, &req, &req_len));
    assert_int_equal(req.kind, VT_SECRETPROV_REQ_GRAMINE);
    assert_int_equal(req.name_len, 0);
    assert_string_equal(req.name, "");
    assert_int_equal(req_len, 35);
}

/* Both request magics are 35 bytes: a server reads the same first 35 bytes either way. */
static void named_request_layout(void **state)
{
    (void)state;
    uint8_t buf[VT_SECRETPROV_REQUEST_MAX];
    size_t len = 0, req_len = 0;
    vt_assert_ok(vt_secretprov_request_serialize("db-key_1.v2", buf, sizeof(buf), &len));
    assert_int_equal(len, 35 + 2 + 11);
    assert_memory_equal(buf, "VERITEE_SECRET_PROVISION_REQ_NAMED", 35);
    assert_int_equal(buf[35], 0);
    assert_int_equal(buf[36], 11);
    assert_memory_equal(buf + 37, "db-key_1.v2", 11);
    assert_memory_not_equal(buf, gramine_request, 35);

    vt_secretprov_request_t req;
    vt_assert_ok(vt_secretprov_request_parse(buf, len, &req, &req_len));
    assert_int_equal(req.kind, VT_SECRETPROV_REQ_NAMED);
    assert_int_equal(req.name_len, 11);
    assert_string_equal(req.name, "db-key_1.v2");
    assert_int_equal(req_len, len);
}

static void longest_name_and_length_bytes_are_big_endian(void **state)
{
    (void)state;
    char name[VT_SECRETPROV_NAME_MAX + 2];
    memset(name, 'a', sizeof(name));
    name[VT_SECRETPROV_NAME_MAX] = '\0';
    uint8_t buf[VT_SECRETPROV_REQUEST_MAX];
    size_t len = 0, req_len = 0;
    vt_assert_ok(vt_secretprov_request_serialize(name, buf, sizeof(buf), &len));
    assert_int_equal(len, VT_SECRETPROV_REQUEST_MAX);
    assert_int_equal(buf[35], 0x00);
    assert_int_equal(buf[36], 0xff);
    vt_secretprov_request_t req;
    vt_assert_ok(vt_secretprov_request_parse(buf, len, &req, &req_len));
    assert_int_equal(req.name_len, 255);
    assert_string_equal(req.name, name);

    /* 256 bytes: too long to send and refused when received (length 0x0100). */
    name[VT_SECRETPROV_NAME_MAX] = 'a';
    name[VT_SECRETPROV_NAME_MAX + 1] = '\0';
    vt_assert_rc(vt_secretprov_request_serialize(name, buf, sizeof(buf), &len), VT_E_INVALID_ARG);
    buf[35] = 0x01;
    buf[36] = 0x00;
    vt_assert_rc(vt_secretprov_request_parse(buf, sizeof(buf), &req, &req_len), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "name length 256"));
    /* The high byte matters: 0x01ff is not 0xff. */
    buf[36] = 0xff;
    vt_assert_rc(vt_secretprov_request_parse(buf, sizeof(buf), &req, &req_len), VT_E_MALFORMED);
}

static void serialize_checks_the_buffer(void **state)
{
    (void)state;
    uint8_t buf[VT_SECRETPROV_REQUEST_MAX];
    size_t len = 7;
    vt_assert_rc(vt_secretprov_request_serialize(NULL, buf, 34, &len), VT_E_TOO_LARGE);
    vt_assert_rc(vt_secretprov_request_serialize("abc", buf, 39, &len), VT_E_TOO_LARGE);
    assert_int_equal(len, 7);
    vt_assert_ok(vt_secretprov_request_serialize("abc", buf, 40, &len));
    assert_int_equal(len, 40);
}

static void name_alphabet(void **state)
{
    (void)state;
    const char *good[] = {"a", "Z", "0", "default", "A.b_c-d", "9..", "x-", NULL};
    const char *bad[] = {"",    ".",    "..",  "-a", "_a",   ".hidden", "a/b",
                         "a b", "a\\b", "a:b", "é",  "a\tb", "a\nb",    NULL};
    for (size_t i = 0; good[i]; i++)
        vt_assert_ok(vt_secretprov_name_validate(good[i], strlen(good[i])));
    for (size_t i = 0; bad[i]; i++) {
        vt_assert_rc(vt_secretprov_name_validate(bad[i], strlen(bad[i])), VT_E_INVALID_ARG);
        uint8_t buf[VT_SECRETPROV_REQUEST_MAX];
        size_t len = 0;
        vt_assert_rc(vt_secretprov_request_serialize(bad[i], buf, sizeof(buf), &len),
                     VT_E_INVALID_ARG);
    }
    vt_assert_rc(vt_secretprov_name_validate(NULL, 1), VT_E_INVALID_ARG);
    /* An embedded NUL is outside the alphabet too. */
    vt_assert_rc(vt_secretprov_name_validate("ab\0c", 4), VT_E_INVALID_ARG);
}

/* Every byte of the name is checked on receipt, with the same alphabet. */
static void parse_rejects_each_bad_name_byte(void **state)
{
    (void)state;
    uint8_t buf[VT_SECRETPROV_REQUEST_MAX];
    size_t len = 0, req_len = 0;
    vt_secretprov_request_t req;
    vt_assert_ok(vt_secretprov_request_serialize("abcdef", buf, sizeof(buf), &len));
    for (size_t i = 37; i < len; i++) {
        const uint8_t bad[] = {0x00, '/', ' ', 0x80, 0xff, ':'};
        for (size_t k = 0; k < sizeof(bad); k++) {
            uint8_t copy[VT_SECRETPROV_REQUEST_MAX];
            memcpy(copy, buf, len);
            copy[i] = bad[k];
            vt_assert_rc(vt_secretprov_request_parse(copy, len, &req, &req_len), VT_E_MALFORMED);
        }
    }
    /* '.', '-' and '_' are allowed, but not first. */
    buf[37] = '.';
    vt_assert_rc(vt_secretprov_request_parse(buf, len, &req, &req_len), VT_E_MALFORMED);
    buf[37] = 'a';
    buf[38] = '.';
    vt_assert_ok(vt_secretprov_request_parse(buf, len, &req, &req_len));
    /* Name length 0. */
    buf[35] = 0;
    buf[36] = 0;
    vt_assert_rc(vt_secretprov_request_parse(buf, len, &req, &req_len), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "name length 0"));
}

/* Each prefix of a valid request is VT_E_TRUNCATED with the length to wait for; nothing
 * is written to the output on failure. */
static void every_prefix_is_truncated(void **state)
{
    (void)state;
    const char *names[] = {NULL, "k", "some.secret"};
    for (size_t n = 0; n < 3; n++) {
        uint8_t buf[VT_SECRETPROV_REQUEST_MAX];
        size_t len = 0;
        vt_assert_ok(vt_secretprov_request_serialize(names[n], buf, sizeof(buf), &len));
        for (size_t cut = 0; cut < len; ++cut) {
            uint8_t *copy = malloc(cut ? cut : 1);
            memcpy(copy, buf, cut);
            vt_secretprov_request_t req;
            memset(&req, 0xaa, sizeof(req));
            size_t req_len = 0;
            vt_assert_rc(vt_secretprov_request_parse(cut ? copy : NULL, cut, &req, &req_len),
                         VT_E_TRUNCATED);
            assert_true(req_len > cut);
            assert_true(req_len <= len);
            /* The announced length is exact once the length field has arrived. */
            if (cut < 35)
                assert_int_equal(req_len, 35);
            else if (cut < 37)
                assert_int_equal(req_len, 37);
            else
                assert_int_equal(req_len, len);
            assert_int_equal(req.name_len, (size_t)0xaaaaaaaaaaaaaaaaull);
            free(copy);
        }
    }
}

/* Bytes after the request (application data sent early) are left to the caller. */
static void bytes_after_the_request_are_not_consumed(void **state)
{
    (void)state;
    uint8_t buf[VT_SECRETPROV_REQUEST_MAX + 5];
    size_t len = 0, req_len = 0;
    vt_secretprov_request_t req;
    vt_assert_ok(vt_secretprov_request_serialize("abc", buf, sizeof(buf), &len));
    memcpy(buf + len, "MORE", 5);
    vt_assert_ok(vt_secretprov_request_parse(buf, len + 5, &req, &req_len));
    assert_int_equal(req_len, len);
    assert_string_equal(req.name, "abc");
    vt_assert_ok(vt_secretprov_request_serialize(NULL, buf, sizeof(buf), &len));
    vt_assert_ok(vt_secretprov_request_parse(buf, len + 5, &req, &req_len));
    assert_int_equal(req_len, 35);
}

/* A wrong byte anywhere in either magic (NUL included) fails, and as soon as it arrives. */
static void every_magic_byte_counts(void **state)
{
    (void)state;
    const char *names[] = {NULL, "abc"};
    for (size_t n = 0; n < 2; n++) {
        uint8_t buf[VT_SECRETPROV_REQUEST_MAX];
        size_t len = 0, req_len = 0;
        vt_secretprov_request_t req;
        vt_assert_ok(vt_secretprov_request_serialize(names[n], buf, sizeof(buf), &len));
        for (size_t i = 0; i < 35; i++) {
            uint8_t copy[VT_SECRETPROV_REQUEST_MAX];
            memcpy(copy, buf, len);
            copy[i] ^= 0x20;
            /* A changed letter might turn one magic into the other's prefix only if the two
             * agree up to there; they differ from byte 0, so every flip is an unknown magic. */
            vt_assert_rc(vt_secretprov_request_parse(copy, len, &req, &req_len), VT_E_MALFORMED);
            vt_assert_rc(vt_secretprov_request_parse(copy, i + 1, &req, &req_len), VT_E_MALFORMED);
        }
    }
    /* Gramine's request without its NUL, followed by something else. */
    uint8_t almost[36];
    memcpy(almost, gramine_request, 34);
    almost[34] = 'X';
    size_t req_len = 0;
    vt_secretprov_request_t req;
    vt_assert_rc(vt_secretprov_request_parse(almost, 35, &req, &req_len), VT_E_MALFORMED);
    /* Gramine's older or newer versions are not ours to accept. */
    uint8_t v2[35];
    memcpy(v2, gramine_request, 35);
    v2[33] = '2';
    vt_assert_rc(vt_secretprov_request_parse(v2, 35, &req, &req_len), VT_E_MALFORMED);
}

/* Metamorphic: feeding the stream in random-sized chunks reaches the same result. */
static void chunked_feeding_agrees(void **state)
{
    (void)state;
    uint8_t buf[VT_SECRETPROV_REQUEST_MAX];
    size_t len = 0;
    vt_assert_ok(vt_secretprov_request_serialize("chunked-name", buf, sizeof(buf), &len));
    srand(1234);
    for (int round = 0; round < 200; round++) {
        size_t have = 0, req_len = 0;
        vt_secretprov_request_t req;
        int rc;
        while ((rc = vt_secretprov_request_parse(have ? buf : NULL, have, &req, &req_len)) ==
               VT_E_TRUNCATED) {
            assert_true(req_len > have);
            size_t step = 1 + (size_t)rand() % 9;
            have = have + step > req_len ? req_len : have + step;
        }
        vt_assert_ok(rc);
        assert_int_equal(req_len, len);
        assert_string_equal(req.name, "chunked-name");
    }
}

static void response_is_byte_exact(void **state)
{
    (void)state;
    uint8_t hdr[VT_SECRETPROV_RESPONSE_HEADER_LEN];
    vt_assert_ok(vt_secretprov_response_serialize(0x01020304, hdr));
    assert_memory_equal(hdr, gramine_response_magic, 37);
    assert_int_equal(hdr[36], 0);
    const uint8_t be[4] = {1, 2, 3, 4};
    assert_memory_equal(hdr + 37, be, 4);

    vt_secretprov_response_t r;
    vt_assert_ok(vt_secretprov_response_parse(hdr, sizeof(hdr), &r));
    assert_int_equal(r.kind, VT_SECRETPROV_RESP_SECRET);
    assert_int_equal(r.value, 0x01020304);
}

static void response_sizes(void **state)
{
    (void)state;
    uint8_t hdr[VT_SECRETPROV_RESPONSE_HEADER_LEN];
    vt_secretprov_response_t r;
    const uint32_t ok[] = {1, 16, 4096, 1u << 20, 0x7fffffffu};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        vt_assert_ok(vt_secretprov_response_serialize(ok[i], hdr));
        vt_assert_ok(vt_secretprov_response_parse(hdr, sizeof(hdr), &r));
        assert_int_equal(r.value, ok[i]);
    }
    vt_assert_rc(vt_secretprov_response_serialize(0, hdr), VT_E_INVALID_ARG);
    vt_assert_rc(vt_secretprov_response_serialize(0x80000000u, hdr), VT_E_INVALID_ARG);

    /* Received sizes: 0 is malformed, above INT_MAX too large (Gramine's client: -EINVAL). */
    memset(&r, 0xaa, sizeof(r));
    vt_assert_ok(vt_secretprov_response_serialize(1, hdr));
    hdr[40] = 0;
    vt_assert_rc(vt_secretprov_response_parse(hdr, sizeof(hdr), &r), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "secret size 0"));
    hdr[37] = 0x80;
    vt_assert_rc(vt_secretprov_response_parse(hdr, sizeof(hdr), &r), VT_E_TOO_LARGE);
    hdr[37] = 0xff;
    hdr[40] = 0xff;
    vt_assert_rc(vt_secretprov_response_parse(hdr, sizeof(hdr), &r), VT_E_TOO_LARGE);
    assert_int_equal(r.value, 0xaaaaaaaau);
}

static void refusal(void **state)
{
    (void)state;
    uint8_t hdr[VT_SECRETPROV_RESPONSE_HEADER_LEN];
    vt_secretprov_response_t r;
    vt_assert_ok(vt_secretprov_refusal_serialize(VT_SECRETPROV_REFUSED_DENIED, hdr));
    assert_memory_equal(hdr, "VERITEE_SECRET_PROVISION_REFUSED_V1:", 37);
    assert_int_equal(hdr[40], 1);
    /* A Gramine client compares the first 37 bytes with its response magic: it must differ. */
    assert_memory_not_equal(hdr, gramine_response_magic, 37);
    vt_assert_ok(vt_secretprov_response_parse(hdr, sizeof(hdr), &r));
    assert_int_equal(r.kind, VT_SECRETPROV_RESP_REFUSED);
    assert_int_equal(r.value, VT_SECRETPROV_REFUSED_DENIED);
    /* Unknown reasons from a newer server still parse as a refusal. */
    vt_assert_ok(vt_secretprov_refusal_serialize(0xfffffffe, hdr));
    vt_assert_ok(vt_secretprov_response_parse(hdr, sizeof(hdr), &r));
    assert_int_equal(r.value, 0xfffffffe);
    vt_assert_rc(vt_secretprov_refusal_serialize(0, hdr), VT_E_INVALID_ARG);
    hdr[37] = hdr[38] = hdr[39] = hdr[40] = 0;
    vt_assert_rc(vt_secretprov_response_parse(hdr, sizeof(hdr), &r), VT_E_MALFORMED);
}

static void response_lengths_and_magic_bytes(void **state)
{
    (void)state;
    uint8_t hdr[VT_SECRETPROV_RESPONSE_HEADER_LEN + 1] = {0};
    vt_secretprov_response_t r;
    vt_assert_ok(vt_secretprov_response_serialize(42, hdr));
    for (size_t cut = 0; cut < VT_SECRETPROV_RESPONSE_HEADER_LEN; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, hdr, cut);
        vt_assert_rc(vt_secretprov_response_parse(copy, cut, &r), VT_E_TRUNCATED);
        free(copy);
    }
    vt_assert_rc(vt_secretprov_response_parse(hdr, sizeof(hdr), &r), VT_E_TRAILING_DATA);
    for (size_t i = 0; i < 37; i++) {
        for (int which = 0; which < 2; which++) {
            uint8_t copy[VT_SECRETPROV_RESPONSE_HEADER_LEN];
            if (which == 0)
                vt_assert_ok(vt_secretprov_response_serialize(42, copy));
            else
                vt_assert_ok(vt_secretprov_refusal_serialize(1, copy));
            copy[i] ^= 0x01;
            vt_assert_rc(vt_secretprov_response_parse(copy, sizeof(copy), &r), VT_E_MALFORMED);
        }
    }
    /* A request is not a response. */
    uint8_t req[VT_SECRETPROV_RESPONSE_HEADER_LEN] = {0};
    memcpy(req, gramine_request, 35);
    vt_assert_rc(vt_secretprov_response_parse(req, sizeof(req), &r), VT_E_MALFORMED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gramine_request_is_byte_exact),
        cmocka_unit_test(named_request_layout),
        cmocka_unit_test(longest_name_and_length_bytes_are_big_endian),
        cmocka_unit_test(serialize_checks_the_buffer),
        cmocka_unit_test(name_alphabet),
        cmocka_unit_test(parse_rejects_each_bad_name_byte),
        cmocka_unit_test(every_prefix_is_truncated),
        cmocka_unit_test(bytes_after_the_request_are_not_consumed),
        cmocka_unit_test(every_magic_byte_counts),
        cmocka_unit_test(chunked_feeding_agrees),
        cmocka_unit_test(response_is_byte_exact),
        cmocka_unit_test(response_sizes),
        cmocka_unit_test(refusal),
        cmocka_unit_test(response_lengths_and_magic_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
