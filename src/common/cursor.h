/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bounds-checked read cursor: the only code that indexes untrusted buffers, and
 * its twin, a bounds-checked writer for serializers.
 *
 * Cursor rules: a read that does not fit returns VT_E_TRUNCATED and leaves the
 * position unchanged; the input is never written; checks subtract (n > len - pos),
 * never add. Pointers returned by borrow/sub point into the input and stay valid for
 * as long as the input does.
 */
#ifndef VT_COMMON_CURSOR_H
#define VT_COMMON_CURSOR_H

#include <veritee/common.h>

typedef struct {
    const uint8_t *data; /* borrowed from the caller; valid while the input lives */
    size_t len;
    size_t pos;
    const char *what; /* names the format in error details, e.g. "sgx_quote" */
} vt_cursor_t;

void vt_cursor_init(vt_cursor_t *c, const uint8_t *data, size_t len, const char *what);
size_t vt_cursor_remaining(const vt_cursor_t *c);
size_t vt_cursor_pos(const vt_cursor_t *c);

VT_MUST_CHECK int vt_cursor_read_u8(vt_cursor_t *c, uint8_t *out);
VT_MUST_CHECK int vt_cursor_read_u16le(vt_cursor_t *c, uint16_t *out);
VT_MUST_CHECK int vt_cursor_read_u32le(vt_cursor_t *c, uint32_t *out);
VT_MUST_CHECK int vt_cursor_read_u64le(vt_cursor_t *c, uint64_t *out);
VT_MUST_CHECK int vt_cursor_read_u16be(vt_cursor_t *c, uint16_t *out);
VT_MUST_CHECK int vt_cursor_read_u32be(vt_cursor_t *c, uint32_t *out);
/* Copies n bytes into out. */
VT_MUST_CHECK int vt_cursor_read_bytes(vt_cursor_t *c, uint8_t *out, size_t n);
/* Points *out at the next n bytes of the input and advances. */
VT_MUST_CHECK int vt_cursor_borrow(vt_cursor_t *c, size_t n, const uint8_t **out);
/* Carves out the next n bytes as a sub-cursor (so a nested parser cannot read past it). */
VT_MUST_CHECK int vt_cursor_sub(vt_cursor_t *c, size_t n, vt_cursor_t *sub, const char *what);
VT_MUST_CHECK int vt_cursor_skip(vt_cursor_t *c, size_t n);
/* VT_E_TRAILING_DATA unless the cursor is at the end. */
VT_MUST_CHECK int vt_cursor_expect_end(const vt_cursor_t *c);

/* Overflow-checked arithmetic on sizes taken from wire fields. */
VT_MUST_CHECK static inline bool vt_add_overflow(size_t a, size_t b, size_t *out)
{
    return __builtin_add_overflow(a, b, out);
}
VT_MUST_CHECK static inline bool vt_mul_overflow(size_t a, size_t b, size_t *out)
{
    return __builtin_mul_overflow(a, b, out);
}

/*
 * Writer over a caller buffer, or (buf == NULL at init) a growing heap buffer that the
 * caller takes with vt_writer_take. A failed write leaves the writer unchanged.
 */
typedef struct {
    uint8_t *buf; /* owned when is_growable, else borrowed from the caller */
    size_t cap;
    size_t len;
    bool is_growable;
} vt_writer_t;

void vt_writer_init(vt_writer_t *w, uint8_t *buf, size_t cap);
void vt_writer_init_growable(vt_writer_t *w);
/* Frees a growable writer's buffer; no-op for a caller buffer. */
void vt_writer_cleanup(vt_writer_t *w);
/* Hands the growable buffer to the caller (free with free()); the writer becomes empty. */
uint8_t *vt_writer_take(vt_writer_t *w, size_t *len);

VT_MUST_CHECK int vt_writer_u8(vt_writer_t *w, uint8_t v);
VT_MUST_CHECK int vt_writer_u16le(vt_writer_t *w, uint16_t v);
VT_MUST_CHECK int vt_writer_u32le(vt_writer_t *w, uint32_t v);
VT_MUST_CHECK int vt_writer_u64le(vt_writer_t *w, uint64_t v);
VT_MUST_CHECK int vt_writer_bytes(vt_writer_t *w, const uint8_t *p, size_t n);
VT_MUST_CHECK int vt_writer_zeros(vt_writer_t *w, size_t n);
/* Overwrites 4 bytes at an earlier offset (for length fields written after the body). */
VT_MUST_CHECK int vt_writer_patch_u32le(vt_writer_t *w, size_t at, uint32_t v);

#endif
