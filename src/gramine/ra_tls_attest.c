/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libra_tls_attest.so: Gramine's ra_tls_create_key_and_crt_der (gramine-compat.md §4),
 * with quotes from the gramine attester provider (/dev/attestation, or the directory in
 * VERITEE_ATTESTATION_DIR, e.g. an attestfs mount). The only exported symbol, under
 * version RA_TLS (ra_tls_attest.map).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <openssl/crypto.h>

#include "common/error.h"
#include "gramine/gramine_internal.h"

#define EXPORT __attribute__((visibility("default")))

static int attester_evidence(void *ctx, const uint8_t report_data[VT_REPORT_DATA_LEN],
                             uint8_t **evidence, size_t *len)
{
    return vt_attester_get_evidence(ctx, report_data, evidence, len);
}

EXPORT int ra_tls_create_key_and_crt_der(uint8_t **der_key, size_t *der_key_size, uint8_t **der_crt,
                                         size_t *der_crt_size)
{
    if (der_key == NULL || der_key_size == NULL || der_crt == NULL || der_crt_size == NULL)
        return -EINVAL;

    vt_attester_t *a = NULL;
    int rc = vt_attester_new("gramine", &a);
    if (rc == 0)
        rc = vt_gramine_create_der(attester_evidence, a, der_key, der_key_size, der_crt,
                                   der_crt_size);
    vt_attester_free(a);
    if (rc == 0) return 0;
    fprintf(stderr, "ERROR: ra_tls_create_key_and_crt_der: %s\n", vt_last_error());
    return vt_gramine_create_error(rc);
}
