/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the secret provisioning wire codec (src/secretprov/wire.c):
 * vt_secretprov_request_parse and vt_secretprov_response_parse. Whatever parses
 * serializes back to exactly the bytes it was parsed from; a truncated result always
 * asks for more than it was given; a parse over a longer buffer with the same prefix
 * gives the same answer. Aborts on any mismatch.
 */
#include <stdlib.h>
#include <string.h>
#include <veritee/secretprov.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_request(const uint8_t *data, size_t size)
{
    vt_secretprov_request_t req;
    size_t req_len = 0;
    int rc = vt_secretprov_request_parse(data, size, &req, &req_len);
    if (rc == VT_E_TRUNCATED) {
        if (req_len <= size || req_len > VT_SECRETPROV_REQUEST_MAX) abort();
        return;
    }
    if (rc != 0) {
        if (rc != VT_E_MALFORMED) abort();
        return;
    }
    if (req_len > size) abort();
    uint8_t out[VT_SECRETPROV_REQUEST_MAX];
    size_t out_len = 0;
    const char *name = req.kind == VT_SECRETPROV_REQ_NAMED ? req.name : NULL;
    if (strlen(req.name) != req.name_len) abort();
    if (vt_secretprov_request_serialize(name, out, sizeof(out), &out_len) != 0) abort();
    if (out_len != req_len || memcmp(out, data, out_len) != 0) abort();
    /* The prefix alone parses the same way. */
    vt_secretprov_request_t again;
    size_t again_len = 0;
    if (vt_secretprov_request_parse(data, req_len, &again, &again_len) != 0) abort();
    if (again_len != req_len || again.kind != req.kind || strcmp(again.name, req.name) != 0)
        abort();
}

static void check_response(const uint8_t *data, size_t size)
{
    vt_secretprov_response_t r;
    if (vt_secretprov_response_parse(data, size, &r) != 0) return;
    uint8_t out[VT_SECRETPROV_RESPONSE_HEADER_LEN];
    int rc = r.kind == VT_SECRETPROV_RESP_SECRET ? vt_secretprov_response_serialize(r.value, out)
                                                 : vt_secretprov_refusal_serialize(r.value, out);
    if (rc != 0 || size != sizeof(out) || memcmp(out, data, size) != 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_request(size ? data : NULL, size);
    check_response(data, size);
    return 0;
}
