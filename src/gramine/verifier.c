/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one verifier libra_tls_verify_dcap.so shares between all threads, set up on first
 * use (pthread_once) from the environment:
 *   VERITEE_ROOT_CA     trust anchor, a PEM or DER file (default: the built-in Intel SGX
 *                       Root CA). A SIMULATED root is accepted from this variable, with
 *                       a warning on stderr each time a verifier is set up with it.
 *   VERITEE_COLLATERAL  a collateral bundle directory (e.g. a simulated platform's), or
 *   VERITEE_PCCS_URL    a PCCS / Intel PCS v4 base URL (VERITEE_PCCS_CA_FILE: its TLS CA).
 * Without a collateral source the verifier is still made (with a clear error on stderr),
 * and every quote then fails at the verification step, where Gramine reports DCAP
 * infrastructure trouble.
 *
 * The appraisal policy handed to the RA-TLS verifier accepts every TCB status except
 * Revoked and allows debug enclaves: the Gramine rules (RA_TLS_ALLOW_*, attributes,
 * measurements) are applied per call in verify.c, from the environment as it is then.
 * After setup everything here is read-only, so verifications need no lock.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/file.h"
#include "gramine/gramine_internal.h"

#define ROOT_ENV       "VERITEE_ROOT_CA"
#define COLLATERAL_ENV "VERITEE_COLLATERAL"
#define PCCS_ENV       "VERITEE_PCCS_URL"
#define PCCS_CA_ENV    "VERITEE_PCCS_CA_FILE"
#define ROOT_MAX       (64 * 1024)

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static vt_verifier_t *g_verifier;
static vt_policy_t *g_policy;
static vt_ratls_verifier_t *g_rv;
static bool g_has_source;
static int g_setup_rc;
static char g_setup_error[512];

static int set_root(vt_verifier_t *v, const char *path)
{
    int rc = VT_E_INTERNAL;
    uint8_t *der = NULL;
    size_t len = 0;

    rc = vt_file_read(path, ROOT_MAX, &der, &len);
    if (rc < 0) goto out;
    rc = vt_verifier_set_root(v, der, len);
    if (rc == VT_E_UNTRUSTED) {
        /* Refused only because it is a simulated root: trusting it is what was asked. */
        VT_TRY(vt_verifier_set_simulated_root(v, der, len));
        fprintf(stderr,
                "WARNING: ra_tls: trusting the SIMULATED root CA from " ROOT_ENV "=%s: quotes "
                "from a simulated platform will verify; never use this in production\n",
                path);
    }
out:
    free(der);
    return rc < 0 ? vt_error_wrap(rc, ROOT_ENV "=%s", path) : 0;
}

static int set_source(vt_verifier_t *v)
{
    const char *dir = getenv(COLLATERAL_ENV);
    const char *url = getenv(PCCS_ENV);
    VT_ENSURE(dir == NULL || url == NULL, VT_E_INVALID_ARG,
              "both " COLLATERAL_ENV " and " PCCS_ENV " are set; set one collateral source");
    if (dir != NULL) {
        g_has_source = true;
        int rc = vt_verifier_set_collateral_dir(v, dir);
        return rc < 0 ? vt_error_wrap(rc, COLLATERAL_ENV "=%s", dir) : 0;
    }
    if (url != NULL) {
        vt_pccs_options_t o = {.base_url = url, .ca_file = getenv(PCCS_CA_ENV)};
        g_has_source = true;
        int rc = vt_verifier_set_pccs(v, &o);
        return rc < 0 ? vt_error_wrap(rc, PCCS_ENV) : 0;
    }
    fprintf(stderr, "ERROR: ra_tls: no collateral source is configured: set " COLLATERAL_ENV
                    " (a collateral bundle directory) or " PCCS_ENV
                    " (a PCCS URL); every quote will fail verification\n");
    return 0;
}

static int permissive_policy(vt_policy_t **out)
{
    int rc = VT_E_INTERNAL;
    vt_policy_t *p = NULL;
    VT_TRY(vt_policy_new(&p));
    for (int s = 0; s < VT_TCB_STATUS_COUNT; s++) {
        if (s != VT_TCB_REVOKED) VT_TRY(vt_policy_accept_tcb_status(p, (vt_tcb_status_t)s));
    }
    vt_policy_set_allow_debug(p, true);
    *out = p;
    p = NULL;
    rc = 0;
out:
    vt_policy_free(p);
    return rc;
}

static int setup(void)
{
    int rc = VT_E_INTERNAL;
    const char *root = getenv(ROOT_ENV);

    VT_TRY(vt_verifier_new(&g_verifier));
    if (root != NULL) VT_TRY(set_root(g_verifier, root));
    VT_TRY(set_source(g_verifier));
    VT_TRY(permissive_policy(&g_policy));
    VT_TRY(vt_ratls_verifier_new(g_verifier, g_policy, &g_rv));
    rc = 0;
out:
    return rc;
}

static void setup_once(void)
{
    g_setup_rc = setup();
    if (g_setup_rc < 0) {
        snprintf(g_setup_error, sizeof(g_setup_error), "%s", vt_last_error());
        fprintf(stderr, "ERROR: ra_tls: cannot set up the verifier: %s\n", g_setup_error);
        vt_ratls_verifier_free(g_rv);
        vt_policy_free(g_policy);
        vt_verifier_free(g_verifier);
        g_rv = NULL;
        g_policy = NULL;
        g_verifier = NULL;
    }
}

int vt_gramine_verifier_get(vt_ratls_verifier_t **out)
{
    VT_ENSURE(pthread_once(&g_once, setup_once) == 0, VT_E_INTERNAL,
              "ra_tls: verifier setup did not run");
    VT_ENSURE(g_setup_rc == 0, g_setup_rc, "cannot set up the verifier: %s", g_setup_error);
    *out = g_rv;
    return 0;
}

bool vt_gramine_verifier_has_source(void)
{
    return g_has_source;
}
