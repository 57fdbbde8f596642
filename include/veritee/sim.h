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

/* ---- Local attestation and sealing keys (EREPORT, EGETKEY) --------------------------- */

/*
 * The simulated EREPORT and EGETKEY, for Gramine's /dev/attestation report,
 * my_target_info and keys/_sgx_mrenclave, keys/_sgx_mrsigner. The enclave identities
 * (`self`) are those vt_sim_identity_verify returns (veritee/sim_identity.h).
 *
 * Every key is 16 bytes of HKDF-SHA256 (RFC 5869, extract then expand):
 *
 *   key = HKDF-SHA256(IKM  = the platform's 32-byte platform_secret,
 *                     salt = VT_SIM_EGETKEY_SALT (22 ASCII bytes, no NUL),
 *                     info = the 222-byte key request below, L = 16)
 *
 * Key request (integers little-endian; "zero" means all-zero bytes):
 *
 *   off  size  field          REPORT key of a target T        SEAL key of enclave E
 *   0    2     KEYNAME        0 (VT_SIM_KEYNAME_REPORT)        4 (VT_SIM_KEYNAME_SEAL)
 *   2    2     KEYPOLICY      0                                1 MRENCLAVE or 2 MRSIGNER
 *   4    32    MRENCLAVE      T's MRENCLAVE                    E's if policy 1, else zero
 *   36   32    MRSIGNER       zero                             E's if policy 2, else zero
 *   68   2     ISVPRODID      0                                E's ISVPRODID
 *   70   2     ISVSVN         0                                E's ISVSVN
 *   72   16    CPUSVN         the platform's (vt_sim_platform_get_pck_ext: cpu_svn)
 *   88   8     ATTRIBUTES.flags & mask                         (mask at 104)
 *   96   8     ATTRIBUTES.xfrm & mask                          (mask at 112)
 *   104  8     flags mask     all ones                         VT_SIM_SEAL_FLAGS_MASK
 *   112  8     xfrm mask      all ones                         VT_SIM_SEAL_XFRM_MASK (0)
 *   120  4     MISCSELECT     T's                              E's
 *   124  2     CONFIGSVN      T's                              0
 *   126  64    CONFIGID       T's                              zero
 *   190  32    KEYID          the report's KEYID               zero
 *   222        end
 *
 * The REPORT key's masks are all ones (every ATTRIBUTES bit counts), the SEAL key's
 * keep only the security-relevant flags. So a sealing key is bound to the platform
 * secret, the policy's measurement, ISVPRODID, ISVSVN, CPUSVN, the ATTRIBUTES flags
 * INIT, DEBUG, MODE64BIT, PROVISIONKEY, EINITTOKENKEY and KSS, and MISCSELECT (not to
 * XFRM nor to the other flag bits). A target's report key is bound to its MRENCLAVE,
 * ATTRIBUTES, MISCSELECT, CONFIGSVN, CONFIGID and the KEYID, and is the same whether
 * EREPORT (for T) or T itself (verifying) derives it.
 *
 * The report MAC is AES-128-CMAC (NIST SP 800-38B) of the 384-byte report body under
 * the target's report key. Derived keys and intermediates are wiped after use.
 *
 * Thread safety: the platform is only read; these functions may run concurrently.
 */

#define VT_SIM_EGETKEY_SALT    "veritee-sim-egetkey-v1"
#define VT_SIM_KEY_REQUEST_LEN 222
#define VT_SIM_KEYNAME_REPORT  0
#define VT_SIM_KEYNAME_SEAL    4
/* INIT | DEBUG | MODE64BIT | PROVISIONKEY | EINITTOKENKEY | KSS */
#define VT_SIM_SEAL_FLAGS_MASK 0xb7ull
/* XFRM (which CPU state the enclave saves) does not change who may unseal. */
#define VT_SIM_SEAL_XFRM_MASK  0x0ull

typedef enum {
    VT_SIM_KEY_POLICY_MRENCLAVE = 1,
    VT_SIM_KEY_POLICY_MRSIGNER = 2,
} vt_sim_key_policy_t;

/**
 * my_target_info: the target info of enclave self (its MRENCLAVE, ATTRIBUTES,
 * CONFIGSVN, MISCSELECT and CONFIGID; reserved bytes zero), what another enclave
 * passes to EREPORT to make a report self can verify.
 */
VT_API VT_NONNULL(1, 2) void vt_sim_target_info_get(const vt_sgx_report_body_t *self,
                                                    uint8_t out[static VT_SGX_TARGET_INFO_LEN]);

/**
 * EREPORT: writes the 432-byte report of enclave self for the target described by
 * target_info. The body carries self's MISCSELECT, ATTRIBUTES, MRENCLAVE, MRSIGNER,
 * ISVPRODID, ISVSVN, CONFIGID, CONFIGSVN, ISVEXTPRODID and ISVFAMILYID, the platform's
 * CPUSVN and REPORTDATA = report_data; reserved bytes are zero whatever self holds.
 * key_id is the platform's current KEYID, chosen by the caller (e.g. random per daemon
 * start). MAC: see above, under the target's report key.
 *
 * target_info is read with vt_sgx_target_info_parse (its reserved bytes are ignored,
 * as EREPORT ignores them).
 *
 * @returns 0 or VT_E_CRYPTO. Writes out only on success.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2, 3, 4, 5, 6) int vt_sim_report_create(
    const vt_sim_platform_t *p, const vt_sgx_report_body_t *self,
    const uint8_t target_info[static VT_SGX_TARGET_INFO_LEN],
    const uint8_t report_data[static VT_REPORT_DATA_LEN],
    const uint8_t key_id[static VT_SGX_KEY_ID_LEN], uint8_t out[static VT_SGX_REPORT_LEN]);

/**
 * Local attestation check by the target enclave self: derives self's report key with
 * the report's KEYID and compares the MAC in constant time.
 *
 * @param body  NULL, or on success the reporting enclave's report body
 * @returns 0; VT_E_SIGNATURE if the MAC does not verify (a report made for another
 *          enclave, on another platform, or tampered with); VT_E_CRYPTO.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2, 3) int vt_sim_report_verify(
    const vt_sim_platform_t *p, const vt_sgx_report_body_t *self,
    const uint8_t report[static VT_SGX_REPORT_LEN], vt_sgx_report_body_t *body);

/**
 * EGETKEY(SEAL): the 16-byte sealing key of enclave self under policy (derivation
 * above). The same for the same platform directory and identity, across loads; it
 * differs across platforms and identities. MRSIGNER keys are shared by the enclaves of
 * one signer with the same ISVPRODID and ISVSVN.
 *
 * @returns 0; VT_E_INVALID_ARG for an unknown policy; VT_E_CRYPTO. Writes out only on
 *          success. The caller wipes the key (OPENSSL_cleanse) when done with it.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2, 4) int vt_sim_seal_key_get(
    const vt_sim_platform_t *p, const vt_sgx_report_body_t *self, vt_sim_key_policy_t policy,
    uint8_t out[static VT_SEALING_KEY_LEN]);

#ifdef __cplusplus
}
#endif
#endif
