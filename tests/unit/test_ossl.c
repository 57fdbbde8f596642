/* SPDX-License-Identifier: Apache-2.0 */
#include "test_util.h"

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "common/ossl.h"

static const char *const V = "sgx-v3-phala-processorca";

static void parses_pem_chain_strictly(void **state)
{
    (void)state;
    uint8_t *pem;
    size_t len;
    STACK_OF(X509) *chain = NULL;
    char cn[64];
    vt_test_read_vector(V, "tcb_info_issuer_chain.pem", &pem, &len);

    vt_assert_ok(vt_x509_chain_parse_pem(pem, len, 3, &chain));
    assert_int_equal(sk_X509_num(chain), 2);
    vt_x509_name_cn(X509_get_subject_name(sk_X509_value(chain, 0)), cn, sizeof(cn));
    assert_string_equal(cn, "Intel SGX TCB Signing");
    sk_X509_pop_free(chain, X509_free);

    vt_assert_rc(vt_x509_chain_parse_pem(pem, len, 1, &chain), VT_E_TOO_LARGE);

    /* A trailing NUL (as in quotes) is fine; trailing text is not. */
    uint8_t *copy = malloc(len + 8);
    memcpy(copy, pem, len);
    copy[len] = '\0';
    vt_assert_ok(vt_x509_chain_parse_pem(copy, len + 1, 3, &chain));
    sk_X509_pop_free(chain, X509_free);
    memcpy(copy + len, "garbage", 7);
    vt_assert_rc(vt_x509_chain_parse_pem(copy, len + 7, 3, &chain), VT_E_MALFORMED);
    /* Truncated inside the second certificate. */
    vt_assert_rc(vt_x509_chain_parse_pem(copy, len - 100, 3, &chain), VT_E_MALFORMED);
    vt_assert_rc(vt_x509_chain_parse_pem(copy, 0, 3, &chain), VT_E_MALFORMED);
    free(copy);
    free(pem);
}

static void parses_certificate_der_or_pem(void **state)
{
    (void)state;
    uint8_t *der;
    size_t len;
    X509 *x = NULL;
    vt_test_read_vector(V, "root_ca.der", &der, &len);
    vt_assert_ok(vt_x509_parse(der, len, &x));
    X509_free(x);
    vt_assert_rc(vt_x509_parse(der, len - 1, &x), VT_E_MALFORMED);
    uint8_t *longer = malloc(len + 1);
    memcpy(longer, der, len);
    longer[len] = 'x';
    vt_assert_rc(vt_x509_parse(longer, len + 1, &x), VT_E_TRAILING_DATA);
    free(longer);
    free(der);
}

static void parses_crl_in_three_encodings(void **state)
{
    (void)state;
    uint8_t *der;
    size_t len;
    X509_CRL *crl = NULL;
    vt_test_read_vector(V, "root_ca_crl.der", &der, &len);
    vt_assert_ok(vt_crl_parse(der, len, &crl));
    X509_CRL_free(crl);

    char *hex = malloc(2 * len + 2);
    vt_hex_encode(der, len, hex);
    strcat(hex, "\n");
    vt_assert_ok(vt_crl_parse((uint8_t *)hex, strlen(hex), &crl));
    X509_CRL_free(crl);
    hex[5] = 'z';
    vt_assert_rc(vt_crl_parse((uint8_t *)hex, strlen(hex), &crl), VT_E_MALFORMED);
    free(hex);

    const unsigned char *p = der;
    X509_CRL *tmp = d2i_X509_CRL(NULL, &p, (long)len);
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509_CRL(bio, tmp);
    char *pem;
    long pem_len = BIO_get_mem_data(bio, &pem);
    vt_assert_ok(vt_crl_parse((uint8_t *)pem, (size_t)pem_len, &crl));
    X509_CRL_free(crl);
    BIO_free(bio);
    X509_CRL_free(tmp);

    vt_assert_rc(vt_crl_parse(der, len - 1, &crl), VT_E_MALFORMED);
    free(der);
}

static void ecdsa_raw_verify(void **state)
{
    (void)state;
    EVP_PKEY *priv = EVP_EC_gen("P-256");
    assert_non_null(priv);
    uint8_t point[64], sig[64], der_sig[80];
    size_t der_len = sizeof(der_sig);
    const uint8_t msg[] = "attested";
    vt_assert_ok(vt_p256_key_to_point(priv, point));

    EVP_MD_CTX *md = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, priv), 1);
    assert_int_equal(EVP_DigestSign(md, der_sig, &der_len, msg, sizeof(msg)), 1);
    EVP_MD_CTX_free(md);
    vt_assert_ok(vt_ecdsa_sig_der_to_raw(der_sig, der_len, sig));

    EVP_PKEY *pub = NULL;
    vt_assert_ok(vt_p256_key_from_point(point, &pub));
    vt_assert_ok(vt_ecdsa_p256_verify(pub, msg, sizeof(msg), sig, "test"));
    uint8_t bad_msg[sizeof(msg)];
    memcpy(bad_msg, msg, sizeof(msg));
    bad_msg[0] ^= 1;
    vt_assert_rc(vt_ecdsa_p256_verify(pub, bad_msg, sizeof(msg), sig, "test"), VT_E_SIGNATURE);
    sig[63] ^= 1;
    vt_assert_rc(vt_ecdsa_p256_verify(pub, msg, sizeof(msg), sig, "test"), VT_E_SIGNATURE);
    memset(sig, 0, sizeof(sig));
    vt_assert_rc(vt_ecdsa_p256_verify(pub, msg, sizeof(msg), sig, "test"), VT_E_SIGNATURE);
    EVP_PKEY_free(pub);

    point[10] ^= 1; /* almost surely off the curve */
    vt_assert_rc(vt_p256_key_from_point(point, &pub), VT_E_MALFORMED);
    EVP_PKEY_free(priv);
}

static void sha256_known_answer(void **state)
{
    (void)state;
    uint8_t out[32];
    char hex[65];
    vt_sha256((const uint8_t *)"abc", 3, out);
    vt_hex_encode(out, 32, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_pem_chain_strictly),
        cmocka_unit_test(parses_certificate_der_or_pem),
        cmocka_unit_test(parses_crl_in_three_encodings),
        cmocka_unit_test(ecdsa_raw_verify),
        cmocka_unit_test(sha256_known_answer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
