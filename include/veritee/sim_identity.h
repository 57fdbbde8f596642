/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Simulated enclave identity (docs/design.md §6 rule 3): a signed, SIGSTRUCT-like file
 * (".sig") binds an executable, its trusted files and its identity parameters to an
 * MRENCLAVE, and an RSA-3072 signer key (public exponent 3, as SGX requires) to an
 * MRSIGNER. At launch the executable and the trusted files are measured again and
 * compared with the signed MRENCLAVE, the way EINIT checks SIGSTRUCT.
 *
 * ---- The .sig file, version 1 (all integers little-endian) ----------------------
 *
 *   offset  size  field
 *   0       8     magic "VTSIGv1\0"
 *   8       32    MRENCLAVE (see below)
 *   40      2     ISVPRODID
 *   42      2     ISVSVN
 *   44      8     ATTRIBUTES.flags: INIT | MODE64BIT, plus DEBUG for a debug enclave;
 *                 no other bit may be set
 *   52      8     ATTRIBUTES.xfrm: bits 0 and 1 (x87, SSE) must be set; default 0x3
 *   60      4     MISCSELECT
 *   64      32    SHA-256 of the executable
 *   96      2     count of trusted files, 0..VT_SIM_TRUSTED_MAX
 *   98      ...   count entries, strictly ascending by path (bytewise, a prefix sorts
 *                 first), each:  u16 path length (1..VT_SIM_PATH_MAX) || path bytes
 *                 (no NUL) || SHA-256 of the file's content (32)
 *   S       384   signer's RSA modulus, little-endian (as SIGSTRUCT.MODULUS); 3072 bits
 *   S+384   4     public exponent; must be 3 (as SIGSTRUCT.EXPONENT)
 *   S+388   384   signature, little-endian (as SIGSTRUCT.SIGNATURE): RSASSA-PKCS1-v1_5
 *                 with SHA-256 over bytes [0, S+388), i.e. everything before it
 *   S+772         end of file (trailing bytes are rejected)
 *
 * MRSIGNER = SHA-256 of the 384-byte little-endian modulus, which is how SGX derives
 * MRSIGNER from SIGSTRUCT.MODULUS.
 *
 * MRENCLAVE = SHA-256 of this domain-separated encoding (integers little-endian):
 *   "veritee-sim-mrenclave-v1" (24 ASCII bytes, no NUL) || SHA-256(executable)
 *   || u16 count || for each trusted file, sorted by path: u16 len(path) || path
 *   || SHA-256(content)  ||  u16 ISVPRODID || u16 ISVSVN || u64 flags || u64 xfrm
 *   || u32 MISCSELECT
 * so a change to the executable, a trusted file (content or path) or any identity
 * parameter changes MRENCLAVE. Relative trusted-file paths are opened relative to the
 * current directory at launch, as written at signing time.
 *
 * Error codes of the checks: the file's structure VT_ET_PARSE (VT_E_TRUNCATED,
 * VT_E_MALFORMED, VT_E_TRAILING_DATA, VT_E_TOO_LARGE; an exponent other than 3 or a
 * wrong magic is VT_E_UNSUPPORTED); the RSA signature VT_E_SIGNATURE; a measurement
 * (executable, trusted file) that differs from the signed MRENCLAVE VT_E_MEASUREMENT, the
 * launch-control refusal (EINIT's SGX_INVALID_MEASUREMENT). Both are VT_ET_REJECT.
 *
 * Thread safety: every function is safe to call from several threads on different
 * objects; a vt_sim_signer_t may be shared for signing once created.
 */
#ifndef VERITEE_SIM_IDENTITY_H
#define VERITEE_SIM_IDENTITY_H

#include <veritee/common.h>
#include <veritee/evidence.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VT_SIM_SIG_MAGIC       "VTSIGv1" /* 8 bytes with its NUL */
#define VT_SIM_SIG_MAGIC_LEN   8
#define VT_SIM_RSA_LEN         384 /* RSA-3072 modulus and signature */
#define VT_SIM_RSA_EXPONENT    3
#define VT_SIM_TRUSTED_MAX     64
#define VT_SIM_PATH_MAX        1024
#define VT_SIM_XFRM_DEFAULT    0x3ull
#define VT_SIM_SIG_FIXED_LEN   (98 + VT_SIM_RSA_LEN + 4 + VT_SIM_RSA_LEN)
#define VT_SIM_SIG_MAX         (VT_SIM_SIG_FIXED_LEN + VT_SIM_TRUSTED_MAX * (2 + VT_SIM_PATH_MAX + 32))
#define VT_SIM_MRENCLAVE_LABEL "veritee-sim-mrenclave-v1"

/** One trusted file of a .sig. */
typedef struct {
    const char *path; /* borrowed from the parsed buffer (or the caller); path_len bytes, not
                         NUL-terminated */
    size_t path_len;
    uint8_t sha256[32];
} vt_sim_trusted_file_t;

/** A parsed .sig: a read-only view; see the format above. */
typedef struct {
    uint8_t mr_enclave[VT_SGX_MEASUREMENT_LEN];
    uint16_t isv_prod_id;
    uint16_t isv_svn;
    uint64_t flags;
    uint64_t xfrm;
    uint32_t misc_select;
    uint8_t exe_sha256[32];
    size_t trusted_count;
    vt_sim_trusted_file_t trusted[VT_SIM_TRUSTED_MAX];
    uint8_t modulus[VT_SIM_RSA_LEN]; /* little-endian */
    uint32_t exponent;
    uint8_t signature[VT_SIM_RSA_LEN]; /* little-endian */
    const uint8_t *signed_data;        /* borrowed from the parsed buffer: [0, signed_len) */
    size_t signed_len;
} vt_sim_sigfile_t;

/** What to sign (`veritee sim sign`). Paths are borrowed for the duration of the call. */
typedef struct {
    const char *exe_path;
    const char *const *trusted_paths; /* trusted_count paths, any order, no duplicates */
    size_t trusted_count;
    uint16_t isv_prod_id;
    uint16_t isv_svn;
    bool is_debug;
    uint32_t misc_select;
    uint64_t xfrm; /* 0 means VT_SIM_XFRM_DEFAULT */
} vt_sim_sign_params_t;

/** An RSA-3072, e = 3 signer key (opaque; holds the private key). */
typedef struct vt_sim_signer vt_sim_signer_t;

/**
 * Generates a new signer key. May take a few seconds (e = 3 rejects many primes).
 * On success the caller owns *out (vt_sim_signer_free). VT_E_CRYPTO on failure.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1) int vt_sim_signer_new(vt_sim_signer_t **out);

/**
 * Loads a PEM private key. VT_E_UNSUPPORTED (with a detail) unless it is RSA with a
 * 3072-bit modulus and public exponent 3; VT_E_NOT_FOUND / VT_E_IO / VT_E_MALFORMED for
 * a missing, unreadable or non-PEM file. On success the caller owns *out.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2) int vt_sim_signer_from_file(const char *path,
                                                                  vt_sim_signer_t **out);

/**
 * Writes the private key as unencrypted PKCS#8 PEM to path with mode 0600. Refuses to
 * replace an existing file (VT_E_IO), so a signing key is never overwritten by mistake.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2) int vt_sim_signer_to_file(const vt_sim_signer_t *s,
                                                                const char *path);

/** The 384-byte little-endian modulus. */
VT_API VT_NONNULL(1, 2) void vt_sim_signer_get_modulus(const vt_sim_signer_t *s,
                                                       uint8_t out[static VT_SIM_RSA_LEN]);

/** Wipes and frees the key; accepts NULL. */
VT_API void vt_sim_signer_free(vt_sim_signer_t *s);

/**
 * Parses a .sig strictly (caps, canonical order, expect_end); nothing is verified.
 * out borrows from buf. Writes *out only on success.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 3) int vt_sim_sigfile_parse(const uint8_t *buf, size_t len,
                                                               vt_sim_sigfile_t *out);

/**
 * Serializes s exactly as laid out above, with its modulus, exponent and signature as
 * they are (parse then serialize gives the same bytes). On success the caller owns
 * *out (free()). VT_E_INVALID_ARG if s breaks a format rule.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2, 3) int vt_sim_sigfile_serialize(const vt_sim_sigfile_t *s,
                                                                      uint8_t **out, size_t *len);

/**
 * Measures p->exe_path and the trusted files, computes MRENCLAVE, and returns the
 * signed .sig bytes. On success the caller owns *out (free()). VT_E_INVALID_ARG for
 * bad parameters (duplicate trusted file, path too long, too many files); I/O codes for
 * unreadable files.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2, 3, 4) int vt_sim_sigfile_new(const vt_sim_signer_t *signer,
                                                                   const vt_sim_sign_params_t *p,
                                                                   uint8_t **out, size_t *len);

/** SHA-256 of a whole file read through fd with pread (the offset is not used or moved). */
VT_API VT_MUST_CHECK VT_NONNULL(2) int vt_sim_measure_fd(int fd, uint8_t out[static 32]);

/** SHA-256 of the file at path. VT_E_NOT_FOUND if missing, VT_E_IO otherwise. */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2) int vt_sim_measure_path(const char *path,
                                                              uint8_t out[static 32]);

/**
 * MRENCLAVE (encoding above) of s's identity parameters and trusted paths, with the
 * given executable hash and trusted-file hashes (trusted_sha256[i] for s->trusted[i];
 * NULL means the hashes recorded in s). VT_E_INVALID_ARG if s's trusted list is not
 * in canonical order.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2, 4) int vt_sim_mrenclave_get(
    const vt_sim_sigfile_t *s, const uint8_t exe_sha256[static 32],
    const uint8_t (*trusted_sha256)[32], uint8_t out[static VT_SGX_MEASUREMENT_LEN]);

/** MRSIGNER: SHA-256 of the little-endian modulus. */
VT_API VT_NONNULL(1, 2) void vt_sim_mrsigner_get(const uint8_t modulus[static VT_SIM_RSA_LEN],
                                                 uint8_t out[static VT_SGX_MEASUREMENT_LEN]);

/**
 * The EINIT-like check: parses the .sig, verifies its signature under the modulus it
 * carries (VT_E_SIGNATURE), measures the executable open at exe_fd and every trusted
 * file, and requires the MRENCLAVE of those measurements to equal the signed one
 * (VT_E_MEASUREMENT, detail naming the executable or the trusted file that differs). On
 * success fills *out with the identity: mr_enclave, mr_signer, isv_prod_id, isv_svn,
 * attributes (flags, xfrm) and misc_select; every other field is zero.
 *
 * exe_fd may be any readable descriptor of the executable: the launcher's own (then
 * fexecve'd, so what is measured is what runs) or, for the attestfs daemon,
 * /proc/<pid>/exe of a client process.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 4) int vt_sim_identity_verify(const uint8_t *sig, size_t len,
                                                                 int exe_fd,
                                                                 vt_sgx_report_body_t *out);

/**
 * Launches argv[0] as a simulated enclave: reads sig_path (at most VT_SIM_SIG_MAX bytes),
 * opens argv[0] (a path; no PATH search), runs vt_sim_identity_verify on that open
 * descriptor, then replaces the process image with fexecve on the same descriptor
 * (no window in which another file could be swapped in at the path). The environment
 * gains VERITEE_SIM_SIG=<absolute path of sig_path> and, when attestfs is not NULL,
 * VERITEE_ATTESTATION_DIR=<attestfs>.
 *
 * Returns only on failure, with the code of the failed step (VT_E_MEASUREMENT when the
 * executable does not match; VT_E_IO if the exec itself failed). If identity is not
 * NULL it receives the verified identity before the exec is attempted.
 *
 * For the attestfs daemon: the launched process keeps its pid, so the daemon can bind
 * a request's pid (FUSE context / SO_PEERCRED) to an identity by reading
 * VERITEE_SIM_SIG from /proc/<pid>/environ and re-running vt_sim_identity_verify with
 * /proc/<pid>/exe open; it must never trust the environment variable alone.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 3) int vt_sim_launch_exec(const char *sig_path,
                                                             const char *attestfs,
                                                             char *const argv[],
                                                             vt_sgx_report_body_t *identity);

#ifdef __cplusplus
}
#endif
#endif
