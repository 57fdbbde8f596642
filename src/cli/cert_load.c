/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading an RA-TLS certificate for `veritee cert`: the file (PEM or DER, exactly one
 * certificate), the key, and each evidence extension decoded with the ratls layer's
 * strict decoders (the same the verifier uses): the tagged evidence CBOR, the claims,
 * the quote, and whether the quote's REPORTDATA binds the claims or the key. Nothing
 * here is verified against a trust anchor; `cert verify` does that.
 */
#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "common/error.h"
#include "common/ossl.h"

static const uint8_t tagged_head[3] = {0xd9, 0xea, 0x60}; /* #6.60000 */

const char *vt_cli_cert_hash_name(uint64_t alg)
{
    switch (alg) {
    case VT_RATLS_HASH_SHA256:
        return "sha-256";
    case VT_RATLS_HASH_SHA384:
        return "sha-384";
    case VT_RATLS_HASH_SHA512:
        return "sha-512";
    }
    return "unknown";
}

const char *vt_cli_cert_source_name(vt_ratls_ext_t e)
{
    switch (e) {
    case VT_RATLS_EXT_TCG:
        return "tcg";
    case VT_RATLS_EXT_LEGACY:
        return "legacy";
    case VT_RATLS_EXT_CMW:
        return "cmw";
    case VT_RATLS_EXT_NONE:
        break;
    }
    return "none";
}

/* Gramine's gramine-ratls writes TRUSTED CERTIFICATE; other tools write CERTIFICATE. */
static int pem_to_der(const uint8_t *buf, size_t len, uint8_t **der, long *der_len)
{
    int rc = VT_E_INTERNAL;
    BIO *bio = BIO_new_mem_buf(buf, (int)len);
    char *name = NULL, *header = NULL;
    unsigned char *data = NULL;
    long n = 0;
    char rest[1];

    VT_TRY_ENSURE(bio != NULL, VT_E_NOMEM, "out of memory");
    if (PEM_read_bio(bio, &name, &header, &data, &n) != 1) {
        ERR_clear_error();
        VT_TRY_BAIL(VT_E_MALFORMED, "neither a DER certificate nor a PEM block");
    }
    VT_TRY_ENSURE(strcmp(name, "CERTIFICATE") == 0 || strcmp(name, "TRUSTED CERTIFICATE") == 0,
                  VT_E_UNSUPPORTED, "PEM block is %.40s, expected CERTIFICATE", name);
    /* Only white space may follow: one certificate per file. */
    int got;
    while ((got = BIO_read(bio, rest, 1)) == 1)
        VT_TRY_ENSURE(isspace((unsigned char)rest[0]) || rest[0] == '\0', VT_E_TRAILING_DATA,
                      "more than one certificate, or data after the PEM block");
    *der = data;
    *der_len = n;
    data = NULL;
    rc = 0;
out:
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
    BIO_free(bio);
    return rc;
}

static int parse_cert(const uint8_t *buf, size_t len, vt_cli_cert_t *c)
{
    uint8_t *pem_der = NULL;
    long n = (long)len;
    const uint8_t *der = buf;

    VT_ENSURE(len > 0, VT_E_TRUNCATED, "empty file");
    if (buf[0] != 0x30) {
        VT_GUARD(pem_to_der(buf, len, &pem_der, &n));
        der = pem_der;
        c->is_pem = true;
    }
    const unsigned char *p = der;
    c->x509 = d2i_X509(NULL, &p, n);
    if (c->x509 == NULL || p != der + n) {
        OPENSSL_free(pem_der);
        if (c->x509 == NULL)
            return vt_error_set_ossl(VT_E_MALFORMED, __FILE__, __LINE__, "not a certificate");
        VT_BAIL(VT_E_TRAILING_DATA, "bytes after the certificate");
    }
    c->der = malloc((size_t)n);
    if (c->der) memcpy(c->der, der, (size_t)n); /* vt-lint: allow (n bytes just parsed) */
    OPENSSL_free(pem_der);
    VT_ENSURE(c->der != NULL, VT_E_NOMEM, "out of memory");
    c->der_len = (size_t)n;
    vt_sha256(c->der, c->der_len, c->sha256);
    return 0;
}

static void describe_key(vt_cli_cert_t *c)
{
    EVP_PKEY *key = X509_get0_pubkey(c->x509);
    char group[64] = "";

    if (key == NULL) {
        ERR_clear_error();
        snprintf(c->key_type, sizeof(c->key_type), "undecodable");
        return;
    }
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC:
        EVP_PKEY_get_group_name(key, group, sizeof(group), NULL);
        snprintf(c->key_type, sizeof(c->key_type), "EC %s",
                 strcmp(group, "prime256v1") == 0  ? "P-256"
                 : strcmp(group, "secp384r1") == 0 ? "P-384"
                                                   : group);
        break;
    case EVP_PKEY_RSA:
        snprintf(c->key_type, sizeof(c->key_type), "RSA %d", EVP_PKEY_get_bits(key));
        break;
    default:
        snprintf(c->key_type, sizeof(c->key_type), "%s", OBJ_nid2sn(EVP_PKEY_get_base_id(key)));
    }
    c->has_spki = vt_ratls_spki_get(key, c->spki, &c->spki_len) == 0;
    c->is_self_signed =
        X509_check_issued(c->x509, c->x509) == X509_V_OK && X509_verify(c->x509, key) == 1;
    ERR_clear_error();
}

static void note(vt_cli_cert_ev_t *ev, int rc)
{
    if (ev->error[0] == '\0')
        snprintf(ev->error, sizeof(ev->error), "%s",
                 vt_last_error()[0] ? vt_last_error() : vt_strerror(rc));
}

/* Takes buf: a quote, parsed as the verifier parses it. */
static int take_quote(vt_cli_cert_ev_t *ev, uint8_t *buf, size_t len)
{
    ev->quote.buf = buf;
    ev->quote.len = len;
    int rc = vt_quote_parse(buf, len, &ev->quote.q);
    if (rc < 0) {
        note(ev, vt_error_wrap(rc, "quote"));
        return rc;
    }
    ev->has_quote = true;
    return 0;
}

static void check_binding(vt_cli_cert_ev_t *ev, const uint8_t rd[static VT_REPORT_DATA_LEN])
{
    ev->has_binding = true;
    ev->is_bound = vt_ratls_report_data_check(&ev->quote.q, rd, "quote") == 0;
}

static void decode_tagged(vt_cli_cert_ev_t *ev, const vt_cli_cert_t *c, const uint8_t *val,
                          size_t len)
{
    vt_ratls_evidence_t e = {0};
    uint8_t hash[VT_RATLS_HASH_MAX], rd[VT_REPORT_DATA_LEN];
    size_t hash_len = 0;
    int rc;

    ev->is_tagged = true;
    rc = vt_ratls_evidence_parse(val, len, &e);
    if (rc < 0) {
        note(ev, rc);
        return;
    }
    ev->claims_len = e.claims_len;
    rc = vt_ratls_claims_parse(e.claims, e.claims_len, &ev->claims);
    if (rc < 0)
        note(ev, rc);
    else
        ev->has_claims = true;
    if (ev->has_claims && ev->claims.has_pubkey_hash && c->has_spki &&
        vt_ratls_hash(ev->claims.hash_alg, c->spki, c->spki_len, hash, &hash_len) == 0)
        ev->is_key_hash_match =
            hash_len == ev->claims.hash_len && CRYPTO_memcmp(hash, ev->claims.hash, hash_len) == 0;
    rc = take_quote(ev, e.quote, e.quote_len);
    e.quote = NULL;
    if (rc == 0) {
        vt_ratls_report_data_evidence(e.claims, e.claims_len, rd);
        check_binding(ev, rd);
    }
    vt_ratls_evidence_cleanup(&e);
}

/* Takes buf: a raw quote bound to the key. */
static void decode_raw(vt_cli_cert_ev_t *ev, const vt_cli_cert_t *c, uint8_t *buf, size_t len)
{
    uint8_t rd[VT_REPORT_DATA_LEN];
    if (take_quote(ev, buf, len) < 0 || !c->has_spki) return;
    vt_ratls_report_data_legacy(c->spki, c->spki_len, rd);
    check_binding(ev, rd);
}

static void decode_ext(vt_cli_cert_t *c, const char *name, const char *oid, const uint8_t *val,
                       size_t len)
{
    vt_cli_cert_ev_t *ev = &c->ev[c->ev_count++];
    uint8_t *copy = NULL;
    size_t copy_len = len;
    int rc;

    ev->name = name;
    ev->oid = oid;
    ev->len = len;
    if (strcmp(name, "tcg") == 0) {
        decode_tagged(ev, c, val, len);
        return;
    }
    if (strcmp(name, "cmw") == 0) {
        rc = vt_ratls_cmw_parse(val, len, &copy, &copy_len);
        if (rc < 0) {
            note(ev, rc);
            return;
        }
        if (copy_len >= sizeof(tagged_head) &&
            CRYPTO_memcmp(copy, tagged_head, sizeof(tagged_head)) == 0) {
            decode_tagged(ev, c, copy, copy_len);
            free(copy);
            return;
        }
    } else {
        copy = malloc(len);
        if (copy == NULL) {
            snprintf(ev->error, sizeof(ev->error), "out of memory");
            return;
        }
        memcpy(copy, val, len); /* vt-lint: allow (the extension's own length) */
    }
    decode_raw(ev, c, copy, copy_len);
}

int vt_cli_cert_load(const char *path, vt_cli_cert_t *out)
{
    int rc = VT_E_INTERNAL;
    vt_cli_cert_t c = {0};
    uint8_t *buf = NULL;
    size_t len = 0;
    vt_ratls_exts_t e;
    char q[VT_CLI_QUOTED_LEN];

    VT_TRY(vt_cli_read_file(path, VT_CLI_CERT_FILE_MAX, &buf, &len));
    rc = parse_cert(buf, len, &c);
    if (rc < 0) {
        rc = vt_error_wrap(rc, "%s", vt_cli_quote_arg(path, q));
        goto out;
    }
    describe_key(&c);
    rc = vt_ratls_exts_find(c.x509, &e);
    if (rc < 0) {
        snprintf(c.ext_error, sizeof(c.ext_error), "%s",
                 rc == VT_E_NOT_FOUND ? "no RA-TLS evidence extension" : vt_last_error());
    } else {
        if (e.tcg) decode_ext(&c, "tcg", VT_RATLS_TCG_EVIDENCE_OID, e.tcg, e.tcg_len);
        if (e.cmw) decode_ext(&c, "cmw", VT_RATLS_CMW_OID, e.cmw, e.cmw_len);
        if (e.legacy) decode_ext(&c, "legacy", VT_RATLS_LEGACY_QUOTE_OID, e.legacy, e.legacy_len);
    }
    *out = c;
    c = (vt_cli_cert_t){0};
    rc = 0;
out:
    vt_cli_cert_cleanup(&c);
    free(buf);
    return rc;
}

const vt_cli_cert_ev_t *vt_cli_cert_primary(const vt_cli_cert_t *c)
{
    return c->ev_count > 0 ? &c->ev[0] : NULL;
}

void vt_cli_cert_cleanup(vt_cli_cert_t *c)
{
    if (c == NULL) return;
    for (size_t i = 0; i < c->ev_count; i++) vt_cli_quote_cleanup(&c->ev[i].quote);
    X509_free(c->x509);
    free(c->der);
    *c = (vt_cli_cert_t){0};
}
