/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Differential fuzzer: vt_pck_leaf_parse and vt_der_name_cn (src/verify/pck_leaf.c, on
 * the shared DER reader src/common/der.c) against OpenSSL's d2i_X509. Aborts unless,
 * whenever our walker accepts a certificate:
 *   - d2i_X509 accepts it too, consuming exactly the input, as a version 3 certificate
 *     signed with ecdsa-with-SHA256;
 *   - the serial number, the issuer and subject Names (DER), notBefore and notAfter, the
 *     public key point, the SGX extension value and the signature value are byte for byte
 *     what OpenSSL reads, and the tbsCertificate span is OpenSSL's encoding of it;
 *   - the commonName vt_der_name_cn reads is OpenSSL's first commonName.
 * Rejections must be parse errors (VT_ET_PARSE). The walker may reject certificates
 * OpenSSL accepts: it reads only Intel's profile (pck_leaf.h). Mutations come from
 * der_mutator.h (structure-aware) and from libFuzzer.
 */
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "der_mutator.h"
#include "verify/pck_leaf.h"

#define CHECK(cond)                                                    \
    do {                                                               \
        if (!(cond)) {                                                 \
            fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                   \
        }                                                              \
    } while (0)

static bool span_in(const vt_der_span_t *s, const uint8_t *data, size_t size)
{
    return s->p >= data && s->len <= size && (size_t)(s->p - data) <= size - s->len;
}

static bool span_is(const vt_der_span_t *s, const unsigned char *p, size_t n)
{
    return s->len == n && (n == 0 || memcmp(s->p, p, n) == 0);
}

/* i2d of an ASN.1 object equals the span. */
#define SPAN_IS_I2D(span, fn, obj)                        \
    do {                                                  \
        unsigned char *der_ = NULL;                       \
        int n_ = fn(obj, &der_);                          \
        CHECK(n_ > 0 && span_is(span, der_, (size_t)n_)); \
        OPENSSL_free(der_);                               \
    } while (0)

static void same_names(const vt_pck_leaf_t *leaf, X509 *x)
{
    const unsigned char *der = NULL;
    size_t len = 0;
    CHECK(X509_NAME_get0_der(X509_get_issuer_name(x), &der, &len) == 1);
    CHECK(span_is(&leaf->issuer, der, len));
    CHECK(X509_NAME_get0_der(X509_get_subject_name(x), &der, &len) == 1);
    CHECK(span_is(&leaf->subject, der, len));

    char ours[64], theirs[64];
    int n =
        X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, theirs, sizeof(theirs));
    CHECK(vt_der_name_cn(&leaf->subject, ours, sizeof(ours)) == 0);
    if (n < 0)
        CHECK(ours[0] == '\0');
    else
        CHECK(strcmp(ours, theirs) == 0);
}

static void same_key_ext_sig(const vt_pck_leaf_t *leaf, X509 *x)
{
    ASN1_BIT_STRING *key = X509_get0_pubkey_bitstr(x);
    CHECK(key != NULL && key->length == 1 + VT_P256_POINT_LEN && key->data[0] == 0x04);
    CHECK(memcmp(key->data + 1, leaf->point, VT_P256_POINT_LEN) == 0);

    ASN1_OBJECT *oid = OBJ_txt2obj("1.2.840.113741.1.13.1", 1);
    CHECK(oid != NULL);
    int idx = X509_get_ext_by_OBJ(x, oid, -1);
    CHECK(idx >= 0 && X509_get_ext_by_OBJ(x, oid, idx) < 0);
    const ASN1_OCTET_STRING *value = X509_EXTENSION_get_data(X509_get_ext(x, idx));
    CHECK(span_is(&leaf->sgx_ext, ASN1_STRING_get0_data(value), (size_t)ASN1_STRING_length(value)));
    ASN1_OBJECT_free(oid);

    const ASN1_BIT_STRING *sig = NULL;
    const X509_ALGOR *alg = NULL;
    X509_get0_signature(&sig, &alg, x);
    CHECK(sig != NULL && span_is(&leaf->signature, sig->data, (size_t)sig->length));
    CHECK(X509_get_signature_nid(x) == NID_ecdsa_with_SHA256);
}

static void compare(const vt_pck_leaf_t *leaf, const uint8_t *data, size_t size)
{
    const unsigned char *p = data;
    X509 *x = d2i_X509(NULL, &p, (long)size);
    CHECK(x != NULL);
    CHECK(p == data + size);
    CHECK(X509_get_version(x) == X509_VERSION_3);
    SPAN_IS_I2D(&leaf->serial, i2d_ASN1_INTEGER, X509_get0_serialNumber(x));
    SPAN_IS_I2D(&leaf->not_before, i2d_ASN1_TIME, X509_get0_notBefore(x));
    SPAN_IS_I2D(&leaf->not_after, i2d_ASN1_TIME, X509_get0_notAfter(x));
    same_names(leaf, x);
    same_key_ext_sig(leaf, x);
    /* Re-encoded by OpenSSL from what it parsed: equal only if the input was DER. */
    SPAN_IS_I2D(&leaf->tbs, i2d_re_X509_tbs, x);
    X509_free(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vt_pck_leaf_t leaf;
    int rc = vt_pck_leaf_parse(data, size, &leaf);
    if (rc != 0) {
        CHECK(vt_error_type(rc) == VT_ET_PARSE);
        return 0;
    }
    const vt_der_span_t *spans[] = {&leaf.tbs,     &leaf.serial,     &leaf.issuer,
                                    &leaf.subject, &leaf.not_before, &leaf.not_after,
                                    &leaf.sgx_ext, &leaf.signature};
    for (size_t i = 0; i < sizeof(spans) / sizeof(spans[0]); i++)
        CHECK(span_in(spans[i], data, size));
    compare(&leaf, data, size);
    ERR_clear_error();
    return 0;
}
