#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The PCCS client end to end: `veritee quote verify --pccs` against a local PCCS look-alike
# (pccs_server.py on a free loopback port) serving the real DCAP vectors, and the clean
# failures a broken service must produce. One counted case per check.
source "$(dirname "$0")/cli_lib.sh"

V=$VERITEE
srv=""
stop_server() {
    if [[ -n $srv ]]; then
        kill "$srv" 2>/dev/null
        # Bounded wait; the server also exits by itself after --lifetime.
        for _ in $(seq 50); do kill -0 "$srv" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$srv" 2>/dev/null
        wait "$srv" 2>/dev/null
    fi
    rm -rf "$vt_tmp"
}
trap stop_server EXIT
# No proxy from the environment may intercept loopback requests.
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY

python3 "$VT_SOURCE_DIR/tests/integration/pccs_server.py" "$VT_VECTORS_DIR" --lifetime 600 \
    >"$vt_tmp/server" 2>&1 &
srv=$!
port=""
for _ in $(seq 300); do
    port=$(awk '/^PORT /{print $2}' "$vt_tmp/server")
    [[ -n $port ]] && break
    kill -0 "$srv" 2>/dev/null || break
    sleep 0.1
done
if [[ -z $port ]]; then
    echo "pccs_client: test server did not start: $(cat "$vt_tmp/server")" >&2
    echo "[  FAILED  ] 1 test(s), listed below:"
    echo "[  FAILED  ] pccs test server"
    exit 1
fi
BASE=http://127.0.0.1:$port

# ---- every vector through the PCCS routes gives the bundle's verdict --------------------
for id in $(dcap_vectors); do
    dir=$VT_VECTORS_DIR/$id
    at=$(expected "$id" verify_time)
    status=$(expected "$id" expected_tcb_status)
    fmspc=$(expected "$id" fmspc)
    want_rc=2
    [[ $status == UpToDate ]] && want_rc=0

    case_begin "pccs_verify $id"
    run "$V" quote verify "$dir/quote.bin" --pccs "$BASE/$id" --at "$at" --json
    expect "exit status $want_rc" rc_is $want_rc
    expect "verified" json_ok 'j["verified"] is True and "error" not in j'
    expect "tcb_status $status" json_ok "j['tcb_status'] == '$status'"
    expect "fmspc $fmspc" json_ok "j['fmspc'] == '$fmspc'"
    expect "collateral_expired false" json_ok 'j["collateral_expired"] is False'
    expect "stderr empty" stderr_empty
    case_end
done

# ---- the API v3 header name is accepted ----------------------------------------------------
id=sgx-v3-phala-processorca
Q=$VT_VECTORS_DIR/$id/quote.bin
AT=$(expected "$id" verify_time)
case_begin "pccs_v3_header_name"
run "$V" quote verify "$Q" --pccs "$BASE/_v3header/$id" --at "$AT" --json
expect "exit status 2" rc_is 2
expect "verified" json_ok 'j["verified"] is True'
case_end

# ---- a broken service fails cleanly: exit 1, one error line naming the request ----------
fail_case() {
    local name=$1 url=$2 want=$3
    case_begin "pccs_error $name"
    run "$V" quote verify "$Q" --pccs "$url" --at "$AT"
    expect "exit 1" rc_is 1
    expect "error names '$want'" stderr_has "$want"
    expect "error prefix" stderr_prefix "veritee quote verify"
    case_end
}
fail_case http_404 "$BASE/_404/$id" \
    "pccs: GET $BASE/_404/$id/sgx/certification/v4/tcb?fmspc=00A067110000: HTTP 404"
fail_case missing_header "$BASE/_noheader/$id" "lacks the TCB-Info-Issuer-Chain header"
fail_case oversized_body "$BASE/_big/$id" "response larger than"
fail_case oversized_stream "$BASE/_bigstream/$id" "response larger than"
fail_case oversized_header "$BASE/_bigheader/$id" "issuer chain header larger than"
fail_case unknown_vector "$BASE/no-such-vector" "HTTP 404"
fail_case wrong_platform "$BASE/tdx-v4-phala-uptodate" "HTTP 404"
# A port nobody listens on: the server's own port after it is stopped would race, so
# take one from the kernel and close it.
closed=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
fail_case connection_refused "http://127.0.0.1:$closed" "pccs: GET http://127.0.0.1:$closed/"

finish
