/* SPDX-License-Identifier: Apache-2.0 */
#include "bench_util.h"

#include <openssl/x509v3.h>
#include <stdbool.h>
#include <time.h>

double vt_bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int vt_bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

X509 *vt_bench_make_cert(EVP_PKEY *key, const char *cn, EVP_PKEY *ca_key, X509 *ca)
{
    X509 *x = X509_new();
    X509_NAME *n = X509_NAME_new();
    bool ok = x != NULL && n != NULL &&
              X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1,
                                         0) == 1 &&
              X509_set_version(x, 2) == 1 &&
              ASN1_INTEGER_set(X509_get_serialNumber(x), ca ? 2 : 1) == 1 &&
              X509_gmtime_adj(X509_getm_notBefore(x), -3600) != NULL &&
              X509_gmtime_adj(X509_getm_notAfter(x), 86400) != NULL &&
              X509_set_subject_name(x, n) == 1 &&
              X509_set_issuer_name(x, ca ? X509_get_subject_name(ca) : n) == 1 &&
              X509_set_pubkey(x, key) == 1;
    if (ok && ca == NULL) {
        X509_EXTENSION *bc = X509V3_EXT_conf_nid(NULL, NULL, NID_basic_constraints, "CA:TRUE");
        ok = bc != NULL && X509_add_ext(x, bc, -1) == 1;
        X509_EXTENSION_free(bc);
    }
    ok = ok && X509_sign(x, ca_key ? ca_key : key, EVP_sha256()) > 0;
    X509_NAME_free(n);
    if (!ok) {
        X509_free(x);
        return NULL;
    }
    return x;
}
