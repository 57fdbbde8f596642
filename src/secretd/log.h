/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Logging of veritee-secretd. Daemon messages ("veritee-secretd: ...") go to standard
 * error. The access log gets one line per connection outcome, to standard error or to
 * the configured file (reopened on SIGHUP, for log rotation):
 *
 *   2026-01-02T03:04:05.678Z peer=127.0.0.1:40000 sgx mrenclave=... tcb=UpToDate
 *       request=gramine secret=db-key result=ok bytes=32
 *
 * A line never contains a secret's value. Writers on any thread; each line is written
 * whole and flushed.
 */
#ifndef VT_SECRETD_LOG_H
#define VT_SECRETD_LOG_H

#include <veritee/common.h>

/* A daemon message on standard error, prefixed with the program name. */
void sd_log(const char *fmt, ...) VT_PRINTF(1, 2);

/* Switches the access log to path (NULL: standard error). On failure the current
   destination stays and the error detail says why. */
VT_MUST_CHECK int sd_access_log_open(const char *path);

/* One access-log line: the time, then the formatted text. */
void sd_access_log(const char *fmt, ...) VT_PRINTF(1, 2);

/* Closes the access log file, if any. */
void sd_access_log_close(void);

#endif
