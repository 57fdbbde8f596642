/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal interface of the sim layer: the simulated vendor PKI (pki.c, pki_io.c), the
 * published TCB levels (tcb_levels.c), the collateral signer (collateral_writer.c) and
 * the platform store (platform.c). OpenSSL types appear here, never in veritee/sim.h.
 */
#ifndef VT_SIM_INTERNAL_H
#define VT_SIM_INTERNAL_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <veritee/sim.h>

/* A heap byte string; free with vt_sim_buf_cleanup (which wipes it). */
typedef struct {
    uint8_t *data; /* owned; NUL-terminated one past len */
    size_t len;
} vt_sim_buf_t;

void vt_sim_buf_cleanup(vt_sim_buf_t *b);
VT_MUST_CHECK int vt_sim_buf_set(vt_sim_buf_t *b, const void *data, size_t len);

/* ---- PKI (pki.c) ------------------------------------------------------------------- */

typedef enum {
    VT_SIM_CERT_ROOT,
    VT_SIM_CERT_CA,
    VT_SIM_CERT_TCB_SIGNING,
    VT_SIM_CERT_PCK,
} vt_sim_cert_kind_t;

typedef struct {
    vt_sim_cert_kind_t kind;
    const char *cn;
    EVP_PKEY *key;        /* borrowed: the subject's key */
    X509 *issuer;         /* borrowed; NULL for the self-signed root */
    EVP_PKEY *issuer_key; /* borrowed; the root's own key for the root */
    const char *crl_dp;   /* cRLDistributionPoints URI */
    vt_time_t not_before;
    vt_time_t not_after;
    const vt_pck_ext_t *sgx; /* borrowed; PCK only: the SGX extension values */
} vt_sim_cert_spec_t;

VT_MUST_CHECK int vt_sim_key_new(EVP_PKEY **out);
/* A signed certificate shaped like Intel's (dcap.md §3.1). Caller owns *out. */
VT_MUST_CHECK int vt_sim_cert_new(const vt_sim_cert_spec_t *spec, X509 **out);
/* A DER v2 CRL with cRLNumber and AKI listing the serials of revoked[0..n). */
VT_MUST_CHECK int vt_sim_crl_new(X509 *issuer, EVP_PKEY *key, X509 *const *revoked, size_t n,
                                 vt_time_t this_update, vt_time_t next_update, vt_sim_buf_t *der);
/* ECDSA-P256-SHA256 with a raw r||s signature. */
VT_MUST_CHECK int vt_sim_sign(EVP_PKEY *key, const uint8_t *data, size_t len,
                              uint8_t sig[static VT_ECDSA_SIG_LEN]);

/* ---- Encodings (pki_io.c) ---------------------------------------------------------- */

VT_MUST_CHECK int vt_sim_cert_der(X509 *x, vt_sim_buf_t *out);
/* PEM of certs[0..n), concatenated. */
VT_MUST_CHECK int vt_sim_chain_pem(X509 *const *certs, size_t n, vt_sim_buf_t *out);
/* Unencrypted PKCS#8 PEM (a secret: the caller wipes it with vt_sim_buf_cleanup). */
VT_MUST_CHECK int vt_sim_key_pem(EVP_PKEY *key, vt_sim_buf_t *out);
VT_MUST_CHECK int vt_sim_key_from_pem(const uint8_t *pem, size_t len, EVP_PKEY **out);
VT_MUST_CHECK int vt_sim_random(uint8_t *out, size_t len);

/* ---- Published TCB levels (tcb_levels.c) -------------------------------------------- */

#define VT_SIM_QE_ISVSVN        8
#define VT_SIM_TD_QE_ISVSVN     4
#define VT_SIM_TDX_MODULE_MAJOR 1
#define VT_SIM_TDX_MODULE_MINOR 5

typedef struct {
    vt_tcb_status_t status;
    uint8_t sgx_svn[VT_PCK_TCB_COMPONENTS];
    uint16_t pce_svn;
    uint8_t tdx_svn[VT_TEE_TCB_SVN_LEN];
    const char *tcb_date;
    const char *advisories[3]; /* NULL-terminated */
} vt_sim_tcb_level_t;

/* The published levels, descending; *count is set. */
const vt_sim_tcb_level_t *vt_sim_tcb_levels(size_t *count);
/* The level a platform with status s sits at (the first level with that status). */
VT_MUST_CHECK int vt_sim_tcb_level_for(vt_tcb_status_t s, const vt_sim_tcb_level_t **out);

/* The simulated quoting enclaves' identities. */
extern const uint8_t vt_sim_qe_mrsigner[VT_SGX_MEASUREMENT_LEN];
extern const uint8_t vt_sim_td_qe_mrsigner[VT_SGX_MEASUREMENT_LEN];
extern const uint8_t vt_sim_qe_mrenclave[VT_SGX_MEASUREMENT_LEN];

/* ---- Collateral (collateral_writer.c) ------------------------------------------------ */

typedef struct {
    vt_tee_t tee;
    uint8_t fmspc[VT_FMSPC_LEN];
    vt_time_t issue_date;
    vt_time_t next_update;
} vt_sim_collateral_spec_t;

/* {"tcbInfo":{...},"signature":"<r||s hex over the inner object bytes>"} */
VT_MUST_CHECK int vt_sim_tcb_info_sign(const vt_sim_collateral_spec_t *s, EVP_PKEY *key,
                                       vt_sim_buf_t *out);
/* {"enclaveIdentity":{...},"signature":"..."}: QE for SGX, TD_QE for TDX. */
VT_MUST_CHECK int vt_sim_qe_identity_sign(const vt_sim_collateral_spec_t *s, EVP_PKEY *key,
                                          vt_sim_buf_t *out);

/* ---- Platform store (platform.c) ----------------------------------------------------- */

struct vt_sim_platform {
    EVP_PKEY *pck_key;         /* owned */
    EVP_PKEY *attestation_key; /* owned */
    vt_sim_buf_t chain_pem;    /* owned: PCK leaf, CA, root */
    uint8_t secret[VT_SIM_SECRET_LEN];
    vt_pck_ext_t pck;
    uint8_t tee_tcb_svn[VT_TEE_TCB_SVN_LEN];
    uint16_t qe_isvsvn;
    uint16_t td_qe_isvsvn;
    bool is_platform_ca;
    bool is_revoked;
};

/* What vt_sim_init hands to the platform writer for one platform. */
typedef struct {
    size_t index;
    EVP_PKEY *pck_key;         /* borrowed */
    EVP_PKEY *attestation_key; /* borrowed */
    const vt_sim_buf_t *chain_pem;
    const uint8_t *secret; /* VT_SIM_SECRET_LEN bytes */
    const vt_pck_ext_t *pck;
    const uint8_t *tee_tcb_svn;
    bool is_platform_ca;
    bool is_revoked;
} vt_sim_platform_record_t;

/* Writes private/platforms/<index>/ under dir (dirs 0700, files 0600, atomic). */
VT_MUST_CHECK int vt_sim_platform_save(const char *dir, const vt_sim_platform_record_t *r);
/* Makes dir (and parents' last component only) with mode, accepting an existing one. */
VT_MUST_CHECK int vt_sim_mkdir(const char *path, unsigned mode);
/* snprintf into out or VT_E_INVALID_ARG "path too long". */
VT_MUST_CHECK int vt_sim_path(char *out, size_t cap, const char *fmt, ...) VT_PRINTF(3, 4);

#endif
