/* SPDX-License-Identifier: Apache-2.0 */
/* Internal helpers shared by the files of src/sim_identity (not exported). */
#ifndef VT_SIM_IDENTITY_INTERNAL_H
#define VT_SIM_IDENTITY_INTERNAL_H

#include <veritee/sim_identity.h>

/* The two ATTRIBUTES.flags bits every simulated enclave has, and the allowed set. */
#define VT_SIM_FLAGS_REQUIRED (VT_SGX_FLAG_INIT | VT_SGX_FLAG_MODE64BIT)
#define VT_SIM_FLAGS_ALLOWED  (VT_SIM_FLAGS_REQUIRED | VT_SGX_FLAG_DEBUG)

/*
 * Checks the rules the format puts on s's identity fields and trusted list (flags,
 * xfrm, counts, path lengths, no NUL, strictly ascending paths). code is returned on a
 * violation: VT_E_MALFORMED for the parser, VT_E_INVALID_ARG for callers' structs.
 */
VT_MUST_CHECK int vt_sim_sigfile_validate(const vt_sim_sigfile_t *s, int code);

/* Bytewise order of two paths (a prefix sorts first): <0, 0, >0. */
int vt_sim_path_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* Reverses n bytes from in to out (big-endian <-> little-endian); in != out. */
void vt_sim_reverse(const uint8_t *in, uint8_t *out, size_t n);

/* RSASSA-PKCS1-v1_5 SHA-256 over data; the signature little-endian. */
VT_MUST_CHECK int vt_sim_signer_sign(const vt_sim_signer_t *s, const uint8_t *data, size_t len,
                                     uint8_t sig_le[static VT_SIM_RSA_LEN]);

/*
 * Verifies a little-endian RSASSA-PKCS1-v1_5 SHA-256 signature under (modulus_le,
 * exponent). VT_E_SIGNATURE if it does not verify.
 */
VT_MUST_CHECK int vt_sim_rsa_verify(const uint8_t modulus_le[static VT_SIM_RSA_LEN],
                                    uint32_t exponent, const uint8_t *data, size_t len,
                                    const uint8_t sig_le[static VT_SIM_RSA_LEN]);

#endif
