/* SPDX-License-Identifier: Apache-2.0 */
/*
 * X.509 checks for collateral issuer chains and CRLs (dcap.md §3.1, §4.5, §5.2 steps 4-5,
 * §5.3 step 2). Time-independent only: validity periods are recorded by the caller and
 * judged by the verify layer at its verification time.
 */
#ifndef VT_COLLATERAL_COLLATERAL_PKI_H
#define VT_COLLATERAL_COLLATERAL_PKI_H

#include <openssl/x509.h>
#include <veritee/collateral.h>

/*
 * The caller's trust anchor must be self-issued and self-signed (§5.2 step 3).
 * VT_E_INVALID_ARG otherwise.
 */
VT_MUST_CHECK int vt_collateral_pki_validate_trust_anchor(X509 *root);

/*
 * Verifies a PEM issuer chain that must be exactly [signer, root]: the root CN contains
 * "SGX Root CA", is self-issued and self-signed, and is byte-identical (DER) to
 * trusted_root (else VT_E_UNTRUSTED); the signer CN contains signer_cn, its issuer is
 * the root subject, the root's signature on it verifies, and its key is P-256.
 * Structural failures are VT_E_CHAIN, parse failures VT_E_MALFORMED.
 * On success the caller owns *signer (X509_free).
 */
VT_MUST_CHECK int vt_collateral_pki_verify_issuer_chain(const uint8_t *pem, size_t len,
                                                        X509 *trusted_root, const char *signer_cn,
                                                        const char *what, X509 **signer);

/* cRLNumber and authorityKeyIdentifier present (§3.1). VT_E_MALFORMED otherwise. */
VT_MUST_CHECK int vt_collateral_pki_validate_crl_extensions(X509_CRL *crl, const char *what);

/*
 * The CRL's issuer name equals issuer's subject (VT_E_COLLATERAL) and issuer's key
 * verifies its signature (VT_E_SIGNATURE).
 */
VT_MUST_CHECK int vt_collateral_pki_verify_crl(X509_CRL *crl, X509 *issuer, const char *what);

/* VT_E_REVOKED if cert's serial number is listed in crl (§5.2 step 5, §5.3 step 2). */
VT_MUST_CHECK int vt_collateral_pki_verify_not_revoked(X509_CRL *crl, X509 *cert, const char *what);

/* Whether a and b have identical DER encodings (compared with CRYPTO_memcmp). */
VT_MUST_CHECK int vt_collateral_pki_is_same_cert(X509 *a, X509 *b, bool *is_same);

#endif
