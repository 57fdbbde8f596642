/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sgx_report_t (432 bytes; layout in veritee/evidence.h): what EREPORT writes, the
 * report body followed by KEYID and the MAC. The body goes through the body codec
 * (sgx_report.c). Parser and serializer are mirror images, so serialize(parse(x)) == x.
 */
#include <string.h>
#include <veritee/evidence.h>

#include "common/cursor.h"
#include "common/error.h"
#include "evidence/sgx_report.h"

static int serialize_writer(vt_writer_t *w, const vt_sgx_report_t *r)
{
    VT_GUARD(vt_sgx_report_body_serialize_writer(w, &r->body));
    VT_GUARD(vt_writer_bytes(w, r->key_id, sizeof(r->key_id)));
    VT_GUARD(vt_writer_bytes(w, r->mac, sizeof(r->mac)));
    return 0;
}

int vt_sgx_report_parse(const uint8_t *buf, size_t len, vt_sgx_report_t *out)
{
    vt_cursor_t c;
    vt_sgx_report_t r;

    /* A fixed-size structure: say so plainly before reading field by field. */
    VT_ENSURE(len >= VT_SGX_REPORT_LEN, VT_E_TRUNCATED, "sgx_report: %zu bytes, expected %d", len,
              VT_SGX_REPORT_LEN);
    VT_ENSURE(len <= VT_SGX_REPORT_LEN, VT_E_TRAILING_DATA, "sgx_report: %zu bytes, expected %d",
              len, VT_SGX_REPORT_LEN);
    vt_cursor_init(&c, buf, len, "sgx_report");
    VT_GUARD(vt_sgx_report_body_parse_cursor(&c, &r.body));         /* 0 */
    VT_GUARD(vt_cursor_read_bytes(&c, r.key_id, sizeof(r.key_id))); /* 384 */
    VT_GUARD(vt_cursor_read_bytes(&c, r.mac, sizeof(r.mac)));       /* 416 */
    VT_GUARD(vt_cursor_expect_end(&c));                             /* 432 */
    *out = r;
    return 0;
}

void vt_sgx_report_serialize(const vt_sgx_report_t *r, uint8_t out[static VT_SGX_REPORT_LEN])
{
    vt_writer_t w;
    vt_writer_init(&w, out, VT_SGX_REPORT_LEN);
    /* Cannot fail (exactly 432 bytes are written); if it ever did, the output is zeroed. */
    if (serialize_writer(&w, r) < 0 || w.len != VT_SGX_REPORT_LEN)
        memset(out, 0, VT_SGX_REPORT_LEN);
}
