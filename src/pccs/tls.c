/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TLS for veritee-pccs: a plain server context, TLS 1.2 minimum, no renegotiation, no
 * compression, server cipher preference. The key is checked against the certificate at
 * start, so a mismatched pair fails before the service says it is listening.
 */
#include "tls.h"

#include "common/error.h"

int vt_tls_server_new(const char *cert_file, const char *key_file, SSL_CTX **out)
{
    int rc = VT_E_INTERNAL;
    SSL_CTX *ctx = NULL;

    VT_TRY_ALLOC(ctx, SSL_CTX_new(TLS_server_method()), "SSL_CTX");
    VT_TRY_OSSL(SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION), VT_E_CRYPTO,
                "tls: cannot require TLS 1.2");
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
                                 SSL_OP_CIPHER_SERVER_PREFERENCE);
    VT_TRY_OSSL(SSL_CTX_use_certificate_chain_file(ctx, cert_file), VT_E_IO,
                "tls: cannot load the certificate chain %s", cert_file);
    VT_TRY_OSSL(SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM), VT_E_IO,
                "tls: cannot load the private key %s", key_file);
    VT_TRY_OSSL(SSL_CTX_check_private_key(ctx), VT_E_INVALID_ARG,
                "tls: the key in %s does not match the certificate in %s", key_file, cert_file);
    *out = ctx;
    ctx = NULL;
    rc = 0;
out:
    SSL_CTX_free(ctx);
    return rc;
}
