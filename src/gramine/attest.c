/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Key and certificate creation for libra_tls_attest.so (gramine-compat.md §3, §4):
 * vt_ratls_create_with makes the P-384 key and the certificate (both extensions, two
 * quotes); this file takes the validity from the environment and serializes the pair as
 * Gramine's ra_tls_create_key_and_crt_der returns it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/error.h"
#include "gramine/gramine_internal.h"

#define MOD "ra_tls"

/*
 * i2d_PrivateKey writes an EC key in its type-specific form, the SEC1 / RFC 5915
 * ECPrivateKey (with the named curve and the public key), the form mbedTLS's
 * mbedtls_pk_write_key_der produces. The buffer is on the secure heap until returned.
 */
static int key_to_der(EVP_PKEY *key, uint8_t **out, size_t *out_len)
{
    int rc = VT_E_INTERNAL;
    unsigned char *der = NULL;
    int n = i2d_PrivateKey(key, &der);
    VT_TRY_ENSURE(n > 0, VT_E_CRYPTO, MOD ": cannot serialize the private key");
    uint8_t *copy = malloc((size_t)n);
    VT_TRY_ENSURE(copy != NULL, VT_E_NOMEM, MOD ": out of memory for the private key");
    memcpy(copy, der, (size_t)n); /* vt-lint: allow (n bytes written by i2d_PrivateKey) */
    *out = copy;
    *out_len = (size_t)n;
    rc = 0;
out:
    if (der != NULL) OPENSSL_clear_free(der, n > 0 ? (size_t)n : 0);
    return rc;
}

static int crt_to_der(X509 *crt, uint8_t **out, size_t *out_len)
{
    unsigned char *der = NULL;
    int n = i2d_X509(crt, &der);
    VT_ENSURE(n > 0, VT_E_CRYPTO, MOD ": cannot serialize the certificate");
    uint8_t *copy = malloc((size_t)n);
    if (copy != NULL) memcpy(copy, der, (size_t)n); /* vt-lint: allow (n bytes from i2d_X509) */
    OPENSSL_free(der);
    VT_ENSURE(copy != NULL, VT_E_NOMEM, MOD ": out of memory for the certificate");
    *out = copy;
    *out_len = (size_t)n;
    return 0;
}

int vt_gramine_create_der(vt_ratls_evidence_fn ev, void *ctx, uint8_t **der_key,
                          size_t *der_key_size, uint8_t **der_crt, size_t *der_crt_size)
{
    int rc = VT_E_INTERNAL;
    vt_ratls_create_options_t opts;
    EVP_PKEY *key = NULL;
    X509 *crt = NULL;
    uint8_t *k = NULL, *c = NULL;
    size_t klen = 0, clen = 0;

    VT_TRY(vt_gramine_create_options_from_env(&opts));
    VT_TRY(vt_ratls_create_with(ev, ctx, &opts, &key, &crt));
    VT_TRY(key_to_der(key, &k, &klen));
    VT_TRY(crt_to_der(crt, &c, &clen));
    *der_key = k;
    *der_key_size = klen;
    *der_crt = c;
    *der_crt_size = clen;
    k = NULL;
    c = NULL;
    rc = 0;
out:
    if (k != NULL) OPENSSL_cleanse(k, klen);
    free(k);
    free(c);
    X509_free(crt);
    EVP_PKEY_free(key);
    return rc;
}

int vt_gramine_create_error(int rc)
{
    if (rc == VT_E_NOMEM) return VT_MBEDTLS_ERR_X509_ALLOC_FAILED;
    if (rc == VT_E_MALFORMED || vt_error_type(rc) == VT_ET_USAGE)
        return VT_MBEDTLS_ERR_X509_BAD_INPUT_DATA;
    /* Gramine: a failed write/read of /dev/attestation. */
    if (vt_error_type(rc) == VT_ET_IO || rc == VT_E_UNSUPPORTED || rc == VT_E_REPORT_DATA)
        return VT_MBEDTLS_ERR_X509_FILE_IO_ERROR;
    return VT_MBEDTLS_ERR_X509_FATAL_ERROR;
}
