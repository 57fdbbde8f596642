/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of src/evidence/sgx_quote.c: SGX v3, TDX v4 and v5 quotes (dcap.md §1, §2) against
 * every real vector: acceptance, truncation at every offset, every length field off by
 * one, padding, header rules, and byte-exact round trips.
 */
#include "test_util.h"

#include <string.h>
#include <veritee/evidence.h>

#include "common/ossl.h"

typedef struct {
    const char *id;
    uint16_t version;
    vt_tee_t tee;
    vt_body_type_t body;
    size_t signed_len;
    size_t sig_end;         /* end of the signature data; the rest is padding */
    bool is_text_padded;    /* padding is not all zero (go-tdx-guest test data) */
    uint8_t measurement[4]; /* MRENCLAVE (SGX) or MRTD (TDX), first bytes */
} known_t;

static const known_t known[] = {
    {"sgx-v3-dcaprs-tcbinfov2",
     3,
     VT_TEE_SGX,
     VT_BODY_SGX,
     432,
     4734,
     false,
     {0xa4, 0xf4, 0x5c, 0x39}},
    {"sgx-v3-phala-processorca",
     3,
     VT_TEE_SGX,
     VT_BODY_SGX,
     432,
     4600,
     false,
     {0x33, 0xd8, 0x73, 0x6d}},
    {"tdx-v4-dcaprs-00806f050000",
     4,
     VT_TEE_TDX,
     VT_BODY_TD10,
     632,
     4935,
     false,
     {0x93, 0x5b, 0xe7, 0x74}},
    {"tdx-v4-gotdx-spr-notcblevel",
     4,
     VT_TEE_TDX,
     VT_BODY_TD10,
     632,
     4935,
     true,
     {0x63, 0x63, 0xb8, 0x04}},
    {"tdx-v4-phala-uptodate",
     4,
     VT_TEE_TDX,
     VT_BODY_TD10,
     632,
     4936,
     false,
     {0x91, 0xeb, 0x2b, 0x44}},
    {"tdx-v5-alibaba-automata0625",
     5,
     VT_TEE_TDX,
     VT_BODY_TD15,
     702,
     5006,
     false,
     {0x15, 0x77, 0x68, 0xa7}},
};
#define NKNOWN (sizeof(known) / sizeof(known[0]))

static unsigned flags_for(const known_t *k)
{
    return k->is_text_padded ? VT_QUOTE_PARSE_ANY_TRAILING : 0;
}

/* A heap copy of exactly n bytes, so ASan sees any read past the end. */
static uint8_t *dup_n(const uint8_t *p, size_t n)
{
    uint8_t *c = malloc(n ? n : 1);
    assert_non_null(c);
    if (n) memcpy(c, p, n);
    return c;
}

static void put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Field offsets of a parsed vector (dcap.md §1.4, §2.4). */
typedef struct {
    size_t sig_len, type6_type, type6_size, qe, qe_auth_len, cert_type, cert_size, body_size;
} offsets_t;

static offsets_t offsets_of(const vt_quote_t *q)
{
    offsets_t o = {0};
    o.sig_len = q->signed_len;
    size_t qe = o.sig_len + 4 + 128;
    if (q->header.version > 3) {
        o.type6_type = qe;
        o.type6_size = qe + 2;
        qe += 6;
    }
    o.qe = qe;
    o.qe_auth_len = qe + 448;
    o.cert_type = o.qe_auth_len + 2 + q->qe_auth_len;
    o.cert_size = o.cert_type + 2;
    o.body_size = q->header.version == 5 ? 50 : 0;
    return o;
}

static void check_vector_fields(const known_t *k, const uint8_t *buf, const vt_quote_t *q)
{
    vt_test_expected_t exp;
    vt_test_read_expected(k->id, &exp);
    assert_int_equal(q->header.version, exp.quote_version);
    assert_string_equal(exp.tee, q->tee == VT_TEE_SGX ? "SGX" : "TDX");
    assert_int_equal(q->header.version, k->version);
    assert_int_equal(q->tee, k->tee);
    assert_int_equal(q->body_type, k->body);
    assert_int_equal(q->header.att_key_type, 2);
    assert_memory_equal(q->header.qe_vendor_id, vt_intel_qe_vendor_id, 16);
    assert_ptr_equal(q->signed_data, buf);
    assert_int_equal(q->signed_len, k->signed_len);
    assert_int_equal(vt_quote_signed_len(q), k->signed_len);
    assert_memory_equal(k->body == VT_BODY_SGX ? q->sgx.mr_enclave : q->td.mr_td, k->measurement,
                        4);
    assert_int_equal(q->outer_cert_type, k->version == 3 ? 5 : 6);
    assert_int_equal(q->cert_type, VT_CERT_PCK_CHAIN);
    assert_ptr_equal(q->cert_data + q->cert_len, buf + k->sig_end);
    assert_memory_equal(q->cert_data, "-----BEGIN CERTIFICATE-----", 27);
    /* Intel's QE puts 32 bytes of authentication data (00 01 .. 1f, or all zero in the
     * dcap-rs TDX sample); check_qe_binding proves they are the right 32 bytes. */
    assert_int_equal(q->qe_auth_len, 32);
    assert_ptr_equal(q->qe_report_raw, buf + offsets_of(q).qe);
}

/* dcap.md §1.4: the QE report data binds the attestation key; proves the offsets are right. */
static void check_qe_binding(const vt_quote_t *q)
{
    uint8_t msg[VT_ECDSA_KEY_LEN + 32], digest[VT_SHA256_LEN];
    static const uint8_t zero[32];
    memcpy(msg, q->attest_key, VT_ECDSA_KEY_LEN);
    memcpy(msg + VT_ECDSA_KEY_LEN, q->qe_auth_data, q->qe_auth_len);
    vt_sha256(msg, sizeof(msg), digest);
    assert_memory_equal(q->qe_report.report_data, digest, 32);
    assert_memory_equal(q->qe_report.report_data + 32, zero, 32);
}

static void every_vector_parses(void **state)
{
    (void)state;
    for (size_t i = 0; i < NKNOWN; i++) {
        const known_t *k = &known[i];
        uint8_t *buf;
        size_t len;
        vt_quote_t q;
        vt_test_read_vector(k->id, "quote.bin", &buf, &len);
        if (k->is_text_padded) {
            /* The strict default refuses the 39 bytes of text after the signature data. */
            vt_assert_rc(vt_quote_parse(buf, len, &q), VT_E_TRAILING_DATA);
            assert_non_null(strstr(vt_last_error(), "byte 0x0a at offset 4935"));
        } else {
            vt_assert_ok(vt_quote_parse(buf, len, &q));
            check_vector_fields(k, buf, &q);
        }
        vt_assert_ok(vt_quote_parse_ex(buf, len, VT_QUOTE_PARSE_ANY_TRAILING, &q));
        check_vector_fields(k, buf, &q);
        check_qe_binding(&q);
        assert_int_equal(q.trailing_len, len - k->sig_end);
        STACK_OF(X509) *chain = NULL;
        vt_assert_ok(vt_x509_chain_parse_pem(q.cert_data, q.cert_len, 3, &chain));
        assert_int_equal(sk_X509_num(chain), 3);
        sk_X509_pop_free(chain, X509_free);
        free(buf);
    }
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i]) return false;
    return true;
}

static void truncation_at_every_offset(void **state)
{
    (void)state;
    for (size_t i = 0; i < NKNOWN; i++) {
        const known_t *k = &known[i];
        uint8_t *buf;
        size_t len;
        vt_test_read_vector(k->id, "quote.bin", &buf, &len);
        for (size_t n = 0; n < len; n++) {
            uint8_t *c = dup_n(buf, n);
            vt_quote_t q;
            int rc = vt_quote_parse(c, n, &q);
            if (n < k->sig_end) {
                vt_assert_rc(rc, VT_E_TRUNCATED);
                vt_assert_rc(vt_quote_parse_ex(c, n, VT_QUOTE_PARSE_ANY_TRAILING, &q),
                             VT_E_TRUNCATED);
            } else if (all_zero(buf + k->sig_end, n - k->sig_end)) {
                /* Cut inside the zero padding: still a whole quote. */
                vt_assert_ok(rc);
                assert_int_equal(q.trailing_len, n - k->sig_end);
            } else {
                vt_assert_rc(rc, VT_E_TRAILING_DATA);
                vt_assert_ok(vt_quote_parse_ex(c, n, VT_QUOTE_PARSE_ANY_TRAILING, &q));
            }
            free(c);
        }
        free(buf);
    }
}

/* Parses buf[0, sig_end) with the u16/u32 at `at` changed by delta. */
static int parse_with_field(const uint8_t *buf, size_t len, size_t at, int width, int delta)
{
    uint8_t *c = dup_n(buf, len);
    vt_quote_t q;
    if (width == 2)
        put_u16(c + at, (uint16_t)((c[at] | c[at + 1] << 8) + delta));
    else
        put_u32(c + at, get_u32(c + at) + (uint32_t)delta);
    int rc = vt_quote_parse(c, len, &q);
    free(c);
    return rc;
}

static void length_fields_off_by_one(void **state)
{
    (void)state;
    for (size_t i = 0; i < NKNOWN; i++) {
        const known_t *k = &known[i];
        uint8_t *buf;
        size_t len, n = k->sig_end;
        vt_quote_t q;
        vt_test_read_vector(k->id, "quote.bin", &buf, &len);
        vt_assert_ok(vt_quote_parse(buf, n, &q));
        offsets_t o = offsets_of(&q);

        /* signature_data_len: past the end of an exact quote; short of the cert data. */
        vt_assert_rc(parse_with_field(buf, n, o.sig_len, 4, +1), VT_E_TRUNCATED);
        vt_assert_rc(parse_with_field(buf, n, o.sig_len, 4, -1), VT_E_TRUNCATED);
        /* With padding after it, one byte too many is one byte left over in the signature data. */
        if (len > n) vt_assert_rc(parse_with_field(buf, len, o.sig_len, 4, +1), VT_E_TRAILING_DATA);
        /* QE auth data size: the certification data type is then read from the wrong place. */
        vt_assert_rc(parse_with_field(buf, n, o.qe_auth_len, 2, +1), VT_E_UNSUPPORTED);
        vt_assert_rc(parse_with_field(buf, n, o.qe_auth_len, 2, -1), VT_E_UNSUPPORTED);
        /* Certification data size: not consumed exactly. */
        vt_assert_rc(parse_with_field(buf, n, o.cert_size, 4, +1), VT_E_TRUNCATED);
        vt_assert_rc(parse_with_field(buf, n, o.cert_size, 4, -1), VT_E_TRAILING_DATA);
        if (k->version > 3) {
            vt_assert_rc(parse_with_field(buf, n, o.type6_size, 4, +1), VT_E_TRUNCATED);
            vt_assert_rc(parse_with_field(buf, n, o.type6_size, 4, -1), VT_E_TRUNCATED);
        }
        if (k->version == 5) {
            vt_assert_rc(parse_with_field(buf, n, o.body_size, 4, +1), VT_E_MALFORMED);
            vt_assert_rc(parse_with_field(buf, n, o.body_size, 4, -1), VT_E_MALFORMED);
            assert_non_null(strstr(vt_last_error(),
                                   "v5 body size 647 at offset 50 for body type 3, expected 648"));
        }
        /* Oversized lengths are capped before use. */
        vt_assert_rc(
            parse_with_field(buf, n, o.cert_size, 4, VT_CERT_DATA_MAX + 1 - (int)q.cert_len),
            VT_E_TOO_LARGE);
        vt_assert_rc(parse_with_field(buf, n, o.sig_len, 4, -(int)(n - q.signed_len - 4) - 1),
                     VT_E_TRUNCATED); /* 0xffffffff */
        if (k->version > 3) {
            vt_assert_rc(parse_with_field(buf, n, o.type6_size, 4, 0x7fffffff), VT_E_TOO_LARGE);
        }
        free(buf);
    }
}

static void padding_must_be_zero(void **state)
{
    (void)state;
    uint8_t *buf;
    size_t len;
    vt_quote_t q;
    vt_test_read_vector("tdx-v4-dcaprs-00806f050000", "quote.bin", &buf, &len);
    assert_int_equal(len, 8000);
    vt_assert_ok(vt_quote_parse(buf, len, &q));
    assert_int_equal(q.trailing_len, 3065);
    size_t spots[] = {4935, 5000, 7999};
    for (size_t i = 0; i < 3; i++) {
        buf[spots[i]] = 0x01;
        vt_assert_rc(vt_quote_parse(buf, len, &q), VT_E_TRAILING_DATA);
        char want[64];
        snprintf(want, sizeof(want), "byte 0x01 at offset %zu", spots[i]);
        assert_non_null(strstr(vt_last_error(), want));
        vt_assert_ok(vt_quote_parse_ex(buf, len, VT_QUOTE_PARSE_ANY_TRAILING, &q));
        assert_int_equal(q.trailing_len, 3065);
        buf[spots[i]] = 0;
    }
    free(buf);

    /* An exact v3 quote, then one byte more. */
    vt_test_read_vector("sgx-v3-phala-processorca", "quote.bin", &buf, &len);
    uint8_t *longer = calloc(1, len + 1);
    memcpy(longer, buf, len);
    vt_assert_ok(vt_quote_parse(longer, len + 1, &q));
    assert_int_equal(q.trailing_len, 1);
    longer[len] = 0xff;
    vt_assert_rc(vt_quote_parse(longer, len + 1, &q), VT_E_TRAILING_DATA);
    vt_assert_rc(vt_quote_parse_ex(longer, len + 1, 0x2, &q), VT_E_INVALID_ARG);
    free(longer);
    free(buf);
}

/* Parses a copy of a vector with one header/body field set to v. */
static int parse_with(const char *id, size_t at, int width, uint32_t v)
{
    uint8_t *buf;
    size_t len;
    vt_quote_t q;
    vt_test_read_vector(id, "quote.bin", &buf, &len);
    if (width == 1)
        buf[at] = (uint8_t)v;
    else if (width == 2)
        put_u16(buf + at, (uint16_t)v);
    else
        put_u32(buf + at, v);
    int rc = vt_quote_parse_ex(buf, len, VT_QUOTE_PARSE_ANY_TRAILING, &q);
    free(buf);
    return rc;
}

static void header_rules(void **state)
{
    (void)state;
    const char *sgx = "sgx-v3-phala-processorca", *td4 = "tdx-v4-phala-uptodate",
               *td5 = "tdx-v5-alibaba-automata0625";
    const uint16_t bad_versions[] = {0, 1, 2, 6, 7, 0xffff};
    for (size_t i = 0; i < sizeof(bad_versions) / sizeof(bad_versions[0]); i++) {
        vt_assert_rc(parse_with(sgx, 0, 2, bad_versions[i]), VT_E_UNSUPPORTED);
        vt_assert_rc(parse_with(td4, 0, 2, bad_versions[i]), VT_E_UNSUPPORTED);
    }
    vt_assert_rc(parse_with(sgx, 0, 2, 7), VT_E_UNSUPPORTED);
    assert_non_null(strstr(vt_last_error(), "sgx_quote: header version 7, expected 3, 4 or 5"));
    /* Attestation key type: only 2 (ECDSA P-256); 3 (P-384) is defined but unsupported. */
    vt_assert_rc(parse_with(sgx, 2, 2, 3), VT_E_UNSUPPORTED);
    vt_assert_rc(parse_with(td5, 2, 2, 0), VT_E_UNSUPPORTED);
    /* TEE type. */
    vt_assert_rc(parse_with(td4, 4, 4, 0x80), VT_E_UNSUPPORTED);
    vt_assert_rc(parse_with(td4, 4, 4, 0x1), VT_E_UNSUPPORTED);
    vt_assert_rc(parse_with(sgx, 4, 4, 0x81), VT_E_MALFORMED); /* v3 is SGX only */
    vt_assert_rc(parse_with(td4, 0, 2, 3), VT_E_MALFORMED);    /* a TDX quote claiming v3 */
    /* QE vendor ID. */
    vt_assert_rc(parse_with(sgx, 12, 1, 0x92), VT_E_UNSUPPORTED);
    vt_assert_rc(parse_with(td5, 27, 1, 0x08), VT_E_UNSUPPORTED);
    assert_non_null(strstr(vt_last_error(), "qe vendor id 939a7233f79c4ca9940a0db3957f0608"));
    /* v5 body type and size (dcap.md §2.2). */
    vt_assert_rc(parse_with(td5, 48, 2, 0), VT_E_UNSUPPORTED);
    vt_assert_rc(parse_with(td5, 48, 2, 4), VT_E_UNSUPPORTED);
    vt_assert_rc(parse_with(td5, 48, 2, 1), VT_E_MALFORMED); /* TDX forbids an SGX body */
    vt_assert_rc(parse_with(td5, 48, 2, 2), VT_E_MALFORMED); /* TD 1.0 with 648 bytes */
    vt_assert_rc(parse_with(td5, 4, 4, 0), VT_E_MALFORMED);  /* SGX TEE with a TD body */
    vt_assert_rc(parse_with(td5, 50, 4, 584), VT_E_MALFORMED);
    vt_assert_rc(parse_with(td5, 50, 4, 384), VT_E_MALFORMED);
    /* Header QE/PCE SVNs and user data are informational. */
    vt_assert_ok(parse_with(sgx, 8, 2, 0xffff));
    vt_assert_ok(parse_with(td4, 28, 4, 0xdeadbeef));
}

static void certification_data_types(void **state)
{
    (void)state;
    for (size_t i = 0; i < NKNOWN; i++) {
        const known_t *k = &known[i];
        uint8_t *buf;
        size_t len;
        vt_quote_t q;
        vt_test_read_vector(k->id, "quote.bin", &buf, &len);
        vt_assert_ok(vt_quote_parse_ex(buf, len, flags_for(k), &q));
        offsets_t o = offsets_of(&q);
        free(buf);
        /* Inner (or v3 outer) type: 1..5 accepted, 0 and 6+ refused. */
        for (uint32_t t = 0; t <= 8; t++) {
            int rc = parse_with(k->id, o.cert_type, 2, t);
            if (t >= 1 && t <= 5)
                vt_assert_ok(rc);
            else
                vt_assert_rc(rc, VT_E_UNSUPPORTED);
        }
        if (k->version > 3) {
            /* v4/v5 outer type must be 6. */
            for (uint32_t t = 0; t <= 8; t++) {
                int rc = parse_with(k->id, o.type6_type, 2, t);
                if (t == 6)
                    vt_assert_ok(rc);
                else
                    vt_assert_rc(rc, VT_E_UNSUPPORTED);
            }
            assert_non_null(strstr(vt_last_error(), "certification data type 8 in a version"));
        }
    }
}

static void size_caps(void **state)
{
    (void)state;
    vt_quote_t q;
    uint8_t *big = calloc(1, VT_QUOTE_MAX + 1);
    vt_assert_rc(vt_quote_parse(big, VT_QUOTE_MAX + 1, &q), VT_E_TOO_LARGE);
    /* A zero buffer of the maximum size is judged on its header. */
    vt_assert_rc(vt_quote_parse(big, VT_QUOTE_MAX, &q), VT_E_UNSUPPORTED);
    free(big);
    vt_assert_rc(vt_quote_parse(NULL, 0, &q), VT_E_TRUNCATED);
}

static void assert_quotes_equal(const vt_quote_t *a, const vt_quote_t *b)
{
    assert_memory_equal(&a->header, &b->header, sizeof(a->header));
    assert_int_equal(a->tee, b->tee);
    assert_int_equal(a->body_type, b->body_type);
    assert_memory_equal(&a->sgx, &b->sgx, sizeof(a->sgx));
    assert_memory_equal(&a->td, &b->td, sizeof(a->td));
    assert_int_equal(a->signed_len, b->signed_len);
    assert_memory_equal(a->signed_data, b->signed_data, a->signed_len);
    assert_memory_equal(a->signature, b->signature, sizeof(a->signature));
    assert_memory_equal(a->attest_key, b->attest_key, sizeof(a->attest_key));
    assert_int_equal(a->outer_cert_type, b->outer_cert_type);
    assert_memory_equal(&a->qe_report, &b->qe_report, sizeof(a->qe_report));
    assert_memory_equal(a->qe_report_raw, b->qe_report_raw, VT_SGX_REPORT_BODY_LEN);
    assert_memory_equal(a->qe_report_signature, b->qe_report_signature, VT_ECDSA_SIG_LEN);
    assert_int_equal(a->qe_auth_len, b->qe_auth_len);
    assert_memory_equal(a->qe_auth_data, b->qe_auth_data, a->qe_auth_len);
    assert_int_equal(a->cert_type, b->cert_type);
    assert_int_equal(a->cert_len, b->cert_len);
    assert_memory_equal(a->cert_data, b->cert_data, a->cert_len);
}

static void round_trips_byte_exact(void **state)
{
    (void)state;
    for (size_t i = 0; i < NKNOWN; i++) {
        const known_t *k = &known[i];
        uint8_t *buf, *out;
        size_t len, out_len;
        vt_quote_t q, q2;
        vt_test_read_vector(k->id, "quote.bin", &buf, &len);
        vt_assert_ok(vt_quote_parse_ex(buf, len, flags_for(k), &q));
        vt_assert_ok(vt_quote_serialize(&q, &out, &out_len));
        assert_int_equal(out_len, k->sig_end);
        assert_int_equal(out_len, len - q.trailing_len);
        assert_memory_equal(out, buf, out_len);
        vt_assert_ok(vt_quote_parse(out, out_len, &q2));
        assert_quotes_equal(&q, &q2);
        assert_int_equal(q2.trailing_len, 0);
        free(out);
        free(buf);
    }
}

/* Re-frames a vector's content as another version/body and checks the layout. */
static void reframe(const char *id, uint16_t version, vt_body_type_t body, size_t signed_len)
{
    uint8_t *buf, *out;
    size_t len, out_len;
    vt_quote_t q, q2;
    vt_test_read_vector(id, "quote.bin", &buf, &len);
    vt_assert_ok(vt_quote_parse_ex(buf, len, VT_QUOTE_PARSE_ANY_TRAILING, &q));
    q.header.version = version;
    q.body_type = body;
    if (body == VT_BODY_TD10) {
        memset(q.td.tee_tcb_svn2, 0, sizeof(q.td.tee_tcb_svn2));
        memset(q.td.mr_servicetd, 0, sizeof(q.td.mr_servicetd));
    }
    q.outer_cert_type = version == 3 ? q.cert_type : VT_CERT_QE_REPORT;
    vt_assert_ok(vt_quote_serialize(&q, &out, &out_len));
    vt_assert_ok(vt_quote_parse(out, out_len, &q2));
    assert_int_equal(vt_quote_signed_len(&q), signed_len);
    assert_int_equal(q2.signed_len, signed_len);
    q.signed_data = q2.signed_data; /* compared by content below */
    q.signed_len = q2.signed_len;
    assert_quotes_equal(&q, &q2);
    assert_int_equal(get_u32(out + signed_len), out_len - signed_len - 4);
    if (version > 3) {
        assert_int_equal(out[signed_len + 4 + 128], 6);
        assert_int_equal(get_u32(out + signed_len + 4 + 130), out_len - signed_len - 4 - 134);
    }
    free(out);
    free(buf);
}

static void serializes_every_layout(void **state)
{
    (void)state;
    /* v4 with TEE type 0 carries an SGX body (dcap.md §2.1): signed [0, 432). */
    reframe("sgx-v3-dcaprs-tcbinfov2", 4, VT_BODY_SGX, 432);
    /* v5 SGX body: header || type || size || body. */
    reframe("sgx-v3-dcaprs-tcbinfov2", 5, VT_BODY_SGX, 48 + 6 + 384);
    reframe("tdx-v4-phala-uptodate", 5, VT_BODY_TD10, 48 + 6 + 584);
    reframe("tdx-v5-alibaba-automata0625", 4, VT_BODY_TD10, 632);
    reframe("tdx-v5-alibaba-automata0625", 5, VT_BODY_TD15, 702);
}

static void serialize_refuses_what_parse_refuses(void **state)
{
    (void)state;
    uint8_t *buf, *out = NULL;
    size_t len, out_len = 0;
    vt_quote_t q, bad;
    vt_test_read_vector("tdx-v4-phala-uptodate", "quote.bin", &buf, &len);
    vt_assert_ok(vt_quote_parse(buf, len, &q));

    bad = q, bad.header.version = 6;
    vt_assert_rc(vt_quote_serialize(&bad, &out, &out_len), VT_E_INVALID_ARG);
    bad = q, bad.header.version = 3; /* TDX in v3 */
    vt_assert_rc(vt_quote_serialize(&bad, &out, &out_len), VT_E_INVALID_ARG);
    bad = q, bad.header.att_key_type = 3;
    vt_assert_rc(vt_quote_serialize(&bad, &out, &out_len), VT_E_INVALID_ARG);
    bad = q, bad.header.tee_type = 0x82;
    vt_assert_rc(vt_quote_serialize(&bad, &out, &out_len), VT_E_INVALID_ARG);
    bad = q, bad.header.qe_vendor_id[0] ^= 1;
    vt_assert_rc(vt_quote_serialize(&bad, &out, &out_len), VT_E_INVALID_ARG);
    bad = q, bad.body_type = VT_BODY_TD15; /* v4 has no TD 1.5 body */
    vt_assert_rc(vt_quote_serialize(&bad, &out, &out_len), VT_E_INVALID_ARG);
    bad = q, bad.body_type = VT_BODY_SGX;
    vt_assert_rc(vt_quote_serialize(&bad, &out, &out_len), VT_E_INVALID_ARG);
    bad = q, bad.header.version = 5, bad.body_type = 0;
    vt_assert_rc(vt_quote_serialize(&bad, &out, &out_len), VT_E_INVALID_ARG);
    bad = q, bad.header.version = 5, bad.body_type = VT_BODY_SGX;
    vt_assert_rc(vt_quote_serialize(&bad, &out, &out_len), VT_E_INVALID_ARG);
    bad = q, bad.cert_type = 6;
    vt_assert_rc(vt_quote_serialize(&bad, &out, &out_len), VT_E_INVALID_ARG);
    bad = q, bad.cert_type = 0;
    vt_assert_rc(vt_quote_serialize(&bad, &out, &out_len), VT_E_INVALID_ARG);
    bad = q, bad.cert_len = VT_CERT_DATA_MAX + 1;
    vt_assert_rc(vt_quote_serialize(&bad, &out, &out_len), VT_E_TOO_LARGE);
    bad = q, bad.cert_data = NULL;
    vt_assert_rc(vt_quote_serialize(&bad, &out, &out_len), VT_E_INVALID_ARG);
    bad = q, bad.qe_auth_data = NULL;
    vt_assert_rc(vt_quote_serialize(&bad, &out, &out_len), VT_E_INVALID_ARG);
    assert_null(out);
    assert_int_equal(out_len, 0);

    /* Empty QE auth data and certification data are fine. */
    bad = q, bad.qe_auth_len = 0, bad.qe_auth_data = NULL, bad.cert_len = 0, bad.cert_data = NULL;
    vt_assert_ok(vt_quote_serialize(&bad, &out, &out_len));
    assert_int_equal(out_len, 632 + 4 + 128 + 6 + 384 + 64 + 2 + 2 + 4);
    vt_assert_ok(vt_quote_parse(out, out_len, &q));
    assert_int_equal(q.cert_len, 0);
    free(out);
    free(buf);
}

static void signed_len_of_each_layout(void **state)
{
    (void)state;
    vt_quote_t q;
    memset(&q, 0, sizeof(q));
    q.header.version = 3, q.body_type = VT_BODY_SGX;
    assert_int_equal(vt_quote_signed_len(&q), 432);
    q.header.version = 4, q.body_type = VT_BODY_TD10;
    assert_int_equal(vt_quote_signed_len(&q), 632);
    q.header.version = 5, q.body_type = VT_BODY_TD15;
    assert_int_equal(vt_quote_signed_len(&q), 702);
    q.header.version = 5, q.body_type = VT_BODY_TD10;
    assert_int_equal(vt_quote_signed_len(&q), 638);
    q.header.version = 5, q.body_type = 0;
    assert_int_equal(vt_quote_signed_len(&q), 0);
    q.header.version = 6, q.body_type = VT_BODY_SGX;
    assert_int_equal(vt_quote_signed_len(&q), 0);
}

/* A quote signer serializes, signs [0, signed_len), stores the signature, serializes again. */
static void signer_workflow(void **state)
{
    (void)state;
    uint8_t *buf, *first, *second;
    size_t len, n1, n2;
    vt_quote_t q;
    vt_test_read_vector("tdx-v5-alibaba-automata0625", "quote.bin", &buf, &len);
    vt_assert_ok(vt_quote_parse(buf, len, &q));
    memset(q.signature, 0, sizeof(q.signature));
    vt_assert_ok(vt_quote_serialize(&q, &first, &n1));
    assert_memory_equal(first, buf, vt_quote_signed_len(&q));
    memset(q.signature, 0x5a, sizeof(q.signature));
    vt_assert_ok(vt_quote_serialize(&q, &second, &n2));
    assert_int_equal(n1, n2);
    assert_memory_equal(first, second, vt_quote_signed_len(&q));
    assert_int_equal(second[vt_quote_signed_len(&q) + 4], 0x5a);
    free(first);
    free(second);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_vector_parses),
        cmocka_unit_test(truncation_at_every_offset),
        cmocka_unit_test(length_fields_off_by_one),
        cmocka_unit_test(padding_must_be_zero),
        cmocka_unit_test(header_rules),
        cmocka_unit_test(certification_data_types),
        cmocka_unit_test(size_caps),
        cmocka_unit_test(round_trips_byte_exact),
        cmocka_unit_test(serializes_every_layout),
        cmocka_unit_test(serialize_refuses_what_parse_refuses),
        cmocka_unit_test(signed_len_of_each_layout),
        cmocka_unit_test(signer_workflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
