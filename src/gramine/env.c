/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The RA_TLS_* environment variables (gramine-compat.md §4.1), read on every call as
 * Gramine does, so a program may change them between verifications.
 *
 * Deliberate deviations, all stricter: timestamps must be real UTC dates and times;
 * RA_TLS_ISV_PROD_ID and RA_TLS_ISV_SVN must be decimal numbers that fit in 16 bits
 * (Gramine's strtoul accepts trailing garbage and truncates "65537" to 1, which would
 * turn a minimum SVN of 65537 into 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/error.h"
#include "gramine/gramine_internal.h"

#define MOD "ra_tls"

/* Gramine's defaults: 2001-01-01T00:00:00Z and 2030-12-31T23:59:59Z. */
#define DEFAULT_NOT_BEFORE "20010101000000"
#define DEFAULT_NOT_AFTER  "20301231235959"

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int digits(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) v = v * 10 + (s[i] - '0');
    return v;
}

int vt_gramine_timestamp_parse(const char *text, vt_time_t *out)
{
    size_t len = strnlen(text, 16);
    VT_ENSURE(len == 14, VT_E_MALFORMED,
              MOD ": timestamp '%.16s' has %zu characters, expected 14 (YYYYMMDDhhmmss)", text,
              len);
    for (size_t i = 0; i < 14; i++) {
        VT_ENSURE(text[i] >= '0' && text[i] <= '9', VT_E_MALFORMED,
                  MOD ": timestamp '%s' is not all digits (YYYYMMDDhhmmss)", text);
    }
    int y = digits(text, 4), mo = digits(text + 4, 2), d = digits(text + 6, 2);
    int h = digits(text + 8, 2), mi = digits(text + 10, 2), s = digits(text + 12, 2);
    VT_ENSURE(y >= 1950, VT_E_MALFORMED, MOD ": timestamp '%s': year %d before 1950", text, y);
    VT_ENSURE(mo >= 1 && mo <= 12, VT_E_MALFORMED, MOD ": timestamp '%s': month %d", text, mo);
    VT_ENSURE(d >= 1 && d <= days_in_month(y, mo), VT_E_MALFORMED,
              MOD ": timestamp '%s': day %d of month %d", text, d, mo);
    VT_ENSURE(h <= 23 && mi <= 59 && s <= 59, VT_E_MALFORMED,
              MOD ": timestamp '%s': time %02d:%02d:%02d", text, h, mi, s);
    vt_time_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    /* 0 tells vt_ratls_create to use its default, so the epoch itself cannot be asked for. */
    VT_ENSURE(t != 0, VT_E_MALFORMED, MOD ": timestamp '%s' (the Unix epoch) is not supported",
              text);
    *out = t;
    return 0;
}

static int timestamp_from_env(const char *name, const char *fallback, vt_time_t *out)
{
    const char *v = getenv(name);
    int rc = vt_gramine_timestamp_parse(v != NULL ? v : fallback, out);
    return rc < 0 ? vt_error_wrap(rc, "%s", name) : 0;
}

int vt_gramine_create_options_from_env(vt_ratls_create_options_t *opts)
{
    vt_time_t nb = 0, na = 0;
    VT_GUARD(timestamp_from_env(RA_TLS_CERT_TIMESTAMP_NOT_BEFORE, DEFAULT_NOT_BEFORE, &nb));
    VT_GUARD(timestamp_from_env(RA_TLS_CERT_TIMESTAMP_NOT_AFTER, DEFAULT_NOT_AFTER, &na));
    VT_ENSURE(nb < na, VT_E_MALFORMED,
              RA_TLS_CERT_TIMESTAMP_NOT_BEFORE " is not before " RA_TLS_CERT_TIMESTAMP_NOT_AFTER);
    *opts = (vt_ratls_create_options_t){
        .key_type = VT_RATLS_KEY_P384, .not_before = nb, .not_after = na};
    return 0;
}

bool vt_gramine_env_allowed(const char *name)
{
    const char *v = getenv(name);
    return v != NULL && strcmp(v, "1") == 0;
}

void vt_gramine_allow_from_env(vt_gramine_allow_t *out)
{
    out->is_outdated_tcb_allowed = vt_gramine_env_allowed(RA_TLS_ALLOW_OUTDATED_TCB_INSECURE);
    out->is_hw_config_needed_allowed = vt_gramine_env_allowed(RA_TLS_ALLOW_HW_CONFIG_NEEDED);
    out->is_sw_hardening_needed_allowed = vt_gramine_env_allowed(RA_TLS_ALLOW_SW_HARDENING_NEEDED);
}

static int required(const char *name, const char *what, const char **out)
{
    const char *v = getenv(name);
    VT_ENSURE(v != NULL, VT_E_NOT_FOUND,
              "A required environment variable %s is not set (%s, or \"any\")", name, what);
    *out = v;
    return 0;
}

static int measurement_from_env(const char *name, bool *has, uint8_t out[32])
{
    const char *v = NULL;
    VT_GUARD(required(name, "64 hex digits", &v));
    if (strcmp(v, "any") == 0) {
        *has = false;
        return 0;
    }
    size_t len = strnlen(v, 65);
    VT_ENSURE(len == 64 && vt_hex_decode(v, len, out, 32) == 0, VT_E_MALFORMED,
              "%s is neither 64 hex digits nor \"any\" (%zu%s characters)", name, len,
              len > 64 ? "+" : "");
    *has = true;
    return 0;
}

static int u16_from_env(const char *name, bool *has, uint16_t *out)
{
    const char *v = NULL;
    VT_GUARD(required(name, "a decimal number", &v));
    if (strcmp(v, "any") == 0) {
        *has = false;
        return 0;
    }
    size_t len = strnlen(v, 6);
    bool ok = len >= 1 && len <= 5;
    for (size_t i = 0; ok && i < len; i++) ok = v[i] >= '0' && v[i] <= '9';
    unsigned long n = ok ? strtoul(v, NULL, 10) : 0;
    VT_ENSURE(ok && n <= UINT16_MAX, VT_E_MALFORMED,
              "%s is neither a decimal number 0..65535 nor \"any\"", name);
    *out = (uint16_t)n;
    *has = true;
    return 0;
}

int vt_gramine_measurements_from_env(vt_gramine_measurements_t *out)
{
    vt_gramine_measurements_t m = {0};
    VT_GUARD(measurement_from_env(RA_TLS_MRSIGNER, &m.has_mrsigner, m.mrsigner));
    VT_GUARD(measurement_from_env(RA_TLS_MRENCLAVE, &m.has_mrenclave, m.mrenclave));
    VT_GUARD(u16_from_env(RA_TLS_ISV_PROD_ID, &m.has_isv_prod_id, &m.isv_prod_id));
    VT_GUARD(u16_from_env(RA_TLS_ISV_SVN, &m.has_isv_svn, &m.isv_svn));
    *out = m;
    return 0;
}

int vt_gramine_measurements_check(const vt_gramine_measurements_t *m,
                                  const vt_sgx_report_body_t *body)
{
    VT_ENSURE(!m->has_mrsigner || CRYPTO_memcmp(m->mrsigner, body->mr_signer, 32) == 0, VT_E_POLICY,
              "MRSIGNER of the peer does not match " RA_TLS_MRSIGNER);
    VT_ENSURE(!m->has_mrenclave || CRYPTO_memcmp(m->mrenclave, body->mr_enclave, 32) == 0,
              VT_E_POLICY, "MRENCLAVE of the peer does not match " RA_TLS_MRENCLAVE);
    VT_ENSURE(!m->has_isv_prod_id || body->isv_prod_id == m->isv_prod_id, VT_E_POLICY,
              "ISV_PROD_ID %u of the peer is not " RA_TLS_ISV_PROD_ID " %u", body->isv_prod_id,
              m->isv_prod_id);
    VT_ENSURE(!m->has_isv_svn || body->isv_svn >= m->isv_svn, VT_E_POLICY,
              "ISV_SVN %u of the peer is below " RA_TLS_ISV_SVN " %u", body->isv_svn, m->isv_svn);
    return 0;
}
