/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `veritee ratls [-D|-P] CERT KEY [-- COMMAND [ARGS...]]`: the gramine-ratls workflow
 * (gramine-compat.md §11). Run inside the enclave (a Gramine enclave, or a program
 * launched with `veritee sim run` on a veritee-attestfs mount), it makes a fresh key and
 * RA-TLS certificate through this platform's attester, writes both (PEM with
 * Gramine's labels TRUSTED CERTIFICATE and EC PRIVATE KEY, or DER with -D; the key as
 * SEC1 ECPrivateKey, mode 0600; each file atomically), then replaces itself with
 * COMMAND, which finds the files where its configuration expects them (e.g. a TLS
 * server's certificate and key).
 */
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <veritee/attest.h>
#include <veritee/ratls.h>

#include "cli.h"
#include "common/error.h"
#include "common/file.h"

#define PROG "veritee ratls"

enum { OPT_HELP = 'h', OPT_DER = 'D', OPT_PEM = 'P', OPT_PROVIDER = 256 };

static const vt_cli_option_t options[] = {
    {"der", NULL, OPT_DER, "write CERT and KEY as DER"},
    {"pem", NULL, OPT_PEM,
     "write CERT and KEY as PEM (the default; labels TRUSTED CERTIFICATE and EC PRIVATE "
     "KEY, as gramine-ratls writes them)"},
    {"provider", "NAME", OPT_PROVIDER, "gramine or tsm (default: as for 'veritee attest info')"},
    {"help", NULL, OPT_HELP, "show this help and exit"},
    {NULL, NULL, 0, NULL},
};

static const vt_cli_help_t help = {
    .usage = {"veritee ratls [-D | -P] [--provider NAME] CERT KEY [-- COMMAND [ARGS...]]"},
    .description = "Makes a fresh EC P-384 key and its RA-TLS certificate, with evidence from the "
                   "platform this runs on (as 'veritee attest quote' gets it: inside a Gramine SGX "
                   "enclave, or a program launched with 'veritee sim run' on a veritee-attestfs "
                   "mount), writes the certificate to CERT and the key to KEY (mode 0600), each "
                   "atomically, then runs COMMAND with ARGS in place of itself, like Gramine's "
                   "gramine-ratls. Options must come before CERT.",
    .options = options,
    .epilogue = "Exit status: 0 written (without COMMAND), 1 failure (no attester, evidence "
                "not obtained, a file not written, COMMAND not found), 64 usage error; with "
                "COMMAND, its own exit status.",
};

typedef struct {
    bool is_der;
    const char *provider;
    const char *cert_path;
    const char *key_path;
    char **command; /* NULL, or argv's NULL-terminated tail */
} args_t;

static int parse(int argc, char **argv, args_t *a)
{
    struct option longopts[VT_CLI_MAX_OPTIONS + 2];
    char tables[3 * VT_CLI_MAX_OPTIONS + 4];
    char shortopts[3 * VT_CLI_MAX_OPTIONS + 5];
    char q[VT_CLI_QUOTED_LEN];
    int c;

    *a = (args_t){0};
    vt_cli_getopt_tables(&help, longopts, tables, sizeof(tables));
    /* '+': stop at CERT, so that COMMAND's own options stay COMMAND's. */
    snprintf(shortopts, sizeof(shortopts), "+%s", tables);
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        switch (c) {
        case OPT_HELP:
            vt_cli_print_help(PROG, &help, stdout);
            return VT_CLI_EXIT_OK;
        case OPT_DER:
            a->is_der = true;
            break;
        case OPT_PEM:
            a->is_der = false;
            break;
        case OPT_PROVIDER:
            a->provider = optarg;
            break;
        default:
            return vt_cli_getopt_error(PROG, &help, c, argv);
        }
    }
    if (argc - optind < 2) return vt_cli_usage_error(PROG, &help, "missing CERT and KEY paths");
    a->cert_path = argv[optind];
    a->key_path = argv[optind + 1];
    int rest = optind + 2;
    if (rest < argc && strcmp(argv[rest], "--") == 0) rest++;
    if (rest < argc) a->command = &argv[rest];
    if (strcmp(a->cert_path, a->key_path) == 0)
        return vt_cli_usage_error(PROG, &help, "CERT and KEY are the same file %s",
                                  vt_cli_quote_arg(a->cert_path, q));
    return VT_CLI_CONTINUE;
}

/* PEM of der under label, written atomically; the PEM text is wiped after writing. */
static int write_pem(const char *path, const char *label, const uint8_t *der, size_t len,
                     unsigned mode)
{
    int rc = VT_E_INTERNAL;
    BIO *bio = BIO_new(BIO_s_mem());
    char *pem = NULL;
    long pem_len = 0;

    VT_TRY_ENSURE(bio != NULL, VT_E_NOMEM, "out of memory");
    VT_TRY_ENSURE(PEM_write_bio(bio, label, "", der, (long)len) > 0, VT_E_CRYPTO,
                  "cannot encode %s as PEM", label);
    pem_len = BIO_get_mem_data(bio, &pem);
    VT_TRY_ENSURE(pem_len > 0, VT_E_CRYPTO, "cannot encode %s as PEM", label);
    VT_TRY(vt_file_write_atomic(path, (const uint8_t *)pem, (size_t)pem_len, mode));
    rc = 0;
out:
    if (pem != NULL && pem_len > 0) OPENSSL_cleanse(pem, (size_t)pem_len);
    BIO_free(bio);
    return rc;
}

static int write_file(const args_t *a, const char *path, const char *label, const uint8_t *der,
                      size_t len, unsigned mode)
{
    char q[VT_CLI_QUOTED_LEN];
    int rc = a->is_der ? vt_file_write_atomic(path, der, len, mode)
                       : write_pem(path, label, der, len, mode);
    if (rc < 0) return vt_error_wrap(rc, "%s", vt_cli_quote_arg(path, q));
    return 0;
}

/* Creates the key and certificate and writes both files. */
static int make_files(const args_t *a)
{
    int rc = VT_E_INTERNAL;
    vt_attester_t *att = NULL;
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    uint8_t *cert_der = NULL, *key_der = NULL;
    int cert_len = 0, key_len = 0;

    VT_TRY(vt_attester_new(a->provider, &att));
    VT_TRY(vt_ratls_create(att, NULL, &key, &cert));
    cert_len = i2d_X509(cert, &cert_der);
    /* For an EC key, the type-specific form is SEC1 ECPrivateKey (RFC 5915), Gramine's. */
    key_len = i2d_PrivateKey(key, &key_der);
    VT_TRY_ENSURE(cert_len > 0 && key_len > 0, VT_E_CRYPTO, "cannot encode the key or certificate");
    /* The key first: a certificate on disk should never lack its key. */
    VT_TRY(write_file(a, a->key_path, "EC PRIVATE KEY", key_der, (size_t)key_len, 0600));
    VT_TRY(write_file(a, a->cert_path, "TRUSTED CERTIFICATE", cert_der, (size_t)cert_len, 0644));
    rc = 0;
out:
    if (key_der) OPENSSL_clear_free(key_der, (size_t)key_len);
    OPENSSL_free(cert_der);
    EVP_PKEY_free(key);
    X509_free(cert);
    vt_attester_free(att);
    return rc;
}

int vt_cli_ratls_main(int argc, char **argv)
{
    args_t a;
    char q[VT_CLI_QUOTED_LEN];
    int status = parse(argc, argv, &a);

    if (status != VT_CLI_CONTINUE) return status;
    if (make_files(&a) < 0) {
        vt_cli_error(PROG, "%s", vt_last_error());
        return VT_CLI_EXIT_FAIL;
    }
    if (a.command == NULL) return VT_CLI_EXIT_OK;
    fflush(NULL);
    execvp(a.command[0], a.command);
    vt_cli_error(PROG, "cannot run %s: %s", vt_cli_quote_arg(a.command[0], q), strerror(errno));
    return VT_CLI_EXIT_FAIL;
}
