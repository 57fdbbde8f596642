#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# veritee-attestfs end to end on real FUSE mounts (needs root and /dev/fuse): a simulated
# platform (`veritee sim init`), the signed probe (attestfs_probe.c) launched with
# `veritee sim run`, which checks every file rule from inside; quotes verified with
# `veritee quote verify`; the identity boundary (unlaunched processes, a hand-set
# VERITEE_SIM_SIG on another executable, files read with the client's rights);
# per-process isolation; local attestation; sealing keys across restarts, identities and
# platforms; every --tcb level; the state cap; SIGTERM. Every mount is unmounted by the
# EXIT trap, whatever fails.
source "$(dirname "$0")/cli_lib.sh"
source "$(dirname "$0")/fuse_lib.sh"

PROBE=${VT_ATTESTFS_PROBE:-$VT_BUILD_DIR/tests/integration/attestfs_probe}
[[ $PROBE == /* ]] || PROBE=$PWD/$PROBE
vt_require_fuse "attestfs tests"

V=$VERITEE
d=$vt_tmp/afs
mkdir -p "$d"

# start_afs NAME ARGS...: mounts veritee-attestfs on $d/NAME in the foreground and waits
# until it is mounted. Sets MNT, AFS_PID, LOG.
start_afs() {
    local name=$1
    shift
    MNT=$d/$name
    LOG=$d/$name.log
    vt_afs_start "$MNT" "$LOG" "$@"
}

# stop_afs [SIGNAL]: SIGTERM (or SIGNAL), then waits at most 5 s; AFS_RC is the daemon's
# exit status (124 if it had to be killed).
stop_afs() {
    kill "-${1:-TERM}" "$AFS_PID"
    for _ in $(seq 250); do kill -0 "$AFS_PID" 2>/dev/null || break; sleep 0.02; done
    if kill -0 "$AFS_PID" 2>/dev/null; then
        kill -KILL "$AFS_PID"
        wait "$AFS_PID"
        AFS_RC=124
        return
    fi
    wait "$AFS_PID"
    AFS_RC=$?
}

# enclave SIG ARGS...: the probe (or another app) launched as a simulated enclave on MNT.
enclave() {
    local sig=$1
    shift
    run "$V" sim run --sig "$sig" --attestfs "$MNT" -- "$@"
}

# hex of N bytes of a file at an offset
hexat() { od -An -tx1 -v -j "$2" -N "$3" "$1" | tr -d ' \n'; }

plat=$d/plat
"$V" sim init "$plat" --platforms 2 >/dev/null || exit 1
cp "$PROBE" "$d/probe"
"$V" sim sign --gen-key "$d/signer.pem" >/dev/null || exit 1
"$V" sim sign --key "$d/signer.pem" --exe "$d/probe" --prod-id 7 --svn 3 -o "$d/probe.sig" \
    >"$d/probe.id" || exit 1
mre=$(sed -n 's/^mrenclave: //p' "$d/probe.id")
mrs=$(sed -n 's/^mrsigner: //p' "$d/probe.id")
# probe2: another executable (one more byte) and ISVPRODID, same signer.
cp "$PROBE" "$d/probe2"
printf '\0' >>"$d/probe2"
"$V" sim sign --key "$d/signer.pem" --exe "$d/probe2" --prod-id 8 -o "$d/probe2.sig" >/dev/null ||
    exit 1

# ---- --help and the man page agree ------------------------------------------------------
MAN=$(cd "$VT_SOURCE_DIR" && pwd)/man/veritee-attestfs.8
render_man() {
    if command -v groff >/dev/null 2>&1; then
        groff -man -Tascii -P-cbu -ww "$MAN" 2>/dev/null
    else
        sed -e '/^\.\\"/d' -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\e/\\/g' \
            -e 's/^\.[A-Za-z]* *//' -e 's/"//g' "$MAN"
    fi
}
flat() { tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'; }
render_man >"$d/man.txt"
section() {
    awk -v s="$1" '$0 == s { f = 1; next } /^[A-Z][A-Z ]+$/ { f = 0 } f' "$d/man.txt"
}

case_begin "--help, --version and the man page agree"
run "$AFS" --help
expect "exit 0" rc_is 0
expect "usage first" stdout_has "Usage: veritee-attestfs --platform DIR"
expect "stderr empty" stderr_empty
cp "$OUT" "$d/help.txt"
for s in NAME SYNOPSIS DESCRIPTION FILES "TD QUOTES" OPTIONS EXAMPLE "EXIT STATUS" "SEE ALSO"; do
    expect "man section $s" grep -qx "$s" "$d/man.txt"
done
section SYNOPSIS | flat >"$d/synopsis.txt"
section OPTIONS | flat >"$d/options.txt"
while IFS= read -r line; do
    line=$(sed -E 's/^(Usage:)? +//' <<<"$line" | flat)
    expect "synopsis '$line'" grep -qF -- "$line" "$d/synopsis.txt"
done < <(sed -n '1,/^$/p' "$d/help.txt" | grep .)
for o in $(grep -oE -- '^ +(-[a-zA-Z], )?--[a-z-]+' "$d/help.txt" | grep -oE -- '--[a-z-]+'); do
    expect "man documents $o" grep -qF -- "$o" "$d/options.txt"
done
expect "verify_report documented as an extension" grep -q "A Veritee extension, not in Gramine" \
    "$d/man.txt"
run "$AFS" --version
expect "version: exit 0" rc_is 0
expect "names the program" stdout_has "veritee-attestfs 0."
case_end

case_begin "usage errors and a platform that does not load"
run "$AFS" --mount "$d"
expect "no --platform: 64" rc_is 64
expect "says what is missing" stderr_has "--platform DIR is required"
run "$AFS" --platform "$plat" --key "_sgx_x=00112233445566778899aabbccddeeff"
expect "reserved key name: 64" rc_is 64
run "$AFS" --platform "$plat" --key "k=0011"
expect "short key: 64" rc_is 64
expect "the value is not echoed" bash -c "! grep -q 0011 '$ERR'"
run "$AFS" --platform "$plat" --attestation-type epid
expect "unknown type: 64" rc_is 64
mkdir -p "$d/unused"
run "$AFS" --platform "$d/nowhere" --mount "$d/unused" --foreground
expect "missing platform: 1" rc_is 1
expect "clear error" stderr_has "veritee-attestfs: cannot load platform 0 of $d/nowhere"
expect "nothing mounted" bash -c "! mountpoint -q '$d/unused'"
run "$AFS" --platform "$plat" --index 5 --mount "$d/unused" --foreground
expect "missing index: 1" rc_is 1
run "$AFS" --platform "$plat" --mount "$d/probe" --foreground
expect "mount point not a directory: 1" rc_is 1
case_end

case_begin "the tree: files, modes, attestation_type, declared keys"
start_afs main --platform "$plat" --key "k1=00112233445566778899aabbccddeeff"
expect "mounted" test $? -eq 0
modes=$(cd "$MNT" && stat -c '%n %A' attestation_type user_report_data target_info \
    my_target_info report quote verify_report keys keys/default keys/k1 keys/_sgx_mrenclave \
    keys/_sgx_mrsigner | tr '\n' ,)
expect "modes as Gramine's" test "$modes" = "attestation_type -r--r--r--,user_report_data \
-rw-rw-rw-,target_info -rw-rw-rw-,my_target_info -r--r--r--,report -r--r--r--,quote \
-r--r--r--,verify_report --w--w--w-,keys dr-xr-xr-x,keys/default -rw-rw-rw-,keys/k1 \
-rw-rw-rw-,keys/_sgx_mrenclave -r--r--r--,keys/_sgx_mrsigner -r--r--r--,"
expect "attestation_type is dcap, no newline" test "$(hexat "$MNT/attestation_type" 0 16)" = 64636170
expect "keys/ lists the declared keys" test "$(ls "$MNT/keys" | tr '\n' ' ')" = \
    "_sgx_mrenclave _sgx_mrsigner default k1 "
expect "keys/k1 holds its --key value" test "$(hexat "$MNT/keys/k1" 0 64)" = \
    00112233445566778899aabbccddeeff
expect "keys/default is declared, unset" test "$(stat -c %s "$MNT/keys/default"; wc -c <"$MNT/keys/default")" = $'0\n0'
case_end

case_begin "a launched probe passes every file rule from inside"
enclave "$d/probe.sig" "$d/probe" check
expect "exit 0" rc_is 0
expect "no failure" stderr_empty
case_end

case_begin "quote through the mount verifies with the probe's MRENCLAVE, MRSIGNER and report data"
rd=$(printf 'ab%.0s' $(seq 64))
enclave "$d/probe.sig" "$d/probe" quote "$rd" "$d/q.bin"
expect "probe exit 0" rc_is 0
run "$V" quote verify "$d/q.bin" --collateral "$plat" --root "$plat/root_ca.der" \
    --trust-simulated-root --mrenclave "$mre" --mrsigner "$mrs" --isv-prod-id 7 \
    --min-isv-svn 3 --report-data "$rd"
expect "verify exit 0" rc_is 0
expect "UpToDate" stdout_has "VERIFIED  tcb status: UpToDate"
run "$V" quote verify "$d/q.bin" --collateral "$plat" --root "$plat/root_ca.der" \
    --trust-simulated-root --mrenclave "$(printf '0%.0s' $(seq 64))"
expect "another MRENCLAVE is rejected" rc_is 1
case_end

case_begin "a process not launched with sim run: EACCES on report, quote, keys; values usable"
before=$(wc -l <"$LOG")
run env VERITEE_ATTESTATION_DIR="$MNT" "$d/probe" unlaunched
expect "exit 0 (every refusal as expected)" rc_is 0
expect "refusals logged with the reason" bash -c "tail -n +$((before + 1)) '$LOG' | \
    grep -q 'refused pid [0-9]* quote: .*no VERITEE_SIM_SIG'"
expect "one line per refusal (6)" test "$(tail -n +$((before + 1)) "$LOG" | grep -c refused)" -eq 6
expect "no secret in the log" bash -c "! grep -qi 00112233445566778899aabbccddeeff '$LOG'"
case_end

case_begin "VERITEE_SIM_SIG set by hand on another executable: EACCES"
before=$(wc -l <"$LOG")
run env VERITEE_ATTESTATION_DIR="$MNT" VERITEE_SIM_SIG="$d/probe.sig" "$d/probe2" unlaunched
expect "exit 0 (every refusal as expected)" rc_is 0
expect "logged: the executable does not match" bash -c "tail -n +$((before + 1)) '$LOG' | \
    grep -q 'does not match the signed MRENCLAVE'"
run env VERITEE_ATTESTATION_DIR="$MNT" VERITEE_SIM_SIG=relative.sig "$d/probe2" unlaunched
expect "a relative sig path is refused too" rc_is 0
# A launcher that is not the probe (a shell) started with the probe's sig.
cp /bin/sh "$d/sh"
run env VERITEE_SIM_SIG="$d/probe.sig" "$d/sh" -c "cat '$MNT/quote' >/dev/null"
expect "sh with the probe's sig cannot read quote" rc_is 1
case_end

case_begin "the .sig and trusted files are read with the client's rights, not the daemon's"
# A client may only be the enclave whose files it can read: root must not read a root-only
# trusted file or .sig for it (that would confirm guesses of a file's contents).
pub=$d/pub
mkdir -p "$pub/out"
chmod o+x "$vt_tmp" "$d"
chmod 755 "$pub"
chmod 777 "$pub/out"
cp "$PROBE" "$pub/probe"
echo "only root reads this" >"$pub/secret.txt"
chmod 600 "$pub/secret.txt"
(cd "$pub" && "$V" sim sign --key "$d/signer.pem" --exe "$pub/probe" --trusted-file secret.txt \
    -o "$pub/probe_t.sig" >/dev/null) || exit 1
cp "$pub/probe_t.sig" "$pub/probe_t_root.sig"
chmod 644 "$pub/probe_t.sig"
chmod 600 "$pub/probe_t_root.sig"
rd=$(printf '5c%.0s' $(seq 64))
# as_nobody SIG: the probe, as uid 65534 in $pub, asks for a quote with SIG.
as_nobody() {
    run bash -c "cd '$pub' && setpriv --reuid=65534 --regid=65534 --clear-groups \
        env VERITEE_ATTESTATION_DIR='$MNT' VERITEE_SIM_SIG='$1' ./probe quote $rd out/q.bin"
}
before=$(wc -l <"$LOG")
as_nobody "$pub/probe_t.sig"
expect "a trusted file it cannot read: refused" test "$RC" -ne 0
expect "logged: permission denied on the trusted file" bash -c "tail -n +$((before + 1)) \
    '$LOG' | grep -q 'refused pid [0-9]* quote: .*secret.txt: Permission denied'"
run bash -c "cd '$pub' && env VERITEE_ATTESTATION_DIR='$MNT' VERITEE_SIM_SIG='$pub/probe_t.sig' \
    ./probe quote $rd out/q_root.bin"
expect "root, who can read it, is that enclave" rc_is 0
chmod 644 "$pub/secret.txt"
as_nobody "$pub/probe_t.sig"
expect "once readable, the same client is that enclave" rc_is 0
expect "its quote carries its data" test "$(hexat "$pub/out/q.bin" 368 64)" = "$rd"
before=$(wc -l <"$LOG")
as_nobody "$pub/probe_t_root.sig"
expect "a .sig it cannot read: refused" test "$RC" -ne 0
expect "logged: permission denied on the .sig" bash -c "tail -n +$((before + 1)) '$LOG' | \
    grep -q 'refused pid [0-9]* quote: .*probe_t_root.sig: Permission denied'"
case_end

case_begin "per-process state: two concurrent enclaves each get a quote with their own data"
mkdir -p "$d/sync"
rda=$(printf '1a%.0s' $(seq 64))
rdb=$(printf '2b%.0s' $(seq 64))
"$V" sim run --sig "$d/probe.sig" --attestfs "$MNT" -- "$d/probe" hold "$rda" "$d/qa.bin" \
    "$d/sync" 2>"$d/a.err" &
pa=$!
"$V" sim run --sig "$d/probe.sig" --attestfs "$MNT" -- "$d/probe" hold "$rdb" "$d/qb.bin" \
    "$d/sync" 2>"$d/b.err" &
pb=$!
for _ in $(seq 500); do [[ $(ls "$d/sync" | grep -c ready) -ge 2 ]] && break; sleep 0.02; done
touch "$d/sync/go"
wait "$pa"
ra=$?
wait "$pb"
rb=$?
expect "A exit 0" test "$ra" -eq 0
expect "B exit 0" test "$rb" -eq 0
expect "A's quote carries A's data" test "$(hexat "$d/qa.bin" 368 64)" = "$rda"
expect "B's quote carries B's data" test "$(hexat "$d/qb.bin" 368 64)" = "$rdb"
case_end

case_begin "local attestation: A's report for B verifies in B, not in C, not tampered"
enclave "$d/probe.sig" "$d/probe" target-info "$d/ti_b"
expect "B's target info" rc_is 0
enclave "$d/probe2.sig" "$d/probe2" report "$d/ti_b" "$d/rep_ab"
expect "A (probe2) reports for B" rc_is 0
enclave "$d/probe.sig" "$d/probe" verify "$d/rep_ab"
expect "B accepts it" rc_is 0
enclave "$d/probe2.sig" "$d/probe2" verify "$d/rep_ab"
expect "C (another identity) gets EKEYREJECTED" rc_is 3
cp "$d/rep_ab" "$d/rep_bad"
printf '\x01' | dd of="$d/rep_bad" bs=1 seek=320 conv=notrunc 2>/dev/null # REPORTDATA
enclave "$d/probe.sig" "$d/probe" verify "$d/rep_bad"
expect "B rejects a tampered report" rc_is 3
expect "logged" grep -q "verify_report: report MAC does not verify" "$LOG"
case_end

case_begin "sealing keys: stable across restarts, per identity, per platform; SIGTERM unmounts"
enclave "$d/probe.sig" "$d/probe" seal "$d/k1e" "$d/k1s"
expect "seal exit 0" rc_is 0
enclave "$d/probe2.sig" "$d/probe2" seal "$d/k2e" "$d/k2s"
expect "seal (probe2) exit 0" rc_is 0
stop_afs
expect "SIGTERM: exit 0" test "$AFS_RC" -eq 0
expect "SIGTERM: unmounted" bash -c "! mountpoint -q '$MNT'"
expect "SIGTERM: logged" grep -q "unmounting" "$LOG"
start_afs main --platform "$plat"
expect "mounted again" test $? -eq 0
enclave "$d/probe.sig" "$d/probe" seal "$d/k1e2" "$d/k1s2"
expect "MRENCLAVE key survives the restart" cmp -s "$d/k1e" "$d/k1e2"
expect "MRSIGNER key survives the restart" cmp -s "$d/k1s" "$d/k1s2"
expect "another identity, another MRENCLAVE key" bash -c "! cmp -s '$d/k1e' '$d/k2e'"
expect "another ISVPRODID, another MRSIGNER key" bash -c "! cmp -s '$d/k1s' '$d/k2s'"
stop_afs
start_afs main --platform "$plat" --index 1
enclave "$d/probe.sig" "$d/probe" seal "$d/k3e" "$d/k3s"
expect "platform 1: exit 0" rc_is 0
expect "another platform, another MRENCLAVE key" bash -c "! cmp -s '$d/k1e' '$d/k3e'"
expect "another platform, another MRSIGNER key" bash -c "! cmp -s '$d/k1s' '$d/k3s'"
stop_afs
expect "exit 0 again" test "$AFS_RC" -eq 0
case_end

case_begin "without --foreground: detaches once mounted and keeps logging to its stderr"
mkdir -p "$d/bg"
"$AFS" --platform "$plat" --mount "$d/bg" 2>"$d/bg.log"
rc=$?
vt_fuse_mounts+=("$d/bg")
expect "exit 0 once mounted" test "$rc" -eq 0
expect "mounted" mountpoint -q "$d/bg"
bgpid=""
for p in /proc/[0-9]*; do
    [[ $(cat "$p/comm" 2>/dev/null) == veritee-attest* ]] || continue
    if tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "--mount $d/bg "; then bgpid=${p#/proc/}; fi
done
expect "the detached daemon runs" test -n "$bgpid"
[[ -n $bgpid ]] && vt_track_daemon "$bgpid"
run env VERITEE_ATTESTATION_DIR="$d/bg" "$d/probe" unlaunched
expect "serves" rc_is 0
expect "logs to the stderr it was started with" grep -q "refused pid [0-9]* quote" "$d/bg.log"
if [[ -n $bgpid ]]; then
    kill -TERM "$bgpid"
    for _ in $(seq 250); do mountpoint -q "$d/bg" || break; sleep 0.02; done
fi
expect "SIGTERM unmounts" bash -c "! mountpoint -q '$d/bg'"
expect "logged" grep -q "unmounting" "$d/bg.log"
case_end

case_begin "attestation type none: no quote file; SIGINT unmounts"
start_afs none --platform "$plat" --attestation-type none
enclave "$d/probe.sig" "$d/probe" none
expect "exit 0" rc_is 0
expect "not listed" bash -c "! ls '$MNT' | grep -qx quote"
stop_afs INT
expect "SIGINT: exit 0" test "$AFS_RC" -eq 0
expect "SIGINT: unmounted" bash -c "! mountpoint -q '$MNT'"
expect "SIGINT: logged" grep -q "Interrupt, unmounting" "$LOG"
case_end

case_begin "state table cap: a new process beyond it gets ENOMEM until one exits"
start_afs cap --platform "$plat" --max-processes 2
mkdir -p "$d/sync2"
env VERITEE_ATTESTATION_DIR="$MNT" "$d/probe" urd ok "$d/sync2" 2>"$d/c1.err" &
p1=$!
env VERITEE_ATTESTATION_DIR="$MNT" "$d/probe" urd ok "$d/sync2" 2>"$d/c2.err" &
p2=$!
for _ in $(seq 500); do [[ $(ls "$d/sync2" | grep -c ready) -ge 2 ]] && break; sleep 0.02; done
run env VERITEE_ATTESTATION_DIR="$MNT" "$d/probe" urd ENOMEM
expect "third process: ENOMEM" rc_is 0
expect "logged clearly" grep -q "state table full (2 processes" "$LOG"
touch "$d/sync2/go"
wait "$p1"
wait "$p2"
run env VERITEE_ATTESTATION_DIR="$MNT" "$d/probe" urd ok
expect "after they exit: swept, accepted" rc_is 0
stop_afs
case_end

case_begin "tsm tree: the tsm provider gets a TDX quote of the TD config, with its report data"
h96=$(printf 'd%.0s' $(seq 96))
r96=$(printf '3c%.0s' $(seq 48))
printf '{"mrtd":"%s","rtmr1":"%s","td_attributes":"0000001000000000"}\n' "$h96" "$r96" >"$d/td.json"
mkdir -p "$d/tsm"
start_afs tsmmain --platform "$plat" --tsm-mount "$d/tsm" --td-config "$d/td.json"
expect "mounted" test $? -eq 0
expect "tsm tree mounted" mountpoint -q "$d/tsm"
run env VERITEE_TSM_DIR="$d/tsm/report" VERITEE_ATTESTATION_DIR=/nonexistent "$V" attest quote \
    --provider tsm --report-data 0a0b0c -o "$d/tdq.bin"
expect "attest quote exit 0" rc_is 0
expect "a tdx quote" stdout_has "tdx, from the tsm provider"
expect "entry removed again" test -z "$(ls "$d/tsm/report")"
run "$V" quote verify "$d/tdq.bin" --collateral "$plat" --root "$plat/root_ca.der" \
    --trust-simulated-root --mrtd "$h96" --rtmr1 "$r96" --report-data 0a0b0c
expect "verifies with MRTD, RTMR1 and report data" rc_is 0
expect "UpToDate" stdout_has "VERIFIED  tcb status: UpToDate"
run "$V" quote verify "$d/tdq.bin" --collateral "$plat" --root "$plat/root_ca.der" \
    --trust-simulated-root --report-data 0a0b0d
expect "other report data is rejected" rc_is 1
case_end

case_begin "tsm tree: configfs-tsm rules (entries, inblob, generation, provider, root only)"
e=$d/tsm/report/e1
chmod 0711 "$vt_tmp" "$d" # so that an unprivileged user reaches the tree
expect "mkdir" mkdir "$e"
expect "attributes listed" test "$(ls "$e" | tr '\n' ' ')" = "generation inblob outblob provider "
expect "modes" test "$(cd "$e" && stat -c '%n %A' inblob outblob generation provider | tr '\n' ,)" = \
    "inblob --w-------,outblob -r--r--r--,generation -r--r--r--,provider -r--r--r--,"
expect "provider" test "$(cat "$e/provider")" = tdx_guest
expect "generation starts at 0" test "$(cat "$e/generation")" = 0
expect "outblob before inblob: EINVAL" bash -c "LC_ALL=C cat '$e/outblob' 2>&1 >/dev/null | \
    grep -q 'Invalid argument'"
expect "a 3-byte inblob is refused" bash -c "! printf abc >'$e/inblob'"
expect "generation unchanged" test "$(cat "$e/generation")" = 0
head -c 64 /dev/zero | tr '\0' '\7' >"$d/in64"
expect "64-byte inblob" bash -c "cat '$d/in64' >'$e/inblob'"
expect "generation 1" test "$(cat "$e/generation")" = 1
cp "$e/outblob" "$d/ob1"
cp "$e/outblob" "$d/ob2"
expect "one quote per generation (cached)" cmp -s "$d/ob1" "$d/ob2"
expect "outblob carries the inblob" test "$(hexat "$d/ob1" 568 64)" = "$(hexat "$d/in64" 0 64)"
cat "$d/in64" >"$e/inblob"
expect "generation 2" test "$(cat "$e/generation")" = 2
expect "a new quote for the new generation" bash -c "! cmp -s '$d/ob1' '$e/outblob'"
expect "inblob is not readable" bash -c "! cat '$e/inblob' 2>/dev/null"
expect "not root: no mkdir" bash -c "! setpriv --reuid=65534 --regid=65534 --clear-groups \
    mkdir '$d/tsm/report/e2' 2>/dev/null"
expect "not root: no inblob write" bash -c "! setpriv --reuid=65534 --regid=65534 \
    --clear-groups sh -c 'cat $d/in64 >$e/inblob' 2>/dev/null"
expect "not root: generation still 2" test "$(cat "$e/generation")" = 2
expect "not root: outblob readable" setpriv --reuid=65534 --regid=65534 --clear-groups \
    cat "$e/outblob" >/dev/null
expect "not root: no rmdir" bash -c "! setpriv --reuid=65534 --regid=65534 --clear-groups \
    rmdir '$e' 2>/dev/null"
expect "rmdir" rmdir "$e"
expect "gone" test ! -e "$e"
expect "refusals logged" grep -q "refused pid [0-9]* /report/e1/inblob: tsm: inblob write of 3 bytes" \
    "$LOG"
expect "the daemon refused the unprivileged mkdir" grep -q "refused pid [0-9]* /report/e2: not root" \
    "$LOG"
stop_afs
expect "SIGTERM: exit 0" test "$AFS_RC" -eq 0
expect "both trees unmounted" bash -c "! mountpoint -q '$MNT' && ! mountpoint -q '$d/tsm'"
run "$AFS" --platform "$plat" --tsm-mount "$d/tsm"
expect "--tsm-mount without --td-config: 64" rc_is 64
printf '{"mrtd":"00"}' >"$d/bad.json"
run "$AFS" --platform "$plat" --mount "$d/unused" --tsm-mount "$d/tsm" --td-config "$d/bad.json" \
    --foreground
expect "bad TD config: 1" rc_is 1
expect "names the file" stderr_has "--td-config $d/bad.json"
expect "nothing mounted" bash -c "! mountpoint -q '$d/unused' && ! mountpoint -q '$d/tsm'"
case_end

# tcb word, Intel word, exit status of quote verify
for row in uptodate:UpToDate:0 swhardening:SWHardeningNeeded:2 \
    configneeded:ConfigurationNeeded:2 configandswhardening:ConfigurationAndSWHardeningNeeded:2 \
    outofdate:OutOfDate:2 outofdateconfigneeded:OutOfDateConfigurationNeeded:2 \
    revoked:Revoked:1; do
    IFS=: read -r word status code <<<"$row"
    case_begin "--tcb $word: a quote through the mount verifies as $status"
    p=$d/tcb-$word
    "$V" sim init "$p" --tcb "$word" >/dev/null
    start_afs "m-$word" --platform "$p"
    expect "mounted" test $? -eq 0
    enclave "$d/probe.sig" "$d/probe" quote 01 "$d/q-$word.bin"
    expect "quote exit 0" rc_is 0
    stop_afs
    run "$V" quote verify "$d/q-$word.bin" --collateral "$p" --root "$p/root_ca.der" \
        --trust-simulated-root
    expect "exit $code" rc_is "$code"
    if [[ $word == revoked ]]; then
        expect "names the revocation" bash -c "grep -qi revoked '$OUT' '$ERR'"
    else
        expect "status $status" stdout_has "VERIFIED  tcb status: $status"
    fi
    case_end
done

finish
