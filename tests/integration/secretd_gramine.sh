#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# An unmodified Gramine client gets its secret from veritee-secretd (needs root and
# /dev/fuse): secretprov_client, built only against <gramine/secret_prov.h> and linked
# with -lsecret_prov_attest, runs as a simulated enclave (`veritee sim run` on a
# veritee-attestfs mount) and uses the library's constructor, as a Gramine manifest does
# (SECRET_PROVISION_CONSTRUCTOR=1): string mode puts the secret in
# SECRET_PROVISION_SECRET_STRING, SET_KEY mode writes it to /dev/attestation/keys/NAME.
# The daemon's rule names the client's MRENCLAVE; another identity gets nothing.
source "$(dirname "$0")/cli_lib.sh"
source "$(dirname "$0")/fuse_lib.sh"
vt_require_fuse "Gramine client tests"

SECRETD=$VT_BUILD_DIR/src/secretd/veritee-secretd
CLIENT=$VT_BUILD_DIR/tests/integration/secretprov_client
LIBDIR=$VT_BUILD_DIR/src/gramine_secretprov
[[ $SECRETD == /* ]] || SECRETD=$PWD/$SECRETD
[[ $CLIENT == /* ]] || CLIENT=$PWD/$CLIENT
[[ $LIBDIR == /* ]] || LIBDIR=$PWD/$LIBDIR

d=$vt_tmp/g
mkdir -p "$d"
MNT=$d/mnt

# The server's PKI: a CA (the client's SECRET_PROVISION_CA_CHAIN_PATH) and a certificate
# for localhost.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -keyout "$d/ca.key" -out "$d/ca.crt" -subj "/CN=Secretd Test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" \
    2>/dev/null || exit 1
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/srv.key" \
    -out "$d/srv.csr" -subj "/CN=localhost" 2>/dev/null || exit 1
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$d/ext.cnf"
openssl x509 -req -in "$d/srv.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
    -days 2 -extfile "$d/ext.cnf" -out "$d/srv.crt" 2>/dev/null || exit 1

# The simulated platform on attestfs, and the client signed as an enclave.
plat=$d/plat
"$VERITEE" sim init "$plat" >/dev/null || exit 1
vt_afs_start "$MNT" "$d/afs.log" --platform "$plat" ||
    { echo "cannot mount attestfs"; cat "$d/afs.log"; exit 1; }
cp "$CLIENT" "$d/client"
cp "$LIBDIR/libsecret_prov_attest.so" "$d/"
"$VERITEE" sim sign --gen-key "$d/signer.pem" >/dev/null || exit 1
"$VERITEE" sim sign --key "$d/signer.pem" --exe "$d/client" \
    --trusted-file "$d/libsecret_prov_attest.so" --prod-id 7 --svn 3 -o "$d/client.sig" \
    >"$d/client.id" || exit 1
MRE=$(sed -n 's/^mrenclave: //p' "$d/client.id")
OTHER=$(printf 'ab%.0s' {1..32})
KEY16=$(head -c 16 /dev/urandom | base64)

# config MRENCLAVE DEFAULT_SECRET: the daemon's configuration for one client identity.
config() {
    cat >"$d/sd.json" <<JSON
{
  "listen": ["127.0.0.1:0"],
  "tls": {"cert": "srv.crt", "key": "srv.key"},
  "trust": {"root_ca": "plat/root_ca.der", "trust_simulated_root": true, "collateral_dir": "plat"},
  "secrets": {
    "greeting": {"string": "A_SIMPLE_SECRET"},
    "fs-key": {"base64": "$KEY16"}
  },
  "rules": [{"mrenclave": "$1", "secrets": ["greeting", "fs-key"], "default_secret": "$2"}]
}
JSON
}

# start_sd: the daemon on a free port; sets PORT, SD_LOG, SD_PID.
start_sd() {
    SD_LOG=$d/sd.$RANDOM.log
    "$SECRETD" --config "$d/sd.json" 2>"$SD_LOG" &
    SD_PID=$!
    vt_track_daemon "$SD_PID"
    PORT=""
    for _ in $(seq 100); do
        grep -q "ready:" "$SD_LOG" && break
        sleep 0.1
    done
    PORT=$(sed -n 's|.*listening on 127\.0\.0\.1:\([0-9]*\)$|\1|p' "$SD_LOG" | head -n1)
    [[ -n $PORT ]]
}

# enclave ARGS...: the client as a simulated enclave, the library's constructor on.
enclave() {
    run env LD_LIBRARY_PATH="$d" SECRET_PROVISION_CONSTRUCTOR=1 \
        SECRET_PROVISION_CA_CHAIN_PATH="$d/ca.crt" SECRET_PROVISION_SERVERS="localhost:$PORT" \
        "${EXTRA_ENV[@]}" "$VERITEE" sim run --sig "$d/client.sig" --attestfs "$MNT" -- \
        "$d/client" "$@"
}
EXTRA_ENV=()

case_begin "Gramine constructor, string mode: SECRET_PROVISION_SECRET_STRING from veritee-secretd"
config "$MRE" greeting
start_sd || { cat "$SD_LOG"; exit 1; }
enclave env
expect "exit 0" rc_is 0
expect "the secret in the environment" stdout_has "SECRET_PROVISION_SECRET_STRING=A_SIMPLE_SECRET"
expect "access log: Gramine request served" grep -q "mrenclave=$MRE .*request=gramine secret=greeting result=ok bytes=16" "$SD_LOG"
case_end

case_begin "Gramine constructor, SET_KEY mode: the 16-byte key in /dev/attestation/keys"
kill -TERM "$SD_PID"
wait "$SD_PID"
config "$MRE" fs-key
start_sd || { cat "$SD_LOG"; exit 1; }
EXTRA_ENV=(SECRET_PROVISION_SET_KEY=default VERITEE_ATTESTATION_DIR="$MNT")
enclave key default
EXTRA_ENV=()
expect "exit 0" rc_is 0
expect "the key" stdout_has "$(base64 -d <<<"$KEY16" | od -An -tx1 | tr -d ' \n')"
expect "access log" grep -q "request=gramine secret=fs-key result=ok bytes=16" "$SD_LOG"
case_end

case_begin "another enclave identity gets nothing: the constructor ends the process"
kill -TERM "$SD_PID"
wait "$SD_PID"
config "$OTHER" greeting
start_sd || { cat "$SD_LOG"; exit 1; }
enclave env
expect "exit 1" rc_is 1
expect "no secret" eval '! stdout_has "SECRET_PROVISION_SECRET_STRING=A_SIMPLE_SECRET"'
expect "denied in the log" grep -q "mrenclave=$MRE .*result=denied" "$SD_LOG"
case_end

finish
