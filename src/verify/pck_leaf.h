/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PCK leaf certificate read straight from its DER (RFC 5280 §4.1), for the fields
 * the verifier needs. OpenSSL 3.0's d2i_X509 decodes the public key through its provider
 * decoders and the whole certificate through generic templates, together costing more
 * than a signature verification on every uncached quote; this walker costs a few
 * microseconds. It accepts only what Intel issues: DER, version 3, ecdsa-with-SHA256,
 * a named-curve P-256 key, no unique IDs. Every field it returns lies inside the signed
 * tbsCertificate, and the caller verifies that signature before trusting any of them.
 *
 * It reads through the shared DER reader (common/der.h), and it is checked against
 * d2i_X509 by fuzz/fuzz_pck_leaf.c: whatever it accepts, OpenSSL accepts with the same
 * fields. To keep that true it also checks what it does not return: Names are single-
 * valued RDNs of printable-ASCII UTF8String or PrintableString values, times are
 * YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ, every OID is minimally encoded, the serial number
 * is non-negative and at most 21 octets (RFC 5280 §4.1.2.2).
 */
#ifndef VT_VERIFY_PCK_LEAF_H
#define VT_VERIFY_PCK_LEAF_H

#include <veritee/common.h>

#include "common/der.h"
#include "common/ossl.h"

typedef struct {
    vt_der_span_t tbs;        /* the whole tbsCertificate TLV: what the issuer signed */
    vt_der_span_t serial;     /* the serialNumber INTEGER TLV */
    vt_der_span_t issuer;     /* the issuer Name TLV */
    vt_der_span_t subject;    /* the subject Name TLV */
    vt_der_span_t not_before; /* UTCTime or GeneralizedTime TLV */
    vt_der_span_t not_after;
    uint8_t point[VT_P256_POINT_LEN]; /* subjectPublicKey X||Y */
    vt_der_span_t sgx_ext;            /* extnValue contents of 1.2.840.113741.1.13.1 */
    vt_der_span_t signature;          /* DER ECDSA-Sig-Value */
} vt_pck_leaf_t;

/*
 * Reads der (exactly len bytes). VT_E_MALFORMED or VT_E_UNSUPPORTED with a detail
 * "pck certificate: ...". Writes *out only on success; its spans borrow from der.
 */
VT_MUST_CHECK int vt_pck_leaf_parse(const uint8_t *der, size_t len, vt_pck_leaf_t *out);

/* The first commonName of a Name TLV, NUL-terminated and truncated to cap. */
VT_MUST_CHECK int vt_der_name_cn(const vt_der_span_t *name, char *out, size_t cap);

#endif
