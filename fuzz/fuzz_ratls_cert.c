/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzzes what the RA-TLS verifier does with a certificate before any quote is
 * verified (src/ratls/cert_ext.c, report_data.c, evidence_cbor.c, cmw.c): d2i_X509,
 * vt_ratls_exts_find, vt_ratls_spki_get, and the decoding of every evidence extension
 * found (tagged evidence and claims, CMW record, legacy quote via vt_quote_parse).
 * Deterministic; no quote verification, no network, no files. Checks that found
 * extension values respect the VT_RATLS_EXT_MIN..MAX bounds and that errors are parse
 * or key-type codes. Seeds: fuzz/corpus/ratls_cert/ (real certificates).
 */
#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ratls/ratls_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_code(int rc)
{
    if (rc >= 0) return;
    if (vt_error_type(rc) != VT_ET_PARSE && rc != VT_E_NOMEM && rc != VT_E_NOT_FOUND) abort();
}

static void check_bounds(const uint8_t *v, size_t len)
{
    if (v && (len < VT_RATLS_EXT_MIN || len > VT_RATLS_EXT_MAX)) abort();
}

static void decode_tagged(const uint8_t *v, size_t len)
{
    vt_ratls_evidence_t e = {0};
    vt_ratls_claims_t c;
    vt_quote_t q;
    int rc = vt_ratls_evidence_parse(v, len, &e);
    check_code(rc);
    if (rc < 0) return;
    check_code(vt_ratls_claims_parse(e.claims, e.claims_len, &c));
    check_code(vt_quote_parse(e.quote, e.quote_len, &q));
    vt_ratls_evidence_cleanup(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const unsigned char *p = data;
    X509 *x = d2i_X509(NULL, &p, (long)size);
    if (!x) return 0;
    vt_ratls_exts_t e;
    int rc = vt_ratls_exts_find(x, &e);
    check_code(rc);
    if (rc == 0) {
        check_bounds(e.tcg, e.tcg_len);
        check_bounds(e.legacy, e.legacy_len);
        check_bounds(e.cmw, e.cmw_len);
        if (e.tcg) decode_tagged(e.tcg, e.tcg_len);
        if (e.legacy) {
            vt_quote_t q;
            check_code(vt_quote_parse(e.legacy, e.legacy_len, &q));
        }
        if (e.cmw) {
            uint8_t *inner = NULL;
            size_t inner_len = 0;
            rc = vt_ratls_cmw_parse(e.cmw, e.cmw_len, &inner, &inner_len);
            check_code(rc);
            if (rc == 0) {
                decode_tagged(inner, inner_len);
                free(inner);
            }
        }
    }
    EVP_PKEY *key = X509_get0_pubkey(x);
    if (key) {
        uint8_t spki[VT_RATLS_SPKI_MAX];
        size_t spki_len;
        rc = vt_ratls_spki_get(key, spki, &spki_len);
        if (rc < 0 && rc != VT_E_UNSUPPORTED && rc != VT_E_CRYPTO) abort();
    }
    X509_free(x);
    return 0;
}
