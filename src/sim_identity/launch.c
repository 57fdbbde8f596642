/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Launching a simulated enclave: the EINIT-like check on an open descriptor of the
 * executable, then fexecve of that same descriptor, so the bytes that were measured are
 * the bytes that run (a rename or replacement at the path after the check has no effect).
 * The descriptor is close-on-exec, so the app does not inherit it; the price is that a
 * "#!" script cannot be launched (the kernel would need /dev/fd/N after the exec), which
 * is fine for an enclave binary.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/file.h"
#include "sim_identity_internal.h"

#define MOD "sim_launch"

extern char **environ;

/* Sets the variables the app (and, through /proc/<pid>/environ, attestfs) reads. */
static int set_env(const char *sig_path, const char *attestfs)
{
    int rc = VT_E_INTERNAL;
    char *abs = realpath(sig_path, NULL);
    VT_TRY_ENSURE(abs != NULL, VT_E_IO, MOD ": %s: %s", sig_path, strerror(errno));
    VT_TRY_ENSURE(setenv("VERITEE_SIM_SIG", abs, 1) == 0, VT_E_NOMEM, MOD ": setenv failed");
    if (attestfs)
        VT_TRY_ENSURE(setenv("VERITEE_ATTESTATION_DIR", attestfs, 1) == 0, VT_E_NOMEM,
                      MOD ": setenv failed");
    rc = 0;
out:
    free(abs);
    return rc;
}

int vt_sim_launch_exec(const char *sig_path, const char *attestfs, char *const argv[],
                       vt_sgx_report_body_t *identity)
{
    int rc = VT_E_INTERNAL;
    uint8_t *sig = NULL;
    size_t len = 0;
    int fd = -1;
    vt_sgx_report_body_t id;

    VT_TRY_ENSURE(argv[0] != NULL && argv[0][0] != '\0', VT_E_INVALID_ARG,
                  MOD ": no executable given");
    VT_TRY(vt_file_read(sig_path, VT_SIM_SIG_MAX, &sig, &len));
    fd = open(argv[0], O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        VT_TRY_BAIL(errno == ENOENT ? VT_E_NOT_FOUND : VT_E_IO, MOD ": %s: %s", argv[0],
                    strerror(errno));
    VT_TRY(vt_sim_identity_verify(sig, len, fd, &id));
    if (identity) *identity = id;
    VT_TRY(set_env(sig_path, attestfs));
    fexecve(fd, argv, environ);
    /* The file is open, so ENOENT means a "#!" interpreter line (see the top of this file). */
    VT_TRY_BAIL(VT_E_IO, MOD ": cannot execute %s: %s", argv[0],
                errno == ENOENT ? "not a binary (scripts cannot be launched)" : strerror(errno));
out:
    if (fd >= 0) close(fd);
    free(sig);
    return rc;
}
