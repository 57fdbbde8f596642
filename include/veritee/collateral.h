/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Veritee collateral layer: the signed data a verifier needs besides the quote
 * (TCB info, QE identity, CRLs and their issuer chains), how to get it (a bundle
 * directory or a PCCS / Intel PCS v4 service), and how to read it.
 *
 * TCB info and QE identity arrive as PCS JSON envelopes
 * {"tcbInfo"|"enclaveIdentity": {...}, "signature": "<128 hex>"}; the signature covers
 * the exact bytes of the inner object as served (docs/specs/dcap.md §4.2), so parsers
 * keep those bytes rather than re-serializing.
 */
#ifndef VERITEE_COLLATERAL_H
#define VERITEE_COLLATERAL_H

#include <veritee/common.h>
#include <veritee/evidence.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Size caps applied before any parsing (real documents are 1-20 KB). */
#define VT_COLLATERAL_JSON_MAX (512 * 1024)
#define VT_COLLATERAL_PEM_MAX (64 * 1024)
#define VT_COLLATERAL_CRL_MAX (4 * 1024 * 1024)

/* Intel's TCB status words plus TcbNotSupported (no TCB level matches). */
typedef enum {
    VT_TCB_UP_TO_DATE = 0,
    VT_TCB_SW_HARDENING_NEEDED,
    VT_TCB_CONFIGURATION_NEEDED,
    VT_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED,
    VT_TCB_OUT_OF_DATE,
    VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED,
    VT_TCB_TD_RELAUNCH_ADVISED,
    VT_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED,
    VT_TCB_REVOKED,
    VT_TCB_NOT_SUPPORTED,
    VT_TCB_STATUS_COUNT
} vt_tcb_status_t;

/** Intel's word for s ("UpToDate", ..., "TcbNotSupported"). Never NULL. */
VT_API const char *vt_tcb_status_name(vt_tcb_status_t s);

/** Parses Intel's word (exact, case-sensitive). VT_E_MALFORMED for an unknown word. */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2) int vt_tcb_status_from_name(const char *name,
                                                                  vt_tcb_status_t *out);

/* ---- Raw collateral ------------------------------------------------------------- */

/*
 * The raw collateral for one quote, as served. Every buffer is owned, heap-allocated
 * and NUL-terminated one past its length. pck_crl_issuer_chain may be NULL (the PCK
 * chain in the quote carries the CA). CRLs may be DER, PEM or hex text.
 */
typedef struct {
    uint8_t *tcb_info; /* owned; JSON envelope */
    size_t tcb_info_len;
    uint8_t *tcb_info_issuer_chain; /* owned; PEM: TCB Signing, Root */
    size_t tcb_info_issuer_chain_len;
    uint8_t *qe_identity; /* owned; JSON envelope */
    size_t qe_identity_len;
    uint8_t *qe_identity_issuer_chain; /* owned; PEM: TCB Signing, Root */
    size_t qe_identity_issuer_chain_len;
    uint8_t *pck_crl; /* owned */
    size_t pck_crl_len;
    uint8_t *pck_crl_issuer_chain; /* owned; optional (NULL) */
    size_t pck_crl_issuer_chain_len;
    uint8_t *root_ca_crl; /* owned */
    size_t root_ca_crl_len;
} vt_collateral_t;

/** Frees every buffer and zeroes c. Accepts NULL. */
VT_API void vt_collateral_cleanup(vt_collateral_t *c);

/**
 * Loads a bundle directory with the file names of a DCAP vector: tcb_info.json,
 * tcb_info_issuer_chain.pem, qe_identity.json, qe_identity_issuer_chain.pem, pck_crl.der,
 * root_ca_crl.der, and optionally pck_crl_issuer_chain.pem. Each file is size-capped.
 * @returns 0, VT_E_NOT_FOUND (naming the missing file), VT_E_IO or VT_E_TOO_LARGE.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2) int vt_collateral_load_dir(const char *dir,
                                                                 vt_collateral_t *out);

/**
 * Like vt_collateral_load_dir, for one quote's TEE and PCK CA: for VT_TEE_TDX it prefers
 * tdx_tcb_info.json and tdx_qe_identity.json when present; for pck_ca "processor" or
 * "platform" it prefers pck_crl_<pck_ca>.der and pck_crl_<pck_ca>_issuer_chain.pem
 * when the CRL is present; otherwise it reads the vector names. pck_ca may be NULL.
 * A simulated platform directory (veritee/sim.h) has this layout.
 * @returns as vt_collateral_load_dir; VT_E_INVALID_ARG for another pck_ca.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 4) int vt_collateral_load_dir_for(const char *dir, vt_tee_t tee,
                                                                     const char *pck_ca,
                                                                     vt_collateral_t *out);

/** Options for fetching from a PCCS or Intel PCS. */
typedef struct {
    const char *base_url; /* e.g. "https://pccs.example:8081" (the /sgx|tdx/certification/v4 part is added) */
    const char *ca_file;  /* PEM trust store for the service's TLS certificate; NULL = system default */
    long timeout_ms;      /* per request; 0 = 10000 */
    const char *root_ca_crl_url; /* NULL = <base_url>/sgx/certification/v4/rootcacrl */
} vt_pccs_options_t;

/**
 * Fetches the collateral for a quote from a PCCS / PCS v4 API with libcurl: TCB info
 * (SGX or TDX route by tee, for fmspc), QE identity (SGX QE or TD_QE), the PCK CRL of
 * pck_ca ("platform" or "processor"), the root CA CRL; issuer chains come from the
 * response headers (TCB-Info-Issuer-Chain or SGX-TCB-Info-Issuer-Chain,
 * SGX-Enclave-Identity-Issuer-Chain, SGX-PCK-CRL-Issuer-Chain), URL-decoded.
 * Responses are size-capped; a non-200 status is VT_E_NETWORK with the URL and status.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 3, 4, 5) int vt_collateral_fetch_pccs(
    const vt_pccs_options_t *opts, vt_tee_t tee, const uint8_t fmspc[static VT_FMSPC_LEN],
    const char *pck_ca, vt_collateral_t *out);

/* ---- Parsed TCB info and QE identity --------------------------------------------- */

typedef struct {
    uint8_t sgx_svn[VT_PCK_TCB_COMPONENTS];
    uint16_t pce_svn;
    bool has_tdx_svn;
    uint8_t tdx_svn[VT_TEE_TCB_SVN_LEN];
    vt_time_t tcb_date;
    vt_tcb_status_t status;
    char **advisory_ids; /* owned array of owned strings */
    size_t advisory_count;
} vt_tcb_level_t;

/* A level of a QE identity or a TDX module identity: keyed by one ISV SVN. */
typedef struct {
    uint16_t isv_svn;
    vt_time_t tcb_date;
    vt_tcb_status_t status;
    char **advisory_ids; /* owned */
    size_t advisory_count;
} vt_isv_level_t;

typedef struct {
    char id[16]; /* "TDX_01", "TDX_03", ... */
    uint8_t mrsigner[VT_TDX_MEASUREMENT_LEN];
    uint8_t attributes[8];
    uint8_t attributes_mask[8];
    vt_isv_level_t *levels; /* owned */
    size_t level_count;
} vt_tdx_module_identity_t;

typedef struct {
    vt_tee_t tee;     /* from "id"; version 2 implies SGX */
    uint32_t version; /* 2 or 3 */
    vt_time_t issue_date;
    vt_time_t next_update;
    uint8_t fmspc[VT_FMSPC_LEN];
    uint8_t pce_id[VT_PCE_ID_LEN];
    uint32_t tcb_type; /* only 0 is accepted */
    uint32_t tcb_evaluation_data_number;
    bool has_tdx_module;
    uint8_t tdx_module_mrsigner[VT_TDX_MEASUREMENT_LEN];
    uint8_t tdx_module_attributes[8];
    uint8_t tdx_module_attributes_mask[8];
    vt_tdx_module_identity_t *tdx_module_identities; /* owned */
    size_t tdx_module_identity_count;
    vt_tcb_level_t *levels; /* owned; in document order (descending) */
    size_t level_count;
    uint8_t *signed_body; /* owned copy of the exact inner-object bytes */
    size_t signed_body_len;
    uint8_t signature[VT_ECDSA_SIG_LEN];
} vt_tcb_info_t;

typedef enum {
    VT_QE_ID_QE = 1,
    VT_QE_ID_TD_QE = 2,
    VT_QE_ID_QVE = 3,
} vt_qe_identity_id_t;

typedef struct {
    vt_qe_identity_id_t id;
    uint32_t version; /* 2 */
    vt_time_t issue_date;
    vt_time_t next_update;
    uint32_t tcb_evaluation_data_number;
    uint8_t miscselect[4]; /* report byte order */
    uint8_t miscselect_mask[4];
    uint8_t attributes[16];
    uint8_t attributes_mask[16];
    uint8_t mrsigner[VT_SGX_MEASUREMENT_LEN];
    uint16_t isv_prod_id;
    vt_isv_level_t *levels; /* owned; document order (descending) */
    size_t level_count;
    uint8_t *signed_body; /* owned */
    size_t signed_body_len;
    uint8_t signature[VT_ECDSA_SIG_LEN];
} vt_qe_identity_t;

/**
 * Parses a PCS TCB info envelope (v2 or v3, SGX or TDX). Every field is type- and
 * range-checked; unknown status words, tcbType != 0, wrong hex lengths and missing
 * required fields are VT_E_MALFORMED / VT_E_UNSUPPORTED. Does not check the signature.
 * On success the caller owns *out (vt_tcb_info_free).
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 3) int vt_tcb_info_parse(const uint8_t *json, size_t len,
                                                            vt_tcb_info_t **out);
VT_API void vt_tcb_info_free(vt_tcb_info_t *info);

/** Parses a PCS enclave identity envelope (version 2). Caller owns *out. */
VT_API VT_MUST_CHECK VT_NONNULL(1, 3) int vt_qe_identity_parse(const uint8_t *json, size_t len,
                                                               vt_qe_identity_t **out);
VT_API void vt_qe_identity_free(vt_qe_identity_t *id);

#ifdef __cplusplus
}
#endif
#endif
