/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The enclave signer key: RSA-3072 with public exponent 3, because SGX's SIGSTRUCT has
 * a 384-byte modulus and requires EXPONENT = 3. Generation, PEM load/store (0600, never
 * overwriting), and RSASSA-PKCS1-v1_5 SHA-256 signing and verification with the
 * little-endian byte order SIGSTRUCT uses for MODULUS and SIGNATURE.
 */
#include <errno.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/error.h"
#include "common/file.h"
#include "sim_identity_internal.h"

#define MOD          "sim_signer"
#define KEY_FILE_MAX (64 * 1024)

struct vt_sim_signer {
    EVP_PKEY *key;                   /* owned; the private key */
    uint8_t modulus[VT_SIM_RSA_LEN]; /* little-endian copy of n */
};

/* Checks RSA, 3072 bits, e = 3, and caches the little-endian modulus. Owns nothing. */
static int check_key(EVP_PKEY *key, uint8_t modulus[static VT_SIM_RSA_LEN])
{
    int rc = VT_E_INTERNAL;
    BIGNUM *n = NULL, *e = NULL;
    VT_TRY_ENSURE(EVP_PKEY_is_a(key, "RSA"), VT_E_UNSUPPORTED,
                  MOD ": key is %s, expected RSA-3072 with exponent 3",
                  EVP_PKEY_get0_type_name(key));
    VT_TRY_ENSURE(EVP_PKEY_get_bits(key) == 3072, VT_E_UNSUPPORTED,
                  MOD ": RSA key of %d bits, expected 3072 (SIGSTRUCT's modulus is 384 bytes)",
                  EVP_PKEY_get_bits(key));
    VT_TRY_OSSL(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e), VT_E_CRYPTO,
                MOD ": reading the exponent");
    VT_TRY_ENSURE(BN_is_word(e, VT_SIM_RSA_EXPONENT), VT_E_UNSUPPORTED,
                  MOD ": public exponent is not 3 (SGX requires e = 3; make a key with "
                      "'veritee sim sign --gen-key FILE')");
    VT_TRY_OSSL(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n), VT_E_CRYPTO,
                MOD ": reading the modulus");
    VT_TRY_ENSURE(BN_bn2lebinpad(n, modulus, VT_SIM_RSA_LEN) == VT_SIM_RSA_LEN, VT_E_CRYPTO,
                  MOD ": modulus does not fit 384 bytes");
    rc = 0;
out:
    BN_free(n);
    BN_free(e);
    return rc;
}

static int wrap(EVP_PKEY *key, vt_sim_signer_t **out)
{
    int rc = VT_E_INTERNAL;
    vt_sim_signer_t *s = NULL;
    VT_TRY_ALLOC(s, calloc(1, sizeof(*s)), "signer");
    VT_TRY(check_key(key, s->modulus));
    s->key = key;
    *out = s;
    s = NULL;
    rc = 0;
out:
    free(s);
    return rc;
}

int vt_sim_signer_new(vt_sim_signer_t **out)
{
    int rc = VT_E_INTERNAL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *key = NULL;
    BIGNUM *e = NULL;

    VT_TRY_ALLOC(ctx, EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL), "RSA context");
    VT_TRY_ALLOC(e, BN_new(), "exponent");
    VT_TRY_OSSL(BN_set_word(e, VT_SIM_RSA_EXPONENT), VT_E_CRYPTO, MOD ": exponent");
    VT_TRY_OSSL(EVP_PKEY_keygen_init(ctx), VT_E_CRYPTO, MOD ": keygen init");
    VT_TRY_OSSL(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 3072) > 0, VT_E_CRYPTO, MOD ": key size");
    VT_TRY_OSSL(EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, e) > 0, VT_E_CRYPTO, MOD ": exponent");
    VT_TRY_OSSL(EVP_PKEY_generate(ctx, &key), VT_E_CRYPTO, MOD ": generating an RSA-3072 key");
    VT_TRY(wrap(key, out));
    key = NULL;
    rc = 0;
out:
    EVP_PKEY_free(key);
    BN_free(e);
    EVP_PKEY_CTX_free(ctx);
    return rc;
}

/* Never prompt for a passphrase: encrypted keys are refused. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf, (void)size, (void)rwflag, (void)u;
    return 0; /* no passphrase: PEM decryption fails */
}

int vt_sim_signer_from_file(const char *path, vt_sim_signer_t **out)
{
    int rc = VT_E_INTERNAL;
    uint8_t *pem = NULL;
    size_t len = 0;
    BIO *bio = NULL;
    EVP_PKEY *key = NULL;

    VT_TRY(vt_file_read(path, KEY_FILE_MAX, &pem, &len));
    VT_TRY_ALLOC(bio, BIO_new_mem_buf(pem, (int)len), "key BIO");
    key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
    if (key == NULL) {
        ERR_clear_error();
        VT_TRY_BAIL(VT_E_MALFORMED, MOD ": %s: not an unencrypted PEM private key", path);
    }
    VT_TRY(wrap(key, out));
    key = NULL;
    rc = 0;
out:
    EVP_PKEY_free(key);
    BIO_free(bio);
    if (pem) OPENSSL_clear_free(pem, len);
    return rc;
}

int vt_sim_signer_to_file(const vt_sim_signer_t *s, const char *path)
{
    int rc = VT_E_INTERNAL;
    BIO *bio = NULL;
    char *data = NULL;
    struct stat st;

    VT_TRY_ENSURE(lstat(path, &st) != 0, VT_E_IO, MOD ": %s exists; not overwriting a key file",
                  path);
    VT_TRY_ENSURE(errno == ENOENT, VT_E_IO, MOD ": %s: %s", path, strerror(errno));
    VT_TRY_ALLOC(bio, BIO_new(BIO_s_secmem()), "key BIO");
    VT_TRY_OSSL(PEM_write_bio_PrivateKey(bio, s->key, NULL, NULL, 0, NULL, NULL), VT_E_CRYPTO,
                MOD ": encoding the key");
    long n = BIO_get_mem_data(bio, &data);
    VT_TRY_ENSURE(n > 0 && data != NULL, VT_E_CRYPTO, MOD ": encoding the key");
    VT_TRY(vt_file_write_atomic(path, (const uint8_t *)data, (size_t)n, 0600));
    rc = 0;
out:
    BIO_free(bio); /* a secmem BIO clears its buffer when freed */
    return rc;
}

void vt_sim_signer_get_modulus(const vt_sim_signer_t *s, uint8_t out[static VT_SIM_RSA_LEN])
{
    for (size_t i = 0; i < VT_SIM_RSA_LEN; i++) out[i] = s->modulus[i];
}

void vt_sim_signer_free(vt_sim_signer_t *s)
{
    if (s == NULL) return;
    EVP_PKEY_free(s->key); /* OpenSSL clears the private key's bignums */
    OPENSSL_cleanse(s, sizeof(*s));
    free(s);
}

int vt_sim_signer_sign(const vt_sim_signer_t *s, const uint8_t *data, size_t len,
                       uint8_t sig_le[static VT_SIM_RSA_LEN])
{
    int rc = VT_E_INTERNAL;
    EVP_MD_CTX *ctx = NULL;
    uint8_t sig[VT_SIM_RSA_LEN];
    size_t n = sizeof(sig);

    VT_TRY_ALLOC(ctx, EVP_MD_CTX_new(), "digest context");
    VT_TRY_OSSL(EVP_DigestSignInit_ex(ctx, NULL, "SHA256", NULL, NULL, s->key, NULL), VT_E_CRYPTO,
                MOD ": sign init");
    VT_TRY_OSSL(EVP_DigestSign(ctx, sig, &n, data, len), VT_E_CRYPTO, MOD ": signing");
    VT_TRY_ENSURE(n == VT_SIM_RSA_LEN, VT_E_CRYPTO, MOD ": signature of %zu bytes", n);
    vt_sim_reverse(sig, sig_le, VT_SIM_RSA_LEN);
    rc = 0;
out:
    EVP_MD_CTX_free(ctx);
    return rc;
}

static int public_key(const uint8_t modulus_le[static VT_SIM_RSA_LEN], uint32_t exponent,
                      EVP_PKEY **out)
{
    int rc = VT_E_INTERNAL;
    BIGNUM *n = NULL, *e = NULL;
    OSSL_PARAM_BLD *bld = NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;

    VT_TRY_ALLOC(n, BN_lebin2bn(modulus_le, VT_SIM_RSA_LEN, NULL), "modulus");
    VT_TRY_ALLOC(e, BN_new(), "exponent");
    VT_TRY_OSSL(BN_set_word(e, exponent), VT_E_CRYPTO, MOD ": exponent");
    VT_TRY_ALLOC(bld, OSSL_PARAM_BLD_new(), "parameters");
    VT_TRY_OSSL(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n), VT_E_CRYPTO, MOD ": n");
    VT_TRY_OSSL(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e), VT_E_CRYPTO, MOD ": e");
    VT_TRY_ALLOC(params, OSSL_PARAM_BLD_to_param(bld), "parameters");
    VT_TRY_ALLOC(ctx, EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL), "RSA context");
    VT_TRY_OSSL(EVP_PKEY_fromdata_init(ctx), VT_E_CRYPTO, MOD ": key init");
    VT_TRY_OSSL(EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params), VT_E_CRYPTO,
                MOD ": public key from the modulus");
    rc = 0;
out:
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(e);
    BN_free(n);
    return rc;
}

int vt_sim_rsa_verify(const uint8_t modulus_le[static VT_SIM_RSA_LEN], uint32_t exponent,
                      const uint8_t *data, size_t len, const uint8_t sig_le[static VT_SIM_RSA_LEN])
{
    int rc = VT_E_INTERNAL;
    EVP_PKEY *key = NULL;
    EVP_MD_CTX *ctx = NULL;
    uint8_t sig[VT_SIM_RSA_LEN];

    vt_sim_reverse(sig_le, sig, VT_SIM_RSA_LEN);
    VT_TRY(public_key(modulus_le, exponent, &key));
    VT_TRY_ALLOC(ctx, EVP_MD_CTX_new(), "digest context");
    VT_TRY_OSSL(EVP_DigestVerifyInit_ex(ctx, NULL, "SHA256", NULL, NULL, key, NULL), VT_E_CRYPTO,
                MOD ": verify init");
    if (EVP_DigestVerify(ctx, sig, sizeof(sig), data, len) != 1) {
        ERR_clear_error();
        VT_TRY_BAIL(VT_E_SIGNATURE, MOD ": signature does not verify under the file's modulus");
    }
    rc = 0;
out:
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    return rc;
}
