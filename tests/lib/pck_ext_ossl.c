/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The reference parse of the PCK certificate's SGX extension (dcap.md §3.2) through
 * OpenSSL's ASN.1 API: what src/evidence/pck_ext.c did before it moved onto the shared
 * DER reader (docs/design.md, "Measured exceptions"). fuzz/fuzz_pck_ext_diff.c and
 * tests/unit/test_pck_ext.c compare the production parser against it.
 *
 * DER is decoded by OpenSSL (d2i_ASN1_SEQUENCE_ANY), never by hand. OpenSSL's decoder
 * accepts some BER (long-form lengths, constructed strings, indefinite lengths), so every
 * sequence is re-encoded and must give back the input bytes: only DER passes. OpenSSL
 * already refuses non-minimal INTEGERs; BOOLEANs other than 00/FF are refused here.
 * Item order is not checked (Intel's order is .1 to .7), but every item must be known,
 * present once, and of the right type, size and range.
 */
#include "pck_ext_ossl.h"

#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <string.h>

#include "common/cursor.h"
#include "common/error.h"

#define MOD "pck_ext_ossl"
/* Real extension values are 450-560 bytes. */
#define PCK_EXT_MAX 4096

typedef struct {
    const char *name; /* for details */
    const char *oid;  /* dotted text of the arc */
    uint8_t der[10];  /* content octets of the arc's OID */
    size_t der_len;
    unsigned max_child;            /* children are arc.1 .. arc.max_child */
    const char *const *item_names; /* indexed by child */
} arc_t;

static const char *const sgx_names[] = {
    "", "ppid", "tcb", "pce-id", "fmspc", "sgx type", "platform instance id", "configuration"};
static const char *const tcb_names[] = {"",           "comp01 svn", "comp02 svn", "comp03 svn",
                                        "comp04 svn", "comp05 svn", "comp06 svn", "comp07 svn",
                                        "comp08 svn", "comp09 svn", "comp10 svn", "comp11 svn",
                                        "comp12 svn", "comp13 svn", "comp14 svn", "comp15 svn",
                                        "comp16 svn", "pcesvn",     "cpusvn"};
static const char *const config_names[] = {"", "dynamic platform", "cached keys", "smt enabled"};

#define SGX_ARC_DER 0x2a, 0x86, 0x48, 0x86, 0xf8, 0x4d, 0x01, 0x0d, 0x01
static const arc_t sgx_arc = {.name = "sgx extension",
                              .oid = VT_SGX_EXTENSION_OID,
                              .der = {SGX_ARC_DER},
                              .der_len = 9,
                              .max_child = 7,
                              .item_names = sgx_names};
static const arc_t tcb_arc = {.name = "tcb",
                              .oid = VT_SGX_EXTENSION_OID ".2",
                              .der = {SGX_ARC_DER, 0x02},
                              .der_len = 10,
                              .max_child = 18,
                              .item_names = tcb_names};
static const arc_t config_arc = {.name = "configuration",
                                 .oid = VT_SGX_EXTENSION_OID ".7",
                                 .der = {SGX_ARC_DER, 0x07},
                                 .der_len = 10,
                                 .max_child = 3,
                                 .item_names = config_names};

#define BIT(n)       (1u << (n))
#define SGX_REQUIRED (BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5))
#define TCB_REQUIRED (((1u << 19) - 1) & ~1u) /* .2.1 .. .2.18 */

/* A SEQUENCE OF ANY filling der[0,len) exactly, in DER (re-encoding gives the same bytes). */
static int parse_seq(const uint8_t *der, size_t len, const char *what, ASN1_SEQUENCE_ANY **out)
{
    int rc = VT_E_INTERNAL;
    const unsigned char *p = der;
    ASN1_SEQUENCE_ANY *sk = NULL;
    unsigned char *enc = NULL;

    VT_TRY_ENSURE(len <= PCK_EXT_MAX, VT_E_TOO_LARGE, MOD ": %s of %zu bytes, expected at most %d",
                  what, len, PCK_EXT_MAX);
    sk = d2i_ASN1_SEQUENCE_ANY(NULL, &p, (long)len);
    VT_TRY_ENSURE(sk != NULL, VT_E_MALFORMED, MOD ": %s is not a der sequence", what);
    VT_TRY_ENSURE((size_t)(p - der) == len, VT_E_TRAILING_DATA,
                  MOD ": %zu trailing bytes after the %s sequence", len - (size_t)(p - der), what);
    int n = i2d_ASN1_SEQUENCE_ANY(sk, &enc);
    VT_TRY_ENSURE(n > 0 && (size_t)n == len && CRYPTO_memcmp(enc, der, len) == 0, VT_E_MALFORMED,
                  MOD ": %s is not in distinguished encoding (der)", what);
    *out = sk;
    sk = NULL;
    rc = 0;
out:
    OPENSSL_free(enc);
    sk_ASN1_TYPE_pop_free(sk, ASN1_TYPE_free);
    ERR_clear_error();
    return rc;
}

/* The child number of obj under arc (arc.1 .. arc.max_child), or 0. */
static unsigned oid_child(const arc_t *arc, const ASN1_OBJECT *obj)
{
    vt_cursor_t c;
    uint8_t prefix[sizeof(arc->der)];
    uint8_t last;
    size_t n = OBJ_length(obj);

    if (n != arc->der_len + 1) return 0;
    vt_cursor_init(&c, OBJ_get0_data(obj), n, MOD " oid");
    if (vt_cursor_read_bytes(&c, prefix, arc->der_len) < 0) return 0;
    if (vt_cursor_read_u8(&c, &last) < 0) return 0;
    if (CRYPTO_memcmp(prefix, arc->der, arc->der_len) != 0) return 0;
    return last >= 1 && last <= arc->max_child ? last : 0;
}

/* One item: SEQUENCE { OID arc.child, value }; *pair holds [oid, value] on success. */
static int parse_item(const ASN1_TYPE *t, const arc_t *arc, int index, unsigned *child,
                      ASN1_SEQUENCE_ANY **pair)
{
    int rc = VT_E_INTERNAL;
    ASN1_SEQUENCE_ANY *sk = NULL;
    char text[80];

    VT_TRY_ENSURE(ASN1_TYPE_get(t) == V_ASN1_SEQUENCE, VT_E_MALFORMED,
                  MOD ": %s item %d has asn.1 type %d, expected sequence", arc->name, index,
                  ASN1_TYPE_get(t));
    VT_TRY(parse_seq(t->value.sequence->data, (size_t)t->value.sequence->length, arc->name, &sk));
    VT_TRY_ENSURE(sk_ASN1_TYPE_num(sk) == 2, VT_E_MALFORMED,
                  MOD ": %s item %d has %d elements, expected 2 (oid, value)", arc->name, index,
                  sk_ASN1_TYPE_num(sk));
    const ASN1_TYPE *oid = sk_ASN1_TYPE_value(sk, 0);
    VT_TRY_ENSURE(ASN1_TYPE_get(oid) == V_ASN1_OBJECT, VT_E_MALFORMED,
                  MOD ": %s item %d starts with asn.1 type %d, expected oid", arc->name, index,
                  ASN1_TYPE_get(oid));
    *child = oid_child(arc, oid->value.object);
    if (*child == 0) {
        OBJ_obj2txt(text, sizeof(text), oid->value.object, 1);
        VT_TRY_BAIL(VT_E_UNSUPPORTED, MOD ": unknown item %s in %s, expected %s.1 .. %s.%u", text,
                    arc->name, arc->oid, arc->oid, arc->max_child);
    }
    *pair = sk;
    sk = NULL;
    rc = 0;
out:
    sk_ASN1_TYPE_pop_free(sk, ASN1_TYPE_free);
    return rc;
}

typedef int (*item_fn)(void *ctx, unsigned child, const ASN1_TYPE *value);

/* Calls fn for each item of the sequence der[0,len) under arc; *seen gets BIT(child) of each. */
static int walk_items(const uint8_t *der, size_t len, const arc_t *arc, item_fn fn, void *ctx,
                      uint32_t *seen)
{
    int rc = VT_E_INTERNAL;
    ASN1_SEQUENCE_ANY *items = NULL, *pair = NULL;
    uint32_t mask = 0;

    VT_TRY(parse_seq(der, len, arc->name, &items));
    for (int i = 0; i < sk_ASN1_TYPE_num(items); i++) {
        unsigned child = 0;
        sk_ASN1_TYPE_pop_free(pair, ASN1_TYPE_free);
        pair = NULL;
        VT_TRY(parse_item(sk_ASN1_TYPE_value(items, i), arc, i, &child, &pair));
        VT_TRY_ENSURE(!(mask & BIT(child)), VT_E_MALFORMED, MOD ": duplicate item %s.%u (%s)",
                      arc->oid, child, arc->item_names[child]);
        mask |= BIT(child);
        VT_TRY(fn(ctx, child, sk_ASN1_TYPE_value(pair, 1)));
    }
    *seen = mask;
    rc = 0;
out:
    sk_ASN1_TYPE_pop_free(pair, ASN1_TYPE_free);
    sk_ASN1_TYPE_pop_free(items, ASN1_TYPE_free);
    return rc;
}

static int require(uint32_t seen, uint32_t want, const arc_t *arc)
{
    for (unsigned i = 1; i <= arc->max_child; i++) {
        VT_ENSURE(!(want & BIT(i)) || (seen & BIT(i)), VT_E_MALFORMED,
                  MOD ": missing item %s.%u (%s)", arc->oid, i, arc->item_names[i]);
    }
    return 0;
}

static int expect_type(const ASN1_TYPE *v, int type, const char *type_name, const arc_t *arc,
                       unsigned child)
{
    VT_ENSURE(ASN1_TYPE_get(v) == type, VT_E_MALFORMED,
              MOD ": %s (%s.%u) has asn.1 type %d, expected %s", arc->item_names[child], arc->oid,
              child, ASN1_TYPE_get(v), type_name);
    return 0;
}

static int get_octets(const ASN1_TYPE *v, const arc_t *arc, unsigned child, uint8_t *out, size_t n)
{
    vt_cursor_t c;
    VT_GUARD(expect_type(v, V_ASN1_OCTET_STRING, "octet string", arc, child));
    const ASN1_OCTET_STRING *s = v->value.octet_string;
    VT_ENSURE((size_t)ASN1_STRING_length(s) == n, VT_E_MALFORMED,
              MOD ": %s (%s.%u) of %d bytes, expected %zu", arc->item_names[child], arc->oid, child,
              ASN1_STRING_length(s), n);
    vt_cursor_init(&c, ASN1_STRING_get0_data(s), n, MOD);
    return vt_cursor_read_bytes(&c, out, n);
}

/* An INTEGER or ENUMERATED in 0..max. */
static int get_uint(const ASN1_TYPE *v, int type, const arc_t *arc, unsigned child, int64_t max,
                    int64_t *out)
{
    int64_t x = -1;
    int ok;
    VT_GUARD(expect_type(v, type, type == V_ASN1_INTEGER ? "integer" : "enumerated", arc, child));
    if (type == V_ASN1_INTEGER)
        ok = ASN1_INTEGER_get_int64(&x, v->value.integer);
    else
        ok = ASN1_ENUMERATED_get_int64(&x, v->value.enumerated);
    ERR_clear_error();
    VT_ENSURE(ok == 1, VT_E_MALFORMED, MOD ": %s (%s.%u) value beyond 64 bits, expected 0..%lld",
              arc->item_names[child], arc->oid, child, (long long)max);
    VT_ENSURE(x >= 0 && x <= max, VT_E_MALFORMED, MOD ": %s (%s.%u) value %lld, expected 0..%lld",
              arc->item_names[child], arc->oid, child, (long long)x, (long long)max);
    *out = x;
    return 0;
}

static int get_bool(const ASN1_TYPE *v, const arc_t *arc, unsigned child, bool *out)
{
    VT_GUARD(expect_type(v, V_ASN1_BOOLEAN, "boolean", arc, child));
    /* X.690 §11.1: DER encodes TRUE as FF. */
    VT_ENSURE(v->value.boolean == 0 || v->value.boolean == 0xff, VT_E_MALFORMED,
              MOD ": %s (%s.%u) boolean 0x%02x, expected 0x00 or 0xff (der)",
              arc->item_names[child], arc->oid, child, (unsigned)v->value.boolean & 0xffu);
    *out = v->value.boolean != 0;
    return 0;
}

static int tcb_item(void *ctx, unsigned child, const ASN1_TYPE *v)
{
    vt_pck_ext_t *e = ctx;
    int64_t x = 0;
    if (child <= VT_PCK_TCB_COMPONENTS) {
        VT_GUARD(get_uint(v, V_ASN1_INTEGER, &tcb_arc, child, UINT8_MAX, &x));
        e->comp_svn[child - 1] = (uint8_t)x;
        return 0;
    }
    if (child == 17) {
        VT_GUARD(get_uint(v, V_ASN1_INTEGER, &tcb_arc, child, UINT16_MAX, &x));
        e->pce_svn = (uint16_t)x;
        return 0;
    }
    return get_octets(v, &tcb_arc, child, e->cpu_svn, sizeof(e->cpu_svn));
}

static int config_item(void *ctx, unsigned child, const ASN1_TYPE *v)
{
    vt_pck_ext_t *e = ctx;
    switch (child) {
    case 1:
        e->has_dynamic_platform = true;
        return get_bool(v, &config_arc, child, &e->is_dynamic_platform);
    case 2:
        e->has_cached_keys = true;
        return get_bool(v, &config_arc, child, &e->is_cached_keys);
    default:
        e->has_smt_enabled = true;
        return get_bool(v, &config_arc, child, &e->is_smt_enabled);
    }
}

static int nested(const ASN1_TYPE *v, unsigned child, const arc_t *arc, item_fn fn, void *ctx,
                  uint32_t *seen)
{
    VT_GUARD(expect_type(v, V_ASN1_SEQUENCE, "sequence", &sgx_arc, child));
    return walk_items(v->value.sequence->data, (size_t)v->value.sequence->length, arc, fn, ctx,
                      seen);
}

static int sgx_item(void *ctx, unsigned child, const ASN1_TYPE *v)
{
    vt_pck_ext_t *e = ctx;
    uint32_t seen = 0;
    int64_t x = 0;
    switch (child) {
    case 1:
        return get_octets(v, &sgx_arc, child, e->ppid, sizeof(e->ppid));
    case 2:
        VT_GUARD(nested(v, child, &tcb_arc, tcb_item, e, &seen));
        return require(seen, TCB_REQUIRED, &tcb_arc);
    case 3:
        return get_octets(v, &sgx_arc, child, e->pce_id, sizeof(e->pce_id));
    case 4:
        return get_octets(v, &sgx_arc, child, e->fmspc, sizeof(e->fmspc));
    case 5:
        VT_GUARD(get_uint(v, V_ASN1_ENUMERATED, &sgx_arc, child,
                          VT_SGX_TYPE_SCALABLE_WITH_INTEGRITY, &x));
        e->sgx_type = (vt_sgx_type_t)x;
        return 0;
    case 6:
        e->has_platform_instance_id = true;
        return get_octets(v, &sgx_arc, child, e->platform_instance_id,
                          sizeof(e->platform_instance_id));
    default:
        e->has_configuration = true;
        return nested(v, child, &config_arc, config_item, e, &seen);
    }
}

int vt_pck_ext_ossl_parse(const uint8_t *der, size_t len, vt_pck_ext_t *out)
{
    vt_pck_ext_t e;
    uint32_t seen = 0;

    VT_ENSURE(len <= PCK_EXT_MAX, VT_E_TOO_LARGE, MOD ": %zu bytes, expected at most %d", len,
              PCK_EXT_MAX);
    memset(&e, 0, sizeof(e));
    VT_GUARD(walk_items(der, len, &sgx_arc, sgx_item, &e, &seen));
    VT_GUARD(require(seen, SGX_REQUIRED, &sgx_arc));
    *out = e;
    return 0;
}
