/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sgx_target_info_t (512 bytes; layout in veritee/evidence.h): the target of an EREPORT.
 * Parser and serializer are mirror images; every byte (reserved fields included) is
 * kept, so serialize(parse(x)) == x. Reserved bytes are not required to be zero (EREPORT
 * ignores them; see evidence.h).
 */
#include <string.h>
#include <veritee/evidence.h>

#include "common/cursor.h"
#include "common/error.h"

static int serialize_writer(vt_writer_t *w, const vt_sgx_target_info_t *t)
{
    VT_GUARD(vt_writer_bytes(w, t->mr_enclave, sizeof(t->mr_enclave)));
    VT_GUARD(vt_writer_bytes(w, t->attributes, sizeof(t->attributes)));
    VT_GUARD(vt_writer_bytes(w, t->reserved1, sizeof(t->reserved1)));
    VT_GUARD(vt_writer_u16le(w, t->config_svn));
    VT_GUARD(vt_writer_u32le(w, t->misc_select));
    VT_GUARD(vt_writer_bytes(w, t->reserved2, sizeof(t->reserved2)));
    VT_GUARD(vt_writer_bytes(w, t->config_id, sizeof(t->config_id)));
    VT_GUARD(vt_writer_bytes(w, t->reserved3, sizeof(t->reserved3)));
    return 0;
}

int vt_sgx_target_info_parse(const uint8_t *buf, size_t len, vt_sgx_target_info_t *out)
{
    vt_cursor_t c;
    vt_sgx_target_info_t t;

    /* A fixed-size structure: say so plainly before reading field by field. */
    VT_ENSURE(len >= VT_SGX_TARGET_INFO_LEN, VT_E_TRUNCATED,
              "sgx_target_info: %zu bytes, expected %d", len, VT_SGX_TARGET_INFO_LEN);
    VT_ENSURE(len <= VT_SGX_TARGET_INFO_LEN, VT_E_TRAILING_DATA,
              "sgx_target_info: %zu bytes, expected %d", len, VT_SGX_TARGET_INFO_LEN);
    vt_cursor_init(&c, buf, len, "sgx_target_info");
    VT_GUARD(vt_cursor_read_bytes(&c, t.mr_enclave, sizeof(t.mr_enclave))); /* 0 */
    VT_GUARD(vt_cursor_read_bytes(&c, t.attributes, sizeof(t.attributes))); /* 32 */
    VT_GUARD(vt_cursor_read_bytes(&c, t.reserved1, sizeof(t.reserved1)));   /* 48 */
    VT_GUARD(vt_cursor_read_u16le(&c, &t.config_svn));                      /* 50 */
    VT_GUARD(vt_cursor_read_u32le(&c, &t.misc_select));                     /* 52 */
    VT_GUARD(vt_cursor_read_bytes(&c, t.reserved2, sizeof(t.reserved2)));   /* 56 */
    VT_GUARD(vt_cursor_read_bytes(&c, t.config_id, sizeof(t.config_id)));   /* 64 */
    VT_GUARD(vt_cursor_read_bytes(&c, t.reserved3, sizeof(t.reserved3)));   /* 128 */
    VT_GUARD(vt_cursor_expect_end(&c));                                     /* 512 */
    *out = t;
    return 0;
}

void vt_sgx_target_info_serialize(const vt_sgx_target_info_t *t,
                                  uint8_t out[static VT_SGX_TARGET_INFO_LEN])
{
    vt_writer_t w;
    vt_writer_init(&w, out, VT_SGX_TARGET_INFO_LEN);
    /* Cannot fail: the writer holds exactly the 512 bytes written. Should it ever, the
     * output is zeroed rather than left half-written. */
    if (serialize_writer(&w, t) < 0 || w.len != VT_SGX_TARGET_INFO_LEN)
        memset(out, 0, VT_SGX_TARGET_INFO_LEN);
}
