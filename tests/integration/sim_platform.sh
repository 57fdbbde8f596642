#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The simulated platform through the CLI: `veritee sim init` for every --tcb setting,
# `veritee sim quote` (SGX v3 and TDX v4, both CAs), and `veritee quote verify` with
# --trust-simulated-root: exit codes, the matching TCB status, and the stderr warning.
# Without --trust-simulated-root, or with the built-in Intel root, the quotes fail.
source "$(dirname "$0")/cli_lib.sh"

V=$VERITEE
h64=$(printf 'a%.0s' $(seq 64))
s64=$(printf '5%.0s' $(seq 64))
h96=$(printf 'd%.0s' $(seq 96))
td=$vt_tmp/td.json
printf '{"mrtd":"%s","rtmr1":"%s","td_attributes":"0000001000000000"}\n' "$h96" "$h96" >"$td"
WARN="trusting a SIMULATED root"

# quote_all DIR: q0 (SGX, Processor CA), q1 (TDX, Platform CA) into DIR.
quote_all() {
    run "$V" sim quote --platform "$1" --sgx --mrenclave "$h64" --mrsigner "$s64" \
        --isv-prod-id 3 --report-data 0102 -o "$1/q0.bin"
    expect "sgx quote exit 0" rc_is 0
    run "$V" sim quote --platform "$1" --index 1 --tdx --td-config "$td" --report-data ff \
        -o "$1/q1.bin"
    expect "tdx quote exit 0" rc_is 0
}

verify() {
    run "$V" quote verify "$1" --collateral "$2" --root "$2/root_ca.der" --trust-simulated-root
}

# tcb word, Intel word, exit status of quote verify
for row in uptodate:UpToDate:0 swhardening:SWHardeningNeeded:2 \
    configneeded:ConfigurationNeeded:2 configandswhardening:ConfigurationAndSWHardeningNeeded:2 \
    outofdate:OutOfDate:2 outofdateconfigneeded:OutOfDateConfigurationNeeded:2 \
    revoked:Revoked:1; do
    IFS=: read -r word status code <<<"$row"
    case_begin "sim init --tcb $word: quotes verify as $status"
    d=$vt_tmp/p-$word
    run "$V" sim init "$d" --platforms 2 --tcb "$word"
    expect "init exit 0" rc_is 0
    expect "init names the root" stdout_has "root_ca.der"
    quote_all "$d"
    for q in q0 q1; do
        verify "$d/$q.bin" "$d"
        expect "$q exit $code" rc_is "$code"
        expect "$q warns on stderr" stderr_has "$WARN"
        if [[ $word == revoked ]]; then
            expect "$q names the revocation" bash -c "grep -qi revoked '$OUT' '$ERR'"
        else
            expect "$q status $status" stdout_has "VERIFIED  tcb status: $status"
        fi
    done
    case_end
done

d=$vt_tmp/p-uptodate
case_begin "a simulated root needs --trust-simulated-root"
run "$V" quote verify "$d/q0.bin" --collateral "$d" --root "$d/root_ca.der"
expect "exit 1" rc_is 1
expect "says so" stderr_has "--trust-simulated-root"
expect "no trust warning" bash -c "! grep -qF '$WARN' '$ERR'"
case_end

case_begin "the built-in Intel root rejects simulated quotes"
run "$V" quote verify "$d/q0.bin" --collateral "$d"
expect "exit 1" rc_is 1
expect "FAILED verdict" stdout_has "FAILED"
case_end

case_begin "a flipped byte fails"
cp "$d/q1.bin" "$vt_tmp/bad.bin"
printf '\x01' | dd of="$vt_tmp/bad.bin" bs=1 seek=200 conv=notrunc status=none
verify "$vt_tmp/bad.bin" "$d"
expect "exit 1" rc_is 1
case_end

case_begin "sim init and sim quote usage errors"
run "$V" sim init "$vt_tmp/x" --tcb sideways
expect "bad --tcb is 64" rc_is 64
run "$V" sim init "$vt_tmp/x" --platforms 0
expect "zero platforms is 64" rc_is 64
run "$V" sim init "$d"
expect "existing platform is 1" rc_is 1
expect "says why" stderr_has "already exists"
run "$V" sim quote --platform "$d" --sgx --mrenclave "$h64" --report-data 00 -o "$vt_tmp/y"
expect "missing --mrsigner is 64" rc_is 64
run "$V" sim quote --platform "$d" --tdx --report-data 00 -o "$vt_tmp/y"
expect "missing --td-config is 64" rc_is 64
run "$V" sim quote --platform "$d" --index 9 --sgx --mrenclave "$h64" --mrsigner "$s64" \
    --report-data 00 -o "$vt_tmp/y"
expect "missing platform is 1" rc_is 1
printf '{"mrtd":"00"}' >"$vt_tmp/bad.json"
run "$V" sim quote --platform "$d" --tdx --td-config "$vt_tmp/bad.json" --report-data 00 \
    -o "$vt_tmp/y"
expect "bad td config is 1" rc_is 1
expect "names the field" stderr_has "mrtd"
case_end

case_begin "private files are private"
expect "private/ is 0700" test "$(stat -c %a "$d/private")" = 700
expect "pck key is 0600" test "$(stat -c %a "$d/private/platforms/0/pck_key.pem")" = 600
expect "root ca is readable" test -r "$d/root_ca.der"
case_end

finish
