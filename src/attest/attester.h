/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal interface of the attest layer: the provider operations table, the attester
 * struct they share, and small file helpers for pseudo-files (Gramine's
 * /dev/attestation and configfs attributes), where every open/read/write is an
 * operation with side effects and must be done exactly as the protocol says.
 */
#ifndef VT_ATTEST_ATTESTER_H
#define VT_ATTEST_ATTESTER_H

#include <veritee/attest.h>

/* The tsm test seam (see tsm.h). */
typedef enum {
    VT_TSM_EV_CREATED,        /* the entry directory was just created */
    VT_TSM_EV_INBLOB_WRITTEN, /* inblob was just written */
    VT_TSM_EV_REMOVING,       /* the entry is about to be removed */
} vt_tsm_event_t;
typedef void (*vt_tsm_hook_fn)(vt_tsm_event_t ev, const char *entry_dir, void *arg);

typedef struct {
    const char *name;
    int (*get_evidence)(vt_attester_t *a, const uint8_t rd[static VT_REPORT_DATA_LEN],
                        uint8_t **evidence, size_t *len);
    /* NULL when the provider has no such operation. */
    int (*get_sealing_key)(vt_attester_t *a, const char *name,
                           uint8_t out[static VT_SEALING_KEY_LEN]);
    int (*get_report)(vt_attester_t *a, const uint8_t ti[static VT_SGX_TARGET_INFO_LEN],
                      const uint8_t rd[static VT_REPORT_DATA_LEN],
                      uint8_t out[static VT_SGX_REPORT_LEN]);
} vt_attest_ops_t;

struct vt_attester {
    const vt_attest_ops_t *ops; /* borrowed: a static table */
    char *dir;                  /* owned: the provider's directory */
    vt_attest_tee_t tee;
    vt_tsm_hook_fn tsm_hook; /* tsm test seam; NULL in production */
    void *tsm_hook_arg;      /* borrowed from the test */
};

/* Allocates an attester for ops with a copy of dir. */
VT_MUST_CHECK int vt_attester_alloc(const vt_attest_ops_t *ops, const char *dir,
                                    vt_attest_tee_t tee, vt_attester_t **out);

/* Whether path is an existing directory. */
bool vt_attest_is_dir(const char *path);

/* The provider constructors (gramine.c, tsm.c); dir must be an existing directory. */
VT_MUST_CHECK int vt_gramine_attester_new(const char *dir, vt_attester_t **out);
/* Whether dir/attestation_type reads "dcap" (auto selection); sets no error detail. */
bool vt_gramine_is_dcap(const char *dir);

/*
 * Maps a failed open/read/write/mkdir's errno to a code and sets the detail
 * "<module>: <what>: <reason>". ENOENT is VT_E_NOT_FOUND (naming dir if not NULL),
 * EACCES/EPERM VT_E_IO "permission denied" with hint (if not NULL) in parentheses,
 * anything else VT_E_IO with strerror.
 */
VT_MUST_CHECK int vt_attest_errno_rc(int err, const char *module, const char *dir, const char *what,
                                     const char *hint);

/*
 * Opens dir/name with flags (O_CLOEXEC added). On failure returns the mapped code
 * (see vt_attest_errno_rc) and *fd is -1.
 */
VT_MUST_CHECK int vt_attest_open(const char *module, const char *dir, const char *name, int flags,
                                 const char *hint, int *fd);

/*
 * Writes data to dir/name with ONE write() call (pseudo-files treat each write as a
 * whole new value). A short write is VT_E_IO.
 */
VT_MUST_CHECK int vt_attest_write_once(const char *module, const char *dir, const char *name,
                                       const uint8_t *data, size_t len, const char *hint);

/*
 * Reads fd to EOF into buf (cap bytes). *len is the byte count. More than cap bytes is
 * VT_E_TOO_LARGE; a read error is mapped as above. The reads use a buffer of cap bytes:
 * Gramine-style pseudo-files expect one large read.
 */
VT_MUST_CHECK int vt_attest_read_fd(int fd, const char *module, const char *what, uint8_t *buf,
                                    size_t cap, size_t *len);

/* Opens dir/name read-only and reads it whole (as vt_attest_read_fd). */
VT_MUST_CHECK int vt_attest_read_file(const char *module, const char *dir, const char *name,
                                      const char *hint, uint8_t *buf, size_t cap, size_t *len);

/*
 * Checks that evidence (a DCAP quote) parses, is for tee, and carries report_data.
 * Returns the parse code, VT_E_UNSUPPORTED for another TEE, VT_E_REPORT_DATA on a mismatch.
 */
VT_MUST_CHECK int vt_attest_check_quote(const char *module, const uint8_t *evidence, size_t len,
                                        vt_tee_t tee, const uint8_t rd[static VT_REPORT_DATA_LEN]);

#endif
