/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by libsecret_prov_attest.so and libsecret_prov_verify_dcap.so:
 * the mapping of Veritee error codes to the errno values of Gramine's API
 * (gramine-compat.md §7), and the Gramine entry points' own helpers, reachable by the
 * unit tests through this folder's static archive.
 */
#ifndef VT_GRAMINE_SECRETPROV_INTERNAL_H
#define VT_GRAMINE_SECRETPROV_INTERNAL_H

#include <gramine/secret_prov.h>

#include "secretprov/client.h"
#include "secretprov/session.h"

/* read/write/close: VT_E_INVALID_ARG -EINVAL, VT_E_NETWORK -ECONNRESET, else -EPERM. */
int vt_gramine_sp_io_errno(int rc);

/* secret_provision_start's return value for a failure at stage. */
int vt_gramine_sp_start_errno(int rc, vt_secretprov_stage_t stage);

/* True for Gramine's truthy SECRET_PROVISION_CONSTRUCTOR values: "1", "true", "TRUE". */
bool vt_gramine_sp_is_truthy(const char *value);

/*
 * The path keys/<name> under the attestation directory (VERITEE_ATTESTATION_DIR, else
 * /dev/attestation) into out (Gramine's limit: 256 bytes with the NUL). VT_E_INVALID_ARG
 * for a name that is empty, ".", "..", or contains '/'; VT_E_TOO_LARGE if it does not fit.
 */
VT_MUST_CHECK int vt_gramine_sp_key_path(const char *name, char out[256]);

#endif
