/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A shared test fixture for everything built on RA-TLS certificates: a simulated
 * platform in a temporary directory (one TCB status for all its platforms, revoked
 * included), a quote verifier that trusts exactly that platform, and an evidence
 * source that makes real quotes in-process for a chosen SGX enclave or TD identity.
 *
 * Typical use:
 *
 *   vt_ratls_fixture_t f;
 *   vt_ratls_fixture_init(&f, VT_TCB_UP_TO_DATE, 1);
 *   vt_ratls_source_t src;
 *   vt_ratls_source_init(&src, &f, VT_TEE_SGX, 0);    // default identity, platform 0
 *   src.sgx.isv_svn = 5;                                // adjust the identity if needed
 *   EVP_PKEY *key; X509 *cert;
 *   vt_assert_ok(vt_ratls_create_with(vt_ratls_source_evidence, &src, NULL, &key, &cert));
 *   ... vt_ratls_verifier_new(f.verifier, policy, &rv) ...
 *   vt_ratls_source_cleanup(&src);
 *   vt_ratls_fixture_cleanup(&f);                      // removes the directory
 *
 * Every helper fails the running cmocka test on error. Several fixtures (e.g. one per
 * TCB status) may live at once. The fixture's verifier is configured at init and may
 * then be shared by threads.
 */
#ifndef VT_TEST_RATLS_FIXTURE_H
#define VT_TEST_RATLS_FIXTURE_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <veritee/ratls.h>
#include <veritee/sim.h>
#include <veritee/verify.h>

typedef struct {
    char dir[64];           /* the platform directory (removed by cleanup) */
    vt_tcb_status_t status; /* the TCB status of every platform in it */
    size_t platform_count;
    vt_verifier_t *verifier; /* owned: trusts the SIMULATED root, collateral from dir */
} vt_ratls_fixture_t;

/* Creates platform_count (0 means 1) platforms with status, and the verifier. */
void vt_ratls_fixture_init(vt_ratls_fixture_t *f, vt_tcb_status_t status, size_t platform_count);
void vt_ratls_fixture_cleanup(vt_ratls_fixture_t *f);

/* The default SGX identity: INIT|MODE64BIT, xfrm 3, MRENCLAVE e1.., MRSIGNER 51..,
   ISVPRODID 7, ISVSVN 3. The default TD: MRTD 7d.., RTMR2 22.., SEPT_VE_DISABLE. */
void vt_ratls_fixture_sgx_identity(vt_sgx_report_body_t *b);
void vt_ratls_fixture_td_identity(vt_td_report_body_t *b);

/*
 * An evidence source (vt_ratls_evidence_fn) quoting on one simulated platform.
 * Edit sgx/td between init and use to choose the identity; the REPORTDATA of each call
 * is the one requested. calls counts the quotes made. If has_override is set, the
 * call with index override_call (0 = the first, i.e. the legacy quote) uses override_sgx
 * / override_td instead (two quotes of different identity in one certificate).
 */
typedef struct {
    vt_tee_t tee;
    vt_sgx_report_body_t sgx;
    vt_td_report_body_t td;
    size_t calls;
    bool has_override;
    size_t override_call;
    vt_sgx_report_body_t override_sgx;
    vt_td_report_body_t override_td;
    vt_sim_platform_t *platform; /* owned */
} vt_ratls_source_t;

void vt_ratls_source_init(vt_ratls_source_t *s, const vt_ratls_fixture_t *f, vt_tee_t tee,
                          size_t platform);
void vt_ratls_source_cleanup(vt_ratls_source_t *s);
/* The vt_ratls_evidence_fn; ctx is a vt_ratls_source_t. */
int vt_ratls_source_evidence(void *ctx, const uint8_t report_data[VT_REPORT_DATA_LEN],
                             uint8_t **evidence, size_t *len);

/* Creates a certificate from s (opts may be NULL) and returns its DER (free()). */
void vt_ratls_fixture_make_cert(vt_ratls_source_t *s, const vt_ratls_create_options_t *opts,
                                uint8_t **der, size_t *len);

/* The DER of cert (free()). */
void vt_ratls_fixture_cert_der(X509 *cert, uint8_t **der, size_t *len);

/* One extension for vt_ratls_fixture_build_cert. */
typedef struct {
    const char *oid; /* dotted; may be any OID, e.g. VT_RATLS_TCG_EVIDENCE_OID */
    const uint8_t *value;
    size_t len;
    bool is_critical;
} vt_ratls_fixture_ext_t;

/*
 * Builds a self-signed certificate for key (any type: EC, RSA...) with only the given
 * extensions, in order, and returns its DER (free()). For hand-made, tampered or
 * foreign-key certificates; vt_ratls_create_with makes the real ones.
 */
void vt_ratls_fixture_build_cert(EVP_PKEY *key, const vt_ratls_fixture_ext_t *exts, size_t n,
                                 uint8_t **der, size_t *len);

/* The value of the extension with dotted oid in cert (borrowed), or NULL. */
const uint8_t *vt_ratls_fixture_ext_value(X509 *cert, const char *oid, size_t *len);

/*
 * A certificate like vt_ratls_create_with's but with the TCG evidence built from the
 * given claims bytes (the quote binds SHA-256(claims), whatever they hold), no legacy
 * extension, for key. For claims-level tests. DER returned (free()).
 */
void vt_ratls_fixture_cert_with_claims(vt_ratls_source_t *s, EVP_PKEY *key, const uint8_t *claims,
                                       size_t claims_len, uint8_t **der, size_t *len);

#endif
