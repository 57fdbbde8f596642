/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The secret provisioning client (inside the TEE): connects to the first reachable server
 * of a list, runs a TLS 1.3 handshake in which it presents a fresh RA-TLS certificate and
 * checks the server's certificate against a CA chain file and the server's host name,
 * then fetches the secret (gramine-compat.md §7, §8).
 */
#ifndef VT_SECRETPROV_CLIENT_H
#define VT_SECRETPROV_CLIENT_H

#include <veritee/ratls.h>

#include "secretprov/session.h"

/* Each server gets this long to accept the TCP connection (Gramine: the OS default). */
#define VT_SECRETPROV_CONNECT_TIMEOUT_S 10
/* The handshake and the first exchange must finish within this (then no timeout). */
#define VT_SECRETPROV_IO_TIMEOUT_S 60

typedef struct {
    const char *servers;       /* the servers list (veritee/secretprov.h) */
    const char *ca_chain_path; /* PEM file of the CA certificates the server chains to */
    vt_attester_t *attester;   /* borrowed: the source of a fresh RA-TLS certificate */
    EVP_PKEY *key;             /* or (not with attester) this RA-TLS key and certificate, */
    X509 *cert;                /* borrowed, e.g. made with vt_ratls_create_with */
    const vt_ratls_create_options_t *create; /* may be NULL */
    const char *secret_name;                 /* NULL: Gramine's request; else a named request */
    int connect_timeout_s;                   /* 0: VT_SECRETPROV_CONNECT_TIMEOUT_S */
} vt_secretprov_client_options_t;

/* How far vt_secretprov_client_start got (to tell a connection error from a later one). */
typedef enum {
    VT_SECRETPROV_STAGE_SETUP = 0, /* arguments, servers list, CA file, own certificate */
    VT_SECRETPROV_STAGE_CONNECT,   /* resolving and connecting */
    VT_SECRETPROV_STAGE_HANDSHAKE, /* TLS */
    VT_SECRETPROV_STAGE_EXCHANGE,  /* request and response */
} vt_secretprov_stage_t;

/**
 * Connects, authenticates and fetches the secret. On success *out holds the open session
 * with the secret in (*out)->secret; release it with vt_secretprov_session_free after
 * vt_secretprov_session_shutdown.
 * @returns 0; VT_E_INVALID_ARG (bad servers list, no CA path); VT_E_IO (the CA file);
 *          VT_E_NOT_FOUND (no server's name resolved: none reached), VT_E_NETWORK (a
 *          server resolved but none accepted the connection in time) — for both the
 *          detail names every server tried; VT_E_UNTRUSTED (the TLS handshake failed:
 *          the server's certificate or host name, or the server refused our RA-TLS
 *          certificate); the errors of the attester and of vt_secretprov_session_fetch.
 *          *stage (always written) says where it stopped.
 */
VT_MUST_CHECK int vt_secretprov_client_start(const vt_secretprov_client_options_t *opts,
                                             vt_secretprov_session_t **out,
                                             vt_secretprov_stage_t *stage);

#endif
