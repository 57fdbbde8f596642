/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of src/common/der.c, the strict DER reader: every length form and each way a
 * length can be malformed, the content rules of each type, exact error codes, "der: "
 * details, and that a failed read leaves the cursor where it was. Where OpenSSL has a
 * decoder for the same type, the cases are also run through it: what the reader accepts,
 * OpenSSL must accept with the same value.
 */
#include "test_util.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <string.h>

#include "common/der.h"

#define B(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

/* Reads one element of p[0,n); on failure also checks the cursor did not move. */
static int read_one(const uint8_t *p, size_t n, vt_der_tlv_t *e, size_t *left)
{
    vt_cursor_t c;
    vt_cursor_init(&c, p, n, "test");
    int rc = vt_der_read_tlv(&c, e);
    if (rc < 0) {
        assert_int_equal(vt_cursor_pos(&c), 0);
        assert_non_null(strstr(vt_last_error(), "der: "));
    }
    if (left) *left = vt_cursor_remaining(&c);
    return rc;
}

static int read_rc(const uint8_t *p, size_t n)
{
    vt_der_tlv_t e;
    return read_one(p, n, &e, NULL);
}

/* A heap buffer holding tag, the given length octets and body_len zero bytes. */
static uint8_t *make_tlv(uint8_t tag, const uint8_t *len_octets, size_t len_n, size_t body_len,
                         size_t *total)
{
    *total = 1 + len_n + body_len;
    uint8_t *b = calloc(1, *total);
    b[0] = tag;
    memcpy(b + 1, len_octets, len_n);
    return b;
}

static void short_and_long_forms(void **state)
{
    (void)state;
    vt_der_tlv_t e;
    size_t left = 99;
    vt_assert_ok(read_one(B(0x04, 0x00), &e, &left));
    assert_int_equal(e.tag, 0x04);
    assert_int_equal(e.tlv.len, 2);
    assert_int_equal(vt_cursor_remaining(&e.content), 0);
    assert_int_equal(left, 0);
    vt_assert_ok(read_one(B(0x30, 0x03, 0x05, 0x00, 0x00, 0xee), &e, &left));
    assert_int_equal(e.tlv.len, 5);
    assert_int_equal(vt_cursor_remaining(&e.content), 3);
    assert_int_equal(left, 1); /* the reader never looks past its element */

    static const struct {
        uint8_t len[4];
        size_t n, body;
    } ok[] = {{{0x7f}, 1, 127},
              {{0x81, 0x80}, 2, 128},
              {{0x81, 0xff}, 2, 255},
              {{0x82, 0x01, 0x00}, 3, 256},
              {{0x82, 0xff, 0xff}, 3, 65535},
              {{0x83, 0x01, 0x00, 0x00}, 4, 65536}};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        size_t total;
        uint8_t *b = make_tlv(0x04, ok[i].len, ok[i].n, ok[i].body, &total);
        vt_assert_ok(read_one(b, total, &e, &left));
        assert_int_equal(vt_cursor_remaining(&e.content), ok[i].body);
        assert_int_equal(e.tlv.len, total);
        assert_ptr_equal(e.tlv.p, b);
        /* One byte short: the declared length runs past the input. */
        vt_assert_rc(read_rc(b, total - 1), VT_E_MALFORMED);
        assert_non_null(strstr(vt_last_error(), "exceeds the"));
        free(b);
    }
}

static void malformed_lengths(void **state)
{
    (void)state;
    vt_assert_rc(read_rc(NULL, 0), VT_E_MALFORMED); /* nothing at all */
    assert_non_null(strstr(vt_last_error(), "der: truncated header"));
    vt_assert_rc(read_rc(B(0x04)), VT_E_MALFORMED); /* tag, no length */
    vt_assert_rc(read_rc(B(0x30, 0x80, 0x00, 0x00)), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "indefinite length"));
    vt_assert_rc(read_rc(B(0x04, 0xff)), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "reserved"));
    /* Long form where the short form fits, and leading zero octets. */
    vt_assert_rc(read_rc(B(0x04, 0x81, 0x00)), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "not minimally encoded"));
    vt_assert_rc(read_rc(B(0x04, 0x81, 0x01, 0xaa)), VT_E_MALFORMED);
    vt_assert_rc(read_rc(B(0x04, 0x81, 0x7f)), VT_E_MALFORMED);
    vt_assert_rc(read_rc(B(0x04, 0x82, 0x00, 0x80)), VT_E_MALFORMED);
    vt_assert_rc(read_rc(B(0x04, 0x82, 0x00, 0xff)), VT_E_MALFORMED);
    vt_assert_rc(read_rc(B(0x04, 0x83, 0x00, 0xff, 0xff)), VT_E_MALFORMED);
    vt_assert_rc(read_rc(B(0x04, 0x83, 0x00, 0x00, 0x01)), VT_E_MALFORMED);
    /* Length octets cut short. */
    vt_assert_rc(read_rc(B(0x04, 0x81)), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "truncated length"));
    vt_assert_rc(read_rc(B(0x04, 0x82, 0x01)), VT_E_MALFORMED);
    vt_assert_rc(read_rc(B(0x04, 0x83, 0x01, 0x00)), VT_E_MALFORMED);
    /* More than VT_DER_LEN_BYTES_MAX length octets: DER, but not ours. */
    vt_assert_rc(read_rc(B(0x04, 0x84, 0x01, 0x00, 0x00, 0x00)), VT_E_UNSUPPORTED);
    vt_assert_rc(read_rc(B(0x04, 0x88, 0, 0, 0, 0, 0, 0, 0, 1)), VT_E_UNSUPPORTED);
    vt_assert_rc(read_rc(B(0x04, 0xfe)), VT_E_UNSUPPORTED);
    /* Declared length off by one either way against the bytes present. */
    vt_assert_rc(read_rc(B(0x04, 0x03, 0xaa, 0xbb)), VT_E_MALFORMED);
    vt_der_tlv_t e;
    size_t left;
    vt_assert_ok(read_one(B(0x04, 0x01, 0xaa, 0xbb), &e, &left));
    assert_int_equal(left, 1);
    vt_cursor_t rest;
    vt_cursor_init(&rest, B(0x04, 0x01, 0xaa, 0xbb), "test");
    vt_assert_ok(vt_der_read_tlv(&rest, &e));
    vt_assert_rc(vt_der_expect_end(&rest, "test value"), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "der: 1 trailing bytes in test value"));
}

static void multi_byte_tags(void **state)
{
    (void)state;
    vt_assert_rc(read_rc(B(0x1f, 0x21, 0x00)), VT_E_UNSUPPORTED);
    assert_non_null(strstr(vt_last_error(), "multi-byte tag"));
    vt_assert_rc(read_rc(B(0x3f, 0x21, 0x00)), VT_E_UNSUPPORTED);
    vt_assert_rc(read_rc(B(0x9f, 0x81, 0x00, 0x00)), VT_E_UNSUPPORTED);
    vt_assert_rc(read_rc(B(0xff, 0x00)), VT_E_UNSUPPORTED);
    /* Other classes with single-byte tags are read (the caller checks the tag). */
    vt_der_tlv_t e;
    vt_assert_ok(read_one(B(0xa3, 0x02, 0x05, 0x00), &e, NULL));
    assert_int_equal(e.tag, VT_DER_CONTEXT(3));
    vt_assert_ok(read_one(B(0x1e, 0x00), &e, NULL));
}

/* A nested structure cut at every offset never reads, and never reads out of bounds. */
static void every_truncation(void **state)
{
    (void)state;
    static const uint8_t seq[] = {0x30, 0x81, 0x85, 0x06, 0x03, 0x55, 0x04, 0x03, 0x04, 0x7e};
    uint8_t buf[sizeof(seq) + 0x7e];
    memset(buf, 0xab, sizeof(buf));
    memcpy(buf, seq, sizeof(seq));
    vt_der_tlv_t e, oid, s;
    vt_assert_ok(read_one(buf, sizeof(buf), &e, NULL));
    vt_assert_ok(vt_der_read_expect(&e.content, VT_DER_OID, "oid", &oid));
    vt_assert_ok(vt_der_read_expect(&e.content, VT_DER_OCTET_STRING, "value", &s));
    vt_assert_ok(vt_der_expect_end(&e.content, "sequence"));
    for (size_t n = 0; n < sizeof(buf); n++) {
        uint8_t *cut = malloc(n ? n : 1);
        memcpy(cut, buf, n);
        vt_assert_rc(read_rc(cut, n), VT_E_MALFORMED);
        free(cut);
    }
}

static void expect_and_peek(void **state)
{
    (void)state;
    vt_cursor_t c;
    vt_der_tlv_t e;
    uint8_t tag = 0;
    vt_cursor_init(&c, B(0x02, 0x01, 0x05, 0x05, 0x00), "test");
    vt_assert_ok(vt_der_peek_tag(&c, &tag));
    assert_int_equal(tag, VT_DER_INTEGER);
    assert_int_equal(vt_cursor_pos(&c), 0);
    vt_assert_rc(vt_der_read_expect(&c, VT_DER_SEQUENCE, "thing", &e), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "der: thing has tag 02, expected 30"));
    assert_int_equal(vt_cursor_pos(&c), 0);
    vt_assert_ok(vt_der_read_expect(&c, VT_DER_INTEGER, "thing", &e));
    vt_assert_ok(vt_der_read_expect(&c, VT_DER_NULL, "null", &e));
    vt_assert_ok(vt_der_expect_end(&c, "test"));
    vt_assert_rc(vt_der_peek_tag(&c, &tag), VT_E_MALFORMED);
}

/* Reads an INTEGER/ENUMERATED; on failure checks the cursor did not move. */
static int uint_rc(const uint8_t *p, size_t n, uint8_t tag, size_t max, uint64_t *v)
{
    vt_cursor_t c;
    vt_cursor_init(&c, p, n, "test");
    int rc = vt_der_read_uint(&c, tag, max, v);
    if (rc < 0) assert_int_equal(vt_cursor_pos(&c), 0);
    if (rc == 0) assert_int_equal(vt_cursor_remaining(&c), 0);
    return rc;
}

/* OpenSSL's INTEGER decoder must accept what we accept, with the same value. */
static void openssl_agrees_on_integer(const uint8_t *p, size_t n, uint64_t want)
{
    const unsigned char *q = p;
    ASN1_INTEGER *i = d2i_ASN1_INTEGER(NULL, &q, (long)n);
    uint64_t v = 0;
    assert_non_null(i);
    assert_int_equal(ASN1_INTEGER_get_uint64(&v, i), 1);
    assert_true(v == want);
    ASN1_INTEGER_free(i);
}

static void integers(void **state)
{
    (void)state;
    static const struct {
        uint8_t der[12];
        size_t n;
        uint64_t want;
    } ok[] = {{{0x02, 0x01, 0x00}, 3, 0},
              {{0x02, 0x01, 0x7f}, 3, 127},
              {{0x02, 0x02, 0x00, 0x80}, 4, 128},
              {{0x02, 0x02, 0x00, 0xff}, 4, 255},
              {{0x02, 0x02, 0x01, 0x00}, 4, 256},
              {{0x02, 0x03, 0x00, 0xff, 0xff}, 5, 65535},
              {{0x02, 0x08, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 10, INT64_MAX},
              {{0x02, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 11, UINT64_MAX}};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        uint64_t v = 0;
        vt_assert_ok(uint_rc(ok[i].der, ok[i].n, VT_DER_INTEGER, VT_DER_UINT_BYTES_MAX, &v));
        assert_true(v == ok[i].want);
        openssl_agrees_on_integer(ok[i].der, ok[i].n, v);
    }
    uint64_t v = 7;
    vt_assert_rc(uint_rc(B(0x02, 0x00), VT_DER_INTEGER, 9, &v), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "der: integer with no contents"));
    vt_assert_rc(uint_rc(B(0x02, 0x02, 0x00, 0x05), VT_DER_INTEGER, 9, &v), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "not minimally encoded"));
    vt_assert_rc(uint_rc(B(0x02, 0x02, 0x00, 0x7f), VT_DER_INTEGER, 9, &v), VT_E_MALFORMED);
    vt_assert_rc(uint_rc(B(0x02, 0x03, 0x00, 0x00, 0x80), VT_DER_INTEGER, 9, &v), VT_E_MALFORMED);
    vt_assert_rc(uint_rc(B(0x02, 0x02, 0xff, 0x80), VT_DER_INTEGER, 9, &v), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "not minimally encoded"));
    vt_assert_rc(uint_rc(B(0x02, 0x01, 0x80), VT_DER_INTEGER, 9, &v), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "negative"));
    vt_assert_rc(uint_rc(B(0x02, 0x01, 0xff), VT_DER_INTEGER, 9, &v), VT_E_MALFORMED);
    vt_assert_rc(uint_rc(B(0x02, 0x02, 0xff, 0x00), VT_DER_INTEGER, 9, &v), VT_E_MALFORMED);
    /* The byte bound, and 64 bits. */
    vt_assert_rc(uint_rc(B(0x02, 0x03, 0x00, 0xff, 0xff), VT_DER_INTEGER, 2, &v), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "der: integer of 3 bytes, expected at most 2"));
    vt_assert_ok(uint_rc(B(0x02, 0x02, 0x7f, 0xff), VT_DER_INTEGER, 2, &v));
    vt_assert_rc(uint_rc(B(0x02, 0x09, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
                         VT_DER_INTEGER, 9, &v),
                 VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "beyond 64 bits"));
    /* ENUMERATED shares the rules but not the tag. */
    vt_assert_ok(uint_rc(B(0x0a, 0x01, 0x02), VT_DER_ENUMERATED, 9, &v));
    assert_true(v == 2);
    vt_assert_rc(uint_rc(B(0x0a, 0x01, 0x02), VT_DER_INTEGER, 9, &v), VT_E_MALFORMED);
    vt_assert_rc(uint_rc(B(0x02, 0x01, 0x02), VT_DER_ENUMERATED, 9, &v), VT_E_MALFORMED);
    vt_assert_rc(uint_rc(B(0x0a, 0x02, 0x00, 0x01), VT_DER_ENUMERATED, 9, &v), VT_E_MALFORMED);
    assert_true(v == 2); /* untouched by the failures */
}

static void big_integers(void **state)
{
    (void)state;
    vt_der_tlv_t e;
    uint8_t serial[23] = {0x02, 0x15, 0x00, 0xac};
    memset(serial + 4, 0x11, sizeof(serial) - 4);
    vt_assert_ok(read_one(serial, sizeof(serial), &e, NULL));
    vt_assert_ok(vt_der_get_integer(&e, 21));
    vt_assert_rc(vt_der_get_integer(&e, 20), VT_E_MALFORMED);
    serial[2] = 0x80; /* negative */
    vt_assert_rc(vt_der_get_integer(&e, 21), VT_E_MALFORMED);
    serial[2] = 0x00;
    serial[3] = 0x7f; /* 00 7f: padding */
    vt_assert_rc(vt_der_get_integer(&e, 21), VT_E_MALFORMED);
    vt_assert_ok(read_one(B(0x04, 0x01, 0x01), &e, NULL));
    vt_assert_rc(vt_der_get_integer(&e, 21), VT_E_MALFORMED);
}

static int bool_rc(const uint8_t *p, size_t n, bool *b)
{
    vt_cursor_t c;
    vt_cursor_init(&c, p, n, "test");
    int rc = vt_der_read_bool(&c, b);
    if (rc < 0) assert_int_equal(vt_cursor_pos(&c), 0);
    return rc;
}

static void booleans(void **state)
{
    (void)state;
    bool b = true;
    vt_assert_ok(bool_rc(B(0x01, 0x01, 0x00), &b));
    assert_false(b);
    vt_assert_ok(bool_rc(B(0x01, 0x01, 0xff), &b));
    assert_true(b);
    vt_assert_rc(bool_rc(B(0x01, 0x01, 0x01), &b), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "der: boolean 0x01, expected 0x00 or 0xff"));
    vt_assert_rc(bool_rc(B(0x01, 0x01, 0xfe), &b), VT_E_MALFORMED);
    vt_assert_rc(bool_rc(B(0x01, 0x00), &b), VT_E_MALFORMED);
    vt_assert_rc(bool_rc(B(0x01, 0x02, 0xff, 0xff), &b), VT_E_MALFORMED);
    vt_assert_rc(bool_rc(B(0x02, 0x01, 0xff), &b), VT_E_MALFORMED);
    vt_assert_rc(bool_rc(B(0x21, 0x03, 0x01, 0x01, 0xff), &b), VT_E_MALFORMED);
}

static void octet_strings(void **state)
{
    (void)state;
    vt_cursor_t c;
    uint8_t out[3] = {0};
    vt_cursor_init(&c, B(0x04, 0x02, 0xaa, 0xbb), "test");
    vt_assert_ok(vt_der_read_octets(&c, out, 2));
    assert_int_equal(out[0], 0xaa);
    assert_int_equal(out[1], 0xbb);
    vt_cursor_init(&c, B(0x04, 0x02, 0xaa, 0xbb), "test");
    vt_assert_rc(vt_der_read_octets(&c, out, 3), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "der: octet string of 2 bytes, expected 3"));
    vt_assert_rc(vt_der_read_octets(&c, out, 1), VT_E_MALFORMED);
    assert_int_equal(vt_cursor_pos(&c), 0);
    /* Constructed (BER) octet string. */
    vt_cursor_init(&c, B(0x24, 0x04, 0x04, 0x02, 0xaa, 0xbb), "test");
    vt_assert_rc(vt_der_read_octets(&c, out, 2), VT_E_MALFORMED);
    vt_cursor_init(&c, B(0x04, 0x00), "test");
    vt_assert_ok(vt_der_read_octets(&c, out, 0));
}

static int oid_rc(const uint8_t *p, size_t n)
{
    vt_cursor_t c;
    vt_der_span_t s;
    vt_cursor_init(&c, p, n, "test");
    int rc = vt_der_read_oid(&c, &s);
    if (rc < 0) assert_int_equal(vt_cursor_pos(&c), 0);
    /* OpenSSL's decoder agrees on every case (X.690 §8.19.2 both ways). */
    const unsigned char *q = p;
    ASN1_OBJECT *o = d2i_ASN1_OBJECT(NULL, &q, (long)n);
    assert_int_equal(o != NULL, rc == 0);
    ASN1_OBJECT_free(o);
    ERR_clear_error();
    return rc;
}

static void object_identifiers(void **state)
{
    (void)state;
    vt_cursor_t c;
    vt_der_span_t s;
    static const uint8_t sgx[] = {0x2a, 0x86, 0x48, 0x86, 0xf8, 0x4d, 0x01, 0x0d, 0x01};
    vt_cursor_init(&c, B(0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf8, 0x4d, 0x01, 0x0d, 0x01), "test");
    vt_assert_ok(vt_der_read_oid(&c, &s));
    assert_true(vt_der_span_equals(&s, sgx, sizeof(sgx)));
    assert_false(vt_der_span_equals(&s, sgx, sizeof(sgx) - 1));
    vt_assert_ok(oid_rc(B(0x06, 0x03, 0x55, 0x04, 0x03)));
    vt_assert_ok(oid_rc(B(0x06, 0x01, 0x00)));
    vt_assert_ok(oid_rc(B(0x06, 0x03, 0x2a, 0x86, 0x00)));
    vt_assert_rc(oid_rc(B(0x06, 0x00)), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "der: empty object identifier"));
    vt_assert_rc(oid_rc(B(0x06, 0x02, 0x80, 0x01)), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "not minimally encoded"));
    vt_assert_rc(oid_rc(B(0x06, 0x03, 0x55, 0x80, 0x01)), VT_E_MALFORMED);
    vt_assert_rc(oid_rc(B(0x06, 0x02, 0x55, 0x84)), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "ends inside a subidentifier"));
    vt_assert_rc(oid_rc(B(0x06, 0x01, 0x80)), VT_E_MALFORMED);
    vt_assert_rc(oid_rc(B(0x04, 0x01, 0x01)), VT_E_MALFORMED);
}

static void bit_strings(void **state)
{
    (void)state;
    vt_cursor_t c;
    vt_der_span_t s = {NULL, 99};
    vt_cursor_init(&c, B(0x03, 0x03, 0x00, 0xaa, 0xbb), "test");
    vt_assert_ok(vt_der_read_bits(&c, &s));
    assert_int_equal(s.len, 2);
    vt_cursor_init(&c, B(0x03, 0x01, 0x00), "test");
    vt_assert_ok(vt_der_read_bits(&c, &s));
    assert_int_equal(s.len, 0);
    vt_cursor_init(&c, B(0x03, 0x02, 0x01, 0xaa), "test");
    vt_assert_rc(vt_der_read_bits(&c, &s), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "der: bit string with 1 unused bits, expected 0"));
    assert_int_equal(vt_cursor_pos(&c), 0);
    vt_cursor_init(&c, B(0x03, 0x00), "test");
    vt_assert_rc(vt_der_read_bits(&c, &s), VT_E_MALFORMED);
    vt_cursor_init(&c, B(0x23, 0x03, 0x03, 0x01, 0x00), "test");
    vt_assert_rc(vt_der_read_bits(&c, &s), VT_E_MALFORMED);
}

static void fixed_elements(void **state)
{
    (void)state;
    static const uint8_t want[] = {0x30, 0x03, 0x06, 0x01, 0x00};
    vt_cursor_t c;
    vt_cursor_init(&c, B(0x30, 0x03, 0x06, 0x01, 0x00, 0x05, 0x00), "test");
    vt_assert_ok(vt_der_read_fixed(&c, want, sizeof(want), "algorithm"));
    vt_assert_rc(vt_der_read_fixed(&c, want, sizeof(want), "algorithm"), VT_E_UNSUPPORTED);
    assert_non_null(strstr(vt_last_error(), "der: unsupported algorithm"));
    assert_int_equal(vt_cursor_remaining(&c), 2);
    /* A prefix of the wanted bytes is not a match. */
    vt_cursor_init(&c, B(0x30, 0x02, 0x06, 0x00), "test");
    vt_assert_rc(vt_der_read_fixed(&c, want, sizeof(want), "algorithm"), VT_E_UNSUPPORTED);
}

static int elem_rc(int (*check)(const vt_der_tlv_t *), const uint8_t *p, size_t n)
{
    vt_der_tlv_t e;
    vt_assert_ok(read_one(p, n, &e, NULL));
    return check(&e);
}

static void times(void **state)
{
    (void)state;
    vt_assert_ok(elem_rc(vt_der_get_time, B(0x17, 0x0d, '2', '3', '0', '8', '2', '4', '2', '1', '3',
                                            '5', '3', '2', 'Z')));
    vt_assert_ok(elem_rc(vt_der_get_time, B(0x18, 0x0f, '2', '0', '4', '9', '1', '2', '3', '1', '2',
                                            '3', '5', '9', '5', '9', 'Z')));
    /* Local time, fractions, offsets, a short form or the wrong tag: not RFC 5280. */
    vt_assert_rc(elem_rc(vt_der_get_time,
                         B(0x17, 0x0c, '2', '3', '0', '8', '2', '4', '2', '1', '3', '5', '3', '2')),
                 VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "der: time of 12 bytes, expected 13"));
    vt_assert_rc(elem_rc(vt_der_get_time, B(0x17, 0x0d, '2', '3', '0', '8', '2', '4', '2', '1', '3',
                                            '5', '3', '2', 'z')),
                 VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "does not end in Z"));
    vt_assert_rc(elem_rc(vt_der_get_time, B(0x17, 0x0d, '2', '3', '0', '8', '2', '4', '2', '1', '3',
                                            '5', '3', '.', 'Z')),
                 VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "non-digit"));
    vt_assert_rc(elem_rc(vt_der_get_time, B(0x18, 0x0d, '2', '3', '0', '8', '2', '4', '2', '1', '3',
                                            '5', '3', '2', 'Z')),
                 VT_E_MALFORMED);
    vt_assert_rc(elem_rc(vt_der_get_time, B(0x13, 0x0d, '2', '3', '0', '8', '2', '4', '2', '1', '3',
                                            '5', '3', '2', 'Z')),
                 VT_E_MALFORMED);
}

static void ascii_strings(void **state)
{
    (void)state;
    vt_assert_ok(elem_rc(vt_der_get_ascii, B(0x0c, 0x03, 'I', ' ', '~')));
    vt_assert_ok(elem_rc(vt_der_get_ascii, B(0x13, 0x02, 'U', 'S')));
    vt_assert_rc(elem_rc(vt_der_get_ascii, B(0x0c, 0x00)), VT_E_UNSUPPORTED);
    vt_assert_rc(elem_rc(vt_der_get_ascii, B(0x0c, 0x02, 'a', 0x00)), VT_E_UNSUPPORTED);
    vt_assert_rc(elem_rc(vt_der_get_ascii, B(0x0c, 0x02, 0xc3, 0xa9)), VT_E_UNSUPPORTED);
    assert_non_null(strstr(vt_last_error(), "der: string byte c3, expected printable ascii"));
    vt_assert_rc(elem_rc(vt_der_get_ascii, B(0x0c, 0x01, 0x7f)), VT_E_UNSUPPORTED);
    vt_assert_rc(elem_rc(vt_der_get_ascii, B(0x0c, 0x01, 0x1f)), VT_E_UNSUPPORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(short_and_long_forms),
        cmocka_unit_test(malformed_lengths),
        cmocka_unit_test(multi_byte_tags),
        cmocka_unit_test(every_truncation),
        cmocka_unit_test(expect_and_peek),
        cmocka_unit_test(integers),
        cmocka_unit_test(big_integers),
        cmocka_unit_test(booleans),
        cmocka_unit_test(octet_strings),
        cmocka_unit_test(object_identifiers),
        cmocka_unit_test(bit_strings),
        cmocka_unit_test(fixed_elements),
        cmocka_unit_test(times),
        cmocka_unit_test(ascii_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
