#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Gramine drop-in libraries as a Gramine program sees them:
#   - libra_tls_attest.so / libra_tls_verify_dcap.so export exactly Gramine's symbols,
#     under version RA_TLS, and nothing of Veritee (nm -D, objdump -T);
#   - gramine_api_compat, written only against <gramine/ra_tls.h> and linked with
#     -lra_tls_attest -lra_tls_verify_dcap, imports them with version RA_TLS;
#   - ra_tls_gramine.pc gives only -L${libdir}, as Gramine's does;
#   - end to end: the program makes its key and certificate from a /dev/attestation-like
#     directory whose `quote` is a FIFO fed by `veritee sim quote` with the report data
#     the library wrote (the simulated platform), and verifies it with the callback and
#     with the RA_TLS_* variables, against the simulated root and collateral.
source "$(dirname "$0")/cli_lib.sh"

V=$VERITEE
LIBDIR=$VT_BUILD_DIR/src/gramine
[[ $LIBDIR == /* ]] || LIBDIR=$PWD/$LIBDIR
COMPAT=$VT_BUILD_DIR/tests/integration/gramine_api_compat
[[ $COMPAT == /* ]] || COMPAT=$PWD/$COMPAT
ATTEST=$LIBDIR/libra_tls_attest.so
VERIFY=$LIBDIR/libra_tls_verify_dcap.so

# defined_symbols LIB: the dynamic symbols LIB defines, one per line, sorted.
defined_symbols() { nm -D --defined-only "$1" | awk '{print $3}' | sort; }

case_begin "libra_tls_attest.so exports only ra_tls_create_key_and_crt_der@@RA_TLS"
run defined_symbols "$ATTEST"
expect "exactly the symbol and its version" \
    diff <(printf '%s\n' RA_TLS ra_tls_create_key_and_crt_der@@RA_TLS) "$OUT"
run objdump -T "$ATTEST"
expect "objdump -T: version RA_TLS" grep -qE 'RA_TLS +ra_tls_create_key_and_crt_der$' "$OUT"
expect "no vt_ symbol" bash -c "! grep -q ' vt_' '$OUT'"
case_end

case_begin "libra_tls_verify_dcap.so exports only Gramine's three verifier symbols@@RA_TLS"
run defined_symbols "$VERIFY"
expect "exactly the symbols and their version" diff <(printf '%s\n' RA_TLS \
    ra_tls_set_measurement_callback@@RA_TLS ra_tls_verify_callback_der@@RA_TLS \
    ra_tls_verify_callback_extended_der@@RA_TLS) "$OUT"
run objdump -T "$VERIFY"
for s in ra_tls_set_measurement_callback ra_tls_verify_callback_der \
    ra_tls_verify_callback_extended_der; do
    expect "objdump -T: $s has version RA_TLS" grep -qE "RA_TLS +$s\$" "$OUT"
done
expect "no vt_ symbol" bash -c "! grep -q ' vt_' '$OUT'"
case_end

case_begin "the compat program links by name and imports the RA_TLS versions"
run readelf -d "$COMPAT"
expect "NEEDED libra_tls_attest.so" stdout_has "[libra_tls_attest.so]"
expect "NEEDED libra_tls_verify_dcap.so" stdout_has "[libra_tls_verify_dcap.so]"
expect "no libveritee" bash -c "! grep -q veritee '$OUT'"
run objdump -T "$COMPAT"
for s in ra_tls_create_key_and_crt_der ra_tls_set_measurement_callback \
    ra_tls_verify_callback_der ra_tls_verify_callback_extended_der; do
    expect "imports $s@RA_TLS" grep -qE "\*UND\*.*\(RA_TLS\) +$s\$" "$OUT"
done
case_end

case_begin "ra_tls_gramine.pc: only -L\${libdir}, as Gramine's"
PC=$LIBDIR/ra_tls_gramine.pc
run grep '^Libs' "$PC"
expect "Libs: -L\${libdir}" stdout_first_line 'Libs: -L${libdir}'
run pkg-config --with-path "$LIBDIR" --libs ra_tls_gramine
expect "pkg-config names no library" bash -c "! grep -qE -- '(^| )-l' '$OUT'"
case_end

# ---- end to end on a simulated platform ------------------------------------------------
P=$vt_tmp/platform
"$V" sim init "$P" >/dev/null 2>&1 || echo "sim init failed" >&2
MRE=$(printf 'e1%.0s' $(seq 32))
MRS=$(printf '51%.0s' $(seq 32))

# attest_dir DIR: a directory with Gramine's /dev/attestation files; quote is a FIFO.
attest_dir() {
    mkdir -p "$1"
    printf dcap >"$1/attestation_type"
    : >"$1/user_report_data"
    rm -f "$1/quote"
    mkfifo "$1/quote"
}

# feed DIR N [sim quote options...]: answers N requests for DIR/quote with a quote carrying
# the report data the library last wrote. The redirection opens the FIFO first, so
# user_report_data is read once the library has written it and opened quote; before the
# next request the feeder waits for new report data, so that it does not reopen the FIFO
# while the previous reader still holds it.
feed() {
    local dir=$1 n=$2 i rd last=""
    shift 2
    for ((i = 0; i < n; i++)); do
        while [[ -n $last && $(od -An -tx1 -v "$dir/user_report_data" | tr -d ' \n') == "$last" ]]; do
            sleep 0.01
        done
        {
            rd=$(od -An -tx1 -v "$dir/user_report_data" | tr -d ' \n')
            "$V" sim quote --platform "$P" --sgx --mrenclave "$MRE" --mrsigner "$MRS" \
                --isv-prod-id 3 --isv-svn 5 "$@" --report-data "$rd" -o "$dir/q.tmp" >/dev/null &&
                cat "$dir/q.tmp"
        } >"$dir/quote"
        last=$rd
    done
}

A=$vt_tmp/att
attest_dir "$A"
# compat OUTDIR ARGS...: runs the program with a feeder for its two quotes.
compat() {
    local out=$1
    shift
    mkdir -p "$out"
    feed "$A" 2 &
    local feeder=$!
    run env VERITEE_ATTESTATION_DIR="$A" VERITEE_ROOT_CA="$P/root_ca.der" \
        VERITEE_COLLATERAL="$P" "$COMPAT" "$out" "$@"
    kill "$feeder" 2>/dev/null
    wait "$feeder" 2>/dev/null
}
export RA_TLS_MRENCLAVE=$MRE RA_TLS_MRSIGNER=$MRS RA_TLS_ISV_PROD_ID=3 RA_TLS_ISV_SVN=5

case_begin "create + verify with the RA_TLS_* variables"
compat "$vt_tmp/e1" env
expect "exit 0" rc_is 0
expect "Gramine's success line" stdout_has "Verifying peer X.509 certificate... ok"
expect "scheme DCAP, err_loc AT_NONE, qv OK" stdout_has "scheme 2, err_loc 0, qv 0"
expect "the simulated root is announced" stderr_has "trusting the SIMULATED root CA"
expect "the deprecated wrapper warns" stderr_has "ra_tls_verify_callback_der() is deprecated"
expect "no failure on stderr" bash -c "! grep -q 'ERROR' '$ERR'"
case_end

case_begin "the key is SEC1 EC P-384 DER and the certificate Gramine's"
run openssl ec -inform DER -in "$vt_tmp/e1/key.der" -noout -text
expect "openssl reads the SEC1 key" rc_is 0
expect "P-384" stdout_has "secp384r1"
run openssl asn1parse -inform DER -in "$vt_tmp/e1/key.der"
expect "ECPrivateKey version 1 first (not PKCS#8)" bash -c "sed -n 2p '$OUT' | grep -q 'INTEGER *:01'"
run openssl x509 -inform DER -in "$vt_tmp/e1/crt.der" -noout -text -nameopt RFC2253
expect "subject" stdout_has "Subject: C=US,O=GramineDevelopers,CN=RATLS"
expect "ecdsa-with-SHA256" stdout_has "ecdsa-with-SHA256"
expect "default not before" stdout_has "Not Before: Jan  1 00:00:00 2001 GMT"
expect "default not after" stdout_has "Not After : Dec 31 23:59:59 2030 GMT"
expect "legacy quote extension" stdout_has "0.6.9.42.840.113741.1337.6"
expect "TCG tagged evidence extension" stdout_has "2.23.133.5.4.9"
expect "the key matches the certificate" bash -c \
    "[[ \$(openssl ec -inform DER -in '$vt_tmp/e1/key.der' -pubout 2>/dev/null) == \
       \$(openssl x509 -inform DER -in '$vt_tmp/e1/crt.der' -pubkey -noout) ]]"
case_end

case_begin "create + verify with a measurement callback"
compat "$vt_tmp/c1" callback "$MRE" "$MRS" 3 5
expect "exit 0" rc_is 0
expect "ok" stdout_has "Verifying peer X.509 certificate... ok"
expect "the callback saw the little-endian u16s" stderr_has "callback: isv_prod_id 3 isv_svn 5"
case_end

case_begin "the callback rejects another MRENCLAVE: AT_VERIFY_ENCLAVE_MEASUREMENTS"
compat "$vt_tmp/c2" callback "$(printf '00%.0s' $(seq 32))" 0 0 0
expect "exit 1" rc_is 1
expect "failed" stdout_has "Verifying peer X.509 certificate... failed"
expect "CERT_VERIFY_FAILED at err_loc 5" stdout_has "ret -9984, scheme 2, err_loc 5"
case_end

case_begin "RA_TLS_MRENCLAVE unset: Gramine's required-variable error"
(
    unset RA_TLS_MRENCLAVE
    compat "$vt_tmp/e2" env
    echo "$RC" >"$vt_tmp/e2.rc"
)
RC=$(cat "$vt_tmp/e2.rc")
expect "exit 1" rc_is 1
expect "err_loc 5" stdout_has "err_loc 5"
expect "names the variable" \
    stderr_has "A required environment variable RA_TLS_MRENCLAVE is not set"
case_end

case_begin "RA_TLS_CERT_TIMESTAMP_NOT_BEFORE/_NOT_AFTER set the validity"
RA_TLS_CERT_TIMESTAMP_NOT_BEFORE=20240229120000 RA_TLS_CERT_TIMESTAMP_NOT_AFTER=20990101000000 \
    compat "$vt_tmp/t1" env
expect "exit 0" rc_is 0
run openssl x509 -inform DER -in "$vt_tmp/t1/crt.der" -noout -dates
expect "not before" stdout_has "notBefore=Feb 29 12:00:00 2024 GMT"
expect "not after" stdout_has "notAfter=Jan  1 00:00:00 2099 GMT"
case_end

# ---- collateral from a PCCS (veritee-pccs over HTTPS with a throwaway CA) -------------
PCCSD=$VT_BUILD_DIR/src/pccs/veritee-pccs
PKI=$vt_tmp/pki
mkdir -p "$PKI"
mkpki() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$PKI/ca.key" \
        -out "$PKI/ca.pem" -days 2 -subj /CN=gramine-test-ca &&
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$PKI/srv.key" \
            -out "$PKI/srv.csr" -subj /CN=127.0.0.1 &&
        printf 'subjectAltName=IP:127.0.0.1\n' >"$PKI/san.ext" &&
        openssl x509 -req -in "$PKI/srv.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" \
            -CAcreateserial -days 2 -extfile "$PKI/san.ext" -out "$PKI/srv.pem"
} >/dev/null 2>&1
PCCS_PID=""
PORT=""
if mkpki; then
    "$PCCSD" --listen 127.0.0.1:0 --bundle "$P" --cert "$PKI/srv.pem" --key "$PKI/srv.key" \
        </dev/null >/dev/null 2>"$vt_tmp/pccs.log" &
    PCCS_PID=$!
    for _ in $(seq 100); do
        PORT=$(sed -n 's|.*listening on https://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$vt_tmp/pccs.log")
        [[ -n $PORT ]] && break
        sleep 0.05
    done
fi
# compat_pccs OUTDIR CA ARGS...: like compat, with collateral from the PCCS.
compat_pccs() {
    local out=$1 ca=$2
    shift 2
    mkdir -p "$out"
    feed "$A" 2 &
    local feeder=$!
    run env VERITEE_ATTESTATION_DIR="$A" VERITEE_ROOT_CA="$P/root_ca.der" \
        VERITEE_PCCS_URL="https://127.0.0.1:$PORT" ${ca:+VERITEE_PCCS_CA_FILE="$ca"} \
        "$COMPAT" "$out" "$@"
    kill "$feeder" 2>/dev/null
    wait "$feeder" 2>/dev/null
}

case_begin "collateral from VERITEE_PCCS_URL (HTTPS, VERITEE_PCCS_CA_FILE)"
expect "veritee-pccs is listening" test -n "$PORT"
compat_pccs "$vt_tmp/p1" "$PKI/ca.pem" env
expect "exit 0" rc_is 0
expect "ok" stdout_has "Verifying peer X.509 certificate... ok"
case_end

case_begin "a PCCS whose TLS certificate is not trusted: AT_VERIFY_EXTERNAL"
compat_pccs "$vt_tmp/p2" "" env
expect "exit 1" rc_is 1
expect "CERT_VERIFY_FAILED at err_loc 3" stdout_has "ret -9984, scheme 2, err_loc 3"
case_end
[[ -n $PCCS_PID ]] && kill "$PCCS_PID" 2>/dev/null && wait "$PCCS_PID" 2>/dev/null

case_begin "a bad RA_TLS_CERT_TIMESTAMP_NOT_AFTER is refused with a clear error"
mkdir -p "$vt_tmp/t2"
run env VERITEE_ATTESTATION_DIR="$A" RA_TLS_CERT_TIMESTAMP_NOT_AFTER=20300231000000 \
    "$COMPAT" "$vt_tmp/t2" env
expect "exit 1" rc_is 1
expect "BAD_INPUT_DATA" stdout_has "ra_tls_create_key_and_crt_der failed: -10240"
expect "names the variable and the value" \
    stderr_has "RA_TLS_CERT_TIMESTAMP_NOT_AFTER: ra_tls: timestamp '20300231000000': day 31"
case_end

case_begin "no attestation directory: FILE_IO_ERROR and a hint"
run env VERITEE_ATTESTATION_DIR="$vt_tmp/none" "$COMPAT" "$vt_tmp/t2" env
expect "exit 1" rc_is 1
expect "FILE_IO_ERROR" stdout_has "ra_tls_create_key_and_crt_der failed: -10496"
expect "hint" stderr_has "VERITEE_ATTESTATION_DIR"
case_end

finish
