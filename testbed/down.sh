#!/usr/bin/env bash
# Stops everything up.sh, card.sh and services.sh started (TSA, OCSP
# responder and CRL server, virtual cards, then pcscd) and deletes $PODPIS_TESTBED_DIR,
# unless --keep is given (then the PKI, tokens and card state survive for the
# next up.sh). The installed Python packages
# (<repo>/.testbed/py, from install-deps.sh) are kept either way.
# Idempotent: safe when nothing runs.
set -euo pipefail
TB_NAME=down.sh
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

keep=0
for a in "$@"; do
    case "$a" in
        --keep) keep=1 ;;
        -h|--help) echo "usage: $0 [--keep]"; exit 0 ;;
        *) die "unknown argument '$a' (usage: $0 [--keep])" ;;
    esac
done

stopped_pids=()
stop_one() {  # stop_one PIDFILE NAME CMDLINE-SUBSTRING
    if pid_running "$1" "$3"; then stopped_pids+=("$(pid_of "$1")"); fi
    stop_pidfile "$@"
}
if [ -d "$RUN_DIR" ]; then
    stop_one "$TSA_PIDFILE" TSA tsa.py
    stop_one "$OCSP_PIDFILE" "OCSP responder" ocsp.py
    stop_one "$CRL_PIDFILE" "CRL server" pkihttp.py
    for pf in "$RUN_DIR"/scripted-*.pid; do
        [ -e "$pf" ] || continue
        stop_one "$pf" "scripted card ($(basename "$pf" .pid))" scripted_card.py
    done
    stop_one "$OPENPGP_PIDFILE" "OpenPGP card" openpgp_bridge.py
    stop_one "$PCSCD_PIDFILE" pcscd pcscd
fi
rm -f "$STATE/.up"

# Our daemons' parent is init, which on some machines reaps orphans only every
# few seconds: until then `pgrep` still lists "<defunct>" entries. Wait (up to
# 10 s) so that nothing at all is left behind.
for _ in $(seq 1 100); do
    left=0
    for pid in "${stopped_pids[@]}"; do
        case "$pid" in ''|*[!0-9]*) continue ;; esac
        [ -d "/proc/$pid" ] && left=1
    done
    [ "$left" -eq 1 ] || break
    sleep 0.1
done

# Anything still running from this state dir (pid file lost) is a leak: say so
# and stop it. Matches only command lines naming this state directory.
if [ -d "$STATE" ]; then
    for p in /proc/[0-9]*; do
        pid="${p#/proc/}"
        [ "$pid" != "$$" ] || continue
        cmd="$(tr '\0' ' ' < "$p/cmdline" 2>/dev/null || true)"
        case "$cmd" in
            *openpgp_bridge.py*"--state-dir $STATE/openpgp "*|pcscd*"-c $STATE/pcscd/reader.conf.d"*|unshare*"$STATE/run/pcscd"*|\
            *tsa.py*"--serial-file $STATE/tsa/"*|*ocsp.py*"--index $STATE/ocsp/"*|*pkihttp.py*"--dir $STATE/pki/www"*)
                log "stray process from this bench: $pid $cmd: stopping it"
                kill -TERM "$pid" 2>/dev/null || true ;;
        esac
    done
fi

if [ "$keep" -eq 1 ]; then
    log "stopped; state kept in $STATE"
    exit 0
fi

if [ ! -d "$STATE" ]; then
    log "stopped; no state directory $STATE"
    exit 0
fi
if [ -d "$STATE" ]; then
    case "$STATE" in /|"$TB_REPO"|"$TB_SCRIPTS"|"${HOME:-/root}") die "refusing to delete '$STATE'" ;; esac
    if [ -z "$(find "$STATE" -mindepth 1 -maxdepth 1 ! -path "$TB_PYDIR" ! -path "$TB_XADES_PYDIR" ! -path "$TB_API_PYDIR" ! -path "$TB_CERTVALIDATOR_PYDIR" ! -path "$TB_BROWSER_PYDIR" -print -quit)" ]; then
        log "stopped; nothing to remove in $STATE"
        exit 0
    fi
    if [ ! -f "$STATE/.podpis-testbed" ]; then
        log "$STATE has no .podpis-testbed marker: not deleting it"
        exit 0
    fi
    # Keep the pip-installed packages if they live inside the state dir.
    find "$STATE" -mindepth 1 -maxdepth 1 ! -path "$TB_PYDIR" ! -path "$TB_XADES_PYDIR" ! -path "$TB_API_PYDIR" ! -path "$TB_CERTVALIDATOR_PYDIR" ! -path "$TB_BROWSER_PYDIR" -exec rm -rf {} +
    rmdir "$STATE" 2>/dev/null || true
fi
log "stopped; state removed ($STATE)"
