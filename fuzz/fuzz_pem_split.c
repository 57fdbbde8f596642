/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzzes vt_pem_split and vt_pem_block_decode (src/verify/pem_split.c) on arbitrary bytes,
 * against the contract in pem_split.h and OpenSSL's PEM reader. Aborts unless:
 *   - every result is 0, VT_E_MALFORMED or VT_E_CHAIN;
 *   - at most one block count succeeds, and every other count then fails with
 *     VT_E_CHAIN (a chain of the wrong length is a chain error, never malformed text);
 *   - on success the input is exactly: filler (whitespace, NUL), then per block
 *     "-----BEGIN CERTIFICATE-----", an optional "\n", a body with no '-',
 *     "-----END CERTIFICATE-----", filler; so nothing outside the blocks is ignored;
 *   - each body either fails to decode with VT_E_MALFORMED, or decodes to DER that
 *     (a) OpenSSL's PEM reader, given the same body, decodes identically or refuses
 *         (it is stricter about line layout, e.g. blank lines),
 *     (b) round-trips: vt_pem_body_from_der gives a canonical body that splits and
 *         decodes back to the same DER, and that OpenSSL's PEM reader decodes identically;
 *     (c) d2i_X509 accepts exactly; or, if it does not, the PCK leaf walker rejects too
 *         (the verifier hands every decoded body to one of the two).
 */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify/pck_leaf.h"
#include "verify/pem_split.h"

#define CHECK(cond)                                                    \
    do {                                                               \
        if (!(cond)) {                                                 \
            fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                   \
        }                                                              \
    } while (0)

static const char begin[] = "-----BEGIN CERTIFICATE-----";
static const char end[] = "-----END CERTIFICATE-----";
#define BEGIN_LEN (sizeof(begin) - 1)
#define END_LEN   (sizeof(end) - 1)

static bool is_filler(uint8_t b)
{
    return b == 0 || b == ' ' || b == '\n' || b == '\r' || b == '\t';
}

static size_t skip_filler(const uint8_t *data, size_t size, size_t at)
{
    while (at < size && is_filler(data[at])) at++;
    return at;
}

/* The input is filler, blocks and filler, exactly as the blocks say. */
static void check_layout(const uint8_t *data, size_t size, const vt_pem_block_t *b, size_t n)
{
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        at = skip_filler(data, size, at);
        CHECK(size - at >= BEGIN_LEN && memcmp(data + at, begin, BEGIN_LEN) == 0);
        at += BEGIN_LEN;
        CHECK(b[i].body >= data + at && b[i].body <= data + at + 1);
        if (b[i].body == data + at + 1) CHECK(data[at] == '\n');
        at = (size_t)(b[i].body - data);
        CHECK(b[i].body_len <= size - at);
        CHECK(memchr(b[i].body, '-', b[i].body_len) == NULL);
        at += b[i].body_len;
        CHECK(size - at >= END_LEN && memcmp(data + at, end, END_LEN) == 0);
        at += END_LEN;
    }
    CHECK(skip_filler(data, size, at) == size);
}

/*
 * OpenSSL's PEM reader on "BEGIN\n" body ["\n"] "END\n" (the newline only if the body
 * does not end with one): its DER, or NULL if it refuses.
 */
static unsigned char *ossl_decode(const uint8_t *body, size_t body_len, long *len)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *name = NULL, *header = NULL;
    unsigned char *der = NULL;
    CHECK(bio != NULL);
    CHECK(BIO_write(bio, begin, (int)BEGIN_LEN) > 0 && BIO_write(bio, "\n", 1) == 1);
    if (body_len > 0) CHECK(BIO_write(bio, body, (int)body_len) == (int)body_len);
    if (body_len == 0 || body[body_len - 1] != '\n') CHECK(BIO_write(bio, "\n", 1) == 1);
    CHECK(BIO_write(bio, end, (int)END_LEN) > 0);
    CHECK(BIO_write(bio, "\n", 1) == 1);
    if (PEM_read_bio(bio, &name, &header, &der, len) == 1) {
        CHECK(strcmp(name, "CERTIFICATE") == 0);
        if (header[0] != '\0') { /* RFC 1421 headers: not a plain certificate block */
            OPENSSL_free(der);
            der = NULL;
        }
    }
    OPENSSL_free(name);
    OPENSSL_free(header);
    BIO_free(bio);
    ERR_clear_error();
    return der;
}

static void check_round_trip(const uint8_t *der, size_t len)
{
    uint8_t *body = NULL, *again = NULL;
    size_t body_len = 0, again_len = 0;
    CHECK(vt_pem_body_from_der(der, len, &body, &body_len) == 0);
    vt_pem_block_t b = {body, body_len};
    CHECK(vt_pem_block_decode(&b, &again, &again_len) == 0);
    CHECK(again_len == len && memcmp(again, der, len) == 0);
    long ossl_len = 0;
    unsigned char *ossl = ossl_decode(body, body_len, &ossl_len);
    CHECK(ossl != NULL && (size_t)ossl_len == len && memcmp(ossl, der, len) == 0);
    OPENSSL_free(ossl);
    OPENSSL_free(again);
    OPENSSL_free(body);
}

static void check_block(const vt_pem_block_t *b)
{
    uint8_t *der = NULL;
    size_t len = 0;
    int rc = vt_pem_block_decode(b, &der, &len);
    if (rc != 0) {
        CHECK(rc == VT_E_MALFORMED && der == NULL);
        return;
    }
    CHECK(len > 0);
    long ossl_len = 0;
    unsigned char *ossl = ossl_decode(b->body, b->body_len, &ossl_len);
    if (ossl != NULL) CHECK((size_t)ossl_len == len && memcmp(ossl, der, len) == 0);
    OPENSSL_free(ossl);
    check_round_trip(der, len);

    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    if (x == NULL || p != der + len) {
        vt_pck_leaf_t leaf;
        CHECK(vt_pck_leaf_parse(der, len, &leaf) < 0);
    }
    X509_free(x);
    ERR_clear_error();
    OPENSSL_free(der);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vt_pem_block_t blocks[VT_PEM_CHAIN_MAX + 1];
    int rc[VT_PEM_CHAIN_MAX + 2];
    size_t ok = SIZE_MAX;

    for (size_t k = 0; k <= VT_PEM_CHAIN_MAX + 1; k++) {
        rc[k] = vt_pem_split(data, size, k, blocks);
        CHECK(rc[k] == 0 || rc[k] == VT_E_MALFORMED || rc[k] == VT_E_CHAIN);
        if (rc[k] == 0) {
            CHECK(ok == SIZE_MAX);
            ok = k;
        }
    }
    if (ok == SIZE_MAX) return 0;
    for (size_t k = 0; k <= VT_PEM_CHAIN_MAX + 1; k++) CHECK(k == ok || rc[k] == VT_E_CHAIN);
    CHECK(vt_pem_split(data, size, ok, blocks) == 0);
    check_layout(data, size, blocks, ok);
    for (size_t i = 0; i < ok; i++) check_block(&blocks[i]);
    return 0;
}
