/* SPDX-License-Identifier: Apache-2.0 */
/*
 * P-256 keys from raw points and raw r||s signature checks, for the per-quote hot path
 * (the attestation key is new in every quote, so its EVP_PKEY is built every call).
 */
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <string.h>

#include "common/error.h"
#include "common/ossl.h"
#include "verify/quote_checks.h"

int vt_verify_p256_key(const uint8_t point[static VT_P256_POINT_LEN], EVP_PKEY **out)
{
    return vt_p256_key_from_point(point, out);
}

/* r||s (two 32-byte big-endian integers) as a DER ECDSA-Sig-Value, without BIGNUMs. */
static size_t der_integer(const uint8_t *v, uint8_t *out)
{
    size_t skip = 0;
    while (skip < 31 && v[skip] == 0) skip++;
    size_t n = 32 - skip;
    bool pad = (v[skip] & 0x80) != 0;
    out[0] = 0x02;
    out[1] = (uint8_t)(n + pad);
    out[2] = 0;
    for (size_t i = 0; i < n; i++) out[2 + pad + i] = v[skip + i];
    return 2 + pad + n;
}

static size_t sig_to_der(const uint8_t sig[static VT_P256_SIG_LEN], uint8_t out[72])
{
    size_t n = der_integer(sig, out + 2);
    n += der_integer(sig + 32, out + 2 + n);
    out[0] = 0x30;
    out[1] = (uint8_t)n;
    return n + 2;
}

int vt_verify_p256_sig(EVP_PKEY *key, const uint8_t *data, size_t len,
                       const uint8_t sig[static VT_P256_SIG_LEN])
{
    uint8_t der[72];
    size_t der_len = sig_to_der(sig, der);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    VT_ENSURE(md != NULL, VT_E_NOMEM, "out of memory");
    int ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
             EVP_DigestVerify(md, der, der_len, data, len) == 1;
    EVP_MD_CTX_free(md);
    ERR_clear_error();
    VT_ENSURE(ok, VT_E_SIGNATURE, "signature does not verify");
    return 0;
}
