/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The strict DER reader (see der.h). Kept small on purpose: identifier and length octets,
 * and the content rules of the handful of universal types Veritee reads. Constructed
 * types are walked by the caller, one vt_der_read_* per field, in schema order.
 *
 * Like pem_split.c, it reads bytes through spans it has just borrowed from the cursor
 * (vt_cursor_borrow, vt_der_contents), and only below their length: one borrow per
 * element instead of one cursor call per octet keeps the SGX extension parse under 3 µs.
 */
#include "der.h"

#include <string.h>

#include "error.h"

/* X.690 §8.1.2.4: low five bits all set announce a multi-byte (high-number) tag. */
#define TAG_NUMBER_MASK 0x1f
/* X.690 §8.1.3.5 c): the initial length octet FF is reserved. */
#define LEN_RESERVED 0xff
#define LEN_LONG     0x80

/*
 * The long form of the length octets (X.690 §8.1.3.5, §10.1) at the start of p[0,avail):
 * p[1] is the initial length octet. Sets the header size and the length.
 */
static int read_long_length(const uint8_t *p, size_t avail, size_t at, size_t *hdr, size_t *len)
{
    VT_ENSURE(p[1] != LEN_LONG, VT_E_MALFORMED,
              "der: indefinite length at offset %zu (ber), expected a definite length", at);
    VT_ENSURE(p[1] != LEN_RESERVED, VT_E_MALFORMED, "der: reserved length octet ff at offset %zu",
              at);
    size_t n = p[1] & 0x7fu;
    VT_ENSURE(n <= VT_DER_LEN_BYTES_MAX, VT_E_UNSUPPORTED,
              "der: length of %zu octets at offset %zu, expected at most %d", n, at,
              VT_DER_LEN_BYTES_MAX);
    VT_ENSURE(n <= avail - 2, VT_E_MALFORMED, "der: truncated length at offset %zu", at);
    size_t v = 0;
    for (size_t i = 0; i < n; i++) v = (v << 8) | p[2 + i];
    /* Minimal: the long form only from 128, and no leading zero octet. */
    size_t least = n == 1 ? LEN_LONG : (size_t)1 << (8 * (n - 1));
    VT_ENSURE(v >= least, VT_E_MALFORMED,
              "der: length %zu at offset %zu not minimally encoded (%zu octets)", v, at, n);
    *hdr = 2 + n;
    *len = v;
    return 0;
}

/* Reads one element; want >= 0 requires that tag (what names the field). */
static int read_element(vt_cursor_t *c, int want, const char *what, vt_der_tlv_t *out)
{
    vt_cursor_t rest = *c;
    size_t at = vt_cursor_pos(c), avail = vt_cursor_remaining(c);
    size_t hdr = 2, len = 0;
    const uint8_t *p; /* all of the remaining input, borrowed; read only below avail */

    VT_ENSURE(avail >= 2 && vt_cursor_borrow(&rest, avail, &p) == 0, VT_E_MALFORMED,
              "der: truncated header at offset %zu", at);
    VT_ENSURE(want < 0 || p[0] == want, VT_E_MALFORMED, "der: %s has tag %02x, expected %02x", what,
              p[0], (unsigned)want);
    VT_ENSURE((p[0] & TAG_NUMBER_MASK) != TAG_NUMBER_MASK, VT_E_UNSUPPORTED,
              "der: multi-byte tag %02x at offset %zu", p[0], at);
    len = p[1];
    if (len >= LEN_LONG) VT_GUARD(read_long_length(p, avail, at, &hdr, &len));
    /* Subtract, never add: hdr <= avail here, and hdr + len <= avail after. */
    VT_ENSURE(len <= avail - hdr, VT_E_MALFORMED,
              "der: length %zu at offset %zu exceeds the %zu remaining bytes", len, at,
              avail - hdr);
    VT_GUARD(vt_cursor_skip(c, hdr + len));
    vt_cursor_init(&out->content, p + hdr, len, c->what);
    out->tlv = (vt_der_span_t){p, hdr + len};
    out->tag = p[0];
    return 0;
}

int vt_der_read_tlv(vt_cursor_t *c, vt_der_tlv_t *out)
{
    return read_element(c, -1, NULL, out);
}

int vt_der_read_expect(vt_cursor_t *c, uint8_t tag, const char *what, vt_der_tlv_t *out)
{
    return read_element(c, tag, what, out);
}

int vt_der_peek_tag(const vt_cursor_t *c, uint8_t *tag)
{
    vt_cursor_t peek = *c;
    VT_ENSURE(vt_cursor_read_u8(&peek, tag) == 0, VT_E_MALFORMED,
              "der: expected an element at offset %zu", vt_cursor_pos(c));
    return 0;
}

int vt_der_expect_end(const vt_cursor_t *c, const char *what)
{
    VT_ENSURE(vt_cursor_remaining(c) == 0, VT_E_MALFORMED, "der: %zu trailing bytes in %s",
              vt_cursor_remaining(c), what);
    return 0;
}

vt_der_span_t vt_der_contents(const vt_der_tlv_t *e)
{
    vt_cursor_t c = e->content;
    vt_der_span_t s = {NULL, vt_cursor_remaining(&c)};
    if (vt_cursor_borrow(&c, s.len, &s.p) != 0) s.len = 0;
    return s;
}

bool vt_der_span_equals(const vt_der_span_t *s, const uint8_t *want, size_t n)
{
    return s->len == n && (n == 0 || memcmp(s->p, want, n) == 0);
}

static int expect_tag(const vt_der_tlv_t *e, uint8_t tag, const char *type)
{
    VT_ENSURE(e->tag == tag, VT_E_MALFORMED, "der: tag %02x, expected %02x (%s)", e->tag, tag,
              type);
    return 0;
}

/* X.690 §8.3: contents non-empty, minimal two's complement; here also non-negative. */
static int check_integer(const vt_der_tlv_t *e, uint8_t tag, size_t max_bytes, vt_der_span_t *out)
{
    vt_der_span_t s = vt_der_contents(e);

    VT_GUARD(expect_tag(e, tag, tag == VT_DER_ENUMERATED ? "enumerated" : "integer"));
    VT_ENSURE(s.len > 0, VT_E_MALFORMED, "der: integer with no contents octets");
    VT_ENSURE(s.len == 1 ||
                  !((s.p[0] == 0x00 && s.p[1] < 0x80) || (s.p[0] == 0xff && s.p[1] >= 0x80)),
              VT_E_MALFORMED, "der: integer not minimally encoded (%02x %02x ...)", s.p[0], s.p[1]);
    VT_ENSURE(s.p[0] < 0x80, VT_E_MALFORMED, "der: negative integer, expected a non-negative one");
    VT_ENSURE(s.len <= max_bytes, VT_E_MALFORMED, "der: integer of %zu bytes, expected at most %zu",
              s.len, max_bytes);
    *out = s;
    return 0;
}

int vt_der_get_uint(const vt_der_tlv_t *e, uint8_t tag, size_t max_bytes, uint64_t *out)
{
    vt_der_span_t s;
    uint64_t v = 0;

    VT_GUARD(check_integer(e, tag, max_bytes, &s));
    /* The 00 sign octet of a value from 80 carries no magnitude. */
    size_t skip = s.len > 1 && s.p[0] == 0x00 ? 1 : 0;
    VT_ENSURE(s.len - skip <= sizeof(v), VT_E_MALFORMED, "der: integer beyond 64 bits");
    for (size_t i = skip; i < s.len; i++) v = (v << 8) | s.p[i];
    *out = v;
    return 0;
}

int vt_der_get_integer(const vt_der_tlv_t *e, size_t max_bytes)
{
    vt_der_span_t s;
    return check_integer(e, VT_DER_INTEGER, max_bytes, &s);
}

int vt_der_get_bool(const vt_der_tlv_t *e, bool *out)
{
    vt_der_span_t s = vt_der_contents(e);
    VT_GUARD(expect_tag(e, VT_DER_BOOLEAN, "boolean"));
    VT_ENSURE(s.len == 1, VT_E_MALFORMED, "der: boolean of %zu bytes, expected 1", s.len);
    /* X.690 §11.1: DER encodes TRUE as FF. */
    VT_ENSURE(s.p[0] == 0x00 || s.p[0] == 0xff, VT_E_MALFORMED,
              "der: boolean 0x%02x, expected 0x00 or 0xff", s.p[0]);
    *out = s.p[0] != 0;
    return 0;
}

int vt_der_get_octets(const vt_der_tlv_t *e, uint8_t *out, size_t n)
{
    vt_cursor_t c = e->content;
    VT_GUARD(expect_tag(e, VT_DER_OCTET_STRING, "octet string"));
    VT_ENSURE(vt_cursor_remaining(&c) == n, VT_E_MALFORMED,
              "der: octet string of %zu bytes, expected %zu", vt_cursor_remaining(&c), n);
    return vt_cursor_read_bytes(&c, out, n);
}

int vt_der_get_oid(const vt_der_tlv_t *e, vt_der_span_t *out)
{
    vt_der_span_t s = vt_der_contents(e);
    VT_GUARD(expect_tag(e, VT_DER_OID, "object identifier"));
    VT_ENSURE(s.len > 0, VT_E_MALFORMED, "der: empty object identifier");
    for (size_t i = 0; i < s.len; i++) {
        /* A subidentifier starts after an octet below 80 and must not open with 80. */
        bool is_first = i == 0 || s.p[i - 1] < 0x80;
        VT_ENSURE(!is_first || s.p[i] != 0x80, VT_E_MALFORMED,
                  "der: object identifier subidentifier not minimally encoded");
    }
    VT_ENSURE(s.p[s.len - 1] < 0x80, VT_E_MALFORMED,
              "der: object identifier ends inside a subidentifier");
    *out = s;
    return 0;
}

int vt_der_get_bits(const vt_der_tlv_t *e, vt_der_span_t *out)
{
    vt_der_span_t s = vt_der_contents(e);
    VT_GUARD(expect_tag(e, VT_DER_BIT_STRING, "bit string"));
    VT_ENSURE(s.len > 0, VT_E_MALFORMED, "der: bit string with no contents octets");
    VT_ENSURE(s.p[0] == 0, VT_E_MALFORMED, "der: bit string with %u unused bits, expected 0",
              s.p[0]);
    *out = (vt_der_span_t){s.p + 1, s.len - 1};
    return 0;
}

int vt_der_get_time(const vt_der_tlv_t *e)
{
    vt_der_span_t s = vt_der_contents(e);
    size_t digits = e->tag == VT_DER_UTC_TIME ? 12 : e->tag == VT_DER_GENERALIZED_TIME ? 14 : 0;
    VT_ENSURE(digits > 0, VT_E_MALFORMED, "der: tag %02x, expected a time", e->tag);
    VT_ENSURE(s.len == digits + 1, VT_E_MALFORMED, "der: time of %zu bytes, expected %zu", s.len,
              digits + 1);
    for (size_t i = 0; i < digits; i++)
        VT_ENSURE(s.p[i] >= '0' && s.p[i] <= '9', VT_E_MALFORMED, "der: time has a non-digit");
    VT_ENSURE(s.p[digits] == 'Z', VT_E_MALFORMED, "der: time does not end in Z");
    return 0;
}

int vt_der_get_ascii(const vt_der_tlv_t *e)
{
    vt_der_span_t s = vt_der_contents(e);
    VT_ENSURE(s.len > 0, VT_E_UNSUPPORTED, "der: empty string");
    for (size_t i = 0; i < s.len; i++)
        VT_ENSURE(s.p[i] >= 0x20 && s.p[i] < 0x7f, VT_E_UNSUPPORTED,
                  "der: string byte %02x, expected printable ascii", s.p[i]);
    return 0;
}

int vt_der_read_uint(vt_cursor_t *c, uint8_t tag, size_t max_bytes, uint64_t *out)
{
    vt_cursor_t at = *c;
    vt_der_tlv_t e;
    VT_GUARD(vt_der_read_tlv(&at, &e));
    VT_GUARD(vt_der_get_uint(&e, tag, max_bytes, out));
    *c = at;
    return 0;
}

int vt_der_read_bool(vt_cursor_t *c, bool *out)
{
    vt_cursor_t at = *c;
    vt_der_tlv_t e;
    VT_GUARD(vt_der_read_tlv(&at, &e));
    VT_GUARD(vt_der_get_bool(&e, out));
    *c = at;
    return 0;
}

int vt_der_read_octets(vt_cursor_t *c, uint8_t *out, size_t n)
{
    vt_cursor_t at = *c;
    vt_der_tlv_t e;
    VT_GUARD(vt_der_read_tlv(&at, &e));
    VT_GUARD(vt_der_get_octets(&e, out, n));
    *c = at;
    return 0;
}

int vt_der_read_oid(vt_cursor_t *c, vt_der_span_t *out)
{
    vt_cursor_t at = *c;
    vt_der_tlv_t e;
    VT_GUARD(vt_der_read_tlv(&at, &e));
    VT_GUARD(vt_der_get_oid(&e, out));
    *c = at;
    return 0;
}

int vt_der_read_bits(vt_cursor_t *c, vt_der_span_t *out)
{
    vt_cursor_t at = *c;
    vt_der_tlv_t e;
    VT_GUARD(vt_der_read_tlv(&at, &e));
    VT_GUARD(vt_der_get_bits(&e, out));
    *c = at;
    return 0;
}

int vt_der_read_fixed(vt_cursor_t *c, const uint8_t *want, size_t n, const char *what)
{
    vt_cursor_t at = *c;
    vt_der_tlv_t e;
    VT_GUARD(vt_der_read_tlv(&at, &e));
    VT_ENSURE(vt_der_span_equals(&e.tlv, want, n), VT_E_UNSUPPORTED, "der: unsupported %s", what);
    *c = at;
    return 0;
}
