/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The collateral veritee-pccs serves, loaded once at start from one or more bundle
 * directories and read-only afterwards (so request handlers need no locking).
 * TCB info documents are keyed by (TEE, FMSPC) taken from the parsed document; the QE
 * identity (per TEE), the PCK CRLs (per CA) and the root CA CRL are global: the first
 * bundle that provides one wins. Header values are stored already URL-encoded.
 */
#ifndef VT_PCCS_BUNDLE_INDEX_H
#define VT_PCCS_BUNDLE_INDEX_H

#include <veritee/collateral.h>

typedef struct {
    uint8_t *data; /* owned; NULL when absent */
    size_t len;
} vt_blob_t;

typedef struct {
    vt_tee_t tee;
    uint8_t fmspc[VT_FMSPC_LEN];
    vt_blob_t json;  /* tcb info envelope as served */
    vt_blob_t chain; /* URL-encoded PEM for TCB-Info-Issuer-Chain */
} vt_tcb_entry_t;

enum { VT_SLOT_SGX = 0, VT_SLOT_TDX = 1, VT_SLOT_COUNT = 2 };
enum { VT_CA_PROCESSOR = 0, VT_CA_PLATFORM = 1, VT_CA_COUNT = 2 };

typedef struct {
    vt_tcb_entry_t *tcbs; /* owned */
    size_t tcb_count;
    vt_blob_t qe[VT_SLOT_COUNT];       /* by VT_SLOT_*: QE (SGX) and TD_QE (TDX) */
    vt_blob_t qe_chain[VT_SLOT_COUNT]; /* URL-encoded */
    vt_blob_t crl_der[VT_CA_COUNT];    /* by VT_CA_* */
    vt_blob_t crl_pem[VT_CA_COUNT];    /* the same CRL as PEM text */
    vt_blob_t crl_chain[VT_CA_COUNT];  /* URL-encoded; optional */
    vt_blob_t root_crl;                /* DER */
} vt_bundle_index_t;

/* The query value of ?ca= for a VT_CA_* slot ("processor", "platform"). */
const char *vt_bundle_index_ca_name(int ca);

/*
 * Adds the files of bundle directory dir to idx. Fails (with detail) if a required file
 * is missing or malformed, or if a TCB info repeats a (TEE, FMSPC) already loaded.
 */
VT_MUST_CHECK int vt_bundle_index_load(vt_bundle_index_t *idx, const char *dir);

/* Checks that every route has something to serve after all bundles are loaded. */
VT_MUST_CHECK int vt_bundle_index_validate(const vt_bundle_index_t *idx);

/* The TCB info for (tee, fmspc), or NULL. */
const vt_tcb_entry_t *vt_bundle_index_get_tcb(const vt_bundle_index_t *idx, vt_tee_t tee,
                                              const uint8_t fmspc[VT_FMSPC_LEN]);

/* Frees everything and zeroes idx. Accepts NULL. */
void vt_bundle_index_cleanup(vt_bundle_index_t *idx);

#endif
