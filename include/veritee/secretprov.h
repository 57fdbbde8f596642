/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Veritee secret provisioning layer: the wire protocol spoken inside a mutually
 * authenticated RA-TLS session, compatible byte for byte with Gramine's secret
 * provisioning (docs: /work/shared/specs/gramine-compat.md §8), plus Veritee's named
 * request and refusal.
 *
 * ## Wire format
 *
 * All integers are big-endian. The client (inside the TEE) speaks first.
 *
 * Requests (client → server), told apart by their first 35 bytes:
 *
 *   Gramine request   "SECRET_PROVISION_RA_TLS_REQUEST_V1" NUL              35 bytes
 *   named request     "VERITEE_SECRET_PROVISION_REQ_NAMED" NUL              35 bytes
 *                     u16 name_len (1..255)                                  2 bytes
 *                     name: name_len bytes of [A-Za-z0-9._-], the first one
 *                     a letter or digit (so "." and ".." cannot occur)
 *
 *   A server reads 35 bytes; a Gramine server, which compares all 35, drops a named
 *   request silently, exactly as it drops any other unknown request.
 *
 * Responses (server → client) start with a 41-byte header:
 *
 *   secret            "SECRET_PROVISION_RA_TLS_RESPONSE_V1:" NUL            37 bytes
 *                     u32 size (1..INT_MAX)                                  4 bytes
 *                     then the secret, size bytes
 *   refusal           "VERITEE_SECRET_PROVISION_REFUSED_V1:" NUL            37 bytes
 *                     u32 reason (non-zero, VT_SECRETPROV_REFUSED_*)         4 bytes
 *                     then the server closes the session
 *
 *   A refusal is sent only in answer to a named request. A Gramine request that cannot
 *   be served (no secret configured, attestation rejected) gets what Gramine's own server
 *   gives: the connection is closed with nothing sent.
 *
 * After a secret, the session stays open for application bytes in both directions
 * (Gramine's secret_provision_read/_write) until one side sends close_notify.
 *
 * Thread safety: every function here is pure and thread-safe.
 */
#ifndef VERITEE_SECRETPROV_H
#define VERITEE_SECRETPROV_H

#include <veritee/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Lengths of the fixed parts, including the terminating NUL of each magic. */
#define VT_SECRETPROV_MAGIC_LEN           35
#define VT_SECRETPROV_RESPONSE_MAGIC_LEN  37
#define VT_SECRETPROV_RESPONSE_HEADER_LEN 41
#define VT_SECRETPROV_NAME_MAX            255
/* The longest request: named magic, u16 length, 255 name bytes. */
#define VT_SECRETPROV_REQUEST_MAX (VT_SECRETPROV_MAGIC_LEN + 2 + VT_SECRETPROV_NAME_MAX)
/* Gramine refuses sizes above INT_MAX on both sides. */
#define VT_SECRETPROV_SECRET_MAX 0x7fffffffu

/* The magics, NUL included in their lengths above. */
#define VT_SECRETPROV_REQUEST_GRAMINE  "SECRET_PROVISION_RA_TLS_REQUEST_V1"
#define VT_SECRETPROV_REQUEST_NAMED    "VERITEE_SECRET_PROVISION_REQ_NAMED"
#define VT_SECRETPROV_RESPONSE_SECRET  "SECRET_PROVISION_RA_TLS_RESPONSE_V1:"
#define VT_SECRETPROV_RESPONSE_REFUSED "VERITEE_SECRET_PROVISION_REFUSED_V1:"

/* Refusal reasons. One reason covers both "unknown" and "not allowed" on purpose: a
 * client that may not have a secret must not learn whether it exists. */
#define VT_SECRETPROV_REFUSED_DENIED      1u /* no such secret, or not for this enclave */
#define VT_SECRETPROV_REFUSED_UNAVAILABLE 2u /* the server cannot serve it now; retry later */

typedef enum {
    VT_SECRETPROV_REQ_GRAMINE = 1, /* "give me the secret" (Gramine) */
    VT_SECRETPROV_REQ_NAMED = 2,   /* "give me the secret called name" (Veritee) */
} vt_secretprov_req_kind_t;

typedef struct {
    vt_secretprov_req_kind_t kind;
    size_t name_len;                       /* 0 for a Gramine request */
    char name[VT_SECRETPROV_NAME_MAX + 1]; /* NUL-terminated copy; "" for a Gramine request */
} vt_secretprov_request_t;

typedef enum {
    VT_SECRETPROV_RESP_SECRET = 1,  /* value = the secret's size; the secret follows */
    VT_SECRETPROV_RESP_REFUSED = 2, /* value = the reason */
} vt_secretprov_resp_kind_t;

typedef struct {
    vt_secretprov_resp_kind_t kind;
    uint32_t value;
} vt_secretprov_response_t;

/**
 * Checks a secret name: 1..255 bytes of [A-Za-z0-9._-], the first a letter or digit.
 * @returns 0, or VT_E_INVALID_ARG with a detail naming the offending byte.
 */
VT_API VT_MUST_CHECK int vt_secretprov_name_validate(const char *name, size_t len);

/**
 * Writes a request into out[0..cap): a Gramine request if name is NULL, else a named
 * request for name (NUL-terminated, validated as above).
 * @param out_len  on success, the number of bytes written.
 * @returns 0; VT_E_INVALID_ARG for a bad name; VT_E_TOO_LARGE if cap is too small
 *          (VT_SECRETPROV_REQUEST_MAX always suffices).
 */
VT_API VT_MUST_CHECK VT_NONNULL(2, 4) int vt_secretprov_request_serialize(const char *name,
                                                                          uint8_t *out, size_t cap,
                                                                          size_t *out_len);

/**
 * Parses the request at the start of buf[0..len). The bytes after it (if any) are not
 * looked at: the client may already have sent application bytes behind it.
 *
 * Made for stream readers: call it with what has arrived so far.
 * @param req_len  always written. On success, the length of the request; on
 *                 VT_E_TRUNCATED, the total length the buffer must reach before the
 *                 parse can go further (> len, ≤ VT_SECRETPROV_REQUEST_MAX).
 * @returns 0 and fills *out; VT_E_TRUNCATED (a valid prefix, read more);
 *          VT_E_MALFORMED as soon as the bytes cannot start a valid request (unknown
 *          magic, even a partial one; name length 0; a byte outside the name alphabet).
 *          On failure *out is untouched.
 */
VT_API VT_MUST_CHECK VT_NONNULL(3, 4) int vt_secretprov_request_parse(const uint8_t *buf,
                                                                      size_t len,
                                                                      vt_secretprov_request_t *out,
                                                                      size_t *req_len);

/** Writes the 41-byte header announcing a secret of size bytes (1..VT_SECRETPROV_SECRET_MAX).
 * @returns 0 or VT_E_INVALID_ARG for a size outside the range. */
VT_API VT_MUST_CHECK VT_NONNULL(2) int vt_secretprov_response_serialize(
    uint32_t size, uint8_t out[static VT_SECRETPROV_RESPONSE_HEADER_LEN]);

/** Writes the 41-byte refusal header with a non-zero reason.
 * @returns 0 or VT_E_INVALID_ARG for reason 0. */
VT_API VT_MUST_CHECK VT_NONNULL(2) int vt_secretprov_refusal_serialize(
    uint32_t reason, uint8_t out[static VT_SECRETPROV_RESPONSE_HEADER_LEN]);

/**
 * Parses exactly one 41-byte response header.
 * @returns 0 and fills *out; VT_E_TRUNCATED / VT_E_TRAILING_DATA for another length;
 *          VT_E_MALFORMED for an unknown magic, a secret size of 0 or a reason of 0;
 *          VT_E_TOO_LARGE for a secret size above VT_SECRETPROV_SECRET_MAX.
 *          On failure *out is untouched.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1,
                                3) int vt_secretprov_response_parse(const uint8_t *buf, size_t len,
                                                                    vt_secretprov_response_t *out);

/* ---- Servers list --------------------------------------------------------------- */

/*
 * The servers list of a secret provisioning client (Gramine's SECRET_PROVISION_SERVERS):
 * tokens separated by any of ',' ';' ' ' (empty tokens are ignored), each "host:port"
 * and tried in order.
 *   host   a DNS name or IPv4 address of [A-Za-z0-9._-] (1..253 bytes), or an IPv6
 *          literal in brackets, "[::1]:4433" (Gramine cannot express IPv6 literals);
 *   port   a decimal number 1..65535 or a service name of [A-Za-z0-9-] (at most 32 bytes;
 *          resolved by getaddrinfo, as Gramine does).
 * A token without a port ("host", "[::1]") is skipped, as Gramine skips it. A token that
 * cannot be a server at all (an empty host, port 0 or above 65535, a bad character, an
 * unbracketed IPv6 address, an unterminated bracket) makes the whole list invalid: Gramine
 * would try it and fail late; here the mistake is reported at once.
 */
#define VT_SECRETPROV_DEFAULT_SERVERS "localhost:4433"
#define VT_SECRETPROV_HOST_MAX        253
#define VT_SECRETPROV_PORT_MAX        32
#define VT_SECRETPROV_SERVERS_MAX     64

typedef struct {
    char host[VT_SECRETPROV_HOST_MAX + 1]; /* without the brackets of an IPv6 literal */
    char port[VT_SECRETPROV_PORT_MAX + 1];
    bool is_ipv6_literal;
} vt_secretprov_server_t;

/**
 * Parses a servers list.
 * @param out,count on success, a malloc'd array of *count (≥ 1) servers; free() it.
 * @returns 0; VT_E_INVALID_ARG with a detail quoting the bad token, or "no server with a
 *          port" when every token was skipped, or more than VT_SECRETPROV_SERVERS_MAX.
 */
VT_API VT_MUST_CHECK VT_NONNULL(1, 2,
                                3) int vt_secretprov_servers_parse(const char *list,
                                                                   vt_secretprov_server_t **out,
                                                                   size_t *count);

#ifdef __cplusplus
}
#endif
#endif
