#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# veritee-pccs end to end on loopback: a throwaway CA and server certificate made with
# openssl(1), the daemon on port 0, every vector's collateral fetched over HTTPS with
# curl (bytes and decoded issuer-chain headers equal the bundle files) and verified with
# `veritee quote verify --pccs`; the 400/404/405 answers; TLS without the CA refused;
# garbage on the socket survived; SIGTERM exits 0 within 2 s; options, --help and the
# man page agree. One counted case per check; every wait is bounded.
source "$(dirname "$0")/cli_lib.sh"

PCCSD=${VERITEE_PCCS:-$VT_BUILD_DIR/src/pccs/veritee-pccs}
[[ $PCCSD == /* ]] || PCCSD=$PWD/$PCCSD
V=$VERITEE
src=$(cd "$VT_SOURCE_DIR" && pwd)
MAN=$src/man/veritee-pccs.8
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

if [[ ! -x $PCCSD ]]; then
    echo "pccs_server: $PCCSD is not built" >&2
    echo "[  FAILED  ] 1 test(s), listed below:"
    echo "[  FAILED  ] veritee-pccs binary"
    exit 1
fi

# ---- servers: started in the background, all stopped at exit ----------------------------
pids=()
stop_all() {
    local p
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$vt_tmp"
}
trap stop_all EXIT

SRV_PID=""
PORT=""
# start_pccsd NAME ARGS...: starts the daemon with ARGS on 127.0.0.1:0; waits at most 5 s
# for "listening on"; sets SRV_PID and PORT (empty if it did not start). Log: $vt_tmp/NAME.log
start_pccsd() {
    local name=$1
    shift
    PORT=""
    # FD_LIMIT=N runs it with at most N open descriptors.
    bash -c 'ulimit -n "$1" && shift && exec "$@"' limit "${FD_LIMIT:-1024}" \
        "$PCCSD" --listen 127.0.0.1:0 "$@" </dev/null >"$vt_tmp/$name.out" 2>"$vt_tmp/$name.log" &
    SRV_PID=$!
    pids+=("$SRV_PID")
    for _ in $(seq 100); do
        PORT=$(sed -n 's|.*listening on https\{0,1\}://127\.0\.0\.1:\([0-9]*\)$|\1|p' \
            "$vt_tmp/$name.log")
        [[ -n $PORT ]] && return 0
        kill -0 "$SRV_PID" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# stop_pccsd PID: SIGTERM, then wait at most 2 s; returns the exit status (124 if still up).
stop_pccsd() {
    local pid=$1 rc
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 40); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        return 124
    fi
    wait "$pid"
    rc=$?
    return $rc
}

# ---- a throwaway CA and a server certificate for 127.0.0.1 -----------------------------
PKI=$vt_tmp/pki
mkdir -p "$PKI"
mkpki() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$PKI/ca.key" \
        -out "$PKI/ca.pem" -days 2 -subj /CN=veritee-pccs-test-ca &&
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$PKI/srv.key" \
            -out "$PKI/srv.csr" -subj /CN=127.0.0.1 &&
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$PKI/san.ext" &&
        openssl x509 -req -in "$PKI/srv.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" \
            -CAcreateserial -days 2 -extfile "$PKI/san.ext" -out "$PKI/srv.pem" &&
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
            -keyout "$PKI/other.key" -out "$PKI/other.pem" -days 2 -subj /CN=other
}
case_begin "throwaway PKI"
run mkpki
expect "openssl made the CA and server certificate" rc_is 0
case_end
CA=$PKI/ca.pem
TLS=(--cert "$PKI/srv.pem" --key "$PKI/srv.key")

HAVE_CURL=0
command -v curl >/dev/null 2>&1 && HAVE_CURL=1
# fetch URL: GET with curl and the test CA; body in $OUT, headers in $vt_tmp/hdr, status in
# $HTTP (000 when the transfer failed).
HTTP=""
fetch() {
    HTTP=$(curl -sS --max-time 10 --cacert "$CA" -D "$vt_tmp/hdr" -o "$OUT" -w '%{http_code}' \
        "$@" 2>"$ERR")
    RC=$?
}
# header_is NAME FILE: the URL-decoded value of header NAME equals FILE's bytes.
header_is() {
    "$PYTHON" -c 'import sys, urllib.parse
name = sys.argv[1].lower() + ":"
vals = [l.split(":", 1)[1].strip() for l in open(sys.argv[2], encoding="latin-1")
        if l.lower().startswith(name)]
want = open(sys.argv[3], "rb").read()
sys.exit(0 if len(vals) == 1 and urllib.parse.unquote_to_bytes(vals[0]) == want else 1)' \
        "$1" "$vt_tmp/hdr" "$2"
}
no_header() { ! grep -qi "^$1:" "$vt_tmp/hdr"; }
content_type_is() { grep -qi "^content-type: $1" "$vt_tmp/hdr"; }
body_is() { cmp -s "$OUT" "$1"; }
http_is() { [[ $HTTP == "$1" ]]; }
upper() { tr '[:lower:]' '[:upper:]' <<<"$1"; }

# ---- options, --help, the man page ------------------------------------------------------
render_man() {
    if command -v groff >/dev/null 2>&1; then
        groff -man -Tascii -P-cbu -ww "$MAN" 2>/dev/null
    else
        sed -e '/^\.\\"/d' -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\e/\\/g' \
            -e 's/^\.[A-Za-z]* *//' -e 's/"//g' "$MAN"
    fi
}
flat() { tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'; }
render_man >"$vt_tmp/man.txt"
section() {
    awk -v s="$1" '$0 == s { f = 1; next } /^[A-Z][A-Z ]+$/ { f = 0 } f' "$vt_tmp/man.txt"
}

case_begin "help"
run "$PCCSD" --help
expect "exit 0" rc_is 0
expect "usage first" stdout_has "Usage: veritee-pccs --bundle DIR"
expect "stderr empty" stderr_empty
cp "$OUT" "$vt_tmp/help.txt"
for s in NAME SYNOPSIS DESCRIPTION OPTIONS FILES EXAMPLE "EXIT STATUS" "SEE ALSO"; do
    expect "man section $s" grep -qx "$s" "$vt_tmp/man.txt"
done
section SYNOPSIS | flat >"$vt_tmp/synopsis.txt"
section OPTIONS | flat >"$vt_tmp/options.txt"
while IFS= read -r line; do
    line=$(sed -E 's/^(Usage:)? +//' <<<"$line" | flat)
    expect "synopsis '$line'" grep -qF -- "$line" "$vt_tmp/synopsis.txt"
done < <(sed -n '1,/^$/p' "$vt_tmp/help.txt" | grep .)
for o in $(grep -oE -- '^ +(-[a-zA-Z], )?--[a-z-]+' "$vt_tmp/help.txt" | grep -oE -- '--[a-z-]+'); do
    expect "man documents $o" grep -qF -- "$o" "$vt_tmp/options.txt"
done
case_end

case_begin "version"
run "$PCCSD" --version
expect "exit 0" rc_is 0
expect "names the program" stdout_has "veritee-pccs "
case_end

D1=$VT_VECTORS_DIR/sgx-v3-phala-processorca
usage_case() {
    local name=$1 want=$2
    shift 2
    case_begin "usage error: $name"
    run "$PCCSD" "$@"
    expect "exit 64" rc_is 64
    expect "says '$want'" stderr_has "$want"
    expect "points at --help" stderr_has "Try 'veritee-pccs --help'."
    expect "stdout empty" stdout_empty
    case_end
}
usage_case "no arguments" "--bundle DIR is required"
usage_case "no certificate" "--cert FILE and --key FILE are required" --bundle "$D1"
usage_case "key without cert" "are required" --bundle "$D1" --key "$PKI/srv.key"
usage_case "insecure with cert" "cannot be combined" --bundle "$D1" --insecure-http \
    --cert "$PKI/srv.pem" --key "$PKI/srv.key"
usage_case "unknown option" "unknown option --frobnicate" --frobnicate
usage_case "missing argument" "needs an argument" --bundle
usage_case "operand" "unexpected argument" --bundle "$D1" --insecure-http extra
usage_case "listen without port" "expected HOST:PORT" --bundle "$D1" --insecure-http --listen 127.0.0.1
usage_case "port too large" "expected 0 to 65535" --bundle "$D1" --insecure-http --listen 127.0.0.1:65536
usage_case "port with trailing text" "expected 0 to 65535" --bundle "$D1" --insecure-http --listen 127.0.0.1:80x
usage_case "negative port" "not a decimal number" --bundle "$D1" --insecure-http --listen 127.0.0.1:-1
usage_case "empty port" "not a decimal number" --bundle "$D1" --insecure-http --listen 127.0.0.1:
usage_case "empty host" "empty or too long host" --bundle "$D1" --insecure-http --listen :8081
usage_case "bare IPv6" "in brackets" --bundle "$D1" --insecure-http --listen ::1:8081

runtime_case() {
    local name=$1 want=$2
    shift 2
    case_begin "start failure: $name"
    run timeout 10 "$PCCSD" --listen 127.0.0.1:0 "$@"
    expect "exit 1" rc_is 1
    expect "says '$want'" stderr_has "$want"
    expect "never listened" eval '! grep -q "listening on" "$ERR"'
    case_end
}
mkdir -p "$vt_tmp/empty" "$vt_tmp/badjson"
cp "$D1"/* "$vt_tmp/badjson/" && printf '{"tcbInfo":' >"$vt_tmp/badjson/tcb_info.json"
runtime_case "missing bundle" "has neither tcb_info.json nor tdx_tcb_info.json" \
    --bundle "$vt_tmp/nonexistent" "${TLS[@]}"
runtime_case "empty bundle" "has neither" --bundle "$vt_tmp/empty" "${TLS[@]}"
runtime_case "malformed tcb info" "badjson/tcb_info.json" --bundle "$vt_tmp/badjson" "${TLS[@]}"
runtime_case "duplicate fmspc" "repeats a TCB info" --bundle "$D1" --bundle "$D1" "${TLS[@]}"
runtime_case "missing certificate" "cannot load the certificate chain" --bundle "$D1" \
    --cert "$vt_tmp/none.pem" --key "$PKI/srv.key"
runtime_case "key does not match" "cannot load the private key" --bundle "$D1" \
    --cert "$PKI/srv.pem" --key "$PKI/other.key"

# ---- every vector: bytes and headers, then a verification through the service ----------
for id in $(dcap_vectors); do
    dir=$VT_VECTORS_DIR/$id
    tee=$(expected "$id" tee_type | tr '[:upper:]' '[:lower:]')
    fmspc=$(expected "$id" fmspc)
    status=$(expected "$id" expected_tcb_status)
    at=$(expected "$id" verify_time)
    case_begin "serve $id"
    if ! start_pccsd "$id" --bundle "$dir" "${TLS[@]}"; then
        expect "daemon started" false
        case_end
        continue
    fi
    B=https://127.0.0.1:$PORT
    if ((HAVE_CURL)); then
        fetch "$B/$tee/certification/v4/tcb?fmspc=$(upper "$fmspc")"
        expect "tcb 200" http_is 200
        expect "tcb bytes" body_is "$dir/tcb_info.json"
        expect "tcb json" content_type_is application/json
        expect "tcb chain header" header_is TCB-Info-Issuer-Chain "$dir/tcb_info_issuer_chain.pem"
        fetch "$B/$tee/certification/v4/tcb?fmspc=$fmspc"
        expect "tcb lower-case fmspc 200" http_is 200
        fetch "$B/$tee/certification/v4/qe/identity"
        expect "qe 200" http_is 200
        expect "qe bytes" body_is "$dir/qe_identity.json"
        expect "qe chain header" header_is SGX-Enclave-Identity-Issuer-Chain \
            "$dir/qe_identity_issuer_chain.pem"
        ca=platform other=processor
        grep -q "Processor CA" "$dir/pck_crl.der" && ca=processor other=platform
        fetch "$B/sgx/certification/v4/pckcrl?ca=$ca&encoding=der"
        expect "pckcrl 200" http_is 200
        expect "pckcrl bytes" body_is "$dir/pck_crl.der"
        expect "pckcrl type" content_type_is application/pkix-crl
        if [[ -f $dir/pck_crl_issuer_chain.pem ]]; then
            expect "pckcrl chain header" header_is SGX-PCK-CRL-Issuer-Chain \
                "$dir/pck_crl_issuer_chain.pem"
        else
            expect "no pckcrl chain header" no_header SGX-PCK-CRL-Issuer-Chain
        fi
        fetch "$B/sgx/certification/v4/pckcrl?ca=$ca"
        expect "pckcrl PEM by default" stdout_first_line "-----BEGIN X509 CRL-----"
        openssl crl -in "$OUT" -outform DER -out "$vt_tmp/crl.der" 2>/dev/null
        expect "PEM is the same CRL" cmp -s "$vt_tmp/crl.der" "$dir/pck_crl.der"
        fetch "$B/sgx/certification/v4/pckcrl?ca=$other&encoding=der"
        expect "other CA 404" http_is 404
        fetch "$B/sgx/certification/v4/rootcacrl"
        expect "rootcacrl 200" http_is 200
        expect "rootcacrl bytes" body_is "$dir/root_ca_crl.der"
    fi
    want_rc=2
    [[ $status == UpToDate ]] && want_rc=0
    run "$V" quote verify "$dir/quote.bin" --pccs "$B" --pccs-ca "$CA" --at "$at" --json
    expect "verify exit $want_rc" rc_is $want_rc
    expect "verified" json_ok 'j["verified"] is True and "error" not in j'
    expect "tcb_status $status" json_ok "j['tcb_status'] == '$status'"
    expect "logged the requests" grep -q "GET /sgx/certification/v4/rootcacrl 200$" \
        "$vt_tmp/$id.log"
    stop_pccsd "$SRV_PID"
    RC=$?
    expect "SIGTERM: exit 0 within 2 s" rc_is 0
    case_end
done

# ---- several bundles: routing by TEE and FMSPC, error answers ----------------------------
args=()
for id in $(dcap_vectors); do args+=(--bundle "$VT_VECTORS_DIR/$id"); done
case_begin "several bundles start"
start_pccsd multi "${args[@]}" "${TLS[@]}"
expect "daemon started" test -n "$PORT"
case_end
MULTI_PID=$SRV_PID
B=https://127.0.0.1:$PORT

if ((HAVE_CURL)) && [[ -n $PORT ]]; then
    case_begin "several bundles: each FMSPC on its TEE's route"
    for id in $(dcap_vectors); do
        tee=$(expected "$id" tee_type | tr '[:upper:]' '[:lower:]')
        wrong=sgx
        [[ $tee == sgx ]] && wrong=tdx
        fmspc=$(expected "$id" fmspc)
        fetch "$B/$tee/certification/v4/tcb?fmspc=$fmspc"
        expect "$id tcb" body_is "$VT_VECTORS_DIR/$id/tcb_info.json"
        fetch "$B/$wrong/certification/v4/tcb?fmspc=$fmspc"
        expect "$id on the $wrong route: 404" http_is 404
    done
    case_end

    status_case() {
        local name=$1 want=$2
        shift 2
        case_begin "answer $want: $name"
        fetch "$@"
        expect "HTTP $want" http_is "$want"
        expect "text body" content_type_is text/plain
        case_end
    }
    status_case "unknown fmspc" 404 "$B/sgx/certification/v4/tcb?fmspc=000000000000"
    status_case "no fmspc" 400 "$B/sgx/certification/v4/tcb"
    status_case "short fmspc" 400 "$B/sgx/certification/v4/tcb?fmspc=00A06711"
    status_case "non-hex fmspc" 400 "$B/tdx/certification/v4/tcb?fmspc=00A06711000G"
    status_case "bad update" 400 "$B/sgx/certification/v4/tcb?fmspc=00A067110000&update=late"
    status_case "pckcrl without ca" 400 "$B/sgx/certification/v4/pckcrl"
    status_case "pckcrl unknown ca" 400 "$B/sgx/certification/v4/pckcrl?ca=root"
    status_case "pckcrl bad encoding" 400 "$B/sgx/certification/v4/pckcrl?ca=platform&encoding=hex"
    status_case "malformed query" 400 "$B/sgx/certification/v4/pckcrl?ca=%zz"
    status_case "NUL in a query value" 400 "$B/sgx/certification/v4/pckcrl?ca=processor%00"
    status_case "unknown path" 404 "$B/sgx/certification/v3/tcb?fmspc=00A067110000"
    status_case "tdx pckcrl" 404 "$B/tdx/certification/v4/pckcrl?ca=platform"
    status_case "root" 404 "$B/"
    status_case "POST" 405 -X POST -d x "$B/sgx/certification/v4/rootcacrl"
    status_case "DELETE" 405 -X DELETE "$B/sgx/certification/v4/qe/identity"
    status_case "HEAD" 405 -I "$B/tdx/certification/v4/qe/identity"

    case_begin "405 says Allow: GET"
    fetch -X PUT "$B/sgx/certification/v4/pckcrl?ca=platform"
    expect "Allow header" grep -qi "^allow: GET" "$vt_tmp/hdr"
    case_end

    case_begin "ca is case-insensitive"
    fetch "$B/sgx/certification/v4/pckcrl?ca=Processor&encoding=der"
    expect "200" http_is 200
    expect "processor CRL" body_is "$VT_VECTORS_DIR/sgx-v3-phala-processorca/pck_crl.der"
    case_end

    case_begin "oversized request headers are refused, the service lives on"
    fetch -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' a)" "$B/sgx/certification/v4/rootcacrl"
    expect "not 200" eval '[[ $HTTP != 200 ]]'
    fetch "$B/sgx/certification/v4/rootcacrl"
    expect "next request 200" http_is 200
    case_end

    case_begin "TLS without the CA is refused"
    HTTP=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' \
        "$B/sgx/certification/v4/rootcacrl" 2>"$ERR")
    RC=$?
    expect "curl fails certificate verification" rc_is 60
    case_end

    case_begin "TLS 1.1 is refused"
    HTTP=$(curl -sS --max-time 10 --cacert "$CA" --tlsv1.0 --tls-max 1.1 -o /dev/null \
        -w '%{http_code}' "$B/sgx/certification/v4/rootcacrl" 2>"$ERR")
    RC=$?
    expect "handshake fails" eval '[[ $RC -ne 0 ]]'
    case_end
fi

case_begin "verify without the CA fails cleanly"
id=sgx-v3-phala-processorca
run "$V" quote verify "$VT_VECTORS_DIR/$id/quote.bin" --pccs "$B" --at "$(expected "$id" verify_time)"
expect "exit 1" rc_is 1
expect "names the request" stderr_has "pccs: GET $B/"
case_end

case_begin "garbage on the socket does not hurt the service"
cat >"$vt_tmp/garbage.py" <<'PY'
import socket, sys
port = int(sys.argv[1])
for data in (b"\x16\x03\x01\x00\x05hello", b"GET / HTTP/1.1\r\n\r\n", b"\x00" * 4096, b""):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:  # the daemon may reset the connection at any point: that is fine
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        s.recv(4096)
    except OSError:
        pass
    s.close()
PY
run "$PYTHON" "$vt_tmp/garbage.py" "$PORT"
expect "client script ran" rc_is 0
expect "daemon alive" kill -0 "$MULTI_PID"
if ((HAVE_CURL)); then
    fetch "$B/sgx/certification/v4/rootcacrl"
    expect "next request 200" http_is 200
fi
case_end

case_begin "several bundles: SIGTERM exits 0 within 2 s"
stop_pccsd "$MULTI_PID"
RC=$?
expect "exit 0" rc_is 0
expect "says it shuts down" grep -q "SIGTERM, shutting down" "$vt_tmp/multi.log"
case_end

# ---- a simulated platform's layout: TDX files and per-CA CRLs ---------------------------
S=$VT_VECTORS_DIR/sgx-v3-phala-processorca
T=$VT_VECTORS_DIR/tdx-v4-phala-uptodate
SIM=$vt_tmp/sim
mkdir -p "$SIM"
cp "$S/tcb_info.json" "$S/tcb_info_issuer_chain.pem" "$S/qe_identity.json" \
    "$S/qe_identity_issuer_chain.pem" "$S/root_ca_crl.der" "$SIM/"
cp "$T/tcb_info.json" "$SIM/tdx_tcb_info.json"
cp "$T/qe_identity.json" "$SIM/tdx_qe_identity.json"
cp "$T/qe_identity_issuer_chain.pem" "$SIM/tdx_qe_identity_issuer_chain.pem"
cp "$S/pck_crl.der" "$SIM/pck_crl_processor.der"
cp "$S/pck_crl_issuer_chain.pem" "$SIM/pck_crl_processor_issuer_chain.pem"
cp "$T/pck_crl.der" "$SIM/pck_crl_platform.der"
cp "$T/pck_crl_issuer_chain.pem" "$SIM/pck_crl_platform_issuer_chain.pem"
case_begin "simulated platform layout"
start_pccsd sim --bundle "$SIM" "${TLS[@]}" --quiet
expect "daemon started" test -n "$PORT"
B=https://127.0.0.1:$PORT
if ((HAVE_CURL)) && [[ -n $PORT ]]; then
    fetch "$B/tdx/certification/v4/tcb?fmspc=$(expected tdx-v4-phala-uptodate fmspc)"
    expect "tdx tcb" body_is "$T/tcb_info.json"
    fetch "$B/tdx/certification/v4/qe/identity"
    expect "td_qe identity" body_is "$T/qe_identity.json"
    expect "td_qe chain" header_is SGX-Enclave-Identity-Issuer-Chain \
        "$T/qe_identity_issuer_chain.pem"
    fetch "$B/sgx/certification/v4/qe/identity"
    expect "sgx qe identity" body_is "$S/qe_identity.json"
    fetch "$B/sgx/certification/v4/pckcrl?ca=platform&encoding=der"
    expect "platform crl" body_is "$T/pck_crl.der"
    expect "platform chain" header_is SGX-PCK-CRL-Issuer-Chain "$T/pck_crl_issuer_chain.pem"
    fetch "$B/sgx/certification/v4/pckcrl?ca=processor&encoding=der"
    expect "processor crl" body_is "$S/pck_crl.der"
fi
for id in sgx-v3-phala-processorca tdx-v4-phala-uptodate; do
    run "$V" quote verify "$VT_VECTORS_DIR/$id/quote.bin" --pccs "$B" --pccs-ca "$CA" \
        --at "$(expected "$id" verify_time)" --json
    expect "$id verifies" json_ok "j['verified'] is True and j['tcb_status'] == '$(expected "$id" expected_tcb_status)'"
done
expect "--quiet: no request lines" eval '! grep -q " GET " "$vt_tmp/sim.log"'
stop_pccsd "$SRV_PID"
RC=$?
expect "SIGTERM: exit 0" rc_is 0
case_end

# ---- out of descriptors: accepting pauses (no busy loop), then service resumes -----------
case_begin "descriptor exhaustion"
FD_LIMIT=12 start_pccsd fds --bundle "$S" "${TLS[@]}"
expect "daemon started" test -n "$PORT"
cat >"$vt_tmp/hog.py" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
socks = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(24)]
time.sleep(1.5)
for s in socks:
    s.close()
PY
run "$PYTHON" "$vt_tmp/hog.py" "$PORT"
expect "client script ran" rc_is 0
expect "pauses were logged" grep -q "accept: Too many open files; pausing" "$vt_tmp/fds.log"
expect "no busy loop (few pause lines)" test "$(grep -c pausing "$vt_tmp/fds.log")" -le 10
if ((HAVE_CURL)); then
    for _ in $(seq 30); do
        fetch "https://127.0.0.1:$PORT/sgx/certification/v4/rootcacrl"
        [[ $HTTP == 200 ]] && break
        sleep 0.2
    done
    expect "serves again" http_is 200
fi
stop_pccsd "$SRV_PID"
RC=$?
expect "SIGTERM: exit 0" rc_is 0
case_end

# ---- SIGTERM with connections open: idle TCP, keep-alive TLS, a half-sent request ------
cat >"$vt_tmp/holder.py" <<'PY'
import socket, ssl, sys, time
port, ca, ready = int(sys.argv[1]), sys.argv[2], sys.argv[3]
raw = socket.create_connection(("127.0.0.1", port), timeout=5)
ctx = ssl.create_default_context(cafile=ca)
def tls():
    return ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5),
                           server_hostname="127.0.0.1")
alive = tls()
alive.sendall(b"GET /sgx/certification/v4/rootcacrl HTTP/1.1\r\nHost: x\r\n\r\n")
alive.recv(64)
half = tls()
half.sendall(b"GET /sgx/certification/v4/rootcacrl HTTP/1.1\r\nHost: x\r\n")
open(ready, "w").close()
time.sleep(10)
PY
case_begin "SIGTERM with connections open"
start_pccsd held --bundle "$S" "${TLS[@]}"
expect "daemon started" test -n "$PORT"
"$PYTHON" "$vt_tmp/holder.py" "$PORT" "$CA" "$vt_tmp/held.ready" >/dev/null 2>&1 &
holder=$!
pids+=("$holder")
for _ in $(seq 100); do [[ -e $vt_tmp/held.ready ]] && break; sleep 0.05; done
expect "connections were open" test -e "$vt_tmp/held.ready"
stop_pccsd "$SRV_PID"
RC=$?
expect "exit 0 within 2 s" rc_is 0
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
case_end

# ---- plain HTTP only when asked, with a warning ------------------------------------------
case_begin "--insecure-http"
start_pccsd http --bundle "$S" --insecure-http
expect "daemon started" test -n "$PORT"
expect "warns" grep -q "warning: --insecure-http" "$vt_tmp/http.log"
expect "says http://" grep -q "listening on http://127.0.0.1:" "$vt_tmp/http.log"
run "$V" quote verify "$S/quote.bin" --pccs "http://127.0.0.1:$PORT" \
    --at "$(expected sgx-v3-phala-processorca verify_time)" --json
expect "verified over HTTP" json_ok 'j["verified"] is True'
kill -INT "$SRV_PID"
for _ in $(seq 40); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.05; done
wait "$SRV_PID"
RC=$?
expect "SIGINT: exit 0" rc_is 0
case_end

finish
