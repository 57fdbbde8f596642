/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzzes the RA-TLS CBOR decoders (src/ratls/evidence_cbor.c, cmw.c):
 * vt_ratls_evidence_parse, vt_ratls_claims_parse and vt_ratls_cmw_parse, each on the
 * whole input. Deterministic. Checks: an accepted evidence re-encodes (minimal heads)
 * to bytes that decode to the same quote and claims, and, if the input was minimal,
 * to the input itself; accepted claims carry a hash of the length their algorithm
 * names; a failed decode returns a parse code. Seeds: fuzz/corpus/ratls_cbor/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ratls/ratls_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_code(int rc)
{
    if (rc >= 0) return;
    if (vt_error_type(rc) != VT_ET_PARSE && rc != VT_E_NOMEM) abort();
}

static void check_claims(const uint8_t *data, size_t size)
{
    vt_ratls_claims_t c;
    int rc = vt_ratls_claims_parse(data, size, &c);
    check_code(rc);
    if (rc < 0 || !c.has_pubkey_hash) return;
    size_t want = c.hash_alg == VT_RATLS_HASH_SHA256   ? 32
                  : c.hash_alg == VT_RATLS_HASH_SHA384 ? 48
                  : c.hash_alg == VT_RATLS_HASH_SHA512 ? 64
                                                       : 0;
    if (want == 0 || c.hash_len != want) abort();
}

static void check_evidence(const uint8_t *data, size_t size)
{
    vt_ratls_evidence_t e = {0}, again = {0};
    uint8_t *enc = NULL;
    size_t enc_len = 0;
    int rc = vt_ratls_evidence_parse(data, size, &e);
    check_code(rc);
    if (rc < 0) return;
    if (e.quote_len < VT_RATLS_QUOTE_MIN || e.claims_len == 0) abort();
    if (vt_ratls_evidence_serialize(e.quote, e.quote_len, e.claims, e.claims_len, &enc,
                                    &enc_len) == 0) {
        if (vt_ratls_evidence_parse(enc, enc_len, &again) != 0) abort();
        if (again.quote_len != e.quote_len || again.claims_len != e.claims_len ||
            memcmp(again.quote, e.quote, e.quote_len) != 0 ||
            memcmp(again.claims, e.claims, e.claims_len) != 0)
            abort();
        /* The encoder's output is never longer than any accepted encoding. */
        if (enc_len > size) abort();
        vt_ratls_evidence_cleanup(&again);
        free(enc);
    }
    check_claims(e.claims, e.claims_len);
    vt_ratls_evidence_cleanup(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_evidence(data, size);
    check_claims(data, size);
    uint8_t *inner = NULL;
    size_t inner_len = 0;
    int rc = vt_ratls_cmw_parse(data, size, &inner, &inner_len);
    check_code(rc);
    if (rc == 0) {
        if (inner_len == 0) abort();
        check_evidence(inner, inner_len);
        free(inner);
    }
    return 0;
}
