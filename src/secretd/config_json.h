/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Strict readers over jansson values for the configuration: each names the JSON path of
 * what it reads in its error detail ("config: $.timeouts.idle_ms: ..."), so that a user
 * finds the offending line. Keys are quoted with control bytes replaced and a length cap.
 */
#ifndef VT_SECRETD_CONFIG_JSON_H
#define VT_SECRETD_CONFIG_JSON_H

#include <jansson.h>
#include <veritee/common.h>

#define SD_PATH_MAX 192

/* "<parent>.<key>" or "<parent>[<index>]" into out (truncated if needed). */
void sd_path_key(char out[SD_PATH_MAX], const char *parent, const char *key);
void sd_path_index(char out[SD_PATH_MAX], const char *parent, size_t index);

/* Copies text into out (cap bytes), control and non-ASCII bytes as '?', at most 64 chars. */
void sd_quote(char *out, size_t cap, const char *text);

/* VT_E_INVALID_ARG unless v is an object whose keys are all in allowed (NULL-terminated). */
VT_MUST_CHECK int sd_json_object(const json_t *v, const char *path, const char *const *allowed);

/* The string at obj[key]: *out NULL if absent and !required. Empty strings are refused. */
VT_MUST_CHECK int sd_json_string(const json_t *obj, const char *path, const char *key,
                                 bool required, const char **out);

/* An integer in [min, max] at obj[key]; *out untouched if absent (and !required). */
VT_MUST_CHECK int sd_json_uint(const json_t *obj, const char *path, const char *key, bool required,
                               uint64_t min, uint64_t max, uint64_t *out);

/* A boolean at obj[key]; *out untouched if absent. */
VT_MUST_CHECK int sd_json_bool(const json_t *obj, const char *path, const char *key, bool *out);

/* Exactly len bytes of hex at obj[key]; *present tells whether the key was there. */
VT_MUST_CHECK int sd_json_hex(const json_t *obj, const char *path, const char *key, bool required,
                              uint8_t *out, size_t len, bool *present);

/* Resolves name against the directory of the configuration file (absolute names kept).
   On success the caller owns *out (free()). */
VT_MUST_CHECK int sd_path_resolve(const char *config_path, const char *name, char **out);

#endif
