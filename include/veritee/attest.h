/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Veritee attest layer: getting evidence from the platform this process runs on.
 *
 * One interface, several providers:
 *   - "gramine": a directory with Gramine's /dev/attestation semantics (a real Gramine
 *     SGX enclave, or Veritee's attestfs). Path from VERITEE_ATTESTATION_DIR, default
 *     /dev/attestation. Evidence is an SGX DCAP quote (v3).
 *   - "tsm": Linux configfs-tsm (Linux >= 6.7) on a TDX or SEV-SNP confidential VM.
 *     Root from VERITEE_TSM_DIR, default /sys/kernel/config/tsm/report. Evidence is a
 *     TDX quote or an SEV-SNP attestation report.
 *
 * Every evidence request binds 64 bytes of caller data (REPORTDATA); the provider
 * checks that the evidence it got back carries exactly those bytes.
 */
#ifndef VERITEE_ATTEST_H
#define VERITEE_ATTEST_H

#include <veritee/common.h>
#include <veritee/evidence.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VT_ATTEST_DIR_ENV     "VERITEE_ATTESTATION_DIR"
#define VT_ATTEST_DIR_DEFAULT "/dev/attestation"
#define VT_TSM_DIR_ENV        "VERITEE_TSM_DIR"
#define VT_TSM_DIR_DEFAULT    "/sys/kernel/config/tsm/report"

/* Gramine's sizes (sgx_arch.h) VT_SEALING_KEY_LEN (pf_key_t), VT_SGX_TARGET_INFO_LEN and
 * VT_SGX_REPORT_LEN are defined in veritee/evidence.h. */
/* Gramine's QUOTE_MAX_SIZE: the largest quote /dev/attestation/quote returns. */
#define VT_GRAMINE_QUOTE_MAX 8192
/* An SEV-SNP ATTESTATION_REPORT (SEV-SNP ABI spec, table 22) and the size cap we accept. */
#define VT_SNP_REPORT_LEN 1184
#define VT_SNP_REPORT_MAX 16384

typedef struct vt_attester vt_attester_t;

/* The kind of evidence an attester produces. */
typedef enum {
    VT_ATTEST_TEE_UNKNOWN = 0, /* a tsm provider this library does not know */
    VT_ATTEST_TEE_SGX = 1,     /* SGX DCAP quote v3 */
    VT_ATTEST_TEE_TDX = 2,     /* TDX DCAP quote v4/v5 */
    VT_ATTEST_TEE_SNP = 3,     /* SEV-SNP attestation report (not parsed yet) */
} vt_attest_tee_t;

/**
 * Creates an attester.
 *
 * @param provider "gramine", "tsm", or NULL for automatic selection: gramine if the
 *                 attestation directory exists and its attestation_type is "dcap",
 *                 else tsm if the configfs-tsm root exists.
 * @param out      on success, the attester; release it with vt_attester_free
 * @returns 0; VT_E_INVALID_ARG (unknown provider name); VT_E_NOT_FOUND (the provider's
 *          directory does not exist, or no provider was found); for tsm, the errors of
 *          creating a probe entry (VT_E_IO, e.g. permission denied on configfs).
 *
 * The tsm provider learns its TEE at creation: it creates a report entry, reads its
 * `provider` attribute and removes the entry again.
 */
VT_API VT_MUST_CHECK VT_NONNULL(2) int vt_attester_new(const char *provider, vt_attester_t **out);

/** Releases an attester. Accepts NULL. */
VT_API void vt_attester_free(vt_attester_t *a);

/** The provider's name: "gramine" or "tsm". */
VT_API VT_NONNULL(1) const char *vt_attester_name(const vt_attester_t *a);

/** The kind of evidence: SGX for gramine; TDX, SNP or unknown for tsm. */
VT_API VT_NONNULL(1) vt_attest_tee_t vt_attester_tee(const vt_attester_t *a);

/**
 * Gets fresh evidence binding report_data.
 *
 * gramine: writes report_data to user_report_data, reads quote, and checks it is an
 * SGX quote carrying report_data. tsm: creates a report entry, writes inblob, reads
 * outblob, checks the generation counter (retrying if another writer raced us) and
 * removes the entry; a TDX quote is parsed and its report data checked, an SNP
 * report's size and report data are checked.
 *
 * @param evidence,len on success, the raw evidence (quote or report) as the platform
 *                     returned it; the caller owns *evidence (free with free())
 * @returns 0; VT_E_UNSUPPORTED (gramine with attestation_type "none" or not "dcap");
 *          VT_E_NOT_FOUND (a pseudo-file is missing); VT_E_IO (permission denied or
 *          another I/O failure; for tsm also a generation race that persisted over
 *          every retry); a parse code (VT_E_TRUNCATED, VT_E_MALFORMED,
 *          VT_E_UNSUPPORTED, VT_E_TOO_LARGE) if the evidence is not well formed;
 *          VT_E_REPORT_DATA if the evidence carries other report data than report_data.
 *
 * Thread safety: safe to call from several threads. The gramine provider serializes
 * its calls with a process-wide mutex, because /dev/attestation's user_report_data
 * is process-global state: two interleaved write/read sequences would swap quotes.
 * (Other code in the process that uses /dev/attestation directly is not covered.)
 * The tsm provider uses a private configfs entry per call and needs no lock.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2, 3, 4) int vt_attester_get_evidence(
    vt_attester_t *a, const uint8_t report_data[static VT_REPORT_DATA_LEN], uint8_t **evidence,
    size_t *len);

/**
 * gramine only: reads the 16-byte SGX sealing key keys/<name>, where name is
 * "_sgx_mrenclave" or "_sgx_mrsigner". out is written only on success.
 *
 * @returns 0; VT_E_INVALID_ARG (another name); VT_E_UNSUPPORTED (not a gramine
 *          attester); VT_E_NOT_FOUND; VT_E_IO; VT_E_MALFORMED (not exactly 16 bytes).
 * Thread safety: safe (reading a key touches no shared state).
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2, 3) int vt_attester_get_sealing_key(
    vt_attester_t *a, const char *name, uint8_t out[static VT_SEALING_KEY_LEN]);

/**
 * gramine only: gets a local SGX report (EREPORT) for target_info with report_data:
 * writes target_info and user_report_data, reads report. out is written only on
 * success.
 *
 * @returns 0; VT_E_UNSUPPORTED (not a gramine attester); VT_E_NOT_FOUND; VT_E_IO;
 *          VT_E_MALFORMED (the report is not exactly 432 bytes); VT_E_REPORT_DATA (the
 *          report carries other report data than report_data).
 * Thread safety: as vt_attester_get_evidence (same process-wide mutex).
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2, 3, 4) int vt_attester_get_report(
    vt_attester_t *a, const uint8_t target_info[static VT_SGX_TARGET_INFO_LEN],
    const uint8_t report_data[static VT_REPORT_DATA_LEN], uint8_t out[static VT_SGX_REPORT_LEN]);

/**
 * gramine only, Veritee's attestfs extension (not in Gramine): local attestation check
 * by this enclave of a report another enclave made for it (with this enclave's
 * my_target_info as target). Writes the report to verify_report in one write(); attestfs
 * accepts it only if its MAC verifies under this enclave's report key.
 *
 * @param body on success, the reporting enclave's report body (MRENCLAVE, MRSIGNER,
 *             REPORTDATA...), now authenticated; written only on success
 * @returns 0; VT_E_SIGNATURE (EKEYREJECTED: made for another enclave or on another
 *          platform, or tampered with); VT_E_UNSUPPORTED (not a gramine
 *          attester); VT_E_NOT_FOUND (no verify_report, e.g. a real Gramine enclave);
 *          VT_E_IO (permission denied: not a simulated enclave; other I/O errors).
 * Thread safety: safe (verifying touches no shared state).
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2, 3) int vt_attester_verify_report(
    vt_attester_t *a, const uint8_t report[static VT_SGX_REPORT_LEN], vt_sgx_report_body_t *body);

#ifdef __cplusplus
}
#endif
#endif
