/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `veritee quote verify`: its parsed options (quote_verify_opts.c), the run
 * (quote_verify.c) and the verdict output (verify_output.c).
 */
#ifndef VT_CLI_QUOTE_VERIFY_H
#define VT_CLI_QUOTE_VERIFY_H

#include <veritee/verify.h>

#include "cli.h"
#include "quote_info.h"

#define VT_CLI_VERIFY_PROG       "veritee quote verify"
#define VT_CLI_MAX_ADVISORY_ARGS 32

typedef struct {
    const char *file;       /* borrowed from argv */
    const char *collateral; /* borrowed from argv; NULL unless --collateral */
    const char *pccs;       /* borrowed from argv; NULL unless --pccs */
    const char *pccs_ca;    /* borrowed from argv */
    const char *root;       /* borrowed from argv; NULL = built-in Intel root */
    bool is_simulated_root_trusted;
    bool has_at;
    vt_time_t at;
    bool is_json;

    /* Appraisal policy; has_policy is set by any of the options below. */
    bool has_policy;
    bool is_debug_allowed;
    bool has_mrenclave, has_mrsigner, has_isv_prod_id, has_min_isv_svn;
    uint8_t mrenclave[VT_SGX_MEASUREMENT_LEN];
    uint8_t mrsigner[VT_SGX_MEASUREMENT_LEN];
    uint16_t isv_prod_id;
    uint16_t min_isv_svn;
    bool has_tdx[VT_TDX_FIELD_COUNT];
    uint8_t tdx[VT_TDX_FIELD_COUNT][VT_TDX_MEASUREMENT_LEN];
    bool has_report_data;
    uint8_t report_data[VT_REPORT_DATA_LEN];
    vt_tcb_status_t statuses[VT_TCB_STATUS_COUNT];
    size_t status_count;
    const char *advisories[VT_CLI_MAX_ADVISORY_ARGS]; /* borrowed; comma-separated lists */
    size_t advisory_arg_count;
} vt_cli_verify_opts_t;

/*
 * Parses argv into o. Returns VT_CLI_CONTINUE to go on, or the exit status to return at once
 * (0 after --help, 64 after a usage error, already reported).
 */
int vt_cli_verify_opts_parse(int argc, char **argv, vt_cli_verify_opts_t *o);

/* The verdict of one run, for the output functions. */
typedef struct {
    const vt_cli_verify_opts_t *opts;
    const vt_cli_quote_t *quote;      /* NULL if the quote could not be read or parsed */
    const vt_verify_result_t *result; /* NULL if verification did not run */
    int rc;                           /* 0, or the code of the step that failed */
    bool is_verified;                 /* the verifier accepted the quote (rc == 0) */
    bool is_policy_rejected;          /* verified, but the policy (or --report-data) said no */
    char error[1024];                 /* detail of the failure or rejection; empty if none */
    vt_time_t at;                     /* the verification time actually used */
    bool is_simulated_root;
    char anchor[256]; /* the trust anchor, for people */
} vt_cli_verdict_t;

/* 0 verified + UpToDate, 2 verified + other status, 1 failure or rejection. */
int vt_cli_verdict_exit_code(const vt_cli_verdict_t *v);
void vt_cli_verdict_print(FILE *f, const vt_cli_verdict_t *v, bool use_color);
json_t *vt_cli_verdict_json(const vt_cli_verdict_t *v);

#endif
