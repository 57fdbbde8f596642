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

/*
 * The verdict commands (`quote verify`, `cert verify`) share their collateral, trust,
 * output and policy options: the values getopt_long returns for them, and the rows of
 * their option tables as initializer lists, so each command's table (and so its --help,
 * man page entry and completion) lists them with the same words.
 */
enum {
    VT_CLI_VOPT_HELP = 'h',
    VT_CLI_VOPT_COLLATERAL = 256,
    VT_CLI_VOPT_PCCS,
    VT_CLI_VOPT_PCCS_CA,
    VT_CLI_VOPT_ROOT,
    VT_CLI_VOPT_TRUST_SIMULATED,
    VT_CLI_VOPT_AT,
    VT_CLI_VOPT_JSON,
    VT_CLI_VOPT_MRENCLAVE,
    VT_CLI_VOPT_MRSIGNER,
    VT_CLI_VOPT_ISV_PROD_ID,
    VT_CLI_VOPT_MIN_ISV_SVN,
    VT_CLI_VOPT_REPORT_DATA,
    VT_CLI_VOPT_ALLOW_DEBUG,
    VT_CLI_VOPT_ACCEPT_STATUS,
    VT_CLI_VOPT_ACCEPT_ADVISORY,
    VT_CLI_VOPT_TDX_BASE = 512, /* + vt_tdx_field_t */
};

/* clang-format off */
#define VT_CLI_VERIFY_OPTIONS_TRUST                                                            \
    {NULL, NULL, 0, "Collateral and trust:"},                                                  \
    {"collateral", "DIR", VT_CLI_VOPT_COLLATERAL,                                              \
     "read the collateral from the bundle directory DIR (layout in veritee(1), FILES)"},       \
    {"pccs", "URL", VT_CLI_VOPT_PCCS,                                                          \
     "fetch the collateral from the PCCS or Intel PCS v4 service at URL, e.g. "                \
     "https://api.trustedservices.intel.com"},                                                 \
    {"pccs-ca", "FILE", VT_CLI_VOPT_PCCS_CA,                                                   \
     "PEM file of CA certificates that verify the PCCS's TLS certificate (default: the "       \
     "system store)"},                                                                         \
    {"root", "CA", VT_CLI_VOPT_ROOT,                                                           \
     "trust the self-signed root certificate in the file CA (PEM or DER) instead of the "      \
     "built-in Intel SGX Root CA"},                                                            \
    {"trust-simulated-root", NULL, VT_CLI_VOPT_TRUST_SIMULATED,                                \
     "allow --root to be a simulated platform's root (subject contains SIMULATED); prints a "  \
     "warning, since such a quote proves nothing about real hardware"},                        \
    {"at", "RFC3339", VT_CLI_VOPT_AT,                                                          \
     "verify as of this UTC time, e.g. 2025-07-19T10:01:17Z (default: now)"}

#define VT_CLI_VERIFY_OPTIONS_OUTPUT                                                           \
    {NULL, NULL, 0, "Output:"},                                                                \
    {"json", NULL, VT_CLI_VOPT_JSON, "print one JSON object (keys in veritee(1), JSON OUTPUT)"}

#define VT_CLI_VERIFY_OPTIONS_SGX_POLICY                                                       \
    {NULL, NULL, 0,                                                                            \
     "Appraisal policy (any of these turns it on; it starts from: only UpToDate accepted, "    \
     "no advisory accepted, debug refused, nothing pinned):"},                                 \
    {"mrenclave", "HEX", VT_CLI_VOPT_MRENCLAVE, "require this MRENCLAVE (SGX; 64 hex digits)"},\
    {"mrsigner", "HEX", VT_CLI_VOPT_MRSIGNER, "require this MRSIGNER (SGX; 64 hex digits)"},   \
    {"isv-prod-id", "N", VT_CLI_VOPT_ISV_PROD_ID, "require this ISVPRODID (SGX; 0 to 65535)"}, \
    {"min-isv-svn", "N", VT_CLI_VOPT_MIN_ISV_SVN, "require ISVSVN >= N (SGX; 0 to 65535)"}

#define VT_CLI_VERIFY_OPTIONS_TDX_POLICY                                                       \
    {"mrtd", "HEX", VT_CLI_VOPT_TDX_BASE + VT_TDX_MRTD,                                        \
     "require this MRTD (TDX; 96 hex digits)"},                                                \
    {"rtmr0", "HEX", VT_CLI_VOPT_TDX_BASE + VT_TDX_RTMR0,                                      \
     "require this RTMR0 (TDX; 96 hex digits)"},                                               \
    {"rtmr1", "HEX", VT_CLI_VOPT_TDX_BASE + VT_TDX_RTMR1, "require this RTMR1 (TDX)"},         \
    {"rtmr2", "HEX", VT_CLI_VOPT_TDX_BASE + VT_TDX_RTMR2, "require this RTMR2 (TDX)"},         \
    {"rtmr3", "HEX", VT_CLI_VOPT_TDX_BASE + VT_TDX_RTMR3, "require this RTMR3 (TDX)"},         \
    {"mrseam", "HEX", VT_CLI_VOPT_TDX_BASE + VT_TDX_MRSEAM,                                    \
     "require this MRSEAM (TDX module)"},                                                      \
    {"mrconfigid", "HEX", VT_CLI_VOPT_TDX_BASE + VT_TDX_MRCONFIGID,                            \
     "require this MRCONFIGID (TDX)"},                                                         \
    {"mrowner", "HEX", VT_CLI_VOPT_TDX_BASE + VT_TDX_MROWNER, "require this MROWNER (TDX)"},   \
    {"mrownerconfig", "HEX", VT_CLI_VOPT_TDX_BASE + VT_TDX_MROWNERCONFIG,                      \
     "require this MROWNERCONFIG (TDX)"}

#define VT_CLI_VERIFY_OPTIONS_POLICY_END                                                       \
    {"allow-debug", NULL, VT_CLI_VOPT_ALLOW_DEBUG, "accept debug enclaves and debug TDs"},     \
    {"accept-status", "S", VT_CLI_VOPT_ACCEPT_STATUS,                                          \
     "also accept TCB status S, an Intel word such as SWHardeningNeeded or OutOfDate "         \
     "(repeatable; comma-separated lists allowed)"},                                           \
    {"accept-advisory", "ID", VT_CLI_VOPT_ACCEPT_ADVISORY,                                     \
     "accept advisory ID (e.g. INTEL-SA-00615) in an accepted result (repeatable; "            \
     "comma-separated lists allowed)"}

#define VT_CLI_VERIFY_OPTIONS_END                                                              \
    {NULL, NULL, 0, "Other:"},                                                                 \
    {"help", NULL, VT_CLI_VOPT_HELP, "show this help and exit"},                               \
    {NULL, NULL, 0, NULL}
/* clang-format on */

/* A verdict command: its name in messages and its help (whose options it accepts). */
typedef struct {
    const char *prog;
    const vt_cli_help_t *help;
} vt_cli_verify_cmd_t;

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
/* The same for any verdict command (options outside cmd->help are usage errors). */
int vt_cli_verify_opts_parse_cmd(const vt_cli_verify_cmd_t *cmd, int argc, char **argv,
                                 vt_cli_verify_opts_t *o);

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

/* ---- Shared steps of the verdict commands (quote_verify_common.c) --------------- */

/* Records why the run failed (the first reason wins) and returns rc. */
int vt_cli_verdict_fail(vt_cli_verdict_t *v, int rc, const char *fmt, ...) VT_PRINTF(3, 4);
/* vt_last_error(), or the code's fixed text when there is no detail. */
const char *vt_cli_detail(int rc);
/* A verifier with the options' trust anchor and collateral source; failures go to v. */
int vt_cli_verify_make_verifier(const vt_cli_verify_opts_t *o, vt_cli_verdict_t *v,
                                vt_verifier_t **out);
/* The appraisal policy of the options (before any verification work). */
VT_MUST_CHECK int vt_cli_verify_make_policy(const vt_cli_verify_opts_t *o, vt_policy_t **out);
/*
 * Starts a run after the options are parsed: v gets the options, the verification time
 * and the default trust anchor's name; *policy the options' policy when they have one
 * (else NULL). Returns VT_CLI_CONTINUE, or the exit status after printing the error.
 */
int vt_cli_verdict_begin(const char *prog, const vt_cli_verify_opts_t *o, vt_cli_verdict_t *v,
                         vt_policy_t **policy);
/*
 * Ends a run: prints json (consumed) when the options ask for JSON (the caller has
 * printed the text output otherwise), the error line, and returns the exit status.
 */
int vt_cli_verdict_finish(const char *prog, const vt_cli_verdict_t *v, json_t *json);

/* 0 verified + UpToDate, 2 verified + other status, 1 failure or rejection. */
int vt_cli_verdict_exit_code(const vt_cli_verdict_t *v);
void vt_cli_verdict_print(FILE *f, const vt_cli_verdict_t *v, bool use_color);
json_t *vt_cli_verdict_json(const vt_cli_verdict_t *v);

#endif
