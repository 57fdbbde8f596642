/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Generated secrets at rest: AES-256-GCM under a key read from a key file that only its
 * owner may read (mode 0600 or 0400), bound to the secret's name.
 *
 * Sealed file (all integers little-endian):
 *   "VTSDSEAL"        8 bytes magic
 *   version           1 byte, 1
 *   size              u32, the secret's length (1..VT_SECRETPROV_SECRET_MAX)
 *   nonce             12 bytes, random
 *   ciphertext        size bytes
 *   tag               16 bytes
 * The additional authenticated data is the 13-byte header followed by the secret's
 * name, so a sealed file renamed to another secret does not open.
 */
#ifndef VT_SECRETD_SEAL_H
#define VT_SECRETD_SEAL_H

#include <veritee/common.h>

#define SD_SEAL_KEY_LEN 32

/*
 * Reads the key file: exactly 32 bytes, or 64 hex digits and an optional newline.
 * VT_E_UNTRUSTED if group or others have any access to it, VT_E_MALFORMED for other
 * contents, VT_E_NOT_FOUND / VT_E_IO if it cannot be read.
 */
VT_MUST_CHECK int sd_seal_key_load(const char *path, uint8_t key[static SD_SEAL_KEY_LEN]);

/* Seals a secret. On success the caller owns *out (free()). */
VT_MUST_CHECK int sd_seal(const uint8_t key[static SD_SEAL_KEY_LEN], const char *name,
                          const uint8_t *secret, size_t len, uint8_t **out, size_t *out_len);

/*
 * Opens a sealed file's bytes. On success the caller owns *secret, from
 * sd_secret_value_alloc (the OpenSSL secure heap if it has room, else the normal heap;
 * release with sd_secret_value_free). VT_E_SIGNATURE if the tag does not
 * verify (wrong key, wrong name, tampered); parse errors for a damaged layout.
 */
VT_MUST_CHECK int sd_unseal(const uint8_t key[static SD_SEAL_KEY_LEN], const char *name,
                            const uint8_t *in, size_t len, uint8_t **secret, size_t *secret_len);

#endif
