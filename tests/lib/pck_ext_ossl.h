/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reference parse of the PCK certificate's SGX extension through OpenSSL's ASN.1 API
 * (d2i_ASN1_SEQUENCE_ANY, re-encoded to insist on DER). Test code only: the production
 * parser is vt_pck_ext_parse (src/evidence/pck_ext.c, on the shared DER reader), and the
 * differential fuzzer fuzz/fuzz_pck_ext_diff.c and tests/unit/test_pck_ext.c hold the two
 * to the same answers.
 */
#ifndef VT_TEST_PCK_EXT_OSSL_H
#define VT_TEST_PCK_EXT_OSSL_H

#include <veritee/evidence.h>

/* The same contract, codes and struct as vt_pck_ext_parse; details read "pck_ext_ossl: ...". */
VT_MUST_CHECK int vt_pck_ext_ossl_parse(const uint8_t *der, size_t len, vt_pck_ext_t *out);

#endif
