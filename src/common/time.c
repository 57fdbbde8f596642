/* SPDX-License-Identifier: Apache-2.0 */
/* RFC 3339 timestamps <-> seconds since the epoch, UTC. */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "error.h"

vt_time_t vt_time_now(void)
{
    return (vt_time_t)time(NULL);
}

/* Reads exactly n decimal digits; false if any is not a digit (or the string ends). */
static bool read_digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

int vt_time_parse(const char *text, vt_time_t *out)
{
    int y, mo, d, h, mi, s, oh = 0, om = 0;
    size_t n = strlen(text);
    const char *p = text + 19;

    VT_ENSURE(n >= 20 && n <= 40, VT_E_MALFORMED, "time: \"%.40s\" is not RFC 3339", text);
    VT_ENSURE(read_digits(text, 4, &y) && text[4] == '-' && read_digits(text + 5, 2, &mo) &&
                  text[7] == '-' && read_digits(text + 8, 2, &d) &&
                  (text[10] == 'T' || text[10] == 't' || text[10] == ' ') &&
                  read_digits(text + 11, 2, &h) && text[13] == ':' &&
                  read_digits(text + 14, 2, &mi) && text[16] == ':' &&
                  read_digits(text + 17, 2, &s),
              VT_E_MALFORMED, "time: \"%.40s\" is not RFC 3339 (YYYY-MM-DDThh:mm:ssZ)", text);
    VT_ENSURE(mo >= 1 && mo <= 12 && d >= 1 && d <= days_in_month(y, mo) && h <= 23 &&
                  mi <= 59 && s <= 60,
              VT_E_MALFORMED, "time: \"%.40s\" has a field out of range", text);
    if (*p == '.') {
        p++;
        VT_ENSURE(isdigit((unsigned char)*p), VT_E_MALFORMED, "time: \"%.40s\" bad fraction", text);
        while (isdigit((unsigned char)*p)) p++;
    }
    int sign = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '+' ? 1 : -1;
        VT_ENSURE(read_digits(p + 1, 2, &oh) && p[3] == ':' && read_digits(p + 4, 2, &om) &&
                      oh <= 23 && om <= 59,
                  VT_E_MALFORMED, "time: \"%.40s\" bad UTC offset", text);
        p += 6;
    } else {
        VT_BAIL(VT_E_MALFORMED, "time: \"%.40s\" lacks a UTC offset (Z or +hh:mm)", text);
    }
    VT_ENSURE(*p == '\0', VT_E_MALFORMED, "time: \"%.40s\" has trailing characters", text);

    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    vt_time_t t = (vt_time_t)timegm(&tm);
    *out = t - (vt_time_t)sign * (oh * 3600 + om * 60);
    return 0;
}

void vt_time_format(vt_time_t t, char out[static VT_TIME_TEXT_LEN])
{
    struct tm tm;
    time_t tt = (time_t)t;
    if (gmtime_r(&tt, &tm) == NULL ||
        strftime(out, VT_TIME_TEXT_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, VT_TIME_TEXT_LEN, "invalid-time");
}
