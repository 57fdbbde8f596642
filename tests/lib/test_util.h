/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the unit tests: vector files and expected results. */
#ifndef VT_TEST_UTIL_H
#define VT_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the headers above first. */
#include <cmocka.h>
#include <veritee/common.h>

/* The DCAP vectors in tests/vectors, NULL-terminated. */
extern const char *const vt_test_dcap_vectors[];

/* Path of a file in the vectors directory ($VT_VECTORS_DIR). Static buffer per call site use. */
const char *vt_test_vector_path(const char *vector, const char *file);

/* Reads a vector file; fails the test if it cannot. Caller frees *buf. */
void vt_test_read_vector(const char *vector, const char *file, uint8_t **buf, size_t *len);

/* Reads a vector file; returns 0 or VT_E_NOT_FOUND without failing the test. */
int vt_test_try_read_vector(const char *vector, const char *file, uint8_t **buf, size_t *len);

typedef struct {
    vt_time_t verify_time;
    char tcb_status[64];
    char advisory_ids[16][32];
    size_t advisory_count;
    int quote_version;
    char tee[8];
    char fmspc[16];
} vt_test_expected_t;

/* Parses <vector>/expected.json; fails the test on error. */
void vt_test_read_expected(const char *vector, vt_test_expected_t *out);

/* Asserts rc == want and prints vt_last_error() if not. */
#define vt_assert_rc(rc, want)                                                                  \
    do {                                                                                        \
        int vt__got = (rc);                                                                     \
        if (vt__got != (want)) {                                                                \
            print_error("rc %s (%d), expected %s (%d); detail: %s\n", vt_error_name(vt__got),   \
                        vt__got, vt_error_name(want), (int)(want), vt_last_error());            \
            fail();                                                                             \
        }                                                                                       \
    } while (0)

#define vt_assert_ok(rc) vt_assert_rc(rc, 0)

#endif
