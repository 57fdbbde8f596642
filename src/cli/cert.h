/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `veritee cert`: an RA-TLS certificate as the CLI shows it (cert_load.c decodes it
 * without verifying anything), `cert show` (cert_show.c), `cert verify`
 * (cert_verify.c), and the `ratls` noun (cmd_ratls.c).
 */
#ifndef VT_CLI_CERT_H
#define VT_CLI_CERT_H

#include <jansson.h>
#include <openssl/x509.h>
#include <stdio.h>

#include "cli.h"
#include "quote_info.h"
#include "ratls/ratls_internal.h"

/* Largest certificate file read: two 8 KiB extensions and the rest, as PEM. */
#define VT_CLI_CERT_FILE_MAX (64 * 1024)
#define VT_CLI_CERT_EV_MAX   3

/* One evidence extension, decoded. */
typedef struct {
    const char *name; /* "tcg", "cmw", "legacy" */
    const char *oid;  /* dotted */
    size_t len;       /* bytes of the extension value */
    bool is_tagged;   /* CBOR tag 60000 [bstr quote, bstr claims] (tcg, or inside cmw) */
    char error[256];  /* why decoding stopped; empty when everything decoded */

    vt_cli_quote_t quote; /* owned; quote.buf is NULL if the quote could not be read */
    bool has_quote;
    size_t claims_len; /* tagged: bytes of the claims map */
    bool has_claims;
    vt_ratls_claims_t claims;
    bool is_key_hash_match; /* claims' pubkey-hash = hash of the certificate's SPKI */
    bool has_binding;       /* is_bound was determined */
    bool is_bound;          /* REPORTDATA[0..31] = SHA-256(claims), or SHA-256(SPKI) if raw */
} vt_cli_cert_ev_t;

typedef struct {
    uint8_t *der; /* owned: the certificate's DER */
    size_t der_len;
    bool is_pem;
    X509 *x509; /* owned */
    uint8_t sha256[32];
    char key_type[48]; /* "EC P-384", "RSA 2048", ... */
    bool has_spki;     /* key is EC P-256 or P-384 (an RA-TLS key) */
    uint8_t spki[VT_RATLS_SPKI_MAX];
    size_t spki_len;
    bool is_self_signed; /* issuer = subject and the signature verifies with its key */
    char ext_error[256]; /* the evidence extensions could not be located; empty if fine */
    vt_cli_cert_ev_t ev[VT_CLI_CERT_EV_MAX];
    size_t ev_count;
} vt_cli_cert_t;

/*
 * Reads a certificate file (PEM with the label CERTIFICATE or TRUSTED CERTIFICATE, or
 * DER; "-" for standard input) and decodes its evidence extensions. Only a file that
 * is not one certificate fails; problems with the extensions are noted in ext_error
 * and each ev[i].error. On success the caller owns *out (vt_cli_cert_cleanup).
 */
VT_MUST_CHECK int vt_cli_cert_load(const char *path, vt_cli_cert_t *out);
void vt_cli_cert_cleanup(vt_cli_cert_t *c);

/* The evidence that verification uses first (tcg, else cmw, else legacy), or NULL. */
const vt_cli_cert_ev_t *vt_cli_cert_primary(const vt_cli_cert_t *c);

/* "sha-256" for VT_RATLS_HASH_SHA256 and so on; "unknown" otherwise. */
const char *vt_cli_cert_hash_name(uint64_t alg);
/* "tcg", "cmw", "legacy", "none" */
const char *vt_cli_cert_source_name(vt_ratls_ext_t e);

/* The certificate and its evidence for people, and as JSON (new reference). */
void vt_cli_cert_print(FILE *f, const vt_cli_cert_t *c, const char *path);
json_t *vt_cli_cert_json(const vt_cli_cert_t *c);

int vt_cli_cert_show_main(int argc, char **argv);
int vt_cli_cert_verify_main(int argc, char **argv);

#endif
