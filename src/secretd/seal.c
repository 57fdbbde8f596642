/* SPDX-License-Identifier: Apache-2.0 */
/* AES-256-GCM sealing of generated secrets (seal.h). */
#include "seal.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <veritee/secretprov.h>

#include "common/cursor.h"
#include "common/error.h"
#include "secrets.h"

#define SEAL_MAGIC      "VTSDSEAL"
#define SEAL_MAGIC_LEN  8
#define SEAL_VERSION    1
#define SEAL_HEADER_LEN (SEAL_MAGIC_LEN + 1 + 4)
#define SEAL_NONCE_LEN  12
#define SEAL_TAG_LEN    16
/* Largest key file: 64 hex digits and a newline, plus one byte to detect more. */
#define KEY_FILE_READ_MAX 66

static int read_key_file(int fd, const char *path, uint8_t *buf, size_t *len)
{
    struct stat st;
    VT_ENSURE(fstat(fd, &st) == 0, VT_E_IO, "%s: %s", path, strerror(errno));
    VT_ENSURE(S_ISREG(st.st_mode), VT_E_IO, "%s: not a regular file", path);
    VT_ENSURE((st.st_mode & 077) == 0, VT_E_UNTRUSTED,
              "%s: mode %04o lets group or others read the sealing key, expected 0600", path,
              (unsigned)(st.st_mode & 07777));
    size_t got = 0;
    while (got < KEY_FILE_READ_MAX) {
        ssize_t n = read(fd, buf + got, KEY_FILE_READ_MAX - got);
        if (n < 0 && errno == EINTR) continue;
        VT_ENSURE(n >= 0, VT_E_IO, "%s: %s", path, strerror(errno));
        if (n == 0) break;
        got += (size_t)n;
    }
    *len = got;
    return 0;
}

static int parse_key(const uint8_t *buf, size_t len, const char *path,
                     uint8_t key[static SD_SEAL_KEY_LEN])
{
    if (len == SD_SEAL_KEY_LEN) {
        vt_cursor_t c;
        vt_cursor_init(&c, buf, len, "seal key");
        return vt_cursor_read_bytes(&c, key, SD_SEAL_KEY_LEN);
    }
    size_t hex_len = len;
    if (hex_len == 2 * SD_SEAL_KEY_LEN + 1 && buf[hex_len - 1] == '\n') hex_len--;
    VT_ENSURE(hex_len == 2 * SD_SEAL_KEY_LEN, VT_E_MALFORMED,
              "%s: %zu bytes, expected 32 bytes or 64 hex digits", path, len);
    if (vt_hex_decode((const char *)buf, hex_len, key, SD_SEAL_KEY_LEN) < 0)
        VT_BAIL(VT_E_MALFORMED, "%s: 64 characters that are not all hex digits", path);
    return 0;
}

int sd_seal_key_load(const char *path, uint8_t key[static SD_SEAL_KEY_LEN])
{
    int rc = VT_E_INTERNAL;
    uint8_t buf[KEY_FILE_READ_MAX];
    size_t len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

    if (fd < 0)
        VT_TRY_BAIL(errno == ENOENT ? VT_E_NOT_FOUND : VT_E_IO, "%s: %s", path, strerror(errno));
    VT_TRY(read_key_file(fd, path, buf, &len));
    VT_TRY(parse_key(buf, len, path, key));
    rc = 0;
out:
    OPENSSL_cleanse(buf, sizeof(buf));
    if (fd >= 0) close(fd);
    return rc;
}

static void write_header(uint8_t h[static SEAL_HEADER_LEN], uint32_t size)
{
    vt_writer_t w;
    vt_writer_init(&w, h, SEAL_HEADER_LEN);
    /* A fixed-size buffer exactly this large: the writes cannot fail. */
    if (vt_writer_bytes(&w, (const uint8_t *)SEAL_MAGIC, SEAL_MAGIC_LEN) < 0 ||
        vt_writer_u8(&w, SEAL_VERSION) < 0 || vt_writer_u32le(&w, size) < 0)
        abort();
}

/* One AES-256-GCM pass: enc 1 seals (tag written), enc 0 opens (tag checked). */
static int gcm(int enc, const uint8_t key[static SD_SEAL_KEY_LEN], const uint8_t *nonce,
               const uint8_t *header, const char *name, const uint8_t *in, size_t len, uint8_t *out,
               uint8_t tag[static SEAL_TAG_LEN])
{
    int rc = VT_E_INTERNAL;
    int n = 0;
    EVP_CIPHER_CTX *ctx = NULL;

    VT_TRY_ALLOC(ctx, EVP_CIPHER_CTX_new(), "a cipher context");
    VT_TRY_OSSL(EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc), VT_E_CRYPTO,
                "seal: aes-256-gcm");
    VT_TRY_OSSL(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, SEAL_NONCE_LEN, NULL), VT_E_CRYPTO,
                "seal: nonce length");
    VT_TRY_OSSL(EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc), VT_E_CRYPTO, "seal: key");
    VT_TRY_OSSL(EVP_CipherUpdate(ctx, NULL, &n, header, SEAL_HEADER_LEN), VT_E_CRYPTO,
                "seal: header");
    VT_TRY_OSSL(EVP_CipherUpdate(ctx, NULL, &n, (const uint8_t *)name, (int)strlen(name)),
                VT_E_CRYPTO, "seal: name");
    VT_TRY_OSSL(EVP_CipherUpdate(ctx, out, &n, in, (int)len), VT_E_CRYPTO, "seal: data");
    if (!enc)
        VT_TRY_OSSL(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SEAL_TAG_LEN, tag), VT_E_CRYPTO,
                    "seal: tag");
    if (EVP_CipherFinal_ex(ctx, out + n, &n) != 1) {
        OPENSSL_cleanse(out, len);
        VT_TRY_BAIL(enc ? VT_E_CRYPTO : VT_E_SIGNATURE,
                    enc ? "seal: aes-256-gcm failed"
                        : "sealed secret \"%s\": authentication failed (wrong key, renamed or "
                          "tampered file)",
                    name);
    }
    if (enc)
        VT_TRY_OSSL(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SEAL_TAG_LEN, tag), VT_E_CRYPTO,
                    "seal: tag");
    rc = 0;
out:
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}

int sd_seal(const uint8_t key[static SD_SEAL_KEY_LEN], const char *name, const uint8_t *secret,
            size_t len, uint8_t **out, size_t *out_len)
{
    int rc = VT_E_INTERNAL;
    uint8_t *buf = NULL;
    size_t total = SEAL_HEADER_LEN + SEAL_NONCE_LEN + len + SEAL_TAG_LEN;

    VT_TRY_ENSURE(len > 0 && len <= VT_SECRETPROV_SECRET_MAX, VT_E_INVALID_ARG,
                  "seal: secret of %zu bytes", len);
    VT_TRY_ALLOC(buf, malloc(total), "a sealed secret");
    write_header(buf, (uint32_t)len);
    uint8_t *nonce = buf + SEAL_HEADER_LEN;
    VT_TRY_OSSL(RAND_bytes(nonce, SEAL_NONCE_LEN), VT_E_CRYPTO, "seal: random nonce");
    VT_TRY(gcm(1, key, nonce, buf, name, secret, len, nonce + SEAL_NONCE_LEN,
               nonce + SEAL_NONCE_LEN + len));
    *out = buf;
    *out_len = total;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    return rc;
}

int sd_unseal(const uint8_t key[static SD_SEAL_KEY_LEN], const char *name, const uint8_t *in,
              size_t len, uint8_t **secret, size_t *secret_len)
{
    int rc = VT_E_INTERNAL;
    vt_cursor_t c;
    const uint8_t *header = NULL, *magic = NULL, *nonce = NULL, *ct = NULL;
    uint8_t version = 0, tag[SEAL_TAG_LEN];
    uint32_t size = 0;
    uint8_t *pt = NULL;

    vt_cursor_init(&c, in, len, "sealed secret");
    VT_TRY(vt_cursor_borrow(&c, SEAL_MAGIC_LEN, &magic));
    VT_TRY_ENSURE(CRYPTO_memcmp(magic, SEAL_MAGIC, SEAL_MAGIC_LEN) == 0, VT_E_MALFORMED,
                  "sealed secret \"%s\": not a sealed secret file (bad magic)", name);
    VT_TRY(vt_cursor_read_u8(&c, &version));
    VT_TRY_ENSURE(version == SEAL_VERSION, VT_E_UNSUPPORTED,
                  "sealed secret \"%s\": version %u, expected %u", name, version, SEAL_VERSION);
    VT_TRY(vt_cursor_read_u32le(&c, &size));
    VT_TRY_ENSURE(size > 0 && size <= VT_SECRETPROV_SECRET_MAX, VT_E_MALFORMED,
                  "sealed secret \"%s\": size %u", name, size);
    header = in; /* the 13 bytes just read */
    VT_TRY(vt_cursor_borrow(&c, SEAL_NONCE_LEN, &nonce));
    VT_TRY(vt_cursor_borrow(&c, size, &ct));
    VT_TRY(vt_cursor_read_bytes(&c, tag, SEAL_TAG_LEN));
    VT_TRY(vt_cursor_expect_end(&c));
    /* Like every secret value: the secure heap if it has room, else the normal heap (a
       full secure heap must not fail a load that the first, generating one passed). */
    VT_TRY_ALLOC(pt, sd_secret_value_alloc(size), "a secret");
    VT_TRY(gcm(0, key, nonce, header, name, ct, size, pt, tag));
    *secret = pt;
    *secret_len = size;
    pt = NULL;
    rc = 0;
out:
    sd_secret_value_free(pt, size);
    return rc;
}
