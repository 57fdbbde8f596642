#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Gramine-compatible secret provisioning end to end (needs root and /dev/fuse): a server
# (secretprov_server.c, built only against <gramine/secret_prov.h>, linked with
# -lsecret_prov_verify_dcap) and a client (secretprov_client.c, -lsecret_prov_attest)
# launched as a simulated enclave with `veritee sim run` on a veritee-attestfs mount.
# Server certificates come from a small CA made here with `openssl req`. Covered: the
# exported symbols; the API with Gramine's MORE -> 42 exchange; the constructor in string
# mode and in SET_KEY mode; secrets of 1 B, 4 KiB and 1 MiB (hashes compared); a wrong
# identity (RA_TLS_MRENCLAVE, measurement callback), a wrong CA, a wrong host name and an
# unlaunched process get nothing; the servers list (unreachable and unresolvable servers
# first, IPv6); several clients served at once while a stalled and a slow client wait.
source "$(dirname "$0")/cli_lib.sh"
source "$(dirname "$0")/fuse_lib.sh"

CLIENT=$VT_BUILD_DIR/tests/integration/secretprov_client
SERVER=$VT_BUILD_DIR/tests/integration/secretprov_server
LIBDIR=$VT_BUILD_DIR/src/gramine_secretprov
[[ $CLIENT == /* ]] || CLIENT=$PWD/$CLIENT
[[ $SERVER == /* ]] || SERVER=$PWD/$SERVER
[[ $LIBDIR == /* ]] || LIBDIR=$PWD/$LIBDIR
vt_require_fuse "secret provisioning tests"

V=$VERITEE
d=$vt_tmp/sp
mkdir -p "$d"

sha() { sha256sum "$1" | cut -d' ' -f1; }
free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ---- server PKI: a CA and a server certificate for localhost, 127.0.0.1 and ::1 -----------
pki() { # pki DIR
    mkdir -p "$1"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -keyout "$1/ca.key" -out "$1/ca.crt" -subj "/CN=Secretprov Test CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" \
        2>/dev/null || return 1
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1/srv.key" \
        -out "$1/srv.csr" -subj "/CN=localhost" 2>/dev/null || return 1
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n' \
        >"$1/ext.cnf"
    openssl x509 -req -in "$1/srv.csr" -CA "$1/ca.crt" -CAkey "$1/ca.key" -CAcreateserial \
        -days 2 -extfile "$1/ext.cnf" -out "$1/srv.crt" 2>/dev/null
}
pki "$d/pki" || { echo "openssl: cannot make the test PKI"; exit 1; }
pki "$d/other" || exit 1

# ---- the simulated platform, attestfs (with a declared key "default"), the signed client --
plat=$d/plat
"$V" sim init "$plat" >/dev/null || exit 1
MNT=$d/mnt
vt_afs_start "$MNT" "$d/afs.log" --platform "$plat" --key "default=$(printf '%032d' 0)" ||
    { echo "cannot mount attestfs"; cat "$d/afs.log"; exit 1; }

cp "$CLIENT" "$d/client"
cp "$LIBDIR/libsecret_prov_attest.so" "$d/"
"$V" sim sign --gen-key "$d/signer.pem" >/dev/null || exit 1
"$V" sim sign --key "$d/signer.pem" --exe "$d/client" --trusted-file "$d/libsecret_prov_attest.so" \
    --prod-id 7 --svn 3 -o "$d/client.sig" >"$d/client.id" || exit 1
MRE=$(sed -n 's/^mrenclave: //p' "$d/client.id")
MRS=$(sed -n 's/^mrsigner: //p' "$d/client.id")
OTHER_MRE=$(printf 'ab%.0s' $(seq 32))

# start_server NAME SECRET_FILE [ENV=V...] [-- SERVER_ARGS...]: sets PORT, SLOG.
start_server() {
    local name=$1 secret=$2
    shift 2
    local envs=() args=()
    while (($#)) && [[ $1 != -- ]]; do envs+=("$1"); shift; done
    (($#)) && shift && args=("$@")
    PORT=$(free_port)
    SLOG=$d/$name.log
    env VERITEE_ROOT_CA="$plat/root_ca.der" VERITEE_COLLATERAL="$plat" RA_TLS_MRENCLAVE="$MRE" \
        RA_TLS_MRSIGNER="$MRS" RA_TLS_ISV_PROD_ID=7 RA_TLS_ISV_SVN=3 "${envs[@]}" \
        "$SERVER" "$PORT" "$d/pki/srv.crt" "$d/pki/srv.key" "$secret" "${args[@]}" 2>"$SLOG" &
    vt_track_daemon $!
    for _ in $(seq 250); do
        grep -q "listening on port" "$SLOG" && return 0
        sleep 0.02
    done
    echo "server $name did not start"; cat "$SLOG"
    return 1
}

# enclave ARGS...: the client as a simulated enclave; servers and CA from the environment.
enclave() {
    run env LD_LIBRARY_PATH="$d" SECRET_PROVISION_CA_CHAIN_PATH="${CA:-$d/pki/ca.crt}" \
        SECRET_PROVISION_SERVERS="${SERVERS:-localhost:$PORT}" "$V" sim run --sig "$d/client.sig" \
        --attestfs "$MNT" -- "$d/client" "$@"
}
out_has() { grep -qF -- "$1" "$OUT"; }
err_has() { grep -qF -- "$1" "$ERR"; }
log_has() { grep -qF -- "$1" "$SLOG"; }

# ---- symbols ----------------------------------------------------------------------------
case_begin "libsecret_prov_attest.so exports exactly Gramine's client symbols@@SECRET_PROV"
run nm -D --defined-only "$LIBDIR/libsecret_prov_attest.so"
expect "symbols" diff <(printf '%s\n' SECRET_PROV secret_provision_close@@SECRET_PROV \
    secret_provision_get@@SECRET_PROV secret_provision_read@@SECRET_PROV \
    secret_provision_start@@SECRET_PROV secret_provision_write@@SECRET_PROV) \
    <(awk '{print $3}' "$OUT" | sort)
case_end

case_begin "libsecret_prov_verify_dcap.so exports exactly Gramine's server symbols@@SECRET_PROV"
run nm -D --defined-only "$LIBDIR/libsecret_prov_verify_dcap.so"
expect "symbols" diff <(printf '%s\n' SECRET_PROV secret_provision_close@@SECRET_PROV \
    secret_provision_read@@SECRET_PROV secret_provision_start_server@@SECRET_PROV \
    secret_provision_write@@SECRET_PROV) <(awk '{print $3}' "$OUT" | sort)
case_end

# ---- the API ------------------------------------------------------------------------------
# Random, but never a NUL-terminated string (the string-mode negative case uses it).
{ head -c 15 /dev/urandom; printf K; } >"$d/s16"
start_server main "$d/s16" || exit 1
MAIN_PORT=$PORT
MAIN_LOG=$SLOG

case_begin "API: the enclave gets the secret, then MORE -> 42, then the server's close"
enclave api "$d/got16"
expect "exit 0" rc_is 0
expect "api ok" out_has "api: ok 16 (close 0)"
expect "same secret" [ "$(sha "$d/got16")" = "$(sha "$d/s16")" ]
expect "f_cb ran" log_has "f_cb: answered MORE with 42 (0)"
case_end

case_begin "API: -EINVAL cases"
run "$d/client" badargs
expect "exit 0" rc_is 0
expect "ok" out_has "badargs: ok"
case_end

# ---- secrets of 1 B, 4 KiB and 1 MiB -------------------------------------------------------
declare -A SIZE_PORT
for size in 1 4096 1048576; do
    case_begin "a secret of $size bytes arrives intact"
    head -c "$size" /dev/urandom >"$d/s$size"
    start_server "size$size" "$d/s$size" || exit 1
    SIZE_PORT[$size]=$PORT
    enclave api "$d/got$size"
    expect "exit 0" rc_is 0
    expect "size" out_has "api: ok $size "
    expect "hash" [ "$(sha "$d/got$size")" = "$(sha "$d/s$size")" ]
    case_end
done

# ---- the constructor --------------------------------------------------------------------
printf 'A_SIMPLE_SECRET\0' >"$d/string"
start_server string "$d/string" || exit 1
STRING_PORT=$PORT
for v in 1 true TRUE; do
    case_begin "constructor (SECRET_PROVISION_CONSTRUCTOR=$v): the string in the environment"
    SECRET_PROVISION_CONSTRUCTOR=$v SECRET_PROVISION_SECRET_STRING=stale enclave env
    expect "exit 0" rc_is 0
    expect "secret" out_has "SECRET_PROVISION_SECRET_STRING=A_SIMPLE_SECRET"
    expect "CONSTRUCTOR unset" out_has "SECRET_PROVISION_CONSTRUCTOR=(unset)"
    case_end
done

# Gramine's usual form: loader.env.LD_PRELOAD = "libsecret_prov_attest.so" in an app that
# does not link the library. Here: a signed copy of env(1), the library preloaded through
# `sim run --env` so that its constructor runs inside the enclave, not in the launcher.
cp "$(command -v env)" "$d/envapp"
"$V" sim sign --key "$d/signer.pem" --exe "$d/envapp" --prod-id 7 --svn 3 \
    --trusted-file "$d/libsecret_prov_attest.so" -o "$d/envapp.sig" >"$d/envapp.id" || exit 1
start_server preload "$d/string" RA_TLS_MRENCLAVE="$(sed -n 's/^mrenclave: //p' "$d/envapp.id")" ||
    exit 1
# A sanitizer build's library needs the sanitizer runtime of an instrumented executable,
# which env(1) is not: the case runs in the normal build only.
if nm -D "$d/libsecret_prov_attest.so" | grep -E ' U __(asan|ubsan|sancov)_' >/dev/null; then
    echo "constructor through LD_PRELOAD: not run in a sanitizer build (env(1) has no runtime)"
else
    case_begin "constructor through LD_PRELOAD (sim run --env) in an app that does not link it"
    run env LD_LIBRARY_PATH="$d" SECRET_PROVISION_CA_CHAIN_PATH="$d/pki/ca.crt" \
        SECRET_PROVISION_SERVERS="localhost:$PORT" SECRET_PROVISION_CONSTRUCTOR=1 \
        "$V" sim run --sig "$d/envapp.sig" --attestfs "$MNT" \
        --env LD_PRELOAD="$d/libsecret_prov_attest.so" -- "$d/envapp"
    expect "exit 0" rc_is 0
    expect "the app sees the secret" out_has "SECRET_PROVISION_SECRET_STRING=A_SIMPLE_SECRET"
    expect "CONSTRUCTOR was unset" bash -c "! grep -q '^SECRET_PROVISION_CONSTRUCTOR=' '$OUT'"
    expect "the server pinned to env(1)'s identity rejected nobody" bash -c "! grep -q rejected '$SLOG'"
    case_end
fi

case_begin "constructor off for other values; a stale SECRET_STRING is left alone then"
SECRET_PROVISION_CONSTRUCTOR=yes SECRET_PROVISION_SECRET_STRING=stale enclave env
expect "not provisioned" out_has "SECRET_PROVISION_SECRET_STRING=stale"
case_end

case_begin "constructor: a secret that is not a NUL-terminated string exits 1"
PORT=$MAIN_PORT SECRET_PROVISION_CONSTRUCTOR=1 enclave env
expect "exit 1" rc_is 1
expect "message" err_has "not a NUL-terminated string"
expect "terminating" err_has "terminating the whole process"
case_end

case_begin "constructor SET_KEY: the 16-byte secret becomes keys/default"
PORT=$MAIN_PORT SECRET_PROVISION_CONSTRUCTOR=1 SECRET_PROVISION_SET_KEY=default enclave key default
expect "exit 0" rc_is 0
expect "key read back" out_has "$(od -An -tx1 -v "$d/s16" | tr -d ' \n')"
case_end

case_begin "constructor SET_KEY: a secret of another size exits 1"
PORT=${SIZE_PORT[4096]} SECRET_PROVISION_CONSTRUCTOR=1 SECRET_PROVISION_SET_KEY=default enclave key default
expect "exit 1" rc_is 1
expect "message" err_has "is not 16 bytes"
case_end

case_begin "constructor SET_KEY: an undeclared key exits 1"
PORT=$MAIN_PORT SECRET_PROVISION_CONSTRUCTOR=1 SECRET_PROVISION_SET_KEY=nokey enclave key default
expect "exit 1" rc_is 1
expect "message" err_has "keys/nokey"
case_end

# ---- who gets nothing ---------------------------------------------------------------------
start_server wrongmre "$d/s16" RA_TLS_MRENCLAVE="$OTHER_MRE" || exit 1
case_begin "a wrong identity (RA_TLS_MRENCLAVE pinned elsewhere) gets nothing"
enclave api "$d/none1"
expect "exit 1" rc_is 1
expect "-EPERM" out_has "secret_provision_start failed: -1"
expect "no secret" [ ! -e "$d/none1" ]
expect "server log line" log_has "rejected: RA-TLS verification failed"
expect "the reason" log_has "MRENCLAVE"
case_end

case_begin "a wrong identity: the constructor exits 1"
SECRET_PROVISION_CONSTRUCTOR=1 enclave env
expect "exit 1" rc_is 1
expect "message" err_has "terminating the whole process"
case_end

start_server mcb_other "$d/s16" -- --mcb "$OTHER_MRE" || exit 1
case_begin "measurement callback: another MRENCLAVE is refused"
enclave api "$d/none2"
expect "exit 1" rc_is 1
expect "callback ran" log_has "m_cb: MRENCLAVE mismatch"
expect "server log line" log_has "rejected: RA-TLS verification failed"
case_end

start_server mcb_ok "$d/s16" RA_TLS_MRENCLAVE="$OTHER_MRE" -- --mcb "$MRE" || exit 1
case_begin "measurement callback: the right MRENCLAVE is served (the variables are not used)"
enclave api "$d/got_mcb"
expect "exit 0" rc_is 0
expect "callback ran" log_has "m_cb: MRENCLAVE accepted"
expect "hash" [ "$(sha "$d/got_mcb")" = "$(sha "$d/s16")" ]
case_end

PORT=$MAIN_PORT
SLOG=$MAIN_LOG
case_begin "a server certificate from another CA is refused by the client"
CA=$d/other/ca.crt enclave api "$d/none3"
expect "exit 1" rc_is 1
expect "-EPERM" out_has "failed: -1"
expect "reason" err_has "certificate rejected"
case_end

case_begin "a server address that its certificate does not name is refused (127.0.0.2)"
SERVERS=127.0.0.2:$PORT enclave api "$d/none4"
expect "exit 1" rc_is 1
expect "reason" err_has "certificate rejected"
case_end

# Gramine's verifier takes one self-signed certificate (depth 0): a chain is refused before
# any appraisal, whatever the certificates are; a single plain one reaches the appraisal.
chain_client() { # chain_client [EXTRA_CHAIN_FILE]
    # No trust store: OpenSSL would complete a lone certificate's chain from it.
    run openssl s_client -connect "127.0.0.1:$MAIN_PORT" -cert "$d/pki/srv.crt" \
        -key "$d/pki/srv.key" ${1:+-cert_chain "$1"} -no-CAfile -no-CApath -no-CAstore
    for _ in $(seq 100); do (($(grep -c "rejected" "$MAIN_LOG") > before)) && break; sleep 0.05; done
}
case_begin "a client that sends a certificate chain is refused, a single certificate is appraised"
SLOG=$MAIN_LOG
before=$(grep -c "rejected" "$MAIN_LOG")
chain_client "$d/pki/ca.crt"
expect "chain refused" log_has "rejected: it sent a certificate chain, expected one RA-TLS certificate"
before=$(grep -c "rejected" "$MAIN_LOG")
chain_client
expect "one certificate appraised" log_has "rejected: RA-TLS verification failed"
expect "no second chain refusal" [ "$(grep -c "sent a certificate chain" "$MAIN_LOG")" = 1 ]
case_end

case_begin "a process not launched as an enclave gets no quote, hence no secret"
run env LD_LIBRARY_PATH="$d" VERITEE_ATTESTATION_DIR="$MNT" SECRET_PROVISION_CA_CHAIN_PATH="$d/pki/ca.crt" \
    SECRET_PROVISION_SERVERS="localhost:$PORT" "$d/client" api "$d/none5"
expect "exit 1" rc_is 1
expect "no secret" [ ! -e "$d/none5" ]
case_end

# ---- servers list ---------------------------------------------------------------------------
case_begin "servers list: unreachable and unresolvable servers first, then the real one"
SERVERS="127.0.0.1:1;no-such-host.invalid:4433, localhost:$PORT" enclave api "$d/got_list"
expect "exit 0" rc_is 0
expect "hash" [ "$(sha "$d/got_list")" = "$(sha "$d/s16")" ]
case_end

case_begin "servers list: IPv6 literal in brackets"
if "$PYTHON" -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null; then
    SERVERS="[::1]:1 [::1]:$PORT" enclave api "$d/got_v6"
    expect "exit 0" rc_is 0
    expect "hash" [ "$(sha "$d/got_v6")" = "$(sha "$d/s16")" ]
else
    echo "no IPv6 loopback: only the parse is checked (unit tests)"
fi
case_end

case_begin "servers list: only unreachable servers: Gramine's connect error (-0x44)"
SERVERS="127.0.0.1:1" enclave api "$d/none6"
expect "exit 1" rc_is 1
expect "code" out_has "failed: -68"
expect "detail names the server" err_has "127.0.0.1:1"
case_end

case_begin "servers list: only an unresolvable host: Gramine's unknown-host error (-0x52)"
SERVERS="no-such-host.invalid:1" enclave api "$d/none7"
expect "exit 1" rc_is 1
expect "code" out_has "failed: -82"
case_end

case_begin "servers list: a malformed token is -EINVAL"
SERVERS="localhost:0" enclave api "$d/none8"
expect "exit 1" rc_is 1
expect "code" out_has "failed: -22"
case_end

# ---- concurrency ------------------------------------------------------------------------------
case_begin "several clients at once; a stalled and a slow client block nobody"
# A connection that never sends its ClientHello (Gramine's server would hold its global
# handshake lock on it), and a client that waits 6 s before its MORE.
exec 7<>"/dev/tcp/127.0.0.1/$PORT"
(SLOW=1 enclave api "$d/slow" 6; cp "$OUT" "$d/slow.out"; echo "$RC" >"$d/slow.rc") &
slow_pid=$!
sleep 1
start=$(date +%s.%N)
pids=()
for i in 1 2 3 4 5 6; do
    (enclave api "$d/fast$i"; cp "$OUT" "$d/fast$i.out"; echo "$RC" >"$d/fast$i.rc") &
    pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
elapsed=$("$PYTHON" -c "import time; print(round(time.time() - $start, 2))")
echo "6 clients served in ${elapsed}s while the stalled and the slow client were pending"
for i in 1 2 3 4 5 6; do
    expect "fast client $i served" [ "$(cat "$d/fast$i.rc" 2>/dev/null)" = 0 ]
    expect "fast client $i hash" [ "$(sha "$d/fast$i")" = "$(sha "$d/s16")" ]
done
expect "the slow client was still pending" [ ! -e "$d/slow.rc" ]
expect "well within the stalled client's 30 s" "$PYTHON" -c "import sys; sys.exit(0 if $elapsed < 20 else 1)"
wait "$slow_pid"
expect "the slow client was served too" [ "$(cat "$d/slow.rc")" = 0 ]
exec 7<&-
case_end

finish
