/* SPDX-License-Identifier: Apache-2.0 */
/* Rules of the secret policy: parsing and matching (rules.h). */
#include "rules.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "config_json.h"

static const char *const rule_keys[] = {"name",        "mrenclave", "mrsigner",       "isv_prod_id",
                                        "min_isv_svn", "mrtd",      "rtmr0",          "rtmr1",
                                        "rtmr2",       "rtmr3",     "tcb_statuses",   "allow_debug",
                                        "advisories",  "secrets",   "default_secret", NULL};

static int parse_status(const json_t *v, const char *path, uint32_t *mask)
{
    VT_ENSURE(json_is_string(v), VT_E_INVALID_ARG, "config: %s: expected a TCB status name", path);
    const char *name = json_string_value(v);
    for (int s = 0; s < VT_TCB_STATUS_COUNT; s++) {
        if (strcmp(name, vt_tcb_status_name((vt_tcb_status_t)s)) != 0) continue;
        VT_ENSURE(s != VT_TCB_REVOKED, VT_E_INVALID_ARG,
                  "config: %s: a Revoked TCB is never accepted", path);
        *mask |= 1u << s;
        return 0;
    }
    char q[72];
    sd_quote(q, sizeof(q), name);
    VT_BAIL(VT_E_INVALID_ARG,
            "config: %s: unknown TCB status \"%s\" (UpToDate, SWHardeningNeeded, "
            "ConfigurationNeeded, ConfigurationAndSWHardeningNeeded, OutOfDate, "
            "OutOfDateConfigurationNeeded, TDRelaunchAdvised, "
            "TDRelaunchAdvisedConfigurationNeeded, TcbNotSupported)",
            path, q);
}

static int parse_statuses(const json_t *rule, const char *path, sd_rule_t *r)
{
    char p[SD_PATH_MAX], item[SD_PATH_MAX];
    const json_t *v = json_object_get(rule, "tcb_statuses");
    size_t i;
    json_t *s;

    r->tcb_mask = 1u << VT_TCB_UP_TO_DATE; /* always accepted, as in vt_policy_t */
    if (v == NULL) return 0;
    sd_path_key(p, path, "tcb_statuses");
    VT_ENSURE(json_is_array(v) && json_array_size(v) > 0, VT_E_INVALID_ARG,
              "config: %s: expected a non-empty array of TCB status names", p);
    json_array_foreach (v, i, s) {
        sd_path_index(item, p, i);
        VT_GUARD(parse_status(s, item, &r->tcb_mask));
    }
    return 0;
}

static int parse_advisories(const json_t *rule, const char *path, sd_rule_t *r)
{
    char p[SD_PATH_MAX], item[SD_PATH_MAX];
    const json_t *v = json_object_get(rule, "advisories");
    size_t i;
    json_t *s;

    if (v == NULL) return 0;
    sd_path_key(p, path, "advisories");
    VT_ENSURE(json_is_array(v) && json_array_size(v) <= SD_ADVISORIES_MAX, VT_E_INVALID_ARG,
              "config: %s: expected an array of at most %d advisory IDs", p, SD_ADVISORIES_MAX);
    r->advisories = calloc(json_array_size(v) + 1, sizeof(char *));
    VT_ENSURE(r->advisories != NULL, VT_E_NOMEM, "config: out of memory");
    json_array_foreach (v, i, s) {
        sd_path_index(item, p, i);
        VT_ENSURE(json_is_string(s) && json_string_length(s) > 0 && json_string_length(s) < 64,
                  VT_E_INVALID_ARG, "config: %s: expected an advisory ID like \"INTEL-SA-00615\"",
                  item);
        r->advisories[i] = strdup(json_string_value(s));
        VT_ENSURE(r->advisories[i] != NULL, VT_E_NOMEM, "config: out of memory");
        r->advisory_count++;
    }
    return 0;
}

static int parse_secret_ref(const json_t *v, const char *path, const sd_config_t *c, size_t *out)
{
    VT_ENSURE(json_is_string(v), VT_E_INVALID_ARG, "config: %s: expected a secret name", path);
    size_t i = sd_config_find_secret(c, json_string_value(v));
    if (i == SIZE_MAX) {
        char q[72];
        sd_quote(q, sizeof(q), json_string_value(v));
        VT_BAIL(VT_E_INVALID_ARG, "config: %s: no secret \"%s\" in $.secrets", path, q);
    }
    *out = i;
    return 0;
}

static int parse_secrets(const json_t *rule, const char *path, const sd_config_t *c, sd_rule_t *r)
{
    char p[SD_PATH_MAX], item[SD_PATH_MAX];
    const json_t *v = json_object_get(rule, "secrets");
    const json_t *def = json_object_get(rule, "default_secret");
    size_t i;
    json_t *s;

    sd_path_key(p, path, "secrets");
    VT_ENSURE(v != NULL, VT_E_INVALID_ARG, "config: %s: missing", p);
    VT_ENSURE(json_is_array(v) && json_array_size(v) > 0 &&
                  json_array_size(v) <= SD_RULE_SECRETS_MAX,
              VT_E_INVALID_ARG, "config: %s: expected an array of 1 to %d secret names", p,
              SD_RULE_SECRETS_MAX);
    json_array_foreach (v, i, s) {
        sd_path_index(item, p, i);
        VT_GUARD(parse_secret_ref(s, item, c, &r->secrets[r->secret_count++]));
    }
    sd_path_key(p, path, "default_secret");
    if (def == NULL) {
        VT_ENSURE(r->secret_count == 1, VT_E_INVALID_ARG,
                  "config: %s: missing (the rule lists several secrets; which one answers a "
                  "Gramine request?)",
                  p);
        r->default_secret = r->secrets[0];
        return 0;
    }
    VT_GUARD(parse_secret_ref(def, p, c, &r->default_secret));
    for (i = 0; i < r->secret_count; i++)
        if (r->secrets[i] == r->default_secret) return 0;
    VT_BAIL(VT_E_INVALID_ARG, "config: %s: not one of the rule's \"secrets\"", p);
}

static int parse_identity(const json_t *rule, const char *path, sd_rule_t *r)
{
    bool has_enclave = false, has_signer = false, has_td = false, has_rtmr = false;
    uint64_t prod = UINT64_MAX, svn = UINT64_MAX;

    VT_GUARD(
        sd_json_hex(rule, path, "mrenclave", false, r->mr_enclave, SD_MR_SGX_LEN, &has_enclave));
    VT_GUARD(sd_json_hex(rule, path, "mrsigner", false, r->mr_signer, SD_MR_SGX_LEN, &has_signer));
    VT_GUARD(sd_json_hex(rule, path, "mrtd", false, r->mr_td, SD_MR_TDX_LEN, &has_td));
    for (int i = 0; i < 4; i++) {
        char key[8];
        snprintf(key, sizeof(key), "rtmr%d", i);
        VT_GUARD(sd_json_hex(rule, path, key, false, r->rtmr[i], SD_MR_TDX_LEN, &r->has_rtmr[i]));
        has_rtmr |= r->has_rtmr[i];
    }
    VT_GUARD(sd_json_uint(rule, path, "isv_prod_id", false, 0, UINT16_MAX, &prod));
    VT_GUARD(sd_json_uint(rule, path, "min_isv_svn", false, 0, UINT16_MAX, &svn));
    VT_ENSURE(has_enclave + has_signer + has_td == 1, VT_E_INVALID_ARG,
              "config: %s: give exactly one identity: \"mrenclave\", \"mrsigner\" (with "
              "\"isv_prod_id\") or \"mrtd\"",
              path);
    VT_ENSURE(has_td || !has_rtmr, VT_E_INVALID_ARG,
              "config: %s: \"rtmr0\"..\"rtmr3\" need \"mrtd\"", path);
    VT_ENSURE(has_signer || (prod == UINT64_MAX && svn == UINT64_MAX), VT_E_INVALID_ARG,
              "config: %s: \"isv_prod_id\" and \"min_isv_svn\" belong to \"mrsigner\"", path);
    VT_ENSURE(!has_signer || prod != UINT64_MAX, VT_E_INVALID_ARG,
              "config: %s.isv_prod_id: missing (required with \"mrsigner\")", path);
    r->kind = has_enclave ? SD_ID_MRENCLAVE : has_signer ? SD_ID_MRSIGNER : SD_ID_TDX;
    r->isv_prod_id = has_signer ? (uint16_t)prod : 0;
    r->min_isv_svn = svn == UINT64_MAX ? 0 : (uint16_t)svn;
    return 0;
}

static int parse_rule(const json_t *v, const char *path, size_t index, const sd_config_t *c,
                      sd_rule_t *r)
{
    const char *name = NULL;

    VT_GUARD(sd_json_object(v, path, rule_keys));
    VT_GUARD(sd_json_string(v, path, "name", false, &name));
    if (name != NULL)
        sd_quote(r->name, sizeof(r->name), name);
    else
        snprintf(r->name, sizeof(r->name), "rule %zu", index);
    VT_GUARD(parse_identity(v, path, r));
    VT_GUARD(parse_statuses(v, path, r));
    VT_GUARD(sd_json_bool(v, path, "allow_debug", &r->allow_debug));
    VT_GUARD(parse_advisories(v, path, r));
    return parse_secrets(v, path, c, r);
}

int sd_rules_load(const json_t *v, sd_config_t *c)
{
    char path[SD_PATH_MAX];
    size_t i;
    json_t *item;

    VT_ENSURE(json_is_array(v) && json_array_size(v) > 0, VT_E_INVALID_ARG,
              "config: $.rules: expected a non-empty array of rules");
    c->rules = calloc(json_array_size(v), sizeof(*c->rules));
    VT_ENSURE(c->rules != NULL, VT_E_NOMEM, "config: out of memory");
    json_array_foreach (v, i, item) {
        sd_path_index(path, "$.rules", i);
        c->rule_count++;
        VT_GUARD(parse_rule(item, path, i, c, &c->rules[i]));
    }
    return 0;
}

void sd_rules_cleanup(sd_rule_t *rules, size_t count)
{
    for (size_t i = 0; rules != NULL && i < count; i++) {
        for (size_t j = 0; j < rules[i].advisory_count; j++) free(rules[i].advisories[j]);
        free(rules[i].advisories);
    }
}

/* ---- Matching ------------------------------------------------------------------------ */

static bool equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}

static bool identity_matches(const sd_rule_t *rule, const vt_verify_result_t *r)
{
    switch (rule->kind) {
    case SD_ID_MRENCLAVE:
        return r->tee == VT_TEE_SGX && equal(rule->mr_enclave, r->sgx.mr_enclave, SD_MR_SGX_LEN);
    case SD_ID_MRSIGNER:
        return r->tee == VT_TEE_SGX && equal(rule->mr_signer, r->sgx.mr_signer, SD_MR_SGX_LEN) &&
               r->sgx.isv_prod_id == rule->isv_prod_id && r->sgx.isv_svn >= rule->min_isv_svn;
    case SD_ID_TDX:
        if (r->tee != VT_TEE_TDX || !equal(rule->mr_td, r->td.mr_td, SD_MR_TDX_LEN)) return false;
        for (int i = 0; i < 4; i++)
            if (rule->has_rtmr[i] && !equal(rule->rtmr[i], r->td.rtmr[i], SD_MR_TDX_LEN))
                return false;
        return true;
    }
    return false;
}

static vt_tcb_status_t outdated_counterpart(vt_tcb_status_t s)
{
    switch (s) {
    case VT_TCB_CONFIGURATION_NEEDED:
    case VT_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED:
        return VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED;
    case VT_TCB_UP_TO_DATE:
    case VT_TCB_SW_HARDENING_NEEDED:
        return VT_TCB_OUT_OF_DATE;
    default:
        return s;
    }
}

static bool status_accepted(const sd_rule_t *rule, vt_tcb_status_t s)
{
    return (unsigned)s < VT_TCB_STATUS_COUNT && (rule->tcb_mask & (1u << s)) != 0;
}

static bool is_debug(const vt_verify_result_t *r)
{
    if (r->tee == VT_TEE_TDX) return (r->td.td_attributes[0] & VT_TD_ATTR_DEBUG) != 0;
    return (r->sgx.attributes[0] & VT_SGX_FLAG_DEBUG) != 0;
}

bool sd_rule_matches(const sd_rule_t *rule, const vt_verify_result_t *r)
{
    if (!r->is_verified || !identity_matches(rule, r)) return false;
    if (!status_accepted(rule, r->tcb_status)) return false;
    if (r->is_collateral_expired && !status_accepted(rule, outdated_counterpart(r->tcb_status)))
        return false;
    if (is_debug(r) && !rule->allow_debug) return false;
    for (size_t i = 0; i < r->advisory_count; i++) {
        bool is_known = false;
        for (size_t j = 0; j < rule->advisory_count && !is_known; j++)
            is_known = strcmp(r->advisory_ids[i], rule->advisories[j]) == 0;
        if (!is_known) return false;
    }
    return true;
}

const sd_rule_t *sd_rules_match(const sd_config_t *c, const vt_verify_result_t *r)
{
    for (size_t i = 0; i < c->rule_count; i++)
        if (sd_rule_matches(&c->rules[i], r)) return &c->rules[i];
    return NULL;
}

size_t sd_rules_secret_for(const sd_config_t *c, const vt_verify_result_t *r, const char *name)
{
    size_t want = name == NULL ? SIZE_MAX : sd_config_find_secret(c, name);
    if (name != NULL && want == SIZE_MAX) return SIZE_MAX;
    for (size_t i = 0; i < c->rule_count; i++) {
        const sd_rule_t *rule = &c->rules[i];
        if (!sd_rule_matches(rule, r)) continue;
        if (name == NULL) return rule->default_secret;
        for (size_t j = 0; j < rule->secret_count; j++)
            if (rule->secrets[j] == want) return want;
    }
    return SIZE_MAX;
}

void sd_identity_format(const vt_verify_result_t *r, char out[static SD_IDENTITY_TEXT_MAX])
{
    char a[2 * SD_MR_TDX_LEN + 1], b[2 * SD_MR_SGX_LEN + 1];
    const char *tcb = vt_tcb_status_name(r->tcb_status);

    if (r->tee == VT_TEE_TDX) {
        vt_hex_encode(r->td.mr_td, SD_MR_TDX_LEN, a);
        snprintf(out, SD_IDENTITY_TEXT_MAX, "tdx mrtd=%s debug=%d tcb=%s%s", a, is_debug(r), tcb,
                 r->is_collateral_expired ? " collateral=expired" : "");
        return;
    }
    vt_hex_encode(r->sgx.mr_enclave, SD_MR_SGX_LEN, a);
    vt_hex_encode(r->sgx.mr_signer, SD_MR_SGX_LEN, b);
    snprintf(out, SD_IDENTITY_TEXT_MAX,
             "sgx mrenclave=%s mrsigner=%s isvprodid=%u isvsvn=%u debug=%d tcb=%s%s", a, b,
             (unsigned)r->sgx.isv_prod_id, (unsigned)r->sgx.isv_svn, is_debug(r), tcb,
             r->is_collateral_expired ? " collateral=expired" : "");
}

int sd_rules_base_policy(const sd_config_t *c, vt_policy_t *p)
{
    /* Every status and debug pass the RA-TLS layer; the rules decide in the measurement
       callback, which sees the identity and can name it in the log. Revoked never
       passes: the quote verifier fails it before any policy. */
    for (int s = 0; s < VT_TCB_STATUS_COUNT; s++)
        if (s != VT_TCB_REVOKED) VT_GUARD(vt_policy_accept_tcb_status(p, (vt_tcb_status_t)s));
    vt_policy_set_allow_debug(p, true);
    for (size_t i = 0; i < c->rule_count; i++)
        for (size_t j = 0; j < c->rules[i].advisory_count; j++)
            VT_GUARD(vt_policy_accept_advisory(p, c->rules[i].advisories[j]));
    return 0;
}
