/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The verifier object and the top of the algorithm (dcap.md §5, Intel QvE + QVL order):
 * parse the quote (§5.1 step 1), verify its PCK chain (§5.1 steps 2-3, §5.2), get
 * checked collateral (§5.3; cached per (tee, fmspc, pck ca) when it comes from the
 * configured source), then revocation (§5.2 step 5, §5.4 steps 2-3), the quote checks
 * (§5.4 steps 4-13), TCB evaluation (§5.5) and dates (§5.1 step 4).
 *
 * Thread safety: the set_* calls configure; afterwards the verifier is only read, apart
 * from its caches, which lock internally.
 */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "verify/quote_checks.h"
#include "verify/verify_internal.h"
#include "verify/wrap.h"

#define VT_PCK_CACHE_DEFAULT         1024
#define VT_COLLATERAL_CACHE_CAPACITY 64
/* A source still serving collateral past its nextUpdate is asked again at most this
 * often (seconds). */
#define VT_COLLATERAL_MIN_REFETCH 60

static void pccs_cleanup(vt_pccs_options_t *o)
{
    free((char *)o->base_url);
    free((char *)o->ca_file);
    free((char *)o->root_ca_crl_url);
    *o = (vt_pccs_options_t){0};
}

void vt_verifier_free(vt_verifier_t *v)
{
    if (!v) return;
    vt_trust_anchor_cleanup(&v->root);
    vt_collateral_cache_free(v->collateral_cache);
    vt_pck_cache_free(v->pck_cache);
    vt_key_cache_free(v->key_cache);
    free(v->collateral_dir);
    pccs_cleanup(&v->pccs);
    free(v);
}

int vt_verifier_new(vt_verifier_t **out)
{
    int rc = VT_E_INTERNAL;
    vt_verifier_t *v = NULL;

    VT_TRY_ALLOC(v, calloc(1, sizeof(*v)), "verifier");
    VT_TRY_STEP(vt_trust_anchor_init_intel(&v->root), "verifier: built-in root");
    VT_TRY(vt_collateral_cache_new(VT_COLLATERAL_CACHE_CAPACITY, VT_COLLATERAL_MIN_REFETCH,
                                   &v->collateral_cache));
    VT_TRY(vt_pck_cache_new(VT_PCK_CACHE_DEFAULT, &v->pck_cache));
    VT_TRY(vt_key_cache_new(&v->key_cache));
    *out = v;
    v = NULL;
    rc = 0;
out:
    vt_verifier_free(v);
    return rc;
}

/* ---- Collateral sources ----------------------------------------------------------- */

static int fetch_dir(void *ctx, vt_tee_t tee, const uint8_t fmspc[static VT_FMSPC_LEN],
                     const char *pck_ca, vt_collateral_t *out)
{
    (void)fmspc;
    return vt_collateral_load_dir_for((const char *)ctx, tee, pck_ca, out);
}

static int fetch_pccs(void *ctx, vt_tee_t tee, const uint8_t fmspc[static VT_FMSPC_LEN],
                      const char *pck_ca, vt_collateral_t *out)
{
    return vt_collateral_fetch_pccs((const vt_pccs_options_t *)ctx, tee, fmspc, pck_ca, out);
}

/* Forgets the current source and the collateral it served. */
static void source_reset(vt_verifier_t *v)
{
    v->fetch = NULL;
    v->fetch_ctx = NULL;
    free(v->collateral_dir);
    v->collateral_dir = NULL;
    pccs_cleanup(&v->pccs);
    vt_collateral_cache_clear(v->collateral_cache);
}

int vt_verifier_set_collateral_dir(vt_verifier_t *v, const char *dir)
{
    char *copy = strdup(dir);
    VT_ENSURE(copy != NULL, VT_E_NOMEM, "out of memory");
    source_reset(v);
    v->collateral_dir = copy;
    v->fetch = fetch_dir;
    v->fetch_ctx = copy;
    return 0;
}

static int dup_opt(const char *s, const char **out)
{
    *out = NULL;
    if (!s) return 0;
    *out = strdup(s);
    VT_ENSURE(*out != NULL, VT_E_NOMEM, "out of memory");
    return 0;
}

int vt_verifier_set_pccs(vt_verifier_t *v, const vt_pccs_options_t *opts)
{
    int rc = VT_E_INTERNAL;
    vt_pccs_options_t copy = {.timeout_ms = opts->timeout_ms};

    VT_TRY_ENSURE(opts->base_url != NULL && opts->base_url[0] != '\0', VT_E_INVALID_ARG,
                  "verifier: pccs base url is empty");
    VT_TRY(dup_opt(opts->base_url, &copy.base_url));
    VT_TRY(dup_opt(opts->ca_file, &copy.ca_file));
    VT_TRY(dup_opt(opts->root_ca_crl_url, &copy.root_ca_crl_url));
    source_reset(v);
    v->pccs = copy;
    copy = (vt_pccs_options_t){0};
    v->fetch = fetch_pccs;
    v->fetch_ctx = &v->pccs;
    rc = 0;
out:
    pccs_cleanup(&copy);
    return rc;
}

int vt_verifier_set_pck_cache(vt_verifier_t *v, size_t capacity)
{
    vt_pck_cache_set_capacity(v->pck_cache, capacity);
    return 0;
}

static int source_get(vt_verifier_t *v, vt_tee_t tee, const vt_pck_chain_t *chain,
                      vt_checked_collateral_t **out)
{
    VT_ENSURE(v->fetch != NULL, VT_E_INVALID_ARG,
              "no collateral source (set a bundle directory or a pccs)");
    return vt_collateral_cache_get(v->collateral_cache, v->fetch, v->fetch_ctx, v->root.cert, tee,
                                   chain->ext.fmspc, chain->pck_ca, out);
}

/* ---- The algorithm ------------------------------------------------------------------ */

static const char *revoked_part(const vt_tcb_eval_t *e)
{
    if (e->platform_status == VT_TCB_REVOKED) return "tcb info level";
    if (e->module_status == VT_TCB_REVOKED) return "tdx module identity level";
    return "qe identity level";
}

/* dcap.md §5.2 step 5 to §5.5, once the chain and the collateral are in hand. */
static int appraise(vt_verifier_t *v, const vt_quote_t *q, const vt_pck_chain_t *chain,
                    vt_checked_collateral_t *cc, vt_verify_result_t *r)
{
    vt_tcb_eval_t e;

    vt_result_set_dates(r, cc, chain);
    int rc = vt_pck_chain_check_revocation(chain, cc);
    if (rc == VT_E_REVOKED) r->tcb_status = VT_TCB_REVOKED; /* terminal (§5.6) */
    VT_GUARD_STEP(rc, "pck chain");
    VT_GUARD(vt_quote_checks_run(q, chain, cc->tcb_info, cc->qe_identity, v->key_cache));
    /* §5.4 step 14 (4.1.2.4.17) */
    vt_tcb_evaluate(cc->tcb_info, cc->qe_identity, &chain->ext, q, &e);
    VT_GUARD(vt_result_set_tcb(r, &e, cc));
    VT_ENSURE(e.status != VT_TCB_REVOKED, VT_E_REVOKED, "tcb: the matching %s is revoked",
              revoked_part(&e));
    r->is_verified = true;
    return 0;
}

static int verify_quote(vt_verifier_t *v, const uint8_t *quote, size_t len,
                        const vt_collateral_t *raw, vt_time_t at, vt_verify_result_t *r)
{
    int rc = VT_E_INTERNAL;
    vt_quote_t q;
    vt_pck_chain_t *chain = NULL;
    vt_checked_collateral_t *cc = NULL;
    const vt_pck_root_t root = {v->root.cert,     v->root.der,          v->root.der_len,
                                v->root.pem_body, v->root.pem_body_len, v->root.not_before,
                                v->root.not_after};

    vt_result_init(r, at == VT_TIME_NOW ? vt_time_now() : at);
    /* dcap.md §2.5: like Intel's QVL, ignore whatever follows the signature data. */
    VT_TRY_STEP(vt_quote_parse_ex(quote, len, VT_QUOTE_PARSE_ANY_TRAILING, &q), "quote");
    vt_result_set_evidence(r, &q);
    /* §5.1 step 2: collateral-based verification needs the PCK chain (type 5). */
    VT_TRY_ENSURE(q.cert_type == VT_CERT_PCK_CHAIN, VT_E_UNSUPPORTED,
                  "quote: certification data type %u, expected 5 (pck certificate chain)",
                  q.cert_type);
    VT_TRY_STEP(vt_pck_chain_get(v->pck_cache, &root, q.cert_data, q.cert_len, &chain),
                "pck chain");
    r->pck = chain->ext;
    if (raw)
        VT_TRY_STEP(vt_collateral_check(raw, v->root.cert, &cc), "collateral");
    else
        VT_TRY_STEP(source_get(v, q.tee, chain, &cc), "collateral");
    VT_TRY(appraise(v, &q, chain, cc, r));
    rc = 0;
out:
    if (rc < 0) rc = vt_error_wrap(rc, "verify");
    if (cc) vt_checked_collateral_unref(cc);
    vt_pck_chain_unref(chain);
    return rc;
}

int vt_verifier_verify(vt_verifier_t *v, const uint8_t *quote, size_t len, vt_time_t at,
                       vt_verify_result_t *result)
{
    return verify_quote(v, quote, len, NULL, at, result);
}

int vt_verifier_verify_with_collateral(vt_verifier_t *v, const uint8_t *quote, size_t len,
                                       const vt_collateral_t *collateral, vt_time_t at,
                                       vt_verify_result_t *result)
{
    return verify_quote(v, quote, len, collateral, at, result);
}
