# SPDX-License-Identifier: Apache-2.0
# bash completion for veritee(1). Install as
#   /usr/share/bash-completion/completions/veritee
# or source it from ~/.bashrc. The nouns, verbs and options below must match
# `veritee ... --help`; tests/integration/cli_docs.sh checks that they do.

_veritee_nouns="quote attest cert ratls sim"
_veritee_top_opts="--help --version"

_veritee_quote_verbs="dump verify"
_veritee_quote_opts="--help"
_veritee_quote_dump_opts="--json --help"
_veritee_quote_verify_opts="--collateral --pccs --pccs-ca --root --trust-simulated-root --at
  --json --mrenclave --mrsigner --isv-prod-id --min-isv-svn --mrtd --rtmr0 --rtmr1 --rtmr2
  --rtmr3 --mrseam --mrconfigid --mrowner --mrownerconfig --report-data --allow-debug
  --accept-status --accept-advisory --help"

# attest: evidence from this platform (src/cli/cmd_attest.c).
_veritee_attest_verbs="info quote"
_veritee_attest_opts="--help"
_veritee_attest_info_opts="--provider --help"
_veritee_attest_quote_opts="--provider --report-data --out --help"

# cert: RA-TLS certificates (src/cli/cmd_cert.c, cert_show.c, cert_verify.c).
_veritee_cert_verbs="show verify"
_veritee_cert_opts="--help"
_veritee_cert_show_opts="--json --help"
_veritee_cert_verify_opts="--collateral --pccs --pccs-ca --root --trust-simulated-root --at
  --json --mrenclave --mrsigner --isv-prod-id --min-isv-svn --prod-id --min-svn --mrtd --rtmr0
  --rtmr1 --rtmr2 --rtmr3 --mrseam --mrconfigid --mrowner --mrownerconfig --allow-debug
  --accept-status --accept-advisory --accept-tcb --help"

# ratls: a noun without verbs, like gramine-ratls (src/cli/cmd_ratls.c).
_veritee_ratls_opts="-D -P --der --pem --provider --help"

# sim sign / sim run: the simulated enclave identity (src/cli/cmd_sim_identity.c).
_veritee_sim_sign_opts="--key --gen-key --exe --prod-id --svn --debug --trusted-file --out
  --help"
_veritee_sim_run_opts="--sig --attestfs --env --help"

# sim init / sim quote: the simulated platform (src/cli/cmd_sim.c, cmd_sim_quote.c).
_veritee_sim_verbs="init quote sign run"
_veritee_sim_opts="--help"
_veritee_sim_init_opts="--platforms --tcb --fmspc --help"
_veritee_sim_quote_opts="--platform --index --sgx --mrenclave --mrsigner --isv-prod-id --isv-svn
  --debug --tdx --td-config --report-data --out --help"
_veritee_sim_tcb_words="uptodate swhardening configneeded configandswhardening outofdate
  outofdateconfigneeded revoked"

_veritee_tcb_statuses="UpToDate SWHardeningNeeded ConfigurationNeeded
  ConfigurationAndSWHardeningNeeded OutOfDate OutOfDateConfigurationNeeded TDRelaunchAdvised
  TDRelaunchAdvisedConfigurationNeeded Revoked TcbNotSupported"

# Completes file names (directories only with -d).
_veritee_files()
{
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    if [[ $1 == -d ]]; then
        COMPREPLY=($(compgen -d -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}

# Completes the argument of option $1; returns 1 if $1 takes no argument.
_veritee_option_arg()
{
    case $1 in
    --collateral)
        _veritee_files -d ;;
    --root | --pccs-ca)
        _veritee_files ;;
    --key | --gen-key | --exe | --trusted-file | --out | -o | --sig) # sim sign, sim run
        _veritee_files ;;
    --attestfs)
        _veritee_files -d ;;
    --prod-id | --svn | --env)
        COMPREPLY=() ;;
    --platform) # sim quote
        _veritee_files -d ;;
    --td-config | --out | -o)
        _veritee_files ;;
    --tcb)
        COMPREPLY=($(compgen -W "$_veritee_sim_tcb_words" -- "$cur")) ;;
    --provider) # attest
        COMPREPLY=($(compgen -W "gramine tsm" -- "$cur")) ;;
    --platforms | --fmspc | --index | --isv-svn)
        COMPREPLY=() ;;
    --accept-status | --accept-tcb)
        COMPREPLY=($(compgen -W "$_veritee_tcb_statuses" -- "$cur")) ;;
    --pccs)
        COMPREPLY=($(compgen -W "https://" -- "$cur")) ;;
    --at)
        COMPREPLY=($(compgen -W "$(date -u +%Y-%m-%dT%H:%M:%SZ 2>/dev/null)" -- "$cur")) ;;
    --mrenclave | --mrsigner | --isv-prod-id | --min-isv-svn | --min-svn | --mrtd | --rtmr[0-3] | \
        --mrseam | --mrconfigid | --mrowner | --mrownerconfig | --report-data | \
        --accept-advisory)
        COMPREPLY=() ;;
    *)
        return 1 ;;
    esac
    return 0
}

# veritee ratls [-D|-P] [--provider NAME] CERT KEY [-- COMMAND [ARGS...]]: options
# first (offered on an empty word too), then the two paths, then after "--" a command.
_veritee_ratls()
{
    local i paths=0
    for ((i = 2; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        --)
            COMPREPLY=($(compgen -c -- "$cur"))
            return ;;
        --provider) ((i++)) ;;
        -*) ;;
        *) paths=$((paths + 1)) ;;
        esac
    done
    _veritee_option_arg "$prev" && return
    if ((paths >= 2)); then
        COMPREPLY=($(compgen -W "--" -- "$cur"))
    elif [[ $cur == -* ]] || { [[ -z $cur ]] && ((paths == 0)); }; then
        COMPREPLY=($(compgen -W "$_veritee_ratls_opts" -- "$cur"))
    else
        _veritee_files
    fi
}

_veritee()
{
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    # "--opt=value": bash splits at '=' (COMP_WORDBREAKS).
    if [[ $cur == = ]]; then
        cur=""
    elif [[ $prev == = && COMP_CWORD -ge 2 ]]; then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi

    if ((COMP_CWORD == 1)); then
        COMPREPLY=($(compgen -W "$_veritee_nouns help $_veritee_top_opts" -- "$cur"))
        return
    fi
    local noun=${COMP_WORDS[1]}
    if [[ $noun == help ]]; then
        ((COMP_CWORD == 2)) && COMPREPLY=($(compgen -W "$_veritee_nouns" -- "$cur"))
        return
    fi
    if [[ $noun == ratls ]]; then
        _veritee_ratls
        return
    fi
    local verbs_var="_veritee_${noun}_verbs"
    [[ -n ${!verbs_var-} ]] || return
    if ((COMP_CWORD == 2)); then
        local noun_opts_var="_veritee_${noun}_opts"
        COMPREPLY=($(compgen -W "${!verbs_var} help ${!noun_opts_var-}" -- "$cur"))
        return
    fi
    local verb=${COMP_WORDS[2]}
    if [[ $verb == help ]]; then
        ((COMP_CWORD == 3)) && COMPREPLY=($(compgen -W "${!verbs_var}" -- "$cur"))
        return
    fi
    local opts_var="_veritee_${noun}_${verb//-/_}_opts"
    [[ -n ${!opts_var-} ]] || return

    _veritee_option_arg "$prev" && return
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "${!opts_var}" -- "$cur"))
    else
        _veritee_files # FILE: a quote, or '-' for standard input
    fi
}

complete -F _veritee veritee
