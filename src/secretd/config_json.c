/* SPDX-License-Identifier: Apache-2.0 */
/* Strict jansson readers with JSON paths in their errors (config_json.h). */
#define _GNU_SOURCE
#include "config_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

void sd_path_key(char out[SD_PATH_MAX], const char *parent, const char *key)
{
    char q[72];
    sd_quote(q, sizeof(q), key);
    snprintf(out, SD_PATH_MAX, "%s.%s", parent, q);
}

void sd_path_index(char out[SD_PATH_MAX], const char *parent, size_t index)
{
    snprintf(out, SD_PATH_MAX, "%s[%zu]", parent, index);
}

void sd_quote(char *out, size_t cap, const char *text)
{
    size_t n = 0;
    if (cap == 0) return;
    for (const char *p = text; *p != '\0' && n + 1 < cap && n < 64; p++, n++) {
        unsigned char ch = (unsigned char)*p;
        out[n] = (ch < 0x20 || ch >= 0x7f) ? '?' : (char)ch;
    }
    out[n] = '\0';
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

int sd_json_object(const json_t *v, const char *path, const char *const *allowed)
{
    const char *key;
    json_t *val;

    VT_ENSURE(json_is_object(v), VT_E_INVALID_ARG, "config: %s: %s, expected an object", path,
              type_name(v));
    json_object_foreach ((json_t *)v, key, val) {
        bool is_known = false;
        for (const char *const *a = allowed; *a != NULL && !is_known; a++)
            is_known = strcmp(*a, key) == 0;
        if (!is_known) {
            char q[72];
            sd_quote(q, sizeof(q), key);
            VT_BAIL(VT_E_INVALID_ARG, "config: %s: unknown key \"%s\"", path, q);
        }
    }
    return 0;
}

int sd_json_string(const json_t *obj, const char *path, const char *key, bool required,
                   const char **out)
{
    char p[SD_PATH_MAX];
    const json_t *v = json_object_get(obj, key);

    sd_path_key(p, path, key);
    if (v == NULL) {
        VT_ENSURE(!required, VT_E_INVALID_ARG, "config: %s: missing", p);
        *out = NULL;
        return 0;
    }
    VT_ENSURE(json_is_string(v), VT_E_INVALID_ARG, "config: %s: %s, expected a string", p,
              type_name(v));
    VT_ENSURE(json_string_length(v) > 0, VT_E_INVALID_ARG, "config: %s: empty string", p);
    VT_ENSURE(strlen(json_string_value(v)) == json_string_length(v), VT_E_INVALID_ARG,
              "config: %s: contains a NUL character", p);
    *out = json_string_value(v);
    return 0;
}

int sd_json_uint(const json_t *obj, const char *path, const char *key, bool required, uint64_t min,
                 uint64_t max, uint64_t *out)
{
    char p[SD_PATH_MAX];
    const json_t *v = json_object_get(obj, key);

    sd_path_key(p, path, key);
    if (v == NULL) {
        VT_ENSURE(!required, VT_E_INVALID_ARG, "config: %s: missing", p);
        return 0;
    }
    VT_ENSURE(json_is_integer(v), VT_E_INVALID_ARG, "config: %s: %s, expected an integer", p,
              type_name(v));
    json_int_t n = json_integer_value(v);
    VT_ENSURE(n >= 0 && (uint64_t)n >= min && (uint64_t)n <= max, VT_E_INVALID_ARG,
              "config: %s: %lld, expected %llu to %llu", p, (long long)n, (unsigned long long)min,
              (unsigned long long)max);
    *out = (uint64_t)n;
    return 0;
}

int sd_json_bool(const json_t *obj, const char *path, const char *key, bool *out)
{
    char p[SD_PATH_MAX];
    const json_t *v = json_object_get(obj, key);

    if (v == NULL) return 0;
    sd_path_key(p, path, key);
    VT_ENSURE(json_is_boolean(v), VT_E_INVALID_ARG, "config: %s: %s, expected true or false", p,
              type_name(v));
    *out = json_is_true(v);
    return 0;
}

int sd_json_hex(const json_t *obj, const char *path, const char *key, bool required, uint8_t *out,
                size_t len, bool *present)
{
    char p[SD_PATH_MAX];
    const char *text = NULL;

    VT_GUARD(sd_json_string(obj, path, key, required, &text));
    if (present != NULL) *present = text != NULL;
    if (text == NULL) return 0;
    sd_path_key(p, path, key);
    size_t n = strlen(text);
    VT_ENSURE(n == 2 * len, VT_E_INVALID_ARG,
              "config: %s: %zu hex digits, expected %zu (%zu bytes)", p, n, 2 * len, len);
    if (vt_hex_decode(text, n, out, len) < 0)
        VT_BAIL(VT_E_INVALID_ARG, "config: %s: not hexadecimal", p);
    return 0;
}

int sd_path_resolve(const char *config_path, const char *name, char **out)
{
    const char *slash = strrchr(config_path, '/');
    char *s = NULL;

    if (name[0] == '/' || slash == NULL)
        s = strdup(name);
    else if (asprintf(&s, "%.*s/%s", (int)(slash - config_path), config_path, name) < 0)
        s = NULL;
    VT_ENSURE(s != NULL, VT_E_NOMEM, "config: out of memory");
    *out = s;
    return 0;
}
