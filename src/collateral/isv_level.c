/* SPDX-License-Identifier: Apache-2.0 */
/* ISV-SVN keyed TCB levels (dcap.md §4.3 tdxModuleIdentities, §4.4 enclave identity). */
#include "isv_level.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/error.h"
#include "json_field.h"

static int parse_level(const json_t *v, const char *what, unsigned allowed, vt_isv_level_t *l)
{
    json_t *tcb = NULL;
    uint64_t svn = 0;

    VT_ENSURE(json_is_object(v), VT_E_MALFORMED, "%s: not an object", what);
    VT_GUARD(vt_json_field_get_object(v, "tcb", what, &tcb));
    VT_GUARD(vt_json_field_get_uint(tcb, "isvsvn", what, UINT16_MAX, &svn));
    VT_GUARD(vt_json_field_get_time(v, "tcbDate", what, &l->tcb_date));
    VT_GUARD(vt_json_field_get_status(v, "tcbStatus", what, allowed, &l->status));
    VT_GUARD(vt_json_field_get_advisories(v, what, &l->advisory_ids, &l->advisory_count));
    l->isv_svn = (uint16_t)svn;
    return 0;
}

int vt_isv_level_parse_array(const json_t *obj, const char *what, unsigned allowed,
                             vt_isv_level_t **levels, size_t *count)
{
    int rc = VT_E_INTERNAL;
    json_t *arr = NULL;
    vt_isv_level_t *list = NULL;
    size_t n = 0;
    char path[160];

    VT_TRY(vt_json_field_get_array(obj, "tcbLevels", what, 1, &arr));
    size_t total = json_array_size(arr);
    VT_TRY_ALLOC(list, calloc(total, sizeof(*list)), "tcb levels");
    for (; n < total; n++) {
        snprintf(path, sizeof(path), "%s: tcbLevels[%zu]", what, n);
        /* A level that failed half-way may own advisory ids: count it so it is freed. */
        rc = parse_level(json_array_get(arr, n), path, allowed, &list[n]);
        if (rc < 0) {
            n++;
            goto out;
        }
    }
    *levels = list;
    *count = n;
    list = NULL;
    rc = 0;
out:
    vt_isv_level_free_array(list, n);
    return rc;
}

void vt_isv_level_free_array(vt_isv_level_t *levels, size_t count)
{
    if (levels == NULL) return;
    for (size_t i = 0; i < count; i++)
        vt_json_field_free_strings(levels[i].advisory_ids, levels[i].advisory_count);
    free(levels);
}
