/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Encodings of the simulated PKI (DER, PEM chains, PKCS#8 keys) and the small file
 * helpers the platform store shares. Key PEM buffers are secrets: they are wiped on
 * release (vt_sim_buf_cleanup) and BIOs holding them are freed with BIO_free, after
 * their contents are copied into a wiped-on-free buffer.
 */
#include <errno.h>
#include <openssl/pem.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/error.h"
#include "sim/sim_internal.h"

void vt_sim_buf_cleanup(vt_sim_buf_t *b)
{
    if (!b) return;
    if (b->data) OPENSSL_cleanse(b->data, b->len);
    free(b->data);
    *b = (vt_sim_buf_t){0};
}

int vt_sim_buf_set(vt_sim_buf_t *b, const void *data, size_t len)
{
    uint8_t *p = malloc(len + 1);
    VT_ENSURE(p != NULL, VT_E_NOMEM, "out of memory allocating %zu bytes", len);
    if (len) memmove(p, data, len);
    p[len] = 0;
    vt_sim_buf_cleanup(b);
    b->data = p;
    b->len = len;
    return 0;
}

/* Takes a memory BIO's bytes into out; the BIO's copy is wiped too. */
static int bio_take(BIO *bio, vt_sim_buf_t *out)
{
    char *p = NULL;
    long n = BIO_get_mem_data(bio, &p);
    VT_ENSURE(n >= 0, VT_E_CRYPTO, "sim: memory bio");
    VT_GUARD(vt_sim_buf_set(out, p, (size_t)n));
    OPENSSL_cleanse(p, (size_t)n);
    return 0;
}

int vt_sim_cert_der(X509 *x, vt_sim_buf_t *out)
{
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der);
    VT_ENSURE(n > 0, VT_E_CRYPTO, "sim: certificate encoding");
    int rc = vt_sim_buf_set(out, der, (size_t)n);
    OPENSSL_free(der);
    return rc;
}

int vt_sim_chain_pem(X509 *const *certs, size_t n, vt_sim_buf_t *out)
{
    int rc = VT_E_INTERNAL;
    BIO *bio = BIO_new(BIO_s_mem());

    VT_TRY_ENSURE(bio != NULL, VT_E_NOMEM, "sim: memory bio");
    for (size_t i = 0; i < n; i++)
        VT_TRY_OSSL(PEM_write_bio_X509(bio, certs[i]), VT_E_CRYPTO, "sim: pem certificate");
    VT_TRY(bio_take(bio, out));
    rc = 0;
out:
    BIO_free(bio);
    return rc;
}

int vt_sim_key_pem(EVP_PKEY *key, vt_sim_buf_t *out)
{
    int rc = VT_E_INTERNAL;
    BIO *bio = BIO_new(BIO_s_secmem());

    VT_TRY_ENSURE(bio != NULL, VT_E_NOMEM, "sim: memory bio");
    VT_TRY_OSSL(PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL), VT_E_CRYPTO,
                "sim: pem private key");
    VT_TRY(bio_take(bio, out));
    rc = 0;
out:
    BIO_free(bio);
    return rc;
}

int vt_sim_key_from_pem(const uint8_t *pem, size_t len, EVP_PKEY **out)
{
    int rc = VT_E_INTERNAL;
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    EVP_PKEY *k = NULL;

    VT_TRY_ENSURE(bio != NULL, VT_E_NOMEM, "sim: memory bio");
    k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    VT_TRY_ENSURE(k != NULL, VT_E_MALFORMED, "sim: not a pem private key");
    VT_TRY_ENSURE(EVP_PKEY_is_a(k, "EC"), VT_E_MALFORMED, "sim: private key is not ec");
    *out = k;
    k = NULL;
    rc = 0;
out:
    EVP_PKEY_free(k);
    BIO_free(bio);
    return rc;
}

int vt_sim_path(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, cap, fmt, ap);
    va_end(ap);
    VT_ENSURE(n >= 0 && (size_t)n < cap, VT_E_INVALID_ARG, "sim: path too long");
    return 0;
}

int vt_sim_mkdir(const char *path, unsigned mode)
{
    struct stat st;
    if (mkdir(path, (mode_t)mode) == 0) return 0;
    VT_ENSURE(errno == EEXIST, VT_E_IO, "sim: mkdir %s: %s", path, strerror(errno));
    VT_ENSURE(stat(path, &st) == 0 && S_ISDIR(st.st_mode), VT_E_IO, "sim: %s is not a directory",
              path);
    return 0;
}
