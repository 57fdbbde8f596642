/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The id-pe-cmw certificate extension (1.3.6.1.5.5.7.1.35) of the RATS Conceptual
 * Message Wrapper (draft-ietf-rats-msg-wrap, RFC 9999): its value is the DER of
 *
 *   CMW ::= CHOICE { json UTF8String, cbor OCTET STRING }
 *
 * and the CBOR alternative holds a CMW record
 *
 *   cmw-record = [ type: uint / tstr, value: bstr, ? ind: uint ]
 *
 * where type is a CoAP Content-Format number or a media type string and ind the
 * conceptual-message kind bits (evidence = 4). What is accepted here: the CBOR
 * alternative with a record of 2 or 3 items, any type (the value's content decides how
 * it is read, see cert_verify.c), and an ind that, if present, includes evidence.
 * Not accepted (VT_E_UNSUPPORTED): the JSON alternative, the tagged CBOR form
 * (#6.<tn>(bstr)) and CMW collections (maps).
 */
#include <cbor.h>
#include <openssl/asn1.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "ratls/ratls_internal.h"

#define CMW_IND_EVIDENCE   4u
#define DER_TAG_UTF8STRING 0x0c

static int record_value(const cbor_item_t *rec, uint8_t **inner, size_t *inner_len)
{
    VT_ENSURE(!cbor_isa_map(rec) && !cbor_isa_tag(rec), VT_E_UNSUPPORTED,
              "cmw: only a cmw record is supported (not a collection or the tagged form)");
    VT_ENSURE(cbor_isa_array(rec), VT_E_MALFORMED, "cmw: not a cmw record array");
    size_t n = cbor_array_size(rec);
    VT_ENSURE(n == 2 || n == 3, VT_E_MALFORMED, "cmw: record of %zu items, expected 2 or 3", n);
    cbor_item_t **items = cbor_array_handle(rec);
    VT_ENSURE(cbor_isa_uint(items[0]) ||
                  (cbor_isa_string(items[0]) && cbor_string_length(items[0]) > 0),
              VT_E_MALFORMED, "cmw: record type is neither a content-format nor a media type");
    VT_ENSURE(cbor_isa_bytestring(items[1]), VT_E_MALFORMED,
              "cmw: record value is not a byte string");
    if (n == 3) {
        VT_ENSURE(cbor_isa_uint(items[2]), VT_E_MALFORMED,
                  "cmw: record indicator is not an unsigned integer");
        VT_ENSURE((cbor_get_int(items[2]) & CMW_IND_EVIDENCE) != 0, VT_E_UNSUPPORTED,
                  "cmw: record indicator %llu does not say evidence",
                  (unsigned long long)cbor_get_int(items[2]));
    }
    size_t len = cbor_bytestring_length(items[1]);
    VT_ENSURE(len > 0, VT_E_MALFORMED, "cmw: empty record value");
    uint8_t *p = malloc(len);
    VT_ENSURE(p != NULL, VT_E_NOMEM, "cmw: out of memory");
    memcpy(p, cbor_bytestring_handle(items[1]), len); /* vt-lint: allow (length from libcbor) */
    *inner = p;
    *inner_len = len;
    return 0;
}

int vt_ratls_cmw_parse(const uint8_t *buf, size_t len, uint8_t **inner, size_t *inner_len)
{
    int rc = VT_E_INTERNAL;
    ASN1_OCTET_STRING *os = NULL;
    cbor_item_t *rec = NULL;
    const unsigned char *p = buf;

    VT_TRY_ENSURE(len > 0, VT_E_TRUNCATED, "cmw: empty extension value");
    VT_TRY_ENSURE(buf[0] != DER_TAG_UTF8STRING, VT_E_UNSUPPORTED,
                  "cmw: the json alternative is not supported");
    VT_TRY_ENSURE(len <= VT_RATLS_EXT_MAX, VT_E_TOO_LARGE, "cmw: extension value of %zu bytes",
                  len);
    os = d2i_ASN1_OCTET_STRING(NULL, &p, (long)len);
    VT_TRY_ENSURE(os != NULL, VT_E_MALFORMED, "cmw: extension value is not a DER OCTET STRING");
    VT_TRY_ENSURE((size_t)(p - buf) == len, VT_E_TRAILING_DATA,
                  "cmw: %zu bytes after the OCTET STRING", len - (size_t)(p - buf));
    VT_TRY(
        vt_ratls_cbor_load(ASN1_STRING_get0_data(os), (size_t)ASN1_STRING_length(os), "cmw", &rec));
    VT_TRY(record_value(rec, inner, inner_len));
    rc = 0;
out:
    if (rec) cbor_decref(&rec);
    ASN1_OCTET_STRING_free(os);
    return rc;
}
