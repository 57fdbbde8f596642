/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The evidence of an RA-TLS certificate, verified: which extension carries it, its key
 * binding, the quote verification and the SGX attribute checks (gramine-compat.md §5
 * steps 4-6). Policy appraisal and caching are the caller's (verifier.c).
 *
 * Sources, in order of preference:
 *   - TCG tagged evidence (2.23.133.5.4.9): the claims must hold "pubkey-hash" matching
 *     the certificate key (Gramine does not require it) and the quote's REPORTDATA must
 *     hash the claims;
 *   - id-pe-cmw (1.3.6.1.5.5.7.1.35, see cmw.c): a record whose value is either the same
 *     tagged evidence (checked as above; recognized by its tag head D9 EA 60) or a raw
 *     quote bound like the legacy one;
 *   - Gramine's legacy quote extension: REPORTDATA hashes the key's SPKI.
 * When the legacy extension accompanies TCG or CMW evidence, its quote is verified too
 * and must have the same report body as the primary quote except REPORTDATA (same TEE,
 * same identity, same TCB), else VT_E_REPORT_DATA. Gramine ignores it in that case.
 */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/ossl.h"
#include "ratls/ratls_internal.h"

#define SGX_REPORT_DATA_OFF 320
#define TD_REPORT_DATA_OFF  520

static const uint8_t tagged_evidence_head[3] = {0xd9, 0xea, 0x60}; /* #6.60000 */

typedef struct {
    const uint8_t *spki;
    size_t spki_len;
    vt_verifier_t *v;
    vt_time_t at;
} ctx_t;

/* A quote with its parsed view (borrowing from it). */
typedef struct {
    uint8_t *buf; /* owned */
    size_t len;
    vt_quote_t q;
} quote_t;

static int parse_quote(uint8_t *buf, size_t len, const char *what, quote_t *out)
{
    out->buf = buf;
    out->len = len;
    int rc = vt_quote_parse(buf, len, &out->q);
    if (rc < 0) return vt_error_wrap(rc, "ratls: %s", what);
    return 0;
}

/* SGX attributes as Gramine checks them (§5 step 6); DEBUG is the policy's decision. */
static int check_sgx_attributes(const vt_verify_result_t *r, const char *what)
{
    if (r->tee != VT_TEE_SGX) return 0;
    uint64_t f = vt_sgx_report_flags(&r->sgx);
    VT_ENSURE(f & VT_SGX_FLAG_INIT, VT_E_POLICY, "ratls: %s: enclave attribute INIT is clear",
              what);
    VT_ENSURE(f & VT_SGX_FLAG_MODE64BIT, VT_E_POLICY,
              "ratls: %s: enclave attribute MODE64BIT is clear", what);
    VT_ENSURE(!(f & VT_RATLS_SGX_FLAG_PROVISION_KEY), VT_E_POLICY,
              "ratls: %s: enclave attribute PROVISION_KEY is set", what);
    VT_ENSURE(!(f & VT_RATLS_SGX_FLAG_LICENSE_KEY), VT_E_POLICY,
              "ratls: %s: enclave attribute EINITTOKEN_KEY is set", what);
    return 0;
}

static int verify_quote(const ctx_t *c, const quote_t *q, const char *what, vt_verify_result_t *r)
{
    int rc = vt_verifier_verify(c->v, q->buf, q->len, c->at, r);
    if (rc < 0) return vt_error_wrap(rc, "ratls: %s", what);
    return check_sgx_attributes(r, what);
}

/* Tagged evidence: claims bind the key, the quote binds the claims. Takes ev's quote. */
static int bind_tagged(const ctx_t *c, const uint8_t *val, size_t len, const char *what,
                       quote_t *out)
{
    int rc = VT_E_INTERNAL;
    vt_ratls_evidence_t ev = {0};
    vt_ratls_claims_t claims;
    uint8_t hash[VT_RATLS_HASH_MAX], rd[VT_REPORT_DATA_LEN];
    size_t hash_len = 0;

    VT_TRY(vt_ratls_evidence_parse(val, len, &ev));
    VT_TRY(vt_ratls_claims_parse(ev.claims, ev.claims_len, &claims));
    VT_TRY_ENSURE(claims.has_pubkey_hash, VT_E_REPORT_DATA,
                  "ratls: %s: claims carry no pubkey-hash (evidence not bound to a key)", what);
    VT_TRY(vt_ratls_hash(claims.hash_alg, c->spki, c->spki_len, hash, &hash_len));
    VT_TRY_ENSURE(hash_len == claims.hash_len && CRYPTO_memcmp(hash, claims.hash, hash_len) == 0,
                  VT_E_REPORT_DATA, "ratls: %s: pubkey-hash does not match the certificate key",
                  what);
    rc = parse_quote(ev.quote, ev.quote_len, what, out);
    ev.quote = NULL; /* out owns it now, parsed or not */
    if (rc < 0) goto out;
    vt_ratls_report_data_evidence(ev.claims, ev.claims_len, rd);
    VT_TRY(vt_ratls_report_data_check(&out->q, rd, "tcg evidence quote (hash of the claims)"));
    rc = 0;
out:
    vt_ratls_evidence_cleanup(&ev);
    return rc;
}

/* A raw quote whose REPORTDATA hashes the SPKI. Takes buf. */
static int bind_raw(const ctx_t *c, uint8_t *buf, size_t len, const char *what, quote_t *out)
{
    uint8_t rd[VT_REPORT_DATA_LEN];
    VT_GUARD(parse_quote(buf, len, what, out));
    vt_ratls_report_data_legacy(c->spki, c->spki_len, rd);
    return vt_ratls_report_data_check(&out->q, rd, what);
}

static int dup(const uint8_t *p, size_t n, uint8_t **out)
{
    *out = malloc(n);
    VT_ENSURE(*out != NULL, VT_E_NOMEM, "ratls: out of memory");
    memcpy(*out, p, n); /* vt-lint: allow (bounded by the extension length) */
    return 0;
}

static int bind_cmw(const ctx_t *c, const uint8_t *val, size_t len, quote_t *out)
{
    uint8_t *inner = NULL;
    size_t inner_len = 0;
    VT_GUARD(vt_ratls_cmw_parse(val, len, &inner, &inner_len));
    if (inner_len >= sizeof(tagged_evidence_head) &&
        CRYPTO_memcmp(inner, tagged_evidence_head, sizeof(tagged_evidence_head)) == 0) {
        int rc = bind_tagged(c, inner, inner_len, "cmw evidence quote", out);
        free(inner);
        return rc;
    }
    return bind_raw(c, inner, inner_len, "cmw quote (hash of the key)", out);
}

/* The report body's length for a parsed quote's body type. */
static size_t body_len_of(const vt_quote_t *q)
{
    if (q->body_type == VT_BODY_SGX) return VT_SGX_REPORT_BODY_LEN;
    return q->body_type == VT_BODY_TD15 ? VT_TD15_REPORT_BODY_LEN : VT_TD10_REPORT_BODY_LEN;
}

/*
 * Same report body except REPORTDATA. The body is the end of the signed region: v3/v4
 * put it right after the header, v5 after a 6-byte body type and size.
 */
static int same_identity(const quote_t *a, const quote_t *b)
{
    VT_ENSURE(a->q.tee == b->q.tee && a->q.body_type == b->q.body_type &&
                  a->q.header.version == b->q.header.version && a->q.signed_len == b->q.signed_len,
              VT_E_REPORT_DATA, "ratls: the legacy quote is of another tee or body type");
    size_t body = body_len_of(&a->q);
    VT_ENSURE(a->q.signed_len >= VT_QUOTE_HEADER_LEN + body, VT_E_INTERNAL,
              "ratls: signed region of %zu bytes cannot hold a report body of %zu", a->q.signed_len,
              body);
    const uint8_t *x = a->q.signed_data + a->q.signed_len - body;
    const uint8_t *y = b->q.signed_data + b->q.signed_len - body;
    size_t rd = a->q.body_type == VT_BODY_SGX ? SGX_REPORT_DATA_OFF : TD_REPORT_DATA_OFF;
    size_t tail = rd + VT_REPORT_DATA_LEN;
    VT_ENSURE(CRYPTO_memcmp(x, y, rd) == 0 && CRYPTO_memcmp(x + tail, y + tail, body - tail) == 0,
              VT_E_REPORT_DATA,
              "ratls: the legacy and the tcg quotes disagree (different report bodies)");
    return 0;
}

int vt_ratls_evidence_verify(vt_verifier_t *v, const X509 *cert, const uint8_t *spki,
                             size_t spki_len, vt_time_t at, vt_ratls_verified_t *out)
{
    int rc = VT_E_INTERNAL;
    ctx_t c = {.spki = spki, .spki_len = spki_len, .v = v, .at = at};
    vt_ratls_exts_t e;
    quote_t primary = {0}, legacy = {0};
    uint8_t *buf = NULL;
    const char *what = "legacy quote";

    *out = (vt_ratls_verified_t){0};
    VT_TRY(vt_ratls_exts_find(cert, &e));
    if (e.tcg) {
        out->source = VT_RATLS_EXT_TCG;
        what = "tcg evidence quote";
        VT_TRY(bind_tagged(&c, e.tcg, e.tcg_len, what, &primary));
    } else if (e.cmw) {
        out->source = VT_RATLS_EXT_CMW;
        what = "cmw quote";
        VT_TRY(bind_cmw(&c, e.cmw, e.cmw_len, &primary));
    }
    if (e.legacy) {
        VT_TRY(dup(e.legacy, e.legacy_len, &buf));
        quote_t *dst = out->source == VT_RATLS_EXT_NONE ? &primary : &legacy;
        rc = bind_raw(&c, buf, e.legacy_len, "legacy quote (hash of the key)", dst);
        buf = NULL;
        if (rc < 0) goto out;
        if (out->source == VT_RATLS_EXT_NONE)
            out->source = VT_RATLS_EXT_LEGACY;
        else
            VT_TRY(same_identity(&primary, &legacy));
    }
    VT_TRY(verify_quote(&c, &primary, what, &out->primary));
    if (legacy.buf) {
        out->has_legacy = true;
        VT_TRY(verify_quote(&c, &legacy, "legacy quote", &out->legacy));
    }
    rc = 0;
out:
    free(buf);
    free(primary.buf);
    free(legacy.buf);
    return rc;
}
