/* SPDX-License-Identifier: Apache-2.0 */
/* The bounds-checked read cursor and the bounds-checked writer. */
#include "cursor.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

void vt_cursor_init(vt_cursor_t *c, const uint8_t *data, size_t len, const char *what)
{
    c->data = data;
    c->len = data ? len : 0;
    c->pos = 0;
    c->what = what ? what : "input";
}

size_t vt_cursor_remaining(const vt_cursor_t *c)
{
    return c->len - c->pos;
}

size_t vt_cursor_pos(const vt_cursor_t *c)
{
    return c->pos;
}

static int need(const vt_cursor_t *c, size_t n)
{
    VT_ENSURE(n <= c->len - c->pos, VT_E_TRUNCATED,
              "%s: truncated at offset %zu (need %zu bytes, %zu left)", c->what, c->pos, n,
              c->len - c->pos);
    return 0;
}

int vt_cursor_read_u8(vt_cursor_t *c, uint8_t *out)
{
    VT_GUARD(need(c, 1));
    *out = c->data[c->pos];
    c->pos += 1;
    return 0;
}

static uint64_t load_le(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = n; i > 0; i--) v = (v << 8) | p[i - 1];
    return v;
}

static uint64_t load_be(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) v = (v << 8) | p[i];
    return v;
}

int vt_cursor_read_u16le(vt_cursor_t *c, uint16_t *out)
{
    VT_GUARD(need(c, 2));
    *out = (uint16_t)load_le(c->data + c->pos, 2);
    c->pos += 2;
    return 0;
}

int vt_cursor_read_u32le(vt_cursor_t *c, uint32_t *out)
{
    VT_GUARD(need(c, 4));
    *out = (uint32_t)load_le(c->data + c->pos, 4);
    c->pos += 4;
    return 0;
}

int vt_cursor_read_u64le(vt_cursor_t *c, uint64_t *out)
{
    VT_GUARD(need(c, 8));
    *out = load_le(c->data + c->pos, 8);
    c->pos += 8;
    return 0;
}

int vt_cursor_read_u16be(vt_cursor_t *c, uint16_t *out)
{
    VT_GUARD(need(c, 2));
    *out = (uint16_t)load_be(c->data + c->pos, 2);
    c->pos += 2;
    return 0;
}

int vt_cursor_read_u32be(vt_cursor_t *c, uint32_t *out)
{
    VT_GUARD(need(c, 4));
    *out = (uint32_t)load_be(c->data + c->pos, 4);
    c->pos += 4;
    return 0;
}

int vt_cursor_read_bytes(vt_cursor_t *c, uint8_t *out, size_t n)
{
    VT_GUARD(need(c, n));
    if (n > 0) memcpy(out, c->data + c->pos, n);
    c->pos += n;
    return 0;
}

int vt_cursor_borrow(vt_cursor_t *c, size_t n, const uint8_t **out)
{
    VT_GUARD(need(c, n));
    *out = c->data + c->pos;
    c->pos += n;
    return 0;
}

int vt_cursor_sub(vt_cursor_t *c, size_t n, vt_cursor_t *sub, const char *what)
{
    VT_GUARD(need(c, n));
    vt_cursor_init(sub, c->data + c->pos, n, what ? what : c->what);
    c->pos += n;
    return 0;
}

int vt_cursor_skip(vt_cursor_t *c, size_t n)
{
    VT_GUARD(need(c, n));
    c->pos += n;
    return 0;
}

int vt_cursor_expect_end(const vt_cursor_t *c)
{
    VT_ENSURE(c->pos == c->len, VT_E_TRAILING_DATA, "%s: %zu unexpected trailing bytes at offset %zu",
              c->what, c->len - c->pos, c->pos);
    return 0;
}

/* ---- writer ---------------------------------------------------------------------- */

void vt_writer_init(vt_writer_t *w, uint8_t *buf, size_t cap)
{
    w->buf = buf;
    w->cap = buf ? cap : 0;
    w->len = 0;
    w->is_growable = false;
}

void vt_writer_init_growable(vt_writer_t *w)
{
    w->buf = NULL;
    w->cap = 0;
    w->len = 0;
    w->is_growable = true;
}

void vt_writer_cleanup(vt_writer_t *w)
{
    if (w->is_growable) free(w->buf);
    w->buf = NULL;
    w->cap = 0;
    w->len = 0;
}

uint8_t *vt_writer_take(vt_writer_t *w, size_t *len)
{
    uint8_t *p = w->buf;
    *len = w->len;
    w->buf = NULL;
    w->cap = 0;
    w->len = 0;
    return p;
}

static int reserve(vt_writer_t *w, size_t n)
{
    if (n <= w->cap - w->len) return 0;
    VT_ENSURE(w->is_growable, VT_E_TOO_LARGE, "writer: %zu bytes do not fit (%zu of %zu used)", n,
              w->len, w->cap);
    size_t want;
    VT_ENSURE(!vt_add_overflow(w->len, n, &want), VT_E_TOO_LARGE, "writer: size overflow");
    size_t cap = w->cap ? w->cap : 256;
    while (cap < want) {
        VT_ENSURE(!vt_mul_overflow(cap, 2, &cap), VT_E_TOO_LARGE, "writer: size overflow");
    }
    uint8_t *p = realloc(w->buf, cap);
    VT_ENSURE(p != NULL, VT_E_NOMEM, "writer: out of memory growing to %zu bytes", cap);
    w->buf = p;
    w->cap = cap;
    return 0;
}

int vt_writer_bytes(vt_writer_t *w, const uint8_t *p, size_t n)
{
    VT_GUARD(reserve(w, n));
    if (n > 0) memcpy(w->buf + w->len, p, n);
    w->len += n;
    return 0;
}

int vt_writer_zeros(vt_writer_t *w, size_t n)
{
    VT_GUARD(reserve(w, n));
    if (n > 0) memset(w->buf + w->len, 0, n);
    w->len += n;
    return 0;
}

static int write_le(vt_writer_t *w, uint64_t v, size_t n)
{
    uint8_t b[8];
    for (size_t i = 0; i < n; i++) b[i] = (uint8_t)(v >> (8 * i));
    return vt_writer_bytes(w, b, n);
}

int vt_writer_u8(vt_writer_t *w, uint8_t v)
{
    return write_le(w, v, 1);
}

int vt_writer_u16le(vt_writer_t *w, uint16_t v)
{
    return write_le(w, v, 2);
}

int vt_writer_u32le(vt_writer_t *w, uint32_t v)
{
    return write_le(w, v, 4);
}

int vt_writer_u64le(vt_writer_t *w, uint64_t v)
{
    return write_le(w, v, 8);
}

int vt_writer_patch_u32le(vt_writer_t *w, size_t at, uint32_t v)
{
    VT_ENSURE(at <= w->len && 4 <= w->len - at, VT_E_INVALID_ARG,
              "writer: patch at %zu outside %zu written bytes", at, w->len);
    for (size_t i = 0; i < 4; i++) w->buf[at + i] = (uint8_t)(v >> (8 * i));
    return 0;
}
