/* SPDX-License-Identifier: Apache-2.0 */
/* Daemon messages and the access log (log.h). */
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/error.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *access_file; /* owned; NULL means standard error */

void sd_log(const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&log_lock);
    fprintf(stderr, "veritee-secretd: %s\n", line);
    fflush(stderr);
    pthread_mutex_unlock(&log_lock);
}

int sd_access_log_open(const char *path)
{
    FILE *f = NULL;

    if (path != NULL) {
        f = fopen(path, "ae");
        VT_ENSURE(f != NULL, VT_E_IO, "access log %s: %s", path, strerror(errno));
    }
    pthread_mutex_lock(&log_lock);
    FILE *old = access_file;
    access_file = f;
    pthread_mutex_unlock(&log_lock);
    if (old != NULL) fclose(old);
    return 0;
}

void sd_access_log_close(void)
{
    if (sd_access_log_open(NULL) < 0) return; /* cannot fail without a path */
}

void sd_access_log(const char *fmt, ...)
{
    char line[1024], stamp[40];
    struct timespec ts;
    struct tm tm;
    va_list ap;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&log_lock);
    FILE *f = access_file != NULL ? access_file : stderr;
    fprintf(f, "%s.%03ldZ %s\n", stamp, ts.tv_nsec / 1000000, line);
    fflush(f);
    pthread_mutex_unlock(&log_lock);
}
