/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Issuer-chain and CRL checks for collateral, in Intel QVL's order (dcap.md §5.3 step 2):
 * chain shape and names first, then signatures, then the trust anchor comparison.
 * Every check names the document in the error detail ("tcb info issuer chain: ...").
 */
#include "collateral_pki.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "common/error.h"
#include "common/ossl.h"

/* Longer than any CN Intel issues; CN checks are substring checks (§5.2 step 1). */
#define CN_MAX 128
/* Enough to see that a chain is too long without parsing an unbounded list. */
#define CHAIN_PARSE_MAX 8

static bool cn_contains(X509 *x, const char *want, char cn[CN_MAX])
{
    vt_x509_name_cn(X509_get_subject_name(x), cn, CN_MAX);
    return strstr(cn, want) != NULL;
}

int vt_collateral_pki_validate_trust_anchor(X509 *root)
{
    VT_ENSURE(X509_NAME_cmp(X509_get_subject_name(root), X509_get_issuer_name(root)) == 0,
              VT_E_INVALID_ARG, "trusted root: not self-issued");
    EVP_PKEY *key = X509_get0_pubkey(root);
    int ok = key != NULL && X509_verify(root, key) == 1;
    ERR_clear_error();
    VT_ENSURE(ok, VT_E_INVALID_ARG, "trusted root: self-signature does not verify");
    return 0;
}

int vt_collateral_pki_is_same_cert(X509 *a, X509 *b, bool *is_same)
{
    int rc = VT_E_INTERNAL;
    unsigned char *da = NULL, *db = NULL;
    int la = i2d_X509(a, &da);
    int lb = i2d_X509(b, &db);

    VT_TRY_ENSURE(la > 0 && lb > 0, VT_E_CRYPTO, "x509: cannot encode certificate");
    *is_same = la == lb && CRYPTO_memcmp(da, db, (size_t)la) == 0;
    rc = 0;
out:
    OPENSSL_free(da);
    OPENSSL_free(db);
    ERR_clear_error();
    return rc;
}

static int verify_chain_root(X509 *root, X509 *trusted_root, const char *what)
{
    char cn[CN_MAX];
    bool is_same = false;

    VT_ENSURE(cn_contains(root, "SGX Root CA", cn), VT_E_CHAIN,
              "%s: root CN \"%s\" does not contain \"SGX Root CA\"", what, cn);
    VT_ENSURE(X509_NAME_cmp(X509_get_subject_name(root), X509_get_issuer_name(root)) == 0,
              VT_E_CHAIN, "%s: root is not self-issued", what);
    int ok = X509_verify(root, X509_get0_pubkey(root)) == 1;
    ERR_clear_error();
    VT_ENSURE(ok, VT_E_CHAIN, "%s: root self-signature does not verify", what);
    /* §5.3 step 2: the chain must end at exactly the caller's anchor, not merely at a
     * certificate with the same name or key. */
    VT_GUARD(vt_collateral_pki_is_same_cert(root, trusted_root, &is_same));
    VT_ENSURE(is_same, VT_E_UNTRUSTED, "%s: root is not the trusted root certificate", what);
    return 0;
}

static int verify_signer(X509 *signer, X509 *root, const char *signer_cn, const char *what)
{
    char cn[CN_MAX];
    uint8_t point[VT_P256_POINT_LEN];

    VT_ENSURE(cn_contains(signer, signer_cn, cn), VT_E_CHAIN,
              "%s: signer CN \"%s\" does not contain \"%s\"", what, cn, signer_cn);
    /* A second copy of the root would pass the name and signature checks below. */
    VT_ENSURE(X509_NAME_cmp(X509_get_subject_name(signer), X509_get_issuer_name(signer)) != 0,
              VT_E_CHAIN, "%s: signer is self-issued", what);
    VT_ENSURE(X509_NAME_cmp(X509_get_issuer_name(signer), X509_get_subject_name(root)) == 0,
              VT_E_CHAIN, "%s: signer issuer is not the root subject", what);
    int ok = X509_verify(signer, X509_get0_pubkey(root)) == 1;
    ERR_clear_error();
    VT_ENSURE(ok, VT_E_CHAIN, "%s: root signature on the signer does not verify", what);
    EVP_PKEY *key = X509_get0_pubkey(signer);
    VT_ENSURE(key != NULL && vt_p256_key_to_point(key, point) == 0, VT_E_CHAIN,
              "%s: signer key is not P-256", what);
    return 0;
}

int vt_collateral_pki_verify_issuer_chain(const uint8_t *pem, size_t len, X509 *trusted_root,
                                          const char *signer_cn, const char *what, X509 **signer)
{
    int rc = VT_E_INTERNAL;
    STACK_OF(X509) *chain = NULL;

    VT_TRY_ENSURE(pem != NULL && len > 0, VT_E_MALFORMED, "%s: empty", what);
    VT_TRY_ENSURE(len <= VT_COLLATERAL_PEM_MAX, VT_E_TOO_LARGE, "%s: %zu bytes, limit %d", what,
                  len, VT_COLLATERAL_PEM_MAX);
    rc = vt_x509_chain_parse_pem(pem, len, CHAIN_PARSE_MAX, &chain);
    if (rc < 0) {
        rc = vt_error_wrap(rc, "%s", what);
        goto out;
    }
    VT_TRY_ENSURE(sk_X509_num(chain) == 2, VT_E_CHAIN, "%s: %d certificates, expected 2", what,
                  sk_X509_num(chain));
    X509 *leaf = sk_X509_value(chain, 0);
    VT_TRY(verify_chain_root(sk_X509_value(chain, 1), trusted_root, what));
    VT_TRY(verify_signer(leaf, sk_X509_value(chain, 1), signer_cn, what));
    VT_TRY_OSSL(X509_up_ref(leaf), VT_E_CRYPTO, "%s: reference", what);
    *signer = leaf;
    rc = 0;
out:
    sk_X509_pop_free(chain, X509_free);
    return rc;
}

int vt_collateral_pki_validate_crl_extensions(X509_CRL *crl, const char *what)
{
    int crit = 0;
    ASN1_INTEGER *number = X509_CRL_get_ext_d2i(crl, NID_crl_number, &crit, NULL);
    AUTHORITY_KEYID *aki = X509_CRL_get_ext_d2i(crl, NID_authority_key_identifier, &crit, NULL);
    bool ok = number != NULL && aki != NULL;
    ASN1_INTEGER_free(number);
    AUTHORITY_KEYID_free(aki);
    ERR_clear_error();
    VT_ENSURE(ok, VT_E_MALFORMED, "%s: cRLNumber or authorityKeyIdentifier missing", what);
    return 0;
}

int vt_collateral_pki_verify_crl(X509_CRL *crl, X509 *issuer, const char *what)
{
    VT_ENSURE(X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) == 0,
              VT_E_COLLATERAL, "%s: issuer is not the subject of the issuing certificate", what);
    EVP_PKEY *key = X509_get0_pubkey(issuer);
    int ok = key != NULL && X509_CRL_verify(crl, key) == 1;
    ERR_clear_error();
    VT_ENSURE(ok, VT_E_SIGNATURE, "%s: signature does not verify with the issuer key", what);
    return 0;
}

int vt_collateral_pki_verify_not_revoked(X509_CRL *crl, X509 *cert, const char *what)
{
    X509_REVOKED *entry = NULL;
    /* 1: listed; 2: listed with reason removeFromCRL, which un-revokes (RFC 5280 §5.3.1). */
    int found = X509_CRL_get0_by_serial(crl, &entry, X509_get0_serialNumber(cert));
    ERR_clear_error();
    VT_ENSURE(found != 1, VT_E_REVOKED, "%s: certificate is revoked", what);
    return 0;
}
