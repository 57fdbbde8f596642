/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for vt_sim_sigfile_parse and vt_sim_sigfile_serialize
 * (src/sim_identity/sigfile.c): every input that parses serializes back to exactly its
 * bytes, and the parsed view borrows only from the input. Aborts on any mismatch.
 */
#include <stdlib.h>
#include <string.h>
#include <veritee/sim_identity.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vt_sim_sigfile_t s, s2;
    uint8_t *out = NULL;
    size_t len = 0;

    if (vt_sim_sigfile_parse(data, size, &s) != 0) return 0;
    if (s.trusted_count > VT_SIM_TRUSTED_MAX || s.signed_len != size - VT_SIM_RSA_LEN) abort();
    for (size_t i = 0; i < s.trusted_count; i++) {
        const uint8_t *p = (const uint8_t *)s.trusted[i].path;
        if (p < data || p + s.trusted[i].path_len > data + size) abort();
    }
    if (vt_sim_sigfile_serialize(&s, &out, &len) != 0) abort();
    if (len != size || memcmp(out, data, len) != 0) abort();
    if (vt_sim_sigfile_parse(out, len, &s2) != 0) abort();
    if (memcmp(s.mr_enclave, s2.mr_enclave, 32) != 0 || s.trusted_count != s2.trusted_count)
        abort();
    free(out);
    return 0;
}
