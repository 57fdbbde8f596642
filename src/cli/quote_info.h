/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A quote as the CLI shows it: the file's bytes, the parsed view, and what can be read
 * from its PCK certificate chain without verifying anything (FMSPC, SVNs, PPID...).
 * Shared by `quote dump` and `quote verify`, and the output modules that print it.
 */
#ifndef VT_CLI_QUOTE_INFO_H
#define VT_CLI_QUOTE_INFO_H

#include <jansson.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <veritee/evidence.h>
#include <veritee/verify.h>

typedef struct {
    uint8_t *buf; /* owned; the file's bytes */
    size_t len;
    vt_quote_t q; /* borrows from buf */
    STACK_OF(X509) *
        chain;    /* owned; the PEM chain of cert type 5 (or the type-4 leaf), else NULL */
    bool has_pck; /* pck holds the leaf's SGX extension */
    vt_pck_ext_t pck;
    char pck_note[256]; /* why has_pck is false, when a chain was expected */
} vt_cli_quote_t;

/*
 * Reads path ("-" = standard input, at most VT_QUOTE_MAX bytes) and parses it. A
 * certification chain that cannot be read is not an error here: it is noted in
 * pck_note (the verifier reports it precisely). On failure the detail is set and the
 * struct is left clean.
 */
VT_MUST_CHECK int vt_cli_quote_load(const char *path, vt_cli_quote_t *out);
void vt_cli_quote_cleanup(vt_cli_quote_t *q);
/* True if the bytes after the signature data (trailing_len of them) are all zero. */
bool vt_cli_quote_trailing_is_zero(const vt_cli_quote_t *q);

/* ---- Decoding helpers (quote_info.c) ------------------------------------------- */

typedef struct {
    unsigned bit;
    const char *name;
} vt_cli_flag_t;

extern const vt_cli_flag_t vt_cli_sgx_attr_flags[]; /* SGX ATTRIBUTES.flags */
extern const vt_cli_flag_t vt_cli_td_attr_flags[];  /* TDATTRIBUTES */
extern const vt_cli_flag_t vt_cli_xfrm_flags[];     /* XFRM / XFAM (XCR0 bits) */

/* "INIT, MODE64BIT" (unnamed set bits as "BIT<n>"; "none" when v is 0). */
void vt_cli_flags_text(uint64_t v, const vt_cli_flag_t *table, char *out, size_t cap);
/* The same as a JSON array of names (new reference; NULL on allocation failure). */
json_t *vt_cli_flags_json(uint64_t v, const vt_cli_flag_t *table);

uint64_t vt_cli_le64(const uint8_t b[8]);
const char *vt_cli_tee_name(vt_tee_t tee);           /* "sgx", "tdx", "unknown" */
const char *vt_cli_body_type_name(vt_body_type_t t); /* "sgx", "td10", "td15" */
const char *vt_cli_body_type_text(vt_body_type_t t); /* "SGX enclave report" ... */
const char *vt_cli_cert_type_text(unsigned t);
const char *vt_cli_sgx_type_name(vt_sgx_type_t t); /* "Standard", "Scalable", ... */

/* ---- Output (quote_print.c, quote_json.c, verify_output.c) ---------------------- */

/* Every field of the quote, as aligned "name: value" lines. */
void vt_cli_print_quote(FILE *f, const vt_cli_quote_t *q, bool use_color);
/* Every field of the quote as one JSON object (new reference; NULL on OOM). */
json_t *vt_cli_quote_json(const vt_cli_quote_t *q);
/* The report body's measurements as a JSON object (keys in the man page). */
json_t *vt_cli_measurements_json(const vt_quote_t *q);
/* The PCK extension fields as a JSON object. */
json_t *vt_cli_pck_json(const vt_pck_ext_t *p);
/* A JSON string of s; bytes that are not valid UTF-8 become '?' (new reference). */
json_t *vt_cli_json_text(const char *s);
/* Lowercase hex string (new reference). */
json_t *vt_cli_hex_json(const uint8_t *p, size_t n);
/* Adds key = value to o, dropping the value on failure (caller checks the result once). */
void vt_cli_json_set(json_t *o, const char *key, json_t *value);
/* Prints the key measurements as aligned lines with the given indent. */
void vt_cli_print_measurements(FILE *f, const vt_quote_t *q, int indent, int width);
/* Prints "name: value" aligned: indent spaces, name padded with ':' to width. */
void vt_cli_field(FILE *f, int indent, int width, const char *name, const char *fmt, ...)
    VT_PRINTF(5, 6);
/* Prints a hex field. */
void vt_cli_field_hex(FILE *f, int indent, int width, const char *name, const uint8_t *p, size_t n);
/* Writes JSON to stdout, indented, with a final newline; VT_E_NOMEM if j is NULL. */
VT_MUST_CHECK int vt_cli_json_print(json_t *j);

#endif
