#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The CLI, its man page and its bash completion agree (docs/style.md §7). The command
# tables are walked through `--help` at every level (the help text is generated from
# the tables): every usage line must appear in the man page's SYNOPSIS, every noun,
# verb and option in the man page and in what the completion offers, and every JSON
# key the program prints in the man page's JSON OUTPUT section.
source "$(dirname "$0")/cli_lib.sh"

V=$VERITEE
src=$(cd "$VT_SOURCE_DIR" && pwd)
MAN=$src/man/veritee.1
COMP=$src/completion/veritee.bash

# ---- the man page as plain text -------------------------------------------------------
render_man() {
    if command -v groff >/dev/null 2>&1; then
        groff -man -Tascii -P-cbu -ww "$MAN" 2>/dev/null
    else
        # Without groff: drop comments and macro names, font escapes and dash escapes.
        sed -e '/^\.\\"/d' -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\e/\\/g' \
            -e 's/\\(em/--/g' -e 's/^\.[A-Za-z]* *//' -e 's/"//g' "$MAN"
    fi
}
render_man >"$vt_tmp/man.txt"
flat() { tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'; }
# section NAME: the rendered text of one top-level section.
section() {
    awk -v s="$1" '$0 == s { f = 1; next } /^[A-Z][A-Z ]+$/ { f = 0 } f' "$vt_tmp/man.txt"
}
section SYNOPSIS | flat >"$vt_tmp/synopsis.txt"
section OPTIONS | flat >"$vt_tmp/options.txt"
section COMMANDS | flat >"$vt_tmp/commands.txt"
section "JSON OUTPUT" | flat >"$vt_tmp/json.txt"
section FILES >"$vt_tmp/files.txt"
section "EXIT STATUS" >"$vt_tmp/exit.txt"

# ---- the command tree, from --help ----------------------------------------------------
# usage_lines CMD...: the "Usage:" block of CMD --help, one synopsis per line.
usage_lines() {
    "$V" "$@" --help | awk '
        /^Usage: / { sub(/^Usage: /, ""); print; u = 1; next }
        u && /^       [^ ]/ { sub(/^ +/, ""); print; next }
        { u = 0 }'
}
# commands CMD...: the names listed under "Commands:" in CMD --help.
commands() {
    "$V" "$@" --help | awk '/^Commands:/ { c = 1; next } c && /^  [a-z]/ { print $1; next } { c = 0 }'
}
# long_options CMD...: every --option listed in CMD --help.
long_options() {
    "$V" "$@" --help | sed -nE 's/^  (-[A-Za-z], )?(--[a-z0-9-]+).*/\2/p' | sort -u
}

# completion WORD...: what _veritee offers for the command line WORD... (last = current).
completion() {
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _veritee
             printf "%s\n" "${COMPREPLY[@]}"' _ "$COMP" "$@" 2>/dev/null | sed '/^$/d' | sort -u
}

not_line() { ! grep -qx -- "$1" <<<"$2"; }
has_token() { grep -qF -- " $2 " <<<" $(cat "$1") "; }
has_text() { grep -qF -- "$2" "$1"; }
same_lines() { diff <(printf '%s\n' "$1" | sed '/^$/d' | sort -u) <(printf '%s\n' "$2" | sed '/^$/d' | sort -u) >/dev/null; }

# ---- man page structure ---------------------------------------------------------------
case_begin "man sections"
for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS FILES "JSON OUTPUT" ENVIRONMENT \
    "EXIT STATUS" "SEE ALSO"; do
    expect "section $s" grep -qx "$s" "$vt_tmp/man.txt"
done
expect "EXAMPLE under FILES" grep -qE '^ *EXAMPLE$' "$vt_tmp/files.txt"
expect "NO_COLOR" has_text "$vt_tmp/man.txt" NO_COLOR
case_end

case_begin "man exit statuses"
for code in 0 1 2 64; do
    expect "exit status $code" grep -qE "^ *$code( |\$)" "$vt_tmp/exit.txt"
done
case_end

case_begin "completion script parses"
expect "bash -n" bash -n "$COMP"
case_end

# ---- top level ---------------------------------------------------------------------
nouns=$(commands)
case_begin "top level usage in the man page"
while IFS= read -r line; do
    expect "synopsis '$line'" has_text "$vt_tmp/synopsis.txt" "$(flat <<<"$line")"
done < <(usage_lines)
case_end

case_begin "top level completion"
top_opts=$(usage_lines | grep -oE -- '--[a-z-]+' | sort -u)
expect "nouns, help and top options offered" same_lines \
    "$(completion veritee '')" "$(printf '%s\n' $nouns help $top_opts)"
for o in $top_opts; do expect "man has $o" has_token "$vt_tmp/options.txt" "$o"; done
case_end

# ---- every noun and verb -------------------------------------------------------------
for noun in $nouns; do
    verbs=$(commands "$noun")
    case_begin "noun $noun"
    while IFS= read -r line; do
        expect "synopsis '$line'" has_text "$vt_tmp/synopsis.txt" "$(flat <<<"$line")"
    done < <(usage_lines "$noun")
    expect "completion offers the verbs" same_lines \
        "$(completion veritee "$noun" '' | grep -v -- '^-' | grep -vx help)" "$verbs"
    case_end

    for verb in $verbs; do
        case_begin "verb $noun $verb: usage in the man page"
        n=0
        while IFS= read -r line; do
            n=$((n + 1))
            expect "synopsis '$line'" has_text "$vt_tmp/synopsis.txt" "$(flat <<<"$line")"
        done < <(usage_lines "$noun" "$verb")
        expect "has a usage line" test "$n" -gt 0
        expect "COMMANDS entry" has_text "$vt_tmp/commands.txt" "$noun $verb"
        case_end

        opts=$(long_options "$noun" "$verb")
        case_begin "verb $noun $verb: options in the man page"
        expect "has options" test -n "$opts"
        for o in $opts; do expect "man has $o" has_token "$vt_tmp/options.txt" "$o"; done
        case_end

        case_begin "verb $noun $verb: options in the completion"
        expect "completion offers exactly the options of --help" same_lines \
            "$(completion veritee "$noun" "$verb" --)" "$opts"
        for o in $opts; do expect "script has $o" grep -qE -- "(^|[ \"])$o([ \"]|\$)" "$COMP"; done
        case_end
    done
done

# ---- completion of option arguments ---------------------------------------------------
case_begin "completion: --accept-status words"
got=$(completion veritee quote verify --accept-status '')
for s in UpToDate SWHardeningNeeded ConfigurationNeeded ConfigurationAndSWHardeningNeeded \
    OutOfDate OutOfDateConfigurationNeeded TDRelaunchAdvised \
    TDRelaunchAdvisedConfigurationNeeded Revoked TcbNotSupported; do
    expect "offers $s" grep -qx "$s" <<<"$got"
done
case_end

case_begin "completion: --collateral completes directories"
mkdir -p "$vt_tmp/cwd/bundle" && : >"$vt_tmp/cwd/quote.bin"
got=$(cd "$vt_tmp/cwd" && completion veritee quote verify --collateral '')
expect "directory offered" grep -qx bundle <<<"$got"
expect "file not offered" not_line quote.bin "$got"
got=$(cd "$vt_tmp/cwd" && completion veritee quote verify '')
expect "FILE completes files" grep -qx quote.bin <<<"$got"
case_end

# ---- every JSON key the program prints is documented ----------------------------------
json_keys() {
    "$PYTHON" -c 'import json, sys
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            print(k); walk(x)
    elif isinstance(v, list):
        for x in v: walk(x)
walk(json.load(sys.stdin))'
}
: >"$vt_tmp/keys"
for id in $(dcap_vectors); do
    dir=$VT_VECTORS_DIR/$id
    "$V" quote dump "$dir/quote.bin" --json | json_keys >>"$vt_tmp/keys"
    "$V" quote verify "$dir/quote.bin" --collateral "$dir" --at "$(expected "$id" verify_time)" \
        --json 2>/dev/null | json_keys >>"$vt_tmp/keys"
done
# A failure (for "error") and a policy run.
id=tdx-v4-phala-uptodate
"$V" quote verify "$VT_VECTORS_DIR/$id/quote.bin" --collateral "$VT_VECTORS_DIR/sgx-v3-phala-processorca" \
    --report-data 00 --json 2>/dev/null | json_keys >>"$vt_tmp/keys"
case_begin "every JSON key is in JSON OUTPUT"
expect "keys were collected" test -s "$vt_tmp/keys"
for k in $(sort -u "$vt_tmp/keys"); do
    expect "key $k" grep -qE -- "(^|[^a-z0-9_])$k([^a-z0-9_]|\$)" "$vt_tmp/json.txt"
done
case_end

finish
