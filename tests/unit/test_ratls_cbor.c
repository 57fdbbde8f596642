/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The tagged evidence and claims decoders, rule by rule with exact codes: the tag, the
 * array and its item count, byte strings, the minimum quote size, definite lengths
 * everywhere (indefinite arrays, maps, byte and text strings), trailing bytes,
 * truncation at every offset, the claims map (keys, duplicates, empty), the hash entry
 * (item count, algorithm, length per algorithm), and the encoders' exact bytes.
 */
#include "test_util.h"

#include <string.h>

#include "ratls/ratls_internal.h"

#define QUOTE_LEN 500

/* A minimal CBOR writer for hand-made inputs. */
typedef struct {
    uint8_t b[4096];
    size_t n;
} buf_t;

static void put(buf_t *w, const void *p, size_t n)
{
    assert_true(n <= sizeof(w->b) - w->n);
    memcpy(w->b + w->n, p, n);
    w->n += n;
}

static void byte(buf_t *w, uint8_t v)
{
    put(w, &v, 1);
}

static void head(buf_t *w, uint8_t major, uint64_t v)
{
    major <<= 5;
    if (v < 24) {
        byte(w, major | (uint8_t)v);
    } else if (v < 0x100) {
        byte(w, major | 24);
        byte(w, (uint8_t)v);
    } else if (v < 0x10000) {
        byte(w, major | 25);
        byte(w, (uint8_t)(v >> 8));
        byte(w, (uint8_t)v);
    } else {
        byte(w, major | 26);
        for (int i = 3; i >= 0; i--) byte(w, (uint8_t)(v >> (8 * i)));
    }
}

static void bstr(buf_t *w, const uint8_t *p, size_t n)
{
    head(w, 2, n);
    put(w, p, n);
}

static void tstr(buf_t *w, const char *s)
{
    head(w, 3, strlen(s));
    put(w, s, strlen(s));
}

static uint8_t quote[QUOTE_LEN];
static const uint8_t hash32[32] = {1, 2, 3};

/* [alg, bstr(hash of n bytes)] */
static void hash_entry(buf_t *w, uint64_t alg, size_t n)
{
    uint8_t h[64] = {9};
    head(w, 4, 2);
    head(w, 0, alg);
    bstr(w, h, n);
}

/* {"pubkey-hash": bstr(entry)} */
static void claims_with(buf_t *w, const buf_t *entry)
{
    head(w, 5, 1);
    tstr(w, "pubkey-hash");
    bstr(w, entry->b, entry->n);
}

static void good_claims(buf_t *w)
{
    buf_t e = {0};
    hash_entry(&e, 1, 32);
    claims_with(w, &e);
}

/* #6.60000([bstr quote, bstr claims]) */
static void evidence_with(buf_t *w, uint64_t tag, size_t items, size_t qlen, const buf_t *claims)
{
    head(w, 6, tag);
    head(w, 4, items);
    bstr(w, quote, qlen);
    if (items > 1) bstr(w, claims->b, claims->n);
    for (size_t i = 2; i < items; i++) head(w, 0, 0);
}

static int parse_ev(const buf_t *w)
{
    vt_ratls_evidence_t e = {0};
    int rc = vt_ratls_evidence_parse(w->b, w->n, &e);
    vt_ratls_evidence_cleanup(&e);
    return rc;
}

static int parse_claims(const buf_t *w)
{
    vt_ratls_claims_t c;
    return vt_ratls_claims_parse(w->b, w->n, &c);
}

static void evidence_accepts(void **state)
{
    (void)state;
    buf_t c = {0}, w = {0};
    good_claims(&c);
    evidence_with(&w, VT_RATLS_CBOR_TAG, 2, QUOTE_LEN, &c);
    vt_ratls_evidence_t e;
    vt_assert_ok(vt_ratls_evidence_parse(w.b, w.n, &e));
    assert_int_equal(e.quote_len, QUOTE_LEN);
    assert_int_equal(e.claims_len, c.n);
    assert_memory_equal(e.claims, c.b, c.n);
    vt_ratls_evidence_cleanup(&e);
    /* Non-minimal heads are not a rule of the format; they decode. */
    buf_t nm = {0};
    byte(&nm, 0xda); /* tag, 4-byte argument */
    put(&nm, "\x00\x00\xea\x60", 4);
    put(&nm, w.b + 3, w.n - 3);
    vt_assert_ok(parse_ev(&nm));
}

static void evidence_structure(void **state)
{
    (void)state;
    buf_t c = {0};
    good_claims(&c);
    buf_t w;

    w = (buf_t){0}; /* another tag */
    evidence_with(&w, 60001, 2, QUOTE_LEN, &c);
    vt_assert_rc(parse_ev(&w), VT_E_MALFORMED);
    w = (buf_t){0}; /* no tag */
    head(&w, 4, 2);
    bstr(&w, quote, QUOTE_LEN);
    bstr(&w, c.b, c.n);
    vt_assert_rc(parse_ev(&w), VT_E_MALFORMED);
    w = (buf_t){0}; /* 1 item */
    evidence_with(&w, VT_RATLS_CBOR_TAG, 1, QUOTE_LEN, &c);
    vt_assert_rc(parse_ev(&w), VT_E_MALFORMED);
    w = (buf_t){0}; /* 3 items */
    evidence_with(&w, VT_RATLS_CBOR_TAG, 3, QUOTE_LEN, &c);
    vt_assert_rc(parse_ev(&w), VT_E_MALFORMED);
    w = (buf_t){0}; /* tagged map instead of array */
    head(&w, 6, VT_RATLS_CBOR_TAG);
    head(&w, 5, 0);
    vt_assert_rc(parse_ev(&w), VT_E_MALFORMED);
    w = (buf_t){0}; /* quote as a text string */
    head(&w, 6, VT_RATLS_CBOR_TAG);
    head(&w, 4, 2);
    head(&w, 3, QUOTE_LEN);
    put(&w, quote, QUOTE_LEN);
    bstr(&w, c.b, c.n);
    vt_assert_rc(parse_ev(&w), VT_E_MALFORMED);
    w = (buf_t){0}; /* claims as an embedded map, not a byte string */
    head(&w, 6, VT_RATLS_CBOR_TAG);
    head(&w, 4, 2);
    bstr(&w, quote, QUOTE_LEN);
    put(&w, c.b, c.n);
    vt_assert_rc(parse_ev(&w), VT_E_MALFORMED);
    w = (buf_t){0}; /* quote shorter than sgx_quote_t */
    evidence_with(&w, VT_RATLS_CBOR_TAG, 2, VT_RATLS_QUOTE_MIN - 1, &c);
    vt_assert_rc(parse_ev(&w), VT_E_MALFORMED);
    w = (buf_t){0}; /* empty claims */
    buf_t empty = {0};
    evidence_with(&w, VT_RATLS_CBOR_TAG, 2, QUOTE_LEN, &empty);
    vt_assert_rc(parse_ev(&w), VT_E_MALFORMED);
    w = (buf_t){0}; /* empty input */
    vt_assert_rc(parse_ev(&w), VT_E_TRUNCATED);
}

static void evidence_indefinite(void **state)
{
    (void)state;
    buf_t c = {0}, w;
    good_claims(&c);

    w = (buf_t){0}; /* indefinite array */
    head(&w, 6, VT_RATLS_CBOR_TAG);
    byte(&w, 0x9f);
    bstr(&w, quote, QUOTE_LEN);
    bstr(&w, c.b, c.n);
    byte(&w, 0xff);
    vt_assert_rc(parse_ev(&w), VT_E_MALFORMED);
    w = (buf_t){0}; /* indefinite byte string (two chunks) for the quote */
    head(&w, 6, VT_RATLS_CBOR_TAG);
    head(&w, 4, 2);
    byte(&w, 0x5f);
    bstr(&w, quote, 250);
    bstr(&w, quote, 250);
    byte(&w, 0xff);
    bstr(&w, c.b, c.n);
    vt_assert_rc(parse_ev(&w), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "indefinite"));
}

static void evidence_trailing_and_truncated(void **state)
{
    (void)state;
    buf_t c = {0}, w = {0};
    good_claims(&c);
    evidence_with(&w, VT_RATLS_CBOR_TAG, 2, QUOTE_LEN, &c);
    buf_t t = w;
    byte(&t, 0x00);
    vt_assert_rc(parse_ev(&t), VT_E_TRAILING_DATA);
    for (size_t cut = 1; cut < w.n; cut++) {
        vt_ratls_evidence_t e = {0};
        int rc = vt_ratls_evidence_parse(w.b, cut, &e);
        if (rc != VT_E_TRUNCATED && rc != VT_E_MALFORMED) {
            print_error("cut at %zu: %s\n", cut, vt_error_name(rc));
            fail();
        }
    }
    /* Heads announcing more items or bytes than remain (libcbor would preallocate them). */
    const struct {
        uint8_t major;
        uint64_t n;
    } huge[] = {{4, 0xffffffff}, {5, 0x7fffffff}, {2, 0xffffffff}, {3, 0x10000}, {4, 3}};
    for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
        buf_t h = {0};
        head(&h, 6, VT_RATLS_CBOR_TAG);
        head(&h, huge[i].major, huge[i].n);
        byte(&h, 0x00);
        byte(&h, 0x00);
        vt_assert_rc(parse_ev(&h), VT_E_TRUNCATED);
        h = (buf_t){0}; /* the same inside an ignored claim */
        head(&h, 5, 1);
        tstr(&h, "x");
        head(&h, huge[i].major, huge[i].n);
        vt_assert_rc(parse_claims(&h), VT_E_TRUNCATED);
    }
    /* Found by fuzz_ratls_cbor: an indefinite byte string whose chunk is an array of
       2.4e9 items. */
    static const uint8_t oom[] = {0x5f, 0x9a, 0x91, 0x90, 0x91, 0x9c, 0x9a, 0xbd, 0x14, 0x01};
    vt_ratls_evidence_t e = {0};
    int rc = vt_ratls_evidence_parse(oom, sizeof(oom), &e);
    assert_true(rc == VT_E_MALFORMED || rc == VT_E_TRUNCATED);
    /* Over the extension maximum. */
    static uint8_t big[VT_RATLS_EXT_MAX + 1];
    vt_assert_rc(vt_ratls_evidence_parse(big, sizeof(big), &e), VT_E_TOO_LARGE);
}

static void claims_accepts(void **state)
{
    (void)state;
    for (uint64_t alg = 1; alg <= 8; alg++) {
        size_t n = alg == 1 ? 32 : alg == 7 ? 48 : alg == 8 ? 64 : 0;
        if (!n) continue;
        buf_t e = {0}, w = {0};
        hash_entry(&e, alg, n);
        claims_with(&w, &e);
        vt_ratls_claims_t c;
        vt_assert_ok(vt_ratls_claims_parse(w.b, w.n, &c));
        assert_true(c.has_pubkey_hash);
        assert_int_equal(c.hash_alg, alg);
        assert_int_equal(c.hash_len, n);
    }
    /* Unknown claims next to pubkey-hash are ignored, whatever their type. */
    buf_t e = {0}, w = {0};
    hash_entry(&e, 1, 32);
    head(&w, 5, 2);
    tstr(&w, "nonce");
    head(&w, 4, 1);
    head(&w, 0, 5);
    tstr(&w, "pubkey-hash");
    bstr(&w, e.b, e.n);
    vt_assert_ok(parse_claims(&w));
    /* Without pubkey-hash: decodes, but has_pubkey_hash is false (the verifier rejects). */
    w = (buf_t){0};
    head(&w, 5, 1);
    tstr(&w, "nonce");
    bstr(&w, hash32, 16);
    vt_ratls_claims_t c;
    vt_assert_ok(vt_ratls_claims_parse(w.b, w.n, &c));
    assert_false(c.has_pubkey_hash);
}

static void claims_map_rules(void **state)
{
    (void)state;
    buf_t e = {0}, w;
    hash_entry(&e, 1, 32);

    w = (buf_t){0}; /* not a map */
    head(&w, 4, 0);
    vt_assert_rc(parse_claims(&w), VT_E_MALFORMED);
    w = (buf_t){0}; /* empty map */
    head(&w, 5, 0);
    vt_assert_rc(parse_claims(&w), VT_E_MALFORMED);
    w = (buf_t){0}; /* integer key */
    head(&w, 5, 1);
    head(&w, 0, 1);
    bstr(&w, e.b, e.n);
    vt_assert_rc(parse_claims(&w), VT_E_MALFORMED);
    w = (buf_t){0}; /* empty text key */
    head(&w, 5, 1);
    tstr(&w, "");
    bstr(&w, e.b, e.n);
    vt_assert_rc(parse_claims(&w), VT_E_MALFORMED);
    w = (buf_t){0}; /* duplicate keys */
    head(&w, 5, 2);
    tstr(&w, "pubkey-hash");
    bstr(&w, e.b, e.n);
    tstr(&w, "pubkey-hash");
    bstr(&w, e.b, e.n);
    vt_assert_rc(parse_claims(&w), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "duplicate"));
    w = (buf_t){0}; /* indefinite map */
    byte(&w, 0xbf);
    tstr(&w, "pubkey-hash");
    bstr(&w, e.b, e.n);
    byte(&w, 0xff);
    vt_assert_rc(parse_claims(&w), VT_E_MALFORMED);
    w = (buf_t){0}; /* indefinite text key */
    head(&w, 5, 1);
    byte(&w, 0x7f);
    tstr(&w, "pubkey-hash");
    byte(&w, 0xff);
    bstr(&w, e.b, e.n);
    vt_assert_rc(parse_claims(&w), VT_E_MALFORMED);
    w = (buf_t){0}; /* indefinite array inside an ignored claim */
    head(&w, 5, 2);
    tstr(&w, "pubkey-hash");
    bstr(&w, e.b, e.n);
    tstr(&w, "x");
    byte(&w, 0x9f);
    byte(&w, 0xff);
    vt_assert_rc(parse_claims(&w), VT_E_MALFORMED);
    w = (buf_t){0}; /* nesting deeper than allowed inside an ignored claim */
    head(&w, 5, 2);
    tstr(&w, "pubkey-hash");
    bstr(&w, e.b, e.n);
    tstr(&w, "x");
    for (int i = 0; i < 20; i++) head(&w, 4, 1);
    head(&w, 0, 0);
    vt_assert_rc(parse_claims(&w), VT_E_MALFORMED);
    w = (buf_t){0}; /* trailing bytes */
    good_claims(&w);
    byte(&w, 0xa0);
    vt_assert_rc(parse_claims(&w), VT_E_TRAILING_DATA);
}

static void hash_entry_rules(void **state)
{
    (void)state;
    buf_t e, w;
    uint8_t h[64] = {0};

    e = (buf_t){0}, w = (buf_t){0}; /* 3 items */
    head(&e, 4, 3);
    head(&e, 0, 1);
    bstr(&e, h, 32);
    head(&e, 0, 0);
    claims_with(&w, &e);
    vt_assert_rc(parse_claims(&w), VT_E_MALFORMED);
    e = (buf_t){0}, w = (buf_t){0}; /* alg as text */
    head(&e, 4, 2);
    tstr(&e, "sha-256");
    bstr(&e, h, 32);
    claims_with(&w, &e);
    vt_assert_rc(parse_claims(&w), VT_E_MALFORMED);
    e = (buf_t){0}, w = (buf_t){0}; /* negative alg */
    head(&e, 4, 2);
    head(&e, 1, 0);
    bstr(&e, h, 32);
    claims_with(&w, &e);
    vt_assert_rc(parse_claims(&w), VT_E_MALFORMED);
    const uint64_t bad_algs[] = {0, 2, 6, 9, 1000};
    for (size_t i = 0; i < sizeof(bad_algs) / sizeof(bad_algs[0]); i++) {
        e = (buf_t){0}, w = (buf_t){0};
        hash_entry(&e, bad_algs[i], 32);
        claims_with(&w, &e);
        vt_assert_rc(parse_claims(&w), VT_E_UNSUPPORTED);
    }
    const struct {
        uint64_t alg;
        size_t len;
    } mismatched[] = {{1, 31}, {1, 33}, {1, 48}, {7, 32}, {7, 64}, {8, 48}, {8, 0}};
    for (size_t i = 0; i < sizeof(mismatched) / sizeof(mismatched[0]); i++) {
        e = (buf_t){0}, w = (buf_t){0};
        hash_entry(&e, mismatched[i].alg, mismatched[i].len);
        claims_with(&w, &e);
        vt_assert_rc(parse_claims(&w), VT_E_MALFORMED);
    }
    e = (buf_t){0}, w = (buf_t){0}; /* hash as text */
    head(&e, 4, 2);
    head(&e, 0, 1);
    head(&e, 3, 32);
    put(&e, h, 32);
    claims_with(&w, &e);
    vt_assert_rc(parse_claims(&w), VT_E_MALFORMED);
    e = (buf_t){0}, w = (buf_t){0}; /* trailing bytes inside the entry */
    hash_entry(&e, 1, 32);
    byte(&e, 0x00);
    claims_with(&w, &e);
    vt_assert_rc(parse_claims(&w), VT_E_TRAILING_DATA);
    e = (buf_t){0}, w = (buf_t){0}; /* entry not wrapped in a byte string */
    head(&w, 5, 1);
    tstr(&w, "pubkey-hash");
    hash_entry(&w, 1, 32);
    vt_assert_rc(parse_claims(&w), VT_E_MALFORMED);
    e = (buf_t){0}, w = (buf_t){0}; /* empty byte string */
    claims_with(&w, &e);
    vt_assert_rc(parse_claims(&w), VT_E_MALFORMED);
    e = (buf_t){0}, w = (buf_t){0}; /* indefinite hash byte string */
    head(&e, 4, 2);
    head(&e, 0, 1);
    byte(&e, 0x5f);
    bstr(&e, h, 32);
    byte(&e, 0xff);
    claims_with(&w, &e);
    vt_assert_rc(parse_claims(&w), VT_E_MALFORMED);
}

static void encoders_exact(void **state)
{
    (void)state;
    uint8_t *claims, *ev;
    size_t claims_len, ev_len;
    vt_assert_ok(vt_ratls_claims_serialize(hash32, &claims, &claims_len));
    assert_int_equal(claims_len, VT_RATLS_CLAIMS_LEN);
    buf_t want = {0};
    put(&want, "\xa1\x6bpubkey-hash\x58\x24\x82\x01\x58\x20", 19);
    put(&want, hash32, 32);
    assert_memory_equal(claims, want.b, want.n);
    /* The quote length decides the bstr head; 256..65535 gives the 60-byte overhead. */
    vt_assert_ok(vt_ratls_evidence_serialize(quote, QUOTE_LEN, claims, claims_len, &ev, &ev_len));
    assert_int_equal(ev_len, QUOTE_LEN + VT_RATLS_EVIDENCE_OVERHEAD);
    assert_memory_equal(ev, "\xd9\xea\x60\x82\x59\x01\xf4", 7);
    assert_memory_equal(ev + 7 + QUOTE_LEN, "\x58\x33", 2);
    vt_ratls_evidence_t e;
    vt_assert_ok(vt_ratls_evidence_parse(ev, ev_len, &e)); /* round trip */
    assert_memory_equal(e.claims, claims, claims_len);
    vt_ratls_claims_t c;
    vt_assert_ok(vt_ratls_claims_parse(e.claims, e.claims_len, &c));
    assert_memory_equal(c.hash, hash32, 32);
    vt_ratls_evidence_cleanup(&e);
    free(ev);
    free(claims);
}

int main(void)
{
    memset(quote, 0x11, sizeof(quote));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(evidence_accepts),    cmocka_unit_test(evidence_structure),
        cmocka_unit_test(evidence_indefinite), cmocka_unit_test(evidence_trailing_and_truncated),
        cmocka_unit_test(claims_accepts),      cmocka_unit_test(claims_map_rules),
        cmocka_unit_test(hash_entry_rules),    cmocka_unit_test(encoders_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
