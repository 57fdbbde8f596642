/* SPDX-License-Identifier: Apache-2.0 */
/* The "secrets" object of the configuration (secrets.h). */
#include "secrets.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "common/cursor.h"
#include "common/error.h"
#include "common/file.h"
#include "config_json.h"
#include "seal.h"

static const char *const secret_keys[] = {"string",   "base64",      "file",
                                          "generate", "sealed_file", NULL};

uint8_t *sd_secret_value_alloc(size_t len)
{
    uint8_t *p = OPENSSL_secure_malloc(len);
    if (p == NULL) {
        ERR_clear_error();
        p = OPENSSL_malloc(len);
    }
    return p;
}

void sd_secret_value_free(uint8_t *p, size_t len)
{
    /* Wipes, and frees from whichever heap p came from. */
    if (p != NULL) OPENSSL_secure_clear_free(p, len);
}

static int set_value(sd_secret_t *s, const uint8_t *data, size_t len, const char *path)
{
    VT_ENSURE(len > 0, VT_E_INVALID_ARG, "config: %s: the secret is empty", path);
    s->value = sd_secret_value_alloc(len);
    VT_ENSURE(s->value != NULL, VT_E_NOMEM, "config: %s: out of memory", path);
    vt_writer_t w;
    vt_writer_init(&w, s->value, len);
    s->len = len;
    return vt_writer_bytes(&w, data, len);
}

/* Strict base64 (RFC 4648 with padding, no whitespace) through OpenSSL. */
static int from_base64(sd_secret_t *s, const char *text, const char *path)
{
    int rc = VT_E_INTERNAL;
    size_t n = strlen(text);
    uint8_t *buf = NULL;
    int got = 0;

    VT_TRY_ENSURE(n > 0 && n % 4 == 0 && n <= (size_t)SD_SECRET_FILE_MAX, VT_E_INVALID_ARG,
                  "config: %s: base64 of %zu characters, expected a multiple of 4", path, n);
    for (size_t i = 0; i < n; i++) {
        char ch = text[i];
        bool is_pad = ch == '=' && (i == n - 1 || (i == n - 2 && text[n - 1] == '='));
        VT_TRY_ENSURE((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                          (ch >= '0' && ch <= '9') || ch == '+' || ch == '/' || is_pad,
                      VT_E_INVALID_ARG, "config: %s: character %zu is not base64", path, i + 1);
    }
    VT_TRY_ALLOC(buf, sd_secret_value_alloc(n / 4 * 3), "a secret");
    got = EVP_DecodeBlock(buf, (const unsigned char *)text, (int)n);
    VT_TRY_ENSURE(got >= 0, VT_E_INVALID_ARG, "config: %s: invalid base64", path);
    /* EVP_DecodeBlock counts padding as zero bytes. */
    got -= (text[n - 1] == '=') + (text[n - 2] == '=');
    VT_TRY(set_value(s, buf, (size_t)got, path));
    rc = 0;
out:
    sd_secret_value_free(buf, n / 4 * 3);
    return rc;
}

static int from_file(sd_secret_t *s, const sd_config_t *c, const char *name, const char *path)
{
    int rc = VT_E_INTERNAL;
    char *file = NULL;
    uint8_t *data = NULL;
    size_t len = 0;

    VT_TRY(sd_path_resolve(c->path, name, &file));
    rc = vt_file_read(file, SD_SECRET_FILE_MAX, &data, &len);
    if (rc < 0) {
        rc = vt_error_wrap(rc, "config: %s", path);
        goto out;
    }
    VT_TRY(set_value(s, data, len, path));
    rc = 0;
out:
    if (data != NULL) OPENSSL_clear_free(data, len + 1);
    free(file);
    return rc;
}

/* Reads the sealed file, or makes the secret and seals it to the file. */
static int from_generate(sd_secret_t *s, const sd_config_t *c, uint64_t size,
                         const char *sealed_name, const char *path)
{
    int rc = VT_E_INTERNAL;
    uint8_t key[SD_SEAL_KEY_LEN];
    char *file = NULL;
    uint8_t *sealed = NULL;
    size_t sealed_len = 0;

    VT_TRY_ENSURE(c->seal_key_file != NULL, VT_E_INVALID_ARG,
                  "config: %s: \"generate\" needs $.seal_key_file", path);
    VT_TRY_ENSURE(sealed_name != NULL, VT_E_INVALID_ARG,
                  "config: %s: \"generate\" needs \"sealed_file\"", path);
    rc = sd_seal_key_load(c->seal_key_file, key);
    if (rc < 0) {
        rc = vt_error_wrap(rc, "config: $.seal_key_file");
        goto out;
    }
    VT_TRY(sd_path_resolve(c->path, sealed_name, &file));
    rc = vt_file_read(file, SD_SECRET_GENERATE_MAX + 64, &sealed, &sealed_len);
    if (rc == VT_E_NOT_FOUND) {
        VT_TRY_ALLOC(s->value, sd_secret_value_alloc(size), "a secret");
        s->len = size;
        VT_TRY_OSSL(RAND_priv_bytes(s->value, (int)size), VT_E_CRYPTO, "config: random bytes");
        VT_TRY(sd_seal(key, s->name, s->value, s->len, &sealed, &sealed_len));
        VT_TRY(vt_file_write_atomic(file, sealed, sealed_len, 0600));
    } else if (rc < 0) {
        rc = vt_error_wrap(rc, "config: %s.sealed_file", path);
        goto out;
    } else {
        rc = sd_unseal(key, s->name, sealed, sealed_len, &s->value, &s->len);
        if (rc < 0) {
            rc = vt_error_wrap(rc, "config: %s.sealed_file %s", path, file);
            goto out;
        }
        VT_TRY_ENSURE(s->len == size, VT_E_INVALID_ARG,
                      "config: %s: %s holds %zu bytes, but \"generate\" asks for %llu (remove "
                      "the file to generate a new secret)",
                      path, file, s->len, (unsigned long long)size);
    }
    rc = 0;
out:
    OPENSSL_cleanse(key, sizeof(key));
    free(sealed);
    free(file);
    return rc;
}

static int load_one(const char *name, const json_t *v, sd_secret_t *s, const sd_config_t *c)
{
    char path[SD_PATH_MAX];
    const char *text = NULL, *b64 = NULL, *file = NULL, *sealed = NULL;
    uint64_t generate = 0;

    sd_path_key(path, "$.secrets", name);
    VT_ENSURE(vt_secretprov_name_validate(name, strlen(name)) == 0, VT_E_INVALID_ARG,
              "config: %s: invalid secret name (1 to 255 of A-Z a-z 0-9 . _ -, starting with a "
              "letter or digit)",
              path);
    snprintf(s->name, sizeof(s->name), "%s", name);
    VT_GUARD(sd_json_object(v, path, secret_keys));
    VT_GUARD(sd_json_string(v, path, "string", false, &text));
    VT_GUARD(sd_json_string(v, path, "base64", false, &b64));
    VT_GUARD(sd_json_string(v, path, "file", false, &file));
    VT_GUARD(sd_json_uint(v, path, "generate", false, 1, SD_SECRET_GENERATE_MAX, &generate));
    VT_GUARD(sd_json_string(v, path, "sealed_file", false, &sealed));
    int sources = (text != NULL) + (b64 != NULL) + (file != NULL) + (generate != 0);
    VT_ENSURE(sources == 1, VT_E_INVALID_ARG,
              "config: %s: give exactly one of \"string\", \"base64\", \"file\", \"generate\"",
              path);
    VT_ENSURE(sealed == NULL || generate != 0, VT_E_INVALID_ARG,
              "config: %s: \"sealed_file\" belongs to \"generate\"", path);
    if (text != NULL) {
        s->origin = "string";
        return set_value(s, (const uint8_t *)text, strlen(text) + 1, path);
    }
    if (b64 != NULL) {
        s->origin = "base64";
        return from_base64(s, b64, path);
    }
    if (file != NULL) {
        s->origin = "file";
        return from_file(s, c, file, path);
    }
    s->origin = "generate";
    return from_generate(s, c, generate, sealed, path);
}

int sd_secrets_load(const json_t *v, sd_config_t *c)
{
    const char *name;
    json_t *item;

    VT_ENSURE(json_is_object(v), VT_E_INVALID_ARG, "config: $.secrets: expected an object");
    VT_ENSURE(json_object_size(v) > 0, VT_E_INVALID_ARG, "config: $.secrets: no secret defined");
    c->secrets = calloc(json_object_size(v), sizeof(*c->secrets));
    VT_ENSURE(c->secrets != NULL, VT_E_NOMEM, "config: out of memory");
    json_object_foreach ((json_t *)v, name, item) {
        sd_secret_t *s = &c->secrets[c->secret_count++];
        VT_GUARD(load_one(name, item, s, c));
    }
    return 0;
}
