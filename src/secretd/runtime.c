/* SPDX-License-Identifier: Apache-2.0 */
/* Verifier, RA-TLS verifier and TLS context for one configuration (runtime.h). */
#include "runtime.h"

#include <openssl/err.h>
#include <stdlib.h>

#include "common/error.h"
#include "common/file.h"
#include "log.h"

#define ROOT_CA_MAX (64 * 1024)

/* The TLS connection whose handshake this thread is running (set by the info callback
   before each handshake message is processed, so it names the connection whose
   certificate the measurement callback is looking at). */
static _Thread_local const SSL *tl_handshaking;

static _Thread_local struct {
    bool is_set;
    bool is_matched;
    const SSL *ssl; /* the connection it was seen on; compared, never dereferenced */
    char identity[SD_IDENTITY_TEXT_MAX];
} tl_seen;

static void on_tls_info(const SSL *ssl, int where, int ret)
{
    (void)ret;
    if (where & SSL_CB_LOOP) tl_handshaking = ssl;
}

bool sd_runtime_take_seen(const SSL *ssl, char identity[static SD_IDENTITY_TEXT_MAX],
                          bool *is_matched)
{
    if (!tl_seen.is_set || tl_seen.ssl != ssl) return false;
    snprintf(identity, SD_IDENTITY_TEXT_MAX, "%s", tl_seen.identity);
    *is_matched = tl_seen.is_matched;
    tl_seen.is_set = false;
    return true;
}

/* vt_ratls_measurement_fn: a client whose evidence no rule accepts fails the handshake. */
static int on_measurement(void *ctx, const vt_verify_result_t *r)
{
    const sd_runtime_t *rt = ctx;
    bool is_matched = sd_rules_match(rt->cfg, r) != NULL;

    sd_identity_format(r, tl_seen.identity);
    tl_seen.is_matched = is_matched;
    tl_seen.ssl = tl_handshaking;
    tl_seen.is_set = true;
    VT_ENSURE(is_matched, VT_E_POLICY, "secretd: no rule accepts this identity and TCB status");
    return 0;
}

static int make_verifier(sd_runtime_t *rt)
{
    int rc = VT_E_INTERNAL;
    const sd_config_t *c = rt->cfg;
    uint8_t *root = NULL;
    size_t len = 0;

    VT_TRY(vt_verifier_new(&rt->verifier));
    if (c->root_ca != NULL) {
        if ((rc = vt_file_read(c->root_ca, ROOT_CA_MAX, &root, &len)) < 0) {
            rc = vt_error_wrap(rc, "config: $.trust.root_ca");
            goto out;
        }
        if (c->trust_simulated_root) {
            VT_TRY(vt_verifier_set_simulated_root(rt->verifier, root, len));
            sd_log("warning: trusting the SIMULATED root CA of %s: evidence from simulated "
                   "platforms is accepted; never do this in production",
                   c->root_ca);
        } else if ((rc = vt_verifier_set_root(rt->verifier, root, len)) < 0) {
            rc = vt_error_wrap(rc, "config: $.trust.root_ca%s",
                               rc == VT_E_UNTRUSTED
                                   ? ": a SIMULATED root needs \"trust_simulated_root\": true"
                                   : "");
            goto out;
        }
    }
    if (c->collateral_dir != NULL) {
        VT_TRY(vt_verifier_set_collateral_dir(rt->verifier, c->collateral_dir));
    } else {
        vt_pccs_options_t o = {.base_url = c->pccs_url, .ca_file = c->pccs_ca_file};
        VT_TRY(vt_verifier_set_pccs(rt->verifier, &o));
    }
    VT_TRY(vt_policy_new(&rt->policy));
    VT_TRY(sd_rules_base_policy(c, rt->policy));
    VT_TRY(vt_ratls_verifier_new(rt->verifier, rt->policy, &rt->rv));
    vt_ratls_verifier_set_measurement_cb(rt->rv, on_measurement, rt);
    VT_TRY(vt_ratls_verifier_set_cache(rt->rv, c->cache_capacity, c->cache_ttl_s));
    rc = 0;
out:
    free(root);
    return rc;
}

static int make_ssl_ctx(sd_runtime_t *rt)
{
    const sd_config_t *c = rt->cfg;
    vt_ratls_ssl_options_t o = {.verifier = rt->rv};

    rt->ssl_ctx = SSL_CTX_new(TLS_server_method());
    VT_ENSURE(rt->ssl_ctx != NULL, VT_E_NOMEM, "tls: out of memory");
    SSL_CTX_set_options(rt->ssl_ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
                                         SSL_OP_CIPHER_SERVER_PREFERENCE);
    /* 10,000 idle sessions must not hold 10,000 pairs of 16 KiB record buffers. */
    SSL_CTX_set_mode(rt->ssl_ctx, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_info_callback(rt->ssl_ctx, on_tls_info);
    VT_GUARD_OSSL(SSL_CTX_use_certificate_chain_file(rt->ssl_ctx, c->tls_cert), VT_E_IO,
                  "config: $.tls.cert: cannot load the certificate chain %s", c->tls_cert);
    VT_GUARD_OSSL(SSL_CTX_use_PrivateKey_file(rt->ssl_ctx, c->tls_key, SSL_FILETYPE_PEM), VT_E_IO,
                  "config: $.tls.key: cannot load the private key %s", c->tls_key);
    VT_GUARD_OSSL(SSL_CTX_check_private_key(rt->ssl_ctx), VT_E_INVALID_ARG,
                  "config: $.tls: the key in %s does not match the certificate in %s", c->tls_key,
                  c->tls_cert);
    /* The placeholder that idle connections keep in place of the client's certificate. */
    int len = i2d_X509(SSL_CTX_get0_certificate(rt->ssl_ctx), &rt->slim_der);
    VT_ENSURE(len > 0, VT_E_CRYPTO, "tls: cannot encode the server certificate");
    rt->slim_len = (size_t)len;
    return vt_ratls_ssl_ctx_configure(rt->ssl_ctx, &o);
}

static void runtime_free(sd_runtime_t *rt)
{
    SSL_CTX_free(rt->ssl_ctx);
    OPENSSL_free(rt->slim_der);
    vt_ratls_verifier_free(rt->rv);
    vt_policy_free(rt->policy);
    vt_verifier_free(rt->verifier);
    sd_config_free(rt->cfg);
    free(rt);
}

int sd_runtime_new(sd_config_t *cfg, uint64_t generation, sd_runtime_t **out)
{
    int rc = VT_E_INTERNAL;
    sd_runtime_t *rt = NULL;

    VT_TRY_ALLOC(rt, calloc(1, sizeof(*rt)), "a runtime");
    atomic_init(&rt->refs, 1);
    rt->generation = generation;
    rt->cfg = cfg;
    VT_TRY(make_verifier(rt));
    VT_TRY(make_ssl_ctx(rt));
    *out = rt;
    rt = NULL;
    rc = 0;
out:
    if (rt != NULL) {
        rt->cfg = NULL; /* still the caller's */
        runtime_free(rt);
    }
    return rc;
}

sd_runtime_t *sd_runtime_ref(sd_runtime_t *rt)
{
    atomic_fetch_add_explicit(&rt->refs, 1, memory_order_relaxed);
    return rt;
}

void sd_runtime_unref(sd_runtime_t *rt)
{
    if (rt == NULL) return;
    if (atomic_fetch_sub_explicit(&rt->refs, 1, memory_order_acq_rel) == 1) runtime_free(rt);
}
