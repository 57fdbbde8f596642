/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A strict walk of the PCK leaf certificate (see pck_leaf.h) over common/der.h. Grammar,
 * RFC 5280 §4.1, restricted to Intel's profile (dcap.md §3.1):
 *   Certificate ::= SEQUENCE { tbs, AlgorithmIdentifier, BIT STRING }
 *   tbs ::= SEQUENCE { [0] { INTEGER 2 }, INTEGER, AlgId, Name, SEQUENCE { Time, Time },
 *                      Name, SubjectPublicKeyInfo, [3] { SEQUENCE OF Extension } }
 *   Name ::= SEQUENCE OF SET { SEQUENCE { OID, DirectoryString } }
 *   Extension ::= SEQUENCE { OID, BOOLEAN OPTIONAL, OCTET STRING }
 * Details are written without the module name; vt_pck_leaf_parse adds it once.
 */
#include "verify/pck_leaf.h"

#include "common/cursor.h"
#include "common/error.h"

#define MOD "pck certificate"
/* RFC 5280 §4.1.2.2: at most 20 octets of value, plus the 00 sign octet. */
#define SERIAL_MAX 21

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

/* One AttributeTypeAndValue: Intel's names are plain ASCII UTF8String/PrintableString. */
static int read_attribute(vt_cursor_t *rdn)
{
    vt_der_tlv_t atv, value;
    vt_der_span_t type;

    VT_GUARD(vt_der_read_expect(rdn, VT_DER_SEQUENCE, "name attribute", &atv));
    VT_GUARD(vt_der_read_oid(&atv.content, &type));
    VT_GUARD(vt_der_read_tlv(&atv.content, &value));
    VT_GUARD(vt_der_expect_end(&atv.content, "name attribute"));
    VT_ENSURE(value.tag == VT_DER_UTF8_STRING || value.tag == VT_DER_PRINTABLE_STRING,
              VT_E_UNSUPPORTED, "name attribute of tag %02x, expected utf8 or printable string",
              value.tag);
    return vt_der_get_ascii(&value);
}

static int read_name(vt_cursor_t *c, const char *what, vt_der_span_t *out)
{
    vt_der_tlv_t name, rdn;
    VT_GUARD(vt_der_read_expect(c, VT_DER_SEQUENCE, what, &name));
    while (vt_cursor_remaining(&name.content) > 0) {
        VT_GUARD(
            vt_der_read_expect(&name.content, VT_DER_SET, "relative distinguished name", &rdn));
        VT_GUARD(read_attribute(&rdn.content));
        /* Single-valued RDNs only: no SET OF ordering to check (X.690 §11.6). */
        VT_GUARD(vt_der_expect_end(&rdn.content, "relative distinguished name"));
    }
    *out = name.tlv;
    return 0;
}

/* RFC 5280 §4.1.2.5.1-2: YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ. */
static int read_time(vt_cursor_t *c, const char *what, vt_der_span_t *out)
{
    vt_der_tlv_t t;
    VT_GUARD(vt_der_read_tlv(c, &t));
    int rc = vt_der_get_time(&t);
    if (rc < 0) return vt_error_wrap(rc, "%s", what);
    *out = t.tlv;
    return 0;
}

/* SubjectPublicKeyInfo: P-256 named curve, uncompressed point. */
static int read_spki(vt_cursor_t *tbs, uint8_t point[VT_P256_POINT_LEN])
{
    vt_der_tlv_t spki;
    vt_der_span_t key;
    vt_cursor_t k;
    uint8_t form;

    VT_GUARD(vt_der_read_expect(tbs, VT_DER_SEQUENCE, "subjectPublicKeyInfo", &spki));
    VT_GUARD(vt_der_read_fixed(&spki.content, p256_alg, sizeof(p256_alg), "public key algorithm"));
    VT_GUARD(vt_der_read_bits(&spki.content, &key));
    VT_GUARD(vt_der_expect_end(&spki.content, "subjectPublicKeyInfo"));
    vt_cursor_init(&k, key.p, key.len, MOD);
    VT_ENSURE(vt_cursor_remaining(&k) == 1 + VT_P256_POINT_LEN &&
                  vt_cursor_read_u8(&k, &form) == 0 && form == 0x04,
              VT_E_UNSUPPORTED, "public key is not an uncompressed p-256 point");
    return vt_cursor_read_bytes(&k, point, VT_P256_POINT_LEN);
}

/* One Extension; records the SGX extension's value (exactly once). */
static int read_extension(vt_cursor_t *exts, vt_pck_leaf_t *out)
{
    vt_der_tlv_t ext, value;
    vt_der_span_t id;
    uint8_t tag;
    bool is_critical;

    VT_GUARD(vt_der_read_expect(exts, VT_DER_SEQUENCE, "extension", &ext));
    VT_GUARD(vt_der_read_oid(&ext.content, &id));
    VT_GUARD(vt_der_peek_tag(&ext.content, &tag));
    if (tag == VT_DER_BOOLEAN) {
        VT_GUARD(vt_der_read_bool(&ext.content, &is_critical));
        /* critical is DEFAULT FALSE, and DER omits a default value (X.690 §11.5). */
        VT_ENSURE(is_critical, VT_E_MALFORMED, "extension criticality false is encoded");
    }
    VT_GUARD(vt_der_read_expect(&ext.content, VT_DER_OCTET_STRING, "extension value", &value));
    VT_GUARD(vt_der_expect_end(&ext.content, "extension"));
    if (!vt_der_span_equals(&id, sgx_oid, sizeof(sgx_oid))) return 0;
    VT_ENSURE(out->sgx_ext.p == NULL, VT_E_MALFORMED, "two sgx extensions");
    vt_der_span_t v = vt_der_contents(&value);
    VT_ENSURE(v.len > 0, VT_E_MALFORMED, "empty sgx extension");
    out->sgx_ext = v;
    return 0;
}

static int read_extensions(vt_cursor_t *tbs, vt_pck_leaf_t *out)
{
    vt_der_tlv_t wrapper, list;
    VT_GUARD(vt_der_read_expect(tbs, VT_DER_CONTEXT(3), "extensions", &wrapper));
    VT_GUARD(vt_der_read_expect(&wrapper.content, VT_DER_SEQUENCE, "extensions", &list));
    VT_GUARD(vt_der_expect_end(&wrapper.content, "extensions"));
    while (vt_cursor_remaining(&list.content) > 0) VT_GUARD(read_extension(&list.content, out));
    VT_ENSURE(out->sgx_ext.p != NULL, VT_E_MALFORMED, "no sgx extension");
    return 0;
}

static int read_tbs(const vt_der_tlv_t *tbs, vt_pck_leaf_t *out)
{
    vt_der_tlv_t serial, validity;
    vt_cursor_t c = tbs->content;

    out->tbs = tbs->tlv;
    VT_GUARD(vt_der_read_fixed(&c, version3, sizeof(version3), "version (expected v3)"));
    VT_GUARD(vt_der_read_expect(&c, VT_DER_INTEGER, "serialNumber", &serial));
    VT_GUARD(vt_der_get_integer(&serial, SERIAL_MAX));
    out->serial = serial.tlv;
    VT_GUARD(
        vt_der_read_fixed(&c, ecdsa_sha256_alg, sizeof(ecdsa_sha256_alg), "signature algorithm"));
    VT_GUARD(read_name(&c, "issuer", &out->issuer));
    VT_GUARD(vt_der_read_expect(&c, VT_DER_SEQUENCE, "validity", &validity));
    VT_GUARD(read_time(&validity.content, "notBefore", &out->not_before));
    VT_GUARD(read_time(&validity.content, "notAfter", &out->not_after));
    VT_GUARD(vt_der_expect_end(&validity.content, "validity"));
    VT_GUARD(read_name(&c, "subject", &out->subject));
    VT_GUARD(read_spki(&c, out->point));
    /* No issuerUniqueID / subjectUniqueID ([1], [2]): extensions must follow. */
    VT_GUARD(read_extensions(&c, out));
    return vt_der_expect_end(&c, "tbsCertificate");
}

static int read_certificate(const uint8_t *der, size_t len, vt_pck_leaf_t *out)
{
    vt_cursor_t c;
    vt_der_tlv_t cert, tbs;

    vt_cursor_init(&c, der, len, MOD);
    VT_GUARD(vt_der_read_expect(&c, VT_DER_SEQUENCE, "certificate", &cert));
    VT_GUARD(vt_der_expect_end(&c, "certificate"));
    VT_GUARD(vt_der_read_expect(&cert.content, VT_DER_SEQUENCE, "tbsCertificate", &tbs));
    VT_GUARD(read_tbs(&tbs, out));
    VT_GUARD(vt_der_read_fixed(&cert.content, ecdsa_sha256_alg, sizeof(ecdsa_sha256_alg),
                               "signature algorithm"));
    VT_GUARD(vt_der_read_bits(&cert.content, &out->signature));
    VT_GUARD(vt_der_expect_end(&cert.content, "certificate"));
    VT_ENSURE(out->signature.len > 0, VT_E_MALFORMED, "empty signature");
    return 0;
}

int vt_pck_leaf_parse(const uint8_t *der, size_t len, vt_pck_leaf_t *out)
{
    vt_pck_leaf_t leaf = {0};
    int rc = read_certificate(der, len, &leaf);
    if (rc < 0) return vt_error_wrap(rc, MOD);
    *out = leaf;
    return 0;
}

/* One AttributeTypeAndValue; copies the value if the type is commonName. */
static int name_attribute(vt_cursor_t *set, char *out, size_t cap, bool *found)
{
    vt_der_tlv_t atv, type, value;
    const uint8_t *p;
    VT_GUARD(vt_der_read_expect(set, VT_DER_SEQUENCE, "name attribute", &atv));
    VT_GUARD(vt_der_read_expect(&atv.content, VT_DER_OID, "attribute type", &type));
    VT_GUARD(vt_der_read_tlv(&atv.content, &value));
    vt_der_span_t id = vt_der_contents(&type);
    if (*found || !vt_der_span_equals(&id, cn_oid, sizeof(cn_oid))) return 0;
    size_t n = vt_cursor_remaining(&value.content);
    if (n > cap - 1) n = cap - 1;
    VT_GUARD(vt_cursor_borrow(&value.content, n, &p));
    for (size_t i = 0; i < n; i++) out[i] = p[i] ? (char)p[i] : '?';
    out[n] = '\0';
    *found = true;
    return 0;
}

static int name_cn(const vt_der_span_t *name, char *out, size_t cap)
{
    vt_cursor_t c;
    vt_der_tlv_t seq, set;
    bool found = false;

    vt_cursor_init(&c, name->p, name->len, MOD);
    VT_GUARD(vt_der_read_expect(&c, VT_DER_SEQUENCE, "name", &seq));
    while (vt_cursor_remaining(&seq.content) > 0) {
        VT_GUARD(vt_der_read_expect(&seq.content, VT_DER_SET, "relative distinguished name", &set));
        while (vt_cursor_remaining(&set.content) > 0)
            VT_GUARD(name_attribute(&set.content, out, cap, &found));
    }
    return 0;
}

int vt_der_name_cn(const vt_der_span_t *name, char *out, size_t cap)
{
    out[0] = '\0';
    int rc = name_cn(name, out, cap);
    return rc < 0 ? vt_error_wrap(rc, MOD) : 0;
}
