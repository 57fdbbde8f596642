/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The configuration of veritee-secretd: a JSON file (format in veritee-secretd(8)),
 * read strictly. Every object has a fixed set of keys; an unknown key, a value of the
 * wrong type or out of range fails the load with the JSON path in the detail
 * ("config: $.rules[2].mrenclave: 31 bytes of hex, expected 32"). Relative file names
 * are taken relative to the directory of the configuration file.
 *
 * A loaded configuration holds the secret values themselves (sd_secret_t), so a
 * configuration is all a reload needs to swap in.
 */
#ifndef VT_SECRETD_CONFIG_H
#define VT_SECRETD_CONFIG_H

#include <veritee/collateral.h>
#include <veritee/common.h>
#include <veritee/secretprov.h>

#define SD_LISTEN_MAX       16
#define SD_HOST_MAX         256
#define SD_WORKERS_MAX      256
#define SD_ADVISORIES_MAX   64
#define SD_RULE_SECRETS_MAX 64
#define SD_MR_SGX_LEN       32
#define SD_MR_TDX_LEN       48

typedef struct {
    char host[SD_HOST_MAX];
    uint16_t port;
} sd_listen_t;

/* One named secret. value is owned, on the OpenSSL secure heap, wiped when freed. */
typedef struct {
    char name[VT_SECRETPROV_NAME_MAX + 1];
    uint8_t *value;     /* owned (secure heap) */
    size_t len;         /* 1..VT_SECRETPROV_SECRET_MAX */
    const char *origin; /* "string", "base64", "file" or "generate" (static) */
} sd_secret_t;

typedef enum {
    SD_ID_MRENCLAVE = 1, /* SGX: exactly this enclave */
    SD_ID_MRSIGNER = 2,  /* SGX: this signer, product, and at least this SVN */
    SD_ID_TDX = 3,       /* TDX: this MRTD and, optionally, RTMRs */
} sd_id_kind_t;

typedef struct {
    char name[64]; /* for log lines; "rule N" when the file gives none */
    sd_id_kind_t kind;
    uint8_t mr_enclave[SD_MR_SGX_LEN];
    uint8_t mr_signer[SD_MR_SGX_LEN];
    uint16_t isv_prod_id;
    uint16_t min_isv_svn;
    uint8_t mr_td[SD_MR_TDX_LEN];
    bool has_rtmr[4];
    uint8_t rtmr[4][SD_MR_TDX_LEN];
    uint32_t tcb_mask; /* bit (1u << vt_tcb_status_t) per accepted status */
    bool allow_debug;
    char **advisories; /* owned: accepted advisory IDs */
    size_t advisory_count;
    size_t secrets[SD_RULE_SECRETS_MAX]; /* indices into sd_config_t.secrets */
    size_t secret_count;
    size_t default_secret; /* index into sd_config_t.secrets (Gramine requests) */
} sd_rule_t;

typedef struct {
    char *path; /* owned: the file it was loaded from */
    sd_listen_t listen[SD_LISTEN_MAX];
    size_t listen_count;
    char *tls_cert; /* owned: PEM chain, leaf first */
    char *tls_key;  /* owned: PEM private key */
    char *root_ca;  /* owned, may be NULL (the built-in Intel root) */
    bool trust_simulated_root;
    char *collateral_dir; /* owned, may be NULL */
    char *pccs_url;       /* owned, may be NULL */
    char *pccs_ca_file;   /* owned, may be NULL (system trust store) */
    uint32_t handshake_timeout_ms;
    uint32_t idle_timeout_ms;
    uint32_t drain_timeout_ms;
    size_t workers; /* 0: one per core */
    size_t max_connections;
    size_t cache_capacity;
    uint32_t cache_ttl_s;
    char *access_log;     /* owned, NULL: standard error */
    char *seal_key_file;  /* owned, may be NULL (then no "generate" secret) */
    sd_secret_t *secrets; /* owned */
    size_t secret_count;
    sd_rule_t *rules; /* owned */
    size_t rule_count;
} sd_config_t;

/*
 * Loads and checks path, reads or generates every secret. On success the caller owns
 * *out (sd_config_free). Errors carry a detail starting with "config: " (or the name of
 * the file that could not be read).
 */
VT_MUST_CHECK int sd_config_load(const char *path, sd_config_t **out);

/* Frees a configuration and wipes its secrets. Accepts NULL. */
void sd_config_free(sd_config_t *c);

/* The index of the secret called name, or -1 (as a negative size_t: SIZE_MAX). */
size_t sd_config_find_secret(const sd_config_t *c, const char *name);

/* True if the two configurations listen on the same addresses, in the same order. */
bool sd_config_same_listen(const sd_config_t *a, const sd_config_t *b);

#endif
