/* SPDX-License-Identifier: Apache-2.0 */
/* Error codes, their strings and categories, and the thread-local detail message. */
#include "error.h"

#include <openssl/err.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define VT_ERROR_DETAIL_MAX 1024

static _Thread_local char detail[VT_ERROR_DETAIL_MAX];

struct error_entry {
    int code;
    vt_error_type_t type;
    const char *name;
    const char *text;
};

static const struct error_entry error_table[] = {
#define VT__ERROR_ROW(code, type, text) {code, type, #code, text},
    VT_ERRORS(VT__ERROR_ROW)
#undef VT__ERROR_ROW
};

static const struct error_entry *find_entry(int rc)
{
    for (size_t i = 0; i < sizeof(error_table) / sizeof(error_table[0]); i++) {
        if (error_table[i].code == rc) return &error_table[i];
    }
    return NULL;
}

vt_error_type_t vt_error_type(int rc)
{
    if (rc == 0) return VT_ET_OK;
    const struct error_entry *e = find_entry(rc);
    return e ? e->type : VT_ET_INTERNAL;
}

const char *vt_error_name(int rc)
{
    if (rc == 0) return "VT_OK";
    const struct error_entry *e = find_entry(rc);
    return e ? e->name : "unknown";
}

const char *vt_strerror(int rc)
{
    if (rc == 0) return "success";
    const struct error_entry *e = find_entry(rc);
    return e ? e->text : "unknown error";
}

const char *vt_last_error(void)
{
    return detail;
}

void vt_error_clear(void)
{
    detail[0] = '\0';
}

static void set_detail(const char *file, int line, const char *fmt, va_list ap)
{
    int n = vsnprintf(detail, sizeof(detail), fmt, ap);
#ifdef VT_DEBUG_ERROR_LOCATION
    if (n >= 0 && (size_t)n < sizeof(detail))
        snprintf(detail + n, sizeof(detail) - (size_t)n, " [%s:%d]", file, line);
#else
    (void)n;
    (void)file;
    (void)line;
#endif
}

int vt_error_set(int code, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_detail(file, line, fmt, ap);
    va_end(ap);
    return code;
}

int vt_error_set_ossl(int code, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_detail(file, line, fmt, ap);
    va_end(ap);

    unsigned long e = ERR_get_error();
    if (e != 0) {
        size_t used = strlen(detail);
        char buf[256];
        ERR_error_string_n(e, buf, sizeof(buf));
        snprintf(detail + used, sizeof(detail) - used, " (openssl: %s)", buf);
    }
    ERR_clear_error();
    return code;
}

int vt_error_wrap(int rc, const char *fmt, ...)
{
    char prefix[256];
    char old[VT_ERROR_DETAIL_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    /* Truncation is acceptable here: the detail is for people and stays bounded. */
    size_t plen = strnlen(prefix, sizeof(prefix) - 1);
    size_t olen = strnlen(detail, sizeof(detail) - 1);
    memcpy(old, detail, olen);
    old[olen] = '\0';
    size_t pos = 0;
    for (size_t i = 0; i < plen && pos < sizeof(detail) - 1; i++) detail[pos++] = prefix[i];
    for (const char *sep = ": "; *sep && pos < sizeof(detail) - 1; sep++) detail[pos++] = *sep;
    for (size_t i = 0; i < olen && pos < sizeof(detail) - 1; i++) detail[pos++] = old[i];
    detail[pos] = '\0';
    return rc;
}
