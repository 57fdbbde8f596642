/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sgx_report_body_t (dcap.md §1.3): the 384-byte SGX enclave report body, used as the
 * ISV body of SGX quotes and as the QE report inside every quote's signature data.
 * Parser and serializer are mirror images; every byte (reserved fields included) is
 * kept, so serialize(parse(x)) == x.
 */
#include "sgx_report.h"

#include <string.h>

#include "common/error.h"

int vt_sgx_report_body_parse_cursor(vt_cursor_t *c, vt_sgx_report_body_t *out)
{
    vt_cursor_t r;
    vt_sgx_report_body_t b;

    VT_GUARD(vt_cursor_sub(c, VT_SGX_REPORT_BODY_LEN, &r, NULL));
    VT_GUARD(vt_cursor_read_bytes(&r, b.cpu_svn, sizeof(b.cpu_svn)));                 /* 0 */
    VT_GUARD(vt_cursor_read_u32le(&r, &b.misc_select));                               /* 16 */
    VT_GUARD(vt_cursor_read_bytes(&r, b.reserved1, sizeof(b.reserved1)));             /* 20 */
    VT_GUARD(vt_cursor_read_bytes(&r, b.isv_ext_prod_id, sizeof(b.isv_ext_prod_id))); /* 32 */
    VT_GUARD(vt_cursor_read_bytes(&r, b.attributes, sizeof(b.attributes)));           /* 48 */
    VT_GUARD(vt_cursor_read_bytes(&r, b.mr_enclave, sizeof(b.mr_enclave)));           /* 64 */
    VT_GUARD(vt_cursor_read_bytes(&r, b.reserved2, sizeof(b.reserved2)));             /* 96 */
    VT_GUARD(vt_cursor_read_bytes(&r, b.mr_signer, sizeof(b.mr_signer)));             /* 128 */
    VT_GUARD(vt_cursor_read_bytes(&r, b.reserved3, sizeof(b.reserved3)));             /* 160 */
    VT_GUARD(vt_cursor_read_bytes(&r, b.config_id, sizeof(b.config_id)));             /* 192 */
    VT_GUARD(vt_cursor_read_u16le(&r, &b.isv_prod_id));                               /* 256 */
    VT_GUARD(vt_cursor_read_u16le(&r, &b.isv_svn));                                   /* 258 */
    VT_GUARD(vt_cursor_read_u16le(&r, &b.config_svn));                                /* 260 */
    VT_GUARD(vt_cursor_read_bytes(&r, b.reserved4, sizeof(b.reserved4)));             /* 262 */
    VT_GUARD(vt_cursor_read_bytes(&r, b.isv_family_id, sizeof(b.isv_family_id)));     /* 304 */
    VT_GUARD(vt_cursor_read_bytes(&r, b.report_data, sizeof(b.report_data)));         /* 320 */
    VT_GUARD(vt_cursor_expect_end(&r));
    *out = b;
    return 0;
}

int vt_sgx_report_body_serialize_writer(vt_writer_t *w, const vt_sgx_report_body_t *b)
{
    VT_GUARD(vt_writer_bytes(w, b->cpu_svn, sizeof(b->cpu_svn)));
    VT_GUARD(vt_writer_u32le(w, b->misc_select));
    VT_GUARD(vt_writer_bytes(w, b->reserved1, sizeof(b->reserved1)));
    VT_GUARD(vt_writer_bytes(w, b->isv_ext_prod_id, sizeof(b->isv_ext_prod_id)));
    VT_GUARD(vt_writer_bytes(w, b->attributes, sizeof(b->attributes)));
    VT_GUARD(vt_writer_bytes(w, b->mr_enclave, sizeof(b->mr_enclave)));
    VT_GUARD(vt_writer_bytes(w, b->reserved2, sizeof(b->reserved2)));
    VT_GUARD(vt_writer_bytes(w, b->mr_signer, sizeof(b->mr_signer)));
    VT_GUARD(vt_writer_bytes(w, b->reserved3, sizeof(b->reserved3)));
    VT_GUARD(vt_writer_bytes(w, b->config_id, sizeof(b->config_id)));
    VT_GUARD(vt_writer_u16le(w, b->isv_prod_id));
    VT_GUARD(vt_writer_u16le(w, b->isv_svn));
    VT_GUARD(vt_writer_u16le(w, b->config_svn));
    VT_GUARD(vt_writer_bytes(w, b->reserved4, sizeof(b->reserved4)));
    VT_GUARD(vt_writer_bytes(w, b->isv_family_id, sizeof(b->isv_family_id)));
    VT_GUARD(vt_writer_bytes(w, b->report_data, sizeof(b->report_data)));
    return 0;
}

int vt_sgx_report_body_parse(const uint8_t *buf, size_t len, vt_sgx_report_body_t *out)
{
    vt_cursor_t c;
    vt_sgx_report_body_t b;

    vt_cursor_init(&c, buf, len, "sgx_report");
    VT_GUARD(vt_sgx_report_body_parse_cursor(&c, &b));
    VT_GUARD(vt_cursor_expect_end(&c));
    *out = b;
    return 0;
}

void vt_sgx_report_body_serialize(const vt_sgx_report_body_t *b,
                                  uint8_t out[static VT_SGX_REPORT_BODY_LEN])
{
    vt_writer_t w;
    vt_writer_init(&w, out, VT_SGX_REPORT_BODY_LEN);
    /* Cannot fail: the writer holds exactly the 384 bytes written. Should it ever, the
     * output is zeroed rather than left half-written. */
    if (vt_sgx_report_body_serialize_writer(&w, b) < 0 || w.len != VT_SGX_REPORT_BODY_LEN)
        memset(out, 0, VT_SGX_REPORT_BODY_LEN);
}

static uint64_t load_u64le(const uint8_t p[static 8])
{
    uint64_t v = 0;
    for (size_t i = 8; i > 0; i--) v = (v << 8) | p[i - 1];
    return v;
}

uint64_t vt_sgx_report_flags(const vt_sgx_report_body_t *b)
{
    /* ATTRIBUTES = flags u64 LE || xfrm u64 LE (dcap.md §1.3, offset 48). */
    return load_u64le(b->attributes);
}
