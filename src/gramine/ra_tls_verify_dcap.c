/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libra_tls_verify_dcap.so: Gramine's verification entry points (gramine-compat.md §4),
 * exported under version RA_TLS (ra_tls_verify.map). Unlike Gramine's library it is
 * thread-safe: the verifier is set up once (verifier.c) and shared without a lock, and
 * the measurement callback is a single atomic pointer, read once per verification.
 */
#include <stdatomic.h>
#include <stdio.h>

#include "common/error.h"
#include "gramine/gramine_internal.h"

#define EXPORT __attribute__((visibility("default")))

static _Atomic(verify_measurements_cb_t) g_measurement_cb;

EXPORT void ra_tls_set_measurement_callback(verify_measurements_cb_t f_cb)
{
    atomic_store(&g_measurement_cb, f_cb);
}

EXPORT int ra_tls_verify_callback_extended_der(uint8_t *der_crt, size_t der_crt_size,
                                               struct ra_tls_verify_callback_results *results)
{
    vt_ratls_verifier_t *rv = NULL;
    if (vt_gramine_verifier_get(&rv) < 0)
        fprintf(stderr, "ERROR: ra_tls_verify_callback_extended_der: %s\n", vt_last_error());
    int ret = vt_gramine_verify(rv, atomic_load(&g_measurement_cb), der_crt, der_crt_size,
                                VT_TIME_NOW, results);
    if (ret == VT_MBEDTLS_ERR_X509_CERT_VERIFY_FAILED && rv != NULL &&
        !vt_gramine_verifier_has_source())
        fprintf(stderr, "ERROR: ra_tls: no collateral source is configured: set "
                        "VERITEE_COLLATERAL (a collateral bundle directory) or VERITEE_PCCS_URL\n");
    return ret;
}

EXPORT int ra_tls_verify_callback_der(uint8_t *der_crt, size_t der_crt_size)
{
    fprintf(stderr, "WARNING: ra_tls_verify_callback_der() is deprecated; use "
                    "ra_tls_verify_callback_extended_der() instead\n");
    return ra_tls_verify_callback_extended_der(der_crt, der_crt_size, NULL);
}
