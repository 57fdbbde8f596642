#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# veritee-secretd end to end, on loopback: simulated platforms (veritee sim init), the
# daemon, and secretd_client, which presents RA-TLS certificates made from in-process
# quotes of any identity. Covers the secrets served to the right identity (Gramine and
# named requests, 1 B, 4 KiB, 1 MiB, generated), refusals with log lines, TCB statuses,
# malformed and stalled clients while others are served, reload under load, drain, the
# sealed generated secret across restarts, and configuration errors.
source "$(dirname "$0")/cli_lib.sh"

SECRETD=$VT_BUILD_DIR/src/secretd/veritee-secretd
CLIENT=$VT_BUILD_DIR/tests/integration/secretd_client
MAN=$VT_SOURCE_DIR/man/veritee-secretd.8
T=$vt_tmp
E1=$(printf 'e1%.0s' {1..32})
S51=$(printf '51%.0s' {1..32})
AA=$(printf 'aa%.0s' {1..32})
BB=$(printf 'bb%.0s' {1..32})
MRTD=$(printf '7d%.0s' {1..48})
RTMR2=$(printf '22%.0s' {1..48})
SD_PIDS=()
trap 'for p in "${SD_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$vt_tmp"' EXIT

sha() { sha256sum "$1" | cut -d' ' -f1; }

# Three simulated platforms, the server's certificate, the sealing key, secret files.
"$VERITEE" sim init "$T/up" >/dev/null
"$VERITEE" sim init "$T/ood" --tcb outofdate >/dev/null
"$VERITEE" sim init "$T/rev" --tcb revoked >/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/server.key" \
    -out "$T/server.crt" -subj /CN=localhost -days 2 2>/dev/null
(umask 077 && openssl rand -hex 32 >"$T/seal.key")
head -c 4096 /dev/urandom >"$T/s4k.bin"
head -c 1048576 /dev/urandom >"$T/s1m.bin"
head -c 16777216 /dev/urandom >"$T/s16m.bin"
printf 'A' >"$T/s1b.bin"

# config FILE PLATFORM RULES [EXTRA_TOP_LEVEL_JSON]: a configuration for one platform.
config() {
    cat >"$1" <<JSON
{
  "listen": ["127.0.0.1:0"],
  "tls": {"cert": "server.crt", "key": "server.key"},
  "trust": {"root_ca": "$2/root_ca.der", "trust_simulated_root": true, "collateral_dir": "$2"},
  "timeouts": {"handshake_ms": 1500, "idle_ms": 1500, "drain_ms": 8000},
  "workers": 2,
  "seal_key_file": "seal.key",
  ${4:-}
  "secrets": {
    "s1b": {"base64": "QQ=="},
    "s4k": {"file": "s4k.bin"},
    "s1m": {"file": "s1m.bin"},
    "s16m": {"file": "s16m.bin"},
    "text": {"string": "hello"},
    "gen": {"generate": 32, "sealed_file": "gen.sealed"}
  },
  "rules": $3
}
JSON
}

RULES_MAIN='[
  {"name": "app", "mrenclave": "'$E1'", "secrets": ["s4k", "s1b", "s1m", "s16m", "gen"],
   "default_secret": "s4k"},
  {"name": "signed", "mrsigner": "'$S51'", "isv_prod_id": 7, "min_isv_svn": 5,
   "secrets": ["s1b"]},
  {"name": "td", "mrtd": "'$MRTD'", "rtmr2": "'$RTMR2'", "secrets": ["s1m"]}
]'

# start_sd NAME CONFIG: starts the daemon, waits at most 10 s for "ready"; sets SD_PID,
# PORT and SD_LOG (empty PORT if it did not start).
start_sd() {
    SD_LOG=$T/$1.log
    "$SECRETD" --config "$2" 2>"$SD_LOG" &
    SD_PID=$!
    SD_PIDS+=("$SD_PID")
    PORT=""
    for _ in $(seq 100); do
        if grep -q "ready:" "$SD_LOG"; then
            PORT=$(sed -n 's|.*listening on 127\.0\.0\.1:\([0-9]*\)$|\1|p' "$SD_LOG" | head -n1)
            return 0
        fi
        kill -0 "$SD_PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# stop_sd: SIGTERM, wait; sets STOP_RC. A daemon that does not exit 0, or whose log has
# a sanitizer report, is listed in STOP_FAILS (checked by the last case).
STOP_FAILS=()
stop_sd() {
    kill -TERM "$SD_PID" 2>/dev/null
    wait "$SD_PID"
    STOP_RC=$?
    if ((STOP_RC != 0)) || grep -q "Sanitizer" "$SD_LOG"; then STOP_FAILS+=("$SD_LOG"); fi
}

# client PLATFORM ARGS...: runs secretd_client against the daemon (run: OUT/ERR/RC).
client() {
    local plat=$1
    shift
    run "$CLIENT" --connect "127.0.0.1:$PORT" --ca "$T/server.crt" --platform "$T/$plat" "$@"
}

log_has() { grep -qF -- "$1" "$SD_LOG"; }
# log_line_has PATTERN...: one access-log line contains every pattern.
log_line_has() {
    local line
    while IFS= read -r line; do
        local ok=1 p
        for p in "$@"; do [[ $line == *"$p"* ]] || ok=0; done
        ((ok)) && return 0
    done <"$SD_LOG"
    return 1
}
secret_is() { stdout_has "secret $(stat -c %s "$1") $(sha "$1")"; }

# ---- Help, version, man page ---------------------------------------------------------

case_begin "help: usage lines on stdout, exit 0, in the man page"
run "$SECRETD" --help
expect "exit 0" rc_is 0
expect "usage" stdout_has "Usage: veritee-secretd --config FILE [--check]"
for opt in --config --check --help --version SIGHUP SIGTERM; do
    expect "help names $opt" stdout_has "$opt"
    expect "man names $opt" grep -qF -- "$(sed 's/-/\\-/g' <<<"$opt")" "$MAN"
done
expect "man synopsis" grep -qF 'fBveritee-secretd \-\-config\fR \fIFILE\fR [\fB\-\-check\fR]' "$MAN"
case_end

case_begin "version and usage errors"
run "$SECRETD" --version
expect "version exit 0" rc_is 0
expect "version text" stdout_has "veritee-secretd "
run "$SECRETD"
expect "no --config: 64" rc_is 64
expect "says --config" stderr_has "--config FILE is required"
run "$SECRETD" --config
expect "missing argument: 64" rc_is 64
run "$SECRETD" --bogus
expect "unknown option: 64" rc_is 64
expect "names it" stderr_has "unknown option --bogus"
case_end

# ---- Configuration errors ---------------------------------------------------------------

# bad_config NAME EXPECTED_MESSAGE: --check on $T/bad.json fails with exit 1 and the message
# as the last line of stderr (after the simulated-root warning if it got that far).
bad_config() {
    local want=$2
    case_begin "config error: $1"
    run "$SECRETD" --config "$T/bad.json" --check
    expect "exit 1" rc_is 1
    expect "message: $2" eval 'tail -n 1 "$ERR" | grep -qF -- "veritee-secretd: $want"'
    expect "at most the warning before it" eval '[[ $(wc -l <"$ERR") -le 2 ]]'
    case_end
}

config "$T/good.json" up "$RULES_MAIN"
case_begin "config: --check accepts a good file and generates the sealed secret"
run "$SECRETD" --config "$T/good.json" --check
expect "exit 0" rc_is 0
expect "OK" stdout_has "configuration OK (3 rules, 6 secrets)"
expect "simulated root warning" stderr_has "warning: trusting the SIMULATED root CA"
expect "sealed file written" test -s "$T/gen.sealed"
expect "sealed file mode 0600" test "$(stat -c %a "$T/gen.sealed")" = 600
expect "no temp file left" test -z "$(ls "$T" | grep 'gen.sealed.tmp')"
case_end

config "$T/bad.json" up "$RULES_MAIN" '"colour": "blue",'
bad_config "unknown top-level key" 'config: $: unknown key "colour"'
config "$T/bad.json" up '[{"mrenclave": "'$E1'", "secrets": ["s1b"], "tcb": ["UpToDate"]}]'
bad_config "unknown key in a rule" 'config: $.rules[0]: unknown key "tcb"'
config "$T/bad.json" up '[{"mrenclave": "e1e1", "secrets": ["s1b"]}]'
bad_config "short MRENCLAVE" 'config: $.rules[0].mrenclave: 4 hex digits, expected 64 (32 bytes)'
config "$T/bad.json" up '[{"mrenclave": "'$E1'", "secrets": ["nope"]}]'
bad_config "unknown secret in a rule" 'config: $.rules[0].secrets[0]: no secret "nope" in $.secrets'
config "$T/bad.json" up '[{"mrenclave": "'$E1'", "secrets": ["s1b", "s4k"]}]'
bad_config "several secrets, no default" 'config: $.rules[0].default_secret: missing'
config "$T/bad.json" up '[{"mrenclave": "'$E1'", "mrtd": "'$MRTD'", "secrets": ["s1b"]}]'
bad_config "two identities" 'config: $.rules[0]: give exactly one identity'
config "$T/bad.json" up '[{"mrsigner": "'$S51'", "secrets": ["s1b"]}]'
bad_config "MRSIGNER without ISVPRODID" 'config: $.rules[0].isv_prod_id: missing'
config "$T/bad.json" up '[{"mrenclave": "'$E1'", "secrets": ["s1b"], "tcb_statuses": ["Revoked"]}]'
bad_config "Revoked accepted" 'config: $.rules[0].tcb_statuses[0]: a Revoked TCB is never accepted'
config "$T/bad.json" up '[{"mrenclave": "'$E1'", "secrets": ["s1b"], "tcb_statuses": ["Fine"]}]'
bad_config "unknown TCB status" 'config: $.rules[0].tcb_statuses[0]: unknown TCB status "Fine"'
config "$T/bad.json" up '[]'
bad_config "no rules" 'config: $.rules: expected a non-empty array of rules'
config "$T/bad.json" up "$RULES_MAIN" '"timeouts": {"idle_ms": 0},'
bad_config "duplicate key" "config: $T/bad.json:8:12: duplicate object key"
sed 's|"workers": 2,|"workers": "two",|' "$T/good.json" >"$T/bad.json"
bad_config "wrong type" 'config: $.workers: a string, expected an integer'
sed 's|"listen": \["127.0.0.1:0"\]|"listen": ["::1:4433"]|' "$T/good.json" >"$T/bad.json"
bad_config "IPv6 without brackets" 'config: $.listen[0]: write an IPv6 address in brackets'
sed 's|"trust_simulated_root": true|"trust_simulated_root": false|' "$T/good.json" >"$T/bad.json"
bad_config "simulated root not trusted" \
    'config: $.trust.root_ca: a SIMULATED root needs "trust_simulated_root": true: verifier: root subject contains "SIMULATED"'
sed 's|"s1b": {"base64": "QQ=="}|"s1b": {"base64": "QQ="}|' "$T/good.json" >"$T/bad.json"
bad_config "bad base64" 'config: $.secrets.s1b: base64 of 3 characters'
sed 's|"s1b": {"base64": "QQ=="}|"s1b": {"base64": "QQ==", "file": "x"}|' "$T/good.json" >"$T/bad.json"
bad_config "two sources" 'config: $.secrets.s1b: give exactly one of'
sed 's|"s1b": {"base64": "QQ=="}|"../x": {"base64": "QQ=="}|' "$T/good.json" >"$T/bad.json"
bad_config "bad secret name" 'config: $.secrets.../x: invalid secret name'
sed 's|"s4k.bin"|"missing.bin"|' "$T/good.json" >"$T/bad.json"
bad_config "missing secret file" 'config: $.secrets.s4k: '
sed 's|"listen": \["127.0.0.1:0"\]|"listen": ["localhost:4433"]|' "$T/good.json" >"$T/bad.json"
case_begin "config error: listen address not numeric (found at start, not by --check)"
run "$SECRETD" --config "$T/bad.json"
expect "exit 1" rc_is 1
expect "message" stderr_has 'listen: "localhost:4433" is not a numeric IPv4 or IPv6 address'
case_end
printf '{"listen": [' >"$T/bad.json"
bad_config "not JSON" 'config: '"$T/bad.json"':1:'
cp "$T/seal.key" "$T/seal.open"
chmod 644 "$T/seal.open"
sed 's|"seal.key"|"seal.open"|' "$T/good.json" >"$T/bad.json"
bad_config "sealing key readable by others" \
    "config: \$.seal_key_file: $T/seal.open: mode 0644 lets group or others read the sealing key"
cp "$T/gen.sealed" "$T/gen.keep"
printf 'X' | dd of="$T/gen.sealed" bs=1 seek=30 conv=notrunc 2>/dev/null
cp "$T/good.json" "$T/bad.json"
bad_config "tampered sealed secret" \
    "config: \$.secrets.gen.sealed_file $T/gen.sealed: sealed secret \"gen\": authentication failed"
cp "$T/gen.keep" "$T/gen.sealed"
# A sealed file is bound to its secret's name and to the key.
sed 's|"gen": {"generate": 32, "sealed_file": "gen.sealed"}|"gen2": {"generate": 32, "sealed_file": "gen.sealed"}|' \
    "$T/good.json" >"$T/bad.json"
bad_config "sealed secret of another name" \
    "config: \$.secrets.gen2.sealed_file $T/gen.sealed: sealed secret \"gen2\": authentication failed"
(umask 077 && openssl rand -hex 32 >"$T/seal.other")
sed 's|"seal.key"|"seal.other"|' "$T/good.json" >"$T/bad.json"
bad_config "sealed secret under another key" \
    "config: \$.secrets.gen.sealed_file $T/gen.sealed: sealed secret \"gen\": authentication failed"
sed 's|"generate": 32, "sealed_file": "gen.sealed"|"generate": 64, "sealed_file": "gen.sealed"|' \
    "$T/good.json" >"$T/bad.json"
bad_config "sealed secret of another size" \
    "config: \$.secrets.gen: $T/gen.sealed holds 32 bytes, but \"generate\" asks for 64"
head -c 31 /dev/urandom >"$T/seal.short"
chmod 600 "$T/seal.short"
sed 's|"seal.key"|"seal.short"|' "$T/good.json" >"$T/bad.json"
bad_config "sealing key of 31 bytes" \
    "config: \$.seal_key_file: $T/seal.short: 31 bytes, expected 32 bytes or 64 hex digits"
sed 's|"tls": {"cert": "server.crt", "key": "server.key"}|"tls": {"cert": "server.crt", "key": "seal.key"}|' \
    "$T/good.json" >"$T/bad.json"
bad_config "TLS key not a key" 'config: $.tls.key: cannot load the private key'

# ---- Serving ------------------------------------------------------------------------------

case_begin "daemon starts on the good configuration"
start_sd main "$T/good.json"
expect "ready with a port" test -n "$PORT"
expect "two workers" log_has "ready: 2 workers, 3 rules, 6 secrets"
case_end

case_begin "right MRENCLAVE, Gramine request: the rule's default secret (4 KiB)"
client up
expect "exit 0" rc_is 0
expect "4 KiB secret" secret_is "$T/s4k.bin"
expect "log line" log_line_has "mrenclave=$E1" "isvprodid=7 isvsvn=3" "tcb=UpToDate" \
    "request=gramine secret=s4k result=ok bytes=4096"
# The secret just served (4 KiB of random bytes), neither raw nor in hex.
expect "secret not logged" eval '! grep -qF "$(head -c 16 "$T/s4k.bin" | od -An -tx1 | tr -d " \n")" "$SD_LOG" && ! LC_ALL=C grep -qaF "$(head -c 12 "$T/s4k.bin" | tr -d "\0\n")" "$SD_LOG"'
case_end

case_begin "named requests: 1 B, 1 MiB, generated"
client up --name s1b
expect "1 B" secret_is "$T/s1b.bin"
client up --name s1m --out "$T/got1m"
expect "1 MiB" secret_is "$T/s1m.bin"
expect "1 MiB bytes equal" cmp -s "$T/got1m" "$T/s1m.bin"
client up --name gen
expect "generated: 32 bytes" stdout_has "secret 32 "
GEN1=$(cut -d' ' -f3 "$OUT")
expect "log names the secret" log_line_has "request=named secret=gen result=ok bytes=32"
case_end

case_begin "named request for a secret the rule does not give: refusal, log line"
client up --name text
expect "exit 2 (refused)" rc_is 2
expect "reason 1" stdout_has "refused 1"
expect "log" log_line_has "mrenclave=$E1" "request=named secret=text result=denied"
client up --name no-such-secret
expect "unknown name: same refusal" stdout_has "refused 1"
case_end

case_begin "wrong identity: handshake refused, nothing sent, clear log line"
client up --mrenclave "$AA" --mrsigner "$AA"
expect "exit 3 (handshake)" rc_is 3
expect "no secret" eval '! stdout_has secret'
expect "log names the identity" log_line_has "mrenclave=$AA" "result=denied" \
    'reason="no rule accepts this identity and TCB status"'
case_end

case_begin "MRSIGNER rule: ISVSVN at the minimum gets its secret, below it does not"
client up --mrenclave "$BB" --isvsvn 5
expect "svn 5: secret" secret_is "$T/s1b.bin"
expect "log" log_line_has "mrenclave=$BB" "isvsvn=5" "secret=s1b result=ok"
client up --mrenclave "$BB" --isvsvn 4
expect "svn 4: refused" rc_is 3
expect "log" log_line_has "mrenclave=$BB" "isvsvn=4" "result=denied"
client up --mrenclave "$BB" --isvsvn 9 --isvprodid 8
expect "other product: refused" rc_is 3
case_end

case_begin "debug enclave refused (allow_debug is false)"
client up --debug
expect "refused" rc_is 3
expect "log" log_line_has "mrenclave=$E1" "debug=1" "result=denied"
case_end

case_begin "TDX: MRTD and RTMR2 match, wrong RTMR2 refused"
client up --tdx
expect "1 MiB" secret_is "$T/s1m.bin"
expect "log" log_line_has "tdx mrtd=$MRTD" "secret=s1m result=ok"
client up --tdx --rtmr2 "$(printf '23%.0s' {1..48})"
expect "wrong RTMR2 refused" rc_is 3
case_end

case_begin "malformed requests: closed without an answer, logged"
client up --raw "SECRET_PROVISION_RA_TLS_REQUEST_V2"
expect "closed" rc_is 4
expect "log" log_line_has "result=malformed-request"
client up --raw "hello, server: 35 bytes of garbage!"
expect "closed" rc_is 4
n=$(grep -c "result=malformed-request" "$SD_LOG")
expect "two log lines" test "$n" -eq 2
case_end

case_begin "stalled handshake closed by the timeout while others are served"
"$CLIENT" --connect "127.0.0.1:$PORT" --platform "$T/up" --stall 3 >"$T/stall.out" 2>&1 &
stall=$!
sleep 0.3
client up --name s1b
expect "served during the stall" secret_is "$T/s1b.bin"
wait "$stall"
expect "stalled client was closed" grep -q "stalled: server closed" "$T/stall.out"
expect "log" log_line_has "result=handshake-timeout"
case_end

# 16 MiB: more than the socket buffers of both ends can absorb.
case_begin "client that stops reading a 16 MiB secret: write timeout, others served"
"$CLIENT" --connect "127.0.0.1:$PORT" --ca "$T/server.crt" --platform "$T/up" --name s16m \
    --rcvbuf 4096 --no-read 4 >"$T/noread.out" 2>&1 &
noread=$!
sleep 0.5
client up
expect "served meanwhile" secret_is "$T/s4k.bin"
wait "$noread"
expect "slow reader did not get it all" eval '! grep -q "^secret " "$T/noread.out"'
expect "log" log_line_has "secret=s16m result=write-timeout"
case_end

case_begin "idle client after the handshake: closed by the idle timeout"
client up --idle 3
expect "closed" stdout_has "idle: server closed"
expect "log" log_line_has "mrenclave=$E1" "result=idle-timeout"
case_end

case_begin "request dripped a byte at a time: the idle timeout counts from the handshake"
# 35 bytes 300 ms apart: each byte well within idle_ms (1.5 s), the whole in 10 s.
before=$(grep -c "result=idle-timeout" "$SD_LOG")
client up --drip 300
expect "closed" rc_is 4
expect "closed early" stdout_has "drip: server closed after"
expect "no secret" eval '! stdout_has "secret "'
expect "log" test "$(grep -c "request=- secret=- result=idle-timeout" "$SD_LOG")" -eq $((before + 1))
case_end

case_begin "reload under load: no failed connection, new policy effective"
loops=()
for i in 1 2 3; do
    "$CLIENT" --connect "127.0.0.1:$PORT" --ca "$T/server.crt" --platform "$T/up" \
        --repeat 40 --quiet >"$T/loop$i.out" 2>&1 &
    loops+=($!)
done
sleep 0.5
# New policy: the app's Gramine request now gets "text"; s4k is no longer given.
config "$T/good.json" up '[{"name": "app2", "mrenclave": "'$E1'", "secrets": ["text", "gen"],
  "default_secret": "text"}]'
kill -HUP "$SD_PID"
sleep 0.5
# An invalid file is refused and the running policy stays.
cp "$T/good.json" "$T/good.keep"
printf '{' >"$T/good.json"
kill -HUP "$SD_PID"
sleep 0.5
cp "$T/good.keep" "$T/good.json"
for i in 0 1 2; do
    wait "${loops[$i]}"
    expect "every connection of loop $((i + 1)) succeeded" test $? -eq 0
done
expect "reloaded" log_has "SIGHUP: configuration reloaded: generation 2, 1 rules, 6 secrets"
expect "bad file refused" log_has "SIGHUP: reload refused, keeping generation 2: config:"
client up
expect "new default secret" stdout_has "secret 6 $(printf 'hello\0' | sha256sum | cut -d' ' -f1)"
expect "string secret not logged" eval '! grep -qF "hello" "$SD_LOG"'
client up --name s4k
expect "s4k no longer given" rc_is 2
client up --name gen
expect "generated secret unchanged by the reload" stdout_has "secret 32 $GEN1"
case_end

case_begin "SIGTERM: in-flight request finishes, no new connections, exit 0"
"$CLIENT" --connect "127.0.0.1:$PORT" --ca "$T/server.crt" --platform "$T/up" --delay 1 \
    >"$T/inflight.out" 2>&1 &
inflight=$!
for _ in $(seq 100); do grep -q connected "$T/inflight.out" && break; sleep 0.1; done
kill -TERM "$SD_PID"
sleep 0.3
client up
expect "new connection refused" rc_is 1
wait "$inflight"
expect "in-flight request served" grep -q "^secret 6 " "$T/inflight.out"
wait "$SD_PID"
STOP_RC=$?
expect "exit 0" test "$STOP_RC" -eq 0
expect "no sanitizer report" eval '! grep -q Sanitizer "$SD_LOG"'
expect "drain logged" log_has "SIGTERM: no new connections; draining 1 open connections"
expect "stopped" log_has "veritee-secretd: stopped"
case_end

case_begin "generated secret persisted: identical after a restart"
start_sd restart "$T/good.json"
client up --name gen
expect "same secret" stdout_has "secret 32 $GEN1"
stop_sd
expect "exit 0" test "$STOP_RC" -eq 0
case_end

case_begin "IPv4 and IPv6 listeners; a client that does not speak TLS is logged and closed"
config "$T/v6.json" up "$RULES_MAIN"
sed -i 's|"listen": \["127.0.0.1:0"\]|"listen": ["127.0.0.1:0", "[::1]:0"]|' "$T/v6.json"
start_sd v6 "$T/v6.json"
PORT6=$(sed -n 's|.*listening on \[::1\]:\([0-9]*\)$|\1|p' "$SD_LOG")
expect "listening on [::1]" test -n "$PORT6"
run "$CLIENT" --connect "[::1]:$PORT6" --ca "$T/server.crt" --platform "$T/up" --name s1b
expect "served over IPv6" secret_is "$T/s1b.bin"
expect "peer logged as IPv6" log_line_has "peer=[::1]:" "secret=s1b result=ok"
client up
expect "served over IPv4" secret_is "$T/s4k.bin"
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET / HTTP/1.0\r\n\r\n' >&3
timeout 5 cat <&3 >/dev/null 2>&1
exec 3<&-
expect "plain HTTP: handshake failed" log_line_has "request=- secret=- result=handshake-failed"
stop_sd
case_end

case_begin "collateral from a PCCS (veritee-pccs over HTTPS) instead of a bundle directory"
"$VT_BUILD_DIR/src/pccs/veritee-pccs" --bundle "$T/up" --listen 127.0.0.1:0 \
    --cert "$T/server.crt" --key "$T/server.key" --quiet 2>"$T/pccs.log" &
pccs=$!
SD_PIDS+=("$pccs")
for _ in $(seq 50); do grep -q "listening on" "$T/pccs.log" && break; sleep 0.1; done
PPORT=$(sed -n 's|.*listening on https://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$T/pccs.log")
config "$T/pccs.json" up "$RULES_MAIN"
sed -i 's|"collateral_dir": "[^"]*"|"pccs_url": "https://localhost:'"$PPORT"'", "pccs_ca_file": "server.crt"|' \
    "$T/pccs.json"
start_sd pccs "$T/pccs.json"
client up --name s1b
expect "served with PCCS collateral" secret_is "$T/s1b.bin"
stop_sd
kill -TERM "$pccs"
wait "$pccs"
case_end

# ---- TCB statuses ----------------------------------------------------------------------

case_begin "OutOfDate platform: an advisory no rule lists fails the handshake, named in the log"
config "$T/ood.json" ood '[{"mrenclave": "'$E1'", "secrets": ["s1b"],
  "tcb_statuses": ["OutOfDate"]}]'
start_sd ood "$T/ood.json"
client ood
expect "refused" rc_is 3
expect "log" log_line_has "result=handshake-failed" "advisory INTEL-SA-00960 not accepted"
case_end

case_begin "OutOfDate platform: refused by an UpToDate rule, logged with its status"
config "$T/ood.json" ood '[{"mrenclave": "'$E1'", "secrets": ["s1b"],
  "advisories": ["INTEL-SA-00960"]}]'
kill -HUP "$SD_PID"
for _ in $(seq 50); do log_has "generation 2" && break; sleep 0.1; done
client ood
expect "refused" rc_is 3
expect "log" log_line_has "mrenclave=$E1" "tcb=OutOfDate" "result=denied"
case_end

case_begin "OutOfDate platform: served once the rule accepts OutOfDate (SIGHUP)"
config "$T/ood.json" ood '[{"mrenclave": "'$E1'", "secrets": ["s1b"],
  "tcb_statuses": ["UpToDate", "OutOfDate"], "advisories": ["INTEL-SA-00960"]}]'
kill -HUP "$SD_PID"
for _ in $(seq 50); do log_has "generation 3" && break; sleep 0.1; done
client ood
expect "served" secret_is "$T/s1b.bin"
expect "log" log_line_has "tcb=OutOfDate" "result=ok"
stop_sd
case_end

case_begin "revoked platform: handshake fails, reason logged"
config "$T/rev.json" rev '[{"mrenclave": "'$E1'", "secrets": ["s1b"],
  "tcb_statuses": ["OutOfDate", "SWHardeningNeeded"]}]'
start_sd rev "$T/rev.json"
client rev
expect "refused" rc_is 3
expect "log" log_line_has "result=handshake-failed" "is listed in the pck crl"
stop_sd
case_end

# ---- Limits ------------------------------------------------------------------------------

case_begin "connection limit: over it, new connections are closed; under it, served"
config "$T/lim.json" up "$RULES_MAIN" '"max_connections": 1,'
start_sd lim "$T/lim.json"
"$CLIENT" --connect "127.0.0.1:$PORT" --platform "$T/up" --stall 1 >/dev/null 2>&1 &
hold=$!
sleep 0.3
client up
expect "over the limit: closed" test "$RC" -ne 0
expect "log" log_line_has "result=over-limit"
wait "$hold"
sleep 0.3
client up
expect "served again" secret_is "$T/s4k.bin"
stop_sd
case_end

case_begin "every daemon stopped by SIGTERM exited 0 with a clean log"
expect "none failed: ${STOP_FAILS[*]:-}" test "${#STOP_FAILS[@]}" -eq 0
case_end

finish
