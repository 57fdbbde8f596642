/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The configfs-tsm provider's constructor, with its test seam.
 *
 * Why a seam: in configfs, mkdir of a report entry makes the kernel create the
 * attributes (inblob, outblob, provider, generation, ...), writing inblob bumps
 * generation and reading outblob produces the report; and rmdir removes a directory
 * that still "contains" those attributes. A plain directory tree cannot do any of
 * that, so tests pass a hook that the provider calls at each of these moments and
 * that plays the kernel's part (vt_tsm_event_t in attester.h). Production code
 * (vt_attester_new) always passes NULL.
 */
#ifndef VT_ATTEST_TSM_H
#define VT_ATTEST_TSM_H

#include "attester.h"

/*
 * Creates a tsm attester over root (a configfs-tsm "report" directory). Probes the
 * provider: creates an entry, reads its `provider` attribute (tdx_guest -> TDX,
 * sev_guest -> SNP, anything else -> unknown) and removes the entry.
 * hook (may be NULL) is called with hook_arg at each event, for every entry this
 * attester creates, for as long as it lives.
 */
VT_MUST_CHECK int vt_tsm_attester_new(const char *root, vt_tsm_hook_fn hook, void *hook_arg,
                                      vt_attester_t **out);

/* Attempts per evidence request when the generation check detects a race: 1 + 3 retries. */
#define VT_TSM_ATTEMPTS 4
/* configfs-tsm's outblob limit is 32 KiB (TSM_OUTBLOB_MAX); accept up to VT_QUOTE_MAX. */
#define VT_TSM_OUTBLOB_MAX VT_QUOTE_MAX

#endif
