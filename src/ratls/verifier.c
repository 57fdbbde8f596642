/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The RA-TLS verifier: certificate parsing, the key check, the cache, and appraisal of
 * the verified evidence (the policy, then the measurement callback).
 *
 * Expired collateral (a verification time past a nextUpdate or a certificate's
 * notAfter, result.is_collateral_expired): Gramine accepts an otherwise UpToDate quote
 * with expired collateral only under RA_TLS_ALLOW_OUTDATED_TCB_INSECURE. We generalize:
 * the result is appraised as it is *and* with its status replaced by its OutOfDate
 * counterpart (UpToDate and SWHardeningNeeded -> OutOfDate, the ConfigurationNeeded
 * statuses -> OutOfDateConfigurationNeeded), so the policy must accept both.
 */
#include <openssl/err.h>
#include <openssl/x509.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/error.h"
#include "common/ossl.h"
#include "ratls/ratls_internal.h"

/* Largest certificate accepted: two 8 KiB extensions and the rest. */
#define CERT_MAX (32 * 1024)

struct vt_ratls_verifier {
    vt_verifier_t *verifier;   /* borrowed; outlives this object */
    const vt_policy_t *policy; /* borrowed, or owned_policy */
    vt_policy_t *owned_policy; /* owned: the default policy when none was given */
    atomic_bool has_warned;
    vt_ratls_measurement_fn cb;
    void *cb_ctx;
    vt_ratls_cache_t *cache; /* owned; NULL when disabled */
};

int vt_ratls_verifier_new(vt_verifier_t *v, const vt_policy_t *policy, vt_ratls_verifier_t **out)
{
    vt_ratls_verifier_t *rv = calloc(1, sizeof(*rv));
    VT_ENSURE(rv != NULL, VT_E_NOMEM, "ratls: out of memory allocating a verifier");
    rv->verifier = v;
    rv->policy = policy;
    if (!policy) {
        int rc = vt_policy_new(&rv->owned_policy);
        if (rc < 0) {
            free(rv);
            return rc;
        }
        rv->policy = rv->owned_policy;
    }
    atomic_init(&rv->has_warned, policy != NULL);
    *out = rv;
    return 0;
}

void vt_ratls_verifier_free(vt_ratls_verifier_t *rv)
{
    if (!rv) return;
    vt_ratls_cache_free(rv->cache);
    vt_policy_free(rv->owned_policy);
    free(rv);
}

void vt_ratls_verifier_set_measurement_cb(vt_ratls_verifier_t *rv, vt_ratls_measurement_fn cb,
                                          void *ctx)
{
    rv->cb = cb;
    rv->cb_ctx = ctx;
}

int vt_ratls_verifier_set_cache(vt_ratls_verifier_t *rv, size_t capacity, uint32_t ttl_seconds)
{
    vt_ratls_cache_t *c = NULL;
    if (capacity > 0) VT_GUARD(vt_ratls_cache_new(capacity, ttl_seconds, &c));
    vt_ratls_cache_free(rv->cache);
    rv->cache = c;
    return 0;
}

void vt_ratls_result_cleanup(vt_ratls_result_t *r)
{
    if (!r) return;
    vt_verify_result_cleanup(&r->quote);
    *r = (vt_ratls_result_t){0};
}

/* ---- Appraisal ------------------------------------------------------------------ */

static vt_tcb_status_t outdated_counterpart(vt_tcb_status_t s)
{
    switch (s) {
    case VT_TCB_CONFIGURATION_NEEDED:
    case VT_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED:
    case VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED:
        return VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED;
    case VT_TCB_UP_TO_DATE:
    case VT_TCB_SW_HARDENING_NEEDED:
    case VT_TCB_OUT_OF_DATE:
        return VT_TCB_OUT_OF_DATE;
    default:
        return s;
    }
}

static int appraise_one(const vt_ratls_verifier_t *rv, const vt_verify_result_t *r,
                        const char *what)
{
    int rc = vt_policy_appraise(rv->policy, r);
    if (rc < 0) return vt_error_wrap(rc, "ratls: %s", what);
    if (r->is_collateral_expired) {
        vt_verify_result_t as_outdated = *r; /* shallow: appraisal only reads it */
        as_outdated.tcb_status = outdated_counterpart(r->tcb_status);
        rc = vt_policy_appraise(rv->policy, &as_outdated);
        if (rc < 0)
            return vt_error_wrap(rc,
                                 "ratls: %s: collateral expired at the verification time, "
                                 "which counts as %s",
                                 what, vt_tcb_status_name(as_outdated.tcb_status));
    }
    return 0;
}

static int run_callback(const vt_ratls_verifier_t *rv, const vt_verify_result_t *r)
{
    if (!rv->cb) return 0;
    int rc = rv->cb(rv->cb_ctx, r);
    if (rc >= 0) return 0; /* as Gramine: only a negative return rejects */
    if (rc <= VT__E_BASE || rc >= VT__E_END) rc = VT_E_POLICY;
    VT_BAIL(rc, "ratls: the measurement callback rejected the evidence (%s)", vt_error_name(rc));
}

static int appraise(vt_ratls_verifier_t *rv, const vt_ratls_verified_t *v)
{
    if (rv->owned_policy && !atomic_exchange(&rv->has_warned, true))
        fprintf(stderr, "veritee: warning: RA-TLS verification with the default policy accepts "
                        "any enclave or TD identity\n");
    VT_GUARD(appraise_one(rv, &v->primary, "evidence"));
    if (v->has_legacy) VT_GUARD(appraise_one(rv, &v->legacy, "legacy quote"));
    return run_callback(rv, &v->primary);
}

/* ---- Verification ----------------------------------------------------------------- */

static int parse_cert(const uint8_t *der, size_t len, X509 **out)
{
    const unsigned char *p = der;
    VT_ENSURE(len > 0, VT_E_TRUNCATED, "ratls: empty certificate");
    VT_ENSURE(len <= CERT_MAX, VT_E_TOO_LARGE, "ratls: certificate of %zu bytes, at most %d", len,
              CERT_MAX);
    X509 *x = d2i_X509(NULL, &p, (long)len);
    if (!x) return vt_error_set_ossl(VT_E_MALFORMED, __FILE__, __LINE__, "ratls: certificate");
    if ((size_t)(p - der) != len) {
        X509_free(x);
        VT_BAIL(VT_E_TRAILING_DATA, "ratls: %zu bytes after the certificate",
                len - (size_t)(p - der));
    }
    *out = x;
    return 0;
}

static int verify_evidence(vt_ratls_verifier_t *rv, const X509 *cert, vt_time_t at,
                           vt_ratls_result_t *result, vt_ratls_verified_t *ver)
{
    uint8_t spki[VT_RATLS_SPKI_MAX];
    size_t spki_len = 0;
    EVP_PKEY *key = X509_get0_pubkey(cert);
    VT_ENSURE(key != NULL, VT_E_MALFORMED, "ratls: certificate public key cannot be decoded");
    VT_GUARD(vt_ratls_spki_get(key, spki, &spki_len));
    if (rv->cache && vt_ratls_cache_get(rv->cache, result->cert_sha256, at, ver) == 0) {
        result->is_from_cache = true;
        return 0;
    }
    VT_GUARD(vt_ratls_evidence_verify(rv->verifier, cert, spki, spki_len, at, ver));
    if (rv->cache) VT_GUARD(vt_ratls_cache_put(rv->cache, result->cert_sha256, at, ver));
    return 0;
}

int vt_ratls_verify_der(vt_ratls_verifier_t *rv, const uint8_t *der, size_t len, vt_time_t at,
                        vt_ratls_result_t *result)
{
    int rc = VT_E_INTERNAL;
    X509 *cert = NULL;
    vt_ratls_verified_t ver = {0};

    /* What OpenSSL's decoders push for a bad certificate or extension (e.g. the CMW
       OCTET STRING) is in the detail already; the caller's queue is left as it was. */
    ERR_set_mark();
    *result = (vt_ratls_result_t){0};
    if (at == VT_TIME_NOW) at = vt_time_now();
    vt_sha256(der, len, result->cert_sha256);
    VT_TRY(parse_cert(der, len, &cert));
    VT_TRY(verify_evidence(rv, cert, at, result, &ver));
    VT_TRY(appraise(rv, &ver));
    rc = 0;
out:
    result->source = ver.source;
    result->quote = ver.primary; /* moved */
    ver.primary = (vt_verify_result_t){0};
    vt_ratls_verified_cleanup(&ver);
    X509_free(cert);
    ERR_pop_to_mark();
    return rc;
}
