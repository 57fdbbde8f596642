/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `veritee cert show`: what an RA-TLS certificate carries, decoded but not verified:
 * the certificate (names, validity, key), which evidence extensions it has, the
 * evidence CBOR structure, the claims (the pubkey-hash and whether it matches the
 * key), whether each quote's REPORTDATA binds the claims or the key, and a summary of
 * each quote (TEE, version, key measurements). JSON keys in veritee(1), JSON OUTPUT.
 */
#include <openssl/bn.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "common/ossl.h"

#define PROG   "veritee cert show"
#define INDENT 2
#define WIDTH  20

enum { OPT_HELP = 'h', OPT_JSON = 256 };

static const vt_cli_option_t options[] = {
    {"json", NULL, OPT_JSON, "print one JSON object (keys in veritee(1), JSON OUTPUT)"},
    {"help", NULL, OPT_HELP, "show this help and exit"},
    {NULL, NULL, 0, NULL},
};

static const vt_cli_help_t help = {
    .usage = {"veritee cert show FILE [--json]"},
    .description =
        "Decodes the RA-TLS certificate in FILE (PEM or DER; '-' for standard input) "
        "without verifying it: the certificate's names, validity and key; which evidence "
        "extensions it carries (TCG tagged evidence 2.23.133.5.4.9, Gramine's legacy quote "
        "extension, id-pe-cmw); the evidence CBOR structure and its claims (the pubkey-hash "
        "algorithm and value, and whether it matches the certificate's key); whether each "
        "quote's report data binds the claims or the key; and each quote's TEE, version and "
        "key measurements. Use 'veritee cert verify' to verify the evidence.",
    .options = options,
    .epilogue = "Exit status: 0 decoded (every evidence extension well formed), 1 not a "
                "certificate, or no or malformed evidence, 64 usage error.",
};

#define FIELD(name, ...) vt_cli_field(f, INDENT, WIDTH, name, __VA_ARGS__)

static void name_text(const X509_NAME *n, char *out, size_t cap)
{
    BIO *b = BIO_new(BIO_s_mem());
    out[0] = '\0';
    if (b == NULL) return;
    /* RFC 2253 escaping, in encoding order (CN=RATLS,O=GramineDevelopers,C=US). */
    X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~XN_FLAG_DN_REV);
    int got = BIO_read(b, out, (int)cap - 1);
    out[got > 0 ? got : 0] = '\0';
    BIO_free(b);
}

static void time_text(const ASN1_TIME *t, char out[static VT_TIME_TEXT_LEN])
{
    vt_time_t v;
    if (vt_asn1_time_to_time(t, &v) == 0)
        vt_time_format(v, out);
    else
        snprintf(out, VT_TIME_TEXT_LEN, "invalid");
}

static void serial_text(const X509 *x, char *out, size_t cap)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    char *hex = bn ? BN_bn2hex(bn) : NULL;
    snprintf(out, cap, "%s", hex ? hex : "?");
    OPENSSL_free(hex);
    BN_free(bn);
}

static const char *ext_title(const vt_cli_cert_ev_t *ev)
{
    if (strcmp(ev->name, "tcg") == 0) return "tcg tagged evidence";
    if (strcmp(ev->name, "cmw") == 0) return "cmw evidence";
    return "legacy quote";
}

static void print_claims(FILE *f, const vt_cli_cert_ev_t *ev, const vt_cli_cert_t *c)
{
    char hex[2 * VT_RATLS_HASH_MAX + 1];
    if (!ev->has_claims) return;
    if (!ev->claims.has_pubkey_hash) {
        FIELD("pubkey-hash", "MISSING (the evidence is not bound to a key)");
        return;
    }
    vt_hex_encode(ev->claims.hash, ev->claims.hash_len, hex);
    FIELD("pubkey-hash", "%s %s", vt_cli_cert_hash_name(ev->claims.hash_alg), hex);
    FIELD("key match", "%s",
          !c->has_spki            ? "no (the key is not EC P-256 or P-384)"
          : ev->is_key_hash_match ? "yes (hash of the certificate's SubjectPublicKeyInfo)"
                                  : "NO (another key's hash)");
}

static void print_ev(FILE *f, const vt_cli_cert_ev_t *ev, const vt_cli_cert_t *c)
{
    fprintf(f, "%s (%s, %zu bytes)\n", ext_title(ev), ev->oid, ev->len);
    if (ev->is_tagged)
        FIELD("cbor", "tag 60000 [bstr quote (%zu bytes), bstr claims (%zu bytes)]",
              ev->has_quote ? ev->quote.len : (size_t)0, ev->claims_len);
    else if (ev->has_quote)
        FIELD("format", "raw quote (%zu bytes)", ev->quote.len);
    print_claims(f, ev, c);
    if (ev->has_binding)
        FIELD("report data", "%s",
              ev->is_bound ? (ev->is_tagged ? "binds the claims (SHA-256 of the claims bytes)"
                                            : "binds the key (SHA-256 of the SubjectPublicKeyInfo)")
                           : "NOT BOUND (first 32 bytes differ)");
    if (ev->has_quote) {
        const vt_quote_t *q = &ev->quote.q;
        FIELD("tee", "%s", vt_cli_tee_name(q->tee));
        FIELD("quote version", "%u (%s)", q->header.version, vt_cli_body_type_text(q->body_type));
        vt_cli_print_measurements(f, q, INDENT, WIDTH);
    }
    if (ev->error[0]) {
        fprintf(f, "%*s%-*s ", INDENT, "", WIDTH, "error:");
        vt_cli_put_escaped(f, ev->error);
        fputc('\n', f);
    }
}

void vt_cli_cert_print(FILE *f, const vt_cli_cert_t *c, const char *path)
{
    char text[1024], nb[VT_TIME_TEXT_LEN], na[VT_TIME_TEXT_LEN], sha[65];
    char q[VT_CLI_QUOTED_LEN];

    fprintf(f, "certificate %s (%s)\n", vt_cli_quote_arg(path, q), c->is_pem ? "PEM" : "DER");
    name_text(X509_get_subject_name(c->x509), text, sizeof(text));
    FIELD("subject", "%s", text);
    name_text(X509_get_issuer_name(c->x509), text, sizeof(text));
    FIELD("issuer", "%s", text);
    serial_text(c->x509, text, sizeof(text));
    FIELD("serial", "%s", text);
    time_text(X509_get0_notBefore(c->x509), nb);
    time_text(X509_get0_notAfter(c->x509), na);
    FIELD("validity", "%s to %s", nb, na);
    FIELD("key", "%s", c->key_type);
    FIELD("self-signed", "%s", c->is_self_signed ? "yes" : "no");
    vt_hex_encode(c->sha256, sizeof(c->sha256), sha);
    FIELD("sha256", "%s", sha);
    if (c->ext_error[0]) {
        fprintf(f, "%*s%-*s ", INDENT, "", WIDTH, "evidence:");
        vt_cli_put_escaped(f, c->ext_error);
        fputc('\n', f);
        return;
    }
    text[0] = '\0';
    for (size_t i = 0, used = 0; i < c->ev_count; i++)
        used += (size_t)snprintf(text + used, sizeof(text) - used, "%s%s", i ? ", " : "",
                                 c->ev[i].name);
    FIELD("evidence", "%s", text);
    for (size_t i = 0; i < c->ev_count; i++) print_ev(f, &c->ev[i], c);
}

#define SET(o, k, v) vt_cli_json_set(o, k, v)

static json_t *claims_json(const vt_cli_cert_ev_t *ev, const vt_cli_cert_t *c)
{
    if (!ev->has_claims) return json_null();
    json_t *o = json_object();
    json_t *h = json_null();
    if (ev->claims.has_pubkey_hash) {
        h = json_object();
        SET(h, "alg", json_string(vt_cli_cert_hash_name(ev->claims.hash_alg)));
        SET(h, "alg_id", json_integer((json_int_t)ev->claims.hash_alg));
        SET(h, "value", vt_cli_hex_json(ev->claims.hash, ev->claims.hash_len));
        SET(h, "matches_key", json_boolean(c->has_spki && ev->is_key_hash_match));
    }
    SET(o, "pubkey_hash", h);
    return o;
}

static json_t *ev_json(const vt_cli_cert_ev_t *ev, const vt_cli_cert_t *c)
{
    json_t *o = json_object();
    const vt_quote_t *q = ev->has_quote ? &ev->quote.q : NULL;
    SET(o, "extension", json_string(ev->name));
    SET(o, "oid", json_string(ev->oid));
    SET(o, "length", json_integer((json_int_t)ev->len));
    SET(o, "format", json_string(ev->is_tagged ? "tagged_evidence" : "raw_quote"));
    SET(o, "quote_length", q ? json_integer((json_int_t)ev->quote.len) : json_null());
    SET(o, "claims_length", ev->is_tagged ? json_integer((json_int_t)ev->claims_len) : json_null());
    SET(o, "claims", claims_json(ev, c));
    SET(o, "report_data_binds",
        ev->has_binding ? json_string(ev->is_tagged ? "claims" : "key") : json_null());
    SET(o, "report_data_bound", json_boolean(ev->has_binding && ev->is_bound));
    SET(o, "tee", q ? json_string(vt_cli_tee_name(q->tee)) : json_null());
    SET(o, "version", q ? json_integer(q->header.version) : json_null());
    SET(o, "body_type", q ? json_string(vt_cli_body_type_name(q->body_type)) : json_null());
    SET(o, "measurements", q ? vt_cli_measurements_json(q) : json_null());
    SET(o, "error", ev->error[0] ? vt_cli_json_text(ev->error) : json_null());
    return o;
}

json_t *vt_cli_cert_json(const vt_cli_cert_t *c)
{
    json_t *o = json_object();
    json_t *evs = json_array();
    char text[1024], nb[VT_TIME_TEXT_LEN], na[VT_TIME_TEXT_LEN];

    SET(o, "file_format", json_string(c->is_pem ? "pem" : "der"));
    name_text(X509_get_subject_name(c->x509), text, sizeof(text));
    SET(o, "subject", vt_cli_json_text(text));
    name_text(X509_get_issuer_name(c->x509), text, sizeof(text));
    SET(o, "issuer", vt_cli_json_text(text));
    serial_text(c->x509, text, sizeof(text));
    SET(o, "serial", vt_cli_json_text(text));
    time_text(X509_get0_notBefore(c->x509), nb);
    time_text(X509_get0_notAfter(c->x509), na);
    SET(o, "not_before", json_string(nb));
    SET(o, "not_after", json_string(na));
    SET(o, "key_type", vt_cli_json_text(c->key_type));
    SET(o, "self_signed", json_boolean(c->is_self_signed));
    SET(o, "sha256", vt_cli_hex_json(c->sha256, sizeof(c->sha256)));
    for (size_t i = 0; evs && i < c->ev_count; i++)
        json_array_append_new(evs, ev_json(&c->ev[i], c));
    SET(o, "evidence", evs);
    SET(o, "evidence_error", c->ext_error[0] ? vt_cli_json_text(c->ext_error) : json_null());
    return o;
}

static bool is_all_decoded(const vt_cli_cert_t *c)
{
    if (c->ext_error[0] || c->ev_count == 0) return false;
    for (size_t i = 0; i < c->ev_count; i++)
        if (c->ev[i].error[0]) return false;
    return true;
}

int vt_cli_cert_show_main(int argc, char **argv)
{
    struct option longopts[VT_CLI_MAX_OPTIONS + 2];
    char shortopts[3 * VT_CLI_MAX_OPTIONS + 4];
    bool is_json = false;
    vt_cli_cert_t cert;
    int c, rc;

    vt_cli_getopt_tables(&help, longopts, shortopts, sizeof(shortopts));
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (c == OPT_HELP) {
            vt_cli_print_help(PROG, &help, stdout);
            return VT_CLI_EXIT_OK;
        }
        if (c != OPT_JSON) return vt_cli_getopt_error(PROG, &help, c, argv);
        is_json = true;
    }
    if (optind >= argc) return vt_cli_usage_error(PROG, &help, "missing FILE");
    if (argc - optind > 1) {
        char q[VT_CLI_QUOTED_LEN];
        return vt_cli_usage_error(PROG, &help, "unexpected argument %s",
                                  vt_cli_quote_arg(argv[optind + 1], q));
    }
    rc = vt_cli_cert_load(argv[optind], &cert);
    if (rc < 0) {
        vt_cli_error(PROG, "%s", vt_last_error());
        return VT_CLI_EXIT_FAIL;
    }
    if (is_json) {
        json_t *j = vt_cli_cert_json(&cert);
        rc = vt_cli_json_print(j);
        json_decref(j);
    } else {
        vt_cli_cert_print(stdout, &cert, argv[optind]);
    }
    int status = is_all_decoded(&cert) ? VT_CLI_EXIT_OK : VT_CLI_EXIT_FAIL;
    if (cert.ext_error[0]) vt_cli_error(PROG, "%s", cert.ext_error);
    vt_cli_cert_cleanup(&cert);
    if (fflush(stdout) != 0 || rc < 0) {
        vt_cli_error(PROG, "cannot write output");
        return VT_CLI_EXIT_FAIL;
    }
    return status;
}
