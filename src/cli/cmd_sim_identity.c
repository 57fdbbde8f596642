/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `veritee sim sign` and `veritee sim run`: the simulated enclave identity
 * (include/veritee/sim_identity.h). sign makes the SIGSTRUCT-like .sig of an executable
 * with an RSA-3072 (e = 3) signer key; run is EINIT: it refuses to start an executable
 * that does not hash to the signed MRENCLAVE, and otherwise replaces itself with it.
 */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <veritee/sim_identity.h>

#include "cli.h"
#include "cmd_sim_identity.h"
#include "common/file.h"

#define SIGN_PROG "veritee sim sign"
#define RUN_PROG  "veritee sim run"

enum {
    OPT_HELP = 'h',
    OPT_OUT = 'o',
    OPT_KEY = 256,
    OPT_GEN_KEY,
    OPT_EXE,
    OPT_PROD_ID,
    OPT_SVN,
    OPT_DEBUG,
    OPT_TRUSTED,
    OPT_SIG,
    OPT_ATTESTFS,
    OPT_ENV,
};

static const vt_cli_option_t sign_options[] = {
    {"key", "FILE", OPT_KEY, "the signer's private key (PEM; RSA-3072, public exponent 3)"},
    {"gen-key", "FILE", OPT_GEN_KEY,
     "write a new RSA-3072, exponent 3 signer key to FILE (mode 0600; an existing FILE is "
     "not replaced), then sign with it if --exe is given"},
    {"exe", "PATH", OPT_EXE, "the executable to sign"},
    {"prod-id", "N", OPT_PROD_ID, "ISVPRODID, 0 to 65535 (default 0)"},
    {"svn", "N", OPT_SVN, "ISVSVN, 0 to 65535 (default 0)"},
    {"debug", NULL, OPT_DEBUG, "a debug enclave: set the DEBUG attribute"},
    {"trusted-file", "FILE", OPT_TRUSTED,
     "also measure FILE into MRENCLAVE; its path is recorded as given and opened relative to "
     "the current directory at launch (repeatable, at most 64)"},
    {"out", "SIG", OPT_OUT, "write the signed .sig file to SIG"},
    {"help", NULL, OPT_HELP, "show this help and exit"},
    {NULL, NULL, 0, NULL},
};

static const vt_cli_help_t sign_help = {
    .usage = {"veritee sim sign --gen-key FILE",
              "veritee sim sign --key FILE --exe PATH [--prod-id N] [--svn N] [--debug] "
              "[--trusted-file FILE]... -o SIG"},
    .description =
        "Signs a simulated enclave: measures the executable and the trusted files into an "
        "MRENCLAVE (together with ISVPRODID, ISVSVN, the attributes and MISCSELECT) and writes "
        "a SIGSTRUCT-like .sig file signed with the RSA-3072 signer key, whose modulus gives "
        "the MRSIGNER. Prints the MRENCLAVE and the MRSIGNER.\n\n"
        "The .sig format and the MRENCLAVE encoding are in veritee(1), FILES.",
    .options = sign_options,
    .epilogue = "Exit status: 0 signed (or key written), 1 failure, 64 usage error.",
};

static const vt_cli_option_t run_options[] = {
    {"sig", "SIG", OPT_SIG, "the .sig file made by 'veritee sim sign' for APP"},
    {"attestfs", "DIR", OPT_ATTESTFS,
     "where the attestation filesystem is mounted; passed to APP as VERITEE_ATTESTATION_DIR"},
    {"env", "NAME=VALUE", OPT_ENV,
     "set NAME to VALUE in APP's environment only, not in the launcher's (repeatable); for "
     "example LD_PRELOAD=libsecret_prov_attest.so, whose constructor must run in APP"},
    {"help", NULL, OPT_HELP, "show this help and exit"},
    {NULL, NULL, 0, NULL},
};

static const vt_cli_help_t run_help = {
    .usage = {"veritee sim run --sig SIG [--attestfs DIR] [--env NAME=VALUE]... -- APP "
              "[ARGS...]"},
    .description =
        "Launches APP (a path; no PATH search) as a simulated enclave, the way EINIT checks "
        "SIGSTRUCT: the .sig's signature must verify, and APP and every trusted file must hash "
        "to the signed MRENCLAVE. Then APP replaces this process (same pid) with ARGS and the "
        "environment plus VERITEE_SIM_SIG (the absolute path of SIG) and, with --attestfs, "
        "VERITEE_ATTESTATION_DIR.",
    .options = run_options,
    .epilogue = "Exit status: APP's own once it runs; 1 if the check or the launch fails, 64 "
                "usage error.",
};

typedef struct {
    const char *key, *gen_key, *exe, *out;
    const char *trusted[VT_SIM_TRUSTED_MAX];
    vt_sim_sign_params_t p;
} sign_opts_t;

static int u16_arg(const char *opt, const char *arg, uint16_t *out)
{
    char q[VT_CLI_QUOTED_LEN];
    unsigned long v;
    if (vt_cli_parse_uint(arg, 0xffff, &v) != 0)
        return vt_cli_usage_error(SIGN_PROG, &sign_help, "--%s: %s: %s", opt,
                                  vt_cli_quote_arg(arg, q), vt_last_error());
    *out = (uint16_t)v;
    return VT_CLI_CONTINUE;
}

static int sign_handle(int c, const char *arg, char **argv, sign_opts_t *o)
{
    switch (c) {
    case OPT_HELP:
        vt_cli_print_help(SIGN_PROG, &sign_help, stdout);
        return VT_CLI_EXIT_OK;
    case OPT_KEY:
        o->key = arg;
        return VT_CLI_CONTINUE;
    case OPT_GEN_KEY:
        o->gen_key = arg;
        return VT_CLI_CONTINUE;
    case OPT_EXE:
        o->exe = arg;
        return VT_CLI_CONTINUE;
    case OPT_OUT:
        o->out = arg;
        return VT_CLI_CONTINUE;
    case OPT_PROD_ID:
        return u16_arg("prod-id", arg, &o->p.isv_prod_id);
    case OPT_SVN:
        return u16_arg("svn", arg, &o->p.isv_svn);
    case OPT_DEBUG:
        o->p.is_debug = true;
        return VT_CLI_CONTINUE;
    case OPT_TRUSTED:
        if (o->p.trusted_count >= VT_SIM_TRUSTED_MAX)
            return vt_cli_usage_error(SIGN_PROG, &sign_help, "more than %d --trusted-file",
                                      VT_SIM_TRUSTED_MAX);
        o->trusted[o->p.trusted_count++] = arg;
        return VT_CLI_CONTINUE;
    }
    return vt_cli_getopt_error(SIGN_PROG, &sign_help, c, argv);
}

static int sign_parse(int argc, char **argv, sign_opts_t *o)
{
    struct option longopts[VT_CLI_MAX_OPTIONS + 2];
    char shortopts[3 * VT_CLI_MAX_OPTIONS + 4];
    char q[VT_CLI_QUOTED_LEN];
    int c;

    vt_cli_getopt_tables(&sign_help, longopts, shortopts, sizeof(shortopts));
    optind = 0; /* glibc: 0 re-initializes getopt completely */
    opterr = 0;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        int status = sign_handle(c, optarg, argv, o);
        if (status != VT_CLI_CONTINUE) return status;
    }
    if (optind < argc)
        return vt_cli_usage_error(SIGN_PROG, &sign_help, "unexpected argument %s",
                                  vt_cli_quote_arg(argv[optind], q));
    if (o->key && o->gen_key)
        return vt_cli_usage_error(SIGN_PROG, &sign_help, "give either --key or --gen-key");
    if (!o->key && !o->gen_key)
        return vt_cli_usage_error(SIGN_PROG, &sign_help, "missing --key FILE");
    if (o->key && !o->exe) return vt_cli_usage_error(SIGN_PROG, &sign_help, "missing --exe PATH");
    if (o->exe && !o->out) return vt_cli_usage_error(SIGN_PROG, &sign_help, "missing -o SIG");
    if (!o->exe && (o->out || o->p.trusted_count))
        return vt_cli_usage_error(SIGN_PROG, &sign_help, "missing --exe PATH");
    o->p.exe_path = o->exe;
    o->p.trusted_paths = o->trusted;
    return VT_CLI_CONTINUE;
}

static void print_hex_line(const char *name, const uint8_t *v)
{
    char hex[2 * VT_SGX_MEASUREMENT_LEN + 1];
    vt_hex_encode(v, VT_SGX_MEASUREMENT_LEN, hex);
    printf("%s: %s\n", name, hex);
}

/* Loads or makes the key; on success the caller owns *out. */
static int load_key(const sign_opts_t *o, vt_sim_signer_t **out)
{
    uint8_t modulus[VT_SIM_RSA_LEN], mrsigner[VT_SGX_MEASUREMENT_LEN];
    if (o->key) return vt_sim_signer_from_file(o->key, out);
    int rc = vt_sim_signer_new(out);
    if (rc == 0) rc = vt_sim_signer_to_file(*out, o->gen_key);
    if (rc < 0) {
        vt_sim_signer_free(*out);
        *out = NULL;
        return rc;
    }
    vt_sim_signer_get_modulus(*out, modulus);
    vt_sim_mrsigner_get(modulus, mrsigner);
    printf("key: %s\n", o->gen_key);
    print_hex_line("mrsigner", mrsigner);
    return 0;
}

int vt_cli_sim_sign_main(int argc, char **argv)
{
    sign_opts_t o = {0};
    vt_sim_signer_t *signer = NULL;
    uint8_t *sig = NULL;
    size_t len = 0;
    vt_sim_sigfile_t s;

    int status = sign_parse(argc, argv, &o);
    if (status != VT_CLI_CONTINUE) return status;
    int rc = load_key(&o, &signer);
    if (rc == 0 && o.exe) rc = vt_sim_sigfile_new(signer, &o.p, &sig, &len);
    if (rc == 0 && sig) rc = vt_file_write_atomic(o.out, sig, len, 0644);
    if (rc == 0 && sig) rc = vt_sim_sigfile_parse(sig, len, &s);
    if (rc == 0 && sig) {
        uint8_t mrsigner[VT_SGX_MEASUREMENT_LEN];
        vt_sim_mrsigner_get(s.modulus, mrsigner);
        print_hex_line("mrenclave", s.mr_enclave);
        print_hex_line("mrsigner", mrsigner);
    }
    if (rc < 0)
        vt_cli_error(SIGN_PROG, "%s", vt_last_error()[0] ? vt_last_error() : vt_strerror(rc));
    free(sig);
    vt_sim_signer_free(signer);
    if (rc == 0 && fflush(stdout) != 0) {
        vt_cli_error(SIGN_PROG, "cannot write output");
        rc = VT_E_IO;
    }
    return rc < 0 ? VT_CLI_EXIT_FAIL : VT_CLI_EXIT_OK;
}

/* After a VT_E_MEASUREMENT refusal: was it the executable (not a trusted file) that differed? */
static bool exe_differs(const char *sig_path, const char *app)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    vt_sim_sigfile_t s;
    uint8_t h[32];
    bool differs = vt_file_read(sig_path, VT_SIM_SIG_MAX, &buf, &len) == 0 &&
                   vt_sim_sigfile_parse(buf, len, &s) == 0 && vt_sim_measure_path(app, h) == 0 &&
                   CRYPTO_memcmp(h, s.exe_sha256, sizeof(h)) != 0;
    free(buf);
    return differs;
}

static int run_parse(int argc, char **argv, const char **sig, const char **attestfs)
{
    struct option longopts[VT_CLI_MAX_OPTIONS + 2];
    char shortopts[3 * VT_CLI_MAX_OPTIONS + 5];
    int c;

    /* '+': stop at APP, so APP's own options are never taken for ours. */
    shortopts[0] = '+';
    vt_cli_getopt_tables(&run_help, longopts, shortopts + 1, sizeof(shortopts) - 1);
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        switch (c) {
        case OPT_HELP:
            vt_cli_print_help(RUN_PROG, &run_help, stdout);
            return VT_CLI_EXIT_OK;
        case OPT_SIG:
            *sig = optarg;
            break;
        case OPT_ATTESTFS:
            *attestfs = optarg;
            break;
        case OPT_ENV: {
            /* Set now: the launcher is already running, so only APP (after the exec) sees it. */
            char q[VT_CLI_QUOTED_LEN];
            const char *eq = strchr(optarg, '=');
            if (eq == NULL || eq == optarg)
                return vt_cli_usage_error(RUN_PROG, &run_help, "--env: %s: expected NAME=VALUE",
                                          vt_cli_quote_arg(optarg, q));
            char *name = strndup(optarg, (size_t)(eq - optarg));
            int set = name ? setenv(name, eq + 1, 1) : -1;
            free(name);
            if (set != 0) {
                vt_cli_error(RUN_PROG, "--env: %s: cannot set", vt_cli_quote_arg(optarg, q));
                return VT_CLI_EXIT_FAIL;
            }
            break;
        }
        default:
            return vt_cli_getopt_error(RUN_PROG, &run_help, c, argv);
        }
    }
    if (*sig == NULL) return vt_cli_usage_error(RUN_PROG, &run_help, "missing --sig SIG");
    if (optind >= argc) return vt_cli_usage_error(RUN_PROG, &run_help, "missing APP");
    return VT_CLI_CONTINUE;
}

int vt_cli_sim_run_main(int argc, char **argv)
{
    const char *sig = NULL, *attestfs = NULL;
    int status = run_parse(argc, argv, &sig, &attestfs);
    if (status != VT_CLI_CONTINUE) return status;

    fflush(NULL);
    int rc = vt_sim_launch_exec(sig, attestfs, argv + optind, NULL);
    /* Only a failure returns. */
    if (rc == VT_E_MEASUREMENT && exe_differs(sig, argv[optind]))
        vt_cli_error(RUN_PROG, "executable does not match the signed MRENCLAVE (tampered?)");
    else
        vt_cli_error(RUN_PROG, "%s", vt_last_error()[0] ? vt_last_error() : vt_strerror(rc));
    return VT_CLI_EXIT_FAIL;
}
