/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Secret provisioning wire codec: Gramine's request and response (gramine-compat.md §8)
 * and Veritee's named request and refusal. The format is documented in
 * include/veritee/secretprov.h. Pure functions over byte buffers.
 */
#include "secretprov/wire.h"

#include <openssl/crypto.h>
#include <string.h>

#include "common/cursor.h"
#include "common/error.h"

static bool is_name_byte(uint8_t b, bool is_first)
{
    if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')) return true;
    return !is_first && (b == '.' || b == '_' || b == '-');
}

/* Checks name[0..len) where len may be a prefix of the full name (stream reads). */
static int name_bytes_validate(const uint8_t *name, size_t len, int code)
{
    for (size_t i = 0; i < len; i++)
        VT_ENSURE(is_name_byte(name[i], i == 0), code,
                  "secretprov: name byte %zu is 0x%02x, outside [A-Za-z0-9._-]%s", i, name[i],
                  i == 0 ? " or not a letter or digit" : "");
    return 0;
}

int vt_secretprov_name_validate(const char *name, size_t len)
{
    VT_ENSURE(name != NULL, VT_E_INVALID_ARG, "secretprov: no secret name");
    VT_ENSURE(len >= 1 && len <= VT_SECRETPROV_NAME_MAX, VT_E_INVALID_ARG,
              "secretprov: secret name of %zu bytes, expected 1..%d", len, VT_SECRETPROV_NAME_MAX);
    return name_bytes_validate((const uint8_t *)name, len, VT_E_INVALID_ARG);
}

static void put_u32be(uint8_t out[4], uint32_t v)
{
    out[0] = (uint8_t)(v >> 24);
    out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8);
    out[3] = (uint8_t)v;
}

int vt_secretprov_request_serialize(const char *name, uint8_t *out, size_t cap, size_t *out_len)
{
    size_t name_len = name ? strlen(name) : 0;
    if (name) VT_GUARD(vt_secretprov_name_validate(name, name_len));
    size_t need = VT_SECRETPROV_MAGIC_LEN + (name ? 2 + name_len : 0);
    VT_ENSURE(cap >= need, VT_E_TOO_LARGE, "secretprov: request of %zu bytes, buffer of %zu", need,
              cap);

    vt_writer_t w;
    vt_writer_init(&w, out, cap);
    if (!name) {
        VT_GUARD(vt_writer_bytes(&w, (const uint8_t *)VT_SECRETPROV_REQUEST_GRAMINE,
                                 VT_SECRETPROV_MAGIC_LEN));
    } else {
        const uint8_t len_be[2] = {(uint8_t)(name_len >> 8), (uint8_t)name_len};
        VT_GUARD(vt_writer_bytes(&w, (const uint8_t *)VT_SECRETPROV_REQUEST_NAMED,
                                 VT_SECRETPROV_MAGIC_LEN));
        VT_GUARD(vt_writer_bytes(&w, len_be, sizeof(len_be)));
        VT_GUARD(vt_writer_bytes(&w, (const uint8_t *)name, name_len));
    }
    *out_len = w.len;
    return 0;
}

/* Does buf[0..n) (n ≤ 35) start the given magic? */
static bool magic_prefix_matches(const uint8_t *buf, size_t n, const char *magic)
{
    return CRYPTO_memcmp(buf, magic, n) == 0;
}

int vt_secretprov_request_parse(const uint8_t *buf, size_t len, vt_secretprov_request_t *out,
                                size_t *req_len)
{
    vt_cursor_t c;
    const uint8_t *magic, *name;
    uint16_t name_len;

    *req_len = VT_SECRETPROV_MAGIC_LEN;
    VT_ENSURE(len > 0, VT_E_TRUNCATED, "secretprov request: no bytes yet");
    vt_cursor_init(&c, buf, len, "secretprov request");
    size_t head = len < VT_SECRETPROV_MAGIC_LEN ? len : VT_SECRETPROV_MAGIC_LEN;
    VT_GUARD(vt_cursor_borrow(&c, head, &magic));
    bool is_gramine = magic_prefix_matches(magic, head, VT_SECRETPROV_REQUEST_GRAMINE);
    bool is_named = magic_prefix_matches(magic, head, VT_SECRETPROV_REQUEST_NAMED);
    VT_ENSURE(is_gramine || is_named, VT_E_MALFORMED,
              "secretprov request: unknown magic in the first %zu bytes", head);
    VT_ENSURE(head == VT_SECRETPROV_MAGIC_LEN, VT_E_TRUNCATED,
              "secretprov request: %zu of %d magic bytes", head, VT_SECRETPROV_MAGIC_LEN);
    if (is_gramine) {
        out->kind = VT_SECRETPROV_REQ_GRAMINE;
        out->name_len = 0;
        out->name[0] = '\0';
        return 0;
    }

    *req_len = VT_SECRETPROV_MAGIC_LEN + 2;
    VT_GUARD(vt_cursor_read_u16be(&c, &name_len));
    VT_ENSURE(name_len >= 1 && name_len <= VT_SECRETPROV_NAME_MAX, VT_E_MALFORMED,
              "secretprov request: name length %u, expected 1..%d", name_len,
              VT_SECRETPROV_NAME_MAX);
    *req_len = VT_SECRETPROV_MAGIC_LEN + 2 + (size_t)name_len;
    /* Check the name bytes that have arrived, so a bad one fails before the rest comes. */
    size_t have = vt_cursor_remaining(&c) < name_len ? vt_cursor_remaining(&c) : name_len;
    VT_GUARD(vt_cursor_borrow(&c, have, &name));
    VT_GUARD(name_bytes_validate(name, have, VT_E_MALFORMED));
    VT_ENSURE(have == name_len, VT_E_TRUNCATED, "secretprov request: %zu of %u name bytes", have,
              name_len);

    out->kind = VT_SECRETPROV_REQ_NAMED;
    out->name_len = name_len;
    memcpy(out->name, name, name_len); /* vt-lint: allow (bounded by the u16 check above) */
    out->name[name_len] = '\0';
    return 0;
}

static int header_serialize(const char *magic, uint32_t value,
                            uint8_t out[static VT_SECRETPROV_RESPONSE_HEADER_LEN])
{
    vt_writer_t w;
    uint8_t be[4];
    put_u32be(be, value);
    vt_writer_init(&w, out, VT_SECRETPROV_RESPONSE_HEADER_LEN);
    VT_GUARD(vt_writer_bytes(&w, (const uint8_t *)magic, VT_SECRETPROV_RESPONSE_MAGIC_LEN));
    VT_GUARD(vt_writer_bytes(&w, be, sizeof(be)));
    return 0;
}

int vt_secretprov_response_serialize(uint32_t size,
                                     uint8_t out[static VT_SECRETPROV_RESPONSE_HEADER_LEN])
{
    VT_ENSURE(size >= 1 && size <= VT_SECRETPROV_SECRET_MAX, VT_E_INVALID_ARG,
              "secretprov: secret of %u bytes, expected 1..%u", size, VT_SECRETPROV_SECRET_MAX);
    return header_serialize(VT_SECRETPROV_RESPONSE_SECRET, size, out);
}

int vt_secretprov_refusal_serialize(uint32_t reason,
                                    uint8_t out[static VT_SECRETPROV_RESPONSE_HEADER_LEN])
{
    VT_ENSURE(reason != 0, VT_E_INVALID_ARG, "secretprov: refusal reason 0");
    return header_serialize(VT_SECRETPROV_RESPONSE_REFUSED, reason, out);
}

int vt_secretprov_response_parse(const uint8_t *buf, size_t len, vt_secretprov_response_t *out)
{
    vt_cursor_t c;
    const uint8_t *magic;
    uint32_t value;

    VT_ENSURE(len >= VT_SECRETPROV_RESPONSE_HEADER_LEN, VT_E_TRUNCATED,
              "secretprov response: %zu bytes, expected %d", len,
              VT_SECRETPROV_RESPONSE_HEADER_LEN);
    VT_ENSURE(len == VT_SECRETPROV_RESPONSE_HEADER_LEN, VT_E_TRAILING_DATA,
              "secretprov response: %zu bytes, expected %d", len,
              VT_SECRETPROV_RESPONSE_HEADER_LEN);
    vt_cursor_init(&c, buf, len, "secretprov response");
    VT_GUARD(vt_cursor_borrow(&c, VT_SECRETPROV_RESPONSE_MAGIC_LEN, &magic));
    VT_GUARD(vt_cursor_read_u32be(&c, &value));
    VT_GUARD(vt_cursor_expect_end(&c));

    if (CRYPTO_memcmp(magic, VT_SECRETPROV_RESPONSE_SECRET, VT_SECRETPROV_RESPONSE_MAGIC_LEN) ==
        0) {
        VT_ENSURE(value != 0, VT_E_MALFORMED, "secretprov response: secret size 0");
        VT_ENSURE(value <= VT_SECRETPROV_SECRET_MAX, VT_E_TOO_LARGE,
                  "secretprov response: secret size %u above %u", value, VT_SECRETPROV_SECRET_MAX);
        out->kind = VT_SECRETPROV_RESP_SECRET;
    } else if (CRYPTO_memcmp(magic, VT_SECRETPROV_RESPONSE_REFUSED,
                             VT_SECRETPROV_RESPONSE_MAGIC_LEN) == 0) {
        VT_ENSURE(value != 0, VT_E_MALFORMED, "secretprov response: refusal reason 0");
        out->kind = VT_SECRETPROV_RESP_REFUSED;
    } else {
        VT_BAIL(VT_E_MALFORMED, "secretprov response: unknown magic");
    }
    out->value = value;
    return 0;
}
