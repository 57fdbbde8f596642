/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Offline collateral bundles: a directory with the file names of a DCAP vector
 * (tests/vectors/<name>/), so a captured PCS response set can be verified without a
 * network. Every file is read with a size cap before anything parses it.
 * vt_collateral_load_dir_for also reads a simulated platform directory (veritee/sim.h),
 * which holds TDX documents and both PCK CRLs next to the vector names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <veritee/collateral.h>

#include "common/error.h"
#include "common/file.h"

typedef struct {
    const char *name;
    size_t max;
    bool is_optional;
    uint8_t **data; /* borrowed: a field of the collateral being filled */
    size_t *len;
} bundle_file_t;

static int load_file(const char *dir, const bundle_file_t *f)
{
    char path[4096];
    uint8_t *buf = NULL;
    size_t len = 0;

    int n = snprintf(path, sizeof(path), "%s/%s", dir, f->name);
    VT_ENSURE(n > 0 && (size_t)n < sizeof(path), VT_E_INVALID_ARG,
              "collateral bundle: directory path too long");
    int rc = vt_file_read(path, f->max, &buf, &len);
    if (rc == VT_E_NOT_FOUND && f->is_optional) return 0;
    if (rc < 0) return vt_error_wrap(rc, "collateral bundle: %s", f->name);
    *f->data = buf;
    *f->len = len;
    return 0;
}

int vt_collateral_load_dir(const char *dir, vt_collateral_t *out)
{
    return vt_collateral_load_dir_for(dir, VT_TEE_SGX, NULL, out);
}

/* pck_ca names a file, so only the two values the PCK chain walker produces pass. */
static int check_pck_ca(const char *pck_ca)
{
    VT_ENSURE(pck_ca == NULL || strcmp(pck_ca, "processor") == 0 || strcmp(pck_ca, "platform") == 0,
              VT_E_INVALID_ARG,
              "collateral bundle: pck ca \"%.16s\", expected processor or platform", pck_ca);
    return 0;
}

/* The preferred name when that file exists, else the vector name. */
static const char *pick(const char *dir, const char *preferred, const char *fallback, char *buf,
                        size_t cap)
{
    struct stat st;
    int n = snprintf(buf, cap, "%s/%s", dir, preferred);
    if (n > 0 && (size_t)n < cap && stat(buf, &st) == 0) return preferred;
    return fallback;
}

int vt_collateral_load_dir_for(const char *dir, vt_tee_t tee, const char *pck_ca,
                               vt_collateral_t *out)
{
    int rc = VT_E_INTERNAL;
    vt_collateral_t c = {0};
    char crl[64] = "pck_crl.der", crl_chain[64] = "pck_crl_issuer_chain.pem", path[4096];
    const char *tcb_info = "tcb_info.json", *qe_identity = "qe_identity.json";

    VT_GUARD(check_pck_ca(pck_ca));
    if (tee == VT_TEE_TDX) {
        tcb_info = pick(dir, "tdx_tcb_info.json", tcb_info, path, sizeof(path));
        qe_identity = pick(dir, "tdx_qe_identity.json", qe_identity, path, sizeof(path));
    }
    if (pck_ca) {
        char name[64];
        snprintf(name, sizeof(name), "pck_crl_%s.der", pck_ca);
        if (pick(dir, name, NULL, path, sizeof(path))) {
            snprintf(crl, sizeof(crl), "%s", name);
            snprintf(crl_chain, sizeof(crl_chain), "pck_crl_%s_issuer_chain.pem", pck_ca);
        }
    }
    const bundle_file_t files[] = {
        {tcb_info, VT_COLLATERAL_JSON_MAX, false, &c.tcb_info, &c.tcb_info_len},
        {"tcb_info_issuer_chain.pem", VT_COLLATERAL_PEM_MAX, false, &c.tcb_info_issuer_chain,
         &c.tcb_info_issuer_chain_len},
        {qe_identity, VT_COLLATERAL_JSON_MAX, false, &c.qe_identity, &c.qe_identity_len},
        {"qe_identity_issuer_chain.pem", VT_COLLATERAL_PEM_MAX, false, &c.qe_identity_issuer_chain,
         &c.qe_identity_issuer_chain_len},
        {crl, VT_COLLATERAL_CRL_MAX, false, &c.pck_crl, &c.pck_crl_len},
        /* dcap.md §4.1: optional, the PCK chain in the quote already carries the CA. */
        {crl_chain, VT_COLLATERAL_PEM_MAX, true, &c.pck_crl_issuer_chain,
         &c.pck_crl_issuer_chain_len},
        {"root_ca_crl.der", VT_COLLATERAL_CRL_MAX, false, &c.root_ca_crl, &c.root_ca_crl_len},
    };

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) VT_TRY(load_file(dir, &files[i]));
    *out = c;
    c = (vt_collateral_t){0};
    rc = 0;
out:
    vt_collateral_cleanup(&c);
    return rc;
}

void vt_collateral_cleanup(vt_collateral_t *c)
{
    if (c == NULL) return;
    free(c->tcb_info);
    free(c->tcb_info_issuer_chain);
    free(c->qe_identity);
    free(c->qe_identity_issuer_chain);
    free(c->pck_crl);
    free(c->pck_crl_issuer_chain);
    free(c->root_ca_crl);
    *c = (vt_collateral_t){0};
}
