/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Veritee sim layer: a simulated Intel SGX/TDX platform (docs/design.md §6). It issues a
 * vendor-like PKI (a root whose subject contains "SIMULATED", PCK Processor and Platform
 * CAs, PCK leaves with the real SGX extension, a TCB signing certificate), signs
 * collateral exactly as Intel's PCS does, and produces byte-exact SGX ECDSA v3 and TDX
 * v4 quotes. A verifier accepts them only when told to trust the simulated root
 * (vt_verifier_set_simulated_root).
 *
 * Platform directory written by vt_sim_init (a collateral bundle in the layout of the
 * test vectors, so vt_collateral_load_dir / vt_collateral_load_dir_for read it):
 *
 *   DIR/root_ca.der                        the SIMULATED root certificate (DER)
 *   DIR/root_ca_crl.der                    root CA CRL (cRLNumber, AKI)
 *   DIR/tcb_info.json                      SGX TCB info (id SGX, version 3), signed
 *   DIR/tdx_tcb_info.json                  TDX TCB info (id TDX, version 3), signed
 *   DIR/qe_identity.json                   QE identity (id QE), signed
 *   DIR/tdx_qe_identity.json               TD_QE identity (id TD_QE), signed
 *   DIR/tcb_info_issuer_chain.pem          TCB Signing, Root
 *   DIR/qe_identity_issuer_chain.pem       TCB Signing, Root
 *   DIR/pck_crl.der, pck_crl_issuer_chain.pem    the CRL of the CA that issued platform 0
 *   DIR/pck_crl_processor.der, pck_crl_processor_issuer_chain.pem
 *   DIR/pck_crl_platform.der,  pck_crl_platform_issuer_chain.pem
 *   DIR/private/                           mode 0700; every file in it 0600
 *     root_ca_key.pem, processor_ca_key.pem, platform_ca_key.pem, tcb_signing_key.pem
 *     platforms/<i>/pck_key.pem            the PCK private key
 *     platforms/<i>/pck_cert.pem           PEM chain: PCK leaf, its CA, root
 *     platforms/<i>/attestation_key.pem    the QE's ECDSA attestation key
 *     platforms/<i>/platform_secret        32 random bytes (sealing/report keys)
 *     platforms/<i>/platform.json          ppid, cpusvn, pcesvn, pceid, fmspc,
 *                                          tee_tcb_svn, qe/td_qe isvsvn, ca, revoked
 *
 * Even platforms are issued by the Processor CA, odd ones by the Platform CA (whose
 * PCKs carry the Platform Instance ID and Configuration items).
 *
 * Thread safety: no global state; distinct objects may be used from distinct threads.
 */
#ifndef VERITEE_SIM_H
#define VERITEE_SIM_H

#include <veritee/collateral.h>
#include <veritee/common.h>
#include <veritee/evidence.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VT_SIM_PLATFORMS_MAX 64
#define VT_SIM_SECRET_LEN    32

/* The FMSPC used when none is given. */
extern VT_API const uint8_t vt_sim_default_fmspc[VT_FMSPC_LEN];

typedef struct {
    size_t platform_count; /* 1..VT_SIM_PLATFORMS_MAX; 0 means 1 */
    /*
     * The TCB status every platform gets: its PCK SVNs (and TEE_TCB_SVN) are placed at
     * the published TCB level with this status. VT_TCB_REVOKED also lists every PCK in
     * its CA's CRL (the verifier then returns VT_E_REVOKED). TD relaunch and
     * TcbNotSupported are not offered.
     */
    vt_tcb_status_t tcb_status;
    uint8_t fmspc[VT_FMSPC_LEN]; /* all zero: vt_sim_default_fmspc */
    vt_time_t now;               /* issue time of everything; 0 or VT_TIME_NOW: now */
} vt_sim_init_options_t;

/**
 * Creates a platform directory (layout above). dir is created if missing (mode 0755)
 * and may exist, but must not already hold a private/ directory (VT_E_INVALID_ARG).
 * Every file is written atomically, but a failure part-way leaves the files written so
 * far (remove DIR and start again). Keys are generated fresh on every call.
 * @returns 0; VT_E_INVALID_ARG (bad option, existing platform); VT_E_IO; VT_E_CRYPTO;
 *          VT_E_NOMEM.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2) int vt_sim_init(const char *dir,
                                                      const vt_sim_init_options_t *opts);

/**
 * Parses the CLI spelling of a TCB status: uptodate, swhardening, configneeded,
 * configandswhardening, outofdate, outofdateconfigneeded, revoked.
 * VT_E_INVALID_ARG for anything else.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2) int vt_sim_tcb_status_parse(const char *name,
                                                                  vt_tcb_status_t *out);

/* ---- A loaded platform ----------------------------------------------------------- */

typedef struct vt_sim_platform vt_sim_platform_t;

/**
 * Loads platform index of the platform directory dir (its keys, chain and
 * platform.json). On success the caller owns *out (vt_sim_platform_free, which wipes
 * the secrets). VT_E_NOT_FOUND for an index that does not exist; VT_E_MALFORMED for a
 * damaged platform.json; VT_E_IO.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 3) int vt_sim_platform_load(const char *dir, size_t index,
                                                               vt_sim_platform_t **out);
VT_API void vt_sim_platform_free(vt_sim_platform_t *p);

/** The PCK certificate's SGX extension values of the platform (PPID, SVNs, FMSPC...). */
VT_API VT_NONNULL(1, 2) void vt_sim_platform_get_pck_ext(const vt_sim_platform_t *p,
                                                         vt_pck_ext_t *out);

/** The TDX module's TEE_TCB_SVN the platform reports in TD quotes. */
VT_API VT_NONNULL(1,
                  2) void vt_sim_platform_get_tee_tcb_svn(const vt_sim_platform_t *p,
                                                          uint8_t out[static VT_TEE_TCB_SVN_LEN]);

/* ---- Quoting ----------------------------------------------------------------------- */

/**
 * Makes an SGX ECDSA quote v3 for the enclave report body isv (MRENCLAVE, MRSIGNER,
 * attributes, ISVPRODID, ISVSVN, REPORTDATA...; CPUSVN is replaced by the platform's).
 * The simulated QE's report is signed by the PCK key, binds the attestation key and
 * the QE authentication data, and the certification data is type 5 (PEM chain, NUL
 * terminated). On success the caller owns *out (free()).
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2, 3, 4) int vt_sim_quote_sgx(const vt_sim_platform_t *p,
                                                                 const vt_sgx_report_body_t *isv,
                                                                 uint8_t **out, size_t *len);

/**
 * Makes a TDX quote v4 (TD 1.0 body) for td (MRTD, RTMRs, TDATTRIBUTES, XFAM,
 * MRCONFIGID, MROWNER, MROWNERCONFIG, REPORTDATA). TEE_TCB_SVN, MRSEAM, MRSIGNERSEAM
 * and SEAMATTRIBUTES are set by the simulated TDX module; td's values are ignored.
 * Certification data type 6 nests the TD QE report and the type-5 PCK chain.
 * On success the caller owns *out (free()).
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2, 3, 4) int vt_sim_quote_tdx(const vt_sim_platform_t *p,
                                                                 const vt_td_report_body_t *td,
                                                                 uint8_t **out, size_t *len);

/* ---- TD configuration file ----------------------------------------------------------- */

/* Largest TD config file accepted. */
#define VT_SIM_TD_CONFIG_MAX (16 * 1024)

/**
 * Parses a TD configuration: one JSON object whose members are lowercase or uppercase
 * hex strings in report byte order: "mrtd" (required, 48 bytes), "rtmr0".."rtmr3",
 * "mrconfigid", "mrowner", "mrownerconfig" (48 bytes each), "td_attributes" and "xfam"
 * (8 bytes each). Missing optional members are zero. Unknown or duplicate members, a
 * non-string value, a wrong length and trailing text are VT_E_MALFORMED; input over
 * VT_SIM_TD_CONFIG_MAX is VT_E_TOO_LARGE. Only the named fields of *out are written
 * (the rest are zeroed), and only on success.
 * Example: {"mrtd":"<96 hex>","rtmr0":"<96 hex>","td_attributes":"0000001000000000"}
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 3) int vt_sim_td_config_parse(const uint8_t *json, size_t len,
                                                                 vt_td_report_body_t *out);

#ifdef __cplusplus
}
#endif
#endif
