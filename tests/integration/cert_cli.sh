#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `veritee cert show` and `veritee cert verify` on RA-TLS certificates made in-process on
# simulated platforms (tests/integration/ratls_mkcert.c): PEM (both labels) and DER,
# every evidence layout, the JSON keys, the verdicts and exit codes of `quote verify`
# (UpToDate 0, OutOfDate 2, Revoked 1, policy REJECTED 1, usage 64), and the refusals:
# evidence copied onto another key, an RSA key, no evidence, a tampered quote, a file
# that is not one certificate. `veritee ratls` argument handling (the files themselves
# are made inside simulated enclaves by ratls_enclaves.sh).
source "$(dirname "$0")/cli_lib.sh"

V=$VERITEE
MK=$VT_BUILD_DIR/tests/integration/ratls_mkcert
[[ $MK == /* ]] || MK=$PWD/$MK
E1=$(printf 'e1%.0s' $(seq 32))
S51=$(printf '51%.0s' $(seq 32))
OTHER=$(printf '77%.0s' $(seq 32))
WARN="trusting a SIMULATED root"

P=$vt_tmp/platform
run "$V" sim init "$P"
[[ $RC -eq 0 ]] || { echo "sim init failed: $(cat "$ERR")"; exit 1; }
TRUST=(--collateral "$P" --root "$P/root_ca.der" --trust-simulated-root)

mk() { "$MK" "$1" "$2" "$3" || echo "ratls_mkcert $2 failed" >&2; }
for k in p384 p256 tcg-only legacy-only tdx debug other-key rsa plain; do
    mk "$P" "$k" "$vt_tmp/$k.der"
done
openssl x509 -inform DER -in "$vt_tmp/p384.der" -out "$vt_tmp/p384.pem" 2>/dev/null
sed 's/ CERTIFICATE-----/ TRUSTED CERTIFICATE-----/' "$vt_tmp/p384.pem" >"$vt_tmp/trusted.pem"

# ---- cert show --------------------------------------------------------------------------
case_begin "cert show: Gramine layout (P-384, TCG and legacy)"
run "$V" cert show "$vt_tmp/p384.der"
expect "exit 0" rc_is 0
expect "DER" stdout_has "(DER)"
expect "subject" stdout_has "subject:             CN=RATLS,O=GramineDevelopers,C=US"
expect "key" stdout_has "key:                 EC P-384"
expect "self-signed" stdout_has "self-signed:         yes"
expect "both extensions" stdout_has "evidence:            tcg, legacy"
expect "tcg oid" stdout_has "tcg tagged evidence (2.23.133.5.4.9,"
expect "legacy oid" stdout_has "legacy quote (0.6.9.42.840.113741.1337.6,"
expect "cbor structure" stdout_has "tag 60000 [bstr quote ("
expect "claims 51 bytes" stdout_has "bstr claims (51 bytes)]"
expect "pubkey-hash alg" stdout_has "pubkey-hash:         sha-256 "
expect "key match" stdout_has "key match:           yes"
expect "claims bound" stdout_has "binds the claims"
expect "key bound" stdout_has "binds the key"
expect "tee" stdout_has "tee:                 sgx"
expect "version" stdout_has "quote version:       3"
expect "mrenclave" stdout_has "mrenclave:           $E1"
expect "mrsigner" stdout_has "mrsigner:            $S51"
expect "isvprodid" stdout_has "isvprodid:           7"
expect "no error" stderr_empty
case_end

case_begin "cert show: PEM, with the CERTIFICATE and the TRUSTED CERTIFICATE labels"
for f in p384.pem trusted.pem; do
    run "$V" cert show "$vt_tmp/$f"
    expect "$f exit 0" rc_is 0
    expect "$f PEM" stdout_has "(PEM)"
    expect "$f decoded" stdout_has "key match:           yes"
done
run_in "$vt_tmp/trusted.pem" "$V" cert show -
expect "stdin exit 0" rc_is 0
case_end

case_begin "cert show --json"
run "$V" cert show "$vt_tmp/p256.der" --json
expect "exit 0" rc_is 0
expect "top keys" json_ok 'j["file_format"] == "der" and j["key_type"] == "EC P-256" and j["self_signed"] and len(j["sha256"]) == 64 and j["evidence_error"] is None'
expect "tcg first" json_ok 'j["evidence"][0]["extension"] == "tcg" and j["evidence"][0]["oid"] == "2.23.133.5.4.9" and j["evidence"][0]["format"] == "tagged_evidence"'
expect "claims" json_ok 'j["evidence"][0]["claims"]["pubkey_hash"]["alg"] == "sha-256" and j["evidence"][0]["claims"]["pubkey_hash"]["alg_id"] == 1 and j["evidence"][0]["claims"]["pubkey_hash"]["matches_key"] and j["evidence"][0]["claims_length"] == 51'
expect "bindings" json_ok 'j["evidence"][0]["report_data_binds"] == "claims" and j["evidence"][0]["report_data_bound"] and j["evidence"][1]["report_data_binds"] == "key" and j["evidence"][1]["report_data_bound"]'
expect "quote summary" json_ok 'j["evidence"][1]["format"] == "raw_quote" and j["evidence"][1]["tee"] == "sgx" and j["evidence"][1]["version"] == 3 and j["evidence"][1]["measurements"]["mrenclave"] == "'"$E1"'"'
case_end

case_begin "cert show: layouts (TCG only, legacy only, TDX)"
run "$V" cert show "$vt_tmp/tcg-only.der"
expect "tcg only" bash -c "grep -qx '  evidence:            tcg' '$OUT'"
expect "no legacy" bash -c "! grep -q 'legacy quote (' '$OUT'"
run "$V" cert show "$vt_tmp/legacy-only.der"
expect "legacy only exit 0" rc_is 0
expect "legacy only" bash -c "grep -qx '  evidence:            legacy' '$OUT'"
run "$V" cert show "$vt_tmp/tdx.der" --json
expect "tdx" json_ok 'j["evidence"][0]["tee"] == "tdx" and j["evidence"][0]["version"] == 4 and j["evidence"][0]["measurements"]["mrtd"].startswith("7d7d")'
case_end

case_begin "cert show: evidence copied onto another key does not match it"
run "$V" cert show "$vt_tmp/other-key.der"
expect "exit 0 (decodes)" rc_is 0
expect "pubkey-hash mismatch" stdout_has "key match:           NO"
expect "legacy not bound" stdout_has "NOT BOUND"
run "$V" cert show "$vt_tmp/other-key.der" --json
expect "json says so" json_ok 'not j["evidence"][0]["claims"]["pubkey_hash"]["matches_key"] and not j["evidence"][1]["report_data_bound"]'
case_end

case_begin "cert show: RSA key and no evidence"
run "$V" cert show "$vt_tmp/rsa.der"
expect "rsa key" stdout_has "key:                 RSA 2048"
expect "rsa key not an RA-TLS key" stdout_has "key match:           no (the key is not EC"
run "$V" cert show "$vt_tmp/plain.der"
expect "plain exit 1" rc_is 1
expect "plain says so" stderr_has "no RA-TLS evidence extension"
expect "plain still shows the certificate" stdout_has "subject:             CN=plain"
case_end

case_begin "cert show: not one certificate"
head -c 300 "$vt_tmp/p384.der" >"$vt_tmp/cut.der"
run "$V" cert show "$vt_tmp/cut.der"
expect "truncated exit 1" rc_is 1
expect "truncated says so" stderr_prefix "veritee cert show"
cat "$vt_tmp/p384.pem" "$vt_tmp/p384.pem" >"$vt_tmp/two.pem"
run "$V" cert show "$vt_tmp/two.pem"
expect "two certificates exit 1" rc_is 1
expect "two certificates named" stderr_has "more than one certificate"
{ cat "$vt_tmp/p384.der"; printf 'x'; } >"$vt_tmp/trail.der"
run "$V" cert show "$vt_tmp/trail.der"
expect "trailing byte exit 1" rc_is 1
expect "trailing named" stderr_has "after the certificate"
openssl ecparam -name prime256v1 -genkey -noout -out "$vt_tmp/k.pem" 2>/dev/null
run "$V" cert show "$vt_tmp/k.pem"
expect "a key is not a certificate" rc_is 1
expect "label named" stderr_has "expected CERTIFICATE"
run "$V" cert show "$vt_tmp/missing.der"
expect "missing exit 1" rc_is 1
case_end

# A tampered quote: flip a byte inside the TCG evidence's quote (its report body).
case_begin "cert show decodes, cert verify refuses a tampered quote"
"$PYTHON" - "$vt_tmp/p384.der" "$vt_tmp/tampered.der" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.find(bytes.fromhex("d9ea60"))  # the tagged evidence; the quote's body follows
d[i + 10 + 48 + 64] ^= 0x01          # a byte of the report body (MRENCLAVE region)
open(sys.argv[2], "wb").write(d)
PY
run "$V" cert show "$vt_tmp/tampered.der"
expect "show exit 0" rc_is 0
run "$V" cert verify "$vt_tmp/tampered.der" "${TRUST[@]}"
expect "verify exit 1" rc_is 1
expect "FAILED" bash -c "head -1 '$OUT' | grep -q '^FAILED'"
case_end

# ---- cert verify ------------------------------------------------------------------------
case_begin "cert verify: every good layout verifies (exit 0)"
for k in p384 p256 tcg-only legacy-only tdx; do
    run "$V" cert verify "$vt_tmp/$k.der" "${TRUST[@]}"
    expect "$k exit 0" rc_is 0
    expect "$k verified" stdout_first_line "VERIFIED  tcb status: UpToDate"
    expect "$k warns" stderr_has "$WARN"
done
run "$V" cert verify "$vt_tmp/p384.der" "${TRUST[@]}"
expect "source and legacy" stdout_has "ra-tls evidence:     tcg (and the legacy quote, verified too)"
expect "anchor" stdout_has "(SIMULATED)"
run "$V" cert verify "$vt_tmp/legacy-only.der" "${TRUST[@]}"
expect "legacy source" stdout_has "ra-tls evidence:     legacy"
run_in "$vt_tmp/trusted.pem" "$V" cert verify - "${TRUST[@]}"
expect "PEM on stdin" rc_is 0
case_end

case_begin "cert verify --json"
run "$V" cert verify "$vt_tmp/p384.der" "${TRUST[@]}" --json
expect "exit 0" rc_is 0
expect "verdict keys" json_ok 'j["verified"] and j["tcb_status"] == "UpToDate" and j["simulated_root"] and j["policy"] is None and j["measurements"]["mrenclave"] == "'"$E1"'"'
expect "ratls keys" json_ok 'j["ratls"]["source"] == "tcg" and len(j["ratls"]["certificate_sha256"]) == 64 and j["ratls"]["key_type"] == "EC P-384"'
run "$V" cert verify "$vt_tmp/plain.der" "${TRUST[@]}" --json
expect "failure exit 1" rc_is 1
expect "failure json" json_ok 'not j["verified"] and "no evidence extension" in j["error"] and j["ratls"]["source"] is None'
case_end

case_begin "cert verify: policy (quote verify's options and the RA-TLS aliases)"
run "$V" cert verify "$vt_tmp/p384.der" "${TRUST[@]}" --mrenclave "$E1" --mrsigner "$S51" \
    --prod-id 7 --min-svn 3
expect "accepted exit 0" rc_is 0
expect "policy accepted" stdout_has "policy:              accepted"
run "$V" cert verify "$vt_tmp/p384.der" "${TRUST[@]}" --isv-prod-id 7 --min-isv-svn 3
expect "long names exit 0" rc_is 0
run "$V" cert verify "$vt_tmp/p384.der" "${TRUST[@]}" --mrenclave "$OTHER"
expect "wrong mrenclave exit 1" rc_is 1
expect "REJECTED" bash -c "head -1 '$OUT' | grep -q '^REJECTED  '"
expect "names mrenclave" stderr_has "mrenclave"
run "$V" cert verify "$vt_tmp/p384.der" "${TRUST[@]}" --min-svn 4
expect "svn too low exit 1" rc_is 1
run "$V" cert verify "$vt_tmp/p384.der" "${TRUST[@]}" --prod-id 8
expect "other prod id exit 1" rc_is 1
run "$V" cert verify "$vt_tmp/debug.der" "${TRUST[@]}" --mrsigner "$S51"
expect "debug refused by a policy" rc_is 1
expect "debug named" stderr_has "debug"
run "$V" cert verify "$vt_tmp/debug.der" "${TRUST[@]}" --mrsigner "$S51" --allow-debug
expect "--allow-debug exit 0" rc_is 0
case_end

case_begin "cert verify: evidence not bound to the key, RSA, no evidence"
run "$V" cert verify "$vt_tmp/other-key.der" "${TRUST[@]}"
expect "other key exit 1" rc_is 1
expect "other key named" stderr_has "pubkey-hash does not match the certificate key"
run "$V" cert verify "$vt_tmp/rsa.der" "${TRUST[@]}"
expect "rsa exit 1" rc_is 1
expect "rsa named" stderr_has "expected EC P-256 or P-384"
run "$V" cert verify "$vt_tmp/plain.der" "${TRUST[@]}"
expect "plain exit 1" rc_is 1
case_end

case_begin "cert verify: trust is explicit"
run "$V" cert verify "$vt_tmp/p384.der" --collateral "$P"
expect "Intel root: exit 1" rc_is 1
run "$V" cert verify "$vt_tmp/p384.der" --collateral "$P" --root "$P/root_ca.der"
expect "simulated root without the flag: exit 1" rc_is 1
expect "says how" stderr_has "--trust-simulated-root"
case_end

for row in outofdate:OutOfDate:2 swhardening:SWHardeningNeeded:2 revoked:Revoked:1; do
    IFS=: read -r word status code <<<"$row"
    case_begin "cert verify: a $status platform exits $code"
    d=$vt_tmp/p-$word
    run "$V" sim init "$d" --tcb "$word"
    mk "$d" p384 "$d/c.der"
    run "$V" cert verify "$d/c.der" --collateral "$d" --root "$d/root_ca.der" --trust-simulated-root
    expect "exit $code" rc_is "$code"
    if [[ $word == revoked ]]; then
        expect "names the revocation" bash -c "grep -qi revoked '$OUT' '$ERR'"
    else
        expect "status" stdout_first_line "VERIFIED  tcb status: $status"
        run "$V" cert verify "$d/c.der" --collateral "$d" --root "$d/root_ca.der" \
            --trust-simulated-root --mrenclave "$E1"
        expect "policy refuses $status" rc_is 1
        run "$V" cert verify "$d/c.der" --collateral "$d" --root "$d/root_ca.der" \
            --trust-simulated-root --mrenclave "$E1" --accept-tcb "$status" \
            --accept-advisory "$(
                "$V" cert verify "$d/c.der" --collateral "$d" --root "$d/root_ca.der" \
                    --trust-simulated-root --json 2>/dev/null |
                    "$PYTHON" -c 'import json,sys; print(",".join(json.load(sys.stdin)["advisory_ids"]) or "none")'
            )"
        expect "--accept-tcb $status: verified, exit 2" rc_is 2
    fi
    case_end
done

case_begin "cert verify: usage errors exit 64"
run "$V" cert verify "$vt_tmp/p384.der"
expect "no collateral: 64" rc_is 64
run "$V" cert verify "$vt_tmp/p384.der" "${TRUST[@]}" --report-data 00
expect "--report-data is not a cert verify option: 64" rc_is 64
run "$V" cert verify "$vt_tmp/p384.der" "${TRUST[@]}" --mrenclave 12
expect "short hex: 64" rc_is 64
run "$V" cert verify "$vt_tmp/p384.der" "${TRUST[@]}" --accept-tcb Nope
expect "bad status: 64" rc_is 64
run "$V" cert verify "${TRUST[@]}"
expect "no FILE: 64" rc_is 64
run "$V" cert show
expect "show without FILE: 64" rc_is 64
run "$V" cert show a b
expect "show with two files: 64" rc_is 64
run "$V" cert frobnicate
expect "unknown verb: 64" rc_is 64
case_end

# ---- veritee ratls: arguments (no attester here) ------------------------------------------
case_begin "ratls: usage and a missing attester"
run "$V" ratls --help
expect "help exit 0" rc_is 0
expect "help usage" stdout_has "Usage: veritee ratls [-D | -P]"
run "$V" ratls "$vt_tmp/only-cert.pem"
expect "one path: 64" rc_is 64
run "$V" ratls "$vt_tmp/same" "$vt_tmp/same"
expect "same path: 64" rc_is 64
run "$V" ratls -X a b
expect "unknown option: 64" rc_is 64
run env VERITEE_ATTESTATION_DIR="$vt_tmp/none" VERITEE_TSM_DIR="$vt_tmp/none" \
    "$V" ratls "$vt_tmp/rc.pem" "$vt_tmp/rk.pem" -- true
expect "no attester: exit 1" rc_is 1
expect "no attester: one error line" stderr_prefix "veritee ratls"
expect "nothing written" test ! -e "$vt_tmp/rc.pem" -a ! -e "$vt_tmp/rk.pem"
case_end

finish
