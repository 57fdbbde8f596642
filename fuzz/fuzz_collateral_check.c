/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzzes vt_collateral_check: one piece of a real collateral set (chosen by the first
 * input byte) is replaced by the rest of the input, and the whole set is checked against
 * the real root. Reaches the issuer-chain, CRL and signature code with hostile bytes.
 * Runs from the repository root (scripts/fuzz), reading tests/vectors/<V>/, or from
 * $VT_VECTORS_DIR. Seeds: fuzz/corpus/collateral_check/ (selector byte + a real file).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collateral/checked.h"
#include "common/file.h"
#include "common/ossl.h"

#define VECTOR "sgx-v3-phala-processorca"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vt_collateral_t base;
static X509 *root;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char dir[4096], path[4200];
    uint8_t *der;
    size_t len;
    const char *vectors = getenv("VT_VECTORS_DIR");
    (void)argc;
    (void)argv;
    snprintf(dir, sizeof(dir), "%s/%s", vectors ? vectors : "tests/vectors", VECTOR);
    snprintf(path, sizeof(path), "%s/root_ca.der", dir);
    if (vt_collateral_load_dir(dir, &base) != 0 || vt_file_read(path, 4096, &der, &len) != 0 ||
        vt_x509_parse(der, len, &root) != 0) {
        fprintf(stderr, "fuzz_collateral_check: cannot load %s\n", dir);
        abort();
    }
    free(der);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vt_collateral_t c = base;
    vt_checked_collateral_t *checked = NULL;
    if (size < 1) return 0;
    /* Borrowed views: c is never cleaned up, only base owns buffers. The check reads
     * its inputs as (pointer, length), so the fuzz bytes need no NUL terminator. */
    uint8_t *piece = (uint8_t *)(uintptr_t)(data + 1);
    size_t n = size - 1;
    switch (data[0] % 7) {
    case 0:
        c.tcb_info = piece, c.tcb_info_len = n;
        break;
    case 1:
        c.qe_identity = piece, c.qe_identity_len = n;
        break;
    case 2:
        c.tcb_info_issuer_chain = piece, c.tcb_info_issuer_chain_len = n;
        break;
    case 3:
        c.qe_identity_issuer_chain = piece, c.qe_identity_issuer_chain_len = n;
        break;
    case 4:
        c.root_ca_crl = piece, c.root_ca_crl_len = n;
        break;
    case 5:
        c.pck_crl = piece, c.pck_crl_len = n;
        break;
    default:
        c.pck_crl_issuer_chain = piece, c.pck_crl_issuer_chain_len = n;
        break;
    }
    if (vt_collateral_check(&c, root, &checked) == 0) {
        if (checked->refresh_after > checked->earliest_expiration) abort();
        vt_checked_collateral_unref(checked);
    }
    return 0;
}
