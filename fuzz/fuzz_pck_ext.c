/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzzes vt_pck_ext_parse and vt_pck_ext_from_cert_der (src/evidence/pck_ext.c) on
 * arbitrary bytes, taken both as an extension value and as a DER certificate. Every
 * extension that parses must serialize, and the serialization must parse to the same
 * struct (and, since only DER in Intel's item order is canonical, to the same bytes
 * when the input was in that order: checked by serializing twice).
 */
#include <stdlib.h>
#include <string.h>
#include <veritee/evidence.h>

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

static void round_trip(const vt_pck_ext_t *e)
{
    vt_pck_ext_t back;
    uint8_t *out = NULL, *out2 = NULL;
    size_t len = 0, len2 = 0;
    if (vt_pck_ext_serialize(e, &out, &len) != 0) abort();
    if (vt_pck_ext_parse(out, len, &back) != 0) abort();
    if (!ext_equal(e, &back)) abort();
    if (vt_pck_ext_serialize(&back, &out2, &len2) != 0) abort();
    if (len != len2 || memcmp(out, out2, len) != 0) abort();
    free(out);
    free(out2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vt_pck_ext_t e;
    int rc;

    rc = vt_pck_ext_parse(data, size, &e);
    if (rc == 0)
        round_trip(&e);
    else if (vt_error_type(rc) != VT_ET_PARSE)
        abort();

    rc = vt_pck_ext_from_cert_der(data, size, &e);
    if (rc == 0)
        round_trip(&e);
    else if (vt_error_type(rc) != VT_ET_PARSE)
        abort();
    return 0;
}
