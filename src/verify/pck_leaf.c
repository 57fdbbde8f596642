/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A strict DER walker for the PCK leaf certificate (see pck_leaf.h). Grammar, RFC 5280
 * §4.1, restricted to Intel's profile (dcap.md §3.1):
 *   Certificate ::= SEQUENCE { tbs, AlgorithmIdentifier, BIT STRING }
 *   tbs ::= SEQUENCE { [0] { INTEGER 2 }, INTEGER, AlgId, Name, SEQUENCE { Time, Time },
 *                      Name, SubjectPublicKeyInfo, [3] { SEQUENCE OF Extension } }
 *   Extension ::= SEQUENCE { OID, BOOLEAN OPTIONAL, OCTET STRING }
 */
#include "verify/pck_leaf.h"

#include <openssl/crypto.h>

#include "common/cursor.h"
#include "common/error.h"

#define MOD "pck certificate"

/* DER of AlgorithmIdentifier ecdsa-with-SHA256 (1.2.840.10045.4.3.2, no parameters). */
static const uint8_t ecdsa_sha256_alg[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                           0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
/* DER of AlgorithmIdentifier id-ecPublicKey with namedCurve prime256v1. */
static const uint8_t p256_alg[] = {0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
                                   0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
static const uint8_t version3[] = {0xa0, 0x03, 0x02, 0x01, 0x02};
/* Content octets of OIDs 1.2.840.113741.1.13.1 and 2.5.4.3 (commonName). */
static const uint8_t sgx_oid[] = {0x2a, 0x86, 0x48, 0x86, 0xf8, 0x4d, 0x01, 0x0d, 0x01};
static const uint8_t cn_oid[] = {0x55, 0x04, 0x03};

typedef struct {
    vt_der_span_t tlv;   /* tag, length and contents */
    vt_cursor_t content; /* over the contents */
    uint8_t tag;
} der_elem_t;

/* Reads one TLV with a definite, minimally encoded length (X.690 §10.1). */
static int der_next(vt_cursor_t *c, der_elem_t *e)
{
    const uint8_t *start;
    const uint8_t *body;
    uint8_t l, b;
    size_t len;
    vt_cursor_t at = *c;

    VT_GUARD(vt_cursor_read_u8(c, &e->tag));
    VT_GUARD(vt_cursor_read_u8(c, &l));
    len = l;
    if (l >= 0x80) {
        VT_ENSURE(l == 0x81 || l == 0x82, VT_E_MALFORMED, MOD ": unsupported length form %02x", l);
        len = 0;
        for (uint8_t i = 0; i < (l & 0x7f); i++) {
            VT_GUARD(vt_cursor_read_u8(c, &b));
            len = (len << 8) | b;
        }
        VT_ENSURE(len >= (l == 0x81 ? 0x80u : 0x100u), VT_E_MALFORMED,
                  MOD ": length not minimally encoded");
    }
    size_t header = vt_cursor_pos(c) - vt_cursor_pos(&at);
    VT_GUARD(vt_cursor_borrow(c, len, &body));
    VT_GUARD(vt_cursor_borrow(&at, header + len, &start));
    e->tlv = (vt_der_span_t){start, header + len};
    vt_cursor_init(&e->content, body, len, MOD);
    return 0;
}

static int der_expect(vt_cursor_t *c, uint8_t tag, der_elem_t *e, const char *what)
{
    VT_GUARD(der_next(c, e));
    VT_ENSURE(e->tag == tag, VT_E_MALFORMED, MOD ": %s has tag %02x, expected %02x", what, e->tag,
              tag);
    return 0;
}

/* The contents of an element as a span. */
static vt_der_span_t contents(const der_elem_t *e)
{
    vt_cursor_t c = e->content;
    vt_der_span_t s = {NULL, vt_cursor_remaining(&c)};
    if (vt_cursor_borrow(&c, s.len, &s.p) != 0) s.len = 0;
    return s;
}

static bool span_equals(const vt_der_span_t *s, const uint8_t *want, size_t n)
{
    return s->len == n && CRYPTO_memcmp(s->p, want, n) == 0;
}

static int expect_bytes(vt_cursor_t *c, const uint8_t *want, size_t n, const char *what)
{
    der_elem_t e;
    VT_GUARD(der_next(c, &e));
    VT_ENSURE(span_equals(&e.tlv, want, n), VT_E_UNSUPPORTED, MOD ": unsupported %s", what);
    return 0;
}

static int expect_end(const vt_cursor_t *c, const char *what)
{
    VT_ENSURE(vt_cursor_remaining(c) == 0, VT_E_MALFORMED, MOD ": trailing bytes in %s", what);
    return 0;
}

/* SubjectPublicKeyInfo: P-256 named curve, uncompressed point. */
static int read_spki(vt_cursor_t *tbs, vt_pck_leaf_t *out)
{
    der_elem_t spki, bits;
    uint8_t unused, form;
    VT_GUARD(der_expect(tbs, 0x30, &spki, "subjectPublicKeyInfo"));
    VT_GUARD(expect_bytes(&spki.content, p256_alg, sizeof(p256_alg), "public key algorithm"));
    VT_GUARD(der_expect(&spki.content, 0x03, &bits, "subjectPublicKey"));
    VT_GUARD(expect_end(&spki.content, "subjectPublicKeyInfo"));
    VT_ENSURE(bits.tlv.len == 2 + 1 + 1 + VT_P256_POINT_LEN, VT_E_UNSUPPORTED,
              MOD ": public key is not an uncompressed P-256 point");
    VT_GUARD(vt_cursor_read_u8(&bits.content, &unused));
    VT_GUARD(vt_cursor_read_u8(&bits.content, &form));
    VT_ENSURE(unused == 0 && form == 0x04, VT_E_UNSUPPORTED,
              MOD ": public key is not an uncompressed P-256 point");
    return vt_cursor_read_bytes(&bits.content, out->point, VT_P256_POINT_LEN);
}

/* One Extension; records the SGX extension's value (exactly once). */
static int read_extension(vt_cursor_t *exts, vt_pck_leaf_t *out)
{
    der_elem_t ext, oid, next;
    VT_GUARD(der_expect(exts, 0x30, &ext, "extension"));
    VT_GUARD(der_expect(&ext.content, 0x06, &oid, "extension id"));
    VT_GUARD(der_next(&ext.content, &next));
    if (next.tag == 0x01) { /* critical: DER only encodes TRUE (the default is FALSE) */
        static const uint8_t der_true[] = {0x01, 0x01, 0xff};
        VT_ENSURE(span_equals(&next.tlv, der_true, sizeof(der_true)), VT_E_MALFORMED,
                  MOD ": extension criticality is not DER TRUE");
        VT_GUARD(der_next(&ext.content, &next));
    }
    VT_ENSURE(next.tag == 0x04, VT_E_MALFORMED, MOD ": extension value is not an octet string");
    VT_GUARD(expect_end(&ext.content, "extension"));
    vt_der_span_t id = contents(&oid);
    if (!span_equals(&id, sgx_oid, sizeof(sgx_oid))) return 0;
    VT_ENSURE(out->sgx_ext.p == NULL, VT_E_MALFORMED, MOD ": two sgx extensions");
    out->sgx_ext = contents(&next);
    VT_ENSURE(out->sgx_ext.p != NULL, VT_E_MALFORMED, MOD ": empty sgx extension");
    return 0;
}

static int read_extensions(vt_cursor_t *tbs, vt_pck_leaf_t *out)
{
    der_elem_t wrapper, list;
    VT_GUARD(der_expect(tbs, 0xa3, &wrapper, "extensions"));
    VT_GUARD(der_expect(&wrapper.content, 0x30, &list, "extensions"));
    VT_GUARD(expect_end(&wrapper.content, "extensions"));
    while (vt_cursor_remaining(&list.content) > 0) VT_GUARD(read_extension(&list.content, out));
    VT_ENSURE(out->sgx_ext.p != NULL, VT_E_MALFORMED, MOD ": no sgx extension");
    return 0;
}

static int read_time(vt_cursor_t *c, vt_der_span_t *out, const char *what)
{
    der_elem_t t;
    VT_GUARD(der_next(c, &t));
    VT_ENSURE(t.tag == 0x17 || t.tag == 0x18, VT_E_MALFORMED, MOD ": %s is not a time", what);
    *out = t.tlv;
    return 0;
}

static int read_tbs(der_elem_t *tbs, vt_pck_leaf_t *out)
{
    der_elem_t e, validity;
    vt_cursor_t *c = &tbs->content;

    out->tbs = tbs->tlv;
    VT_GUARD(expect_bytes(c, version3, sizeof(version3), "version (expected v3)"));
    VT_GUARD(der_expect(c, 0x02, &e, "serialNumber"));
    out->serial = e.tlv;
    VT_GUARD(expect_bytes(c, ecdsa_sha256_alg, sizeof(ecdsa_sha256_alg), "signature algorithm"));
    VT_GUARD(der_expect(c, 0x30, &e, "issuer"));
    out->issuer = e.tlv;
    VT_GUARD(der_expect(c, 0x30, &validity, "validity"));
    VT_GUARD(read_time(&validity.content, &out->not_before, "notBefore"));
    VT_GUARD(read_time(&validity.content, &out->not_after, "notAfter"));
    VT_GUARD(expect_end(&validity.content, "validity"));
    VT_GUARD(der_expect(c, 0x30, &e, "subject"));
    out->subject = e.tlv;
    VT_GUARD(read_spki(c, out));
    /* No issuerUniqueID / subjectUniqueID ([1], [2]): extensions must follow. */
    VT_GUARD(read_extensions(c, out));
    return expect_end(c, "tbsCertificate");
}

int vt_pck_leaf_parse(const uint8_t *der, size_t len, vt_pck_leaf_t *out)
{
    vt_cursor_t c;
    der_elem_t cert, tbs, sig;
    uint8_t unused;

    *out = (vt_pck_leaf_t){0};
    vt_cursor_init(&c, der, len, MOD);
    VT_GUARD(der_expect(&c, 0x30, &cert, "certificate"));
    VT_GUARD(expect_end(&c, "certificate"));
    VT_GUARD(der_expect(&cert.content, 0x30, &tbs, "tbsCertificate"));
    VT_GUARD(read_tbs(&tbs, out));
    VT_GUARD(expect_bytes(&cert.content, ecdsa_sha256_alg, sizeof(ecdsa_sha256_alg),
                          "signature algorithm"));
    VT_GUARD(der_expect(&cert.content, 0x03, &sig, "signatureValue"));
    VT_GUARD(expect_end(&cert.content, "certificate"));
    VT_GUARD(vt_cursor_read_u8(&sig.content, &unused));
    VT_ENSURE(unused == 0, VT_E_MALFORMED, MOD ": signature bit string has unused bits");
    out->signature.len = vt_cursor_remaining(&sig.content);
    VT_ENSURE(out->signature.len > 0, VT_E_MALFORMED, MOD ": empty signature");
    return vt_cursor_borrow(&sig.content, out->signature.len, &out->signature.p);
}

/* One AttributeTypeAndValue; copies the value if the type is commonName. */
static int name_attribute(vt_cursor_t *set, char *out, size_t cap, bool *found)
{
    der_elem_t atv, type, value;
    const uint8_t *p;
    VT_GUARD(der_expect(set, 0x30, &atv, "name attribute"));
    VT_GUARD(der_expect(&atv.content, 0x06, &type, "attribute type"));
    VT_GUARD(der_next(&atv.content, &value));
    vt_der_span_t id = contents(&type);
    if (*found || !span_equals(&id, cn_oid, sizeof(cn_oid))) return 0;
    size_t n = vt_cursor_remaining(&value.content);
    if (n > cap - 1) n = cap - 1;
    VT_GUARD(vt_cursor_borrow(&value.content, n, &p));
    for (size_t i = 0; i < n; i++) out[i] = p[i] ? (char)p[i] : '?';
    out[n] = '\0';
    *found = true;
    return 0;
}

int vt_der_name_cn(const vt_der_span_t *name, char *out, size_t cap)
{
    vt_cursor_t c;
    der_elem_t seq, set;
    bool found = false;

    out[0] = '\0';
    vt_cursor_init(&c, name->p, name->len, MOD);
    VT_GUARD(der_expect(&c, 0x30, &seq, "name"));
    while (vt_cursor_remaining(&seq.content) > 0) {
        VT_GUARD(der_expect(&seq.content, 0x31, &set, "relative distinguished name"));
        while (vt_cursor_remaining(&set.content) > 0)
            VT_GUARD(name_attribute(&set.content, out, cap, &found));
    }
    return 0;
}
