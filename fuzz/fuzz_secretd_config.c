/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for veritee-secretd's configuration (src/secretd: config.c, config_json.c,
 * secrets.c, rules.c) and its sealed secret files (seal.c), both untrusted input.
 *
 * The first byte chooses:
 *   even  the rest is a configuration file, loaded with sd_config_load from a private
 *         directory that holds a sealing key ("seal.key") and a secret file
 *         ("secret.bin"), so "file" and "generate" secrets are reached. Inputs that
 *         could name a file outside that directory (a '/', written as such, as "\/" or
 *         as "\u002f") are skipped: a "generate" secret writes its sealed file. Files
 *         the load creates are removed after each input, so every run starts alike.
 *         A loaded configuration must satisfy what the daemon relies on.
 *   odd   the rest is a sealed secret file, opened with sd_unseal under a fixed key.
 *         Anything that opens must seal and open again to the same secret.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "seal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static char config_path[96];

static void write_file(const char *name, const void *content, size_t len)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, content, len) != (ssize_t)len || close(fd) != 0) abort();
}

/* Removes the directory when the fuzzer exits. */
static void teardown(void)
{
    static const char *const names[] = {"config.json", "seal.key", "secret.bin"};
    char path[128];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        (void)unlink(path);
    }
    (void)rmdir(dir);
}

static void setup(void)
{
    if (dir[0] != '\0') return;
    snprintf(dir, sizeof(dir), "/tmp/fuzz_secretd_config.XXXXXX");
    if (mkdtemp(dir) == NULL) abort();
    snprintf(config_path, sizeof(config_path), "%s/config.json", dir);
    write_file("seal.key", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
               65);
    write_file("secret.bin", "file secret", 11);
    atexit(teardown);
}

/* Removes what the previous input left: everything but the two fixed files. */
static void clean(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    if (d == NULL) abort();
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            strcmp(e->d_name, "seal.key") == 0 || strcmp(e->d_name, "secret.bin") == 0)
            continue;
        if (unlinkat(dirfd(d), e->d_name, 0) != 0) abort();
    }
    closedir(d);
}

static bool names_outside(const uint8_t *data, size_t size)
{
    if (memchr(data, '/', size) != NULL) return true;
    for (size_t i = 0; i + 6 <= size; i++)
        if (strncasecmp((const char *)data + i, "\\u002f", 6) == 0) return true;
    return false;
}

static void check_config(const sd_config_t *c)
{
    if (c->listen_count == 0 || c->listen_count > SD_LISTEN_MAX) abort();
    if (c->secret_count == 0 || c->rule_count == 0) abort();
    if (c->tls_cert == NULL || c->tls_key == NULL) abort();
    if ((c->collateral_dir != NULL) == (c->pccs_url != NULL)) abort();
    for (size_t i = 0; i < c->secret_count; i++) {
        const sd_secret_t *s = &c->secrets[i];
        if (s->value == NULL || s->len == 0 || s->len > VT_SECRETPROV_SECRET_MAX) abort();
        if (sd_config_find_secret(c, s->name) != i) abort();
    }
    for (size_t i = 0; i < c->rule_count; i++) {
        const sd_rule_t *r = &c->rules[i];
        bool is_default_listed = false;
        if (r->secret_count == 0 || r->secret_count > SD_RULE_SECRETS_MAX) abort();
        for (size_t j = 0; j < r->secret_count; j++) {
            if (r->secrets[j] >= c->secret_count) abort();
            is_default_listed |= r->secrets[j] == r->default_secret;
        }
        if (!is_default_listed) abort();
        if (r->tcb_mask & (1u << VT_TCB_REVOKED)) abort();
        if (r->kind != SD_ID_MRENCLAVE && r->kind != SD_ID_MRSIGNER && r->kind != SD_ID_TDX)
            abort();
        if (memchr(r->name, '\0', sizeof(r->name)) == NULL) abort();
    }
}

static void fuzz_config(const uint8_t *data, size_t size)
{
    sd_config_t *c = NULL;

    if (names_outside(data, size)) return;
    write_file("config.json", data, size);
    if (sd_config_load(config_path, &c) == 0) {
        check_config(c);
        sd_config_free(c);
    }
    clean();
}

static void fuzz_sealed(const uint8_t *data, size_t size)
{
    uint8_t key[SD_SEAL_KEY_LEN], *secret = NULL, *sealed = NULL, *again = NULL;
    size_t len = 0, sealed_len = 0, again_len = 0;

    memset(key, 0x5a, sizeof(key));
    if (sd_unseal(key, "s", data, size, &secret, &len) != 0) return;
    if (len == 0 || sd_seal(key, "s", secret, len, &sealed, &sealed_len) != 0) abort();
    if (sd_unseal(key, "s", sealed, sealed_len, &again, &again_len) != 0 || again_len != len ||
        memcmp(again, secret, len) != 0)
        abort();
    OPENSSL_secure_clear_free(secret, len);
    OPENSSL_secure_clear_free(again, again_len);
    free(sealed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    setup();
    if (data[0] & 1)
        fuzz_sealed(data + 1, size - 1);
    else
        fuzz_config(data + 1, size - 1);
    return 0;
}
