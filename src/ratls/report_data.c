/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The REPORTDATA bindings of an RA-TLS certificate (gramine-compat.md §3.2): the legacy
 * quote binds SHA-256 of the key's DER SubjectPublicKeyInfo, the evidence quote binds
 * SHA-256 of the exact claims bytes (which hold the key hash in turn). Bytes 32..63 are
 * zero when we create them and, as in Gramine, not compared when we verify.
 */
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

#include "common/error.h"
#include "common/ossl.h"
#include "ratls/ratls_internal.h"

#define BOUND_LEN 32

int vt_ratls_spki_get(EVP_PKEY *key, uint8_t out[static VT_RATLS_SPKI_MAX], size_t *len)
{
    char group[32] = "";
    VT_ENSURE(EVP_PKEY_get_base_id(key) == EVP_PKEY_EC, VT_E_UNSUPPORTED,
              "ratls: certificate key is %s, expected EC P-256 or P-384",
              OBJ_nid2sn(EVP_PKEY_get_base_id(key)));
    VT_ENSURE(EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                             NULL) == 1,
              VT_E_UNSUPPORTED, "ratls: certificate key has no named curve");
    VT_ENSURE(strcmp(group, "prime256v1") == 0 || strcmp(group, "secp384r1") == 0, VT_E_UNSUPPORTED,
              "ratls: certificate key curve %s, expected P-256 or P-384", group);
    int n = i2d_PUBKEY(key, NULL);
    VT_ENSURE(n > 0 && n <= VT_RATLS_SPKI_MAX, VT_E_CRYPTO, "ratls: cannot encode the public key");
    unsigned char *p = out;
    VT_ENSURE(i2d_PUBKEY(key, &p) == n, VT_E_CRYPTO, "ratls: cannot encode the public key");
    *len = (size_t)n;
    return 0;
}

static void bind_hash(const uint8_t *data, size_t len, uint8_t out[static VT_REPORT_DATA_LEN])
{
    vt_sha256(data, len, out);
    memset(out + BOUND_LEN, 0, VT_REPORT_DATA_LEN - BOUND_LEN);
}

void vt_ratls_report_data_legacy(const uint8_t *spki, size_t spki_len,
                                 uint8_t out[static VT_REPORT_DATA_LEN])
{
    bind_hash(spki, spki_len, out);
}

void vt_ratls_report_data_evidence(const uint8_t *claims, size_t claims_len,
                                   uint8_t out[static VT_REPORT_DATA_LEN])
{
    bind_hash(claims, claims_len, out);
}

int vt_ratls_hash(uint64_t alg, const uint8_t *data, size_t len,
                  uint8_t out[static VT_RATLS_HASH_MAX], size_t *out_len)
{
    const EVP_MD *md = alg == VT_RATLS_HASH_SHA256   ? EVP_sha256()
                       : alg == VT_RATLS_HASH_SHA384 ? EVP_sha384()
                       : alg == VT_RATLS_HASH_SHA512 ? EVP_sha512()
                                                     : NULL;
    unsigned int n = 0;
    VT_ENSURE(md != NULL, VT_E_UNSUPPORTED, "ratls: hash algorithm %llu", (unsigned long long)alg);
    VT_GUARD_OSSL(EVP_Digest(data, len, out, &n, md, NULL), VT_E_CRYPTO, "ratls: hashing");
    *out_len = n;
    return 0;
}

int vt_ratls_report_data_check(const vt_quote_t *q, const uint8_t want[static VT_REPORT_DATA_LEN],
                               const char *what)
{
    const uint8_t *have = q->body_type == VT_BODY_SGX ? q->sgx.report_data : q->td.report_data;
    VT_ENSURE(CRYPTO_memcmp(have, want, BOUND_LEN) == 0, VT_E_REPORT_DATA,
              "ratls: %s: report data does not match", what);
    return 0;
}
