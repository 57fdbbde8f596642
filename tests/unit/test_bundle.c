/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vt_collateral_load_dir: the vector file names, the optional PCK CRL chain, size caps;
 * vt_collateral_load_dir_for: TDX documents and per-CA PCK CRLs preferred when present.
 */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <veritee/collateral.h>

static const char *const files[] = {
    "tcb_info.json",    "tcb_info_issuer_chain.pem",
    "qe_identity.json", "qe_identity_issuer_chain.pem",
    "pck_crl.der",      "root_ca_crl.der",
};

static void assert_same_as_file(const char *vector, const char *file, const uint8_t *buf,
                                size_t len)
{
    uint8_t *want;
    size_t want_len;
    vt_test_read_vector(vector, file, &want, &want_len);
    assert_int_equal(len, want_len);
    assert_memory_equal(buf, want, len);
    assert_int_equal(buf[len], 0); /* NUL-terminated one past the end */
    free(want);
}

static void loads_every_vector(void **state)
{
    (void)state;
    for (size_t v = 0; vt_test_dcap_vectors[v] != NULL; v++) {
        const char *name = vt_test_dcap_vectors[v];
        char dir[4096];
        vt_collateral_t c;
        snprintf(dir, sizeof(dir), "%s", vt_test_vector_path(name, ""));
        vt_assert_ok(vt_collateral_load_dir(dir, &c));
        assert_same_as_file(name, "tcb_info.json", c.tcb_info, c.tcb_info_len);
        assert_same_as_file(name, "tcb_info_issuer_chain.pem", c.tcb_info_issuer_chain,
                            c.tcb_info_issuer_chain_len);
        assert_same_as_file(name, "qe_identity.json", c.qe_identity, c.qe_identity_len);
        assert_same_as_file(name, "qe_identity_issuer_chain.pem", c.qe_identity_issuer_chain,
                            c.qe_identity_issuer_chain_len);
        assert_same_as_file(name, "pck_crl.der", c.pck_crl, c.pck_crl_len);
        assert_same_as_file(name, "root_ca_crl.der", c.root_ca_crl, c.root_ca_crl_len);
        if (c.pck_crl_issuer_chain != NULL)
            assert_same_as_file(name, "pck_crl_issuer_chain.pem", c.pck_crl_issuer_chain,
                                c.pck_crl_issuer_chain_len);
        else
            assert_int_equal(c.pck_crl_issuer_chain_len, 0);
        vt_collateral_cleanup(&c);
        assert_null(c.tcb_info);
        vt_collateral_cleanup(&c); /* idempotent */
    }
    vt_collateral_cleanup(NULL);
}

/* A scratch copy of a vector directory, minus one file or with one file replaced. */
static void make_bundle(char *dir, size_t cap, const char *skip, const char *big)
{
    snprintf(dir, cap, "/tmp/vt-bundle-XXXXXX");
    assert_non_null(mkdtemp(dir));
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        if (skip != NULL && strcmp(files[i], skip) == 0) continue;
        uint8_t *buf;
        size_t len;
        char path[4200];
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        if (big != NULL && strcmp(files[i], big) == 0) {
            assert_int_equal(fseek(f, VT_COLLATERAL_JSON_MAX, SEEK_SET), 0);
            fputc(' ', f);
        } else {
            vt_test_read_vector("sgx-v3-dcaprs-tcbinfov2", files[i], &buf, &len);
            assert_int_equal(fwrite(buf, 1, len, f), len);
            free(buf);
        }
        fclose(f);
    }
}

static void remove_bundle(const char *dir)
{
    char path[4200];
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void names_a_missing_file(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char dir[64];
        vt_collateral_t c = {0};
        make_bundle(dir, sizeof(dir), files[i], NULL);
        vt_assert_rc(vt_collateral_load_dir(dir, &c), VT_E_NOT_FOUND);
        assert_non_null(strstr(vt_last_error(), files[i]));
        assert_null(c.tcb_info); /* untouched on failure */
        remove_bundle(dir);
    }
    vt_collateral_t c = {0};
    vt_assert_rc(vt_collateral_load_dir("/nonexistent/veritee", &c), VT_E_NOT_FOUND);
}

static void caps_file_sizes(void **state)
{
    (void)state;
    char dir[64];
    vt_collateral_t c = {0};
    make_bundle(dir, sizeof(dir), NULL, "qe_identity.json");
    vt_assert_rc(vt_collateral_load_dir(dir, &c), VT_E_TOO_LARGE);
    assert_non_null(strstr(vt_last_error(), "qe_identity.json"));
    remove_bundle(dir);
    /* Sanity: the same bundle without the oversized file loads. */
    make_bundle(dir, sizeof(dir), NULL, NULL);
    vt_assert_ok(vt_collateral_load_dir(dir, &c));
    assert_null(c.pck_crl_issuer_chain);
    vt_collateral_cleanup(&c);
    remove_bundle(dir);
}

/* Writes text as dir/name (a marker the test can recognize in the loaded collateral). */
static void put_file(const char *dir, const char *name, const char *text)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void drop_file(const char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    unlink(path);
}

/* vt_collateral_load_dir_for: TDX documents and per-CA PCK CRLs when present. */
static void load_dir_for_prefers_specific_files(void **state)
{
    (void)state;
    char dir[64];
    vt_collateral_t c = {0};
    make_bundle(dir, sizeof(dir), NULL, NULL);

    /* nothing specific present: the vector names, for any tee and CA */
    vt_assert_ok(vt_collateral_load_dir_for(dir, VT_TEE_TDX, "platform", &c));
    assert_null(strstr((const char *)c.tcb_info, "tdx-marker"));
    vt_collateral_cleanup(&c);

    put_file(dir, "tdx_tcb_info.json", "tdx-marker-tcb");
    put_file(dir, "tdx_qe_identity.json", "tdx-marker-qe");
    put_file(dir, "pck_crl_platform.der", "platform-crl");
    put_file(dir, "pck_crl_platform_issuer_chain.pem", "platform-chain");
    vt_assert_ok(vt_collateral_load_dir_for(dir, VT_TEE_TDX, "platform", &c));
    assert_string_equal((const char *)c.tcb_info, "tdx-marker-tcb");
    assert_string_equal((const char *)c.qe_identity, "tdx-marker-qe");
    assert_string_equal((const char *)c.pck_crl, "platform-crl");
    assert_string_equal((const char *)c.pck_crl_issuer_chain, "platform-chain");
    vt_collateral_cleanup(&c);

    /* SGX ignores the TDX files; another CA keeps the vector CRL */
    vt_assert_ok(vt_collateral_load_dir_for(dir, VT_TEE_SGX, "processor", &c));
    assert_null(strstr((const char *)c.tcb_info, "tdx-marker"));
    assert_true(c.pck_crl_len > 0 && c.pck_crl[0] == 0x30); /* the vector's DER */
    assert_null(c.pck_crl_issuer_chain);
    vt_collateral_cleanup(&c);

    /* vt_collateral_load_dir is unchanged: vector names only */
    vt_assert_ok(vt_collateral_load_dir(dir, &c));
    assert_null(strstr((const char *)c.tcb_info, "tdx-marker"));
    vt_collateral_cleanup(&c);

    /* a pck_ca that is not a CA name never reaches the file system */
    vt_assert_rc(vt_collateral_load_dir_for(dir, VT_TEE_SGX, "../platform", &c),
                 VT_E_INVALID_ARG);
    assert_null(c.tcb_info);
    static const char *const extra[] = {"tdx_tcb_info.json", "tdx_qe_identity.json",
                                        "pck_crl_platform.der",
                                        "pck_crl_platform_issuer_chain.pem"};
    for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) drop_file(dir, extra[i]);
    remove_bundle(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_every_vector),
        cmocka_unit_test(names_a_missing_file),
        cmocka_unit_test(caps_file_sizes),
        cmocka_unit_test(load_dir_for_prefers_specific_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
