/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Options of veritee-attestfs: getopt_long over argv, numbers through strtoul (the whole
 * text must be the number), --key through the keyring, and the --help text.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "options.h"

enum {
    OPT_PLATFORM = 'p',
    OPT_INDEX = 'i',
    OPT_MOUNT = 'm',
    OPT_FOREGROUND = 'f',
    OPT_KEY = 'k',
    OPT_HELP = 'h',
    OPT_VERSION = 'V',
    OPT_TYPE = 256,
    OPT_MAX_PROCESSES,
    OPT_TSM_MOUNT,
    OPT_TD_CONFIG,
};

static const struct option long_options[] = {
    {"platform", required_argument, NULL, OPT_PLATFORM},
    {"index", required_argument, NULL, OPT_INDEX},
    {"mount", required_argument, NULL, OPT_MOUNT},
    {"foreground", no_argument, NULL, OPT_FOREGROUND},
    {"key", required_argument, NULL, OPT_KEY},
    {"attestation-type", required_argument, NULL, OPT_TYPE},
    {"max-processes", required_argument, NULL, OPT_MAX_PROCESSES},
    {"tsm-mount", required_argument, NULL, OPT_TSM_MOUNT},
    {"td-config", required_argument, NULL, OPT_TD_CONFIG},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

static int parse_number(const char *opt, const char *text, unsigned long min, unsigned long max,
                        unsigned long *out)
{
    char *end = NULL;

    VT_ENSURE(text[0] >= '0' && text[0] <= '9', VT_E_INVALID_ARG,
              "--%s: \"%.32s\" is not a decimal number", opt, text);
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    VT_ENSURE(errno == 0 && *end == '\0' && v >= min && v <= max, VT_E_INVALID_ARG,
              "--%s: \"%.32s\", expected %lu to %lu", opt, text, min, max);
    *out = v;
    return 0;
}

static int parse_one(int ch, vt_afs_options_t *o)
{
    unsigned long n = 0;

    switch (ch) {
    case OPT_PLATFORM:
        o->platform = optarg;
        return 0;
    case OPT_INDEX:
        return parse_number("index", optarg, 0, 63, &o->index);
    case OPT_MOUNT:
        o->mount = optarg;
        return 0;
    case OPT_FOREGROUND:
        o->is_foreground = true;
        return 0;
    case OPT_KEY:
        return vt_afs_keyring_add(&o->keys, optarg);
    case OPT_TYPE:
        VT_ENSURE(strcmp(optarg, "dcap") == 0 || strcmp(optarg, "none") == 0, VT_E_INVALID_ARG,
                  "--attestation-type \"%.32s\", expected dcap or none", optarg);
        o->is_attestation_none = strcmp(optarg, "none") == 0;
        return 0;
    case OPT_MAX_PROCESSES:
        VT_GUARD(parse_number("max-processes", optarg, 1, VT_AFS_PROCESSES_MAX, &n));
        o->max_processes = n;
        return 0;
    case OPT_TSM_MOUNT:
        o->tsm_mount = optarg;
        return 0;
    case OPT_TD_CONFIG:
        o->td_config = optarg;
        return 0;
    case OPT_HELP:
        o->is_help = true;
        return 0;
    case OPT_VERSION:
        o->is_version = true;
        return 0;
    default:
        VT_BAIL(VT_E_INVALID_ARG, "unknown option");
    }
}

int vt_afs_options_parse(int argc, char **argv, vt_afs_options_t *o)
{
    int ch;

    *o = (vt_afs_options_t){.max_processes = VT_AFS_PROCESSES_DEFAULT};
    vt_afs_keyring_init(&o->keys);
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":p:i:m:fk:hV", long_options, NULL)) != -1) {
        VT_ENSURE(ch != ':', VT_E_INVALID_ARG, "option %s needs an argument", argv[optind - 1]);
        VT_ENSURE(ch != '?', VT_E_INVALID_ARG, "unknown option %s", argv[optind - 1]);
        VT_GUARD(parse_one(ch, o));
    }
    VT_ENSURE(optind == argc, VT_E_INVALID_ARG, "unexpected argument \"%.64s\"", argv[optind]);
    if (o->is_help || o->is_version) return 0;
    VT_ENSURE(o->platform != NULL, VT_E_INVALID_ARG, "--platform DIR is required");
    VT_ENSURE((o->tsm_mount == NULL) == (o->td_config == NULL), VT_E_INVALID_ARG,
              "--tsm-mount PATH and --td-config FILE go together");
    return 0;
}

void vt_afs_options_cleanup(vt_afs_options_t *o)
{
    vt_afs_keyring_cleanup(&o->keys);
}

void vt_afs_options_print_help(void)
{
    fputs("Usage: veritee-attestfs --platform DIR [--index I] [--mount PATH] [--foreground]\n"
          "         [--key NAME=HEX32]... [--attestation-type dcap|none] [--max-processes N]\n"
          "         [--tsm-mount PATH --td-config FILE]\n"
          "       veritee-attestfs --help | --version\n"
          "\n"
          "Serves Gramine's /dev/attestation files from simulated platform I of DIR (made by\n"
          "'veritee sim init'), so that apps launched with 'veritee sim run' get SGX quotes,\n"
          "local reports and sealing keys for their signed identity. The platform's keys stay\n"
          "in this process. Must run as root: the file system is mounted with allow_other.\n"
          "\n"
          "Files (mode; each open produces the content read from that handle):\n"
          "  attestation_type      r--r--r--  \"dcap\" or \"none\", no newline\n"
          "  user_report_data      rw-rw-rw-  64 bytes (shorter zero-padded, longer truncated)\n"
          "  target_info           rw-rw-rw-  512 bytes, same rule\n"
          "  my_target_info        r--r--r--  the caller's 512-byte target info\n"
          "  report                r--r--r--  432-byte report for target_info, user_report_data\n"
          "  quote                 r--r--r--  SGX DCAP quote v3 (absent with type none)\n"
          "  verify_report         -w--w--w-  write a report made for the caller (extension)\n"
          "  keys/NAME             rw-rw-rw-  declared keys: write exactly 16 bytes\n"
          "  keys/_sgx_mrenclave   r--r--r--  sealing keys (MRENCLAVE / MRSIGNER policy)\n"
          "  keys/_sgx_mrsigner    r--r--r--\n"
          "user_report_data, target_info and key values are kept per process. report, quote,\n"
          "my_target_info, verify_report and keys/_sgx_* are served only to a process started\n"
          "by 'veritee sim run' whose executable still matches its .sig (else EACCES).\n"
          "With --tsm-mount, PATH/report/NAME/{inblob,outblob,generation,provider} give TDX\n"
          "quotes of the TD described by --td-config (mkdir/rmdir NAME, as configfs-tsm).\n"
          "\n"
          "Options:\n"
          "  -p, --platform DIR          the platform directory (required)\n"
          "  -i, --index I               which platform of DIR (default 0)\n"
          "  -m, --mount PATH            mount point, an existing directory (default\n"
          "                              /dev/attestation if it is missing or empty)\n"
          "  -f, --foreground            stay in the foreground (default: detach once mounted)\n"
          "  -k, --key NAME=HEX32        declare keys/NAME with a 16-byte initial value\n"
          "                              (repeatable; keys/default is always declared)\n"
          "      --attestation-type T    dcap (default) or none (no quote file)\n"
          "      --max-processes N       processes with state at once (default 1024)\n"
          "      --tsm-mount PATH        also mount a configfs-tsm tree for a simulated TD\n"
          "                              on PATH (VERITEE_TSM_DIR=PATH/report)\n"
          "      --td-config FILE        the TD's measurements (JSON, format in veritee(1))\n"
          "  -h, --help                  print this help and exit\n"
          "  -V, --version               print the version and exit\n"
          "\n"
          "Once mounted, prints \"mounted on PATH\" to standard error. Each refused request is\n"
          "logged to standard error as \"refused pid PID FILE: REASON\". SIGTERM or SIGINT\n"
          "unmounts and exits.\n"
          "\n"
          "Exit status: 0 after SIGTERM/SIGINT, 1 if the platform cannot be loaded or the\n"
          "mount fails, 64 usage error. See veritee-attestfs(8).\n",
          stdout);
}
