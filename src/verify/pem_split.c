/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PEM certificate chains split and decoded by hand instead of PEM_read_bio, which reads
 * through a BIO line by line and costs several times the base64 decoding itself; the
 * quote's chain is decoded on every uncached verification.
 */
#include "verify/pem_split.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

#include "common/cursor.h"
#include "common/error.h"

static const char pem_begin[] = "-----BEGIN CERTIFICATE-----";
static const char pem_end[] = "-----END CERTIFICATE-----";
#define BEGIN_LEN (sizeof(pem_begin) - 1)
#define END_LEN   (sizeof(pem_end) - 1)

static bool is_filler(uint8_t b)
{
    return b == 0 || b == ' ' || b == '\n' || b == '\r' || b == '\t';
}

/* Skips whitespace and NUL (real quotes end the chain with one NUL). */
static void skip_filler(vt_cursor_t *c)
{
    for (;;) {
        vt_cursor_t peek = *c;
        uint8_t b;
        if (vt_cursor_read_u8(&peek, &b) != 0 || !is_filler(b)) return;
        *c = peek;
    }
}

static int expect_text(vt_cursor_t *c, const char *text, size_t n, const char *what)
{
    const uint8_t *p;
    size_t at = vt_cursor_pos(c);
    VT_ENSURE(vt_cursor_borrow(c, n, &p) == 0 && CRYPTO_memcmp(p, text, n) == 0, VT_E_MALFORMED,
              "pem: expected %s at offset %zu", what, at);
    return 0;
}

/* One block at the cursor: BEGIN line, body up to the first '-', END line. */
static int read_block(vt_cursor_t *c, vt_pem_block_t *b)
{
    const uint8_t *rest;
    VT_GUARD(expect_text(c, pem_begin, BEGIN_LEN, "-----BEGIN CERTIFICATE-----"));
    /* The body starts on the next line; without this break, it is the canonical text
     * vt_pem_body_from_der writes. */
    vt_cursor_t nl = *c;
    uint8_t b0;
    if (vt_cursor_read_u8(&nl, &b0) == 0 && b0 == '\n') *c = nl;
    size_t n = vt_cursor_remaining(c);
    vt_cursor_t peek = *c;
    VT_GUARD(vt_cursor_borrow(&peek, n, &rest));
    /* Base64 and line breaks contain no '-': the first one starts the END line. memchr is
     * bounded by the borrowed length. */
    const uint8_t *dash = memchr(rest, '-', n);
    VT_ENSURE(dash != NULL, VT_E_MALFORMED, "pem: certificate has no END line");
    b->body_len = (size_t)(dash - rest);
    VT_GUARD(vt_cursor_borrow(c, b->body_len, &b->body));
    return expect_text(c, pem_end, END_LEN, "-----END CERTIFICATE-----");
}

int vt_pem_split(const uint8_t *buf, size_t len, size_t count, vt_pem_block_t *blocks)
{
    vt_cursor_t c;
    size_t n = 0;

    vt_cursor_init(&c, buf, len, "pem chain");
    for (;;) {
        skip_filler(&c);
        if (vt_cursor_remaining(&c) == 0) break;
        if (n == count) {
            /* One block too many is a chain error; any other text is malformed. */
            vt_cursor_t peek = c;
            VT_GUARD(expect_text(&peek, pem_begin, BEGIN_LEN, "end of the chain"));
            VT_BAIL(VT_E_CHAIN, "more than %zu certificates", count);
        }
        VT_GUARD(read_block(&c, &blocks[n]));
        n++;
    }
    VT_ENSURE(n == count, VT_E_CHAIN, "%zu certificates, expected %zu", n, count);
    return 0;
}

int vt_pem_block_decode(const vt_pem_block_t *b, uint8_t **der, size_t *der_len)
{
    int rc = VT_E_INTERNAL;
    EVP_ENCODE_CTX *ctx = NULL;
    uint8_t *out = NULL;
    int n = 0, tail = 0;

    VT_TRY_ENSURE(b->body_len > 0 && b->body_len <= INT_MAX / 2, VT_E_MALFORMED,
                  "pem: empty or oversized certificate");
    VT_TRY_ALLOC(out, OPENSSL_malloc(b->body_len / 4 * 3 + 3), "certificate");
    VT_TRY_ALLOC(ctx, EVP_ENCODE_CTX_new(), "base64 context");
    EVP_DecodeInit(ctx);
    /* Skips line breaks and spaces; any other non-base64 character is an error. */
    VT_TRY_ENSURE(EVP_DecodeUpdate(ctx, out, &n, b->body, (int)b->body_len) >= 0 &&
                      EVP_DecodeFinal(ctx, out + n, &tail) == 1 && n + tail > 0,
                  VT_E_MALFORMED, "pem: certificate body is not base64");
    *der = out;
    *der_len = (size_t)(n + tail);
    out = NULL;
    rc = 0;
out:
    EVP_ENCODE_CTX_free(ctx);
    OPENSSL_free(out);
    return rc;
}

int vt_pem_body_from_der(const uint8_t *der, size_t len, uint8_t **body, size_t *body_len)
{
    int rc = VT_E_INTERNAL;
    EVP_ENCODE_CTX *ctx = NULL;
    uint8_t *out = NULL;
    int n = 0, tail = 0;

    VT_TRY_ENSURE(len > 0 && len <= INT_MAX / 4, VT_E_INVALID_ARG, "pem: bad length");
    /* 4/3 expansion plus one newline per 48 input bytes, plus the final block. */
    VT_TRY_ALLOC(out, OPENSSL_malloc(len / 48 * 65 + 70), "pem body");
    VT_TRY_ALLOC(ctx, EVP_ENCODE_CTX_new(), "base64 context");
    EVP_EncodeInit(ctx);
    VT_TRY_OSSL(EVP_EncodeUpdate(ctx, out, &n, der, (int)len), VT_E_CRYPTO, "pem: encode");
    EVP_EncodeFinal(ctx, out + n, &tail);
    *body = out;
    *body_len = (size_t)(n + tail);
    out = NULL;
    rc = 0;
out:
    EVP_ENCODE_CTX_free(ctx);
    OPENSSL_free(out);
    return rc;
}
