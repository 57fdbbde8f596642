#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `veritee attest info|quote` against directories with Gramine's /dev/attestation layout
# (plain files here: the quote is whatever the directory holds, so the report-data check
# is what is exercised) and against a fake configfs-tsm root. The same command on a live
# veritee-attestfs mount is covered by attestfs.sh.
source "$(dirname "$0")/cli_lib.sh"

V=$VERITEE
p=$vt_tmp/platform
g=$vt_tmp/gramine
h64=$(printf 'a%.0s' $(seq 64))
"$V" sim init "$p" >/dev/null || exit 1
mkdir -p "$g"
printf dcap >"$g/attestation_type"
: >"$g/user_report_data"
"$V" sim quote --platform "$p" --sgx --mrenclave "$h64" --mrsigner "$h64" \
    --report-data 0102 -o "$g/quote" >/dev/null || exit 1
export VERITEE_ATTESTATION_DIR=$g VERITEE_TSM_DIR=$vt_tmp/no-tsm

case_begin "attest info names the gramine provider and SGX"
run "$V" attest info
expect "exit 0" rc_is 0
expect "provider" stdout_has "provider: gramine"
expect "tee" stdout_has "tee: sgx"
case_end

case_begin "attest quote writes a quote that carries the report data"
run "$V" attest quote --report-data 0102 -o "$vt_tmp/q.bin"
expect "exit 0" rc_is 0
expect "says where" stdout_has "quote: $vt_tmp/q.bin"
expect "same bytes" cmp -s "$g/quote" "$vt_tmp/q.bin"
expect "padded report data written" test "$(od -An -tx1 -v "$g/user_report_data" | tr -d ' \n')" \
    = "0102$(printf '0%.0s' $(seq 124))"
run "$V" quote verify "$vt_tmp/q.bin" --collateral "$p" --root "$p/root_ca.der" \
    --trust-simulated-root --report-data 0102
expect "and it verifies" rc_is 0
case_end

case_begin "attest quote refuses evidence that carries other report data"
rm -f "$vt_tmp/q2.bin"
run "$V" attest quote --report-data 0103 -o "$vt_tmp/q2.bin"
expect "exit 1" rc_is 1
expect "says why" stderr_has "report data"
expect "no file written" test ! -e "$vt_tmp/q2.bin"
case_end

case_begin "attest quote with attestation_type none is refused"
printf none >"$g/attestation_type"
run "$V" attest quote --provider gramine -o "$vt_tmp/q3.bin"
expect "exit 1" rc_is 1
expect "names the type" stderr_has "none"
printf dcap >"$g/attestation_type"
case_end

case_begin "attest: no provider, unknown provider, missing -o"
VERITEE_ATTESTATION_DIR=$vt_tmp/nothing run "$V" attest info
expect "no provider: exit 1" rc_is 1
expect "says none found" stderr_has "no attestation provider found"
run "$V" attest quote --provider sgx -o x
expect "unknown provider: exit 64" rc_is 64
run "$V" attest quote
expect "missing -o: exit 64" rc_is 64
expect "says what" stderr_has "missing -o FILE"
run "$V" attest quote --report-data 0g -o x
expect "bad hex: exit 64" rc_is 64
case_end

finish
