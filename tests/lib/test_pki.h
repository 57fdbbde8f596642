/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A test PKI built with OpenSSL at test time, shaped like Intel's (dcap.md §3, §4):
 * a root CA, a "PCK Processor CA" intermediate, a PCK leaf with the SGX extension, a
 * "TCB Signing" certificate, a root CRL and a PCK CRL, TCB info and QE identity signed
 * like PCS documents, and an SGX v3 quote signed by a fresh attestation key. It reaches
 * branches the real vectors cannot: revoked serials, every TCB status, debug enclaves.
 */
#ifndef VT_TEST_PKI_H
#define VT_TEST_PKI_H

#include <veritee/collateral.h>
#include <veritee/common.h>

typedef struct {
    const char *root_cn;          /* NULL: "Veritee SIMULATED SGX Root CA" */
    long pck_serial;              /* 0: 0x5a17 */
    bool is_pck_revoked;          /* list the PCK serial in the PCK CRL */
    bool is_intermediate_revoked; /* list the intermediate in the root CRL */
    /* Status of the TCB level the PCK matches; VT_TCB_NOT_SUPPORTED: no level matches. */
    vt_tcb_status_t tcb_status;
    const char *const *advisory_ids; /* of that level */
    size_t advisory_count;
    vt_tcb_status_t qe_status; /* UpToDate, OutOfDate or Revoked */
    bool is_debug;             /* the enclave's ATTRIBUTES.flags has DEBUG */
} vt_test_pki_options_t;

typedef struct {
    uint8_t *quote; /* owned (free) */
    size_t quote_len;
    vt_collateral_t collateral; /* owned (vt_collateral_cleanup) */
    /* A second PCK CRL from the same CA that lists the PCK serial (swap it into
     * collateral.pck_crl to revoke a chain the verifier has already cached). */
    uint8_t *pck_crl_revoking; /* owned (free) */
    size_t pck_crl_revoking_len;
    uint8_t *root_der; /* owned (free) */
    size_t root_der_len;
    vt_time_t now;         /* every certificate, CRL and document is valid at this time */
    vt_time_t next_update; /* the TCB info's nextUpdate */
    uint8_t mr_enclave[32];
    uint8_t mr_signer[32];
    uint16_t isv_prod_id;
    uint16_t isv_svn;
} vt_test_pki_t;

/* Builds everything; fails the running cmocka test on any error. */
void vt_test_pki_make(const vt_test_pki_options_t *opts, vt_test_pki_t *out);
void vt_test_pki_cleanup(vt_test_pki_t *p);

#endif
