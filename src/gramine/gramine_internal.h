/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of the Gramine-compatible drop-in libraries (libra_tls_attest.so,
 * libra_tls_verify_dcap.so). The exported entry points (ra_tls_attest.c,
 * ra_tls_verify_dcap.c) are thin: the work is here, in functions the unit tests reach
 * directly (tests/unit/test_gramine_ratls.c links this archive and also dlopens the .so
 * files to go through the exported, versioned symbols).
 *
 * Diagnostics go to stderr in Gramine's form: "ERROR: ..." for failures, "WARNING: ..."
 * and "INFO: ..." otherwise, one line each. They never contain key material.
 */
#ifndef VT_GRAMINE_INTERNAL_H
#define VT_GRAMINE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gramine/ra_tls.h>
#include <veritee/ratls.h>

/*
 * mbedTLS error codes the Gramine libraries return (gramine-compat.md §5). Defined here
 * so that nothing depends on mbedTLS.
 */
#define VT_MBEDTLS_ERR_X509_INVALID_FORMAT      (-0x2180)
#define VT_MBEDTLS_ERR_X509_INVALID_EXTENSIONS  (-0x2500)
#define VT_MBEDTLS_ERR_X509_SIG_MISMATCH        (-0x2680)
#define VT_MBEDTLS_ERR_X509_CERT_VERIFY_FAILED  (-0x2700)
#define VT_MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT (-0x2780)
#define VT_MBEDTLS_ERR_X509_BAD_INPUT_DATA      (-0x2800)
#define VT_MBEDTLS_ERR_X509_ALLOC_FAILED        (-0x2880)
#define VT_MBEDTLS_ERR_X509_FILE_IO_ERROR       (-0x2900)
#define VT_MBEDTLS_ERR_X509_FATAL_ERROR         (-0x3000)
#define VT_MBEDTLS_ERR_PK_BAD_INPUT_DATA        (-0x3E80)

/* Intel's sgx_ql_qv_result_t (sgx_qve_header.h numbering). */
#define VT_QV_RESULT_OK                                0x0000
#define VT_QV_RESULT_CONFIG_NEEDED                     0xA001
#define VT_QV_RESULT_OUT_OF_DATE                       0xA002
#define VT_QV_RESULT_OUT_OF_DATE_CONFIG_NEEDED         0xA003
#define VT_QV_RESULT_INVALID_SIGNATURE                 0xA004
#define VT_QV_RESULT_REVOKED                           0xA005
#define VT_QV_RESULT_UNSPECIFIED                       0xA006
#define VT_QV_RESULT_SW_HARDENING_NEEDED               0xA007
#define VT_QV_RESULT_CONFIG_AND_SW_HARDENING_NEEDED    0xA008
#define VT_QV_RESULT_TD_RELAUNCH_ADVISED               0xA009
#define VT_QV_RESULT_TD_RELAUNCH_ADVISED_CONFIG_NEEDED 0xA00A

/* Intel's quote3_error_t values used for dcap.func_verify_quote_result. */
#define VT_QL_SUCCESS             0x0000
#define VT_QL_ERROR_UNEXPECTED    0xE001
#define VT_QL_ERROR_OUT_OF_MEMORY 0xE003

/* ---- Environment (env.c) --------------------------------------------------------- */

/*
 * Parses an RA_TLS_CERT_TIMESTAMP_* value: exactly 14 digits YYYYMMDDhhmmss, a real UTC
 * date and time, year 1950..9999 (X.509 Time), and not the Unix epoch itself (0 means
 * "default" to vt_ratls_create). VT_E_MALFORMED with a detail otherwise.
 */
VT_MUST_CHECK int vt_gramine_timestamp_parse(const char *text, vt_time_t *out);

/*
 * Fills the certificate validity from RA_TLS_CERT_TIMESTAMP_NOT_BEFORE/_NOT_AFTER (unset:
 * Gramine's defaults) and checks not-before < not-after. VT_E_MALFORMED naming the
 * variable otherwise.
 */
VT_MUST_CHECK int vt_gramine_create_options_from_env(vt_ratls_create_options_t *opts);

/* True if the variable is set to exactly "1" (Gramine's truthiness). */
bool vt_gramine_env_allowed(const char *name);

/* What RA_TLS_MRSIGNER / _MRENCLAVE / _ISV_PROD_ID / _ISV_SVN ask for. */
typedef struct {
    bool has_mrsigner, has_mrenclave, has_isv_prod_id, has_isv_svn; /* false: "any" */
    uint8_t mrsigner[32];
    uint8_t mrenclave[32];
    uint16_t isv_prod_id;
    uint16_t isv_svn;
} vt_gramine_measurements_t;

/*
 * Reads the four variables. Unset: VT_E_NOT_FOUND, detail "A required environment
 * variable RA_TLS_X is not set ..."; a value that is neither "any" nor 64 hex digits
 * (MRSIGNER, MRENCLAVE) or a decimal number 0..65535 (ISV_PROD_ID, ISV_SVN):
 * VT_E_MALFORMED naming the variable.
 */
VT_MUST_CHECK int vt_gramine_measurements_from_env(vt_gramine_measurements_t *out);

/*
 * Compares a report body with what the variables ask for, in Gramine's order (MRSIGNER,
 * MRENCLAVE, ISV_PROD_ID equal, ISV_SVN at least). VT_E_POLICY naming the first mismatch.
 */
VT_MUST_CHECK int vt_gramine_measurements_check(const vt_gramine_measurements_t *m,
                                                const vt_sgx_report_body_t *body);

/* ---- Quote verification outcome (qv.c) ------------------------------------------- */

/* Intel's name of a sgx_ql_qv_result_t value ("OK", "OUT_OF_DATE", ...). */
const char *vt_gramine_qv_result_name(int qv);

/*
 * Maps a Veritee verification (its return code and result) to Intel's pair
 * (quote3_error_t, sgx_ql_qv_result_t), as sgx_qv_verify_quote would report it.
 */
void vt_gramine_qv_from_veritee(int rc, const vt_verify_result_t *r, int *func_result,
                                int *qv_result);

/* The RA_TLS_ALLOW_* switches that matter to the acceptance table. */
typedef struct {
    bool is_outdated_tcb_allowed;
    bool is_hw_config_needed_allowed;
    bool is_sw_hardening_needed_allowed;
} vt_gramine_allow_t;

/* Reads RA_TLS_ALLOW_OUTDATED_TCB_INSECURE, _HW_CONFIG_NEEDED, _SW_HARDENING_NEEDED. */
void vt_gramine_allow_from_env(vt_gramine_allow_t *out);

/*
 * Gramine's acceptance table (gramine-compat.md §5 step 5): true if qv_result (with the
 * collateral expiry flag, which matters only for OK) is accepted under allow.
 */
bool vt_gramine_qv_is_accepted(int qv_result, bool is_collateral_expired,
                               const vt_gramine_allow_t *allow);

/* ---- Certificate creation (attest.c) --------------------------------------------- */

/*
 * Makes a P-384 key and its RA-TLS certificate with evidence from ev, validity from the
 * environment, and serializes both: *der_key the SEC1 ECPrivateKey DER, *der_crt the
 * certificate DER (malloc'd, the caller frees them; the key should be wiped first).
 * Returns 0 or a VT_E_* code (vt_last_error says why).
 */
VT_MUST_CHECK int vt_gramine_create_der(vt_ratls_evidence_fn ev, void *ctx, uint8_t **der_key,
                                        size_t *der_key_size, uint8_t **der_crt,
                                        size_t *der_crt_size);

/* The mbedTLS code ra_tls_create_key_and_crt_der returns for a VT_E_* failure. */
int vt_gramine_create_error(int rc);

/* ---- Verification (verify.c, verifier.c) ------------------------------------------ */

/*
 * The process's shared verifier, set up on first use from VERITEE_ROOT_CA,
 * VERITEE_COLLATERAL and VERITEE_PCCS_URL (pthread_once). Returns 0 and *out, or the
 * setup's error code (the same one on every call; vt_last_error repeats its detail).
 */
VT_MUST_CHECK int vt_gramine_verifier_get(vt_ratls_verifier_t **out);

/* Whether the shared verifier has a collateral source (false: every quote fails). */
bool vt_gramine_verifier_has_source(void);

/*
 * Everything ra_tls_verify_callback_extended_der does, with the verifier and the
 * measurement callback given: parses the certificate (DER, or NUL-terminated PEM), fills
 * results (optional) and returns 0 or the mbedTLS code Gramine returns for the failure.
 * at is the verification time (VT_TIME_NOW in the library). The thread's OpenSSL error
 * queue is left as it was found.
 */
int vt_gramine_verify(vt_ratls_verifier_t *rv, verify_measurements_cb_t cb, const uint8_t *crt,
                      size_t crt_size, vt_time_t at,
                      struct ra_tls_verify_callback_results *results);

#endif
