/* SPDX-License-Identifier: Apache-2.0 */
/* Loading the configuration of veritee-secretd (config.h); secrets.c and rules.c read
   their own sections. */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/file.h"
#include "config_json.h"
#include "rules.h"
#include "secrets.h"

#define CONFIG_MAX (1024 * 1024)

#define DEFAULT_HANDSHAKE_MS 10000
#define DEFAULT_IDLE_MS      30000
#define DEFAULT_DRAIN_MS     10000
#define DEFAULT_MAX_CONNS    4096
#define DEFAULT_CACHE        4096
#define DEFAULT_CACHE_TTL_S  600
#define TIMEOUT_MAX_MS       (24u * 3600 * 1000)

static const char *const top_keys[] = {
    "listen",      "tls",        "trust",         "timeouts", "workers", "max_connections",
    "ratls_cache", "access_log", "seal_key_file", "secrets",  "rules",   NULL};
static const char *const tls_keys[] = {"cert", "key", NULL};
static const char *const trust_keys[] = {"root_ca",  "trust_simulated_root", "collateral_dir",
                                         "pccs_url", "pccs_ca_file",         NULL};
static const char *const timeout_keys[] = {"handshake_ms", "idle_ms", "drain_ms", NULL};
static const char *const cache_keys[] = {"capacity", "ttl_seconds", NULL};

static int parse_port(const char *text, const char *path, uint16_t *port)
{
    char *end = NULL;
    VT_ENSURE(text[0] >= '0' && text[0] <= '9', VT_E_INVALID_ARG,
              "config: %s: port is not a decimal number", path);
    errno = 0;
    long v = strtol(text, &end, 10);
    VT_ENSURE(errno == 0 && *end == '\0' && v >= 0 && v <= 65535, VT_E_INVALID_ARG,
              "config: %s: port, expected 0 to 65535", path);
    *port = (uint16_t)v;
    return 0;
}

/* "HOST:PORT", "[V6]:PORT". */
static int parse_listen_one(const json_t *v, const char *path, sd_listen_t *l)
{
    VT_ENSURE(json_is_string(v), VT_E_INVALID_ARG, "config: %s: expected \"HOST:PORT\"", path);
    const char *text = json_string_value(v);
    const char *colon = strrchr(text, ':');
    VT_ENSURE(colon != NULL, VT_E_INVALID_ARG, "config: %s: expected \"HOST:PORT\"", path);
    const char *h = text;
    size_t hlen = (size_t)(colon - text);
    if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') {
        h++;
        hlen -= 2;
    } else {
        VT_ENSURE(memchr(h, ':', hlen) == NULL, VT_E_INVALID_ARG,
                  "config: %s: write an IPv6 address in brackets, as \"[::1]:4433\"", path);
    }
    VT_ENSURE(hlen > 0 && hlen < SD_HOST_MAX, VT_E_INVALID_ARG,
              "config: %s: empty or too long host", path);
    VT_GUARD(parse_port(colon + 1, path, &l->port));
    snprintf(l->host, sizeof(l->host), "%.*s", (int)hlen, h);
    return 0;
}

static int parse_listen(const json_t *root, sd_config_t *c)
{
    const json_t *v = json_object_get(root, "listen");
    char path[SD_PATH_MAX];
    size_t i;
    json_t *item;

    VT_ENSURE(v != NULL, VT_E_INVALID_ARG, "config: $.listen: missing");
    VT_ENSURE(json_is_array(v) && json_array_size(v) > 0 && json_array_size(v) <= SD_LISTEN_MAX,
              VT_E_INVALID_ARG, "config: $.listen: expected an array of 1 to %d addresses",
              SD_LISTEN_MAX);
    json_array_foreach (v, i, item) {
        sd_path_index(path, "$.listen", i);
        VT_GUARD(parse_listen_one(item, path, &c->listen[i]));
        c->listen_count++;
    }
    return 0;
}

/* An optional file name at obj[key], resolved against the configuration's directory. */
static int file_name(const json_t *obj, const char *path, const char *key, bool required,
                     const sd_config_t *c, char **out)
{
    const char *name = NULL;
    VT_GUARD(sd_json_string(obj, path, key, required, &name));
    if (name == NULL) return 0;
    return sd_path_resolve(c->path, name, out);
}

static int parse_tls(const json_t *root, sd_config_t *c)
{
    const json_t *v = json_object_get(root, "tls");
    VT_ENSURE(v != NULL, VT_E_INVALID_ARG, "config: $.tls: missing");
    VT_GUARD(sd_json_object(v, "$.tls", tls_keys));
    VT_GUARD(file_name(v, "$.tls", "cert", true, c, &c->tls_cert));
    return file_name(v, "$.tls", "key", true, c, &c->tls_key);
}

static int parse_trust(const json_t *root, sd_config_t *c)
{
    const json_t *v = json_object_get(root, "trust");
    const char *url = NULL;

    VT_ENSURE(v != NULL, VT_E_INVALID_ARG, "config: $.trust: missing");
    VT_GUARD(sd_json_object(v, "$.trust", trust_keys));
    VT_GUARD(file_name(v, "$.trust", "root_ca", false, c, &c->root_ca));
    VT_GUARD(sd_json_bool(v, "$.trust", "trust_simulated_root", &c->trust_simulated_root));
    VT_GUARD(file_name(v, "$.trust", "collateral_dir", false, c, &c->collateral_dir));
    VT_GUARD(sd_json_string(v, "$.trust", "pccs_url", false, &url));
    VT_GUARD(file_name(v, "$.trust", "pccs_ca_file", false, c, &c->pccs_ca_file));
    if (url != NULL) {
        c->pccs_url = strdup(url);
        VT_ENSURE(c->pccs_url != NULL, VT_E_NOMEM, "config: out of memory");
    }
    VT_ENSURE(!c->trust_simulated_root || c->root_ca != NULL, VT_E_INVALID_ARG,
              "config: $.trust.trust_simulated_root: needs $.trust.root_ca (the simulated "
              "platform's root_ca.der)");
    VT_ENSURE((c->collateral_dir != NULL) != (c->pccs_url != NULL), VT_E_INVALID_ARG,
              "config: $.trust: give exactly one of \"collateral_dir\" and \"pccs_url\"");
    VT_ENSURE(c->pccs_ca_file == NULL || c->pccs_url != NULL, VT_E_INVALID_ARG,
              "config: $.trust.pccs_ca_file: needs \"pccs_url\"");
    return 0;
}

static int parse_timeouts(const json_t *root, sd_config_t *c)
{
    const json_t *v = json_object_get(root, "timeouts");
    uint64_t hs = DEFAULT_HANDSHAKE_MS, idle = DEFAULT_IDLE_MS, drain = DEFAULT_DRAIN_MS;

    if (v != NULL) {
        VT_GUARD(sd_json_object(v, "$.timeouts", timeout_keys));
        VT_GUARD(sd_json_uint(v, "$.timeouts", "handshake_ms", false, 1, TIMEOUT_MAX_MS, &hs));
        VT_GUARD(sd_json_uint(v, "$.timeouts", "idle_ms", false, 1, TIMEOUT_MAX_MS, &idle));
        VT_GUARD(sd_json_uint(v, "$.timeouts", "drain_ms", false, 0, TIMEOUT_MAX_MS, &drain));
    }
    c->handshake_timeout_ms = (uint32_t)hs;
    c->idle_timeout_ms = (uint32_t)idle;
    c->drain_timeout_ms = (uint32_t)drain;
    return 0;
}

static int parse_limits(const json_t *root, sd_config_t *c)
{
    const json_t *cache = json_object_get(root, "ratls_cache");
    uint64_t workers = 0, conns = DEFAULT_MAX_CONNS, cap = DEFAULT_CACHE, ttl = DEFAULT_CACHE_TTL_S;

    VT_GUARD(sd_json_uint(root, "$", "workers", false, 0, SD_WORKERS_MAX, &workers));
    VT_GUARD(sd_json_uint(root, "$", "max_connections", false, 1, 1000000, &conns));
    if (cache != NULL) {
        VT_GUARD(sd_json_object(cache, "$.ratls_cache", cache_keys));
        VT_GUARD(sd_json_uint(cache, "$.ratls_cache", "capacity", false, 0, 1000000, &cap));
        VT_GUARD(sd_json_uint(cache, "$.ratls_cache", "ttl_seconds", false, 1, 86400, &ttl));
    }
    c->workers = (size_t)workers;
    c->max_connections = (size_t)conns;
    c->cache_capacity = (size_t)cap;
    c->cache_ttl_s = (uint32_t)ttl;
    return 0;
}

static int parse_root(const json_t *root, sd_config_t *c)
{
    const json_t *secrets = json_object_get(root, "secrets");
    const json_t *rules = json_object_get(root, "rules");

    VT_GUARD(sd_json_object(root, "$", top_keys));
    VT_GUARD(parse_listen(root, c));
    VT_GUARD(parse_tls(root, c));
    VT_GUARD(parse_trust(root, c));
    VT_GUARD(parse_timeouts(root, c));
    VT_GUARD(parse_limits(root, c));
    VT_GUARD(file_name(root, "$", "access_log", false, c, &c->access_log));
    VT_GUARD(file_name(root, "$", "seal_key_file", false, c, &c->seal_key_file));
    VT_ENSURE(secrets != NULL, VT_E_INVALID_ARG, "config: $.secrets: missing");
    VT_ENSURE(rules != NULL, VT_E_INVALID_ARG, "config: $.rules: missing");
    VT_GUARD(sd_secrets_load(secrets, c));
    return sd_rules_load(rules, c);
}

int sd_config_load(const char *path, sd_config_t **out)
{
    int rc = VT_E_INTERNAL;
    uint8_t *text = NULL;
    size_t len = 0;
    json_t *root = NULL;
    json_error_t jerr;
    sd_config_t *c = NULL;

    VT_TRY_ALLOC(c, calloc(1, sizeof(*c)), "a configuration");
    VT_TRY_ALLOC(c->path, strdup(path), "a path");
    VT_TRY(vt_file_read(path, CONFIG_MAX, &text, &len));
    root = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES, &jerr);
    VT_TRY_ENSURE(root != NULL, VT_E_INVALID_ARG, "config: %s:%d:%d: %s", path, jerr.line,
                  jerr.column, jerr.text);
    VT_TRY(parse_root(root, c));
    *out = c;
    c = NULL;
    rc = 0;
out:
    json_decref(root);
    if (text != NULL) OPENSSL_cleanse(text, len);
    free(text);
    sd_config_free(c);
    return rc;
}

void sd_config_free(sd_config_t *c)
{
    if (c == NULL) return;
    for (size_t i = 0; i < c->secret_count; i++)
        sd_secret_value_free(c->secrets[i].value, c->secrets[i].len);
    free(c->secrets);
    sd_rules_cleanup(c->rules, c->rule_count);
    free(c->rules);
    free(c->path);
    free(c->tls_cert);
    free(c->tls_key);
    free(c->root_ca);
    free(c->collateral_dir);
    free(c->pccs_url);
    free(c->pccs_ca_file);
    free(c->access_log);
    free(c->seal_key_file);
    free(c);
}

size_t sd_config_find_secret(const sd_config_t *c, const char *name)
{
    for (size_t i = 0; i < c->secret_count; i++)
        if (strcmp(c->secrets[i].name, name) == 0) return i;
    return SIZE_MAX;
}

bool sd_config_same_listen(const sd_config_t *a, const sd_config_t *b)
{
    if (a->listen_count != b->listen_count) return false;
    for (size_t i = 0; i < a->listen_count; i++)
        if (strcmp(a->listen[i].host, b->listen[i].host) != 0 ||
            a->listen[i].port != b->listen[i].port)
            return false;
    return true;
}
