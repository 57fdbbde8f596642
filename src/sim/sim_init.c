/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vt_sim_init: issues the simulated vendor PKI, its platforms and the signed collateral,
 * and writes the platform directory (layout in veritee/sim.h). Validity periods follow
 * Intel's (dcap.md §3.1, §4): root until 2049-12-31, CAs 15 years, TCB signing and PCK
 * leaves 7 years, PCK CRLs and TCB documents 30 days, the root CRL one year.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/error.h"
#include "common/file.h"
#include "sim/sim_internal.h"

#define DAY            (24 * 3600)
#define YEAR           (365 * DAY)
#define ROOT_NOT_AFTER 2524607999 /* 2049-12-31T23:59:59Z, as Intel's root */
#define CRL_BASE       "https://sim.veritee.invalid/sgx/certification/v4"

const uint8_t vt_sim_default_fmspc[VT_FMSPC_LEN] = {0x00, 0x90, 0x6e, 0xd5, 0x00, 0x00};

typedef struct {
    EVP_PKEY *root_key, *ca_key[2], *tcb_key; /* owned; ca 0 Processor, 1 Platform */
    X509 *root, *ca[2], *tcb;                 /* owned */
    X509 *pck[VT_SIM_PLATFORMS_MAX];          /* owned */
    size_t count;
    vt_time_t now;
} sim_pki_t;

static const char *const ca_name[2] = {"processor", "platform"};
static const char *const ca_cn[2] = {"Veritee SIMULATED SGX PCK Processor CA",
                                     "Veritee SIMULATED SGX PCK Platform CA"};

static void pki_cleanup(sim_pki_t *k)
{
    EVP_PKEY_free(k->root_key);
    EVP_PKEY_free(k->tcb_key);
    X509_free(k->root);
    X509_free(k->tcb);
    for (int i = 0; i < 2; i++) {
        EVP_PKEY_free(k->ca_key[i]);
        X509_free(k->ca[i]);
    }
    for (size_t i = 0; i < k->count; i++) X509_free(k->pck[i]);
    *k = (sim_pki_t){0};
}

static int issue_cas(sim_pki_t *k)
{
    vt_sim_cert_spec_t s = {VT_SIM_CERT_ROOT,
                            "Veritee SIMULATED SGX Root CA",
                            NULL,
                            NULL,
                            NULL,
                            "https://sim.veritee.invalid/VeriteeSimulatedSGXRootCA.der",
                            k->now - DAY,
                            ROOT_NOT_AFTER,
                            NULL};
    VT_GUARD(vt_sim_key_new(&k->root_key));
    s.key = s.issuer_key = k->root_key;
    VT_GUARD(vt_sim_cert_new(&s, &k->root));
    s.issuer = k->root;
    for (int i = 0; i < 2; i++) {
        VT_GUARD(vt_sim_key_new(&k->ca_key[i]));
        s.kind = VT_SIM_CERT_CA;
        s.cn = ca_cn[i];
        s.key = k->ca_key[i];
        s.not_after = k->now + 15 * YEAR;
        VT_GUARD(vt_sim_cert_new(&s, &k->ca[i]));
    }
    VT_GUARD(vt_sim_key_new(&k->tcb_key));
    s.kind = VT_SIM_CERT_TCB_SIGNING;
    s.cn = "Veritee SIMULATED SGX TCB Signing";
    s.key = k->tcb_key;
    s.not_after = k->now + 7 * YEAR;
    return vt_sim_cert_new(&s, &k->tcb);
}

/* The SGX extension of platform i at TCB level l. */
static int make_pck_ext(const vt_sim_init_options_t *o, const vt_sim_tcb_level_t *l, size_t i,
                        vt_pck_ext_t *e)
{
    *e = (vt_pck_ext_t){.pce_svn = l->pce_svn};
    VT_GUARD(vt_sim_random(e->ppid, sizeof(e->ppid)));
    for (size_t c = 0; c < VT_PCK_TCB_COMPONENTS; c++)
        e->comp_svn[c] = e->cpu_svn[c] = l->sgx_svn[c];
    bool zero = true;
    for (size_t c = 0; c < VT_FMSPC_LEN; c++) zero = zero && o->fmspc[c] == 0;
    for (size_t c = 0; c < VT_FMSPC_LEN; c++)
        e->fmspc[c] = zero ? vt_sim_default_fmspc[c] : o->fmspc[c];
    if (i % 2 == 0) return 0; /* Processor CA: Standard SGX, no .6/.7 */
    e->sgx_type = VT_SGX_TYPE_SCALABLE;
    e->has_platform_instance_id = true;
    VT_GUARD(vt_sim_random(e->platform_instance_id, sizeof(e->platform_instance_id)));
    e->has_configuration = true;
    e->has_dynamic_platform = e->has_cached_keys = e->has_smt_enabled = true;
    e->is_cached_keys = e->is_smt_enabled = true;
    return 0;
}

static int make_platform(const char *dir, const vt_sim_init_options_t *o, sim_pki_t *k, size_t i,
                         const vt_sim_tcb_level_t *l)
{
    int rc = VT_E_INTERNAL;
    EVP_PKEY *pck_key = NULL, *att_key = NULL;
    vt_sim_buf_t chain = {0};
    uint8_t secret[VT_SIM_SECRET_LEN];
    vt_pck_ext_t ext;
    char dp[256];
    size_t ca = i % 2;

    VT_TRY(vt_sim_key_new(&pck_key));
    VT_TRY(vt_sim_key_new(&att_key));
    VT_TRY(make_pck_ext(o, l, i, &ext));
    VT_TRY(vt_sim_path(dp, sizeof(dp), CRL_BASE "/pckcrl?ca=%s&encoding=der", ca_name[ca]));
    vt_sim_cert_spec_t s = {VT_SIM_CERT_PCK,
                            "Veritee SIMULATED SGX PCK Certificate",
                            pck_key,
                            k->ca[ca],
                            k->ca_key[ca],
                            dp,
                            k->now - DAY,
                            k->now + 7 * YEAR,
                            &ext};
    VT_TRY(vt_sim_cert_new(&s, &k->pck[i]));
    k->count = i + 1;
    X509 *certs[3] = {k->pck[i], k->ca[ca], k->root};
    VT_TRY(vt_sim_chain_pem(certs, 3, &chain));
    VT_TRY(vt_sim_random(secret, sizeof(secret)));
    vt_sim_platform_record_t r = {i,          pck_key, att_key,
                                  &chain,     secret,  &ext,
                                  l->tdx_svn, ca == 1, o->tcb_status == VT_TCB_REVOKED};
    VT_TRY(vt_sim_platform_save(dir, &r));
    rc = 0;
out:
    OPENSSL_cleanse(secret, sizeof(secret));
    vt_sim_buf_cleanup(&chain);
    EVP_PKEY_free(pck_key);
    EVP_PKEY_free(att_key);
    return rc;
}

static int write_public(const char *dir, const char *name, const vt_sim_buf_t *b)
{
    char path[4096];
    VT_GUARD(vt_sim_path(path, sizeof(path), "%s/%s", dir, name));
    return vt_file_write_atomic(path, b->data, b->len, 0644);
}

static int write_key(const char *dir, const char *name, EVP_PKEY *key)
{
    char path[4096];
    vt_sim_buf_t pem = {0};
    int rc = vt_sim_path(path, sizeof(path), "%s/private/%s", dir, name);
    if (rc == 0) rc = vt_sim_key_pem(key, &pem);
    if (rc == 0) rc = vt_file_write_atomic(path, pem.data, pem.len, 0600);
    vt_sim_buf_cleanup(&pem);
    return rc;
}

/* Root CRL, both PCK CRLs (listing revoked platforms) and their issuer chains. */
static int write_crls(const char *dir, const sim_pki_t *k, bool is_revoked)
{
    int rc = VT_E_INTERNAL;
    vt_sim_buf_t crl = {0}, chain = {0};
    X509 *revoked[VT_SIM_PLATFORMS_MAX];
    char name[64];

    VT_TRY(vt_sim_crl_new(k->root, k->root_key, NULL, 0, k->now - 3600, k->now + YEAR, &crl));
    VT_TRY(write_public(dir, "root_ca_crl.der", &crl));
    for (size_t ca = 0; ca < 2; ca++) {
        size_t n = 0;
        for (size_t i = ca; is_revoked && i < k->count; i += 2) revoked[n++] = k->pck[i];
        VT_TRY(vt_sim_crl_new(k->ca[ca], k->ca_key[ca], revoked, n, k->now - 3600,
                              k->now + 30 * DAY, &crl));
        X509 *certs[2] = {k->ca[ca], k->root};
        VT_TRY(vt_sim_chain_pem(certs, 2, &chain));
        VT_TRY(vt_sim_path(name, sizeof(name), "pck_crl_%s.der", ca_name[ca]));
        VT_TRY(write_public(dir, name, &crl));
        VT_TRY(vt_sim_path(name, sizeof(name), "pck_crl_%s_issuer_chain.pem", ca_name[ca]));
        VT_TRY(write_public(dir, name, &chain));
        if (ca != 0) continue; /* platform 0 is the Processor CA's */
        VT_TRY(write_public(dir, "pck_crl.der", &crl));
        VT_TRY(write_public(dir, "pck_crl_issuer_chain.pem", &chain));
    }
    rc = 0;
out:
    vt_sim_buf_cleanup(&crl);
    vt_sim_buf_cleanup(&chain);
    return rc;
}

static int write_collateral(const char *dir, const vt_sim_init_options_t *o, const sim_pki_t *k,
                            const uint8_t fmspc[static VT_FMSPC_LEN])
{
    int rc = VT_E_INTERNAL;
    vt_sim_buf_t doc = {0};
    vt_sim_collateral_spec_t s = {VT_TEE_SGX, {0}, k->now, k->now + 30 * DAY};
    static const char *const names[2][2] = {{"tcb_info.json", "qe_identity.json"},
                                            {"tdx_tcb_info.json", "tdx_qe_identity.json"}};
    (void)o;

    for (size_t c = 0; c < VT_FMSPC_LEN; c++) s.fmspc[c] = fmspc[c];
    for (int t = 0; t < 2; t++) {
        s.tee = t ? VT_TEE_TDX : VT_TEE_SGX;
        VT_TRY(vt_sim_tcb_info_sign(&s, k->tcb_key, &doc));
        VT_TRY(write_public(dir, names[t][0], &doc));
        VT_TRY(vt_sim_qe_identity_sign(&s, k->tcb_key, &doc));
        VT_TRY(write_public(dir, names[t][1], &doc));
    }
    X509 *chain[2] = {k->tcb, k->root};
    VT_TRY(vt_sim_chain_pem(chain, 2, &doc));
    VT_TRY(write_public(dir, "tcb_info_issuer_chain.pem", &doc));
    VT_TRY(write_public(dir, "qe_identity_issuer_chain.pem", &doc));
    VT_TRY(vt_sim_cert_der(k->root, &doc));
    VT_TRY(write_public(dir, "root_ca.der", &doc));
    rc = 0;
out:
    vt_sim_buf_cleanup(&doc);
    return rc;
}

static int write_ca_keys(const char *dir, const sim_pki_t *k)
{
    VT_GUARD(write_key(dir, "root_ca_key.pem", k->root_key));
    VT_GUARD(write_key(dir, "processor_ca_key.pem", k->ca_key[0]));
    VT_GUARD(write_key(dir, "platform_ca_key.pem", k->ca_key[1]));
    return write_key(dir, "tcb_signing_key.pem", k->tcb_key);
}

/* Creates DIR, DIR/private (0700, must be new) and DIR/private/platforms. */
static int make_dirs(const char *dir)
{
    char path[4096];
    VT_GUARD(vt_sim_mkdir(dir, 0755));
    VT_GUARD(vt_sim_path(path, sizeof(path), "%s/private", dir));
    VT_ENSURE(mkdir(path, 0700) == 0, errno == EEXIST ? VT_E_INVALID_ARG : VT_E_IO, "sim: %s: %s",
              path, errno == EEXIST ? "a platform already exists here" : strerror(errno));
    VT_ENSURE(chmod(path, 0700) == 0, VT_E_IO, "sim: chmod %s: %s", path, strerror(errno));
    VT_GUARD(vt_sim_path(path, sizeof(path), "%s/private/platforms", dir));
    return vt_sim_mkdir(path, 0700);
}

int vt_sim_init(const char *dir, const vt_sim_init_options_t *opts)
{
    int rc = VT_E_INTERNAL;
    sim_pki_t k = {0};
    const vt_sim_tcb_level_t *level = NULL;
    vt_sim_init_options_t o = *opts;
    vt_pck_ext_t first;

    if (o.platform_count == 0) o.platform_count = 1;
    VT_TRY_ENSURE(o.platform_count <= VT_SIM_PLATFORMS_MAX, VT_E_INVALID_ARG,
                  "sim: %zu platforms, at most %d", o.platform_count, VT_SIM_PLATFORMS_MAX);
    VT_TRY(vt_sim_tcb_level_for(o.tcb_status, &level));
    k.now = (o.now == 0 || o.now == VT_TIME_NOW) ? vt_time_now() : o.now;
    VT_TRY(make_dirs(dir));
    VT_TRY(issue_cas(&k));
    VT_TRY(write_ca_keys(dir, &k));
    for (size_t i = 0; i < o.platform_count; i++) VT_TRY(make_platform(dir, &o, &k, i, level));
    VT_TRY(make_pck_ext(&o, level, 0, &first)); /* only for the resolved FMSPC */
    VT_TRY(write_crls(dir, &k, o.tcb_status == VT_TCB_REVOKED));
    VT_TRY(write_collateral(dir, &o, &k, first.fmspc));
    rc = 0;
out:
    pki_cleanup(&k);
    return rc;
}

int vt_sim_tcb_status_parse(const char *name, vt_tcb_status_t *out)
{
    static const struct {
        const char *name;
        vt_tcb_status_t status;
    } words[] = {
        {"uptodate", VT_TCB_UP_TO_DATE},
        {"swhardening", VT_TCB_SW_HARDENING_NEEDED},
        {"configneeded", VT_TCB_CONFIGURATION_NEEDED},
        {"configandswhardening", VT_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED},
        {"outofdate", VT_TCB_OUT_OF_DATE},
        {"outofdateconfigneeded", VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED},
        {"revoked", VT_TCB_REVOKED},
    };
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strcmp(name, words[i].name) == 0) {
            *out = words[i].status;
            return 0;
        }
    }
    VT_BAIL(VT_E_INVALID_ARG, "sim: unknown tcb status \"%.40s\"", name);
}
