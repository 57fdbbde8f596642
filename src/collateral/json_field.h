/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Typed, range-checked field access for the PCS JSON documents (dcap.md §4.3, §4.4).
 * Every getter checks the node's type before using it and names the document and field
 * in the error detail: "<what>: field \"<key>\" ...". `what` is the document path, e.g.
 * "tcb info" or "tcb info: tcbLevels[3]". Getters write *out only on success.
 * Errors: VT_E_MALFORMED for a missing field, a wrong type or a value out of range.
 */
#ifndef VT_COLLATERAL_JSON_FIELD_H
#define VT_COLLATERAL_JSON_FIELD_H

#include <jansson.h>
#include <veritee/collateral.h>

/* Bit of a status in an allowed-status mask. */
#define VT_TCB_STATUS_BIT(s) (1u << (unsigned)(s))

/* Longest advisory ID accepted ("INTEL-SA-00837" is 14 characters). */
#define VT_ADVISORY_ID_MAX 64

VT_MUST_CHECK int vt_json_field_get_object(const json_t *obj, const char *key, const char *what,
                                           json_t **out);

/* An array with at least min_count elements. */
VT_MUST_CHECK int vt_json_field_get_array(const json_t *obj, const char *key, const char *what,
                                          size_t min_count, json_t **out);

/* A string without embedded NUL (jansson rejects "\u0000" by default). */
VT_MUST_CHECK int vt_json_field_get_string(const json_t *obj, const char *key, const char *what,
                                           const char **out);

/* A JSON integer (not a real) in 0..max. */
VT_MUST_CHECK int vt_json_field_get_uint(const json_t *obj, const char *key, const char *what,
                                         uint64_t max, uint64_t *out);

/* A hex string of exactly 2*len digits (either case, dcap.md §4.2), decoded into out. */
VT_MUST_CHECK int vt_json_field_get_hex(const json_t *obj, const char *key, const char *what,
                                        uint8_t *out, size_t len);

/* An RFC 3339 UTC date (vt_time_parse). */
VT_MUST_CHECK int vt_json_field_get_time(const json_t *obj, const char *key, const char *what,
                                         vt_time_t *out);

/* A TCB status word that is in the allowed mask (VT_TCB_STATUS_BIT). */
VT_MUST_CHECK int vt_json_field_get_status(const json_t *obj, const char *key, const char *what,
                                           unsigned allowed, vt_tcb_status_t *out);

/* Checks that an optional field, when present, is a string (e.g. a component's "category"). */
VT_MUST_CHECK int vt_json_field_validate_optional_string(const json_t *obj, const char *key,
                                                         const char *what);

/*
 * The optional "advisoryIDs" array of strings. Absent gives NULL/0. On success the caller
 * owns *ids (vt_json_field_free_strings).
 */
VT_MUST_CHECK int vt_json_field_get_advisories(const json_t *obj, const char *what, char ***ids,
                                               size_t *count);

void vt_json_field_free_strings(char **ids, size_t count);

#endif
