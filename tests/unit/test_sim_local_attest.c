/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated EREPORT / EGETKEY (src/sim/local_attest.c, src/sim/egetkey.c): a report
 * for a target verifies by that target only, on that platform only, and not once any
 * byte is changed; sealing keys are stable across loads and bound to what sim.h says.
 * Two known-answer tests recompute a sealing key and a report MAC from the layout
 * documented in veritee/sim.h with OpenSSL directly, so the documentation is checked.
 */
#define _XOPEN_SOURCE 700
#include "test_util.h"

#include <ftw.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <stdio.h>
#include <string.h>
#include <veritee/sim.h>

#include "common/file.h"

typedef struct {
    char dir[64];
    vt_sim_platform_t *p0, *p1;
    /* A and B: one signer, same ISVPRODID/ISVSVN, different MRENCLAVE. C: another signer. */
    vt_sgx_report_body_t a, b, c;
    uint8_t key_id[VT_SGX_KEY_ID_LEN];
} fixture_t;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void identity(vt_sgx_report_body_t *id, uint8_t enclave, uint8_t signer)
{
    *id = (vt_sgx_report_body_t){.isv_prod_id = 7, .isv_svn = 3, .misc_select = 0};
    id->attributes[0] = (uint8_t)(VT_SGX_FLAG_INIT | VT_SGX_FLAG_MODE64BIT);
    id->attributes[8] = 0x03; /* xfrm */
    memset(id->mr_enclave, enclave, sizeof(id->mr_enclave));
    memset(id->mr_signer, signer, sizeof(id->mr_signer));
}

static int group_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    if (f == NULL) return 1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/vt_sim_la_XXXXXX");
    vt_sim_init_options_t o = {.platform_count = 2, .tcb_status = VT_TCB_UP_TO_DATE};
    if (mkdtemp(f->dir) == NULL || vt_sim_init(f->dir, &o) != 0 ||
        vt_sim_platform_load(f->dir, 0, &f->p0) != 0 ||
        vt_sim_platform_load(f->dir, 1, &f->p1) != 0) {
        fprintf(stderr, "setup: %s\n", vt_last_error());
        return 1;
    }
    identity(&f->a, 0xa1, 0x51);
    identity(&f->b, 0xb2, 0x51);
    identity(&f->c, 0xc3, 0x52);
    memset(f->key_id, 0x4b, sizeof(f->key_id));
    *state = f;
    return 0;
}

static int group_teardown(void **state)
{
    fixture_t *f = *state;
    vt_sim_platform_free(f->p0);
    vt_sim_platform_free(f->p1);
    nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

static void report_data_of(uint8_t rd[VT_REPORT_DATA_LEN])
{
    for (size_t i = 0; i < VT_REPORT_DATA_LEN; i++) rd[i] = (uint8_t)(0x80 + i);
}

/* A's report for target `to` on platform p. */
static void make_report(const fixture_t *f, const vt_sim_platform_t *p,
                        const vt_sgx_report_body_t *to, uint8_t out[VT_SGX_REPORT_LEN])
{
    uint8_t ti[VT_SGX_TARGET_INFO_LEN], rd[VT_REPORT_DATA_LEN];
    vt_sim_target_info_get(to, ti);
    report_data_of(rd);
    vt_assert_ok(vt_sim_report_create(p, &f->a, ti, rd, f->key_id, out));
}

static void report_verifies_by_its_target_only(void **state)
{
    fixture_t *f = *state;
    uint8_t report[VT_SGX_REPORT_LEN];
    vt_sgx_report_body_t got;
    make_report(f, f->p0, &f->b, report);

    vt_assert_ok(vt_sim_report_verify(f->p0, &f->b, report, &got));
    assert_memory_equal(got.mr_enclave, f->a.mr_enclave, VT_SGX_MEASUREMENT_LEN);
    vt_assert_ok(vt_sim_report_verify(f->p0, &f->b, report, NULL));

    memset(&got, 0xee, sizeof(got));
    vt_assert_rc(vt_sim_report_verify(f->p0, &f->c, report, &got), VT_E_SIGNATURE);
    assert_non_null(strstr(vt_last_error(), "report MAC does not verify"));
    assert_int_equal(got.isv_svn, 0xeeee); /* untouched on failure */
    vt_assert_rc(vt_sim_report_verify(f->p0, &f->a, report, NULL), VT_E_SIGNATURE);
    /* The target on another platform cannot verify it either. */
    vt_assert_rc(vt_sim_report_verify(f->p1, &f->b, report, NULL), VT_E_SIGNATURE);
    /* A report for A (its own target info) verifies by A. */
    make_report(f, f->p0, &f->a, report);
    vt_assert_ok(vt_sim_report_verify(f->p0, &f->a, report, NULL));
    vt_assert_rc(vt_sim_report_verify(f->p0, &f->b, report, NULL), VT_E_SIGNATURE);
}

static void every_flipped_byte_fails(void **state)
{
    fixture_t *f = *state;
    uint8_t report[VT_SGX_REPORT_LEN];
    make_report(f, f->p0, &f->b, report);
    /* body (reserved bytes included), key_id and mac */
    for (size_t i = 0; i < VT_SGX_REPORT_LEN; i++) {
        report[i] ^= 0x01;
        vt_assert_rc(vt_sim_report_verify(f->p0, &f->b, report, NULL), VT_E_SIGNATURE);
        report[i] ^= 0x01;
    }
    vt_assert_ok(vt_sim_report_verify(f->p0, &f->b, report, NULL));
}

static void body_fields_are_where_they_must_be(void **state)
{
    fixture_t *f = *state;
    uint8_t report[VT_SGX_REPORT_LEN], rd[VT_REPORT_DATA_LEN];
    vt_pck_ext_t pck;
    vt_sgx_report_t r;
    make_report(f, f->p0, &f->b, report);
    report_data_of(rd);
    vt_sim_platform_get_pck_ext(f->p0, &pck);

    assert_memory_equal(report + 0, pck.cpu_svn, VT_CPUSVN_LEN);        /* CPUSVN @0 */
    assert_memory_equal(report + 48, f->a.attributes, 16);              /* ATTRIBUTES @48 */
    assert_memory_equal(report + 64, f->a.mr_enclave, 32);              /* MRENCLAVE @64 */
    assert_memory_equal(report + 128, f->a.mr_signer, 32);              /* MRSIGNER @128 */
    assert_int_equal(report[256] | report[257] << 8, f->a.isv_prod_id); /* @256 */
    assert_int_equal(report[258] | report[259] << 8, f->a.isv_svn);     /* @258 */
    assert_memory_equal(report + 320, rd, VT_REPORT_DATA_LEN);          /* REPORTDATA @320 */
    assert_memory_equal(report + 384, f->key_id, VT_SGX_KEY_ID_LEN);    /* KEYID @384 */
    vt_assert_ok(vt_sgx_report_parse(report, sizeof(report), &r));
    assert_memory_equal(r.body.report_data, rd, VT_REPORT_DATA_LEN);

    /* CPUSVN and REPORTDATA of self are replaced; its reserved bytes never leak. */
    vt_sgx_report_body_t noisy = f->a;
    memset(noisy.cpu_svn, 0x99, sizeof(noisy.cpu_svn));
    memset(noisy.reserved1, 0x99, sizeof(noisy.reserved1));
    memset(noisy.reserved4, 0x99, sizeof(noisy.reserved4));
    memset(noisy.report_data, 0x99, sizeof(noisy.report_data));
    uint8_t ti[VT_SGX_TARGET_INFO_LEN], again[VT_SGX_REPORT_LEN];
    vt_sim_target_info_get(&f->b, ti);
    vt_assert_ok(vt_sim_report_create(f->p0, &noisy, ti, rd, f->key_id, again));
    assert_memory_equal(again, report, sizeof(report));

    /* Another platform reports its own CPUSVN. */
    vt_pck_ext_t pck1;
    vt_sim_platform_get_pck_ext(f->p1, &pck1);
    make_report(f, f->p1, &f->b, again);
    assert_memory_equal(again, pck1.cpu_svn, VT_CPUSVN_LEN);
    vt_assert_ok(vt_sim_report_verify(f->p1, &f->b, again, NULL));
}

static void key_id_is_carried_and_bound(void **state)
{
    fixture_t *f = *state;
    uint8_t r1[VT_SGX_REPORT_LEN], r2[VT_SGX_REPORT_LEN], ti[VT_SGX_TARGET_INFO_LEN];
    uint8_t rd[VT_REPORT_DATA_LEN], other_id[VT_SGX_KEY_ID_LEN];
    make_report(f, f->p0, &f->b, r1);
    vt_sim_target_info_get(&f->b, ti);
    report_data_of(rd);
    memset(other_id, 0x22, sizeof(other_id));
    vt_assert_ok(vt_sim_report_create(f->p0, &f->a, ti, rd, other_id, r2));
    assert_memory_equal(r2 + 384, other_id, sizeof(other_id));
    assert_memory_not_equal(r1 + 416, r2 + 416, VT_SGX_REPORT_MAC_LEN);
    vt_assert_ok(vt_sim_report_verify(f->p0, &f->b, r2, NULL));
}

static void target_info_round_trips_and_binds(void **state)
{
    fixture_t *f = *state;
    vt_sgx_report_body_t t = f->b;
    t.config_svn = 0x0102;
    t.misc_select = 0x0a0b0c0d;
    memset(t.config_id, 0xc1, sizeof(t.config_id));
    memset(t.isv_family_id, 0x77, sizeof(t.isv_family_id)); /* not part of target info */
    uint8_t ti[VT_SGX_TARGET_INFO_LEN], back[VT_SGX_TARGET_INFO_LEN];
    vt_sgx_target_info_t parsed;
    vt_sim_target_info_get(&t, ti);
    vt_assert_ok(vt_sgx_target_info_parse(ti, sizeof(ti), &parsed));
    assert_memory_equal(parsed.mr_enclave, t.mr_enclave, VT_SGX_MEASUREMENT_LEN);
    assert_memory_equal(parsed.attributes, t.attributes, 16);
    assert_int_equal(parsed.config_svn, 0x0102);
    assert_int_equal(parsed.misc_select, 0x0a0b0c0d);
    assert_memory_equal(parsed.config_id, t.config_id, 64);
    for (size_t i = 128; i < sizeof(ti); i++) assert_int_equal(ti[i], 0);
    assert_int_equal(ti[48] | ti[49] | ti[56], 0);
    vt_sgx_target_info_serialize(&parsed, back);
    assert_memory_equal(back, ti, sizeof(ti));

    /* A report made for t verifies by t, not by t with another CONFIGSVN, MISCSELECT,
     * CONFIGID or ATTRIBUTES: each is an input of the report key. */
    uint8_t rd[VT_REPORT_DATA_LEN] = {0}, report[VT_SGX_REPORT_LEN];
    vt_assert_ok(vt_sim_report_create(f->p0, &f->a, ti, rd, f->key_id, report));
    vt_assert_ok(vt_sim_report_verify(f->p0, &t, report, NULL));
    vt_sgx_report_body_t v = t;
    v.config_svn ^= 1;
    vt_assert_rc(vt_sim_report_verify(f->p0, &v, report, NULL), VT_E_SIGNATURE);
    v = t;
    v.misc_select ^= 1;
    vt_assert_rc(vt_sim_report_verify(f->p0, &v, report, NULL), VT_E_SIGNATURE);
    v = t;
    v.config_id[63] ^= 1;
    vt_assert_rc(vt_sim_report_verify(f->p0, &v, report, NULL), VT_E_SIGNATURE);
    v = t;
    v.attributes[8] ^= 0x04; /* xfrm */
    vt_assert_rc(vt_sim_report_verify(f->p0, &v, report, NULL), VT_E_SIGNATURE);
    v = t;
    v.attributes[0] ^= (uint8_t)VT_SGX_FLAG_DEBUG;
    vt_assert_rc(vt_sim_report_verify(f->p0, &v, report, NULL), VT_E_SIGNATURE);

    /* Reserved bytes of the target info are ignored, as EREPORT ignores them. */
    uint8_t noisy[VT_SGX_TARGET_INFO_LEN], r2[VT_SGX_REPORT_LEN];
    memcpy(noisy, ti, sizeof(ti));
    noisy[48] = noisy[60] = noisy[300] = 0xff;
    vt_assert_ok(vt_sim_report_create(f->p0, &f->a, noisy, rd, f->key_id, r2));
    assert_memory_equal(r2, report, sizeof(report));
}

static void seal(const vt_sim_platform_t *p, const vt_sgx_report_body_t *id,
                 vt_sim_key_policy_t policy, uint8_t out[VT_SEALING_KEY_LEN])
{
    vt_assert_ok(vt_sim_seal_key_get(p, id, policy, out));
}

static void seal_keys_are_stable_across_loads(void **state)
{
    fixture_t *f = *state;
    uint8_t k1[VT_SEALING_KEY_LEN], k2[VT_SEALING_KEY_LEN];
    uint8_t s1[VT_SEALING_KEY_LEN], s2[VT_SEALING_KEY_LEN];
    vt_sim_platform_t *again = NULL;
    seal(f->p0, &f->a, VT_SIM_KEY_POLICY_MRENCLAVE, k1);
    seal(f->p0, &f->a, VT_SIM_KEY_POLICY_MRSIGNER, s1);
    vt_assert_ok(vt_sim_platform_load(f->dir, 0, &again));
    seal(again, &f->a, VT_SIM_KEY_POLICY_MRENCLAVE, k2);
    seal(again, &f->a, VT_SIM_KEY_POLICY_MRSIGNER, s2);
    vt_sim_platform_free(again);
    assert_memory_equal(k1, k2, sizeof(k1));
    assert_memory_equal(s1, s2, sizeof(s1));
    assert_memory_not_equal(k1, s1, sizeof(k1)); /* the policies give different keys */
}

static void seal_keys_follow_the_policy(void **state)
{
    fixture_t *f = *state;
    uint8_t ea[VT_SEALING_KEY_LEN], eb[VT_SEALING_KEY_LEN], ec[VT_SEALING_KEY_LEN];
    uint8_t sa[VT_SEALING_KEY_LEN], sb[VT_SEALING_KEY_LEN], sc[VT_SEALING_KEY_LEN];
    seal(f->p0, &f->a, VT_SIM_KEY_POLICY_MRENCLAVE, ea);
    seal(f->p0, &f->b, VT_SIM_KEY_POLICY_MRENCLAVE, eb);
    seal(f->p0, &f->c, VT_SIM_KEY_POLICY_MRENCLAVE, ec);
    seal(f->p0, &f->a, VT_SIM_KEY_POLICY_MRSIGNER, sa);
    seal(f->p0, &f->b, VT_SIM_KEY_POLICY_MRSIGNER, sb);
    seal(f->p0, &f->c, VT_SIM_KEY_POLICY_MRSIGNER, sc);
    assert_memory_not_equal(ea, eb, sizeof(ea)); /* other MRENCLAVE */
    assert_memory_not_equal(ea, ec, sizeof(ea));
    assert_memory_equal(sa, sb, sizeof(sa)); /* same signer, prod id and svn */
    assert_memory_not_equal(sa, sc, sizeof(sa));

    /* Under MRENCLAVE the signer does not count; under MRSIGNER the enclave does not. */
    vt_sgx_report_body_t v = f->a;
    uint8_t k[VT_SEALING_KEY_LEN];
    memset(v.mr_signer, 0x5f, sizeof(v.mr_signer));
    seal(f->p0, &v, VT_SIM_KEY_POLICY_MRENCLAVE, k);
    assert_memory_equal(k, ea, sizeof(k));
}

/* Each of these changes both keys of A. */
static void seal_keys_are_bound_to_the_identity(void **state)
{
    fixture_t *f = *state;
    static const vt_sim_key_policy_t policies[] = {VT_SIM_KEY_POLICY_MRENCLAVE,
                                                   VT_SIM_KEY_POLICY_MRSIGNER};
    for (size_t pi = 0; pi < 2; pi++) {
        uint8_t base[VT_SEALING_KEY_LEN], k[VT_SEALING_KEY_LEN];
        seal(f->p0, &f->a, policies[pi], base);
        for (int change = 0; change < 5; change++) {
            vt_sgx_report_body_t v = f->a;
            const vt_sim_platform_t *p = f->p0;
            switch (change) {
            case 0:
                v.isv_svn++;
                break;
            case 1:
                v.isv_prod_id++;
                break;
            case 2:
                v.attributes[0] |= (uint8_t)VT_SGX_FLAG_DEBUG;
                break;
            case 3:
                v.misc_select = 1;
                break;
            default:
                p = f->p1;
                break; /* another platform */
            }
            seal(p, &v, policies[pi], k);
            if (memcmp(k, base, sizeof(k)) == 0)
                fail_msg("policy %zu change %d: same key", pi, change);
        }
        /* XFRM is outside the seal mask (VT_SIM_SEAL_XFRM_MASK): the key stays. */
        vt_sgx_report_body_t v = f->a;
        v.attributes[8] |= 0x04;
        seal(f->p0, &v, policies[pi], k);
        assert_memory_equal(k, base, sizeof(k));
    }
}

static void seal_key_rejects_unknown_policy(void **state)
{
    fixture_t *f = *state;
    uint8_t k[VT_SEALING_KEY_LEN];
    memset(k, 0xee, sizeof(k));
    vt_assert_rc(vt_sim_seal_key_get(f->p0, &f->a, (vt_sim_key_policy_t)0, k), VT_E_INVALID_ARG);
    vt_assert_rc(vt_sim_seal_key_get(f->p0, &f->a, (vt_sim_key_policy_t)3, k), VT_E_INVALID_ARG);
    assert_non_null(strstr(vt_last_error(), "key policy 3"));
    for (size_t i = 0; i < sizeof(k); i++) assert_int_equal(k[i], 0xee);
}

/* ---- known answers from the documented layout (veritee/sim.h) ---------------------- */

static void put_le(uint8_t *at, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++) at[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (size_t i = 8; i > 0; i--) v = (v << 8) | p[i - 1];
    return v;
}

static void platform_secret(const fixture_t *f, size_t index, uint8_t out[VT_SIM_SECRET_LEN])
{
    char path[256];
    uint8_t *buf = NULL;
    size_t len = 0;
    snprintf(path, sizeof(path), "%s/private/platforms/%zu/platform_secret", f->dir, index);
    vt_assert_ok(vt_file_read(path, 64, &buf, &len));
    assert_int_equal(len, VT_SIM_SECRET_LEN);
    memcpy(out, buf, VT_SIM_SECRET_LEN);
    free(buf);
}

/* HKDF-SHA256 through the EVP_PKEY interface (not the EVP_KDF one the library uses). */
static void hkdf(const uint8_t secret[VT_SIM_SECRET_LEN], const uint8_t *info, size_t info_len,
                 uint8_t out[16])
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
    size_t n = 16;
    assert_non_null(ctx);
    assert_int_equal(EVP_PKEY_derive_init(ctx), 1);
    assert_int_equal(EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha256()), 1);
    assert_int_equal(
        EVP_PKEY_CTX_set1_hkdf_salt(ctx, (const unsigned char *)"veritee-sim-egetkey-v1", 22), 1);
    assert_int_equal(EVP_PKEY_CTX_set1_hkdf_key(ctx, secret, VT_SIM_SECRET_LEN), 1);
    assert_int_equal(EVP_PKEY_CTX_add1_hkdf_info(ctx, info, (int)info_len), 1);
    assert_int_equal(EVP_PKEY_derive(ctx, out, &n), 1);
    assert_int_equal(n, 16);
    EVP_PKEY_CTX_free(ctx);
}

static void known_answer_seal_key(void **state)
{
    fixture_t *f = *state;
    uint8_t secret[VT_SIM_SECRET_LEN], req[222] = {0}, want[16], got[16];
    vt_pck_ext_t pck;
    vt_sgx_report_body_t id = f->a;
    id.attributes[0] |= (uint8_t)VT_SGX_FLAG_DEBUG;
    id.attributes[1] = 0x01; /* flag bit 8: outside the seal mask */
    id.misc_select = 0x01020304;
    platform_secret(f, 1, secret);
    vt_sim_platform_get_pck_ext(f->p1, &pck);

    put_le(req + 0, 4, 2);                                  /* KEYNAME SEAL */
    put_le(req + 2, 2, 2);                                  /* KEYPOLICY MRSIGNER */
    memcpy(req + 36, id.mr_signer, 32);                     /* MRSIGNER */
    put_le(req + 68, id.isv_prod_id, 2);                    /* ISVPRODID */
    put_le(req + 70, id.isv_svn, 2);                        /* ISVSVN */
    memcpy(req + 72, pck.cpu_svn, 16);                      /* CPUSVN */
    put_le(req + 88, get_le64(id.attributes) & 0xb7, 8);    /* flags & mask */
    put_le(req + 96, 0, 8);                                 /* xfrm & 0 */
    put_le(req + 104, 0xb7, 8);                             /* flags mask */
    put_le(req + 112, 0, 8);                                /* xfrm mask */
    put_le(req + 120, id.misc_select, 4);                   /* MISCSELECT */
    assert_int_equal(get_le64(id.attributes) & 0xb7, 0x07); /* INIT|DEBUG|MODE64BIT kept */
    hkdf(secret, req, sizeof(req), want);

    seal(f->p1, &id, VT_SIM_KEY_POLICY_MRSIGNER, got);
    assert_memory_equal(got, want, sizeof(got));

    /* And the MRENCLAVE policy, from the same layout. */
    memset(req + 36, 0, 32);
    memcpy(req + 4, id.mr_enclave, 32);
    put_le(req + 2, 1, 2);
    hkdf(secret, req, sizeof(req), want);
    seal(f->p1, &id, VT_SIM_KEY_POLICY_MRENCLAVE, got);
    assert_memory_equal(got, want, sizeof(got));
}

static void known_answer_report_mac(void **state)
{
    fixture_t *f = *state;
    uint8_t secret[VT_SIM_SECRET_LEN], req[222] = {0}, key[16], mac[16];
    uint8_t ti[VT_SGX_TARGET_INFO_LEN], rd[VT_REPORT_DATA_LEN], report[VT_SGX_REPORT_LEN];
    size_t mac_len = 0;
    vt_pck_ext_t pck;
    vt_sgx_report_body_t t = f->b;
    t.config_svn = 0x0203;
    t.misc_select = 0x11223344;
    for (size_t i = 0; i < sizeof(t.config_id); i++) t.config_id[i] = (uint8_t)i;
    platform_secret(f, 0, secret);
    vt_sim_platform_get_pck_ext(f->p0, &pck);

    put_le(req + 0, 0, 2);               /* KEYNAME REPORT */
    put_le(req + 2, 0, 2);               /* KEYPOLICY */
    memcpy(req + 4, t.mr_enclave, 32);   /* target's MRENCLAVE */
    memcpy(req + 72, pck.cpu_svn, 16);   /* CPUSVN */
    memcpy(req + 88, t.attributes, 16);  /* flags, xfrm (mask all ones) */
    memset(req + 104, 0xff, 16);         /* masks */
    put_le(req + 120, t.misc_select, 4); /* MISCSELECT */
    put_le(req + 124, t.config_svn, 2);  /* CONFIGSVN */
    memcpy(req + 126, t.config_id, 64);  /* CONFIGID */
    memcpy(req + 190, f->key_id, 32);    /* KEYID */
    hkdf(secret, req, sizeof(req), key);

    vt_sim_target_info_get(&t, ti);
    report_data_of(rd);
    vt_assert_ok(vt_sim_report_create(f->p0, &f->a, ti, rd, f->key_id, report));
    assert_non_null(EVP_Q_mac(NULL, "CMAC", NULL, "AES-128-CBC", NULL, key, sizeof(key), report,
                              VT_SGX_REPORT_BODY_LEN, mac, sizeof(mac), &mac_len));
    assert_int_equal(mac_len, 16);
    assert_memory_equal(report + 416, mac, sizeof(mac));
    vt_assert_ok(vt_sim_report_verify(f->p0, &t, report, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(report_verifies_by_its_target_only),
        cmocka_unit_test(every_flipped_byte_fails),
        cmocka_unit_test(body_fields_are_where_they_must_be),
        cmocka_unit_test(key_id_is_carried_and_bound),
        cmocka_unit_test(target_info_round_trips_and_binds),
        cmocka_unit_test(seal_keys_are_stable_across_loads),
        cmocka_unit_test(seal_keys_follow_the_policy),
        cmocka_unit_test(seal_keys_are_bound_to_the_identity),
        cmocka_unit_test(seal_key_rejects_unknown_policy),
        cmocka_unit_test(known_answer_seal_key),
        cmocka_unit_test(known_answer_report_mac),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
