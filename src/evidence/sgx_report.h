/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal entry points of the SGX report body codec (dcap.md §1.3), for the quote
 * parser and serializer, which embed the body in a larger cursor or writer.
 */
#ifndef VT_EVIDENCE_SGX_REPORT_H
#define VT_EVIDENCE_SGX_REPORT_H

#include <veritee/evidence.h>

#include "common/cursor.h"

/* Reads the next VT_SGX_REPORT_BODY_LEN bytes of c into *out (only on success). */
VT_MUST_CHECK int vt_sgx_report_body_parse_cursor(vt_cursor_t *c, vt_sgx_report_body_t *out);

/* Appends the VT_SGX_REPORT_BODY_LEN-byte encoding of b to w. */
VT_MUST_CHECK int vt_sgx_report_body_serialize_writer(vt_writer_t *w,
                                                      const vt_sgx_report_body_t *b);

#endif
