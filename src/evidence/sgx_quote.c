/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DCAP quotes: SGX v3 (dcap.md §1), TDX v4 and v5 (§2), with their ECDSA signature data
 * (§1.4, §2.4). One parser and one serializer for all three versions: they share the
 * header, the report bodies and the QE report certification data, and differ only in how
 * the body is framed (v5 prefixes type and size) and whether that certification data is
 * nested in a type-6 envelope (v4/v5).
 *
 * Every byte up to the end of the signature data lands in a struct field or a borrowed
 * pointer, so serialize(parse(x)) reproduces x minus its trailing padding.
 */
#include <openssl/crypto.h>
#include <string.h>

#include "common/error.h"
#include "sgx_report.h"
#include "td_report.h"

#define MOD "sgx_quote"

/* §1.2: 939A7233-F79C-4CA9-940A-0DB3957F0607. */
const uint8_t vt_intel_qe_vendor_id[16] = {0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
                                           0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07};

/* §2.2: v5 prefixes the body with a u16 type and a u32 size. */
#define V5_BODY_PREFIX_LEN 6
/* §2.4: QE report, its signature, the auth data size, the inner type and size. */
#define QE_SECTION_FIXED_LEN (VT_SGX_REPORT_BODY_LEN + VT_ECDSA_SIG_LEN + 2 + 2 + 4)
/* The largest type-6 payload that can hold a certification data of at most VT_CERT_DATA_MAX. */
#define TYPE6_MAX (QE_SECTION_FIXED_LEN + UINT16_MAX + VT_CERT_DATA_MAX)

static size_t body_len(vt_body_type_t type)
{
    return type == VT_BODY_SGX ? VT_SGX_REPORT_BODY_LEN : vt_td_report_body_len(type);
}

/* ---- parser --------------------------------------------------------------------- */

static int check_vendor_id(const uint8_t id[static 16])
{
    char hex[33];
    if (CRYPTO_memcmp(id, vt_intel_qe_vendor_id, 16) == 0) return 0;
    vt_hex_encode(id, 16, hex);
    VT_BAIL(VT_E_UNSUPPORTED,
            MOD ": qe vendor id %s at offset 12, expected 939a7233f79c4ca9940a0db3957f0607 (intel)",
            hex);
}

/* §1.2; the checks are Intel QVL's header validation. */
static int parse_header(vt_cursor_t *c, vt_quote_header_t *h)
{
    VT_GUARD(vt_cursor_read_u16le(c, &h->version));
    VT_ENSURE(h->version >= 3 && h->version <= 5, VT_E_UNSUPPORTED,
              MOD ": header version %u, expected 3, 4 or 5", h->version);
    VT_GUARD(vt_cursor_read_u16le(c, &h->att_key_type));
    VT_ENSURE(h->att_key_type == VT_QUOTE_ATT_KEY_ECDSA_P256, VT_E_UNSUPPORTED,
              MOD ": attestation key type %u, expected 2 (ecdsa p-256)", h->att_key_type);
    VT_GUARD(vt_cursor_read_u32le(c, &h->tee_type));
    VT_ENSURE(h->tee_type == VT_TEE_TYPE_SGX || h->tee_type == VT_TEE_TYPE_TDX, VT_E_UNSUPPORTED,
              MOD ": tee type 0x%x, expected 0x0 (sgx) or 0x81 (tdx)", h->tee_type);
    VT_ENSURE(h->version != 3 || h->tee_type == VT_TEE_TYPE_SGX, VT_E_MALFORMED,
              MOD ": tee type 0x%x in a version 3 quote, expected 0x0", h->tee_type);
    VT_GUARD(vt_cursor_read_u16le(c, &h->qe_svn));
    VT_GUARD(vt_cursor_read_u16le(c, &h->pce_svn));
    VT_GUARD(vt_cursor_read_bytes(c, h->qe_vendor_id, sizeof(h->qe_vendor_id)));
    VT_GUARD(check_vendor_id(h->qe_vendor_id));
    VT_GUARD(vt_cursor_read_bytes(c, h->user_data, sizeof(h->user_data)));
    return 0;
}

static int parse_body_of_type(vt_cursor_t *c, vt_quote_t *q)
{
    if (q->body_type == VT_BODY_SGX) return vt_sgx_report_body_parse_cursor(c, &q->sgx);
    return vt_td_report_body_parse_cursor(c, q->body_type, &q->td);
}

/* §2.2: type 1 = SGX (384), 2 = TD 1.0 (584), 3 = TD 1.5 (648); SGX TEE <=> type 1. */
static int parse_v5_body(vt_cursor_t *c, vt_quote_t *q)
{
    uint16_t type;
    uint32_t size;
    bool is_sgx_tee = q->header.tee_type == VT_TEE_TYPE_SGX;

    VT_GUARD(vt_cursor_read_u16le(c, &type));
    VT_ENSURE(type >= VT_BODY_SGX && type <= VT_BODY_TD15, VT_E_UNSUPPORTED,
              MOD ": v5 body type %u at offset 48, expected 1, 2 or 3", type);
    VT_ENSURE(is_sgx_tee == (type == VT_BODY_SGX), VT_E_MALFORMED,
              MOD ": v5 body type %u with tee type 0x%x, expected %s", type, q->header.tee_type,
              is_sgx_tee ? "1" : "2 or 3");
    q->body_type = (vt_body_type_t)type;
    VT_GUARD(vt_cursor_read_u32le(c, &size));
    VT_ENSURE(size == body_len(q->body_type), VT_E_MALFORMED,
              MOD ": v5 body size %u at offset 50 for body type %u, expected %zu", size, type,
              body_len(q->body_type));
    return parse_body_of_type(c, q);
}

static int parse_body(vt_cursor_t *c, vt_quote_t *q)
{
    if (q->header.version == 5) return parse_v5_body(c, q);
    /* §2.1: v4 carries a TD 1.0 body, or an SGX body when the TEE type is SGX; v3 is SGX. */
    q->body_type = q->header.tee_type == VT_TEE_TYPE_TDX ? VT_BODY_TD10 : VT_BODY_SGX;
    return parse_body_of_type(c, q);
}

/*
 * The QE report certification data: §1.4 from rel. offset 128 (v3), or the type-6
 * payload of §2.4 (v4/v5). Ends with the (inner) certification data of type 1..5.
 */
static int parse_qe_section(vt_cursor_t *s, vt_quote_t *q)
{
    VT_GUARD(vt_cursor_borrow(s, VT_SGX_REPORT_BODY_LEN, &q->qe_report_raw));
    VT_GUARD(vt_sgx_report_body_parse(q->qe_report_raw, VT_SGX_REPORT_BODY_LEN, &q->qe_report));
    VT_GUARD(vt_cursor_read_bytes(s, q->qe_report_signature, sizeof(q->qe_report_signature)));
    VT_GUARD(vt_cursor_read_u16le(s, &q->qe_auth_len));
    VT_GUARD(vt_cursor_borrow(s, q->qe_auth_len, &q->qe_auth_data));
    VT_GUARD(vt_cursor_read_u16le(s, &q->cert_type));
    VT_ENSURE(q->cert_type >= VT_CERT_PPID_CLEARTEXT && q->cert_type <= VT_CERT_PCK_CHAIN,
              VT_E_UNSUPPORTED,
              MOD ": certification data type %u at offset %zu of %s, expected 1..5", q->cert_type,
              vt_cursor_pos(s) - 2, s->what);
    VT_GUARD(vt_cursor_read_u32le(s, &q->cert_len));
    VT_ENSURE(q->cert_len <= VT_CERT_DATA_MAX, VT_E_TOO_LARGE,
              MOD ": certification data size %u, expected at most %d", q->cert_len,
              VT_CERT_DATA_MAX);
    VT_GUARD(vt_cursor_borrow(s, q->cert_len, &q->cert_data));
    return 0;
}

/* §2.4: type 6 wraps the QE report certification data; its size must match exactly. */
static int parse_type6(vt_cursor_t *s, vt_quote_t *q)
{
    uint32_t size;
    vt_cursor_t t;

    VT_GUARD(vt_cursor_read_u16le(s, &q->outer_cert_type));
    VT_ENSURE(q->outer_cert_type == VT_CERT_QE_REPORT, VT_E_UNSUPPORTED,
              MOD ": certification data type %u in a version %u quote, expected 6",
              q->outer_cert_type, q->header.version);
    VT_GUARD(vt_cursor_read_u32le(s, &size));
    VT_ENSURE(size <= TYPE6_MAX, VT_E_TOO_LARGE,
              MOD ": qe report certification data size %u, expected at most %d", size, TYPE6_MAX);
    VT_GUARD(vt_cursor_sub(s, size, &t, MOD " qe report certification data"));
    VT_GUARD(parse_qe_section(&t, q));
    return vt_cursor_expect_end(&t);
}

/* §1.4 / §2.4, parsed inside exactly signature_data_len bytes. */
static int parse_signature_data(vt_cursor_t *c, vt_quote_t *q)
{
    uint32_t sig_len;
    vt_cursor_t s;
    size_t at = vt_cursor_pos(c);

    VT_GUARD(vt_cursor_read_u32le(c, &sig_len));
    VT_ENSURE(sig_len <= vt_cursor_remaining(c), VT_E_TRUNCATED,
              MOD ": signature data length %u at offset %zu, but only %zu bytes follow", sig_len,
              at, vt_cursor_remaining(c));
    VT_GUARD(vt_cursor_sub(c, sig_len, &s, MOD " signature data"));
    VT_GUARD(vt_cursor_read_bytes(&s, q->signature, sizeof(q->signature)));
    VT_GUARD(vt_cursor_read_bytes(&s, q->attest_key, sizeof(q->attest_key)));
    if (q->header.version == 3) {
        VT_GUARD(parse_qe_section(&s, q));
        q->outer_cert_type = q->cert_type;
    } else {
        VT_GUARD(parse_type6(&s, q));
    }
    return vt_cursor_expect_end(&s);
}

/* §2.5: real quotes come in zero-filled buffers; anything else there is refused. */
static int check_trailing(vt_cursor_t *c, unsigned flags)
{
    size_t n = vt_cursor_remaining(c);
    if (flags & VT_QUOTE_PARSE_ANY_TRAILING) return 0;
    while (vt_cursor_remaining(c) > 0) {
        size_t at = vt_cursor_pos(c);
        uint8_t b;
        VT_GUARD(vt_cursor_read_u8(c, &b));
        VT_ENSURE(b == 0, VT_E_TRAILING_DATA,
                  MOD ": byte 0x%02x at offset %zu in the %zu bytes after the signature data, "
                      "expected zero padding",
                  b, at, n);
    }
    return 0;
}

int vt_quote_parse_ex(const uint8_t *buf, size_t len, unsigned flags, vt_quote_t *out)
{
    vt_cursor_t c;
    vt_quote_t q;

    VT_ENSURE((flags & ~VT_QUOTE_PARSE_ANY_TRAILING) == 0, VT_E_INVALID_ARG,
              MOD ": unknown parse flags 0x%x", flags);
    VT_ENSURE(len <= VT_QUOTE_MAX, VT_E_TOO_LARGE, MOD ": %zu bytes, expected at most %d", len,
              VT_QUOTE_MAX);
    memset(&q, 0, sizeof(q));
    vt_cursor_init(&c, buf, len, MOD);
    VT_GUARD(parse_header(&c, &q.header));
    q.tee = q.header.tee_type == VT_TEE_TYPE_TDX ? VT_TEE_TDX : VT_TEE_SGX;
    VT_GUARD(parse_body(&c, &q));
    q.signed_data = buf;
    q.signed_len = vt_cursor_pos(&c);
    VT_GUARD(parse_signature_data(&c, &q));
    q.trailing_len = vt_cursor_remaining(&c);
    VT_GUARD(check_trailing(&c, flags));
    *out = q;
    return 0;
}

int vt_quote_parse(const uint8_t *buf, size_t len, vt_quote_t *out)
{
    return vt_quote_parse_ex(buf, len, 0, out);
}

/* ---- serializer ----------------------------------------------------------------- */

/* §2.1/§2.2: the body types a quote of q's version and TEE type may carry. */
static bool body_type_fits(const vt_quote_t *q)
{
    bool is_tdx = q->header.tee_type == VT_TEE_TYPE_TDX;
    if (q->header.version == 5) {
        if (is_tdx) return q->body_type == VT_BODY_TD10 || q->body_type == VT_BODY_TD15;
        return q->body_type == VT_BODY_SGX;
    }
    return q->body_type == (is_tdx ? VT_BODY_TD10 : VT_BODY_SGX);
}

/* Refuses what the parser would refuse, so every serialized quote parses. */
static int check_serializable(const vt_quote_t *q)
{
    const vt_quote_header_t *h = &q->header;

    VT_ENSURE(h->version >= 3 && h->version <= 5, VT_E_INVALID_ARG,
              MOD ": header version %u, expected 3, 4 or 5", h->version);
    VT_ENSURE(h->att_key_type == VT_QUOTE_ATT_KEY_ECDSA_P256, VT_E_INVALID_ARG,
              MOD ": attestation key type %u, expected 2", h->att_key_type);
    VT_ENSURE(h->tee_type == VT_TEE_TYPE_SGX || (h->tee_type == VT_TEE_TYPE_TDX && h->version > 3),
              VT_E_INVALID_ARG, MOD ": tee type 0x%x in a version %u quote", h->tee_type,
              h->version);
    VT_ENSURE(CRYPTO_memcmp(h->qe_vendor_id, vt_intel_qe_vendor_id, 16) == 0, VT_E_INVALID_ARG,
              MOD ": qe vendor id is not intel's");
    VT_ENSURE(body_type_fits(q), VT_E_INVALID_ARG,
              MOD ": body type %d in a version %u quote with tee type 0x%x", (int)q->body_type,
              h->version, h->tee_type);
    VT_ENSURE(q->cert_type >= VT_CERT_PPID_CLEARTEXT && q->cert_type <= VT_CERT_PCK_CHAIN,
              VT_E_INVALID_ARG, MOD ": certification data type %u, expected 1..5", q->cert_type);
    VT_ENSURE(q->cert_len <= VT_CERT_DATA_MAX, VT_E_TOO_LARGE,
              MOD ": certification data size %u, expected at most %d", q->cert_len,
              VT_CERT_DATA_MAX);
    VT_ENSURE(q->cert_len == 0 || q->cert_data != NULL, VT_E_INVALID_ARG,
              MOD ": certification data is NULL");
    VT_ENSURE(q->qe_auth_len == 0 || q->qe_auth_data != NULL, VT_E_INVALID_ARG,
              MOD ": qe authentication data is NULL");
    return 0;
}

static int write_header(vt_writer_t *w, const vt_quote_header_t *h)
{
    VT_GUARD(vt_writer_u16le(w, h->version));
    VT_GUARD(vt_writer_u16le(w, h->att_key_type));
    VT_GUARD(vt_writer_u32le(w, h->tee_type));
    VT_GUARD(vt_writer_u16le(w, h->qe_svn));
    VT_GUARD(vt_writer_u16le(w, h->pce_svn));
    VT_GUARD(vt_writer_bytes(w, h->qe_vendor_id, sizeof(h->qe_vendor_id)));
    VT_GUARD(vt_writer_bytes(w, h->user_data, sizeof(h->user_data)));
    return 0;
}

static int write_body(vt_writer_t *w, const vt_quote_t *q)
{
    if (q->header.version == 5) {
        VT_GUARD(vt_writer_u16le(w, (uint16_t)q->body_type));
        VT_GUARD(vt_writer_u32le(w, (uint32_t)body_len(q->body_type)));
    }
    if (q->body_type == VT_BODY_SGX) return vt_sgx_report_body_serialize_writer(w, &q->sgx);
    return vt_td_report_body_serialize_writer(w, q->body_type, &q->td);
}

static int write_qe_section(vt_writer_t *w, const vt_quote_t *q)
{
    VT_GUARD(vt_sgx_report_body_serialize_writer(w, &q->qe_report));
    VT_GUARD(vt_writer_bytes(w, q->qe_report_signature, sizeof(q->qe_report_signature)));
    VT_GUARD(vt_writer_u16le(w, q->qe_auth_len));
    VT_GUARD(vt_writer_bytes(w, q->qe_auth_data, q->qe_auth_len));
    VT_GUARD(vt_writer_u16le(w, q->cert_type));
    VT_GUARD(vt_writer_u32le(w, q->cert_len));
    VT_GUARD(vt_writer_bytes(w, q->cert_data, q->cert_len));
    return 0;
}

/* Lengths are written as placeholders and patched once the content is known. */
static int write_signature_data(vt_writer_t *w, const vt_quote_t *q)
{
    size_t sig_at = w->len, type6_at = 0;

    VT_GUARD(vt_writer_u32le(w, 0));
    VT_GUARD(vt_writer_bytes(w, q->signature, sizeof(q->signature)));
    VT_GUARD(vt_writer_bytes(w, q->attest_key, sizeof(q->attest_key)));
    if (q->header.version > 3) {
        VT_GUARD(vt_writer_u16le(w, VT_CERT_QE_REPORT));
        type6_at = w->len;
        VT_GUARD(vt_writer_u32le(w, 0));
    }
    VT_GUARD(write_qe_section(w, q));
    /* Both lengths fit in u32: the whole quote is checked against VT_QUOTE_MAX below. */
    VT_ENSURE(w->len <= VT_QUOTE_MAX, VT_E_TOO_LARGE,
              MOD ": serialized quote of %zu bytes, expected at most %d", w->len, VT_QUOTE_MAX);
    if (type6_at != 0)
        VT_GUARD(vt_writer_patch_u32le(w, type6_at, (uint32_t)(w->len - type6_at - 4)));
    return vt_writer_patch_u32le(w, sig_at, (uint32_t)(w->len - sig_at - 4));
}

int vt_quote_serialize(const vt_quote_t *q, uint8_t **out, size_t *len)
{
    int rc = VT_E_INTERNAL;
    vt_writer_t w;

    vt_writer_init_growable(&w);
    VT_TRY(check_serializable(q));
    VT_TRY(write_header(&w, &q->header));
    VT_TRY(write_body(&w, q));
    VT_TRY(write_signature_data(&w, q));
    *out = vt_writer_take(&w, len);
    rc = 0;
out:
    vt_writer_cleanup(&w);
    return rc;
}

size_t vt_quote_signed_len(const vt_quote_t *q)
{
    size_t n = body_len(q->body_type);
    if (n == 0) return 0;
    switch (q->header.version) {
    case 3:
    case 4:
        return VT_QUOTE_HEADER_LEN + n;
    case 5:
        return VT_QUOTE_HEADER_LEN + V5_BODY_PREFIX_LEN + n;
    default:
        return 0;
    }
}
