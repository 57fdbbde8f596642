/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vt_collateral_check: the time-independent checks of dcap.md §5.2 step 4 and §5.3
 * steps 1-3, done once per fetched collateral so that every quote verified with it
 * only pays for the quote-specific work. Expiry (§5.2 step 6, §5.3 step 4) is left to
 * the verify layer, which gets the dates recorded here (§5.1 step 4).
 */
#include "checked.h"

#include <openssl/crypto.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include "common/error.h"
#include "common/ossl.h"
#include "collateral_pki.h"
#include "signed_json.h"

static void add_window(vt_checked_collateral_t *c, vt_time_t issue, vt_time_t expire)
{
    if (issue < c->earliest_issue) c->earliest_issue = issue;
    if (issue > c->latest_issue) c->latest_issue = issue;
    if (expire < c->earliest_expiration) c->earliest_expiration = expire;
}

static int add_cert(vt_checked_collateral_t *c, X509 *x, const char *what)
{
    vt_time_t from, to;
    if (x == NULL) return 0;
    if (vt_asn1_time_to_time(X509_get0_notBefore(x), &from) < 0 ||
        vt_asn1_time_to_time(X509_get0_notAfter(x), &to) < 0)
        VT_BAIL(VT_E_MALFORMED, "%s: invalid validity period", what);
    add_window(c, from, to);
    return 0;
}

/* CRLs without nextUpdate are allowed by RFC 5280 but never issued by Intel, and the
 * cache needs the date to know when to fetch again. */
static int add_crl(vt_checked_collateral_t *c, X509_CRL *crl, const char *what)
{
    vt_time_t from, to;
    if (vt_asn1_time_to_time(X509_CRL_get0_lastUpdate(crl), &from) < 0 ||
        X509_CRL_get0_nextUpdate(crl) == NULL ||
        vt_asn1_time_to_time(X509_CRL_get0_nextUpdate(crl), &to) < 0)
        VT_BAIL(VT_E_MALFORMED, "%s: thisUpdate or nextUpdate missing or invalid", what);
    add_window(c, from, to);
    if (to < c->refresh_after) c->refresh_after = to;
    return 0;
}

static int record_dates(vt_checked_collateral_t *c, X509 *trusted_root)
{
    c->earliest_issue = INT64_MAX;
    c->latest_issue = INT64_MIN;
    c->earliest_expiration = INT64_MAX;
    c->refresh_after = INT64_MAX;
    /* The chain roots are byte-identical to the trusted root, so its dates are theirs. */
    VT_GUARD(add_cert(c, trusted_root, "trusted root"));
    VT_GUARD(add_cert(c, c->tcb_signer, "tcb info issuer chain"));
    VT_GUARD(add_cert(c, c->qe_signer, "qe identity issuer chain"));
    VT_GUARD(add_cert(c, c->pck_crl_issuer, "pck crl issuer chain"));
    VT_GUARD(add_crl(c, c->root_crl, "root ca crl"));
    VT_GUARD(add_crl(c, c->pck_crl, "pck crl"));
    add_window(c, c->tcb_info->issue_date, c->tcb_info->next_update);
    add_window(c, c->qe_identity->issue_date, c->qe_identity->next_update);
    if (c->tcb_info->next_update < c->refresh_after) c->refresh_after = c->tcb_info->next_update;
    if (c->qe_identity->next_update < c->refresh_after)
        c->refresh_after = c->qe_identity->next_update;
    return 0;
}

static int parse_crl(const uint8_t *buf, size_t len, const char *what, X509_CRL **out)
{
    VT_ENSURE(len > 0, VT_E_MALFORMED, "%s: empty", what);
    VT_ENSURE(len <= VT_COLLATERAL_CRL_MAX, VT_E_TOO_LARGE, "%s: %zu bytes, limit %d", what, len,
              VT_COLLATERAL_CRL_MAX);
    int rc = vt_crl_parse(buf, len, out);
    if (rc < 0) return vt_error_wrap(rc, "%s", what);
    return vt_collateral_pki_validate_crl_extensions(*out, what);
}

/* §5.3 step 2 for both signed documents, and the optional PCK CRL issuer (§4.1). */
static int check_chains(const vt_collateral_t *raw, X509 *root, vt_checked_collateral_t *c)
{
    VT_GUARD(vt_collateral_pki_verify_issuer_chain(
        raw->tcb_info_issuer_chain, raw->tcb_info_issuer_chain_len, root, "SGX TCB Signing",
        "tcb info issuer chain", &c->tcb_signer));
    VT_GUARD(vt_collateral_pki_verify_issuer_chain(
        raw->qe_identity_issuer_chain, raw->qe_identity_issuer_chain_len, root, "SGX TCB Signing",
        "qe identity issuer chain", &c->qe_signer));
    if (raw->pck_crl_issuer_chain == NULL) return 0;
    VT_GUARD(vt_collateral_pki_verify_issuer_chain(raw->pck_crl_issuer_chain,
                                                   raw->pck_crl_issuer_chain_len, root, "SGX PCK",
                                                   "pck crl issuer chain", &c->pck_crl_issuer));
    VT_ENSURE(X509_check_ca(c->pck_crl_issuer) >= 1, VT_E_CHAIN,
              "pck crl issuer chain: the pck crl issuer is not a CA");
    return 0;
}

/* §5.2 step 4 (root CRL signed by the root) and the revocation half of §5.3 step 2. */
static int check_root_crl(const vt_collateral_t *raw, X509 *root, vt_checked_collateral_t *c)
{
    VT_GUARD(parse_crl(raw->root_ca_crl, raw->root_ca_crl_len, "root ca crl", &c->root_crl));
    VT_GUARD(vt_collateral_pki_verify_crl(c->root_crl, root, "root ca crl"));
    VT_GUARD(
        vt_collateral_pki_verify_not_revoked(c->root_crl, c->tcb_signer, "tcb info issuer chain"));
    VT_GUARD(vt_collateral_pki_verify_not_revoked(c->root_crl, c->qe_signer,
                                                  "qe identity issuer chain"));
    if (c->pck_crl_issuer != NULL)
        VT_GUARD(vt_collateral_pki_verify_not_revoked(c->root_crl, c->pck_crl_issuer,
                                                      "pck crl issuer chain"));
    return 0;
}

/* §5.3 steps 1 and 3: parse, then the signature over the exact inner-object bytes. */
static int check_documents(const vt_collateral_t *raw, vt_checked_collateral_t *c)
{
    VT_GUARD(vt_tcb_info_parse(raw->tcb_info, raw->tcb_info_len, &c->tcb_info));
    VT_GUARD(vt_signed_json_verify(X509_get0_pubkey(c->tcb_signer), c->tcb_info->signed_body,
                                   c->tcb_info->signed_body_len, c->tcb_info->signature, "tcb info",
                                   "tcb signing key"));
    VT_GUARD(vt_qe_identity_parse(raw->qe_identity, raw->qe_identity_len, &c->qe_identity));
    VT_GUARD(vt_signed_json_verify(X509_get0_pubkey(c->qe_signer), c->qe_identity->signed_body,
                                   c->qe_identity->signed_body_len, c->qe_identity->signature,
                                   "qe identity", "tcb signing key"));
    return 0;
}

static int issuer_digest(X509 *issuer, uint8_t out[VT_SHA256_LEN])
{
    unsigned char *der = NULL;
    int n = i2d_X509(issuer, &der);
    VT_ENSURE(n > 0, VT_E_CRYPTO, "pck crl: cannot encode the issuer certificate");
    vt_sha256(der, (size_t)n, out);
    OPENSSL_free(der);
    return 0;
}

static void remember_pck_crl_issuer(vt_checked_collateral_t *c, const uint8_t d[VT_SHA256_LEN])
{
    for (size_t i = 0; i < VT_SHA256_LEN; i++) c->pck_crl_verified_issuer[i] = d[i];
    c->is_pck_crl_verified = true;
}

/* §4.5: the PCK CRL always needs cRLNumber and AKI; its signature is checked now when
 * the issuer chain came with it, else lazily against the quote's CA. */
static int check_pck_crl(const vt_collateral_t *raw, vt_checked_collateral_t *c)
{
    uint8_t d[VT_SHA256_LEN];
    VT_GUARD(parse_crl(raw->pck_crl, raw->pck_crl_len, "pck crl", &c->pck_crl));
    if (c->pck_crl_issuer == NULL) return 0;
    VT_GUARD(vt_collateral_pki_verify_crl(c->pck_crl, c->pck_crl_issuer, "pck crl"));
    VT_GUARD(issuer_digest(c->pck_crl_issuer, d));
    remember_pck_crl_issuer(c, d);
    return 0;
}

/* Every piece but the PCK CRL issuer chain is required (vt_collateral_t, §4.1). */
static int validate_raw(const vt_collateral_t *raw)
{
    const struct {
        const uint8_t *buf;
        size_t len;
        const char *what;
    } parts[] = {
        {raw->tcb_info, raw->tcb_info_len, "tcb info"},
        {raw->tcb_info_issuer_chain, raw->tcb_info_issuer_chain_len, "tcb info issuer chain"},
        {raw->qe_identity, raw->qe_identity_len, "qe identity"},
        {raw->qe_identity_issuer_chain, raw->qe_identity_issuer_chain_len,
         "qe identity issuer chain"},
        {raw->pck_crl, raw->pck_crl_len, "pck crl"},
        {raw->root_ca_crl, raw->root_ca_crl_len, "root ca crl"},
    };
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
        VT_ENSURE(parts[i].buf != NULL, VT_E_INVALID_ARG, "collateral: %s missing", parts[i].what);
    return 0;
}

static void checked_free(vt_checked_collateral_t *c)
{
    if (c == NULL) return;
    vt_tcb_info_free(c->tcb_info);
    vt_qe_identity_free(c->qe_identity);
    X509_free(c->tcb_signer);
    X509_free(c->qe_signer);
    X509_CRL_free(c->root_crl);
    X509_CRL_free(c->pck_crl);
    X509_free(c->pck_crl_issuer);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static int checked_new(vt_checked_collateral_t **out)
{
    vt_checked_collateral_t *c = calloc(1, sizeof(*c));
    VT_ENSURE(c != NULL, VT_E_NOMEM, "out of memory allocating checked collateral");
    if (pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c);
        VT_BAIL(VT_E_INTERNAL, "checked collateral: cannot create a mutex");
    }
    c->refs = 1;
    *out = c;
    return 0;
}

int vt_collateral_check(const vt_collateral_t *raw, X509 *trusted_root,
                        vt_checked_collateral_t **out)
{
    int rc = VT_E_INTERNAL;
    vt_checked_collateral_t *c = NULL;

    VT_TRY_ENSURE(raw != NULL && trusted_root != NULL && out != NULL, VT_E_INVALID_ARG,
                  "collateral check: null argument");
    VT_TRY(validate_raw(raw));
    VT_TRY(vt_collateral_pki_validate_trust_anchor(trusted_root));
    VT_TRY(checked_new(&c));
    /* Chains first: a collateral set from another PKI is "untrusted", which says more
     * than the CRL name mismatch it would otherwise be reported as. */
    VT_TRY(check_chains(raw, trusted_root, c));
    VT_TRY(check_root_crl(raw, trusted_root, c));
    VT_TRY(check_documents(raw, c));
    VT_TRY(check_pck_crl(raw, c));
    VT_TRY(record_dates(c, trusted_root));
    *out = c;
    c = NULL;
    rc = 0;
out:
    checked_free(c);
    return rc;
}

void vt_checked_collateral_ref(vt_checked_collateral_t *c)
{
    /* Relaxed: taking a reference needs no ordering, only atomicity (the caller already
     * holds one, so the object cannot be freed concurrently). */
    __atomic_fetch_add(&c->refs, 1, __ATOMIC_RELAXED);
}

void vt_checked_collateral_unref(vt_checked_collateral_t *c)
{
    if (c == NULL) return;
    /* Acquire-release so the thread that frees sees every other thread's last use. */
    if (__atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) == 0) checked_free(c);
}

int vt_checked_collateral_verify_pck_crl(vt_checked_collateral_t *c, X509 *issuer)
{
    uint8_t d[VT_SHA256_LEN];
    int rc = 0;

    VT_ENSURE(c != NULL && issuer != NULL, VT_E_INVALID_ARG, "pck crl: null argument");
    VT_GUARD(issuer_digest(issuer, d));
    pthread_mutex_lock(&c->lock);
    /* The memo is one issuer wide: a collateral set belongs to one PCK CA (§4.1). A
     * different issuer is verified from scratch and replaces it when it succeeds. */
    if (!c->is_pck_crl_verified ||
        CRYPTO_memcmp(c->pck_crl_verified_issuer, d, VT_SHA256_LEN) != 0) {
        rc = vt_collateral_pki_verify_crl(c->pck_crl, issuer, "pck crl");
        if (rc == 0) remember_pck_crl_issuer(c, d);
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}
