#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `veritee quote dump|verify` against the real DCAP vectors, tampered quotes, wrong trust
# anchors, policy options and every kind of usage error. One counted case per check.
source "$(dirname "$0")/cli_lib.sh"

V=$VERITEE

# ---- every vector: verify (JSON and text) and dump (text and JSON) ------------------
for id in $(dcap_vectors); do
    dir=$VT_VECTORS_DIR/$id
    at=$(expected "$id" verify_time)
    status=$(expected "$id" expected_tcb_status)
    advisories=$(expected "$id" expected_advisory_ids)
    version=$(expected "$id" quote_version)
    tee=$(expected "$id" tee_type | tr 'A-Z' 'a-z')
    fmspc=$(expected "$id" fmspc)
    want_rc=2
    [[ $status == UpToDate ]] && want_rc=0

    case_begin "verify_json $id"
    run "$V" quote verify "$dir/quote.bin" --collateral "$dir" --at "$at" --json
    expect "exit status $want_rc" rc_is $want_rc
    expect "verified" json_ok 'j["verified"] is True and "error" not in j'
    expect "tcb_status $status" json_ok "j['tcb_status'] == '$status'"
    expect "advisory_ids [$advisories]" json_ok \
        "sorted(j['advisory_ids']) == sorted(x for x in '$advisories'.split(',') if x)"
    expect "tee/version/fmspc" json_ok \
        "j['tee'] == '$tee' and j['version'] == $version and j['fmspc'] == '$fmspc'"
    expect "collateral_expired false" json_ok 'j["collateral_expired"] is False'
    expect "verification_time" json_ok "j['verification_time'] == '$at'"
    expect "measurements" json_ok \
        "len(j['measurements']['mrtd' if '$tee' == 'tdx' else 'mrenclave']) in (64, 96)"
    expect "stderr empty" stderr_empty
    case_end

    case_begin "verify_text $id"
    run "$V" quote verify "$dir/quote.bin" --collateral "$dir" --at "$at"
    expect "exit status $want_rc" rc_is $want_rc
    expect "verdict line" stdout_first_line "VERIFIED  tcb status: $status"
    expect "tee line" grep -qE "^  tee: +$tee\$" "$OUT"
    expect "fmspc line" grep -qE "^  fmspc: +$fmspc\$" "$OUT"
    expect "no colour on a pipe" no_escape
    case_end

    case_begin "dump_text $id"
    run "$V" quote dump "$dir/quote.bin"
    expect "exit 0" rc_is 0
    expect "version line" grep -qE "^  version: +$version\$" "$OUT"
    expect "fmspc line" grep -qE "^  fmspc: +$fmspc\$" "$OUT"
    expect "ppid line" grep -qE "^  ppid: +[0-9a-f]{32}\$" "$OUT"
    expect "pcesvn line" grep -qE "^  pcesvn: +[0-9]+\$" "$OUT"
    case_end

    case_begin "dump_json $id"
    run "$V" quote dump "$dir/quote.bin" --json
    expect "exit 0" rc_is 0
    expect "parses, tee/version" json_ok "j['tee'] == '$tee' and j['header']['version'] == $version"
    expect "pck_extension" json_ok \
        "j['pck_extension']['fmspc'] == '$fmspc' and len(j['pck_extension']['comp_svn']) == 16"
    expect "lowercase hex" json_ok \
        "all(c in '0123456789abcdef' for c in j['signature_data']['signature'])"
    case_end
done

# ---- help and version ---------------------------------------------------------------
help_case() {
    local name=$1
    shift
    case_begin "help $name"
    run "$V" "$@"
    expect "exit 0" rc_is 0
    expect "usage on stdout" stdout_has "Usage: veritee"
    expect "stderr empty" stderr_empty
    case_end
}
help_case "--help" --help
help_case "-h" -h
help_case "help" help
help_case "help quote" help quote
help_case "quote --help" quote --help
help_case "quote help" quote help
help_case "quote help verify" quote help verify
help_case "quote dump --help" quote dump --help
help_case "quote verify --help" quote verify --help
help_case "quote verify -h" quote verify -h
help_case "quote verify FILE --help" quote verify nonexistent --help

case_begin "version"
run "$V" --version
expect "exit 0" rc_is 0
expect "version line" grep -qE '^veritee [0-9]+\.[0-9]+\.[0-9]+ ' "$OUT"
case_end

# ---- usage errors: 64, one error line, the usage hint, nothing on stdout ------------
Q=$VT_VECTORS_DIR/tdx-v4-phala-uptodate/quote.bin
C=$VT_VECTORS_DIR/tdx-v4-phala-uptodate
usage_case() {
    local name=$1 prefix=$2 needle=$3
    shift 3
    case_begin "usage $name"
    run "$V" "$@"
    expect "exit 64" rc_is 64
    expect "error line prefix '$prefix'" stderr_prefix "$prefix"
    expect "message has '$needle'" first_stderr_has "$needle"
    expect "usage hint" stderr_has "Usage: "
    expect "stdout empty" stdout_empty
    case_end
}
usage_case "no arguments" veritee "missing command"
usage_case "unknown noun" veritee "unknown command 'frobnicate'" frobnicate
usage_case "unknown top option" veritee "unknown option '--frob'" --frob
usage_case "unknown verb" "veritee quote" "unknown command 'frob'" quote frob
usage_case "quote without verb" "veritee quote" "missing command" quote
usage_case "help unknown" veritee "unknown command 'nope'" help nope
usage_case "unknown option" "veritee quote verify" "unknown option '--frob'" \
    quote verify "$Q" --collateral "$C" --frob
usage_case "unknown short option" "veritee quote verify" "unknown option '-x'" \
    quote verify "$Q" --collateral "$C" -x
usage_case "missing option argument" "veritee quote verify" "option '--collateral' needs an argument" \
    quote verify "$Q" --collateral
usage_case "missing FILE" "veritee quote verify" "missing FILE" quote verify --collateral "$C"
usage_case "extra argument" "veritee quote verify" "unexpected argument 'extra'" \
    quote verify "$Q" extra --collateral "$C"
usage_case "both sources" "veritee quote verify" "not both" \
    quote verify "$Q" --collateral "$C" --pccs https://pccs.invalid
usage_case "no source" "veritee quote verify" "missing --collateral DIR or --pccs URL" \
    quote verify "$Q"
usage_case "bad --at" "veritee quote verify" "--at: '2025-13-01' is not an RFC 3339 time" \
    quote verify "$Q" --collateral "$C" --at 2025-13-01
usage_case "bad --at text" "veritee quote verify" "--at:" \
    quote verify "$Q" --collateral "$C" --at yesterday
usage_case "flag with value" "veritee quote verify" "option '--json' takes no argument" \
    quote verify "$Q" --collateral "$C" --json=yes
usage_case "ambiguous prefix" "veritee quote verify" "ambiguous option '--mr'" \
    quote verify "$Q" --collateral "$C" --mr 00
usage_case "bad --mrenclave" "veritee quote verify" "--mrenclave:" \
    quote verify "$Q" --collateral "$C" --mrenclave abcd
usage_case "bad --mrtd digit" "veritee quote verify" "--mrtd:" \
    quote verify "$Q" --collateral "$C" --mrtd "$(printf 'g%.0s' {1..96})"
usage_case "--isv-prod-id too big" "veritee quote verify" "--isv-prod-id:" \
    quote verify "$Q" --collateral "$C" --isv-prod-id 65536
usage_case "--isv-prod-id negative" "veritee quote verify" "--isv-prod-id:" \
    quote verify "$Q" --collateral "$C" --isv-prod-id -1
usage_case "--min-isv-svn junk" "veritee quote verify" "--min-isv-svn:" \
    quote verify "$Q" --collateral "$C" --min-isv-svn 12abc
usage_case "--accept-status word" "veritee quote verify" "unknown TCB status 'Fine'" \
    quote verify "$Q" --collateral "$C" --accept-status Fine
usage_case "--accept-advisory empty" "veritee quote verify" "--accept-advisory:" \
    quote verify "$Q" --collateral "$C" --accept-advisory 'INTEL-SA-1,,'
usage_case "--report-data odd" "veritee quote verify" "--report-data:" \
    quote verify "$Q" --collateral "$C" --report-data abc
usage_case "--pccs-ca alone" "veritee quote verify" "--pccs-ca needs --pccs" \
    quote verify "$Q" --collateral "$C" --pccs-ca /dev/null
usage_case "--trust-simulated-root alone" "veritee quote verify" "needs --root" \
    quote verify "$Q" --collateral "$C" --trust-simulated-root
usage_case "dump unknown option" "veritee quote dump" "unknown option '--frob'" quote dump "$Q" --frob
usage_case "dump missing FILE" "veritee quote dump" "missing FILE" quote dump
usage_case "control characters quoted" veritee "unknown command 'a\\x1bb'" $'a\eb'

# ---- failures: exit 1 with exactly one error line ----------------------------------
fail_case() {
    local name=$1 needle=$2
    shift 2
    case_begin "fail $name"
    run "$V" "$@"
    expect "exit 1" rc_is 1
    expect "one stderr line" stderr_lines 1
    expect "error prefix" stderr_prefix "veritee $1 $2"
    expect "message has '$needle'" stderr_has "$needle"
    case_end
}
# flip FILE OFFSET OUT: a copy of FILE with the byte at OFFSET inverted.
flip() {
    "$PYTHON" -c 'import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[int(sys.argv[2])] ^= 0xff
open(sys.argv[3], "wb").write(b)' "$1" "$2" "$3"
}
SQ=$VT_VECTORS_DIR/sgx-v3-phala-processorca/quote.bin
SC=$VT_VECTORS_DIR/sgx-v3-phala-processorca
SAT=$(expected sgx-v3-phala-processorca verify_time)
AT=$(expected tdx-v4-phala-uptodate verify_time)

flip "$Q" 200 "$vt_tmp/td-body.bin"         # MRTD: the quote signature breaks
flip "$Q" 700 "$vt_tmp/td-qe-report.bin"    # inside the QE report: its PCK signature breaks
flip "$SQ" 100 "$vt_tmp/sgx-body.bin"       # MRENCLAVE
flip "$SQ" 440 "$vt_tmp/sgx-sig.bin"        # the quote signature itself
flip "$Q" 1 "$vt_tmp/td-version.bin"        # header version: a parse error
head -c 1000 "$Q" >"$vt_tmp/short.bin"
: >"$vt_tmp/empty.bin"
fail_case "flipped byte in TD body" "signature" quote verify "$vt_tmp/td-body.bin" --collateral "$C" --at "$AT"
fail_case "flipped byte in QE report" "verify" quote verify "$vt_tmp/td-qe-report.bin" --collateral "$C" --at "$AT"
fail_case "flipped byte in SGX body" "signature" quote verify "$vt_tmp/sgx-body.bin" --collateral "$SC" --at "$SAT"
fail_case "flipped byte in signature" "signature" quote verify "$vt_tmp/sgx-sig.bin" --collateral "$SC" --at "$SAT"
fail_case "bad version" "version" quote verify "$vt_tmp/td-version.bin" --collateral "$C" --at "$AT"
fail_case "truncated quote" "sgx_quote" quote verify "$vt_tmp/short.bin" --collateral "$C" --at "$AT"
fail_case "empty quote" "sgx_quote" quote verify "$vt_tmp/empty.bin" --collateral "$C" --at "$AT"
fail_case "missing quote file" "nonexistent.bin" quote verify "$vt_tmp/nonexistent.bin" --collateral "$C" --at "$AT"
fail_case "missing collateral dir" "collateral" quote verify "$Q" --collateral "$vt_tmp/nowhere" --at "$AT"
fail_case "wrong collateral" "" quote verify "$Q" --collateral "$SC" --at "$AT"
fail_case "dump of a flipped version" "version" quote dump "$vt_tmp/td-version.bin"
fail_case "dump of a truncated quote" "short.bin" quote dump "$vt_tmp/short.bin"

case_begin "fail flipped byte, JSON"
run "$V" quote verify "$vt_tmp/td-body.bin" --collateral "$C" --at "$AT" --json
expect "exit 1" rc_is 1
expect "verified false, error" json_ok 'j["verified"] is False and len(j["error"]) > 0'
expect "tcb_status null" json_ok 'j["tcb_status"] is None and j["advisory_ids"] == []'
expect "quote fields still shown" json_ok 'j["tee"] == "tdx" and j["measurements"] is not None'
expect "one stderr line" stderr_lines 1
case_end

case_begin "fail flipped byte, text verdict"
run "$V" quote verify "$vt_tmp/sgx-body.bin" --collateral "$SC" --at "$SAT"
expect "exit 1" rc_is 1
expect "FAILED verdict" grep -q '^FAILED  ' "$OUT"
case_end

# ---- trust anchors -----------------------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$vt_tmp/k.pem" \
    -out "$vt_tmp/other-root.pem" -days 36500 -subj "/CN=Some Other Root CA" 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$vt_tmp/k2.pem" \
    -out "$vt_tmp/sim-root.pem" -days 36500 -subj "/CN=Veritee SIMULATED Root CA" 2>/dev/null
openssl x509 -inform DER -in "$C/root_ca.der" -out "$vt_tmp/root.pem" 2>/dev/null
echo "not a certificate" >"$vt_tmp/junk.pem"

fail_case "wrong --root" "" quote verify "$Q" --collateral "$C" --at "$AT" --root "$vt_tmp/other-root.pem"
fail_case "--root not a certificate" "--root" quote verify "$Q" --collateral "$C" --at "$AT" --root "$vt_tmp/junk.pem"
fail_case "--root missing" "--root" quote verify "$Q" --collateral "$C" --at "$AT" --root "$vt_tmp/none.pem"
fail_case "--root TCB signing cert" "" quote verify "$Q" --collateral "$C" --at "$AT" \
    --root "$C/tcb_info_issuer_chain.pem"
fail_case "simulated root refused" "--trust-simulated-root" quote verify "$Q" --collateral "$C" \
    --at "$AT" --root "$vt_tmp/sim-root.pem"

case_begin "simulated root trusted: warning"
run "$V" quote verify "$Q" --collateral "$C" --at "$AT" --root "$vt_tmp/sim-root.pem" \
    --trust-simulated-root --json
expect "warning" stderr_has "warning: trusting a SIMULATED root: this quote proves nothing about real hardware"
expect "simulated_root true" json_ok 'j["simulated_root"] is True'
expect "real quote does not verify" rc_is 1
case_end

for form in der pem; do
    root=$C/root_ca.der
    [[ $form == pem ]] && root=$vt_tmp/root.pem
    case_begin "right --root ($form)"
    run "$V" quote verify "$Q" --collateral "$C" --at "$AT" --root "$root" --json
    expect "exit 0" rc_is 0
    expect "UpToDate, anchor" json_ok 'j["tcb_status"] == "UpToDate" and j["trust_anchor"] == "Intel SGX Root CA"'
    case_end
done

# ---- other inputs ------------------------------------------------------------------
case_begin "quote from standard input"
run_in "$Q" "$V" quote verify - --collateral "$C" --at "$AT" --json
expect "exit 0" rc_is 0
expect "UpToDate" json_ok 'j["tcb_status"] == "UpToDate"'
case_end

case_begin "dump from standard input"
run_in "$SQ" "$V" quote dump -
expect "exit 0" rc_is 0
expect "mrenclave" grep -qE '^  mrenclave: +[0-9a-f]{64}$' "$OUT"
case_end

case_begin "--at with an offset, --opt=value form"
run "$V" quote verify "$Q" --collateral="$C" --at=2025-07-19T12:00:34+02:00 --json
expect "exit 0" rc_is 0
expect "same instant" json_ok "j['verification_time'] == '$AT'"
case_end

case_begin "abbreviated option"
run "$V" quote verify "$Q" --coll "$C" --at "$AT"
expect "exit 0" rc_is 0
case_end

case_begin "expired collateral is a flag"
run "$V" quote verify "$Q" --collateral "$C" --at 2026-01-01T00:00:00Z --json
expect "exit 0" rc_is 0
expect "verified, expired" json_ok 'j["verified"] is True and j["collateral_expired"] is True'
case_end

case_begin "TcbNotSupported exits 2"
G=$VT_VECTORS_DIR/tdx-v4-gotdx-spr-notcblevel
run "$V" quote verify "$G/quote.bin" --collateral "$G" --at "$(expected tdx-v4-gotdx-spr-notcblevel verify_time)"
expect "exit 2" rc_is 2
expect "verdict" stdout_first_line "VERIFIED  tcb status: TcbNotSupported"
case_end

# ---- appraisal policy ----------------------------------------------------------------
MRTD=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["body"]["mrtd"])' \
    <("$V" quote dump "$Q" --json) 2>/dev/null)
MRENCLAVE=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["body"]["mrenclave"])' \
    <("$V" quote dump "$SQ" --json) 2>/dev/null)
policy_case() {
    local name=$1 want=$2 state=$3
    shift 3
    case_begin "policy $name"
    run "$V" quote verify "$@" --json
    expect "exit $want" rc_is "$want"
    expect "policy $state" json_ok "j['policy'] == '$state'"
    case_end
}
policy_case "mrtd match" 0 accepted "$Q" --collateral "$C" --at "$AT" --mrtd "$MRTD"
policy_case "mrtd mismatch" 1 rejected "$Q" --collateral "$C" --at "$AT" --mrtd "$(printf '0%.0s' {1..96})"
policy_case "report data mismatch" 1 rejected "$Q" --collateral "$C" --at "$AT" --report-data 00
policy_case "status not accepted" 1 rejected "$SQ" --collateral "$SC" --at "$SAT" --mrenclave "$MRENCLAVE"
policy_case "advisories not accepted" 1 rejected "$SQ" --collateral "$SC" --at "$SAT" \
    --accept-status ConfigurationAndSWHardeningNeeded
policy_case "status and advisories accepted" 2 accepted "$SQ" --collateral "$SC" --at "$SAT" \
    --mrenclave "0x$MRENCLAVE" --accept-status SWHardeningNeeded,ConfigurationAndSWHardeningNeeded \
    --accept-advisory INTEL-SA-00289 --accept-advisory INTEL-SA-00615 \
    --report-data 48656c6c6f2c20776f726c6421 --isv-prod-id 0 --min-isv-svn 0
policy_case "isv-prod-id mismatch" 1 rejected "$SQ" --collateral "$SC" --at "$SAT" \
    --accept-status ConfigurationAndSWHardeningNeeded --accept-advisory INTEL-SA-00289,INTEL-SA-00615 \
    --isv-prod-id 0x10
policy_case "min-isv-svn not met" 1 rejected "$SQ" --collateral "$SC" --at "$SAT" \
    --accept-status ConfigurationAndSWHardeningNeeded --accept-advisory INTEL-SA-00289,INTEL-SA-00615 \
    --min-isv-svn 1
policy_case "not evaluated on failure" 1 not_evaluated "$vt_tmp/td-body.bin" --collateral "$C" \
    --at "$AT" --mrtd "$MRTD"

case_begin "policy rejection, text verdict"
run "$V" quote verify "$Q" --collateral "$C" --at "$AT" --report-data 00
expect "exit 1" rc_is 1
expect "REJECTED verdict" grep -q '^REJECTED  ' "$OUT"
expect "one stderr line" stderr_lines 1
case_end

# ---- --pccs against a local PCCS that serves a vector's bundle (PCS v4 routes) --------
# pccs_start DIR: serves DIR on 127.0.0.1 (port in $PCCS_PORT, pid in $PCCS_PID).
pccs_start() {
    local portfile=$vt_tmp/pccs.port
    rm -f "$portfile"
    "$PYTHON" - "$1" "$portfile" <<'EOF' >"$vt_tmp/pccs.log" 2>&1 &
import http.server, os, sys, urllib.parse
root, portfile = sys.argv[1], sys.argv[2]
ROUTES = {  # path suffix -> (file, issuer chain header, its file)
    "/certification/v4/tcb": ("tcb_info.json", "TCB-Info-Issuer-Chain", "tcb_info_issuer_chain.pem"),
    "/certification/v4/qe/identity": ("qe_identity.json", "SGX-Enclave-Identity-Issuer-Chain",
                                      "qe_identity_issuer_chain.pem"),
    "/sgx/certification/v4/pckcrl": ("pck_crl.der", "SGX-PCK-CRL-Issuer-Chain", "pck_crl_issuer_chain.pem"),
    "/sgx/certification/v4/rootcacrl": ("root_ca_crl.der", None, None),
}
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = urllib.parse.urlparse(self.path).path
        for suffix, (name, header, chain) in ROUTES.items():
            if path.endswith(suffix):
                body = open(os.path.join(root, name), "rb").read()
                self.send_response(200)
                if header and os.path.exists(os.path.join(root, chain)):
                    pem = open(os.path.join(root, chain)).read()
                    self.send_header(header, urllib.parse.quote(pem, safe=""))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
        self.send_error(404)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
EOF
    PCCS_PID=$!
    local i
    for i in $(seq 1 100); do
        [[ -s $portfile ]] && break
        sleep 0.1
    done
    PCCS_PORT=$(cat "$portfile" 2>/dev/null)
}
pccs_stop() {
    kill "$PCCS_PID" 2>/dev/null
    wait "$PCCS_PID" 2>/dev/null
}

for id in sgx-v3-phala-processorca tdx-v5-alibaba-automata0625; do
    dir=$VT_VECTORS_DIR/$id
    status=$(expected "$id" expected_tcb_status)
    pccs_start "$dir"
    case_begin "pccs $id"
    run "$V" quote verify "$dir/quote.bin" --pccs "http://127.0.0.1:$PCCS_PORT" \
        --at "$(expected "$id" verify_time)" --json
    expect "server started" test -n "$PCCS_PORT"
    expect "status $status" json_ok "j['verified'] is True and j['tcb_status'] == '$status'"
    case_end
    pccs_stop
done

pccs_start "$SC" # an SGX bundle for a TDX quote
case_begin "pccs serving the wrong collateral"
run "$V" quote verify "$Q" --pccs "http://127.0.0.1:$PCCS_PORT/" --at "$AT"
expect "exit 1" rc_is 1
expect "one stderr line" stderr_lines 1
case_end
pccs_stop

case_begin "pccs unreachable"
run "$V" quote verify "$Q" --pccs "http://127.0.0.1:9" --at "$AT" --json
expect "exit 1" rc_is 1
expect "error names the URL" json_ok '"127.0.0.1:9" in j["error"] and j["verified"] is False'
case_end

# ---- colour: only on a terminal, never with NO_COLOR ---------------------------------
on_tty() {
    "$PYTHON" - "$@" <<'EOF'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
EOF
}
case_begin "colour on a tty"
on_tty "$V" quote verify "$Q" --collateral "$C" --at "$AT" >"$OUT" 2>"$ERR"
RC=$?
expect "escape sequence" grep -q $'\e\[' "$OUT"
case_end
case_begin "NO_COLOR on a tty"
NO_COLOR=1 on_tty "$V" quote verify "$Q" --collateral "$C" --at "$AT" >"$OUT" 2>"$ERR"
RC=$?
expect "no escape sequence" no_escape
expect "verdict still there" grep -q "VERIFIED" "$OUT"
case_end

finish
