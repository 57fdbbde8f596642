#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# RA-TLS between simulated enclaves (needs root and /dev/fuse): two programs signed with
# `veritee sim sign` and launched with `veritee sim run` on a veritee-attestfs mount make
# their RA-TLS certificates through /dev/attestation and do a mutual TLS 1.3 handshake on
# 127.0.0.1 (tests/integration/ratls_peer.c), each pinning the other's MRENCLAVE; a wrong
# pin on either side and an unlaunched process are refused. Then `veritee ratls CERT KEY --
# openssl s_server ...` as a simulated enclave: the files (PEM labels, key mode 0600, DER
# with -D), `openssl s_client` sees the certificate, and `veritee cert verify` accepts
# exactly the enclave that made it. Mounts are undone by the EXIT trap.
source "$(dirname "$0")/cli_lib.sh"
source "$(dirname "$0")/fuse_lib.sh"

PEER=$VT_BUILD_DIR/tests/integration/ratls_peer
[[ $PEER == /* ]] || PEER=$PWD/$PEER
vt_require_fuse "ratls enclave tests"

V=$VERITEE
d=$vt_tmp/renc
mkdir -p "$d"

plat=$d/plat
"$V" sim init "$plat" >/dev/null || exit 1
MNT=$d/att
vt_afs_start "$MNT" "$d/afs.log" --platform "$plat" ||
    { echo "cannot mount attestfs: $(cat "$d/afs.log")"; exit 1; }
export VERITEE_ROOT_CA=$plat/root_ca.der VERITEE_COLLATERAL=$plat

# sign NAME SRC: copies SRC to $d/NAME and signs it; sets MRE.
"$V" sim sign --gen-key "$d/signer.pem" >/dev/null || exit 1
sign() {
    cp "$2" "$d/$1"
    "$V" sim sign --key "$d/signer.pem" --exe "$d/$1" --prod-id 7 --svn 3 -o "$d/$1.sig" \
        >"$d/$1.id" || exit 1
    MRE=$(sed -n 's/^mrenclave: //p' "$d/$1.id")
}
sign server "$PEER"
SERVER_MRE=$MRE
sign client "$PEER"
printf '\0' >>"$d/client" # another executable, so another MRENCLAVE
"$V" sim sign --key "$d/signer.pem" --exe "$d/client" --prod-id 7 --svn 3 -o "$d/client.sig" \
    >"$d/client.id" || exit 1
CLIENT_MRE=$(sed -n 's/^mrenclave: //p' "$d/client.id")
sign veritee "$V"
VERITEE_MRE=$MRE
OTHER=$(printf '77%.0s' $(seq 32))

# pair SERVER_PIN CLIENT_PIN: runs the server enclave in the background and the client
# enclave; sets SRC/CRC (exit statuses) and $d/s.out, $d/s.err, $d/c.out, $d/c.err.
pair() {
    rm -f "$d/port"
    "$V" sim run --sig "$d/server.sig" --attestfs "$MNT" -- "$d/server" server "$d/port" "$1" \
        >"$d/s.out" 2>"$d/s.err" &
    local spid=$!
    "$V" sim run --sig "$d/client.sig" --attestfs "$MNT" -- "$d/client" client "$d/port" "$2" \
        >"$d/c.out" 2>"$d/c.err"
    CRC=$?
    wait "$spid"
    SRC=$?
}
has() { grep -qF -- "$2" "$1"; }

case_begin "mutual RA-TLS between two simulated enclaves, each pinning the other"
pair "$CLIENT_MRE" "$SERVER_MRE"
expect "server exit 0" test "$SRC" -eq 0
expect "client exit 0" test "$CRC" -eq 0
expect "server saw the client" has "$d/s.out" "peer mrenclave: $CLIENT_MRE"
expect "client saw the server" has "$d/c.out" "peer mrenclave: $SERVER_MRE"
expect "isvprodid" has "$d/c.out" "peer isvprodid: 7"
expect "tcg evidence" has "$d/s.out" "peer source: tcg"
expect "UpToDate" has "$d/c.out" "peer tcb: UpToDate"
expect "TLS 1.3" has "$d/c.out" "tls: TLSv1.3"
RC=$CRC
case_end

case_begin "the client pins another MRENCLAVE: refused"
pair "$CLIENT_MRE" "$OTHER"
expect "client exit 1" test "$CRC" -eq 1
expect "client names the rule" has "$d/c.err" "mrenclave"
expect "server fails too" test "$SRC" -ne 0
RC=$CRC
case_end

case_begin "the server pins another MRENCLAVE: refused"
pair "$OTHER" "$SERVER_MRE"
expect "server exit 1" test "$SRC" -eq 1
expect "server names the rule" has "$d/s.err" "mrenclave"
expect "client exit 1" test "$CRC" -eq 1
RC=$SRC
case_end

case_begin "a process not launched as an enclave gets no certificate"
run env VERITEE_ATTESTATION_DIR="$MNT" "$d/client" client "$d/port" any
expect "exit 1" rc_is 1
expect "fails making its certificate" stderr_has "attester"
case_end

# ---- veritee ratls + openssl s_server / s_client -------------------------------------------
free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

case_begin "veritee ratls writes the files, then runs the command"
run "$V" sim run --sig "$d/veritee.sig" --attestfs "$MNT" -- "$d/veritee" ratls \
    "$d/c.pem" "$d/k.pem" -- sh -c 'echo ran; test -s "$0" && test -s "$1"' "$d/c.pem" "$d/k.pem"
expect "exit 0" rc_is 0
expect "the command ran after the files were written" stdout_has "ran"
expect "cert label" grep -qx -- "-----BEGIN TRUSTED CERTIFICATE-----" "$d/c.pem"
expect "key label" grep -qx -- "-----BEGIN EC PRIVATE KEY-----" "$d/k.pem"
expect "key mode 0600" test "$(stat -c %a "$d/k.pem")" = 600
expect "key matches" bash -c "[[ \$(openssl x509 -in '$d/c.pem' -noout -pubkey 2>/dev/null) == \
    \$(openssl ec -in '$d/k.pem' -pubout 2>/dev/null) ]]"
run "$V" cert show "$d/c.pem"
expect "show: P-384" stdout_has "key:                 EC P-384"
expect "show: this enclave" stdout_has "mrenclave:           $VERITEE_MRE"
run "$V" cert verify "$d/c.pem" --collateral "$plat" --root "$plat/root_ca.der" \
    --trust-simulated-root --mrenclave "$VERITEE_MRE" --prod-id 7 --min-svn 3
expect "verify exit 0" rc_is 0
run "$V" sim run --sig "$d/veritee.sig" --attestfs "$MNT" -- "$d/veritee" ratls -D \
    "$d/c.der" "$d/k.der"
expect "-D exit 0" rc_is 0
expect "-D: a DER certificate" bash -c "openssl x509 -inform DER -in '$d/c.der' -noout"
expect "-D: a DER SEC1 key" bash -c "openssl ec -inform DER -in '$d/k.der' -noout 2>/dev/null"
run "$V" sim run --sig "$d/veritee.sig" --attestfs "$MNT" -- "$d/veritee" ratls \
    "$d/c2.pem" "$d/k2.pem" -- /nonexistent/command
expect "a missing command: exit 1" rc_is 1
expect "a missing command: named" stderr_has "cannot run"
case_end

case_begin "openssl s_client against veritee ratls -- openssl s_server, then cert verify"
port=$(free_port)
"$V" sim run --sig "$d/veritee.sig" --attestfs "$MNT" -- "$d/veritee" ratls "$d/s.pem" \
    "$d/sk.pem" -- openssl s_server -cert "$d/s.pem" -key "$d/sk.pem" -accept "$port" \
    -tls1_3 -naccept 1 -www >"$d/sserver.out" 2>&1 </dev/null &
spid=$!
vt_track_daemon "$spid"
# s_server prints ACCEPT when it listens (a probe connection would use up -naccept 1);
# -www: it answers HTTP requests instead of reading standard input.
for _ in $(seq 500); do
    grep -q ACCEPT "$d/sserver.out" 2>/dev/null && break
    sleep 0.02
done
openssl s_client -connect "127.0.0.1:$port" -tls1_3 -showcerts </dev/null >"$d/sclient.out" 2>&1
sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' "$d/sclient.out" >"$d/seen.pem"
wait "$spid"
expect "s_client negotiated TLS 1.3" grep -q "TLSv1.3" "$d/sclient.out"
expect "a certificate was seen" test -s "$d/seen.pem"
expect "it is the one veritee ratls wrote" bash -c "[[ \$(openssl x509 -in '$d/seen.pem' \
    -outform DER | sha256sum) == \$(openssl x509 -in '$d/s.pem' -outform DER | sha256sum) ]]"
run "$V" cert verify "$d/seen.pem" --collateral "$plat" --root "$plat/root_ca.der" \
    --trust-simulated-root --mrenclave "$VERITEE_MRE" --json
expect "cert verify exit 0" rc_is 0
expect "verified, tcg, this enclave" json_ok 'j["verified"] and j["ratls"]["source"] == "tcg" and j["measurements"]["mrenclave"] == "'"$VERITEE_MRE"'"'
run "$V" cert verify "$d/seen.pem" --collateral "$plat" --root "$plat/root_ca.der" \
    --trust-simulated-root --mrenclave "$SERVER_MRE"
expect "another enclave's pin: exit 1" rc_is 1
case_end

case_begin "a TD's RA-TLS certificate: veritee ratls --provider tsm on attestfs's TD tree"
h96=$(printf 'd%.0s' $(seq 96))
printf '{"mrtd":"%s","td_attributes":"0000001000000000"}\n' "$h96" >"$d/td.json"
mkdir -p "$d/tsm"
vt_afs_start "$d/tdatt" "$d/tdafs.log" --platform "$plat" --tsm-mount "$d/tsm" \
    --td-config "$d/td.json"
expect "TD tree mounted" mountpoint -q "$d/tsm"
run env VERITEE_TSM_DIR="$d/tsm/report" VERITEE_ATTESTATION_DIR=/nonexistent \
    "$V" ratls --provider tsm "$d/td.pem" "$d/tdk.pem"
expect "ratls exit 0" rc_is 0
run "$V" cert verify "$d/td.pem" --collateral "$plat" --root "$plat/root_ca.der" \
    --trust-simulated-root --mrtd "$h96" --json
expect "cert verify exit 0" rc_is 0
expect "a verified TDX quote with this MRTD, bound to the key" \
    json_ok 'j["verified"] and j["tee"] == "tdx" and j["measurements"]["mrtd"] == "'"$h96"'"'
run "$V" cert verify "$d/td.pem" --collateral "$plat" --root "$plat/root_ca.der" \
    --trust-simulated-root --mrtd "$(printf 'e%.0s' $(seq 96))"
expect "another MRTD pinned: exit 1" rc_is 1
case_end

finish
