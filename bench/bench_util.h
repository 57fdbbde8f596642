/* SPDX-License-Identifier: Apache-2.0 */
/* Small pieces shared by the benchmarks in bench/. */
#ifndef VT_BENCH_UTIL_H
#define VT_BENCH_UTIL_H

#include <openssl/evp.h>
#include <openssl/x509.h>

/* Monotonic time in seconds. */
double vt_bench_now(void);

/* qsort comparator of doubles, ascending. */
int vt_bench_cmp_double(const void *a, const void *b);

/*
 * A P-256-signed (ecdsa-with-SHA256) X.509 v3 certificate for key with subject CN=cn,
 * valid from an hour ago for a day: self-signed CA (basicConstraints CA:TRUE, serial 1)
 * when ca is NULL, else issued by ca / ca_key (serial 2). NULL on failure.
 */
X509 *vt_bench_make_cert(EVP_PKEY *key, const char *cn, EVP_PKEY *ca_key, X509 *ca);

#endif
