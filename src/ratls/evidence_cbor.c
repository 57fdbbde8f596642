/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The TCG DICE tagged evidence of an RA-TLS certificate and its claims map
 * (gramine-compat.md §3.3), encoded and decoded with libcbor.
 *
 *   evidence   = #6.60000([bstr quote, bstr claims])
 *   claims     = {"pubkey-hash": bstr(hash-entry)}
 *   hash-entry = [uint alg, bstr hash]          alg: 1 sha-256, 7 sha-384, 8 sha-512
 *
 * Decoding is stricter than Gramine's: every item anywhere must have a definite length,
 * nesting is bounded, arrays have exactly the items the schema names, map keys are
 * unique, and nothing may follow the top-level item (libcbor's cbor_load alone accepts
 * trailing bytes and duplicate keys).
 */
#include <cbor.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "ratls/ratls_internal.h"

#define CLAIM_PUBKEY_HASH "pubkey-hash"
/* Deepest nesting a claims value may have (ours has 1). */
#define CBOR_DEPTH_MAX 8

/* ---- Strict loading ------------------------------------------------------------- */

static bool is_definite(const cbor_item_t *it, unsigned depth)
{
    if (depth > CBOR_DEPTH_MAX) return false;
    switch (cbor_typeof(it)) {
    case CBOR_TYPE_BYTESTRING:
        return cbor_bytestring_is_definite(it);
    case CBOR_TYPE_STRING:
        return cbor_string_is_definite(it);
    case CBOR_TYPE_ARRAY: {
        if (!cbor_array_is_definite(it)) return false;
        cbor_item_t **items = cbor_array_handle(it);
        for (size_t i = 0; i < cbor_array_size(it); i++) {
            if (!is_definite(items[i], depth + 1)) return false;
        }
        return true;
    }
    case CBOR_TYPE_MAP: {
        if (!cbor_map_is_definite(it)) return false;
        struct cbor_pair *pairs = cbor_map_handle(it);
        for (size_t i = 0; i < cbor_map_size(it); i++) {
            if (!is_definite(pairs[i].key, depth + 1) || !is_definite(pairs[i].value, depth + 1))
                return false;
        }
        return true;
    }
    case CBOR_TYPE_TAG: {
        cbor_item_t *inner = cbor_tag_item(it);
        bool ok = is_definite(inner, depth + 1);
        cbor_decref(&inner);
        return ok;
    }
    default:
        return true;
    }
}

/*
 * Pre-scan with libcbor's streaming decoder, which allocates nothing: cbor_load
 * preallocates (and zeroes) the item count an array or map head declares, so five
 * bytes (9A FF FF FF FF) would cost 32 GiB. Every declared count must fit in the bytes
 * that remain (each item takes at least one byte), nesting is bounded, and indefinite
 * lengths are refused before cbor_load sees them.
 */
typedef enum { EV_SCALAR, EV_CONTAINER, EV_INDEFINITE } event_t;

typedef struct {
    event_t event;
    uint64_t count; /* items a container or tag head announces */
} scan_event_t;

static void on_indefinite(void *ctx)
{
    ((scan_event_t *)ctx)->event = EV_INDEFINITE;
}

static void on_array(void *ctx, size_t n)
{
    scan_event_t *e = ctx;
    e->event = EV_CONTAINER;
    e->count = n;
}

static void on_map(void *ctx, size_t n)
{
    scan_event_t *e = ctx;
    e->event = EV_CONTAINER;
    e->count = (uint64_t)n * 2; /* n <= SIZE_MAX from a u64 head: checked below */
    if (n > UINT64_MAX / 2) e->count = UINT64_MAX;
}

static void on_tag(void *ctx, uint64_t tag)
{
    scan_event_t *e = ctx;
    (void)tag;
    e->event = EV_CONTAINER;
    e->count = 1;
}

static int prescan(const uint8_t *buf, size_t len, const char *what)
{
    struct cbor_callbacks cb = cbor_empty_callbacks;
    uint64_t open[CBOR_DEPTH_MAX + 2]; /* items still expected per open container */
    size_t depth = 0, pos = 0;

    cb.byte_string_start = on_indefinite;
    cb.string_start = on_indefinite;
    cb.indef_array_start = on_indefinite;
    cb.indef_map_start = on_indefinite;
    cb.indef_break = on_indefinite;
    cb.array_start = on_array;
    cb.map_start = on_map;
    cb.tag = on_tag;
    do {
        scan_event_t e = {EV_SCALAR, 0};
        struct cbor_decoder_result r = cbor_stream_decode(buf + pos, len - pos, &cb, &e);
        VT_ENSURE(r.status != CBOR_DECODER_NEDATA, VT_E_TRUNCATED, "%s: cbor truncated at byte %zu",
                  what, pos);
        VT_ENSURE(r.status == CBOR_DECODER_FINISHED && r.read > 0 && r.read <= len - pos,
                  VT_E_MALFORMED, "%s: malformed cbor at byte %zu", what, pos);
        VT_ENSURE(e.event != EV_INDEFINITE, VT_E_MALFORMED,
                  "%s: indefinite-length cbor item at byte %zu", what, pos);
        pos += r.read;
        if (depth > 0) open[depth - 1]--;
        if (e.event == EV_CONTAINER && e.count > 0) {
            VT_ENSURE(e.count <= len - pos, VT_E_TRUNCATED,
                      "%s: cbor container at byte %zu announces %llu items, %zu bytes remain", what,
                      pos - r.read, (unsigned long long)e.count, len - pos);
            VT_ENSURE(depth < CBOR_DEPTH_MAX + 1, VT_E_MALFORMED,
                      "%s: cbor nested deeper than %d at byte %zu", what, CBOR_DEPTH_MAX,
                      pos - r.read);
            open[depth++] = e.count;
        }
        while (depth > 0 && open[depth - 1] == 0) depth--;
    } while (depth > 0);
    return 0;
}

/* cbor_load with a size cap, an exact length, and definite lengths everywhere. */
int vt_ratls_cbor_load(const uint8_t *buf, size_t len, const char *what, cbor_item_t **out)
{
    struct cbor_load_result res;

    VT_ENSURE(len > 0, VT_E_TRUNCATED, "%s: empty", what);
    VT_ENSURE(len <= VT_RATLS_EXT_MAX, VT_E_TOO_LARGE, "%s: %zu bytes, at most %d", what, len,
              VT_RATLS_EXT_MAX);
    VT_GUARD(prescan(buf, len, what));
    cbor_item_t *it = cbor_load(buf, len, &res);
    if (it == NULL) {
        VT_ENSURE(res.error.code != CBOR_ERR_MEMERROR, VT_E_NOMEM, "%s: out of memory", what);
        VT_ENSURE(res.error.code != CBOR_ERR_NOTENOUGHDATA, VT_E_TRUNCATED,
                  "%s: cbor truncated at byte %zu", what, res.error.position);
        VT_BAIL(VT_E_MALFORMED, "%s: malformed cbor at byte %zu", what, res.error.position);
    }
    if (res.read != len) {
        cbor_decref(&it);
        VT_BAIL(VT_E_TRAILING_DATA, "%s: %zu bytes after the cbor item", what, len - res.read);
    }
    if (!is_definite(it, 0)) {
        cbor_decref(&it);
        VT_BAIL(VT_E_MALFORMED, "%s: indefinite-length or too deeply nested cbor item", what);
    }
    *out = it;
    return 0;
}

static int dup_bytes(const cbor_item_t *bstr, uint8_t **out, size_t *len)
{
    size_t n = cbor_bytestring_length(bstr);
    uint8_t *p = malloc(n ? n : 1);
    VT_ENSURE(p != NULL, VT_E_NOMEM, "out of memory copying a cbor byte string");
    if (n) memcpy(p, cbor_bytestring_handle(bstr), n); /* vt-lint: allow (length from libcbor) */
    *out = p;
    *len = n;
    return 0;
}

/* ---- Evidence ------------------------------------------------------------------- */

void vt_ratls_evidence_cleanup(vt_ratls_evidence_t *e)
{
    if (!e) return;
    free(e->quote);
    free(e->claims);
    *e = (vt_ratls_evidence_t){0};
}

static int evidence_items(const cbor_item_t *top, const cbor_item_t **quote,
                          const cbor_item_t **claims, cbor_item_t **array)
{
    VT_ENSURE(cbor_isa_tag(top), VT_E_MALFORMED, "tcg evidence: not a cbor tag");
    VT_ENSURE(cbor_tag_value(top) == VT_RATLS_CBOR_TAG, VT_E_MALFORMED,
              "tcg evidence: cbor tag %llu, expected %d", (unsigned long long)cbor_tag_value(top),
              VT_RATLS_CBOR_TAG);
    cbor_item_t *arr = cbor_tag_item(top);
    *array = arr;
    VT_ENSURE(cbor_isa_array(arr), VT_E_MALFORMED, "tcg evidence: tagged item is not an array");
    VT_ENSURE(cbor_array_size(arr) == 2, VT_E_MALFORMED,
              "tcg evidence: array of %zu items, expected 2", cbor_array_size(arr));
    cbor_item_t **items = cbor_array_handle(arr);
    VT_ENSURE(cbor_isa_bytestring(items[0]), VT_E_MALFORMED,
              "tcg evidence: item 0 (quote) is not a byte string");
    VT_ENSURE(cbor_isa_bytestring(items[1]), VT_E_MALFORMED,
              "tcg evidence: item 1 (claims) is not a byte string");
    VT_ENSURE(cbor_bytestring_length(items[0]) >= VT_RATLS_QUOTE_MIN, VT_E_MALFORMED,
              "tcg evidence: quote of %zu bytes, at least %d", cbor_bytestring_length(items[0]),
              VT_RATLS_QUOTE_MIN);
    VT_ENSURE(cbor_bytestring_length(items[1]) > 0, VT_E_MALFORMED, "tcg evidence: empty claims");
    *quote = items[0];
    *claims = items[1];
    return 0;
}

int vt_ratls_evidence_parse(const uint8_t *buf, size_t len, vt_ratls_evidence_t *out)
{
    int rc = VT_E_INTERNAL;
    cbor_item_t *top = NULL, *arr = NULL;
    const cbor_item_t *quote = NULL, *claims = NULL;
    vt_ratls_evidence_t e = {0};

    VT_TRY(vt_ratls_cbor_load(buf, len, "tcg evidence", &top));
    VT_TRY(evidence_items(top, &quote, &claims, &arr));
    VT_TRY(dup_bytes(quote, &e.quote, &e.quote_len));
    VT_TRY(dup_bytes(claims, &e.claims, &e.claims_len));
    *out = e;
    e = (vt_ratls_evidence_t){0};
    rc = 0;
out:
    vt_ratls_evidence_cleanup(&e);
    if (arr) cbor_decref(&arr);
    if (top) cbor_decref(&top);
    return rc;
}

/* Serializes it to a new heap buffer and drops the caller's reference to it. */
static int serialize_item(cbor_item_t *it, const char *what, uint8_t **out, size_t *out_len)
{
    uint8_t *buf = NULL;
    size_t cap = 0;
    size_t n = cbor_serialize_alloc(it, &buf, &cap);
    cbor_decref(&it);
    VT_ENSURE(n > 0 && buf != NULL, VT_E_NOMEM, "%s: cbor serialization failed", what);
    *out = buf;
    *out_len = n;
    return 0;
}

/* cbor_array_push / cbor_map_add take their own reference; drop ours. */
static bool push(cbor_item_t *arr, cbor_item_t *it)
{
    if (it == NULL) return false;
    bool ok = cbor_array_push(arr, it);
    cbor_decref(&it);
    return ok;
}

int vt_ratls_evidence_serialize(const uint8_t *quote, size_t quote_len, const uint8_t *claims,
                                size_t claims_len, uint8_t **out, size_t *out_len)
{
    cbor_item_t *arr = cbor_new_definite_array(2);
    VT_ENSURE(arr != NULL, VT_E_NOMEM, "tcg evidence: out of memory");
    if (!push(arr, cbor_build_bytestring(quote, quote_len)) ||
        !push(arr, cbor_build_bytestring(claims, claims_len))) {
        cbor_decref(&arr);
        VT_BAIL(VT_E_NOMEM, "tcg evidence: out of memory");
    }
    cbor_item_t *tag = cbor_build_tag(VT_RATLS_CBOR_TAG, arr);
    cbor_decref(&arr);
    VT_ENSURE(tag != NULL, VT_E_NOMEM, "tcg evidence: out of memory");
    return serialize_item(tag, "tcg evidence", out, out_len);
}

/* ---- Claims --------------------------------------------------------------------- */

static size_t hash_len_of(uint64_t alg)
{
    switch (alg) {
    case VT_RATLS_HASH_SHA256:
        return 32;
    case VT_RATLS_HASH_SHA384:
        return 48;
    case VT_RATLS_HASH_SHA512:
        return 64;
    default:
        return 0;
    }
}

/* hash-entry = [uint alg, bstr hash], itself CBOR inside the claim's byte string. */
static int parse_hash_entry(const cbor_item_t *bstr, vt_ratls_claims_t *c)
{
    cbor_item_t *entry = NULL;
    VT_ENSURE(cbor_isa_bytestring(bstr) && cbor_bytestring_length(bstr) > 0, VT_E_MALFORMED,
              "claims: pubkey-hash is not a non-empty byte string");
    VT_GUARD(vt_ratls_cbor_load(cbor_bytestring_handle(bstr), cbor_bytestring_length(bstr),
                                "claims: pubkey-hash", &entry));
    int rc = VT_E_MALFORMED;
    cbor_item_t **items = cbor_isa_array(entry) ? cbor_array_handle(entry) : NULL;
    VT_TRY_ENSURE(items != NULL && cbor_array_size(entry) == 2, VT_E_MALFORMED,
                  "claims: pubkey-hash is not an array of 2 items");
    VT_TRY_ENSURE(cbor_isa_uint(items[0]), VT_E_MALFORMED,
                  "claims: pubkey-hash algorithm is not an unsigned integer");
    uint64_t alg = cbor_get_int(items[0]);
    size_t want = hash_len_of(alg);
    VT_TRY_ENSURE(want != 0, VT_E_UNSUPPORTED,
                  "claims: pubkey-hash algorithm %llu (expected 1, 7 or 8)",
                  (unsigned long long)alg);
    VT_TRY_ENSURE(cbor_isa_bytestring(items[1]), VT_E_MALFORMED,
                  "claims: pubkey-hash value is not a byte string");
    VT_TRY_ENSURE(cbor_bytestring_length(items[1]) == want, VT_E_MALFORMED,
                  "claims: pubkey-hash of %zu bytes, algorithm %llu needs %zu",
                  cbor_bytestring_length(items[1]), (unsigned long long)alg, want);
    c->hash_alg = alg;
    c->hash_len = want;
    memcpy(c->hash, cbor_bytestring_handle(items[1]), want); /* vt-lint: allow (checked) */
    c->has_pubkey_hash = true;
    rc = 0;
out:
    cbor_decref(&entry);
    return rc;
}

static bool same_key(const cbor_item_t *a, const cbor_item_t *b)
{
    return cbor_string_length(a) == cbor_string_length(b) &&
           memcmp(cbor_string_handle(a), cbor_string_handle(b), /* vt-lint: allow (public) */
                  cbor_string_length(a)) == 0;
}

static int check_keys(const struct cbor_pair *pairs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        VT_ENSURE(cbor_isa_string(pairs[i].key) && cbor_string_length(pairs[i].key) > 0,
                  VT_E_MALFORMED, "claims: key %zu is not a non-empty text string", i);
        for (size_t j = 0; j < i; j++) {
            VT_ENSURE(!same_key(pairs[i].key, pairs[j].key), VT_E_MALFORMED,
                      "claims: duplicate key %.*s", (int)cbor_string_length(pairs[i].key),
                      (const char *)cbor_string_handle(pairs[i].key));
        }
    }
    return 0;
}

static bool is_key(const cbor_item_t *key, const char *name)
{
    size_t n = strlen(name);
    return cbor_string_length(key) == n &&
           memcmp(cbor_string_handle(key), name, n) == 0; /* vt-lint: allow (public) */
}

int vt_ratls_claims_parse(const uint8_t *buf, size_t len, vt_ratls_claims_t *out)
{
    int rc = VT_E_INTERNAL;
    cbor_item_t *map = NULL;
    vt_ratls_claims_t c = {0};

    VT_TRY(vt_ratls_cbor_load(buf, len, "claims", &map));
    VT_TRY_ENSURE(cbor_isa_map(map), VT_E_MALFORMED, "claims: not a cbor map");
    size_t n = cbor_map_size(map);
    struct cbor_pair *pairs = cbor_map_handle(map);
    VT_TRY_ENSURE(n > 0, VT_E_MALFORMED, "claims: empty map");
    VT_TRY(check_keys(pairs, n));
    for (size_t i = 0; i < n; i++) {
        /* Unknown claims are ignored, as by Gramine (its only other claim is "nonce"). */
        if (is_key(pairs[i].key, CLAIM_PUBKEY_HASH)) VT_TRY(parse_hash_entry(pairs[i].value, &c));
    }
    *out = c;
    rc = 0;
out:
    if (map) cbor_decref(&map);
    return rc;
}

int vt_ratls_claims_serialize(const uint8_t spki_sha256[static 32], uint8_t **out, size_t *out_len)
{
    int rc = VT_E_INTERNAL;
    uint8_t *entry = NULL;
    size_t entry_len = 0;
    cbor_item_t *arr = cbor_new_definite_array(2), *map = NULL, *key = NULL, *val = NULL;

    VT_TRY_ENSURE(arr != NULL, VT_E_NOMEM, "claims: out of memory");
    VT_TRY_ENSURE(push(arr, cbor_build_uint8(VT_RATLS_HASH_SHA256)) &&
                      push(arr, cbor_build_bytestring(spki_sha256, 32)),
                  VT_E_NOMEM, "claims: out of memory");
    rc = serialize_item(arr, "claims: pubkey-hash", &entry, &entry_len);
    arr = NULL;
    if (rc < 0) goto out;
    map = cbor_new_definite_map(1);
    key = cbor_build_string(CLAIM_PUBKEY_HASH);
    val = cbor_build_bytestring(entry, entry_len);
    VT_TRY_ENSURE(map && key && val && cbor_map_add(map, (struct cbor_pair){key, val}), VT_E_NOMEM,
                  "claims: out of memory");
    rc = serialize_item(map, "claims", out, out_len);
    map = NULL;
out:
    if (arr) cbor_decref(&arr);
    if (map) cbor_decref(&map);
    if (key) cbor_decref(&key);
    if (val) cbor_decref(&val);
    free(entry);
    return rc;
}
