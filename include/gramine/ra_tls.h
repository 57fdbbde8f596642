/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Gramine's public RA-TLS API, declared for Veritee's drop-in libraries
 * libra_tls_attest.so and libra_tls_verify_dcap.so (docs/specs/gramine-compat.md §4).
 * A program written against Gramine's <gramine/ra_tls.h> compiles against this header and
 * links against Veritee's libraries unchanged (-lra_tls_attest -lra_tls_verify_dcap); the
 * symbols carry the version node RA_TLS, as Gramine's do.
 *
 * Differences from Gramine's libraries (the behaviour of each function is otherwise the same):
 *   - thread safety: the verifier is set up once and shared; any number of threads may
 *     call ra_tls_verify_callback_extended_der at once, and the measurement callback may be
 *     replaced while they do;
 *   - the quote is verified by Veritee's verifier, configured by VERITEE_ROOT_CA,
 *     VERITEE_COLLATERAL and VERITEE_PCCS_URL (see README.md, "Gramine-compatible
 *     libraries"), not by Intel's DCAP quote verification library;
 *   - RA_TLS_CERT_TIMESTAMP_NOT_BEFORE/_NOT_AFTER are checked strictly (YYYYMMDDhhmmss, a
 *     real UTC date and time).
 */
#ifndef GRAMINE_RA_TLS_H
#define GRAMINE_RA_TLS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * OID content bytes of the legacy SGX quote extension. The leading 06 09 are a tag and a
 * length that were included by mistake, so the OID in certificates reads
 * 0.6.9.42.840.113741.1337.6; it is kept for compatibility.
 */
#define NON_STANDARD_INTEL_SGX_QUOTE_OID                                 \
    {                                                                    \
        0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF8, 0x4D, 0x8A, 0x39, 0x06 \
    }
/* OID content bytes of the TCG DICE tagged-evidence extension, 2.23.133.5.4.9. */
#define TCG_DICE_TAGGED_EVIDENCE_OID       \
    {                                      \
        0x67, 0x81, 0x05, 0x05, 0x04, 0x09 \
    }
/* The same OID as a complete DER TLV (tag 06, length 06, content). */
#define TCG_DICE_TAGGED_EVIDENCE_OID_RAW               \
    {                                                  \
        0x06, 0x06, 0x67, 0x81, 0x05, 0x05, 0x04, 0x09 \
    }
/* CBOR tag of the tagged evidence: tag(60000, [bstr quote, bstr claims]). */
#define TCG_DICE_TAGGED_EVIDENCE_TEE_QUOTE_CBOR_TAG 60000

/* Environment variables read by the libraries (gramine-compat.md §4.1). */
#define RA_TLS_MRSIGNER                     "RA_TLS_MRSIGNER"
#define RA_TLS_MRENCLAVE                    "RA_TLS_MRENCLAVE"
#define RA_TLS_ISV_PROD_ID                  "RA_TLS_ISV_PROD_ID"
#define RA_TLS_ISV_SVN                      "RA_TLS_ISV_SVN"
#define RA_TLS_ALLOW_OUTDATED_TCB_INSECURE  "RA_TLS_ALLOW_OUTDATED_TCB_INSECURE"
#define RA_TLS_ALLOW_HW_CONFIG_NEEDED       "RA_TLS_ALLOW_HW_CONFIG_NEEDED"
#define RA_TLS_ALLOW_SW_HARDENING_NEEDED    "RA_TLS_ALLOW_SW_HARDENING_NEEDED"
#define RA_TLS_ALLOW_DEBUG_ENCLAVE_INSECURE "RA_TLS_ALLOW_DEBUG_ENCLAVE_INSECURE"
#define RA_TLS_CERT_TIMESTAMP_NOT_BEFORE    "RA_TLS_CERT_TIMESTAMP_NOT_BEFORE"
#define RA_TLS_CERT_TIMESTAMP_NOT_AFTER     "RA_TLS_CERT_TIMESTAMP_NOT_AFTER"

/*
 * Measurement callback. The arguments point into the verified quote's report body:
 * mrenclave (32 bytes), mrsigner (32 bytes), isv_prod_id (2 bytes, little-endian u16) and
 * isv_svn (2 bytes, little-endian u16). Only a negative return value rejects the peer.
 */
typedef int (*verify_measurements_cb_t)(const char *mrenclave, const char *mrsigner,
                                        const char *isv_prod_id, const char *isv_svn);

typedef enum {
    RA_TLS_ATTESTATION_SCHEME_UNKNOWN = 0,
    /* 1 was EPID, removed in Gramine v1.9 */
    RA_TLS_ATTESTATION_SCHEME_DCAP = 2,
} ra_tls_attestation_scheme_t;

/* The step at which verification stopped (AT_NONE: it did not fail). */
typedef enum {
    AT_NONE = 0,
    AT_INIT = 1,
    AT_EXTRACT_QUOTE = 2,
    AT_VERIFY_EXTERNAL = 3,
    AT_VERIFY_ENCLAVE_ATTRS = 4,
    AT_VERIFY_ENCLAVE_MEASUREMENTS = 5,
} ra_tls_err_loc_t;

struct ra_tls_verify_callback_results {
    ra_tls_attestation_scheme_t attestation_scheme;
    ra_tls_err_loc_t err_loc;
    union {
        struct {
            /* quote3_error_t of the quote verification call (0 = it ran to a verdict) */
            int func_verify_quote_result;
            /* sgx_ql_qv_result_t: 0x0000 OK, 0xA001..0xA008 (CONFIG_NEEDED...) */
            int quote_verification_result;
        } dcap;
        struct {
            char reserved[128];
        } misc;
    };
};

/**
 * Sets the process-wide measurement callback; NULL returns to checking the RA_TLS_MRSIGNER,
 * RA_TLS_MRENCLAVE, RA_TLS_ISV_PROD_ID and RA_TLS_ISV_SVN environment variables.
 */
void ra_tls_set_measurement_callback(verify_measurements_cb_t f_cb);

/**
 * Deprecated: ra_tls_verify_callback_extended_der(der_crt, der_crt_size, NULL), after a
 * deprecation warning on stderr.
 */
int ra_tls_verify_callback_der(uint8_t *der_crt, size_t der_crt_size);

/**
 * Verifies an RA-TLS certificate, given as DER or as NUL-terminated PEM (der_crt_size then
 * counts the NUL). results (optional) is zeroed once the certificate parses and says where
 * verification stopped. The certificate's signature and validity dates are not checked:
 * the TLS handshake proves possession of its key.
 * Returns 0, or a negative mbedTLS error code (e.g. -0x2700 when the quote, the enclave
 * attributes or the measurements are rejected).
 */
int ra_tls_verify_callback_extended_der(uint8_t *der_crt, size_t der_crt_size,
                                        struct ra_tls_verify_callback_results *results);

/**
 * Makes a fresh NIST P-384 key and its self-signed RA-TLS certificate, with quotes from
 * /dev/attestation (or the directory named by VERITEE_ATTESTATION_DIR). On success
 * *der_key (SEC1 ECPrivateKey DER) and *der_crt are malloc'd buffers the caller frees.
 * Returns 0, -EINVAL if an output pointer is NULL, or a negative mbedTLS error code.
 */
int ra_tls_create_key_and_crt_der(uint8_t **der_key, size_t *der_key_size, uint8_t **der_crt,
                                  size_t *der_crt_size);

#ifdef __cplusplus
}
#endif

#endif
