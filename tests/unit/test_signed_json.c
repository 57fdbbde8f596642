/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PCS signed-JSON envelope (dcap.md §4.2): the raw inner-object span finder, which
 * must not be fooled by strings, escapes, nesting or repeated keys, the envelope
 * checks, and the raw r||s signature check.
 */
#include "test_util.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "collateral/signed_json.h"
#include "common/ossl.h"

/* Finds key in text and returns the span as a string in buf. */
static int span_of(const char *text, const char *key, char *buf, size_t cap)
{
    size_t off = 0, n = 0;
    int rc = vt_signed_json_find_span((const uint8_t *)text, strlen(text), key, &off, &n);
    if (rc == 0) snprintf(buf, cap, "%.*s", (int)n, text + off);
    return rc;
}

static void finds_the_top_level_object(void **state)
{
    (void)state;
    char s[256];
    struct {
        const char *doc, *want;
    } cases[] = {
        {"{\"tcbInfo\":{\"a\":1},\"signature\":\"00\"}", "{\"a\":1}"},
        {"{\"signature\":\"00\",\"tcbInfo\":{\"a\":1}}", "{\"a\":1}"},
        /* Key text inside a string value, before the real key. */
        {"{\"note\":\"\\\"tcbInfo\\\":{\\\"fake\\\":1}\",\"tcbInfo\":{\"real\":true}}",
         "{\"real\":true}"},
        /* Braces and escaped quotes inside the object's strings. */
        {"{\"tcbInfo\":{\"s\":\"}\\\"}{\\\\\",\"t\":\"{\"}}",
         "{\"s\":\"}\\\"}{\\\\\",\"t\":\"{\"}"},
        /* The same key nested inside other members and inside the object itself. */
        {"{\"x\":{\"tcbInfo\":{\"no\":1}},\"y\":[{\"tcbInfo\":{}}],\"tcbInfo\":{\"yes\":[{"
         "\"tcbInfo\":{}}]}}",
         "{\"yes\":[{\"tcbInfo\":{}}]}"},
        /* A longer key with the same prefix. */
        {"{\"tcbInfoX\":{\"a\":1},\"tcbInfo\":{\"b\":2}}", "{\"b\":2}"},
        /* Scalars of every kind before the key. */
        {"{\"n\":-1.5e3,\"t\":true,\"f\":false,\"z\":null,\"tcbInfo\":{}}", "{}"},
        /* Insignificant whitespace is kept inside, dropped outside. */
        {" \n{ \"tcbInfo\" :\t{ \"a\" : 1 } , \"signature\" : \"\" } \r\n", "{ \"a\" : 1 }"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vt_assert_ok(span_of(cases[i].doc, "tcbInfo", s, sizeof(s)));
        assert_string_equal(s, cases[i].want);
    }
}

static void rejects_what_it_cannot_locate_exactly(void **state)
{
    (void)state;
    char s[64];
    static const char *const bad[] = {
        "{\"tcbInfo\":{},\"tcbInfo\":{}}",   /* repeated */
        "{\"tcbInfo\":[{}]}",                /* not an object */
        "{\"tcbInfo\":\"{}\"}",              /* a string that looks like one */
        "{\"other\":{\"tcbInfo\":{}}}",      /* only nested */
        "{\"tcb\\u0049nfo\":{}}",            /* escaped spelling */
        "{\"note\":\"\\\"tcbInfo\\\":{}\"}", /* only inside a string */
        "[{\"tcbInfo\":{}}]",                /* not an object at the top */
        "{\"tcbInfo\":{}} x",                /* trailing data */
        "{\"tcbInfo\":{},}",                 /* trailing comma */
        "{,\"tcbInfo\":{}}",
        "{\"tcbInfo\" {}}",
        "",
        "{",
        "{\"tcbInfo\":{\"a\":\"}",
        "{\"tcbInfo\":{\"a\":[}]}", /* mismatched brackets */
        "{\"tcbInfo\":{\"a\":1]}",
        "{\"x\":[1},\"tcbInfo\":{}}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        vt_assert_rc(span_of(bad[i], "tcbInfo", s, sizeof(s)), VT_E_MALFORMED);
}

static void every_prefix_is_rejected(void **state)
{
    (void)state;
    const char *doc =
        "{\"a\":\"x\\\"}\",\"tcbInfo\":{\"b\":[1,{\"c\":\"]}\"}]},\"signature\":\"00\"}";
    size_t off, n;
    for (size_t len = 0; len < strlen(doc); len++)
        vt_assert_rc(vt_signed_json_find_span((const uint8_t *)doc, len, "tcbInfo", &off, &n),
                     VT_E_MALFORMED);
}

static const char SIG[] = "0102030405060708091011121314151617181920212223242526272829303132"
                          "3334353637383940414243444546474849505152535455565758596061626364";

static int parse_doc(const char *doc, vt_signed_json_t *sj)
{
    return vt_signed_json_parse((const uint8_t *)doc, strlen(doc), "tcbInfo", "tcb info", sj);
}

static void parses_an_envelope(void **state)
{
    (void)state;
    char doc[512];
    vt_signed_json_t sj;
    snprintf(doc, sizeof(doc), "{\"tcbInfo\":{\"v\":\"}\"},\"signature\":\"%s\"}\n", SIG);
    vt_assert_ok(parse_doc(doc, &sj));
    assert_int_equal(sj.raw_len, strlen("{\"v\":\"}\"}"));
    assert_memory_equal(sj.raw, "{\"v\":\"}\"}", sj.raw_len);
    assert_int_equal(sj.signature[0], 0x01);
    assert_int_equal(sj.signature[63], 0x64);
    uint8_t *body = NULL, sig[64];
    size_t len = 0;
    vt_assert_ok(vt_signed_json_get_signed(&sj, &body, &len, sig));
    assert_int_equal(len, sj.raw_len);
    assert_string_equal((char *)body, "{\"v\":\"}\"}");
    assert_memory_equal(sig, sj.signature, 64);
    free(body);
    vt_signed_json_cleanup(&sj);
    vt_signed_json_cleanup(&sj); /* idempotent */
}

static void rejects_bad_envelopes(void **state)
{
    (void)state;
    char doc[512];
    vt_signed_json_t sj;
    struct {
        const char *fmt;
        int want;
    } cases[] = {
        {"{\"tcbInfo\":{},\"signature\":\"%s\"}x", VT_E_TRAILING_DATA},
        {"{\"tcbInfo\":{},\"signature\":\"%s\"}{}", VT_E_TRAILING_DATA},
        {"{\"tcbInfo\":{},\"signature\":\"%s\",\"extra\":1}", VT_E_MALFORMED},
        {"{\"tcbInfo\":{},\"signature\":\"%s\",\"tcbInfo\":{}}", VT_E_MALFORMED},
        {"{\"tcbInfo\":{\"a\":1,\"a\":2},\"signature\":\"%s\"}", VT_E_MALFORMED},
        {"{\"tcbInfo\":[],\"signature\":\"%s\"}", VT_E_MALFORMED},
        {"{\"tcb\\u0049nfo\":{},\"signature\":\"%s\"}", VT_E_MALFORMED},
        {"{\"enclaveIdentity\":{},\"signature\":\"%s\"}", VT_E_MALFORMED},
        {"{\"tcbInfo\":{},\"signature\":\"%s00\"}", VT_E_MALFORMED},
        {"{\"tcbInfo\":{},\"signature\":\"%.126s\"}", VT_E_MALFORMED},
        {"{\"tcbInfo\":{},\"signature\":\"%.126szz\"}", VT_E_MALFORMED},
        {"{\"tcbInfo\":{},\"signature\":1%.0s}", VT_E_MALFORMED},
        {"{\"tcbInfo\":{}%.0s}", VT_E_MALFORMED},
        {"[%.0s]", VT_E_MALFORMED},
        {"%.0s", VT_E_MALFORMED},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(doc, sizeof(doc), cases[i].fmt, SIG);
        vt_assert_rc(parse_doc(doc, &sj), cases[i].want);
        assert_non_null(strstr(vt_last_error(), "tcb info"));
    }
}

static void rejects_deep_nesting_and_large_input(void **state)
{
    (void)state;
    vt_signed_json_t sj;
    size_t depth = 100000;
    char *doc = malloc(2 * depth + 512);
    size_t n = (size_t)sprintf(doc, "{\"tcbInfo\":{\"x\":");
    for (size_t i = 0; i < depth; i++) doc[n++] = '[';
    for (size_t i = 0; i < depth; i++) doc[n++] = ']';
    n += (size_t)sprintf(doc + n, "},\"signature\":\"%s\"}", SIG);
    vt_assert_rc(vt_signed_json_parse((uint8_t *)doc, n, "tcbInfo", "tcb info", &sj),
                 VT_E_MALFORMED);
    /* The span finder is iterative and bounded like jansson: 2048 levels, no more. */
    size_t off, len;
    vt_assert_rc(vt_signed_json_find_span((uint8_t *)doc, n, "tcbInfo", &off, &len),
                 VT_E_MALFORMED);
    n = (size_t)sprintf(doc, "{\"tcbInfo\":");
    for (size_t i = 0; i < 2047; i++) doc[n++] = '[';
    for (size_t i = 0; i < 2047; i++) doc[n++] = ']';
    n += (size_t)sprintf(doc + n, "}");
    vt_assert_rc(vt_signed_json_find_span((uint8_t *)doc, n, "tcbInfo", &off, &len),
                 VT_E_MALFORMED); /* an array value, not an object */
    n = (size_t)sprintf(doc, "{\"tcbInfo\":{\"x\":");
    for (size_t i = 0; i < 2046; i++) doc[n++] = '[';
    for (size_t i = 0; i < 2046; i++) doc[n++] = ']';
    n += (size_t)sprintf(doc + n, "}}");
    vt_assert_ok(vt_signed_json_find_span((uint8_t *)doc, n, "tcbInfo", &off, &len));
    assert_int_equal(len, 2 * 2046 + strlen("{\"x\":}"));
    free(doc);

    uint8_t *big = calloc(1, VT_COLLATERAL_JSON_MAX + 1);
    memset(big, ' ', VT_COLLATERAL_JSON_MAX + 1);
    vt_assert_rc(vt_signed_json_parse(big, VT_COLLATERAL_JSON_MAX + 1, "tcbInfo", "tcb info", &sj),
                 VT_E_TOO_LARGE);
    free(big);
}

static void verifies_raw_signatures(void **state)
{
    (void)state;
    EVP_PKEY *key = EVP_EC_gen("P-256");
    const uint8_t body[] = "{\"a\":1}";
    uint8_t der[80], sig[64];
    size_t der_len = sizeof(der);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key), 1);
    assert_int_equal(EVP_DigestSign(md, der, &der_len, body, sizeof(body) - 1), 1);
    EVP_MD_CTX_free(md);
    vt_assert_ok(vt_ecdsa_sig_der_to_raw(der, der_len, sig));

    vt_assert_ok(vt_signed_json_verify(key, body, sizeof(body) - 1, sig, "tcb info", "test key"));
    uint8_t other[sizeof(body)];
    memcpy(other, body, sizeof(body));
    other[5] = '2';
    vt_assert_rc(vt_signed_json_verify(key, other, sizeof(body) - 1, sig, "tcb info", "test key"),
                 VT_E_SIGNATURE);
    assert_non_null(
        strstr(vt_last_error(), "tcb info: signature does not verify with the test key"));
    sig[0] ^= 0x80;
    vt_assert_rc(vt_signed_json_verify(key, body, sizeof(body) - 1, sig, "tcb info", "test key"),
                 VT_E_SIGNATURE);
    EVP_PKEY_free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_the_top_level_object),
        cmocka_unit_test(rejects_what_it_cannot_locate_exactly),
        cmocka_unit_test(every_prefix_is_rejected),
        cmocka_unit_test(parses_an_envelope),
        cmocka_unit_test(rejects_bad_envelopes),
        cmocka_unit_test(rejects_deep_nesting_and_large_input),
        cmocka_unit_test(verifies_raw_signatures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
