#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Simulated enclave identity end to end: `veritee sim sign --gen-key`, `sim sign` of a
# copy of /bin/true (and of /bin/sh, to see the environment), `sim run`, and the
# EINIT-like refusal of a modified executable, a modified trusted file and a modified .sig.
source "$(dirname "$0")/cli_lib.sh"

V=$VERITEE
d=$vt_tmp/sim
mkdir -p "$d"
cp /bin/true "$d/app"
printf 'level = 1\n' >"$d/app.conf"

case_begin "sim sign --gen-key writes a 0600 RSA-3072 e=3 key"
run "$V" sim sign --gen-key "$d/signer.pem"
expect "exit 0" rc_is 0
expect "prints mrsigner" stdout_has "mrsigner: "
expect "mode 0600" test "$(stat -c %a "$d/signer.pem")" = 600
expect "RSA 3072" bash -c "openssl pkey -in '$d/signer.pem' -noout -text 2>/dev/null | grep -q '3072 bit'"
expect "exponent 3" bash -c "openssl pkey -in '$d/signer.pem' -noout -text 2>/dev/null | grep -q 'publicExponent: 3 '"
mrsigner_gen=$(sed -n 's/^mrsigner: //p' "$OUT")
run "$V" sim sign --gen-key "$d/signer.pem"
expect "an existing key is not replaced" rc_is 1
expect "says why" stderr_has "not overwriting"
case_end

case_begin "sim sign writes a .sig and prints MRENCLAVE and MRSIGNER"
run "$V" sim sign --key "$d/signer.pem" --exe "$d/app" --prod-id 5 --svn 2 \
    --trusted-file "$d/app.conf" -o "$d/app.sig"
expect "exit 0" rc_is 0
expect "sig written" test -s "$d/app.sig"
expect "magic" bash -c "head -c 7 '$d/app.sig' | grep -q VTSIGv1"
expect "prints mrenclave" grep -qE '^mrenclave: [0-9a-f]{64}$' "$OUT"
expect "same mrsigner as --gen-key" stdout_has "mrsigner: $mrsigner_gen"
# MRSIGNER = SHA-256 of the little-endian modulus, computed here with openssl and python.
want=$(openssl pkey -in "$d/signer.pem" -noout -text 2>/dev/null | "$PYTHON" -c '
import hashlib, re, sys
t = sys.stdin.read()
m = re.search(r"modulus:\s*((?:[0-9a-f]{2}:?\s*)+)", t).group(1)
n = bytes.fromhex(re.sub(r"[^0-9a-f]", "", m)).lstrip(b"\0")
print(hashlib.sha256(n[::-1].ljust(384, b"\0")).hexdigest())')
expect "independent mrsigner computed" grep -qE '^[0-9a-f]{64}$' <<<"$want"
expect "mrsigner is sha256 of the LE modulus" stdout_has "mrsigner: $want"
case_end

case_begin "sim run launches a matching executable"
run "$V" sim run --sig "$d/app.sig" -- "$d/app"
expect "exit 0 (the app's own)" rc_is 0
expect "nothing on stderr" stderr_empty
case_end

case_begin "sim run passes VERITEE_SIM_SIG and VERITEE_ATTESTATION_DIR"
cp /bin/sh "$d/shapp"
run "$V" sim sign --key "$d/signer.pem" --exe "$d/shapp" -o "$d/shapp.sig"
expect "signed" rc_is 0
run "$V" sim run --sig "$d/shapp.sig" --attestfs /mnt/attest -- "$d/shapp" -c \
    'echo "sig=$VERITEE_SIM_SIG dir=$VERITEE_ATTESTATION_DIR"; exit 7'
expect "the app's exit status" rc_is 7
expect "absolute sig path" stdout_has "sig=$(cd "$d" && pwd -P)/shapp.sig dir=/mnt/attest"
case_end

case_begin "sim run --env sets variables for the app only"
# LD_PRELOAD of a library that does not exist: the dynamic loader of the launcher would
# complain on stderr if it saw it; only the app (a shell) may see it (and its loader warns
# then, which is the app's business).
run "$V" sim run --sig "$d/shapp.sig" --env VT_DEMO=a=b --env VT_EMPTY= -- "$d/shapp" -c \
    'echo "demo=$VT_DEMO empty=[${VT_EMPTY-unset}]"'
expect "exit 0" rc_is 0
expect "value with '=' kept, empty value set" stdout_has "demo=a=b empty=[]"
run "$V" sim run --sig "$d/shapp.sig" --env NOEQUALS -- "$d/shapp" -c true
expect "NAME without =: exit 64" rc_is 64
expect "says what is expected" stderr_has "expected NAME=VALUE"
run "$V" sim run --sig "$d/shapp.sig" --env =x -- "$d/shapp" -c true
expect "empty NAME: exit 64" rc_is 64
run env -u VT_DEMO "$V" sim run --sig "$d/app.sig" --env VT_DEMO=1 -- "$d/app"
expect "the launch itself is unaffected" rc_is 0
case_end

case_begin "sim run refuses a modified executable"
printf '\0' >>"$d/app"
run "$V" sim run --sig "$d/app.sig" -- "$d/app"
expect "exit 1" rc_is 1
expect "one line" stderr_lines 1
expect "exact message" first_stderr_has \
    "veritee sim run: executable does not match the signed MRENCLAVE (tampered?)"
cp /bin/true "$d/app"
run "$V" sim run --sig "$d/app.sig" -- "$d/app"
expect "restored copy runs" rc_is 0
case_end

case_begin "sim run refuses a modified trusted file"
printf 'level = 2\n' >"$d/app.conf"
run "$V" sim run --sig "$d/app.sig" -- "$d/app"
expect "exit 1" rc_is 1
expect "names the file" stderr_has "app.conf"
printf 'level = 1\n' >"$d/app.conf"
case_end

case_begin "sim run refuses a modified .sig"
cp "$d/app.sig" "$d/bad.sig"
printf '\x01' | dd of="$d/bad.sig" bs=1 seek=40 conv=notrunc 2>/dev/null # ISVPRODID
run "$V" sim run --sig "$d/bad.sig" -- "$d/app"
expect "exit 1" rc_is 1
expect "signature" stderr_has "signature does not verify"
head -c 100 "$d/app.sig" >"$d/short.sig"
run "$V" sim run --sig "$d/short.sig" -- "$d/app"
expect "truncated: exit 1" rc_is 1
case_end

case_begin "usage errors"
run "$V" sim run --sig "$d/app.sig"
expect "missing APP: 64" rc_is 64
run "$V" sim sign --key "$d/signer.pem" -o "$d/x.sig"
expect "missing --exe: 64" rc_is 64
run "$V" sim sign --key "$d/signer.pem" --exe "$d/app" --svn 65536 -o "$d/x.sig"
expect "svn out of range: 64" rc_is 64
run "$V" sim sign --help
expect "help: 0" rc_is 0
expect "usage line" stdout_has "Usage: veritee sim sign --gen-key FILE"
case_end

finish
