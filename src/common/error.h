/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal error vocabulary. Two families of macros:
 *   VT_GUARD / VT_ENSURE / VT_BAIL / VT_GUARD_OSSL return at once; use them only in
 *   functions that own nothing.
 *   VT_TRY / VT_TRY_ENSURE / VT_TRY_BAIL / VT_TRY_OSSL store the code in a local `rc`
 *   and jump to the function's single `out:` label, which releases everything.
 * No other code writes `return -1` or sets the detail by hand.
 */
#ifndef VT_COMMON_ERROR_H
#define VT_COMMON_ERROR_H

#include <veritee/common.h>

/* Sets this thread's detail from fmt and returns code. */
int vt_error_set(int code, const char *file, int line, const char *fmt, ...) VT_PRINTF(4, 5);

/* Like vt_error_set, then appends the OpenSSL error queue (and clears it). */
int vt_error_set_ossl(int code, const char *file, int line, const char *fmt, ...)
    VT_PRINTF(4, 5);

/*
 * Prefixes the current detail with "<fmt>: " and returns rc unchanged. Used by higher
 * layers to name the step that failed ("pck chain: ...") without losing the cause.
 */
int vt_error_wrap(int rc, const char *fmt, ...) VT_PRINTF(2, 3);

#define VT_GUARD(expr)                                                                   \
    do {                                                                                 \
        int vt__rc = (expr);                                                             \
        if (vt__rc < 0) return vt__rc;                                                   \
    } while (0)

#define VT_BAIL(code, ...) return vt_error_set((code), __FILE__, __LINE__, __VA_ARGS__)

#define VT_ENSURE(cond, code, ...)                                                       \
    do {                                                                                 \
        if (!(cond)) VT_BAIL(code, __VA_ARGS__);                                         \
    } while (0)

/* OpenSSL functions return 1 on success. */
#define VT_GUARD_OSSL(call, code, ...)                                                   \
    do {                                                                                 \
        if ((call) != 1) return vt_error_set_ossl((code), __FILE__, __LINE__, __VA_ARGS__); \
    } while (0)

#define VT_TRY(expr)                                                                     \
    do {                                                                                 \
        rc = (expr);                                                                     \
        if (rc < 0) goto out;                                                            \
    } while (0)

#define VT_TRY_BAIL(code, ...)                                                           \
    do {                                                                                 \
        rc = vt_error_set((code), __FILE__, __LINE__, __VA_ARGS__);                      \
        goto out;                                                                        \
    } while (0)

#define VT_TRY_ENSURE(cond, code, ...)                                                   \
    do {                                                                                 \
        if (!(cond)) VT_TRY_BAIL(code, __VA_ARGS__);                                     \
    } while (0)

#define VT_TRY_OSSL(call, code, ...)                                                     \
    do {                                                                                 \
        if ((call) != 1) {                                                               \
            rc = vt_error_set_ossl((code), __FILE__, __LINE__, __VA_ARGS__);             \
            goto out;                                                                    \
        }                                                                                \
    } while (0)

/* Allocation that fails with VT_E_NOMEM and a detail naming what was allocated. */
#define VT_TRY_ALLOC(ptr, expr, what)                                                    \
    do {                                                                                 \
        (ptr) = (expr);                                                                  \
        if ((ptr) == NULL) VT_TRY_BAIL(VT_E_NOMEM, "out of memory allocating %s", what); \
    } while (0)

#endif
