/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Finding the evidence extensions of an RA-TLS certificate with OpenSSL's parsed view
 * (X509_get_ext_by_OBJ), not by searching raw bytes as Gramine does (§3.4).
 *
 * Gramine's legacy quote OID is written with its own tag and length inside the OID
 * content (0.6.9.42.840.113741.1337.6); Gramine's byte search also matches the correct
 * encoding 1.2.840.113741.1337.6, so both are accepted here, but not both at once.
 * Each extension must be present at most once, non-critical (Gramine rejects a
 * critical one), with a value of VT_RATLS_EXT_MIN..VT_RATLS_EXT_MAX bytes.
 */
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "common/error.h"
#include "ratls/ratls_internal.h"

#define LEGACY_QUOTE_OID_FIXED "1.2.840.113741.1337.6"

/* The single extension with OID text, or none; *found says which. */
static int find_one(const X509 *cert, const char *oid, const char *name, const uint8_t **val,
                    size_t *len, bool *found)
{
    ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
    VT_ENSURE(obj != NULL, VT_E_CRYPTO, "ratls: cannot encode oid %s", oid);
    int at = X509_get_ext_by_OBJ(cert, obj, -1);
    int again = at >= 0 ? X509_get_ext_by_OBJ(cert, obj, at) : -1;
    ASN1_OBJECT_free(obj);
    *found = false;
    if (at < 0) return 0;
    VT_ENSURE(again < 0, VT_E_MALFORMED, "ratls: %s extension appears more than once", name);
    X509_EXTENSION *ext = X509_get_ext(cert, at);
    VT_ENSURE(!X509_EXTENSION_get_critical(ext), VT_E_MALFORMED,
              "ratls: %s extension is marked critical", name);
    const ASN1_OCTET_STRING *v = X509_EXTENSION_get_data(ext);
    int n = ASN1_STRING_length(v);
    VT_ENSURE(n >= VT_RATLS_EXT_MIN && n <= VT_RATLS_EXT_MAX, VT_E_MALFORMED,
              "ratls: %s extension value of %d bytes, expected %d..%d", name, n, VT_RATLS_EXT_MIN,
              VT_RATLS_EXT_MAX);
    *val = ASN1_STRING_get0_data(v);
    *len = (size_t)n;
    *found = true;
    return 0;
}

int vt_ratls_exts_find(const X509 *cert, vt_ratls_exts_t *out)
{
    vt_ratls_exts_t e = {0};
    bool has_tcg, has_legacy, has_fixed, has_cmw;
    const uint8_t *fixed = NULL;
    size_t fixed_len = 0;

    VT_GUARD(
        find_one(cert, VT_RATLS_TCG_EVIDENCE_OID, "tcg evidence", &e.tcg, &e.tcg_len, &has_tcg));
    VT_GUARD(find_one(cert, VT_RATLS_LEGACY_QUOTE_OID, "legacy quote", &e.legacy, &e.legacy_len,
                      &has_legacy));
    VT_GUARD(
        find_one(cert, LEGACY_QUOTE_OID_FIXED, "legacy quote", &fixed, &fixed_len, &has_fixed));
    VT_GUARD(find_one(cert, VT_RATLS_CMW_OID, "cmw", &e.cmw, &e.cmw_len, &has_cmw));
    VT_ENSURE(!(has_legacy && has_fixed), VT_E_MALFORMED,
              "ratls: legacy quote extension appears under both oid encodings");
    if (has_fixed) {
        e.legacy = fixed;
        e.legacy_len = fixed_len;
    }
    VT_ENSURE(!(has_tcg && has_cmw), VT_E_MALFORMED,
              "ratls: both a tcg evidence and a cmw extension (ambiguous evidence)");
    VT_ENSURE(e.tcg || e.legacy || e.cmw, VT_E_NOT_FOUND,
              "ratls: no evidence extension (tcg %s, cmw %s, legacy quote %s)",
              VT_RATLS_TCG_EVIDENCE_OID, VT_RATLS_CMW_OID, VT_RATLS_LEGACY_QUOTE_OID);
    *out = e;
    return 0;
}
