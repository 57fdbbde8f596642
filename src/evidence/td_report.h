/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal entry points of the TD report body codec (dcap.md §2.3), for the quote
 * parser and serializer.
 */
#ifndef VT_EVIDENCE_TD_REPORT_H
#define VT_EVIDENCE_TD_REPORT_H

#include <veritee/evidence.h>

#include "common/cursor.h"

/* Encoded size of a TD body of the given type (VT_BODY_TD10 or VT_BODY_TD15), else 0. */
size_t vt_td_report_body_len(vt_body_type_t type);

/*
 * Reads a TD 1.0 (584 bytes) or TD 1.5 (648 bytes) body from c into *out (only on
 * success). For TD 1.0 the TD 1.5-only fields of *out are zero.
 */
VT_MUST_CHECK int vt_td_report_body_parse_cursor(vt_cursor_t *c, vt_body_type_t type,
                                                 vt_td_report_body_t *out);

/* Appends the encoding of b as a body of the given type to w (TD 1.0 drops the TD 1.5 fields). */
VT_MUST_CHECK int vt_td_report_body_serialize_writer(vt_writer_t *w, vt_body_type_t type,
                                                     const vt_td_report_body_t *b);

#endif
