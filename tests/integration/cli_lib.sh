# SPDX-License-Identifier: Apache-2.0
# Shared helpers for the CLI integration scripts (sourced, not run): counted cases with
# cmocka-style output, so scripts/test-summary.py counts every case, and runners that
# capture a command's stdout, stderr and exit status.
#
# Environment (set by meson): VT_BUILD_DIR, VT_SOURCE_DIR, VT_VECTORS_DIR.

set -uo pipefail

VT_BUILD_DIR=${VT_BUILD_DIR:-build}
VT_SOURCE_DIR=${VT_SOURCE_DIR:-.}
VT_VECTORS_DIR=${VT_VECTORS_DIR:-$VT_SOURCE_DIR/tests/vectors}
VERITEE=${VERITEE:-$VT_BUILD_DIR/veritee}
[[ $VERITEE == /* ]] || VERITEE=$PWD/$VERITEE

# The interpreter itself, not a version-manager shim (pyenv's costs ~0.5 s a call).
PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || echo python3)

vt_passed=0
vt_failed=0
vt_failed_names=()
vt_tmp=$(mktemp -d)
trap 'rm -rf "$vt_tmp"' EXIT

# Where the last run's output went.
OUT=$vt_tmp/out
ERR=$vt_tmp/err
RC=0

# run CMD...: runs CMD with stdin from /dev/null, capturing stdout, stderr and status.
run() {
    "$@" </dev/null >"$OUT" 2>"$ERR"
    RC=$?
}

# run_in FILE CMD...: like run, with stdin from FILE.
run_in() {
    local input=$1
    shift
    "$@" <"$input" >"$OUT" 2>"$ERR"
    RC=$?
}

# case_begin NAME; then checks; then case_end. A failed check records why.
vt_case=""
vt_case_ok=1
vt_case_why=""
case_begin() {
    vt_case=$1
    vt_case_ok=1
    vt_case_why=""
    echo "[ RUN      ] $vt_case"
}

# expect DESCRIPTION COMMAND...: the check passes if COMMAND succeeds.
expect() {
    local what=$1
    shift
    if ! "$@"; then
        if ((vt_case_ok)); then vt_case_why=$what; fi
        vt_case_ok=0
    fi
}

case_end() {
    if ((vt_case_ok)); then
        echo "[       OK ] $vt_case"
        vt_passed=$((vt_passed + 1))
    else
        echo "[  FAILED  ] $vt_case: $vt_case_why"
        echo "    exit status: $RC"
        echo "    stdout: $(head -c 600 "$OUT" 2>/dev/null | tr '\n' '|')"
        echo "    stderr: $(head -c 600 "$ERR" 2>/dev/null | tr '\n' '|')"
        vt_failed=$((vt_failed + 1))
        vt_failed_names+=("$vt_case")
    fi
}

# Common checks on the last run.
rc_is() { [[ $RC -eq $1 ]]; }
stdout_has() { grep -qF -- "$1" "$OUT"; }
stderr_has() { grep -qF -- "$1" "$ERR"; }
stdout_empty() { [[ ! -s $OUT ]]; }
stderr_empty() { [[ ! -s $ERR ]]; }
stderr_lines() { [[ $(wc -l <"$ERR") -eq $1 ]]; }
first_stderr_has() { head -n 1 "$ERR" | grep -qF -- "$1"; }
no_escape() { ! grep -q $'\e' "$OUT"; }
stdout_first_line() { [[ $(head -n 1 "$OUT") == "$1" ]]; }
# The first stderr line is "PREFIX: ..." for the given command prefix.
stderr_prefix() { [[ $(head -n 1 "$ERR") == "$1: "* ]]; }
# json_ok PYTHON_EXPR: stdout parses as JSON and EXPR (over `j`) is true.
json_ok() {
    "$PYTHON" -c 'import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$OUT" "$1" 2>/dev/null
}

# A field of a vector's expected.json (strings and numbers; lists joined by commas).
expected() {
    "$PYTHON" -c 'import json, sys
v = json.load(open(sys.argv[1]))[sys.argv[2]]
print(",".join(v) if isinstance(v, list) else v)' "$VT_VECTORS_DIR/$1/expected.json" "$2"
}

# The DCAP vectors: directories with quote.bin and expected.json.
dcap_vectors() {
    local d
    for d in "$VT_VECTORS_DIR"/*/; do
        [[ -f $d/quote.bin && -f $d/expected.json && -f $d/tcb_info.json ]] && basename "$d"
    done
}

finish() {
    local total=$((vt_passed + vt_failed))
    echo "[==========] $total test(s) run."
    echo "[  PASSED  ] $vt_passed test(s)."
    if ((vt_failed)); then
        echo "[  FAILED  ] $vt_failed test(s), listed below:"
        local n
        for n in "${vt_failed_names[@]}"; do echo "[  FAILED  ] $n"; done
        exit 1
    fi
    exit 0
}

if [[ ! -x $VERITEE ]]; then
    echo "cli tests: $VERITEE is not built" >&2
    echo "[  FAILED  ] 1 test(s), listed below:"
    echo "[  FAILED  ] veritee binary"
    exit 1
fi
