/* SPDX-License-Identifier: Apache-2.0 */
/* See p256.h for why these exist (OpenSSL 3.0's per-call costs). */
#include "verify/p256.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <pthread.h>

#include "common/error.h"

/* One-time initialization (docs/design.md §5: the only kind of library global). The
 * template lives for the process. */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static EVP_PKEY *p256_params; /* parameters-only P-256 key, duplicated per key */

static void init_once(void)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    OSSL_PARAM params[] = {
        OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"prime256v1", 0),
        OSSL_PARAM_END,
    };
    if (ctx && EVP_PKEY_fromdata_init(ctx) == 1)
        (void)EVP_PKEY_fromdata(ctx, &p256_params, EVP_PKEY_KEY_PARAMETERS, params);
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error();
}

static int init(void)
{
    VT_ENSURE(pthread_once(&once, init_once) == 0 && p256_params, VT_E_CRYPTO,
              "p256: cannot initialize the openssl objects");
    return 0;
}

int vt_verify_p256_key(const uint8_t point[static VT_P256_POINT_LEN], EVP_PKEY **out)
{
    uint8_t encoded[1 + VT_P256_POINT_LEN] = {0x04};
    for (size_t i = 0; i < VT_P256_POINT_LEN; i++) encoded[1 + i] = point[i];

    int rc = VT_E_INTERNAL;
    EVP_PKEY *key = NULL;

    VT_TRY(init());
    VT_TRY_ALLOC(key, EVP_PKEY_dup(p256_params), "p256 key");
    /* Decoding the point checks that it is on the curve. */
    VT_TRY_OSSL(EVP_PKEY_set1_encoded_public_key(key, encoded, sizeof(encoded)), VT_E_MALFORMED,
                "p256: public key is not a valid P-256 point");
    *out = key;
    key = NULL;
    rc = 0;
out:
    EVP_PKEY_free(key);
    return rc;
}

int vt_verify_p256_sig_der(EVP_PKEY *key, const uint8_t *data, size_t len, const uint8_t *sig,
                           size_t sig_len)
{
    int rc = VT_E_INTERNAL;
    EVP_MD_CTX *md = NULL;

    VT_TRY_ALLOC(md, EVP_MD_CTX_new(), "digest context");
    /* OpenSSL's ECDSA verify rejects signatures that are not strict DER. */
    if (EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
        EVP_DigestVerify(md, sig, sig_len, data, len) != 1) {
        ERR_clear_error(); /* only on failure: clearing costs a thread-state lookup */
        VT_TRY_BAIL(VT_E_SIGNATURE, "signature does not verify");
    }
    rc = 0;
out:
    EVP_MD_CTX_free(md);
    return rc;
}

/* One INTEGER of r||s in DER, without BIGNUMs: minimal, with a 00 pad if the top bit is set. */
static size_t der_integer(const uint8_t v[static 32], uint8_t *out)
{
    size_t skip = 0;
    while (skip < 31 && v[skip] == 0) skip++;
    size_t n = 32 - skip;
    size_t pad = (v[skip] & 0x80) ? 1 : 0;
    out[0] = 0x02;
    out[1] = (uint8_t)(n + pad);
    out[2] = 0;
    for (size_t i = 0; i < n; i++) out[2 + pad + i] = v[skip + i];
    return 2 + pad + n;
}

int vt_verify_p256_sig(EVP_PKEY *key, const uint8_t *data, size_t len,
                       const uint8_t sig[static VT_P256_SIG_LEN])
{
    uint8_t der[2 + 2 * (3 + 32)];
    size_t n = der_integer(sig, der + 2);
    n += der_integer(sig + 32, der + 2 + n);
    der[0] = 0x30;
    der[1] = (uint8_t)n;
    return vt_verify_p256_sig_der(key, data, len, der, n + 2);
}
