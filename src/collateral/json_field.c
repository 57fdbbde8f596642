/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Typed field access for the PCS JSON documents. jansson has already checked the
 * syntax; these getters check every node's type and range, because a well-formed
 * document from a hostile service can still put a string where a number belongs.
 */
#include "json_field.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"

static int get_node(const json_t *obj, const char *key, const char *what, json_t **out)
{
    json_t *v = json_object_get(obj, key);
    VT_ENSURE(v != NULL, VT_E_MALFORMED, "%s: field \"%s\" is missing", what, key);
    *out = v;
    return 0;
}

int vt_json_field_get_object(const json_t *obj, const char *key, const char *what, json_t **out)
{
    json_t *v = NULL;
    VT_GUARD(get_node(obj, key, what, &v));
    VT_ENSURE(json_is_object(v), VT_E_MALFORMED, "%s: field \"%s\" is not an object", what, key);
    *out = v;
    return 0;
}

int vt_json_field_get_array(const json_t *obj, const char *key, const char *what, size_t min_count,
                            json_t **out)
{
    json_t *v = NULL;
    VT_GUARD(get_node(obj, key, what, &v));
    VT_ENSURE(json_is_array(v), VT_E_MALFORMED, "%s: field \"%s\" is not an array", what, key);
    VT_ENSURE(json_array_size(v) >= min_count, VT_E_MALFORMED,
              "%s: field \"%s\" has %zu elements, expected at least %zu", what, key,
              json_array_size(v), min_count);
    *out = v;
    return 0;
}

int vt_json_field_get_string(const json_t *obj, const char *key, const char *what, const char **out)
{
    json_t *v = NULL;
    VT_GUARD(get_node(obj, key, what, &v));
    VT_ENSURE(json_is_string(v), VT_E_MALFORMED, "%s: field \"%s\" is not a string", what, key);
    /* jansson rejects \u0000 unless JSON_ALLOW_NUL is given, so the C string is the whole
     * value; check anyway so a future flag change cannot truncate silently. */
    VT_ENSURE(strlen(json_string_value(v)) == json_string_length(v), VT_E_MALFORMED,
              "%s: field \"%s\" contains a NUL character", what, key);
    *out = json_string_value(v);
    return 0;
}

int vt_json_field_get_uint(const json_t *obj, const char *key, const char *what, uint64_t max,
                           uint64_t *out)
{
    json_t *v = NULL;
    VT_GUARD(get_node(obj, key, what, &v));
    VT_ENSURE(json_is_integer(v), VT_E_MALFORMED, "%s: field \"%s\" is not an integer", what, key);
    json_int_t i = json_integer_value(v);
    VT_ENSURE(i >= 0 && (uint64_t)i <= max, VT_E_MALFORMED,
              "%s: field \"%s\" is %lld, expected 0..%llu", what, key, (long long)i,
              (unsigned long long)max);
    *out = (uint64_t)i;
    return 0;
}

int vt_json_field_get_hex(const json_t *obj, const char *key, const char *what, uint8_t *out,
                          size_t len)
{
    const char *s = NULL;
    uint8_t buf[64];

    VT_ENSURE(len <= sizeof(buf), VT_E_INTERNAL, "%s: hex field \"%s\" too long", what, key);
    VT_GUARD(vt_json_field_get_string(obj, key, what, &s));
    size_t n = strlen(s);
    VT_ENSURE(n == 2 * len, VT_E_MALFORMED, "%s: field \"%s\" has %zu hex digits, expected %zu",
              what, key, n, 2 * len);
    /* Decode into a scratch buffer: vt_hex_decode may have written part of its output
     * when it fails, and out must stay untouched on failure. */
    if (vt_hex_decode(s, n, buf, len) < 0)
        VT_BAIL(VT_E_MALFORMED, "%s: field \"%s\" is not hex", what, key);
    for (size_t i = 0; i < len; i++) out[i] = buf[i];
    return 0;
}

int vt_json_field_get_time(const json_t *obj, const char *key, const char *what, vt_time_t *out)
{
    const char *s = NULL;
    vt_time_t t = 0;
    VT_GUARD(vt_json_field_get_string(obj, key, what, &s));
    if (vt_time_parse(s, &t) < 0)
        VT_BAIL(VT_E_MALFORMED, "%s: field \"%s\" is not an RFC 3339 date (\"%.40s\")", what, key,
                s);
    *out = t;
    return 0;
}

int vt_json_field_get_status(const json_t *obj, const char *key, const char *what, unsigned allowed,
                             vt_tcb_status_t *out)
{
    const char *s = NULL;
    vt_tcb_status_t st = VT_TCB_NOT_SUPPORTED;
    VT_GUARD(vt_json_field_get_string(obj, key, what, &s));
    if (vt_tcb_status_from_name(s, &st) < 0 || (allowed & VT_TCB_STATUS_BIT(st)) == 0)
        VT_BAIL(VT_E_MALFORMED, "%s: field \"%s\" has unrecognized status \"%.48s\"", what, key, s);
    *out = st;
    return 0;
}

int vt_json_field_validate_optional_string(const json_t *obj, const char *key, const char *what)
{
    const char *s = NULL;
    if (json_object_get(obj, key) == NULL) return 0;
    return vt_json_field_get_string(obj, key, what, &s);
}

/* Advisory IDs end up in logs and verdicts: printable ASCII only, bounded length. */
static bool is_advisory_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > VT_ADVISORY_ID_MAX) return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < 0x21 || s[i] > 0x7e) return false;
    }
    return true;
}

int vt_json_field_get_advisories(const json_t *obj, const char *what, char ***ids, size_t *count)
{
    int rc = VT_E_INTERNAL;
    json_t *arr = NULL;
    char **list = NULL;
    size_t n = 0;

    if (json_object_get(obj, "advisoryIDs") == NULL) {
        *ids = NULL;
        *count = 0;
        return 0;
    }
    VT_TRY(vt_json_field_get_array(obj, "advisoryIDs", what, 0, &arr));
    size_t total = json_array_size(arr);
    if (total > 0) VT_TRY_ALLOC(list, calloc(total, sizeof(*list)), "advisory ids");
    for (; n < total; n++) {
        json_t *v = json_array_get(arr, n);
        VT_TRY_ENSURE(json_is_string(v) && is_advisory_id(json_string_value(v)) &&
                          strlen(json_string_value(v)) == json_string_length(v),
                      VT_E_MALFORMED, "%s: advisoryIDs[%zu] is not an advisory id string", what, n);
        VT_TRY_ALLOC(list[n], strdup(json_string_value(v)), "advisory id");
    }
    *ids = list;
    *count = n;
    list = NULL;
    rc = 0;
out:
    vt_json_field_free_strings(list, n);
    return rc;
}

void vt_json_field_free_strings(char **ids, size_t count)
{
    if (ids == NULL) return;
    for (size_t i = 0; i < count; i++) free(ids[i]);
    free(ids);
}
