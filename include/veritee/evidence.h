/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Veritee evidence layer: pure parsers and serializers of hardware evidence formats.
 * No I/O, no cryptography, no global state; every function is thread-safe.
 *
 * Formats (field tables in docs/specs/dcap.md):
 *   - SGX enclave report body (384 bytes; also the QE report)
 *   - SGX target info (512 bytes) and SGX report (432 bytes): local attestation
 *   - SGX ECDSA quote v3, TDX quote v4, TDX/SGX quote v5 (TD 1.0 and TD 1.5 bodies)
 *   - QE authentication data, certification data types 1..6 (6 nests 1..5)
 *   - the PCK certificate's SGX extension (OID 1.2.840.113741.1.13.1)
 *
 * Parsed views are plain structs, read-only by convention. Fixed-size fields are copied;
 * variable-size fields are pointers borrowed from the caller's input buffer and are valid
 * only while that buffer lives (marked "borrowed").
 */
#ifndef VERITEE_EVIDENCE_H
#define VERITEE_EVIDENCE_H

#include <veritee/common.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VT_QUOTE_HEADER_LEN 48
#define VT_SGX_REPORT_BODY_LEN 384
#define VT_TD10_REPORT_BODY_LEN 584
#define VT_TD15_REPORT_BODY_LEN 648
#define VT_REPORT_DATA_LEN 64
#define VT_SGX_MEASUREMENT_LEN 32
#define VT_TDX_MEASUREMENT_LEN 48
#define VT_CPUSVN_LEN 16
#define VT_TEE_TCB_SVN_LEN 16
#define VT_ECDSA_SIG_LEN 64
#define VT_ECDSA_KEY_LEN 64
#define VT_FMSPC_LEN 6
#define VT_PCE_ID_LEN 2
#define VT_PPID_LEN 16
/* Local attestation (Gramine's sgx_arch.h): sgx_target_info_t, sgx_report_t and its parts,
 * and the 16-byte key EGETKEY returns (Gramine's pf_key_t). */
#define VT_SGX_TARGET_INFO_LEN 512
#define VT_SGX_REPORT_LEN 432
#define VT_SGX_KEY_ID_LEN 32
#define VT_SGX_REPORT_MAC_LEN 16
#define VT_SEALING_KEY_LEN 16
/* Largest quote accepted; real quotes are about 5 KB, padded buffers up to 8 KB. */
#define VT_QUOTE_MAX (64 * 1024)
/* Largest certification data accepted (a PEM chain of three certificates is ~3.7 KB). */
#define VT_CERT_DATA_MAX (32 * 1024)

#define VT_QUOTE_ATT_KEY_ECDSA_P256 2
#define VT_TEE_TYPE_SGX 0x00000000u
#define VT_TEE_TYPE_TDX 0x00000081u

/* Intel's QE vendor ID, 939A7233-F79C-4CA9-940A-0DB3957F0607. */
extern VT_API const uint8_t vt_intel_qe_vendor_id[16];

typedef enum {
    VT_TEE_SGX = 1,
    VT_TEE_TDX = 2,
} vt_tee_t;

/* v5 body types; v3 quotes are SGX, v4 quotes are TD 1.0 (or SGX with TEE type 0). */
typedef enum {
    VT_BODY_SGX = 1,
    VT_BODY_TD10 = 2,
    VT_BODY_TD15 = 3,
} vt_body_type_t;

/* Certification data types. */
enum {
    VT_CERT_PPID_CLEARTEXT = 1,
    VT_CERT_PPID_RSA2048 = 2,
    VT_CERT_PPID_RSA3072 = 3,
    VT_CERT_PCK_LEAF = 4,
    VT_CERT_PCK_CHAIN = 5,
    VT_CERT_QE_REPORT = 6,
};

/* SGX ATTRIBUTES.flags bits. */
#define VT_SGX_FLAG_INIT 0x1ull
#define VT_SGX_FLAG_DEBUG 0x2ull
#define VT_SGX_FLAG_MODE64BIT 0x4ull
/* TDATTRIBUTES bits (u64, little-endian). */
#define VT_TD_ATTR_DEBUG 0x1ull
#define VT_TD_ATTR_SEPT_VE_DISABLE (1ull << 28)

typedef struct {
    uint16_t version;
    uint16_t att_key_type;
    uint32_t tee_type;
    uint16_t qe_svn;  /* v3; reserved in v4/v5 */
    uint16_t pce_svn; /* v3; reserved in v4/v5 */
    uint8_t qe_vendor_id[16];
    uint8_t user_data[20];
} vt_quote_header_t;

/* sgx_report_body_t, 384 bytes (dcap.md §1.3). */
typedef struct {
    uint8_t cpu_svn[VT_CPUSVN_LEN];
    uint32_t misc_select;
    uint8_t reserved1[12];
    uint8_t isv_ext_prod_id[16];
    uint8_t attributes[16]; /* flags u64 LE in [0,8), xfrm u64 LE in [8,16) */
    uint8_t mr_enclave[VT_SGX_MEASUREMENT_LEN];
    uint8_t reserved2[32];
    uint8_t mr_signer[VT_SGX_MEASUREMENT_LEN];
    uint8_t reserved3[32];
    uint8_t config_id[64];
    uint16_t isv_prod_id;
    uint16_t isv_svn;
    uint16_t config_svn;
    uint8_t reserved4[42];
    uint8_t isv_family_id[16];
    uint8_t report_data[VT_REPORT_DATA_LEN];
} vt_sgx_report_body_t;

/* TD report body: TD 1.0 (584 bytes) or TD 1.5 (648 bytes, adds the last two fields). */
typedef struct {
    uint8_t tee_tcb_svn[VT_TEE_TCB_SVN_LEN];
    uint8_t mr_seam[VT_TDX_MEASUREMENT_LEN];
    uint8_t mr_signer_seam[VT_TDX_MEASUREMENT_LEN];
    uint8_t seam_attributes[8];
    uint8_t td_attributes[8];
    uint8_t xfam[8];
    uint8_t mr_td[VT_TDX_MEASUREMENT_LEN];
    uint8_t mr_config_id[VT_TDX_MEASUREMENT_LEN];
    uint8_t mr_owner[VT_TDX_MEASUREMENT_LEN];
    uint8_t mr_owner_config[VT_TDX_MEASUREMENT_LEN];
    uint8_t rtmr[4][VT_TDX_MEASUREMENT_LEN];
    uint8_t report_data[VT_REPORT_DATA_LEN];
    uint8_t tee_tcb_svn2[VT_TEE_TCB_SVN_LEN];    /* TD 1.5 only; zero otherwise */
    uint8_t mr_servicetd[VT_TDX_MEASUREMENT_LEN]; /* TD 1.5 only; zero otherwise */
} vt_td_report_body_t;

/*
 * A parsed quote of any supported version. The signature data is flattened: for v4/v5
 * the fields of the type-6 QE report certification data appear in qe_report..cert_data,
 * and cert_type/cert_data are the *inner* certification data.
 */
typedef struct {
    vt_quote_header_t header;
    vt_tee_t tee;
    vt_body_type_t body_type; /* derived for v3/v4, read for v5 */
    vt_sgx_report_body_t sgx; /* valid when body_type == VT_BODY_SGX */
    vt_td_report_body_t td;   /* valid when body_type is TD10 or TD15 */

    const uint8_t *signed_data; /* borrowed: header..body, what the attestation key signs */
    size_t signed_len;

    uint8_t signature[VT_ECDSA_SIG_LEN];  /* r||s over signed_data by the attestation key */
    uint8_t attest_key[VT_ECDSA_KEY_LEN]; /* X||Y */
    uint16_t outer_cert_type;             /* 5 (or 1..5) for v3, 6 for v4/v5 */

    vt_sgx_report_body_t qe_report;
    const uint8_t *qe_report_raw; /* borrowed: the 384 bytes the PCK key signs */
    uint8_t qe_report_signature[VT_ECDSA_SIG_LEN];
    const uint8_t *qe_auth_data; /* borrowed; qe_auth_len bytes */
    uint16_t qe_auth_len;

    uint16_t cert_type;       /* inner certification data type, 1..5 */
    const uint8_t *cert_data; /* borrowed; for type 5 the PEM chain (NUL terminator included) */
    uint32_t cert_len;

    size_t trailing_len; /* zero padding after the signature data (accepted, see parse) */
} vt_quote_t;

/**
 * Parses an SGX v3, TDX v4 or v5 quote.
 *
 * Header checks (Intel QVL): version in {3,4,5}, attestation key type 2, TEE type 0 or
 * 0x81 (0 for v3), Intel QE vendor ID; v5 body type/size rules. signature_data_len must
 * fit the buffer; certification data must be consumed exactly. Bytes after the signature
 * data are accepted only if they are all zero (real TDX quotes come in zero-padded
 * buffers); anything else there is VT_E_TRAILING_DATA.
 *
 * @param buf,len  untrusted quote bytes (at most VT_QUOTE_MAX)
 * @param out      on success, the parsed view; its pointers borrow from buf
 * @returns 0, VT_E_TRUNCATED, VT_E_MALFORMED, VT_E_UNSUPPORTED, VT_E_TRAILING_DATA or
 *          VT_E_TOO_LARGE, with a detail naming the field and offset.
 */
VT_API VT_MUST_CHECK VT_NONNULL(3) int vt_quote_parse(const uint8_t *buf, size_t len,
                                                      vt_quote_t *out);

/*
 * Accept any bytes after the signature data, as Intel's QVL does (it ignores everything
 * after signature_data_len). They are neither signed nor read; trailing_len still
 * records their number. Needed for quotes delivered in buffers that are not
 * zero-filled, e.g. the go-tdx-guest sample (tests/vectors/tdx-v4-gotdx-spr-notcblevel),
 * which ends with 39 bytes of text.
 */
#define VT_QUOTE_PARSE_ANY_TRAILING 0x1u

/**
 * vt_quote_parse with flags (VT_QUOTE_PARSE_*; 0 gives vt_quote_parse). Unknown flag
 * bits are VT_E_INVALID_ARG.
 */
VT_API VT_MUST_CHECK VT_NONNULL(4) int vt_quote_parse_ex(const uint8_t *buf, size_t len,
                                                         unsigned flags, vt_quote_t *out);

/**
 * Serializes q (header, body, signature data) to a new heap buffer. signed_data,
 * qe_report_raw and trailing_len are ignored: the body and QE report are encoded from
 * their structs, and no padding is written. tee and outer_cert_type are ignored too
 * (derived: v3 writes cert_type directly, v4/v5 nest it in type 6). A quote signer
 * serializes once, signs bytes [0, vt_quote_signed_len(q)), stores the signature and
 * serializes again. On success the caller owns *out (free with free()).
 *
 * q must pass the checks vt_quote_parse makes (so the output always parses):
 * VT_E_INVALID_ARG for a bad version, key type, TEE type, vendor ID, a body_type the
 * version/TEE cannot carry, cert_type outside 1..5, or a NULL pointer with a non-zero
 * length; VT_E_TOO_LARGE beyond VT_CERT_DATA_MAX or VT_QUOTE_MAX.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2, 3) int vt_quote_serialize(const vt_quote_t *q,
                                                                uint8_t **out, size_t *len);

/** Length of the signed region for q's version and body type; 0 if either is invalid. */
VT_API VT_NONNULL(1) size_t vt_quote_signed_len(const vt_quote_t *q);

/**
 * Parses exactly 384 bytes of sgx_report_body_t (VT_E_TRUNCATED if fewer,
 * VT_E_TRAILING_DATA if more).
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 3) int vt_sgx_report_body_parse(
    const uint8_t *buf, size_t len, vt_sgx_report_body_t *out);

/** Encodes b into exactly VT_SGX_REPORT_BODY_LEN bytes. */
VT_API VT_NONNULL(1, 2) void vt_sgx_report_body_serialize(
    const vt_sgx_report_body_t *b, uint8_t out[static VT_SGX_REPORT_BODY_LEN]);

/* ---- Local attestation: sgx_target_info_t and sgx_report_t ----------------------- */

/*
 * sgx_target_info_t, 512 bytes: what EREPORT needs to know about the enclave a report
 * is for (the target), i.e. the inputs of the target's report key.
 *
 *   off  size  field
 *   0    32    mr_enclave
 *   32   16    attributes: flags u64 LE in [0,8), xfrm u64 LE in [8,16) (as in the body)
 *   48   2     reserved1
 *   50   2     config_svn (u16 LE)
 *   52   4     misc_select (u32 LE)
 *   56   8     reserved2
 *   64   64    config_id
 *   128  384   reserved3
 *
 * Reserved bytes are kept, not checked: EREPORT ignores them, and applications hand
 * over target infos built by older SDKs or in uninitialized structs, so requiring zeros
 * there would refuse what real SGX accepts. Only the length is strict.
 */
typedef struct {
    uint8_t mr_enclave[VT_SGX_MEASUREMENT_LEN];
    uint8_t attributes[16];
    uint8_t reserved1[2];
    uint16_t config_svn;
    uint32_t misc_select;
    uint8_t reserved2[8];
    uint8_t config_id[64];
    uint8_t reserved3[384];
} vt_sgx_target_info_t;

/**
 * Parses exactly VT_SGX_TARGET_INFO_LEN bytes (VT_E_TRUNCATED if fewer,
 * VT_E_TRAILING_DATA if more). Every byte is kept, so serialize(parse(x)) == x.
 * Writes *out only on success.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 3) int vt_sgx_target_info_parse(const uint8_t *buf, size_t len,
                                                                   vt_sgx_target_info_t *out);

/** Encodes t into exactly VT_SGX_TARGET_INFO_LEN bytes. */
VT_API VT_NONNULL(1, 2) void vt_sgx_target_info_serialize(
    const vt_sgx_target_info_t *t, uint8_t out[static VT_SGX_TARGET_INFO_LEN]);

/*
 * sgx_report_t, 432 bytes: what EREPORT writes.
 *
 *   off  size  field
 *   0    384   body (sgx_report_body_t)
 *   384  32    key_id: the KEYID the report key was derived with
 *   416  16    mac: AES-128-CMAC of the 384 body bytes under the target's report key
 *
 * Parsing checks the structure only; only the target can check the MAC, with its report
 * key (vt_sim_report_verify on the simulated platform).
 */
typedef struct {
    vt_sgx_report_body_t body;
    uint8_t key_id[VT_SGX_KEY_ID_LEN];
    uint8_t mac[VT_SGX_REPORT_MAC_LEN];
} vt_sgx_report_t;

/**
 * Parses exactly VT_SGX_REPORT_LEN bytes (VT_E_TRUNCATED if fewer, VT_E_TRAILING_DATA
 * if more). Every byte is kept, so serialize(parse(x)) == x. Writes *out only on
 * success. Nothing is verified.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 3) int vt_sgx_report_parse(const uint8_t *buf, size_t len,
                                                              vt_sgx_report_t *out);

/** Encodes r into exactly VT_SGX_REPORT_LEN bytes. */
VT_API VT_NONNULL(1, 2) void vt_sgx_report_serialize(const vt_sgx_report_t *r,
                                                     uint8_t out[static VT_SGX_REPORT_LEN]);

/**
 * Parses a TD report body of exactly 584 (TD 1.0) or 648 (TD 1.5) bytes; for TD 1.0 the
 * TD 1.5-only fields are zero. VT_E_TRUNCATED below 584, VT_E_MALFORMED for other sizes.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 3) int vt_td_report_body_parse(
    const uint8_t *buf, size_t len, vt_td_report_body_t *out);

/** ATTRIBUTES.flags of an SGX report body. */
VT_API VT_NONNULL(1) uint64_t vt_sgx_report_flags(const vt_sgx_report_body_t *b);

/** TDATTRIBUTES of a TD report body as a u64. */
VT_API VT_NONNULL(1) uint64_t vt_td_attributes(const vt_td_report_body_t *b);

/* ---- PCK certificate SGX extension (OID 1.2.840.113741.1.13.1) ------------------- */

#define VT_PCK_TCB_COMPONENTS 16

typedef enum {
    VT_SGX_TYPE_STANDARD = 0,
    VT_SGX_TYPE_SCALABLE = 1,
    VT_SGX_TYPE_SCALABLE_WITH_INTEGRITY = 2,
} vt_sgx_type_t;

typedef struct {
    uint8_t ppid[VT_PPID_LEN];
    uint8_t comp_svn[VT_PCK_TCB_COMPONENTS]; /* .2.1 .. .2.16 */
    uint16_t pce_svn;                        /* .2.17 */
    uint8_t cpu_svn[VT_CPUSVN_LEN];          /* .2.18 */
    uint8_t pce_id[VT_PCE_ID_LEN];
    uint8_t fmspc[VT_FMSPC_LEN];
    vt_sgx_type_t sgx_type;
    /* Platform-CA PCK certificates only: */
    bool has_platform_instance_id;
    uint8_t platform_instance_id[16];
    bool has_configuration;
    bool has_dynamic_platform, is_dynamic_platform;
    bool has_cached_keys, is_cached_keys;
    bool has_smt_enabled, is_smt_enabled;
} vt_pck_ext_t;

/**
 * Parses the DER value (the OCTET STRING contents) of the SGX extension. Requires
 * PPID, all 18 TCB items, PCE-ID, FMSPC and SGX type; rejects duplicates, unknown
 * SGX-arc OIDs, wrong types or sizes, and trailing bytes.
 *
 * @returns 0; VT_E_MALFORMED (not DER, missing or duplicate item, wrong type, size or
 *          range); VT_E_UNSUPPORTED (an item OID this parser does not know);
 *          VT_E_TRAILING_DATA; VT_E_TOO_LARGE (over 4 KiB; real values are ~550 bytes).
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 3) int vt_pck_ext_parse(const uint8_t *der, size_t len,
                                                           vt_pck_ext_t *out);

/**
 * Finds the SGX extension in a DER certificate (exactly len bytes, at most
 * VT_CERT_DATA_MAX) and parses it. VT_E_MALFORMED if the certificate does not parse or
 * has no SGX extension (or more than one); otherwise as vt_pck_ext_parse.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 3) int vt_pck_ext_from_cert_der(const uint8_t *der,
                                                                   size_t len, vt_pck_ext_t *out);

/**
 * Encodes ext as the DER value of the SGX extension (the encoding Intel uses:
 * SVN INTEGERs minimal two's complement). On success the caller owns *out (free()).
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2, 3) int vt_pck_ext_serialize(const vt_pck_ext_t *ext,
                                                                  uint8_t **out, size_t *len);

#define VT_SGX_EXTENSION_OID "1.2.840.113741.1.13.1"

#ifdef __cplusplus
}
#endif
#endif
