/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Differential fuzzer: vt_pck_ext_parse (src/evidence/pck_ext.c, on the shared DER
 * reader src/common/der.c) against vt_pck_ext_ossl_parse, the reference parse through
 * OpenSSL's ASN.1 API (tests/lib/pck_ext_ossl.c, included below as WireGuard's fuzzers
 * include the code they need). Aborts unless:
 *   - whenever ours accepts, the reference accepts with an identical struct;
 *   - whenever the reference accepts, ours accepts. There are no documented strictness
 *     differences: both insist on DER (definite minimal lengths, minimal INTEGERs,
 *     primitive strings, BOOLEAN 00/FF), so acceptance must match exactly;
 *   - every rejection, on either side, is a parse error (VT_ET_PARSE).
 * Error codes may differ: each parser reports the first problem it meets, in its own order.
 * Mutations come from der_mutator.h (structure-aware) and from libFuzzer.
 */
#include "../tests/lib/pck_ext_ossl.c"

#include <stdlib.h>

#include "der_mutator.h"

static bool ext_equal(const vt_pck_ext_t *a, const vt_pck_ext_t *b)
{
    /* Field by field: struct padding is unspecified. */
    return memcmp(a->ppid, b->ppid, sizeof(a->ppid)) == 0 &&
           memcmp(a->comp_svn, b->comp_svn, sizeof(a->comp_svn)) == 0 && a->pce_svn == b->pce_svn &&
           memcmp(a->cpu_svn, b->cpu_svn, sizeof(a->cpu_svn)) == 0 &&
           memcmp(a->pce_id, b->pce_id, sizeof(a->pce_id)) == 0 &&
           memcmp(a->fmspc, b->fmspc, sizeof(a->fmspc)) == 0 && a->sgx_type == b->sgx_type &&
           a->has_platform_instance_id == b->has_platform_instance_id &&
           memcmp(a->platform_instance_id, b->platform_instance_id,
                  sizeof(a->platform_instance_id)) == 0 &&
           a->has_configuration == b->has_configuration &&
           a->has_dynamic_platform == b->has_dynamic_platform &&
           a->is_dynamic_platform == b->is_dynamic_platform &&
           a->has_cached_keys == b->has_cached_keys && a->is_cached_keys == b->is_cached_keys &&
           a->has_smt_enabled == b->has_smt_enabled && a->is_smt_enabled == b->is_smt_enabled;
}

static void check_failure(int rc, const char *who)
{
    if (vt_error_type(rc) == VT_ET_PARSE) return;
    fprintf(stderr, "%s: rc %s, expected a parse error: %s\n", who, vt_error_name(rc),
            vt_last_error());
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vt_pck_ext_t ours, ref;
    char ours_detail[1024];

    int rc_ours = vt_pck_ext_parse(data, size, &ours);
    snprintf(ours_detail, sizeof(ours_detail), "%s", vt_last_error());
    int rc_ref = vt_pck_ext_ossl_parse(data, size, &ref);

    if (rc_ours != 0) check_failure(rc_ours, "ours");
    if (rc_ref != 0) check_failure(rc_ref, "reference");
    if ((rc_ours == 0) != (rc_ref == 0)) {
        fprintf(stderr, "acceptance differs: ours %s (%s), reference %s (%s)\n",
                vt_error_name(rc_ours), rc_ours ? ours_detail : "", vt_error_name(rc_ref),
                rc_ref ? vt_last_error() : "");
        abort();
    }
    if (rc_ours == 0 && !ext_equal(&ours, &ref)) {
        fprintf(stderr, "both accept, values differ\n");
        abort();
    }
    return 0;
}
