/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/verify/tcb_match.c (dcap.md §5.5) with hand-built TCB levels. */
#include "test_util.h"

#include <stdio.h>
#include <string.h>

#include "verify/tcb_match.h"

#define UTD VT_TCB_UP_TO_DATE
#define SWH VT_TCB_SW_HARDENING_NEEDED
#define CFG VT_TCB_CONFIGURATION_NEEDED
#define CSW VT_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED
#define OOD VT_TCB_OUT_OF_DATE
#define OOC VT_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED
#define TDR VT_TCB_TD_RELAUNCH_ADVISED
#define TDC VT_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED
#define REV VT_TCB_REVOKED
#define NSP VT_TCB_NOT_SUPPORTED

static vt_tcb_level_t level(uint8_t sgx, uint16_t pce, int tdx0, int tdx2, vt_tcb_status_t s)
{
    vt_tcb_level_t l = {.pce_svn = pce, .status = s};
    memset(l.sgx_svn, sgx, sizeof(l.sgx_svn));
    if (tdx0 >= 0) {
        l.has_tdx_svn = true;
        l.tdx_svn[0] = (uint8_t)tdx0;
        l.tdx_svn[2] = (uint8_t)tdx2;
    }
    return l;
}

static vt_pck_ext_t pck(uint8_t sgx, uint16_t pce)
{
    vt_pck_ext_t p = {.pce_svn = pce};
    memset(p.comp_svn, sgx, sizeof(p.comp_svn));
    return p;
}

static void sgx_matching(void **state)
{
    (void)state;
    vt_tcb_level_t l = level(5, 10, -1, 0, UTD);
    vt_pck_ext_t p = pck(5, 10);
    assert_true(vt_tcb_level_matches_sgx(&l, &p));
    p.pce_svn = 9;
    assert_false(vt_tcb_level_matches_sgx(&l, &p));
    p = pck(5, 10);
    p.comp_svn[15] = 4; /* every component counts */
    assert_false(vt_tcb_level_matches_sgx(&l, &p));
    p.comp_svn[15] = 200;
    assert_true(vt_tcb_level_matches_sgx(&l, &p));
}

static void tdx_matching_skips_module_indices(void **state)
{
    (void)state;
    vt_tcb_level_t l = level(0, 0, 5, 3, UTD);
    uint8_t svn[16] = {5, 0, 3};
    assert_true(vt_tcb_level_matches_tdx(&l, svn));
    svn[0] = 4; /* major 0: index 0 compared */
    assert_false(vt_tcb_level_matches_tdx(&l, svn));
    svn[1] = 1; /* major > 0: indices 0 and 1 are the module identity's job */
    assert_true(vt_tcb_level_matches_tdx(&l, svn));
    svn[2] = 2;
    assert_false(vt_tcb_level_matches_tdx(&l, svn));
    vt_tcb_level_t sgx_only = level(0, 0, -1, 0, UTD);
    svn[2] = 9;
    assert_false(vt_tcb_level_matches_tdx(&sgx_only, svn));
}

static void isv_levels(void **state)
{
    (void)state;
    vt_isv_level_t lv[3] = {{.isv_svn = 8, .status = UTD},
                            {.isv_svn = 6, .status = OOD},
                            {.isv_svn = 2, .status = REV}};
    assert_ptr_equal(vt_isv_level_match(lv, 3, 9), &lv[0]);
    assert_ptr_equal(vt_isv_level_match(lv, 3, 8), &lv[0]);
    assert_ptr_equal(vt_isv_level_match(lv, 3, 7), &lv[1]);
    assert_ptr_equal(vt_isv_level_match(lv, 3, 2), &lv[2]);
    assert_null(vt_isv_level_match(lv, 3, 1));
    assert_null(vt_isv_level_match(lv, 0, 100));
}

/* Every row and column of the convergence table in dcap.md §5.5. */
static void merge_table(void **state)
{
    (void)state;
    static const struct {
        vt_tcb_status_t platform, other, want;
    } rows[] = {
        {UTD, OOD, OOD},
        {SWH, OOD, OOD},
        {CFG, OOD, OOC},
        {CSW, OOD, OOC},
        {OOD, OOD, OOD},
        {OOC, OOD, OOC},
        {TDR, OOD, TDR},
        {TDC, OOD, TDC},
        {REV, OOD, REV},
        {UTD, REV, REV},
        {SWH, REV, REV},
        {CFG, REV, REV},
        {CSW, REV, REV},
        {OOD, REV, REV},
        {OOC, REV, REV},
        {TDR, REV, REV},
        {UTD, UTD, UTD},
        {SWH, UTD, SWH},
        {CFG, UTD, CFG},
        {CSW, UTD, CSW},
        {OOD, UTD, OOD},
        {OOC, UTD, OOC},
        {TDR, UTD, TDR},
        {TDC, UTD, TDC},
        {REV, UTD, REV},
        /* QE: not supported wins; other words count as OutOfDate (§5.4 step 11) */
        {UTD, NSP, NSP},
        {SWH, NSP, NSP},
        {OOD, NSP, NSP},
        {UTD, CFG, OOD},
        {CFG, OOC, OOC},
        {SWH, SWH, OOD},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        vt_tcb_status_t got = vt_tcb_status_merge(rows[i].platform, rows[i].other);
        if (got != rows[i].want) {
            print_error("row %zu: merge(%s, %s) = %s, expected %s\n", i,
                        vt_tcb_status_name(rows[i].platform), vt_tcb_status_name(rows[i].other),
                        vt_tcb_status_name(got), vt_tcb_status_name(rows[i].want));
            fail();
        }
    }
}

/* ---- whole evaluations ---------------------------------------------------------- */

typedef struct {
    vt_tcb_level_t levels[4];
    vt_isv_level_t qe_levels[2];
    vt_isv_level_t mod_levels[2];
    vt_tdx_module_identity_t mod;
    vt_tcb_info_t info;
    vt_qe_identity_t qe;
    vt_quote_t q;
    vt_pck_ext_t pck;
} fixture_t;

static char *ids_a[] = {"INTEL-SA-00001"};
static char *ids_b[] = {"INTEL-SA-00002", "INTEL-SA-00003"};

static void fixture_sgx(fixture_t *f)
{
    memset(f, 0, sizeof(*f));
    f->levels[0] = level(10, 13, -1, 0, UTD);
    f->levels[1] = level(8, 13, -1, 0, SWH);
    f->levels[1].advisory_ids = ids_a;
    f->levels[1].advisory_count = 1;
    f->levels[2] = level(6, 13, -1, 0, OOD);
    f->levels[2].advisory_ids = ids_b;
    f->levels[2].advisory_count = 2;
    f->levels[3] = level(2, 5, -1, 0, REV);
    f->info =
        (vt_tcb_info_t){.tee = VT_TEE_SGX, .version = 3, .levels = f->levels, .level_count = 4};
    f->qe_levels[0] = (vt_isv_level_t){.isv_svn = 8, .status = UTD};
    f->qe_levels[1] = (vt_isv_level_t){.isv_svn = 6, .status = OOD};
    f->qe = (vt_qe_identity_t){
        .id = VT_QE_ID_QE, .version = 2, .levels = f->qe_levels, .level_count = 2};
    f->q.tee = VT_TEE_SGX;
    f->q.header.version = 3;
    f->q.body_type = VT_BODY_SGX;
    f->q.qe_report.isv_svn = 8;
}

static void sgx_evaluation(void **state)
{
    (void)state;
    fixture_t f;
    vt_tcb_eval_t e;
    fixture_sgx(&f);

    f.pck = pck(10, 13);
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.status, UTD);
    assert_ptr_equal(e.level, &f.levels[0]);

    f.pck = pck(9, 13); /* first match is level 1 */
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.status, SWH);
    assert_ptr_equal(e.level, &f.levels[1]);
    assert_int_equal(e.level->advisory_count, 1);

    f.pck = pck(10, 12); /* pcesvn below levels 0-2 */
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.status, REV);

    f.pck = pck(1, 13); /* below every level */
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.status, NSP);
    assert_null(e.level);

    /* QE out of date: SWHardeningNeeded becomes OutOfDate. */
    f.pck = pck(9, 13);
    f.q.qe_report.isv_svn = 7;
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.platform_status, SWH);
    assert_int_equal(e.qe_status, OOD);
    assert_int_equal(e.status, OOD);

    /* QE below every level: not supported. */
    f.q.qe_report.isv_svn = 5;
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.status, NSP);
    assert_null(e.qe_level);
}

static void fixture_tdx(fixture_t *f, int body_type)
{
    fixture_sgx(f);
    f->levels[0] = level(10, 13, 5, 3, UTD);
    f->levels[1] = level(10, 13, 3, 3, OOD); /* same SGX, older TDX */
    f->levels[1].advisory_ids = ids_b;
    f->levels[1].advisory_count = 2;
    f->levels[2] = level(6, 13, 0, 0, CFG);
    f->levels[3] = level(2, 5, 0, 0, REV);
    f->info.tee = VT_TEE_TDX;
    f->info.has_tdx_module = true;
    f->mod_levels[0] = (vt_isv_level_t){.isv_svn = 4, .status = UTD};
    f->mod_levels[1] = (vt_isv_level_t){.isv_svn = 2, .status = OOD};
    snprintf(f->mod.id, sizeof(f->mod.id), "TDX_01");
    f->mod.levels = f->mod_levels;
    f->mod.level_count = 2;
    f->info.tdx_module_identities = &f->mod;
    f->info.tdx_module_identity_count = 1;
    f->qe.id = VT_QE_ID_TD_QE;
    f->q.tee = VT_TEE_TDX;
    f->q.header.version = body_type == VT_BODY_TD15 ? 5 : 4;
    f->q.body_type = (vt_body_type_t)body_type;
    f->pck = pck(10, 13);
}

static void tdx_evaluation(void **state)
{
    (void)state;
    fixture_t f;
    vt_tcb_eval_t e;
    fixture_tdx(&f, VT_BODY_TD10);

    uint8_t svn[16] = {5, 0, 3};
    memcpy(f.q.td.tee_tcb_svn, svn, 16);
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.status, UTD);
    assert_int_equal(e.module_status, UTD); /* major 0: module judged UpToDate */

    f.q.td.tee_tcb_svn[0] = 4; /* level 0 fails on TDX, level 1 matches both */
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.status, OOD);
    assert_ptr_equal(e.level, &f.levels[1]);
    assert_int_equal(e.sgx_status, UTD);
    assert_int_equal(e.level->advisory_count, 2);

    f.q.td.tee_tcb_svn[2] = 2; /* no TDX match in the SGX-matching levels 0-1; level 2 */
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.status, CFG);

    /* Module major 1: TDX_01, minor 4 up to date, 3 out of date, 1 none. */
    uint8_t m[16] = {4, 1, 3};
    memcpy(f.q.td.tee_tcb_svn, m, 16);
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.status, UTD);
    f.q.td.tee_tcb_svn[0] = 3;
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.module_status, OOD);
    assert_int_equal(e.status, OOD);
    f.q.td.tee_tcb_svn[0] = 1;
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.status, NSP);
    f.q.td.tee_tcb_svn[0] = 4;
    f.q.td.tee_tcb_svn[1] = 3; /* no TDX_03 identity */
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.status, NSP);

    /* Platform level 2 (ConfigurationNeeded) with an out-of-date module. */
    uint8_t c[16] = {3, 1, 2};
    memcpy(f.q.td.tee_tcb_svn, c, 16);
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.status, OOC);

    f.pck = pck(1, 13);
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.status, NSP);
    assert_int_equal(e.sgx_status, NSP);
}

static void td_relaunch(void **state)
{
    (void)state;
    fixture_t f;
    vt_tcb_eval_t e;
    fixture_tdx(&f, VT_BODY_TD15);
    /* Running on module 1.3 (out of date); TEE_TCB_SVN_2 says 1.4 with late microcode 3. */
    uint8_t run[16] = {3, 1, 3}, next[16] = {4, 1, 3};
    memcpy(f.q.td.tee_tcb_svn, run, 16);
    memcpy(f.q.td.tee_tcb_svn2, next, 16);
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.module_status, OOD);
    assert_int_equal(e.status, TDR);

    /* Not a TD 1.5 body: no relaunch rule. */
    f.q.body_type = VT_BODY_TD10;
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.status, OOD);
    f.q.body_type = VT_BODY_TD15;

    /* The relaunched module would still be behind: no. */
    f.q.td.tee_tcb_svn2[0] = 3;
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.status, OOD);
    f.q.td.tee_tcb_svn2[0] = 4;
    f.q.td.tee_tcb_svn2[2] = 2; /* below the latest level's TDX[2] */
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.status, OOD);
    f.q.td.tee_tcb_svn2[2] = 3;

    /* QE out of date: no relaunch advice, plain OutOfDate. */
    f.q.qe_report.isv_svn = 7;
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.status, OOD);
    f.q.qe_report.isv_svn = 8;

    /* Major 0 in TEE_TCB_SVN_2: compared with the latest level's TDX[0] and TDX[2]. */
    uint8_t next0[16] = {5, 0, 3};
    memcpy(f.q.td.tee_tcb_svn2, next0, 16);
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.status, TDR);
    f.q.td.tee_tcb_svn2[0] = 4;
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.status, OOD);

    /* Configuration in the SGX level: the ConfigurationNeeded flavour. */
    f.q.td.tee_tcb_svn2[0] = 5;
    f.levels[0].status = CFG;
    vt_tcb_evaluate(&f.info, &f.qe, &f.pck, &f.q, &e);
    assert_int_equal(e.status, TDC);

    /* The direct form of the rule. */
    assert_int_equal(vt_tcb_td_relaunch(&f.info, &f.q.td, UTD, SWH, OOD, OOD), TDR);
    assert_int_equal(vt_tcb_td_relaunch(&f.info, &f.q.td, UTD, OOD, OOD, OOD), OOD);
    assert_int_equal(vt_tcb_td_relaunch(&f.info, &f.q.td, UTD, UTD, UTD, OOD), UTD);
    assert_int_equal(vt_tcb_td_relaunch(&f.info, &f.q.td, UTD, UTD, OOD, UTD), OOD);
    assert_int_equal(vt_tcb_td_relaunch(&f.info, &f.q.td, REV, UTD, OOD, OOD), OOD);
    assert_int_equal(vt_tcb_td_relaunch(&f.info, &f.q.td, NSP, UTD, OOD, OOD), OOD);
    assert_int_equal(vt_tcb_td_relaunch(&f.info, &f.q.td, UTD, UTD, OOC, OOD), TDC);
}

static void module_identity_lookup(void **state)
{
    (void)state;
    fixture_t f;
    fixture_tdx(&f, VT_BODY_TD10);
    snprintf(f.mod.id, sizeof(f.mod.id), "tdx_0a");
    assert_ptr_equal(vt_tdx_module_identity_find(&f.info, 0x0a), &f.mod);
    assert_null(vt_tdx_module_identity_find(&f.info, 0x01));
    uint8_t svn[16] = {4, 0};
    assert_int_equal(vt_tdx_module_status(&f.info, 4, svn), UTD);
    svn[1] = 0x0a;
    assert_int_equal(vt_tdx_module_status(&f.info, 4, svn), UTD);
    svn[0] = 2;
    assert_int_equal(vt_tdx_module_status(&f.info, 4, svn), OOD);
    svn[0] = 1;
    assert_int_equal(vt_tdx_module_status(&f.info, 4, svn), NSP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sgx_matching),   cmocka_unit_test(tdx_matching_skips_module_indices),
        cmocka_unit_test(isv_levels),     cmocka_unit_test(merge_table),
        cmocka_unit_test(sgx_evaluation), cmocka_unit_test(tdx_evaluation),
        cmocka_unit_test(td_relaunch),    cmocka_unit_test(module_identity_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
