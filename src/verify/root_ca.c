/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The trust anchor: the built-in Intel SGX Root CA (a public certificate; dcap.md §3.1:
 * SHA-256 of its DER 44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3)
 * and the setters that replace it. A replacement must be self-issued with a valid
 * self-signature; a simulated root ("SIMULATED" in the subject) is trusted only through
 * its own setter (docs/design.md §6 rule 2).
 */
#include <openssl/err.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/ossl.h"
#include "verify/pem_split.h"
#include "verify/verify_internal.h"
#include "verify/wrap.h"

const char vt_intel_sgx_root_ca_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIICjzCCAjSgAwIBAgIUImUM1lqdNInzg7SVUr9QGzknBqwwCgYIKoZIzj0EAwIw\n"
    "aDEaMBgGA1UEAwwRSW50ZWwgU0dYIFJvb3QgQ0ExGjAYBgNVBAoMEUludGVsIENv\n"
    "cnBvcmF0aW9uMRQwEgYDVQQHDAtTYW50YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJ\n"
    "BgNVBAYTAlVTMB4XDTE4MDUyMTEwNDUxMFoXDTQ5MTIzMTIzNTk1OVowaDEaMBgG\n"
    "A1UEAwwRSW50ZWwgU0dYIFJvb3QgQ0ExGjAYBgNVBAoMEUludGVsIENvcnBvcmF0\n"
    "aW9uMRQwEgYDVQQHDAtTYW50YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJBgNVBAYT\n"
    "AlVTMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEC6nEwMDIYZOj/iPWsCzaEKi7\n"
    "1OiOSLRFhWGjbnBVJfVnkY4u3IjkDYYL0MxO4mqsyYjlBalTVYxFP2sJBK5zlKOB\n"
    "uzCBuDAfBgNVHSMEGDAWgBQiZQzWWp00ifODtJVSv1AbOScGrDBSBgNVHR8ESzBJ\n"
    "MEegRaBDhkFodHRwczovL2NlcnRpZmljYXRlcy50cnVzdGVkc2VydmljZXMuaW50\n"
    "ZWwuY29tL0ludGVsU0dYUm9vdENBLmRlcjAdBgNVHQ4EFgQUImUM1lqdNInzg7SV\n"
    "Ur9QGzknBqwwDgYDVR0PAQH/BAQDAgEGMBIGA1UdEwEB/wQIMAYBAf8CAQEwCgYI\n"
    "KoZIzj0EAwIDSQAwRgIhAOW/5QkR+S9CiSDcNoowLuPRLsWGf/Yi7GSX94BgwTwg\n"
    "AiEA4J0lrHoMs+Xo5o/sX6O9QWxHRAvZUGOdRQ7cvqRXaqI=\n"
    "-----END CERTIFICATE-----\n";

static bool subject_is_simulated(const X509 *x)
{
    char subject[512];
    if (!X509_NAME_oneline(X509_get_subject_name(x), subject, sizeof(subject))) return false;
    return strstr(subject, "SIMULATED") != NULL;
}

/* Parses and checks a root certificate (dcap.md §5.2 step 3: self-issued, self-signed). */
static int anchor_from_cert(const uint8_t *cert, size_t len, vt_trust_anchor_t *out)
{
    int rc = VT_E_INTERNAL;
    vt_trust_anchor_t a = {0};
    unsigned char *der = NULL;

    VT_TRY(vt_x509_parse(cert, len, &a.cert));
    VT_TRY_ENSURE(X509_NAME_cmp(X509_get_issuer_name(a.cert), X509_get_subject_name(a.cert)) == 0,
                  VT_E_CHAIN, "root: certificate is not self-issued");
    int ok = X509_verify(a.cert, X509_get0_pubkey(a.cert));
    ERR_clear_error();
    VT_TRY_ENSURE(ok == 1, VT_E_SIGNATURE, "root: self-signature does not verify");
    /* A parsed certificate re-encodes to its original DER (OpenSSL keeps it). */
    int n = i2d_X509(a.cert, &der);
    VT_TRY_ENSURE(n > 0, VT_E_CRYPTO, "root: cannot encode the certificate");
    a.der = der;
    a.der_len = (size_t)n;
    der = NULL;
    VT_TRY(vt_pem_body_from_der(a.der, a.der_len, &a.pem_body, &a.pem_body_len));
    VT_TRY(vt_asn1_time_to_time(X509_get0_notBefore(a.cert), &a.not_before));
    VT_TRY(vt_asn1_time_to_time(X509_get0_notAfter(a.cert), &a.not_after));
    a.is_simulated = subject_is_simulated(a.cert);
    *out = a;
    a = (vt_trust_anchor_t){0};
    rc = 0;
out:
    OPENSSL_free(der);
    vt_trust_anchor_cleanup(&a);
    return rc;
}

void vt_trust_anchor_cleanup(vt_trust_anchor_t *a)
{
    if (!a) return;
    X509_free(a->cert);
    OPENSSL_free(a->der);
    OPENSSL_free(a->pem_body);
    *a = (vt_trust_anchor_t){0};
}

int vt_trust_anchor_init_intel(vt_trust_anchor_t *a)
{
    return anchor_from_cert((const uint8_t *)vt_intel_sgx_root_ca_pem,
                            sizeof(vt_intel_sgx_root_ca_pem) - 1, a);
}

/* Installs a checked anchor and drops everything verified under the old one. */
static void install(vt_verifier_t *v, vt_trust_anchor_t *a)
{
    vt_trust_anchor_cleanup(&v->root);
    v->root = *a;
    *a = (vt_trust_anchor_t){0};
    vt_pck_cache_clear(v->pck_cache);
    vt_collateral_cache_clear(v->collateral_cache);
}

int vt_verifier_set_root(vt_verifier_t *v, const uint8_t *cert, size_t len)
{
    vt_trust_anchor_t a;
    VT_GUARD_STEP(anchor_from_cert(cert, len, &a), "verifier");
    if (a.is_simulated) {
        vt_trust_anchor_cleanup(&a);
        VT_BAIL(VT_E_UNTRUSTED, "verifier: root subject contains \"SIMULATED\"; "
                                "trust it with vt_verifier_set_simulated_root");
    }
    install(v, &a);
    return 0;
}

int vt_verifier_set_simulated_root(vt_verifier_t *v, const uint8_t *cert, size_t len)
{
    vt_trust_anchor_t a;
    VT_GUARD_STEP(anchor_from_cert(cert, len, &a), "verifier");
    if (!a.is_simulated) {
        vt_trust_anchor_cleanup(&a);
        VT_BAIL(VT_E_INVALID_ARG, "verifier: root subject does not contain \"SIMULATED\"; "
                                  "use vt_verifier_set_root");
    }
    install(v, &a);
    return 0;
}

bool vt_verifier_is_simulated_root(const vt_verifier_t *v)
{
    return v->root.is_simulated;
}
