/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one strict DER reader (X.690 §8, §10) over vt_cursor_t. It exists because OpenSSL
 * 3.0's generic ASN.1 decoders cost more than a signature verification on every uncached
 * quote (docs/design.md, "Measured exceptions"); it is the only hand-written ASN.1 code
 * in the project, and fuzz/fuzz_pck_leaf.c and fuzz/fuzz_pck_ext_diff.c check that what
 * it accepts OpenSSL accepts, with the same values.
 *
 * What it reads: single-byte tags (no high-tag-number form); definite lengths only, short
 * form below 128, long form of at most VT_DER_LEN_BYTES_MAX bytes and minimally encoded.
 * Every read is bounds-checked by the cursor; a failed read leaves the cursor where it
 * was. Errors: VT_E_MALFORMED for anything that is not DER (including a TLV that runs
 * past its enclosing cursor: in DER a truncation is a length inconsistency), and
 * VT_E_UNSUPPORTED for valid DER outside this subset. Details read "der: ...".
 *
 * Spans and content cursors point into the input and stay valid for as long as it does.
 */
#ifndef VT_COMMON_DER_H
#define VT_COMMON_DER_H

#include <veritee/common.h>

#include "common/cursor.h"

/* Tags (identifier octets) used in Veritee. */
#define VT_DER_BOOLEAN          0x01
#define VT_DER_INTEGER          0x02
#define VT_DER_BIT_STRING       0x03
#define VT_DER_OCTET_STRING     0x04
#define VT_DER_NULL             0x05
#define VT_DER_OID              0x06
#define VT_DER_ENUMERATED       0x0a
#define VT_DER_UTF8_STRING      0x0c
#define VT_DER_PRINTABLE_STRING 0x13
#define VT_DER_IA5_STRING       0x16
#define VT_DER_UTC_TIME         0x17
#define VT_DER_GENERALIZED_TIME 0x18
#define VT_DER_SEQUENCE         0x30
#define VT_DER_SET              0x31
/* [n] EXPLICIT: context-specific, constructed. */
#define VT_DER_CONTEXT(n) ((uint8_t)(0xa0 | (n)))

/* Long-form lengths up to 16 MiB; longer ones would exceed every Veritee input maximum. */
#define VT_DER_LEN_BYTES_MAX 3
/* Content octets of an INTEGER that vt_der_get_uint can return (a 0x00 sign octet + 8). */
#define VT_DER_UINT_BYTES_MAX 9

/* A byte range of the input (borrowed from it). */
typedef struct {
    const uint8_t *p;
    size_t len;
} vt_der_span_t;

/* One element. */
typedef struct {
    uint8_t tag;
    vt_der_span_t tlv;   /* identifier, length and contents octets */
    vt_cursor_t content; /* over the contents octets only */
} vt_der_tlv_t;

/* Reads the next element. On failure the cursor does not move. */
VT_MUST_CHECK int vt_der_read_tlv(vt_cursor_t *c, vt_der_tlv_t *out);

/*
 * Reads the next element and requires its tag: VT_E_MALFORMED "der: <what> has tag 04,
 * expected 30" otherwise (what names the field, e.g. "tbsCertificate").
 */
VT_MUST_CHECK int vt_der_read_expect(vt_cursor_t *c, uint8_t tag, const char *what,
                                     vt_der_tlv_t *out);

/* The tag of the next element without reading it; VT_E_MALFORMED at the end. */
VT_MUST_CHECK int vt_der_peek_tag(const vt_cursor_t *c, uint8_t *tag);

/* VT_E_MALFORMED "der: n trailing bytes in <what>" unless c is at its end. */
VT_MUST_CHECK int vt_der_expect_end(const vt_cursor_t *c, const char *what);

/* The contents octets of e as a span. */
vt_der_span_t vt_der_contents(const vt_der_tlv_t *e);

/*
 * Content checks of an element already read, by type. Each checks e's tag as well.
 *
 * vt_der_get_uint: INTEGER (tag VT_DER_INTEGER) or ENUMERATED (VT_DER_ENUMERATED),
 *   non-empty, minimal two's complement (X.690 §8.3.2: no leading 00 before a byte below
 *   80, no leading FF before a byte from 80), non-negative, at most max_bytes contents
 *   octets (1..VT_DER_UINT_BYTES_MAX).
 * vt_der_get_integer: the same for an INTEGER too long for 64 bits (serial numbers).
 * vt_der_get_bool: BOOLEAN, one octet, 00 or FF (X.690 §11.1).
 * vt_der_get_octets: OCTET STRING of exactly n bytes, copied to out.
 * vt_der_get_oid: OBJECT IDENTIFIER, non-empty, every subidentifier minimal (no leading
 *   80 octet) and complete (last octet below 80), X.690 §8.19.2; *out is the contents.
 * vt_der_get_bits: BIT STRING with no unused bits; *out is the bits (after the count).
 * vt_der_get_time: UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ, the forms
 *   RFC 5280 §4.1.2.5 allows (digits only, no field ranges checked).
 * vt_der_get_ascii: any string type whose contents are non-empty printable ASCII
 *   (20..7E); VT_E_UNSUPPORTED otherwise, since other text is valid DER (tag not checked).
 */
VT_MUST_CHECK int vt_der_get_uint(const vt_der_tlv_t *e, uint8_t tag, size_t max_bytes,
                                  uint64_t *out);
VT_MUST_CHECK int vt_der_get_integer(const vt_der_tlv_t *e, size_t max_bytes);
VT_MUST_CHECK int vt_der_get_bool(const vt_der_tlv_t *e, bool *out);
VT_MUST_CHECK int vt_der_get_octets(const vt_der_tlv_t *e, uint8_t *out, size_t n);
VT_MUST_CHECK int vt_der_get_oid(const vt_der_tlv_t *e, vt_der_span_t *out);
VT_MUST_CHECK int vt_der_get_bits(const vt_der_tlv_t *e, vt_der_span_t *out);
VT_MUST_CHECK int vt_der_get_time(const vt_der_tlv_t *e);
VT_MUST_CHECK int vt_der_get_ascii(const vt_der_tlv_t *e);

/* Read-and-check in one call: vt_der_read_tlv, then the vt_der_get_* of the same name. */
VT_MUST_CHECK int vt_der_read_uint(vt_cursor_t *c, uint8_t tag, size_t max_bytes, uint64_t *out);
VT_MUST_CHECK int vt_der_read_bool(vt_cursor_t *c, bool *out);
VT_MUST_CHECK int vt_der_read_octets(vt_cursor_t *c, uint8_t *out, size_t n);
VT_MUST_CHECK int vt_der_read_oid(vt_cursor_t *c, vt_der_span_t *out);
VT_MUST_CHECK int vt_der_read_bits(vt_cursor_t *c, vt_der_span_t *out);

/* Whether a span holds exactly the n bytes of want (e.g. OID contents). */
bool vt_der_span_equals(const vt_der_span_t *s, const uint8_t *want, size_t n);

/*
 * Reads the next element and requires it to be exactly the n bytes of want (a fixed
 * AlgorithmIdentifier, say): VT_E_UNSUPPORTED "der: unsupported <what>" otherwise.
 */
VT_MUST_CHECK int vt_der_read_fixed(vt_cursor_t *c, const uint8_t *want, size_t n,
                                    const char *what);

#endif
