/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Veritee common layer: export and checking attributes, error codes with their
 * categories, the thread-local error detail, and small helpers every layer uses.
 *
 * Error convention: functions return int, 0 on success or a negative VT_E_* code.
 * The code's category (vt_error_type) tells a program what to do; the detail string
 * (vt_last_error) tells a person exactly what failed and where.
 */
#ifndef VERITEE_COMMON_H
#define VERITEE_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VT_API __attribute__((visibility("default")))
#define VT_MUST_CHECK __attribute__((warn_unused_result))
#define VT_NONNULL(...) __attribute__((nonnull(__VA_ARGS__)))
#define VT_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/* Error categories: what the caller should do about a failure. */
typedef enum {
    VT_ET_OK = 0,
    VT_ET_PARSE,    /* malformed untrusted input */
    VT_ET_REJECT,   /* well-formed input rejected by a signature, the TCB, or the policy */
    VT_ET_IO,       /* a file or the network failed */
    VT_ET_USAGE,    /* the caller passed something invalid */
    VT_ET_INTERNAL, /* out of memory, a library failure, a bug */
} vt_error_type_t;

/*
 * The one table of error codes: name, category, fixed English string.
 * The enum below and the string table in src/common/error.c are both generated
 * from it, so a code without a string cannot exist.
 */
#define VT_ERRORS(X)                                                                      \
    X(VT_E_INTERNAL, VT_ET_INTERNAL, "internal error")                                    \
    X(VT_E_NOMEM, VT_ET_INTERNAL, "out of memory")                                        \
    X(VT_E_CRYPTO, VT_ET_INTERNAL, "cryptographic library failure")                       \
    X(VT_E_INVALID_ARG, VT_ET_USAGE, "invalid argument")                                  \
    X(VT_E_TRUNCATED, VT_ET_PARSE, "input truncated")                                     \
    X(VT_E_MALFORMED, VT_ET_PARSE, "malformed input")                                     \
    X(VT_E_UNSUPPORTED, VT_ET_PARSE, "unsupported format or version")                     \
    X(VT_E_TRAILING_DATA, VT_ET_PARSE, "unexpected trailing data")                        \
    X(VT_E_TOO_LARGE, VT_ET_PARSE, "input exceeds the format maximum")                    \
    X(VT_E_IO, VT_ET_IO, "input/output error")                                            \
    X(VT_E_NOT_FOUND, VT_ET_IO, "not found")                                              \
    X(VT_E_NETWORK, VT_ET_IO, "network error")                                            \
    X(VT_E_SIGNATURE, VT_ET_REJECT, "signature does not verify")                          \
    X(VT_E_UNTRUSTED, VT_ET_REJECT, "certificate chain does not lead to the trust anchor") \
    X(VT_E_CHAIN, VT_ET_REJECT, "certificate chain is invalid")                           \
    X(VT_E_REVOKED, VT_ET_REJECT, "revoked")                                              \
    X(VT_E_COLLATERAL, VT_ET_REJECT, "collateral does not match the evidence")            \
    X(VT_E_TCB_INFO_MISMATCH, VT_ET_REJECT, "tcb info does not match the platform")       \
    X(VT_E_QE_IDENTITY_MISMATCH, VT_ET_REJECT, "quoting enclave identity mismatch")       \
    X(VT_E_TDX_MODULE_MISMATCH, VT_ET_REJECT, "tdx module identity mismatch")             \
    X(VT_E_QE_REPORT_DATA, VT_ET_REJECT, "qe report data does not bind the attestation key") \
    X(VT_E_MEASUREMENT, VT_ET_REJECT, "measurement does not match the signed identity")   \
    X(VT_E_REPORT_DATA, VT_ET_REJECT, "evidence carries other report data than requested") \
    X(VT_E_POLICY, VT_ET_REJECT, "rejected by the appraisal policy")

typedef enum {
    VT_OK = 0,
    VT__E_BASE = -1000,
#define VT__ERROR_ENUM(code, type, text) code,
    VT_ERRORS(VT__ERROR_ENUM)
#undef VT__ERROR_ENUM
    VT__E_END
} vt_error_t;

/** The category of an error code (VT_ET_OK for 0, VT_ET_INTERNAL for unknown codes). */
VT_API vt_error_type_t vt_error_type(int rc);

/** The symbolic name of a code ("VT_E_TRUNCATED"); "VT_OK" for 0; "unknown" otherwise. */
VT_API const char *vt_error_name(int rc);

/** The fixed English string of a code. Never NULL. */
VT_API const char *vt_strerror(int rc);

/**
 * The detail message of the last failure on this thread, e.g.
 * "sgx_quote: header version 4, expected 3". Empty string if none.
 * Valid until the next Veritee call on the same thread.
 */
VT_API const char *vt_last_error(void);

/** Clears this thread's error detail. */
VT_API void vt_error_clear(void);

/* ---- Time ---------------------------------------------------------------------- */

/** Seconds since the Unix epoch, UTC. */
typedef int64_t vt_time_t;

/** Pass as a verification time to mean "the current time". */
#define VT_TIME_NOW INT64_MIN

/**
 * Parses an RFC 3339 / ISO 8601 UTC timestamp "YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm|-hh:mm)".
 * Returns VT_E_MALFORMED (with detail) for anything else.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2) int vt_time_parse(const char *text, vt_time_t *out);

/** Formats t as "YYYY-MM-DDThh:mm:ssZ" into out (at least VT_TIME_TEXT_LEN bytes). */
#define VT_TIME_TEXT_LEN 21
VT_API VT_NONNULL(2) void vt_time_format(vt_time_t t, char out[static VT_TIME_TEXT_LEN]);

/** The current time, UTC. */
VT_API vt_time_t vt_time_now(void);

/* ---- Hex ----------------------------------------------------------------------- */

/** Writes 2*len lowercase hex digits and a NUL into out (2*len+1 bytes). */
VT_API VT_NONNULL(3) void vt_hex_encode(const uint8_t *in, size_t len, char *out);

/**
 * Decodes exactly out_len bytes from text[0..text_len) (upper or lower case).
 * VT_E_MALFORMED if text_len != 2*out_len or a character is not a hex digit.
 */
VT_API VT_MUST_CHECK int vt_hex_decode(const char *text, size_t text_len, uint8_t *out,
                                       size_t out_len);

#ifdef __cplusplus
}
#endif
#endif
