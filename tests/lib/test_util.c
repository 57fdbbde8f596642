/* SPDX-License-Identifier: Apache-2.0 */
#include "test_util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/file.h"

const char *const vt_test_dcap_vectors[] = {
    "sgx-v3-dcaprs-tcbinfov2",     "sgx-v3-phala-processorca",
    "tdx-v4-dcaprs-00806f050000",  "tdx-v4-gotdx-spr-notcblevel",
    "tdx-v4-phala-uptodate",       "tdx-v5-alibaba-automata0625",
    NULL,
};

const char *vt_test_vector_path(const char *vector, const char *file)
{
    static _Thread_local char path[4096];
    const char *dir = getenv("VT_VECTORS_DIR");
    snprintf(path, sizeof(path), "%s/%s/%s", dir ? dir : "tests/vectors", vector, file);
    return path;
}

int vt_test_try_read_vector(const char *vector, const char *file, uint8_t **buf, size_t *len)
{
    return vt_file_read(vt_test_vector_path(vector, file), 16 * 1024 * 1024, buf, len);
}

void vt_test_read_vector(const char *vector, const char *file, uint8_t **buf, size_t *len)
{
    int rc = vt_test_try_read_vector(vector, file, buf, len);
    if (rc != 0) {
        print_error("cannot read %s: %s\n", vt_test_vector_path(vector, file), vt_last_error());
        fail();
    }
}

void vt_test_read_expected(const char *vector, vt_test_expected_t *out)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    json_error_t err;

    memset(out, 0, sizeof(*out));
    vt_test_read_vector(vector, "expected.json", &buf, &len);
    json_t *root = json_loadb((const char *)buf, len, 0, &err);
    free(buf);
    assert_non_null(root);
    const char *t = json_string_value(json_object_get(root, "verify_time"));
    assert_non_null(t);
    assert_int_equal(vt_time_parse(t, &out->verify_time), 0);
    const char *s = json_string_value(json_object_get(root, "expected_tcb_status"));
    assert_non_null(s);
    snprintf(out->tcb_status, sizeof(out->tcb_status), "%s", s);
    json_t *ids = json_object_get(root, "expected_advisory_ids");
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        assert_true(i < 16);
        snprintf(out->advisory_ids[i], sizeof(out->advisory_ids[i]), "%s", json_string_value(v));
        out->advisory_count = i + 1;
    }
    out->quote_version = (int)json_integer_value(json_object_get(root, "quote_version"));
    const char *tee = json_string_value(json_object_get(root, "tee_type"));
    snprintf(out->tee, sizeof(out->tee), "%s", tee ? tee : "");
    const char *fmspc = json_string_value(json_object_get(root, "fmspc"));
    snprintf(out->fmspc, sizeof(out->fmspc), "%s", fmspc ? fmspc : "");
    json_decref(root);
}
