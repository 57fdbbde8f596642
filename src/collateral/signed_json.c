/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PCS signed JSON envelopes (dcap.md §4.2). The one piece of JSON we scan by hand is the
 * location of the inner object's bytes, because jansson cannot report source offsets
 * and re-serializing would not reproduce the served bytes in general. The scan runs
 * over text jansson has already validated, reads it only through the cursor, and its
 * result is re-parsed and compared with jansson's value, so a scanner bug can only
 * make us reject a document, never sign-check different bytes than we parse.
 */
#include "signed_json.h"

#include <stdlib.h>
#include <string.h>

#include "common/cursor.h"
#include "common/error.h"
#include "common/ossl.h"

/* RFC 8259 §2: the only insignificant whitespace. */
static bool is_ws(uint8_t b)
{
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
}

static int next_token(vt_cursor_t *c, uint8_t *b)
{
    do {
        VT_GUARD(vt_cursor_read_u8(c, b));
    } while (is_ws(*b));
    return 0;
}

/* Skips the rest of a string whose opening quote was read. After a backslash the next
 * byte is consumed blindly: that covers \" and \\; \uXXXX digits are ordinary bytes. */
static int skip_string(vt_cursor_t *c)
{
    uint8_t b;
    for (;;) {
        VT_GUARD(vt_cursor_read_u8(c, &b));
        if (b == '"') return 0;
        if (b == '\\') VT_GUARD(vt_cursor_read_u8(c, &b));
    }
}

/* Deeper than any PCS document (which nest six levels) and equal to jansson's own limit,
 * so text jansson accepted is never refused here. */
#define DEPTH_MAX 2048

/* Skips the rest of an object or array whose opening bracket open was read. Iterative (no
 * recursion depth to exhaust); brackets inside strings are skipped with the string; a
 * closing bracket must match its opener, so on unvalidated input "{...]" is refused
 * rather than taken for an object. */
static int skip_container(vt_cursor_t *c, uint8_t open)
{
    uint8_t is_array[DEPTH_MAX / 8] = {0}; /* one bit per open level */
    size_t depth = 0;
    uint8_t b = open;

    for (;;) {
        if (b == '{' || b == '[') {
            VT_ENSURE(depth < DEPTH_MAX, VT_E_MALFORMED, "signed json: nested too deeply");
            uint8_t bit = (uint8_t)(1u << (depth % 8));
            if (b == '[')
                is_array[depth / 8] |= bit;
            else
                is_array[depth / 8] &= (uint8_t)~bit;
            depth++;
        } else if (b == '}' || b == ']') {
            depth--;
            bool want_array = (is_array[depth / 8] >> (depth % 8)) & 1;
            VT_ENSURE(want_array == (b == ']'), VT_E_MALFORMED,
                      "signed json: mismatched bracket at offset %zu", vt_cursor_pos(c) - 1);
            if (depth == 0) return 0;
        } else if (b == '"') {
            VT_GUARD(skip_string(c));
        }
        VT_GUARD(vt_cursor_read_u8(c, &b));
    }
}

/* Reads a member name whose opening quote was read; *is_match says whether its raw
 * bytes equal key (escaped spellings deliberately do not match). */
static int read_key(vt_cursor_t *c, const char *key, bool *is_match)
{
    vt_cursor_t mark = *c;
    size_t klen = strlen(key);
    const uint8_t *p;

    VT_GUARD(skip_string(c));
    *is_match = false;
    if (vt_cursor_pos(c) - vt_cursor_pos(&mark) - 1 != klen) return 0;
    VT_GUARD(vt_cursor_borrow(&mark, klen, &p));
    for (size_t i = 0; i < klen; i++) {
        if (p[i] != (uint8_t)key[i]) return 0;
    }
    *is_match = true;
    return 0;
}

/* Skips a member value whose first byte b was read, and reads the byte after it. */
static int skip_value(vt_cursor_t *c, uint8_t b, uint8_t *next)
{
    if (b == '"') {
        VT_GUARD(skip_string(c));
    } else if (b == '{' || b == '[') {
        VT_GUARD(skip_container(c, b));
    } else {
        /* A number or literal: it ends at the member separator or the closing brace. */
        do {
            VT_GUARD(vt_cursor_read_u8(c, next));
        } while (*next != ',' && *next != '}');
        return 0;
    }
    return next_token(c, next);
}

static int scan_members(vt_cursor_t *c, const char *key, size_t *off, size_t *span_len)
{
    uint8_t b;
    bool is_found = false;

    VT_GUARD(next_token(c, &b));
    VT_ENSURE(b == '{', VT_E_MALFORMED, "signed json: document is not an object");
    VT_GUARD(next_token(c, &b));
    while (b != '}') {
        bool is_match;
        VT_ENSURE(b == '"', VT_E_MALFORMED, "signed json: member name expected at offset %zu",
                  vt_cursor_pos(c) - 1);
        VT_GUARD(read_key(c, key, &is_match));
        VT_GUARD(next_token(c, &b));
        VT_ENSURE(b == ':', VT_E_MALFORMED, "signed json: ':' expected at offset %zu",
                  vt_cursor_pos(c) - 1);
        VT_GUARD(next_token(c, &b));
        size_t start = vt_cursor_pos(c) - 1;
        if (is_match) {
            VT_ENSURE(!is_found, VT_E_MALFORMED, "signed json: \"%s\" occurs twice", key);
            VT_ENSURE(b == '{', VT_E_MALFORMED, "signed json: \"%s\" is not an object", key);
            VT_GUARD(skip_container(c, b));
            *off = start;
            *span_len = vt_cursor_pos(c) - start;
            is_found = true;
            VT_GUARD(next_token(c, &b));
        } else {
            VT_GUARD(skip_value(c, b, &b));
        }
        if (b == '}') break;
        VT_ENSURE(b == ',', VT_E_MALFORMED, "signed json: ',' or '}' expected at offset %zu",
                  vt_cursor_pos(c) - 1);
        VT_GUARD(next_token(c, &b));
        /* After a separator only a member may follow: "{..., }" is not JSON. */
        VT_ENSURE(b == '"', VT_E_MALFORMED, "signed json: member name expected at offset %zu",
                  vt_cursor_pos(c) - 1);
    }
    while (vt_cursor_remaining(c) > 0) {
        VT_GUARD(vt_cursor_read_u8(c, &b));
        VT_ENSURE(is_ws(b), VT_E_MALFORMED, "signed json: trailing data after the document");
    }
    VT_ENSURE(is_found, VT_E_MALFORMED, "signed json: no top-level \"%s\" object", key);
    return 0;
}

int vt_signed_json_find_span(const uint8_t *text, size_t len, const char *key, size_t *off,
                             size_t *span_len)
{
    vt_cursor_t c;
    size_t o = 0, n = 0;
    vt_cursor_init(&c, text, len, "signed json");
    int rc = scan_members(&c, key, &o, &n);
    if (rc == VT_E_TRUNCATED) VT_BAIL(VT_E_MALFORMED, "signed json: document ends early");
    VT_GUARD(rc);
    *off = o;
    *span_len = n;
    return 0;
}

static int load_json(const uint8_t *buf, size_t len, const char *what, json_t **out)
{
    json_error_t err;
    json_t *root = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &err);
    if (root == NULL) {
        int code = json_error_code(&err) == json_error_end_of_input_expected ? VT_E_TRAILING_DATA
                                                                             : VT_E_MALFORMED;
        VT_BAIL(code, "%s: invalid json at line %d column %d: %s", what, err.line, err.column,
                err.text);
    }
    *out = root;
    return 0;
}

static int decode_signature(const json_t *root, const char *what, uint8_t sig[VT_ECDSA_SIG_LEN])
{
    json_t *v = json_object_get(root, "signature");
    VT_ENSURE(json_is_string(v), VT_E_MALFORMED, "%s: \"signature\" is missing or not a string",
              what);
    VT_ENSURE(json_string_length(v) == 2 * VT_ECDSA_SIG_LEN, VT_E_MALFORMED,
              "%s: signature has %zu hex digits, expected %d", what, json_string_length(v),
              2 * VT_ECDSA_SIG_LEN);
    if (vt_hex_decode(json_string_value(v), json_string_length(v), sig, VT_ECDSA_SIG_LEN) < 0)
        VT_BAIL(VT_E_MALFORMED, "%s: signature is not hex", what);
    return 0;
}

/* Locates the signed bytes and proves they are the object jansson parsed. */
static int locate_body(vt_signed_json_t *sj, const uint8_t *buf, size_t len, const char *key,
                       const char *what)
{
    size_t off = 0, n = 0;
    json_t *again = NULL;

    if (vt_signed_json_find_span(buf, len, key, &off, &n) < 0)
        return vt_error_wrap(VT_E_MALFORMED, "%s: cannot locate the signed \"%s\" bytes", what,
                             key);
    json_error_t err;
    again = json_loadb((const char *)buf + off, n, JSON_REJECT_DUPLICATES, &err);
    bool is_same = again != NULL && json_equal(again, sj->body);
    json_decref(again);
    VT_ENSURE(is_same, VT_E_MALFORMED, "%s: the signed \"%s\" bytes differ from the parsed object",
              what, key);
    sj->raw = buf + off;
    sj->raw_len = n;
    return 0;
}

int vt_signed_json_parse(const uint8_t *buf, size_t len, const char *key, const char *what,
                         vt_signed_json_t *out)
{
    int rc = VT_E_INTERNAL;
    vt_signed_json_t sj = {0};

    VT_ENSURE(len <= VT_COLLATERAL_JSON_MAX, VT_E_TOO_LARGE, "%s: %zu bytes, limit %d", what, len,
              VT_COLLATERAL_JSON_MAX);
    VT_TRY(load_json(buf, len, what, &sj.root));
    VT_TRY_ENSURE(json_is_object(sj.root), VT_E_MALFORMED, "%s: document is not an object", what);
    sj.body = json_object_get(sj.root, key);
    VT_TRY_ENSURE(json_is_object(sj.body), VT_E_MALFORMED, "%s: \"%s\" is missing or not an object",
                  what, key);
    VT_TRY(decode_signature(sj.root, what, sj.signature));
    /* dcap.md §4.2: PCS sends exactly these two members. Anything else is unsigned
     * text a caller might mistake for part of the document. */
    VT_TRY_ENSURE(json_object_size(sj.root) == 2, VT_E_MALFORMED,
                  "%s: %zu top-level members, expected \"%s\" and \"signature\"", what,
                  json_object_size(sj.root), key);
    VT_TRY(locate_body(&sj, buf, len, key, what));
    *out = sj;
    sj.root = NULL;
    rc = 0;
out:
    json_decref(sj.root);
    return rc;
}

void vt_signed_json_cleanup(vt_signed_json_t *sj)
{
    if (sj == NULL) return;
    json_decref(sj->root);
    *sj = (vt_signed_json_t){0};
}

int vt_signed_json_get_signed(const vt_signed_json_t *sj, uint8_t **body, size_t *body_len,
                              uint8_t sig[static VT_ECDSA_SIG_LEN])
{
    int rc = VT_E_INTERNAL;
    uint8_t *copy = NULL;
    vt_cursor_t c;

    VT_TRY_ALLOC(copy, malloc(sj->raw_len + 1), "signed body");
    vt_cursor_init(&c, sj->raw, sj->raw_len, "signed json");
    VT_TRY(vt_cursor_read_bytes(&c, copy, sj->raw_len));
    copy[sj->raw_len] = '\0';
    vt_cursor_init(&c, sj->signature, VT_ECDSA_SIG_LEN, "signed json");
    VT_TRY(vt_cursor_read_bytes(&c, sig, VT_ECDSA_SIG_LEN));
    *body = copy;
    *body_len = sj->raw_len;
    copy = NULL;
    rc = 0;
out:
    free(copy);
    return rc;
}

int vt_signed_json_verify(EVP_PKEY *key, const uint8_t *body, size_t body_len,
                          const uint8_t sig[static VT_ECDSA_SIG_LEN], const char *what,
                          const char *signer)
{
    int rc = vt_ecdsa_p256_verify(key, body, body_len, sig, what);
    if (rc == VT_E_SIGNATURE)
        VT_BAIL(VT_E_SIGNATURE, "%s: signature does not verify with the %s", what, signer);
    if (rc < 0) return vt_error_wrap(rc, "%s", what);
    return 0;
}
