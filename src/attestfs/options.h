/* SPDX-License-Identifier: Apache-2.0 */
/* Command-line options of veritee-attestfs. */
#ifndef VT_AFS_OPTIONS_H
#define VT_AFS_OPTIONS_H

#include <veritee/common.h>

#include "keyring.h"

#define VT_AFS_EXIT_RUNTIME 1
#define VT_AFS_EXIT_USAGE   64
/* Default cap on the per-process state table. */
#define VT_AFS_PROCESSES_DEFAULT 1024
#define VT_AFS_PROCESSES_MAX     65536

typedef struct {
    const char *platform;  /* borrowed from argv */
    unsigned long index;   /* platform index in the platform directory */
    const char *mount;     /* borrowed from argv; NULL: the default, if usable */
    const char *tsm_mount; /* borrowed from argv; NULL: no TD tree */
    const char *td_config; /* borrowed from argv */
    bool is_foreground;
    bool is_attestation_none;
    size_t max_processes;
    vt_afs_keyring_t keys; /* declared keys (--key) and "default"; holds secrets */
    bool is_help;
    bool is_version;
} vt_afs_options_t;

/*
 * Parses argv into *o (which must be cleaned up with vt_afs_options_cleanup, also on
 * failure). VT_E_INVALID_ARG (with detail) for a usage error.
 */
VT_MUST_CHECK int vt_afs_options_parse(int argc, char **argv, vt_afs_options_t *o);

/* Wipes the key values. */
void vt_afs_options_cleanup(vt_afs_options_t *o);

/* The --help text, on stdout. */
void vt_afs_options_print_help(void);

#endif
