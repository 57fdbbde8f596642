/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ra_tls_verify_callback_extended_der's work (gramine-compat.md §4, §5): the certificate
 * is parsed (DER, or NUL-terminated PEM as mbedTLS accepts), Veritee's RA-TLS verifier
 * finds and binds the evidence and verifies the quote, and the Gramine rules are then
 * applied here, in Gramine's order, with Gramine's err_loc and return codes:
 *   AT_EXTRACT_QUOTE   no or malformed evidence extension (INVALID_EXTENSIONS), evidence
 *                      not bound to the key (SIG_MISMATCH), a key other than EC
 *                      P-256/P-384 (PK_BAD_INPUT_DATA);
 *   AT_VERIFY_EXTERNAL the quote verification and the RA_TLS_ALLOW_* acceptance table;
 *   AT_VERIFY_ENCLAVE_ATTRS  DEBUG (RA_TLS_ALLOW_DEBUG_ENCLAVE_INSECURE), INIT, MODE64BIT
 *                      set, PROVISION_KEY and LICENSE_KEY clear;
 *   AT_VERIFY_ENCLAVE_MEASUREMENTS  the measurement callback, or RA_TLS_MRSIGNER,
 *                      RA_TLS_MRENCLAVE, RA_TLS_ISV_PROD_ID, RA_TLS_ISV_SVN.
 * Every rejection after the extraction returns CERT_VERIFY_FAILED, as Gramine does.
 *
 * Why Veritee's policy decides nothing here: the RA-TLS verifier is given a permissive
 * policy (every TCB status but Revoked, debug allowed, nothing pinned), because Gramine's
 * appraisal reads the environment on every call. That policy still refuses advisory IDs
 * it does not list, and Gramine does not look at advisories; so when a quote verified
 * cryptographically (result.quote.is_verified) and the RA-TLS verifier answered
 * VT_E_POLICY, the Gramine rules below decide. This is sound because, with that policy
 * and no measurement callback, the only other VT_E_POLICY causes are the SGX attribute
 * checks, which check_attributes repeats identically.
 *
 * Known difference: a quote that is long enough but malformed is refused while the
 * evidence is decoded (AT_EXTRACT_QUOTE, INVALID_EXTENSIONS), where Gramine's DCAP library
 * would refuse it at AT_VERIFY_EXTERNAL. Either way the peer is rejected.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/error.h"
#include "gramine/gramine_internal.h"
#include "ratls/ratls_internal.h"

#define FN "ra_tls_verify_callback_extended_der"
/* The largest certificate accepted as input (PEM included). */
#define CRT_INPUT_MAX (256 * 1024)

static const char pem_begin[] = "-----BEGIN CERTIFICATE-----";

static bool is_pem(const uint8_t *crt, size_t size)
{
    if (size < sizeof(pem_begin) || crt[size - 1] != '\0') return false;
    return strstr((const char *)crt, pem_begin) != NULL;
}

/* The first CERTIFICATE block of NUL-terminated PEM, base64-decoded. */
static int pem_to_der(const uint8_t *crt, size_t size, uint8_t **der, size_t *len)
{
    char *name = NULL;
    unsigned char *data = NULL;
    long n = 0;
    BIO *bio = BIO_new_mem_buf(crt, (int)(size - 1));
    int ok =
        bio != NULL && PEM_bytes_read_bio(&data, &n, &name, PEM_STRING_X509, bio, NULL, NULL) == 1;
    BIO_free(bio);
    OPENSSL_free(name);
    if (!ok || n <= 0) {
        OPENSSL_free(data);
        return VT_MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT;
    }
    *der = data;
    *len = (size_t)n;
    return 0;
}

/*
 * Parses the input as mbedtls_x509_crt_parse would: *der (OPENSSL_malloc'd) is the
 * certificate's DER and *crt its parsed form, for the key check.
 */
static int decode_cert(const uint8_t *in, size_t size, uint8_t **der, size_t *len, X509 **crt)
{
    if (in == NULL || size == 0 || size > CRT_INPUT_MAX) return VT_MBEDTLS_ERR_X509_BAD_INPUT_DATA;
    bool pem = is_pem(in, size);
    if (pem) {
        int rc = pem_to_der(in, size, der, len);
        if (rc < 0) return rc;
    } else {
        *der = OPENSSL_memdup(in, size);
        if (*der == NULL) return VT_MBEDTLS_ERR_X509_ALLOC_FAILED;
        *len = size;
    }
    const unsigned char *p = *der;
    X509 *x = d2i_X509(NULL, &p, (long)*len);
    if (x != NULL && (size_t)(p - *der) == *len) {
        *crt = x;
        return 0;
    }
    X509_free(x);
    OPENSSL_free(*der);
    *der = NULL;
    return pem ? VT_MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT : VT_MBEDTLS_ERR_X509_INVALID_FORMAT;
}

/* Gramine accepts EC keys on P-256 and P-384 only (cmp_crt_pk_against_quote_report_data),
   as the RA-TLS layer does: its check decides. */
static bool is_key_supported(const X509 *crt)
{
    uint8_t spki[VT_RATLS_SPKI_MAX];
    size_t spki_len = 0;
    EVP_PKEY *k = X509_get0_pubkey(crt);
    return k != NULL && vt_ratls_spki_get(k, spki, &spki_len) == 0;
}

static int extract_error(int rc)
{
    if (rc == VT_E_REPORT_DATA) return VT_MBEDTLS_ERR_X509_SIG_MISMATCH;
    if (rc == VT_E_NOMEM) return VT_MBEDTLS_ERR_X509_ALLOC_FAILED;
    return VT_MBEDTLS_ERR_X509_INVALID_EXTENSIONS;
}

/* Gramine §5 step 6. */
static int check_attributes(const vt_verify_result_t *r)
{
    VT_ENSURE(r->tee == VT_TEE_SGX, VT_E_POLICY, "the quote is not from an SGX enclave");
    uint64_t f = vt_sgx_report_flags(&r->sgx);
    VT_ENSURE(!(f & VT_SGX_FLAG_DEBUG) ||
                  vt_gramine_env_allowed(RA_TLS_ALLOW_DEBUG_ENCLAVE_INSECURE),
              VT_E_POLICY,
              "the enclave is a debug enclave (set " RA_TLS_ALLOW_DEBUG_ENCLAVE_INSECURE
              "=1 to allow it, never in production)");
    VT_ENSURE(f & VT_SGX_FLAG_INIT, VT_E_POLICY, "enclave attribute INIT is clear");
    VT_ENSURE(!(f & VT_RATLS_SGX_FLAG_PROVISION_KEY), VT_E_POLICY,
              "enclave attribute PROVISION_KEY is set");
    VT_ENSURE(!(f & VT_RATLS_SGX_FLAG_LICENSE_KEY), VT_E_POLICY,
              "enclave attribute LICENSE_KEY is set");
    VT_ENSURE(f & VT_SGX_FLAG_MODE64BIT, VT_E_POLICY, "enclave attribute MODE64BIT is clear");
    return 0;
}

static int check_measurements(verify_measurements_cb_t cb, const vt_sgx_report_body_t *b)
{
    if (cb != NULL) {
        /* Raw report-body bytes, as Gramine passes them: u16 fields little-endian. */
        char mrenclave[32], mrsigner[32], prod_id[2], svn[2];
        memcpy(mrenclave, b->mr_enclave, 32); /* vt-lint: allow (fixed size) */
        memcpy(mrsigner, b->mr_signer, 32);   /* vt-lint: allow (fixed size) */
        prod_id[0] = (char)(b->isv_prod_id & 0xff);
        prod_id[1] = (char)(b->isv_prod_id >> 8);
        svn[0] = (char)(b->isv_svn & 0xff);
        svn[1] = (char)(b->isv_svn >> 8);
        int ret = cb(mrenclave, mrsigner, prod_id, svn);
        VT_ENSURE(ret >= 0, VT_E_POLICY, "the measurement callback rejected the enclave (%d)", ret);
        return 0;
    }
    vt_gramine_measurements_t m;
    VT_GUARD(vt_gramine_measurements_from_env(&m));
    if (!m.has_mrsigner && !m.has_mrenclave)
        fprintf(stderr, "WARNING: neither " RA_TLS_MRSIGNER " nor " RA_TLS_MRENCLAVE
                        " is checked (both \"any\"): this verifier accepts any enclave\n");
    return vt_gramine_measurements_check(&m, b);
}

/* Steps 5-7 for a cryptographically verified quote. */
static int appraise(verify_measurements_cb_t cb, const vt_verify_result_t *r,
                    struct ra_tls_verify_callback_results *res, int qv)
{
    vt_gramine_allow_t allow;
    vt_gramine_allow_from_env(&allow);
    if (!vt_gramine_qv_is_accepted(qv, r->is_collateral_expired, &allow)) {
        if (qv == VT_QV_RESULT_OK)
            fprintf(
                stderr,
                "ERROR: Quote: the collateral has expired (set " RA_TLS_ALLOW_OUTDATED_TCB_INSECURE
                "=1 to accept it)\n");
        else
            fprintf(stderr, "ERROR: Quote: verification failed with error %s\n",
                    vt_gramine_qv_result_name(qv));
        return VT_MBEDTLS_ERR_X509_CERT_VERIFY_FAILED;
    }
    if (qv != VT_QV_RESULT_OK)
        fprintf(stderr, "INFO: Allowing quote status %s\n", vt_gramine_qv_result_name(qv));
    else if (r->is_collateral_expired)
        fprintf(stderr, "INFO: Allowing quote with expired collateral\n");

    if (res != NULL) res->err_loc = AT_VERIFY_ENCLAVE_ATTRS;
    if (check_attributes(r) < 0) {
        fprintf(stderr, "ERROR: " FN ": %s\n", vt_last_error());
        return VT_MBEDTLS_ERR_X509_CERT_VERIFY_FAILED;
    }
    if (res != NULL) res->err_loc = AT_VERIFY_ENCLAVE_MEASUREMENTS;
    if (check_measurements(cb, &r->sgx) < 0) {
        fprintf(stderr, "ERROR: " FN ": %s\n", vt_last_error());
        return VT_MBEDTLS_ERR_X509_CERT_VERIFY_FAILED;
    }
    if (res != NULL) res->err_loc = AT_NONE;
    return 0;
}

static int verify(vt_ratls_verifier_t *rv, verify_measurements_cb_t cb, const uint8_t *crt,
                  size_t crt_size, vt_time_t at, struct ra_tls_verify_callback_results *res)
{
    uint8_t *der = NULL;
    size_t len = 0;
    X509 *x = NULL;
    vt_ratls_result_t r = {0};
    int ret = decode_cert(crt, crt_size, &der, &len, &x);
    if (ret < 0) {
        fprintf(stderr, "ERROR: " FN ": the certificate cannot be parsed (%s)\n",
                ret == VT_MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT ? "PEM" : "DER");
        return ret;
    }
    if (res != NULL) {
        memset(res, 0, sizeof(*res));
        res->attestation_scheme = RA_TLS_ATTESTATION_SCHEME_DCAP;
        res->err_loc = AT_INIT;
    }
    if (rv == NULL) { /* the shared verifier could not be set up (the caller said why) */
        ret = VT_MBEDTLS_ERR_X509_FATAL_ERROR;
        goto out;
    }
    if (res != NULL) res->err_loc = AT_EXTRACT_QUOTE;
    if (!is_key_supported(x)) {
        fprintf(stderr, "ERROR: " FN ": the certificate key is not EC P-256 or P-384\n");
        ret = VT_MBEDTLS_ERR_PK_BAD_INPUT_DATA;
        goto out;
    }
    int rc = vt_ratls_verify_der(rv, der, len, at, &r);
    /* verification_time is set once the quote verifier has run (vt_verify_result_t). */
    if (rc < 0 && r.quote.verification_time == 0) {
        fprintf(stderr, "ERROR: " FN ": %s\n", vt_last_error());
        ret = extract_error(rc);
        goto out;
    }
    if (res != NULL) res->err_loc = AT_VERIFY_EXTERNAL;
    bool is_verified = r.quote.is_verified && (rc == 0 || rc == VT_E_POLICY);
    int func = 0, qv = 0;
    vt_gramine_qv_from_veritee(is_verified ? 0 : rc, &r.quote, &func, &qv);
    if (res != NULL) {
        res->dcap.func_verify_quote_result = func;
        res->dcap.quote_verification_result = qv;
    }
    if (!is_verified) {
        fprintf(stderr, "ERROR: Quote: verification failed with error %s (%s)\n",
                vt_gramine_qv_result_name(qv), vt_last_error());
        ret = VT_MBEDTLS_ERR_X509_CERT_VERIFY_FAILED;
        goto out;
    }
    ret = appraise(cb, &r.quote, res, qv);
out:
    vt_ratls_result_cleanup(&r);
    X509_free(x);
    OPENSSL_free(der);
    return ret;
}

/*
 * The caller's thread gets its OpenSSL error queue back as it was: what the parsers push
 * for a bad certificate (d2i, PEM) is already reported on stderr and by the return code,
 * and left behind it would fail the application's next SSL_get_error.
 */
int vt_gramine_verify(vt_ratls_verifier_t *rv, verify_measurements_cb_t cb, const uint8_t *crt,
                      size_t crt_size, vt_time_t at, struct ra_tls_verify_callback_results *res)
{
    ERR_set_mark();
    int ret = verify(rv, cb, crt, crt_size, at, res);
    ERR_pop_to_mark();
    return ret;
}
