/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The report entries of the simulated configfs-tsm tree (Linux
 * Documentation/ABI/testing/configfs-tsm): mkdir report/<name> creates an entry;
 * writing 64 bytes to its inblob sets the REPORTDATA and increments its generation;
 * reading outblob gives a TDX quote v4 of the simulated TD for that REPORTDATA (made
 * once per generation, as the kernel caches it); rmdir removes the entry. The entries
 * are shared by every process of the TD, as configfs entries are: the TD is the whole
 * VM, so there is no per-process identity here. One mutex guards the table.
 */
#ifndef VT_AFS_TSM_REPORT_H
#define VT_AFS_TSM_REPORT_H

#include <veritee/sim.h>

#define VT_AFS_TSM_ENTRIES_MAX 256
#define VT_AFS_TSM_NAME_MAX    255
#define VT_AFS_TSM_PROVIDER    "tdx_guest"

typedef struct vt_afs_tsm_reports vt_afs_tsm_reports_t;

/* p is borrowed (read-only; must outlive the table); td holds the TD's measurements. */
VT_MUST_CHECK int vt_afs_tsm_reports_new(const vt_sim_platform_t *p, const vt_td_report_body_t *td,
                                         vt_afs_tsm_reports_t **out);
void vt_afs_tsm_reports_free(vt_afs_tsm_reports_t *r);

/* VT_E_INVALID_ARG (bad name, exists), VT_E_TOO_LARGE (table full). */
VT_MUST_CHECK int vt_afs_tsm_report_create(vt_afs_tsm_reports_t *r, const char *name);
/* VT_E_NOT_FOUND if there is no such entry. */
VT_MUST_CHECK int vt_afs_tsm_report_remove(vt_afs_tsm_reports_t *r, const char *name);
bool vt_afs_tsm_report_exists(vt_afs_tsm_reports_t *r, const char *name);

/* Calls add(name, arg) for each entry (under the lock: add must not call back). */
void vt_afs_tsm_report_list(vt_afs_tsm_reports_t *r, int (*add)(const char *name, void *arg),
                            void *arg);

/* inblob: exactly VT_REPORT_DATA_LEN bytes (else VT_E_INVALID_ARG). */
VT_MUST_CHECK int vt_afs_tsm_report_set_inblob(vt_afs_tsm_reports_t *r, const char *name,
                                               const uint8_t *data, size_t len);
VT_MUST_CHECK int vt_afs_tsm_report_generation(vt_afs_tsm_reports_t *r, const char *name,
                                               uint64_t *out);
/*
 * The outblob of the current generation: VT_E_INVALID_ARG before any inblob write.
 * On success the caller owns *out (free()).
 */
VT_MUST_CHECK int vt_afs_tsm_report_outblob(vt_afs_tsm_reports_t *r, const char *name,
                                            uint8_t **out, size_t *len);

#endif
