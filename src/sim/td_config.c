/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The TD configuration file of the simulated TDX platform: the measurements and
 * attributes a simulated TD reports (format in veritee/sim.h). The file is user input,
 * so the parser is strict: size cap before jansson sees it, duplicate keys rejected,
 * every member's type and exact length checked, unknown members rejected (a typo must
 * not silently leave a measurement zero).
 */
#include <jansson.h>
#include <string.h>

#include "common/error.h"
#include "sim/sim_internal.h"

typedef struct {
    const char *name;
    size_t offset; /* of the field in vt_td_report_body_t */
    size_t len;
    bool is_required;
} td_field_t;

#define FIELD(n, f, req)                                                                \
    {                                                                                   \
        n, offsetof(vt_td_report_body_t, f), sizeof(((vt_td_report_body_t *)0)->f), req \
    }

static const td_field_t fields[] = {
    FIELD("mrtd", mr_td, true),
    FIELD("rtmr0", rtmr[0], false),
    FIELD("rtmr1", rtmr[1], false),
    FIELD("rtmr2", rtmr[2], false),
    FIELD("rtmr3", rtmr[3], false),
    FIELD("mrconfigid", mr_config_id, false),
    FIELD("mrowner", mr_owner, false),
    FIELD("mrownerconfig", mr_owner_config, false),
    FIELD("td_attributes", td_attributes, false),
    FIELD("xfam", xfam, false),
};
#define FIELD_COUNT (sizeof(fields) / sizeof(fields[0]))

static const td_field_t *find_field(const char *key)
{
    for (size_t i = 0; i < FIELD_COUNT; i++)
        if (strcmp(fields[i].name, key) == 0) return &fields[i];
    return NULL;
}

static int decode_member(const char *key, json_t *value, vt_td_report_body_t *body)
{
    const td_field_t *f = find_field(key);
    VT_ENSURE(f != NULL, VT_E_MALFORMED, "td config: unknown member \"%.32s\"", key);
    VT_ENSURE(json_is_string(value), VT_E_MALFORMED, "td config: %s is not a string", f->name);
    size_t len = json_string_length(value);
    VT_ENSURE(len == 2 * f->len, VT_E_MALFORMED, "td config: %s has %zu hex digits, expected %zu",
              f->name, len, 2 * f->len);
    int rc = vt_hex_decode(json_string_value(value), len, (uint8_t *)body + f->offset, f->len);
    if (rc < 0) return vt_error_wrap(rc, "td config: %s", f->name);
    return 0;
}

int vt_sim_td_config_parse(const uint8_t *json, size_t len, vt_td_report_body_t *out)
{
    int rc = VT_E_INTERNAL;
    json_t *root = NULL;
    json_error_t err;
    vt_td_report_body_t body = {0};
    const char *key;
    json_t *value;

    VT_TRY_ENSURE(len <= VT_SIM_TD_CONFIG_MAX, VT_E_TOO_LARGE, "td config: %zu bytes, limit %d",
                  len, VT_SIM_TD_CONFIG_MAX);
    root = json_loadb((const char *)json, len, JSON_REJECT_DUPLICATES, &err);
    VT_TRY_ENSURE(root != NULL, VT_E_MALFORMED, "td config: line %d: %s", err.line, err.text);
    VT_TRY_ENSURE(json_is_object(root), VT_E_MALFORMED, "td config: not a json object");
    json_object_foreach (root, key, value) VT_TRY(decode_member(key, value, &body));
    for (size_t i = 0; i < FIELD_COUNT; i++)
        VT_TRY_ENSURE(!fields[i].is_required || json_object_get(root, fields[i].name) != NULL,
                      VT_E_MALFORMED, "td config: %s is required", fields[i].name);
    *out = body;
    rc = 0;
out:
    json_decref(root);
    return rc;
}
