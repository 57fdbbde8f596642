/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TD report bodies (dcap.md §2.3): TD 1.0 (584 bytes, v4 quotes and v5 body type 2) and
 * TD 1.5 (648 bytes, v5 body type 3: TD 1.0 followed by TEE_TCB_SVN_2 and MRSERVICETD).
 * Every byte is kept, so serialize(parse(x)) == x.
 */
#include "td_report.h"

#include <string.h>

#include "common/error.h"

size_t vt_td_report_body_len(vt_body_type_t type)
{
    switch (type) {
    case VT_BODY_TD10:
        return VT_TD10_REPORT_BODY_LEN;
    case VT_BODY_TD15:
        return VT_TD15_REPORT_BODY_LEN;
    default:
        return 0;
    }
}

static int parse_td10_fields(vt_cursor_t *r, vt_td_report_body_t *b)
{
    VT_GUARD(vt_cursor_read_bytes(r, b->tee_tcb_svn, sizeof(b->tee_tcb_svn)));         /* 0 */
    VT_GUARD(vt_cursor_read_bytes(r, b->mr_seam, sizeof(b->mr_seam)));                 /* 16 */
    VT_GUARD(vt_cursor_read_bytes(r, b->mr_signer_seam, sizeof(b->mr_signer_seam)));   /* 64 */
    VT_GUARD(vt_cursor_read_bytes(r, b->seam_attributes, sizeof(b->seam_attributes))); /* 112 */
    VT_GUARD(vt_cursor_read_bytes(r, b->td_attributes, sizeof(b->td_attributes)));     /* 120 */
    VT_GUARD(vt_cursor_read_bytes(r, b->xfam, sizeof(b->xfam)));                       /* 128 */
    VT_GUARD(vt_cursor_read_bytes(r, b->mr_td, sizeof(b->mr_td)));                     /* 136 */
    VT_GUARD(vt_cursor_read_bytes(r, b->mr_config_id, sizeof(b->mr_config_id)));       /* 184 */
    VT_GUARD(vt_cursor_read_bytes(r, b->mr_owner, sizeof(b->mr_owner)));               /* 232 */
    VT_GUARD(vt_cursor_read_bytes(r, b->mr_owner_config, sizeof(b->mr_owner_config))); /* 280 */
    for (size_t i = 0; i < 4; i++) {                                                   /* 328 */
        VT_GUARD(vt_cursor_read_bytes(r, b->rtmr[i], sizeof(b->rtmr[i])));
    }
    VT_GUARD(vt_cursor_read_bytes(r, b->report_data, sizeof(b->report_data))); /* 520 */
    return 0;
}

int vt_td_report_body_parse_cursor(vt_cursor_t *c, vt_body_type_t type, vt_td_report_body_t *out)
{
    vt_cursor_t r;
    vt_td_report_body_t b;
    size_t len = vt_td_report_body_len(type);

    VT_ENSURE(len != 0, VT_E_INVALID_ARG, "td_report: body type %d, expected 2 or 3", (int)type);
    VT_GUARD(vt_cursor_sub(c, len, &r, NULL));
    memset(&b, 0, sizeof(b));
    VT_GUARD(parse_td10_fields(&r, &b));
    if (type == VT_BODY_TD15) {
        VT_GUARD(vt_cursor_read_bytes(&r, b.tee_tcb_svn2, sizeof(b.tee_tcb_svn2))); /* 584 */
        VT_GUARD(vt_cursor_read_bytes(&r, b.mr_servicetd, sizeof(b.mr_servicetd))); /* 600 */
    }
    VT_GUARD(vt_cursor_expect_end(&r));
    *out = b;
    return 0;
}

int vt_td_report_body_serialize_writer(vt_writer_t *w, vt_body_type_t type,
                                       const vt_td_report_body_t *b)
{
    VT_ENSURE(vt_td_report_body_len(type) != 0, VT_E_INVALID_ARG,
              "td_report: body type %d, expected 2 or 3", (int)type);
    VT_GUARD(vt_writer_bytes(w, b->tee_tcb_svn, sizeof(b->tee_tcb_svn)));
    VT_GUARD(vt_writer_bytes(w, b->mr_seam, sizeof(b->mr_seam)));
    VT_GUARD(vt_writer_bytes(w, b->mr_signer_seam, sizeof(b->mr_signer_seam)));
    VT_GUARD(vt_writer_bytes(w, b->seam_attributes, sizeof(b->seam_attributes)));
    VT_GUARD(vt_writer_bytes(w, b->td_attributes, sizeof(b->td_attributes)));
    VT_GUARD(vt_writer_bytes(w, b->xfam, sizeof(b->xfam)));
    VT_GUARD(vt_writer_bytes(w, b->mr_td, sizeof(b->mr_td)));
    VT_GUARD(vt_writer_bytes(w, b->mr_config_id, sizeof(b->mr_config_id)));
    VT_GUARD(vt_writer_bytes(w, b->mr_owner, sizeof(b->mr_owner)));
    VT_GUARD(vt_writer_bytes(w, b->mr_owner_config, sizeof(b->mr_owner_config)));
    for (size_t i = 0; i < 4; i++) VT_GUARD(vt_writer_bytes(w, b->rtmr[i], sizeof(b->rtmr[i])));
    VT_GUARD(vt_writer_bytes(w, b->report_data, sizeof(b->report_data)));
    if (type == VT_BODY_TD15) {
        VT_GUARD(vt_writer_bytes(w, b->tee_tcb_svn2, sizeof(b->tee_tcb_svn2)));
        VT_GUARD(vt_writer_bytes(w, b->mr_servicetd, sizeof(b->mr_servicetd)));
    }
    return 0;
}

int vt_td_report_body_parse(const uint8_t *buf, size_t len, vt_td_report_body_t *out)
{
    vt_cursor_t c;
    vt_td_report_body_t b;
    vt_body_type_t type = len == VT_TD15_REPORT_BODY_LEN ? VT_BODY_TD15 : VT_BODY_TD10;

    /* Shorter than TD 1.0 is a truncation; any other size is neither body. */
    VT_ENSURE(len < VT_TD10_REPORT_BODY_LEN || len == VT_TD10_REPORT_BODY_LEN ||
                  len == VT_TD15_REPORT_BODY_LEN,
              VT_E_MALFORMED, "td_report: body size %zu, expected %d or %d", len,
              VT_TD10_REPORT_BODY_LEN, VT_TD15_REPORT_BODY_LEN);
    vt_cursor_init(&c, buf, len, "td_report");
    VT_GUARD(vt_td_report_body_parse_cursor(&c, type, &b));
    VT_GUARD(vt_cursor_expect_end(&c));
    *out = b;
    return 0;
}

uint64_t vt_td_attributes(const vt_td_report_body_t *b)
{
    /* TDATTRIBUTES is a u64, little-endian (dcap.md §2.3, offset 120). */
    uint64_t v = 0;
    for (size_t i = sizeof(b->td_attributes); i > 0; i--) v = (v << 8) | b->td_attributes[i - 1];
    return v;
}
