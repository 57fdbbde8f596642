#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Gramine compat program (gramine_api_compat.c, built only against <gramine/ra_tls.h>)
# as a simulated enclave: signed with `veritee sim sign` (its two RA-TLS libraries
# measured as trusted files), launched with `veritee sim run` on a veritee-attestfs mount
# (needs root and /dev/fuse). It makes its key and certificate through the real
# /dev/attestation protocol and verifies them against the simulated root: with the
# RA_TLS_* variables and with a measurement callback, both set to the signed identity;
# another identity, a debug enclave, a SWHardeningNeeded platform and an unlaunched
# process are refused as Gramine refuses them. Mounts are undone by the EXIT trap.
source "$(dirname "$0")/cli_lib.sh"
source "$(dirname "$0")/fuse_lib.sh"

COMPAT=$VT_BUILD_DIR/tests/integration/gramine_api_compat
LIBDIR=$VT_BUILD_DIR/src/gramine
[[ $COMPAT == /* ]] || COMPAT=$PWD/$COMPAT
[[ $LIBDIR == /* ]] || LIBDIR=$PWD/$LIBDIR
vt_require_fuse "gramine attestfs tests"

V=$VERITEE
d=$vt_tmp/gafs
mkdir -p "$d"

# mount_afs NAME PLATFORM: veritee-attestfs for PLATFORM on $d/NAME; sets MNT.
mount_afs() {
    MNT=$d/$1
    vt_afs_start "$MNT" "$d/$1.log" --platform "$2"
}

# The app and its libraries, measured together: a changed library changes MRENCLAVE.
cp "$COMPAT" "$d/app"
cp "$LIBDIR/libra_tls_attest.so" "$LIBDIR/libra_tls_verify_dcap.so" "$d/"
"$V" sim sign --gen-key "$d/signer.pem" >/dev/null || exit 1
# sign NAME ARGS...: signs $d/NAME (a copy of the app); sets MRE, MRS.
sign() {
    local name=$1
    shift
    [[ -e $d/$name ]] || cp "$d/app" "$d/$name"
    "$V" sim sign --key "$d/signer.pem" --exe "$d/$name" --trusted-file "$d/libra_tls_attest.so" \
        --trusted-file "$d/libra_tls_verify_dcap.so" "$@" -o "$d/$name.sig" >"$d/$name.id" || exit 1
    MRE=$(sed -n 's/^mrenclave: //p' "$d/$name.id")
    MRS=$(sed -n 's/^mrsigner: //p' "$d/$name.id")
}
sign app --prod-id 7 --svn 3
APP_MRE=$MRE
APP_MRS=$MRS
sign debugapp --prod-id 7 --svn 3 --debug

plat=$d/plat
"$V" sim init "$plat" >/dev/null || exit 1
mount_afs afs "$plat" || {
    echo "cannot mount attestfs"
    cat "$d/afs.log"
    exit 1
}

# enclave NAME OUT ARGS...: runs $d/NAME as a simulated enclave on MNT, verifying against
# the platform (LD_LIBRARY_PATH: the measured copies of the libraries).
enclave() {
    local name=$1 out=$2
    shift 2
    mkdir -p "$out"
    run env LD_LIBRARY_PATH="$d" VERITEE_ROOT_CA="$PLAT/root_ca.der" VERITEE_COLLATERAL="$PLAT" \
        "$V" sim run --sig "$d/$name.sig" --attestfs "$MNT" -- "$d/$name" "$out" "$@"
}
PLAT=$plat
export RA_TLS_MRENCLAVE=$APP_MRE RA_TLS_MRSIGNER=$APP_MRS RA_TLS_ISV_PROD_ID=7 RA_TLS_ISV_SVN=3

case_begin "a signed enclave on attestfs: create + verify with the RA_TLS_* variables"
enclave app "$d/o1" env
expect "exit 0" rc_is 0
expect "ok" stdout_has "Verifying peer X.509 certificate... ok"
expect "scheme DCAP, AT_NONE, OK" stdout_has "scheme 2, err_loc 0, qv 0"
expect "the simulated root is announced" stderr_has "trusting the SIMULATED root CA"
run openssl x509 -inform DER -in "$d/o1/crt.der" -noout -text
expect "a certificate with the TCG evidence" stdout_has "2.23.133.5.4.9"
case_end

case_begin "a signed enclave: verify with a measurement callback"
enclave app "$d/o2" callback "$APP_MRE" "$APP_MRS" 7 3
expect "exit 0" rc_is 0
expect "ok" stdout_has "Verifying peer X.509 certificate... ok"
expect "the callback saw the signed ISV values" stderr_has "callback: isv_prod_id 7 isv_svn 3"
case_end

case_begin "another identity is refused at AT_VERIFY_ENCLAVE_MEASUREMENTS"
enclave app "$d/o3" callback 0 0 8 0
expect "exit 1" rc_is 1
expect "err_loc 5" stdout_has "ret -9984, scheme 2, err_loc 5"
RA_TLS_ISV_SVN=4 enclave app "$d/o4" env
expect "svn 4 wanted: exit 1" rc_is 1
expect "svn named" stderr_has "RA_TLS_ISV_SVN 4"
RA_TLS_MRENCLAVE=$(printf '00%.0s' $(seq 32)) enclave app "$d/o5" env
expect "mrenclave: exit 1" rc_is 1
expect "mrenclave named" stderr_has "MRENCLAVE of the peer does not match"
case_end

case_begin "a debug enclave needs RA_TLS_ALLOW_DEBUG_ENCLAVE_INSECURE=1"
RA_TLS_MRENCLAVE=any enclave debugapp "$d/o6" env
expect "exit 1" rc_is 1
expect "err_loc 4" stdout_has "err_loc 4"
expect "says why" stderr_has "debug enclave"
RA_TLS_MRENCLAVE=any RA_TLS_ALLOW_DEBUG_ENCLAVE_INSECURE=1 enclave debugapp "$d/o7" env
expect "allowed: exit 0" rc_is 0
case_end

case_begin "an unlaunched process gets no quote: FILE_IO_ERROR"
mkdir -p "$d/o8"
run env LD_LIBRARY_PATH="$d" VERITEE_ATTESTATION_DIR="$MNT" "$d/app" "$d/o8" env
expect "exit 1" rc_is 1
expect "FILE_IO_ERROR" stdout_has "ra_tls_create_key_and_crt_der failed: -10496"
expect "names the file" stderr_has "quote"
case_end

case_begin "a SWHardeningNeeded platform needs RA_TLS_ALLOW_SW_HARDENING_NEEDED=1"
plat2=$d/plat2
"$V" sim init "$plat2" --tcb swhardening >/dev/null
expect "mounted" mount_afs afs2 "$plat2"
PLAT=$plat2
enclave app "$d/o9" env
expect "exit 1" rc_is 1
expect "AT_VERIFY_EXTERNAL, SW_HARDENING_NEEDED" stdout_has "err_loc 3, func 0, qv 0xa007"
expect "Gramine's message" stderr_has "Quote: verification failed with error SW_HARDENING_NEEDED"
RA_TLS_ALLOW_SW_HARDENING_NEEDED=1 enclave app "$d/o10" env
expect "allowed: exit 0" rc_is 0
expect "ok, qv 0xa007" stdout_has "err_loc 0, qv 0xa007"
expect "Gramine's message" stderr_has "Allowing quote status SW_HARDENING_NEEDED"
PLAT=$plat
case_end

finish
