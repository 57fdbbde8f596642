/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Step naming for the verify layer: on failure, prefix the detail with the step
 * ("qe report signature: ...") and pass the code up; on success, leave the detail alone.
 */
#ifndef VT_VERIFY_WRAP_H
#define VT_VERIFY_WRAP_H

#include "common/error.h"

/* For functions that own nothing. */
#define VT_GUARD_STEP(expr, ...)                                             \
    do {                                                                     \
        int vt__step_rc = (expr);                                            \
        if (vt__step_rc < 0) return vt_error_wrap(vt__step_rc, __VA_ARGS__); \
    } while (0)

/* For functions with an `int rc` and an `out:` label. */
#define VT_TRY_STEP(expr, ...)                   \
    do {                                         \
        rc = (expr);                             \
        if (rc < 0) {                            \
            rc = vt_error_wrap(rc, __VA_ARGS__); \
            goto out;                            \
        }                                        \
    } while (0)

#endif
