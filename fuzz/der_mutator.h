/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A structure-aware libFuzzer mutator for DER, included by the differential fuzzers
 * fuzz_pck_ext_diff.c and fuzz_pck_leaf.c (fuzz code only, never linked into Veritee).
 *
 * Byte-level mutations rarely survive DER's nested lengths: inserting one sign octet in
 * an SVN INTEGER means fixing four enclosing lengths, so plain libFuzzer mostly tests
 * the length checks. This mutator reads the input as a tree of TLVs (constructed elements
 * whose contents are TLVs again), changes one element, and re-encodes every enclosing
 * length. The changes are the ones DER strictness is about: drop or duplicate an
 * element, change its tag, write its length in (non-minimal) long form, prepend a 00 or
 * FF octet (INTEGER padding), cut its last octet, empty it, set one octet to 00, 01, 7F,
 * 80 or FF, or mutate its contents with LLVMFuzzerMutate. Input that is not a TLV tree, and one
 * call in four anyway, get plain LLVMFuzzerMutate.
 */
#ifndef VT_FUZZ_DER_MUTATOR_H
#define VT_FUZZ_DER_MUTATOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DM_DEPTH_MAX 12
#define DM_OPS       9

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

typedef struct {
    uint8_t *buf;
    size_t len, cap;
    bool ok;
} dm_out_t;

typedef struct {
    uint32_t state;
    size_t target, seen;
    unsigned op;
    size_t max_size;
} dm_ctx_t;

static uint32_t dm_rand(dm_ctx_t *c)
{
    c->state = c->state * 1103515245u + 12345u;
    return c->state >> 8;
}

static void dm_put(dm_out_t *o, const uint8_t *p, size_t n)
{
    if (!o->ok || n > o->cap - o->len) {
        o->ok = false;
        return;
    }
    if (n > 0) memcpy(o->buf + o->len, p, n);
    o->len += n;
}

static void dm_put_header(dm_out_t *o, uint8_t tag, size_t n, bool is_long)
{
    uint8_t h[5] = {tag};
    size_t k = 1;
    if (n < 0x80 && !is_long) {
        h[k++] = (uint8_t)n;
    } else if (n < 0x100) {
        h[k++] = 0x81;
        h[k++] = (uint8_t)n;
    } else if (n < 0x10000) {
        h[k++] = 0x82;
        h[k++] = (uint8_t)(n >> 8);
        h[k++] = (uint8_t)n;
    } else {
        h[k++] = 0x83;
        h[k++] = (uint8_t)(n >> 16);
        h[k++] = (uint8_t)(n >> 8);
        h[k++] = (uint8_t)n;
    }
    dm_put(o, h, k);
}

/* A lenient header: single-byte tag, definite length of up to 3 octets, within n. */
static bool dm_header(const uint8_t *p, size_t n, size_t *hdr, size_t *len)
{
    if (n < 2) return false;
    size_t h = 2, l = p[1];
    if (l & 0x80) {
        size_t k = l & 0x7f;
        if (k == 0 || k > 3 || k > n - 2) return false;
        l = 0;
        for (size_t i = 0; i < k; i++) l = (l << 8) | p[2 + i];
        h += k;
    }
    if (l > n - h) return false;
    *hdr = h;
    *len = l;
    return true;
}

/* Whether p[0,n) is a sequence of TLVs; *count gets the elements, children included. */
static bool dm_tree(const uint8_t *p, size_t n, int depth, size_t *count)
{
    size_t total = 0;
    if (depth > DM_DEPTH_MAX) return false;
    while (n > 0) {
        size_t hdr, len, sub = 0;
        if (!dm_header(p, n, &hdr, &len)) return false;
        total++;
        if ((p[0] & 0x20) && len > 0 && dm_tree(p + hdr, len, depth + 1, &sub)) total += sub;
        p += hdr + len;
        n -= hdr + len;
    }
    *count = total;
    return true;
}

static void dm_encode(dm_ctx_t *c, const uint8_t *p, size_t n, dm_out_t *o, int depth);

/* Emits the target element tag/body (original TLV p[0,hdr+len)) with the chosen change. */
static void dm_mutate(dm_ctx_t *c, const uint8_t *p, size_t hdr, size_t len, dm_out_t *o)
{
    const uint8_t *body = p + hdr;
    uint8_t pad = dm_rand(c) & 1 ? 0xff : 0x00;
    switch (c->op) {
    case 0: /* drop */
        return;
    case 1: /* duplicate */
        dm_put(o, p, hdr + len);
        dm_put(o, p, hdr + len);
        return;
    case 2: /* another tag */
        dm_put_header(o, (uint8_t)dm_rand(c), len, false);
        dm_put(o, body, len);
        return;
    case 3: /* non-minimal long-form length */
        dm_put_header(o, p[0], len, true);
        dm_put(o, body, len);
        return;
    case 4: /* a leading 00 or FF octet */
        dm_put_header(o, p[0], len + 1, false);
        dm_put(o, &pad, 1);
        dm_put(o, body, len);
        return;
    case 5: /* one octet shorter */
        dm_put_header(o, p[0], len ? len - 1 : 0, false);
        dm_put(o, body, len ? len - 1 : 0);
        return;
    case 6: /* empty */
        dm_put_header(o, p[0], 0, false);
        return;
    case 7: /* one octet set to a boundary value */
        dm_put_header(o, p[0], len, false);
        if (len > 0) {
            static const uint8_t edge[] = {0x00, 0x01, 0x7f, 0x80, 0xff};
            size_t at = dm_rand(c) % len;
            dm_put(o, body, at);
            dm_put(o, &edge[dm_rand(c) % sizeof(edge)], 1);
            dm_put(o, body + at + 1, len - at - 1);
        }
        return;
    default: { /* contents mutated by libFuzzer */
        size_t cap = len + 64 < c->max_size ? len + 64 : c->max_size;
        uint8_t *tmp = malloc(cap ? cap : 1);
        if (tmp == NULL || len > cap) {
            free(tmp);
            o->ok = false;
            return;
        }
        if (len) memcpy(tmp, body, len);
        size_t m = LLVMFuzzerMutate(tmp, len, cap);
        dm_put_header(o, p[0], m, false);
        dm_put(o, tmp, m);
        free(tmp);
        return;
    }
    }
}

/* Re-encodes the TLVs of p[0,n) into o, with recomputed lengths and one element changed. */
static void dm_encode(dm_ctx_t *c, const uint8_t *p, size_t n, dm_out_t *o, int depth)
{
    while (n > 0 && o->ok) {
        size_t hdr = 0, len = 0, sub = 0;
        if (!dm_header(p, n, &hdr, &len)) {
            o->ok = false;
            return;
        }
        bool is_target = c->seen++ == c->target;
        bool is_tree = (p[0] & 0x20) && len > 0 && dm_tree(p + hdr, len, depth + 1, &sub);
        if (is_target) {
            dm_mutate(c, p, hdr, len, o);
        } else if (!is_tree) {
            dm_put(o, p, hdr + len);
        } else {
            dm_out_t inner = {malloc(c->max_size), 0, c->max_size, true};
            inner.ok = inner.buf != NULL;
            dm_encode(c, p + hdr, len, &inner, depth + 1);
            dm_put_header(o, p[0], inner.len, false);
            dm_put(o, inner.buf, inner.len);
            if (!inner.ok) o->ok = false;
            free(inner.buf);
        }
        p += hdr + len;
        n -= hdr + len;
    }
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    dm_ctx_t c = {.state = seed, .max_size = max_size};
    size_t count = 0;
    if (dm_rand(&c) % 4 == 0 || !dm_tree(data, size, 0, &count) || count == 0)
        return LLVMFuzzerMutate(data, size, max_size);
    c.target = dm_rand(&c) % count;
    c.op = dm_rand(&c) % DM_OPS;
    dm_out_t o = {malloc(max_size), 0, max_size, true};
    o.ok = o.buf != NULL;
    dm_encode(&c, data, size, &o, 0);
    size_t out = 0;
    if (o.ok && o.len > 0) {
        memcpy(data, o.buf, o.len);
        out = o.len;
    }
    free(o.buf);
    return out > 0 ? out : LLVMFuzzerMutate(data, size, max_size);
}

#endif
