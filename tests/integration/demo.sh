#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make demo` keeps working: scripts/demo on this build verifies every real vector as
# Intel's library does and, on a veritee-attestfs mount, gets a simulated enclave's quote
# accepted on an up-to-date platform and rejected on a revoked one (root and /dev/fuse
# needed for that part, as for attestfs.sh).
source "$(dirname "$0")/cli_lib.sh"
source "$(dirname "$0")/fuse_lib.sh"

vt_require_fuse "the demo's simulated-enclave part and this test"

case_begin "scripts/demo: every vector matches, simulated enclave accepted and revoked rejected"
NO_COLOR=1 run "$VT_SOURCE_DIR/scripts/demo" "$VT_BUILD_DIR"
expect "exit 0" rc_is 0
expect "part 1: all vectors match" stdout_has "quotes match Intel's verdict"
expect "part 2: the good platform's quote verified" stdout_has "VERIFIED  tcb status: UpToDate"
expect "part 2: the revoked platform's quote failed" stdout_has "is listed in the pck crl"
expect "part 2: an unlaunched process is refused" stdout_has "permission denied"
expect "part 2: verdict line" \
    stdout_has "simulated enclave: quote accepted on the good platform, rejected on the revoked one"
expect "no mount left behind" bash -c "! grep -q veritee-demo /proc/mounts"
case_end

finish
