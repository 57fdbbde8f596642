/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of src/evidence/pck_ext.c: the PCK certificate's SGX extension (dcap.md §3.2).
 * Real vector leaves must parse and re-serialize to Intel's exact DER; hand-built DER
 * (a small encoder below, whose default output is checked against a real extension)
 * covers every rejection. Every hand-built case is also run through the OpenSSL-based
 * reference parse (tests/lib/pck_ext_ossl.c), which must agree on acceptance and values.
 */
#include "test_util.h"

#include <openssl/objects.h>
#include <openssl/x509.h>
#include <string.h>
#include <veritee/evidence.h>

#include "common/ossl.h"
#include "pck_ext_ossl.h"

/* ---- vector helpers ---------------------------------------------------------------- */

/* The PCK leaf (first certificate of the quote's type-5 chain) as DER. */
static void leaf_der(const char *id, uint8_t **der, size_t *len, X509 **ca)
{
    uint8_t *buf;
    size_t qlen;
    vt_quote_t q;
    STACK_OF(X509) *chain = NULL;
    vt_test_read_vector(id, "quote.bin", &buf, &qlen);
    vt_assert_ok(vt_quote_parse_ex(buf, qlen, VT_QUOTE_PARSE_ANY_TRAILING, &q));
    assert_int_equal(q.cert_type, VT_CERT_PCK_CHAIN);
    vt_assert_ok(vt_x509_chain_parse_pem(q.cert_data, q.cert_len, 3, &chain));
    unsigned char *p = NULL;
    int n = i2d_X509(sk_X509_value(chain, 0), &p);
    assert_true(n > 0);
    *der = malloc((size_t)n);
    memcpy(*der, p, (size_t)n);
    *len = (size_t)n;
    OPENSSL_free(p);
    if (ca) {
        *ca = sk_X509_value(chain, 1);
        X509_up_ref(*ca);
    }
    sk_X509_pop_free(chain, X509_free);
    free(buf);
}

/* The SGX extension's value (OCTET STRING contents) from a DER certificate. */
static void ext_value(const uint8_t *cert, size_t cert_len, uint8_t **val, size_t *len)
{
    const unsigned char *p = cert;
    X509 *x = d2i_X509(NULL, &p, (long)cert_len);
    assert_non_null(x);
    ASN1_OBJECT *oid = OBJ_txt2obj(VT_SGX_EXTENSION_OID, 1);
    int idx = X509_get_ext_by_OBJ(x, oid, -1);
    assert_true(idx >= 0);
    const ASN1_OCTET_STRING *s = X509_EXTENSION_get_data(X509_get_ext(x, idx));
    *len = (size_t)ASN1_STRING_length(s);
    *val = malloc(*len);
    memcpy(*val, ASN1_STRING_get0_data(s), *len);
    ASN1_OBJECT_free(oid);
    X509_free(x);
}

static uint8_t *dup_n(const uint8_t *p, size_t n)
{
    uint8_t *c = malloc(n ? n : 1);
    if (n) memcpy(c, p, n);
    return c;
}

static bool ext_equal(const vt_pck_ext_t *a, const vt_pck_ext_t *b)
{
    /* Field by field: struct padding is unspecified. */
    return memcmp(a->ppid, b->ppid, sizeof(a->ppid)) == 0 &&
           memcmp(a->comp_svn, b->comp_svn, sizeof(a->comp_svn)) == 0 && a->pce_svn == b->pce_svn &&
           memcmp(a->cpu_svn, b->cpu_svn, sizeof(a->cpu_svn)) == 0 &&
           memcmp(a->pce_id, b->pce_id, sizeof(a->pce_id)) == 0 &&
           memcmp(a->fmspc, b->fmspc, sizeof(a->fmspc)) == 0 && a->sgx_type == b->sgx_type &&
           a->has_platform_instance_id == b->has_platform_instance_id &&
           memcmp(a->platform_instance_id, b->platform_instance_id,
                  sizeof(a->platform_instance_id)) == 0 &&
           a->has_configuration == b->has_configuration &&
           a->has_dynamic_platform == b->has_dynamic_platform &&
           a->is_dynamic_platform == b->is_dynamic_platform &&
           a->has_cached_keys == b->has_cached_keys && a->is_cached_keys == b->is_cached_keys &&
           a->has_smt_enabled == b->has_smt_enabled && a->is_smt_enabled == b->is_smt_enabled;
}

/* ---- a tiny DER encoder for hand-built extensions ------------------------------------ */

typedef struct {
    uint8_t b[4096];
    size_t n;
} der_t;

static void put_raw(der_t *d, const uint8_t *p, size_t n)
{
    assert_true(n <= sizeof(d->b) - d->n);
    if (n) memcpy(d->b + d->n, p, n);
    d->n += n;
}

static void put_tlv_form(der_t *d, uint8_t tag, const uint8_t *v, size_t n, bool is_long_form)
{
    uint8_t h[4];
    size_t k = 0;
    h[k++] = tag;
    if (n < 0x80 && !is_long_form) {
        h[k++] = (uint8_t)n;
    } else if (n < 0x100) {
        h[k++] = 0x81;
        h[k++] = (uint8_t)n;
    } else {
        h[k++] = 0x82;
        h[k++] = (uint8_t)(n >> 8);
        h[k++] = (uint8_t)n;
    }
    put_raw(d, h, k);
    put_raw(d, v, n);
}

static void put_tlv(der_t *d, uint8_t tag, const uint8_t *v, size_t n)
{
    put_tlv_form(d, tag, v, n, false);
}

enum { ARC_SGX = 0, ARC_TCB = 2, ARC_CONFIG = 7 };

typedef struct {
    uint8_t child;
    uint8_t tag;
    uint8_t val[20];
    size_t len;
    bool is_nested;    /* the value is the TCB (.2) or configuration (.7) list */
    bool is_long_form; /* encode the value's length in (non-DER) long form */
    bool is_bare;      /* the value alone, not SEQUENCE { OID, value } */
    bool has_extra;    /* a third element (NULL) in the item */
    bool is_foreign;   /* OID 2.5.29.14 instead of one under the arc */
    bool is_padded;    /* the child subidentifier as 80 <child> (not minimal, X.690 §8.19.2) */
    bool is_skipped;
} item_t;

typedef struct {
    item_t items[24];
    size_t n;
} list_t;

typedef struct {
    list_t top, tcb, config;
} spec_t;

static const uint8_t sgx_arc[] = {0x2a, 0x86, 0x48, 0x86, 0xf8, 0x4d, 0x01, 0x0d, 0x01};

static void encode_list(const spec_t *s, int arc, der_t *out);

static void encode_item(const spec_t *s, int arc, const item_t *it, der_t *content)
{
    der_t pair = {0};
    uint8_t oid[16];
    size_t n = sizeof(sgx_arc);
    memcpy(oid, sgx_arc, n);
    if (arc != ARC_SGX) oid[n++] = (uint8_t)arc;
    if (it->is_padded) oid[n++] = 0x80;
    oid[n++] = it->child;
    if (it->is_foreign)
        put_tlv(&pair, 0x06, (const uint8_t[]){0x55, 0x1d, 0x0e}, 3);
    else
        put_tlv(&pair, 0x06, oid, n);
    if (it->is_nested)
        encode_list(s, it->child, &pair);
    else
        put_tlv_form(&pair, it->tag, it->val, it->len, it->is_long_form);
    if (it->has_extra) put_tlv(&pair, 0x05, NULL, 0);
    if (it->is_bare)
        put_tlv(content, it->tag, it->val, it->len);
    else
        put_tlv(content, 0x30, pair.b, pair.n);
}

static void encode_list(const spec_t *s, int arc, der_t *out)
{
    const list_t *l = arc == ARC_TCB ? &s->tcb : arc == ARC_CONFIG ? &s->config : &s->top;
    der_t content = {0};
    for (size_t i = 0; i < l->n; i++) {
        if (!l->items[i].is_skipped) encode_item(s, arc, &l->items[i], &content);
    }
    put_tlv(out, 0x30, content.b, content.n);
}

static item_t *add(list_t *l, uint8_t child, uint8_t tag, const uint8_t *v, size_t n)
{
    item_t *it = &l->items[l->n++];
    memset(it, 0, sizeof(*it));
    it->child = child;
    it->tag = tag;
    if (n) memcpy(it->val, v, n);
    it->len = n;
    return it;
}

/* Minimal two's complement, as DER wants: 255 is 00 FF. */
static item_t *add_int(list_t *l, uint8_t child, uint8_t tag, uint32_t v)
{
    const uint8_t be[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    uint8_t b[5];
    size_t n = 0, start = 0;
    while (start < 3 && be[start] == 0) start++;
    if (be[start] & 0x80) b[n++] = 0;
    for (size_t i = start; i < 4; i++) b[n++] = be[i];
    return add(l, child, tag, b, n);
}

/* The dcaprs SGX v3 vector's extension (a Platform-CA PCK). */
static const uint8_t PPID[16] = {0x25, 0xf8, 0xe1, 0xda, 0x4f, 0xe8, 0x22, 0xd0,
                                 0x4f, 0x0f, 0xf1, 0x50, 0x25, 0x93, 0x1f, 0x49};
static const uint8_t SVNS[16] = {12, 12, 3, 3, 255, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
static const uint8_t FMSPC[6] = {0x00, 0x60, 0x6a, 0x00, 0x00, 0x00};
static const uint8_t PIID[16] = {0x11, 0x35, 0xc4, 0x08, 0x90, 0xae, 0xdf, 0x44,
                                 0xeb, 0x6e, 0x02, 0xd5, 0x84, 0x24, 0x22, 0x9e};

static void default_spec(spec_t *s)
{
    memset(s, 0, sizeof(*s));
    add(&s->top, 1, 0x04, PPID, 16);
    add(&s->top, 2, 0x30, NULL, 0)->is_nested = true;
    for (uint8_t i = 1; i <= 16; i++) add_int(&s->tcb, i, 0x02, SVNS[i - 1]);
    add_int(&s->tcb, 17, 0x02, 13);
    add(&s->tcb, 18, 0x04, SVNS, 16);
    add(&s->top, 3, 0x04, (const uint8_t[]){0, 0}, 2);
    add(&s->top, 4, 0x04, FMSPC, 6);
    add(&s->top, 5, 0x0a, (const uint8_t[]){1}, 1);
    add(&s->top, 6, 0x04, PIID, 16);
    add(&s->top, 7, 0x30, NULL, 0)->is_nested = true;
    add(&s->config, 1, 0x01, (const uint8_t[]){0xff}, 1);
    add(&s->config, 2, 0x01, (const uint8_t[]){0x00}, 1);
    add(&s->config, 3, 0x01, (const uint8_t[]){0x00}, 1);
}

static item_t *find(spec_t *s, int arc, uint8_t child)
{
    list_t *l = arc == ARC_TCB ? &s->tcb : arc == ARC_CONFIG ? &s->config : &s->top;
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].child == child) return &l->items[i];
    fail_msg("no item %d.%u", arc, child);
    return NULL;
}

/* Our parse of c[0,n), checked against the reference: same acceptance, same values. */
static int parse_checked(const uint8_t *c, size_t n, vt_pck_ext_t *e)
{
    vt_pck_ext_t ref;
    /* The reference first, so that the detail left for the caller's checks is ours. */
    int rc_ref = vt_pck_ext_ossl_parse(c, n, &ref);
    int rc = vt_pck_ext_parse(c, n, e);
    if ((rc == 0) != (rc_ref == 0))
        fail_msg("ours %s, reference %s: %s", vt_error_name(rc), vt_error_name(rc_ref),
                 vt_last_error());
    if (rc == 0) assert_true(ext_equal(e, &ref));
    return rc;
}

static int parse_spec(const spec_t *s, vt_pck_ext_t *e)
{
    der_t d = {0};
    encode_list(s, ARC_SGX, &d);
    uint8_t *c = dup_n(d.b, d.n);
    int rc = parse_checked(c, d.n, e);
    free(c);
    return rc;
}

/* ---- tests ------------------------------------------------------------------------- */

static void encoder_matches_intel(void **state)
{
    (void)state;
    uint8_t *cert, *val, *out;
    size_t cert_len, val_len, out_len;
    spec_t s;
    der_t d = {0};
    vt_pck_ext_t e;
    leaf_der("sgx-v3-dcaprs-tcbinfov2", &cert, &cert_len, NULL);
    ext_value(cert, cert_len, &val, &val_len);
    default_spec(&s);
    encode_list(&s, ARC_SGX, &d);
    assert_int_equal(d.n, val_len);
    assert_memory_equal(d.b, val, val_len);

    vt_assert_ok(parse_spec(&s, &e));
    vt_assert_ok(vt_pck_ext_serialize(&e, &out, &out_len));
    assert_int_equal(out_len, val_len);
    assert_memory_equal(out, val, val_len);
    free(out);
    free(val);
    free(cert);
}

static void hex6(const uint8_t b[6], char out[13])
{
    vt_hex_encode(b, 6, out);
}

static void every_vector_leaf(void **state)
{
    (void)state;
    for (size_t i = 0; vt_test_dcap_vectors[i]; i++) {
        const char *id = vt_test_dcap_vectors[i];
        uint8_t *cert, *val, *out;
        size_t cert_len, val_len, out_len;
        vt_pck_ext_t a, b;
        vt_test_expected_t exp;
        char fmspc[13];
        X509 *ca = NULL;
        leaf_der(id, &cert, &cert_len, &ca);
        ext_value(cert, cert_len, &val, &val_len);
        vt_test_read_expected(id, &exp);

        vt_assert_ok(vt_pck_ext_from_cert_der(cert, cert_len, &a));
        vt_assert_ok(vt_pck_ext_parse(val, val_len, &b));
        assert_true(ext_equal(&a, &b));
        hex6(a.fmspc, fmspc);
        assert_string_equal(fmspc, exp.fmspc);
        assert_memory_equal(a.pce_id, ((const uint8_t[]){0, 0}), 2);
        /* In practice CPUSVN byte i is component SVN i (dcap.md §3.2). */
        assert_memory_equal(a.cpu_svn, a.comp_svn, 16);
        /* Platform-CA PCKs carry .6 and .7; Processor-CA PCKs do not. */
        char cn[64];
        vt_x509_name_cn(X509_get_subject_name(ca), cn, sizeof(cn));
        bool is_platform = strstr(cn, "Platform") != NULL;
        assert_int_equal(a.has_platform_instance_id, is_platform);
        assert_int_equal(a.has_configuration, is_platform);
        assert_int_equal(a.sgx_type, is_platform ? VT_SGX_TYPE_SCALABLE : VT_SGX_TYPE_STANDARD);

        vt_assert_ok(vt_pck_ext_serialize(&a, &out, &out_len));
        assert_int_equal(out_len, val_len);
        assert_memory_equal(out, val, val_len);
        free(out);
        X509_free(ca);
        free(val);
        free(cert);
    }
}

static void vector_values(void **state)
{
    (void)state;
    uint8_t *cert;
    size_t len;
    vt_pck_ext_t e;
    leaf_der("sgx-v3-dcaprs-tcbinfov2", &cert, &len, NULL);
    vt_assert_ok(vt_pck_ext_from_cert_der(cert, len, &e));
    assert_memory_equal(e.ppid, PPID, 16);
    assert_memory_equal(e.comp_svn, SVNS, 16); /* 255s are 02 02 00 FF in the DER */
    assert_int_equal(e.pce_svn, 13);
    assert_memory_equal(e.platform_instance_id, PIID, 16);
    assert_true(e.has_dynamic_platform && e.is_dynamic_platform);
    assert_true(e.has_cached_keys && !e.is_cached_keys);
    assert_true(e.has_smt_enabled && !e.is_smt_enabled);
    free(cert);
}

static void missing_items(void **state)
{
    (void)state;
    spec_t s;
    vt_pck_ext_t e;
    for (uint8_t c = 1; c <= 5; c++) {
        default_spec(&s);
        find(&s, ARC_SGX, c)->is_skipped = true;
        vt_assert_rc(parse_spec(&s, &e), VT_E_MALFORMED);
        assert_non_null(strstr(vt_last_error(), "missing item 1.2.840.113741.1.13.1."));
    }
    for (uint8_t c = 1; c <= 18; c++) {
        default_spec(&s);
        find(&s, ARC_TCB, c)->is_skipped = true;
        vt_assert_rc(parse_spec(&s, &e), VT_E_MALFORMED);
    }
    assert_non_null(strstr(vt_last_error(), "missing item 1.2.840.113741.1.13.1.2.18 (cpusvn)"));
    /* .6, .7 and each configuration item are optional (Processor-CA PCKs have none). */
    default_spec(&s);
    find(&s, ARC_SGX, 6)->is_skipped = true;
    find(&s, ARC_SGX, 7)->is_skipped = true;
    vt_assert_ok(parse_spec(&s, &e));
    assert_false(e.has_platform_instance_id || e.has_configuration);
    default_spec(&s);
    find(&s, ARC_CONFIG, 2)->is_skipped = true;
    vt_assert_ok(parse_spec(&s, &e));
    assert_true(e.has_configuration && e.has_dynamic_platform && !e.has_cached_keys);
    /* Nothing at all. */
    default_spec(&s);
    s.top.n = 0;
    vt_assert_rc(parse_spec(&s, &e), VT_E_MALFORMED);
}

static void duplicates(void **state)
{
    (void)state;
    static const struct {
        int arc;
        uint8_t child;
    } d[] = {{ARC_SGX, 1}, {ARC_SGX, 4},  {ARC_SGX, 6},   {ARC_SGX, 7},
             {ARC_TCB, 3}, {ARC_TCB, 18}, {ARC_CONFIG, 1}};
    for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
        spec_t s;
        vt_pck_ext_t e;
        default_spec(&s);
        list_t *l = d[i].arc == ARC_TCB ? &s.tcb : d[i].arc == ARC_CONFIG ? &s.config : &s.top;
        l->items[l->n++] = *find(&s, d[i].arc, d[i].child);
        vt_assert_rc(parse_spec(&s, &e), VT_E_MALFORMED);
        assert_non_null(strstr(vt_last_error(), "duplicate item"));
    }
}

static int parse_with_value(int arc, uint8_t child, uint8_t tag, const uint8_t *v, size_t n)
{
    spec_t s;
    vt_pck_ext_t e;
    default_spec(&s);
    item_t *it = find(&s, arc, child);
    it->is_nested = false;
    it->tag = tag;
    if (n) memcpy(it->val, v, n);
    it->len = n;
    return parse_spec(&s, &e);
}

#define B(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

static void wrong_types(void **state)
{
    (void)state;
    vt_assert_rc(parse_with_value(ARC_SGX, 1, 0x02, B(1)), VT_E_MALFORMED); /* PPID INTEGER */
    assert_non_null(strstr(
        vt_last_error(), "ppid (1.2.840.113741.1.13.1.1) has asn.1 type 2, expected octet string"));
    vt_assert_rc(parse_with_value(ARC_SGX, 2, 0x04, B(1)), VT_E_MALFORMED); /* TCB not a SEQUENCE */
    vt_assert_rc(parse_with_value(ARC_SGX, 5, 0x02, B(1)), VT_E_MALFORMED); /* type INTEGER */
    vt_assert_rc(parse_with_value(ARC_SGX, 7, 0x01, B(0xff)), VT_E_MALFORMED); /* config BOOLEAN */
    vt_assert_rc(parse_with_value(ARC_TCB, 5, 0x04, B(1)), VT_E_MALFORMED);  /* SVN OCTET STRING */
    vt_assert_rc(parse_with_value(ARC_TCB, 5, 0x0a, B(1)), VT_E_MALFORMED);  /* SVN ENUMERATED */
    vt_assert_rc(parse_with_value(ARC_TCB, 18, 0x02, B(1)), VT_E_MALFORMED); /* CPUSVN INTEGER */
    vt_assert_rc(parse_with_value(ARC_CONFIG, 1, 0x02, B(1)),
                 VT_E_MALFORMED); /* BOOLEAN as INTEGER */
    vt_assert_rc(parse_with_value(ARC_SGX, 4, 0x0c, B('a', 'b', 'c', 'd', 'e', 'f')),
                 VT_E_MALFORMED);
}

static void sizes_and_ranges(void **state)
{
    (void)state;
    vt_assert_rc(parse_with_value(ARC_SGX, 4, 0x04, B(0, 0x60, 0x6a, 0, 0)), VT_E_MALFORMED);
    assert_non_null(
        strstr(vt_last_error(), "fmspc (1.2.840.113741.1.13.1.4) of 5 bytes, expected 6"));
    vt_assert_rc(parse_with_value(ARC_SGX, 4, 0x04, B(0, 0x60, 0x6a, 0, 0, 0, 0)), VT_E_MALFORMED);
    vt_assert_rc(parse_with_value(ARC_SGX, 3, 0x04, B(0, 0, 0)), VT_E_MALFORMED);
    vt_assert_rc(parse_with_value(ARC_SGX, 3, 0x04, B(0)), VT_E_MALFORMED);
    vt_assert_rc(
        parse_with_value(ARC_SGX, 1, 0x04, B(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)),
        VT_E_MALFORMED);
    vt_assert_rc(parse_with_value(ARC_SGX, 6, 0x04,
                                  B(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)),
                 VT_E_MALFORMED);
    vt_assert_rc(
        parse_with_value(ARC_TCB, 18, 0x04, B(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)),
        VT_E_MALFORMED);
    vt_assert_rc(parse_with_value(ARC_SGX, 4, 0x04, NULL, 0), VT_E_MALFORMED);
    /* SVNs: 0..255; PCESVN 0..65535; SGX type 0..2. */
    vt_assert_rc(parse_with_value(ARC_TCB, 1, 0x02, B(0x01, 0x00)), VT_E_MALFORMED); /* 256 */
    assert_non_null(strstr(vt_last_error(),
                           "comp01 svn (1.2.840.113741.1.13.1.2.1) value 256, expected 0..255"));
    vt_assert_rc(parse_with_value(ARC_TCB, 16, 0x02, B(0xff)), VT_E_MALFORMED); /* -1 */
    vt_assert_rc(parse_with_value(ARC_TCB, 16, 0x02, B(0x80)), VT_E_MALFORMED); /* -128 */
    vt_assert_ok(parse_with_value(ARC_TCB, 16, 0x02, B(0x00, 0x80)));           /* 128 */
    vt_assert_ok(parse_with_value(ARC_TCB, 16, 0x02, B(0x00)));
    vt_assert_rc(parse_with_value(ARC_TCB, 17, 0x02, B(0x01, 0x00, 0x00)),
                 VT_E_MALFORMED); /* 65536 */
    vt_assert_ok(parse_with_value(ARC_TCB, 17, 0x02, B(0x00, 0xff, 0xff)));
    vt_assert_rc(parse_with_value(ARC_TCB, 17, 0x02,
                                  B(0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)),
                 VT_E_MALFORMED); /* beyond int64 */
    vt_assert_rc(parse_with_value(ARC_SGX, 5, 0x0a, B(3)), VT_E_MALFORMED);
    vt_assert_rc(parse_with_value(ARC_SGX, 5, 0x0a, B(0xff)), VT_E_MALFORMED);
    vt_assert_ok(parse_with_value(ARC_SGX, 5, 0x0a, B(2)));
    vt_assert_ok(parse_with_value(ARC_SGX, 5, 0x0a, B(0)));
}

static void unknown_oids(void **state)
{
    (void)state;
    spec_t s;
    vt_pck_ext_t e;
    default_spec(&s);
    add(&s.top, 8, 0x04, B(1, 2));
    vt_assert_rc(parse_spec(&s, &e), VT_E_UNSUPPORTED);
    assert_non_null(
        strstr(vt_last_error(), "unknown item 1.2.840.113741.1.13.1.8 in sgx extension"));
    default_spec(&s);
    add_int(&s.tcb, 19, 0x02, 1);
    vt_assert_rc(parse_spec(&s, &e), VT_E_UNSUPPORTED);
    default_spec(&s);
    add(&s.config, 4, 0x01, B(0xff));
    vt_assert_rc(parse_spec(&s, &e), VT_E_UNSUPPORTED);
    default_spec(&s);
    add(&s.top, 0, 0x04, B(1, 2));
    vt_assert_rc(parse_spec(&s, &e), VT_E_UNSUPPORTED);
    default_spec(&s);
    add(&s.top, 9, 0x04, B(1, 2))->is_foreign = true;
    vt_assert_rc(parse_spec(&s, &e), VT_E_UNSUPPORTED);
    assert_non_null(strstr(vt_last_error(), "unknown item 2.5.29.14"));
}

static void der_only(void **state)
{
    (void)state;
    spec_t s;
    vt_pck_ext_t e;
    /* BOOLEAN TRUE must be FF. */
    vt_assert_rc(parse_with_value(ARC_CONFIG, 1, 0x01, B(0x01)), VT_E_MALFORMED);
    vt_assert_rc(parse_with_value(ARC_CONFIG, 1, 0x01, B(0xff, 0xff)), VT_E_MALFORMED);
    /* INTEGERs are minimal: 00 05 is not 5. */
    vt_assert_rc(parse_with_value(ARC_TCB, 3, 0x02, B(0x00, 0x05)), VT_E_MALFORMED);
    vt_assert_rc(parse_with_value(ARC_TCB, 3, 0x02, NULL, 0), VT_E_MALFORMED);
    /* Long-form length for a short value. */
    default_spec(&s);
    find(&s, ARC_SGX, 4)->is_long_form = true;
    vt_assert_rc(parse_spec(&s, &e), VT_E_MALFORMED);
    /* Constructed OCTET STRING (BER) for the FMSPC. */
    vt_assert_rc(parse_with_value(ARC_SGX, 4, 0x24, B(0x04, 0x06, 0, 0x60, 0x6a, 0, 0, 0)),
                 VT_E_MALFORMED);
    /* Items must be SEQUENCE { OID, value }. */
    default_spec(&s);
    find(&s, ARC_SGX, 3)->has_extra = true;
    vt_assert_rc(parse_spec(&s, &e), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "has 3 elements, expected 2"));
    default_spec(&s);
    find(&s, ARC_SGX, 3)->is_bare = true;
    vt_assert_rc(parse_spec(&s, &e), VT_E_MALFORMED);
    default_spec(&s);
    find(&s, ARC_TCB, 3)->is_bare = true;
    vt_assert_rc(parse_spec(&s, &e), VT_E_MALFORMED);
}

/* DER rules beyond the cases above; the reference must agree on each (parse_checked). */
static void strictness_matches_reference(void **state)
{
    (void)state;
    spec_t s;
    vt_pck_ext_t e;
    /* A known item under a non-minimal OID encoding is malformed, not unknown. */
    default_spec(&s);
    find(&s, ARC_SGX, 4)->is_padded = true;
    vt_assert_rc(parse_spec(&s, &e), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "not minimally encoded"));
    default_spec(&s);
    find(&s, ARC_TCB, 17)->is_padded = true;
    vt_assert_rc(parse_spec(&s, &e), VT_E_MALFORMED);
    /* Long-form lengths where the short form fits, at each level. */
    default_spec(&s);
    find(&s, ARC_TCB, 1)->is_long_form = true;
    vt_assert_rc(parse_spec(&s, &e), VT_E_MALFORMED);
    default_spec(&s);
    find(&s, ARC_CONFIG, 2)->is_long_form = true;
    vt_assert_rc(parse_spec(&s, &e), VT_E_MALFORMED);
    /* Padded or empty ENUMERATED, other types in place of the right ones. */
    vt_assert_rc(parse_with_value(ARC_SGX, 5, 0x0a, B(0x00, 0x01)), VT_E_MALFORMED);
    vt_assert_rc(parse_with_value(ARC_SGX, 5, 0x0a, NULL, 0), VT_E_MALFORMED);
    vt_assert_rc(parse_with_value(ARC_SGX, 1, 0x05, NULL, 0), VT_E_MALFORMED);
    vt_assert_rc(parse_with_value(ARC_SGX, 2, 0x10, B(0x02, 0x01, 0x00)), VT_E_MALFORMED);
    vt_assert_rc(parse_with_value(ARC_CONFIG, 3, 0x81, B(0xff)), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "has asn.1 tag 81, expected boolean"));
    vt_assert_rc(parse_with_value(ARC_TCB, 2, 0x02, B(0xff, 0x80)), VT_E_MALFORMED);
    /* A high-tag-number value (0x1f): valid BER/DER framing, outside the reader. */
    int rc = parse_with_value(ARC_SGX, 4, 0x1f, B(0x04, 0, 0x60, 0x6a, 0, 0));
    assert_true(rc < 0 && vt_error_type(rc) == VT_ET_PARSE);
    /* An empty TCB list: every TCB item missing. */
    default_spec(&s);
    s.tcb.n = 0;
    vt_assert_rc(parse_spec(&s, &e), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "missing item 1.2.840.113741.1.13.1.2.1 (comp01 svn)"));
    /* Values at the top of each range, and SGX types 0..2. */
    vt_assert_ok(parse_with_value(ARC_TCB, 17, 0x02, B(0x00, 0x80, 0x00)));
    vt_assert_ok(parse_with_value(ARC_TCB, 1, 0x02, B(0x00, 0xff)));
    vt_assert_ok(parse_with_value(ARC_SGX, 5, 0x0a, B(0x01)));
}

static void whole_buffer_rules(void **state)
{
    (void)state;
    uint8_t *cert, *val;
    size_t cert_len, len;
    vt_pck_ext_t e;
    leaf_der("tdx-v4-phala-uptodate", &cert, &cert_len, NULL);
    ext_value(cert, cert_len, &val, &len);
    for (size_t n = 0; n < len; n++) {
        uint8_t *c = dup_n(val, n);
        vt_assert_rc(parse_checked(c, n, &e), VT_E_MALFORMED);
        free(c);
    }
    uint8_t *longer = malloc(len + 2);
    memcpy(longer, val, len);
    longer[len] = 0;
    longer[len + 1] = 0;
    vt_assert_rc(parse_checked(longer, len + 1, &e), VT_E_TRAILING_DATA);
    vt_assert_rc(parse_checked(longer, len + 2, &e), VT_E_TRAILING_DATA);
    assert_non_null(strstr(vt_last_error(), "2 trailing bytes after the sgx extension sequence"));
    free(longer);

    /* Indefinite length (BER) for the outer SEQUENCE: 30 80 .. 00 00. */
    assert_true(val[0] == 0x30 && val[1] == 0x82);
    uint8_t *ber = malloc(len + 2);
    ber[0] = 0x30;
    ber[1] = 0x80;
    memcpy(ber + 2, val + 4, len - 4);
    ber[len - 2] = 0;
    ber[len - 1] = 0;
    vt_assert_rc(parse_checked(ber, len, &e), VT_E_MALFORMED);
    free(ber);

    vt_assert_rc(parse_checked(B(0x04, 0x00), &e), VT_E_MALFORMED);
    vt_assert_rc(parse_checked(B(0x30, 0x00), &e), VT_E_MALFORMED);
    uint8_t *big = calloc(1, 4097);
    vt_assert_rc(vt_pck_ext_parse(big, 4097, &e), VT_E_TOO_LARGE);
    free(big);
    free(val);
    free(cert);
}

static void from_cert_der_rules(void **state)
{
    (void)state;
    uint8_t *cert;
    size_t len;
    X509 *ca = NULL;
    vt_pck_ext_t e;
    leaf_der("sgx-v3-phala-processorca", &cert, &len, &ca);
    uint8_t *longer = malloc(len + 1);
    memcpy(longer, cert, len);
    longer[len] = 0;
    vt_assert_rc(vt_pck_ext_from_cert_der(longer, len + 1, &e), VT_E_TRAILING_DATA);
    vt_assert_rc(vt_pck_ext_from_cert_der(longer, len - 1, &e), VT_E_MALFORMED);
    vt_assert_rc(vt_pck_ext_from_cert_der(longer, 0, &e), VT_E_MALFORMED);
    free(longer);
    /* The intermediate CA has no SGX extension. */
    unsigned char *p = NULL;
    int n = i2d_X509(ca, &p);
    assert_true(n > 0);
    vt_assert_rc(vt_pck_ext_from_cert_der(p, (size_t)n, &e), VT_E_MALFORMED);
    assert_non_null(strstr(vt_last_error(), "certificate has no sgx extension"));
    OPENSSL_free(p);
    uint8_t *big = calloc(1, VT_CERT_DATA_MAX + 1);
    vt_assert_rc(vt_pck_ext_from_cert_der(big, VT_CERT_DATA_MAX + 1, &e), VT_E_TOO_LARGE);
    free(big);
    X509_free(ca);
    free(cert);
}

static void serialize_edge_values(void **state)
{
    (void)state;
    vt_pck_ext_t e, back;
    uint8_t *out;
    size_t len;
    memset(&e, 0, sizeof(e));
    for (int i = 0; i < 16; i++) e.comp_svn[i] = (uint8_t)(i * 17); /* 0 .. 255 */
    e.comp_svn[1] = 127;
    e.comp_svn[2] = 128;
    e.pce_svn = 0xffff;
    e.sgx_type = VT_SGX_TYPE_SCALABLE_WITH_INTEGRITY;
    e.has_configuration = true; /* an empty configuration SEQUENCE */
    vt_assert_ok(vt_pck_ext_serialize(&e, &out, &len));
    vt_assert_ok(vt_pck_ext_parse(out, len, &back));
    assert_true(ext_equal(&e, &back));
    free(out);

    e.pce_svn = 0x80;
    e.has_configuration = true;
    e.has_smt_enabled = e.is_smt_enabled = true;
    e.has_platform_instance_id = true;
    memset(e.platform_instance_id, 0xee, 16);
    vt_assert_ok(vt_pck_ext_serialize(&e, &out, &len));
    vt_assert_ok(vt_pck_ext_parse(out, len, &back));
    assert_true(ext_equal(&e, &back));
    free(out);

    out = NULL;
    e.sgx_type = 3;
    vt_assert_rc(vt_pck_ext_serialize(&e, &out, &len), VT_E_INVALID_ARG);
    e.sgx_type = VT_SGX_TYPE_STANDARD;
    e.has_configuration = false;
    vt_assert_rc(vt_pck_ext_serialize(&e, &out, &len), VT_E_INVALID_ARG);
    assert_null(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encoder_matches_intel),
        cmocka_unit_test(every_vector_leaf),
        cmocka_unit_test(vector_values),
        cmocka_unit_test(missing_items),
        cmocka_unit_test(duplicates),
        cmocka_unit_test(wrong_types),
        cmocka_unit_test(sizes_and_ranges),
        cmocka_unit_test(unknown_oids),
        cmocka_unit_test(der_only),
        cmocka_unit_test(strictness_matches_reference),
        cmocka_unit_test(whole_buffer_rules),
        cmocka_unit_test(from_cert_der_rules),
        cmocka_unit_test(serialize_edge_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
