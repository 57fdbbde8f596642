# SPDX-License-Identifier: Apache-2.0
# Shared by the integration tests that mount veritee-attestfs (sourced after cli_lib.sh).
# They need root, /dev/fuse and fusermount3; without them a test reports itself skipped
# (exit 77). Every daemon started here is stopped, and every mount undone, by the EXIT
# trap, whatever fails.
#
#   vt_require_fuse "WHAT"                 skip unless FUSE mounts can be made
#   vt_afs_start MNT LOG [ARGS...]         veritee-attestfs on MNT in the foreground,
#                                          stderr to LOG; waits for the mount; sets AFS_PID
#   vt_track_daemon PID                    stop PID too at exit (servers of a test)

AFS=${VT_ATTESTFS:-$VT_BUILD_DIR/src/attestfs/veritee-attestfs}
[[ $AFS == /* ]] || AFS=$PWD/$AFS

vt_require_fuse() {
    if [[ $(id -u) -ne 0 || ! -c /dev/fuse ]] || ! command -v fusermount3 >/dev/null; then
        echo "$1 need root, /dev/fuse and fusermount3: skipped"
        exit 77
    fi
}

vt_fuse_daemons=()
vt_fuse_mounts=()
vt_fuse_cleanup() {
    local m p
    for p in "${vt_fuse_daemons[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${vt_fuse_daemons[@]}"; do wait "$p" 2>/dev/null; done
    for m in "${vt_fuse_mounts[@]}"; do
        if mountpoint -q "$m" 2>/dev/null; then fusermount3 -u "$m" 2>/dev/null || umount -l "$m"; fi
    done
    rm -rf "$vt_tmp"
}
trap vt_fuse_cleanup EXIT

vt_track_daemon() { vt_fuse_daemons+=("$1"); }

vt_afs_start() {
    local mnt=$1 log=$2
    shift 2
    mkdir -p "$mnt"
    "$AFS" --foreground --mount "$mnt" "$@" 2>"$log" &
    AFS_PID=$!
    vt_fuse_daemons+=("$AFS_PID")
    vt_fuse_mounts+=("$mnt")
    for _ in $(seq 250); do
        if grep -q "mounted on" "$log" && mountpoint -q "$mnt"; then return 0; fi
        kill -0 "$AFS_PID" 2>/dev/null || return 1
        sleep 0.02
    done
    return 1
}
