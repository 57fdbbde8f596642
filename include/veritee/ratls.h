/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Veritee ratls layer: X.509 certificates that carry TEE evidence bound to the
 * certificate's key (RA-TLS), byte-compatible with Gramine's (docs/specs/gramine-compat.md
 * §3), their verification, and OpenSSL SSL_CTX integration.
 *
 * A certificate made by vt_ratls_create is self-signed (ecdsa-with-SHA256, serial 1,
 * subject = issuer = CN=RATLS,O=GramineDevelopers,C=US) and carries two non-critical
 * extensions, each with its own quote:
 *   - the TCG DICE tagged-evidence extension (2.23.133.5.4.9): CBOR tag 60000 over
 *     [bstr quote, bstr claims], claims = {"pubkey-hash": bstr([1, bstr SHA-256(SPKI)])},
 *     the quote's REPORTDATA[0..31] = SHA-256(claims bytes);
 *   - Gramine's legacy quote extension (OID bytes 06 09 2A 86 48 86 F8 4D 8A 39 06, i.e.
 *     0.6.9.42.840.113741.1337.6): the raw quote, REPORTDATA[0..31] = SHA-256(SPKI).
 *
 * Verification is stricter than Gramine's where Gramine is lax, and says so:
 * the claims map must contain "pubkey-hash"; when both extensions are present both
 * quotes are verified and must come from the same TEE identity; CBOR is decoded
 * strictly (definite lengths, no trailing bytes, no duplicate keys).
 *
 * Also accepted: the id-pe-cmw extension (1.3.6.1.5.5.7.1.35, RATS Conceptual Message
 * Wrapper), as the DER `cbor OCTET STRING` alternative holding a CMW record
 * [type, bstr value] or [type, bstr value, ind] (type: a uint Content-Format or a media
 * type string, not interpreted; ind, if present, must include evidence = 4). The value
 * is either the TCG tagged evidence above (recognized by its head D9 EA 60) or a raw
 * quote bound like the legacy one. Not accepted: the JSON alternative, the tagged CBOR
 * form, CMW collections. A certificate with both TCG and CMW evidence is refused.
 *
 * Thread safety: a vt_ratls_verifier_t is configured first, then shared: any number of
 * threads may call vt_ratls_verify* at once.
 */
#ifndef VERITEE_RATLS_H
#define VERITEE_RATLS_H

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <veritee/attest.h>
#include <veritee/common.h>
#include <veritee/verify.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The dotted OIDs (the legacy one as it really appears in Gramine's certificates). */
#define VT_RATLS_TCG_EVIDENCE_OID "2.23.133.5.4.9"
#define VT_RATLS_LEGACY_QUOTE_OID "0.6.9.42.840.113741.1337.6"
#define VT_RATLS_CMW_OID          "1.3.6.1.5.5.7.1.35"
/* CBOR tag of the TCG tagged evidence (TCG_DICE_TAGGED_EVIDENCE_TEE_QUOTE_CBOR_TAG). */
#define VT_RATLS_CBOR_TAG 60000
/* Bounds a Gramine verifier imposes on each extension value (§3.4). */
#define VT_RATLS_EXT_MIN 128
#define VT_RATLS_EXT_MAX 8192

typedef enum {
    VT_RATLS_KEY_P384 = 0, /* Gramine's default */
    VT_RATLS_KEY_P256 = 1,
} vt_ratls_key_type_t;

/*
 * Where evidence comes from: called with the 64 bytes of REPORTDATA to bind, returns a
 * quote in *evidence (malloc'd, the caller frees it). An attester (vt_attester_t) is
 * the usual source; tests and the simulated platform may provide their own.
 */
typedef int (*vt_ratls_evidence_fn)(void *ctx, const uint8_t report_data[VT_REPORT_DATA_LEN],
                                    uint8_t **evidence, size_t *len);

typedef struct {
    vt_ratls_key_type_t key_type;
    vt_time_t not_before; /* 0: Gramine's default 2001-01-01T00:00:00Z */
    vt_time_t not_after;  /* 0: Gramine's default 2030-12-31T23:59:59Z */
    bool omit_legacy;     /* only the TCG extension (one quote instead of two) */
} vt_ratls_create_options_t;

/**
 * Makes a fresh key and its RA-TLS certificate. opts may be NULL (defaults above).
 * The evidence source is called twice (legacy quote first, then the evidence quote;
 * once with omit_legacy); each quote must parse (vt_quote_parse) and carry the
 * requested REPORTDATA. On success the caller owns *key and *cert; on failure they
 * are not written. Errors: VT_E_INVALID_ARG (unknown key type, not_before >=
 * not_after); the evidence source's code (detail prefixed "ratls: legacy quote" or
 * "ratls: evidence quote"); a quote parse code or VT_E_REPORT_DATA for a quote that
 * is not what was asked for; VT_E_TOO_LARGE if a quote makes an extension exceed
 * VT_RATLS_EXT_MAX; VT_E_CRYPTO; VT_E_NOMEM.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 4, 5) int vt_ratls_create_with(
    vt_ratls_evidence_fn evidence, void *ctx, const vt_ratls_create_options_t *opts,
    EVP_PKEY **key, X509 **cert);

/** vt_ratls_create_with, with evidence from an attester (vt_attester_get_evidence). */
VT_API VT_MUST_CHECK VT_NONNULL(1, 3, 4) int vt_ratls_create(vt_attester_t *a,
                                                             const vt_ratls_create_options_t *opts,
                                                             EVP_PKEY **key, X509 **cert);

/* ---- Verification ---------------------------------------------------------------- */

/** Which extension the evidence was taken from. */
typedef enum {
    VT_RATLS_EXT_NONE = 0,
    VT_RATLS_EXT_TCG = 1,    /* TCG DICE tagged evidence (both verified if legacy also present) */
    VT_RATLS_EXT_LEGACY = 2, /* Gramine's legacy quote extension only */
    VT_RATLS_EXT_CMW = 3,    /* id-pe-cmw */
} vt_ratls_ext_t;

typedef struct {
    vt_verify_result_t quote;  /* the quote verification (status, measurements...) */
    vt_ratls_ext_t source;
    bool is_from_cache;        /* the evidence was verified earlier and is still fresh */
    uint8_t cert_sha256[32];
} vt_ratls_result_t;

/** Releases the owned fields of a result. Accepts NULL. */
VT_API void vt_ratls_result_cleanup(vt_ratls_result_t *r);

/*
 * Measurement callback, run after the policy accepted: gets the verified result;
 * returns 0 (or any non-negative value, as in Gramine) to accept, a negative VT_E_*
 * code to reject (another negative value is reported as VT_E_POLICY). May be called
 * from several threads at once.
 */
typedef int (*vt_ratls_measurement_fn)(void *ctx, const vt_verify_result_t *result);

typedef struct vt_ratls_verifier vt_ratls_verifier_t;

/**
 * Creates an RA-TLS verifier over a quote verifier v (borrowed: it must outlive the
 * RA-TLS verifier) and an appraisal policy (borrowed; NULL means the default policy:
 * UpToDate only, no debug, any identity, with a warning on first use).
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 3) int vt_ratls_verifier_new(vt_verifier_t *v,
                                                                const vt_policy_t *policy,
                                                                vt_ratls_verifier_t **out);
VT_API void vt_ratls_verifier_free(vt_ratls_verifier_t *rv);

/** Also runs cb after the policy (before sharing the verifier). */
VT_API VT_NONNULL(1) void vt_ratls_verifier_set_measurement_cb(vt_ratls_verifier_t *rv,
                                                               vt_ratls_measurement_fn cb,
                                                               void *ctx);

/**
 * Caches verified evidence keyed by the certificate's SHA-256, for at most ttl seconds
 * and never past the collateral's earliest expiration. capacity 0 disables the cache
 * (the default); when full, the least recently used entry is evicted. What is cached is
 * the outcome of the quote verification and the SGX attribute checks; the policy and
 * the measurement callback run again on every call (result.is_from_cache tells a hit).
 * An entry is used only for verification times from its insertion to its expiry.
 * Replaces any earlier cache. Call before sharing the verifier.
 * @returns 0; VT_E_INVALID_ARG (capacity above 2^24); VT_E_NOMEM.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1) int vt_ratls_verifier_set_cache(vt_ratls_verifier_t *rv,
                                                                   size_t capacity,
                                                                   uint32_t ttl_seconds);

/**
 * Verifies an RA-TLS certificate (DER): finds the extensions by parsing the
 * certificate, decodes them strictly, checks the key binding (the key must be EC
 * P-256 or P-384), verifies the quote(s) at time at, checks the SGX attributes as
 * Gramine does (INIT and MODE64BIT set, PROVISION_KEY and LICENSE_KEY clear, DEBUG
 * per policy), then appraises with the policy and the measurement callback.
 * The certificate's own signature and validity dates are not checked (the TLS
 * handshake proves possession of the key), as in Gramine.
 *
 * Extensions: each at most once, non-critical, with a value of VT_RATLS_EXT_MIN..MAX
 * bytes; the legacy OID in Gramine's encoding or the correct 1.2.840.113741.1337.6
 * (not both). Only the first 32 bytes of REPORTDATA are compared, as in Gramine.
 * Expired collateral (at past a nextUpdate or a certificate's notAfter,
 * result->quote.is_collateral_expired): Gramine accepts an UpToDate quote then only
 * with RA_TLS_ALLOW_OUTDATED_TCB_INSECURE; here the result must pass the policy both
 * as it is and with its status replaced by its OutOfDate counterpart (UpToDate and
 * SWHardeningNeeded: OutOfDate; the ConfigurationNeeded statuses:
 * OutOfDateConfigurationNeeded), i.e. the policy must also accept that status.
 * at may be VT_TIME_NOW.
 *
 * @returns 0; VT_E_MALFORMED / VT_E_TRUNCATED / VT_E_TRAILING_DATA / VT_E_TOO_LARGE
 *          (certificate, extension or CBOR); VT_E_NOT_FOUND (no evidence extension);
 *          VT_E_UNSUPPORTED (key type other than EC P-256/P-384; hash algorithm of the
 *          claims; a CMW form not accepted); VT_E_REPORT_DATA (evidence not bound to
 *          this key, claims without pubkey-hash, the two quotes disagree); the quote
 *          verifier's codes (VT_E_SIGNATURE, VT_E_REVOKED, ...); VT_E_POLICY (SGX
 *          attributes, the policy, or the callback rejected; a callback's own negative
 *          VT_E_* code is returned as is).
 *          result is filled as far as verification got (result->quote as returned by
 *          the quote verifier); vt_last_error() names the step, e.g. "ratls: tcg
 *          evidence quote: enclave attribute INIT is clear".
 * The thread's OpenSSL error queue is left as it was found.
 * Thread safety: any number of threads may verify with one configured verifier.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2, 5) int vt_ratls_verify_der(vt_ratls_verifier_t *rv,
                                                                 const uint8_t *der, size_t len,
                                                                 vt_time_t at,
                                                                 vt_ratls_result_t *result);

/* ---- OpenSSL integration ---------------------------------------------------------- */

typedef struct {
    /* Present our own RA-TLS certificate (created from this attester) when set. */
    vt_attester_t *attester;
    const vt_ratls_create_options_t *create; /* may be NULL */
    /* Or present this existing key and RA-TLS certificate (e.g. made with
       vt_ratls_create_with, or shared by many contexts): both or neither, not with
       attester. Borrowed: ctx takes its own references. */
    EVP_PKEY *key;
    X509 *cert;
    /* Verify the peer's RA-TLS certificate when set (client: the server's; server:
       require and verify a client certificate = mutual RA-TLS). */
    vt_ratls_verifier_t *verifier;
} vt_ratls_ssl_options_t;

/**
 * Configures ctx for RA-TLS (TLS 1.3 minimum): installs our certificate and key if
 * opts->attester (a fresh key and certificate) or opts->key and opts->cert are set,
 * and peer verification through SSL_CTX_set_cert_verify_callback if opts->verifier is
 * set (borrowed: it must outlive ctx). After a handshake, vt_ratls_ssl_get_result
 * gives the peer's verified result.
 *
 * With a verifier, the peer must send exactly one certificate (its RA-TLS certificate;
 * OpenSSL's chain building is not used), a server requests and requires a client
 * certificate (mutual RA-TLS), and session resumption is off (server: no session
 * cache, no tickets), so every handshake appraises the peer's evidence; the RA-TLS
 * cache (vt_ratls_verifier_set_cache) makes repeated evidence cheap. A rejected peer
 * fails the handshake with a certificate alert (certificate_revoked for a revoked
 * TCB or PCK, bad_certificate otherwise); the OpenSSL error queue then holds
 * SSL_R_CERTIFICATE_VERIFY_FAILED with the reason as error data ("ra-tls: ..."), and
 * vt_last_error() of the handshaking thread holds the same detail.
 *
 * @returns 0; VT_E_INVALID_ARG (attester together with key/cert, key without cert or
 *          the reverse, a key that does not match the certificate); the errors of
 *          vt_ratls_create; VT_E_CRYPTO.
 * Thread safety: configure a context before sharing it; handshakes on SSL objects of
 * one context may then run in any number of threads.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2) int vt_ratls_ssl_ctx_configure(
    SSL_CTX *ctx, const vt_ratls_ssl_options_t *opts);

/**
 * The peer's verified result after a successful handshake on ssl, or NULL (no
 * handshake finished yet, or ssl's context has no verifier). Borrowed: valid while
 * ssl lives.
 */
VT_API VT_NONNULL(1) const vt_ratls_result_t *vt_ratls_ssl_get_result(const SSL *ssl);

#ifdef __cplusplus
}
#endif

#endif
