/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The "secrets" object of the configuration: each named secret is given inline (a
 * string, sent with a terminating NUL as Gramine's constructor mode expects, or base64),
 * read from a file, or generated once (random bytes, sealed to a file under the sealing
 * key, seal.h, and read back from it on every later load).
 */
#ifndef VT_SECRETD_SECRETS_H
#define VT_SECRETD_SECRETS_H

#include <jansson.h>

#include "config.h"

/* Largest secret read from a file or generated. */
#define SD_SECRET_FILE_MAX     (64u * 1024 * 1024)
#define SD_SECRET_GENERATE_MAX (1u * 1024 * 1024)

/* Memory for a secret: the OpenSSL secure heap if it has room, else the normal heap.
   Release with sd_secret_value_free (wipes). */
uint8_t *sd_secret_value_alloc(size_t len);
void sd_secret_value_free(uint8_t *p, size_t len);

/* Reads $.secrets (v) into c->secrets; c->path and c->seal_key_file must be set. */
VT_MUST_CHECK int sd_secrets_load(const json_t *v, sd_config_t *c);

#endif
