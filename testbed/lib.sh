# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are used by the scripts that source this file
# Common settings and helpers for the Podpis test bench scripts.
# Sourced by up.sh, down.sh, pcscd.sh, card.sh, pki.sh, softhsm.sh and services.sh; not run directly.

TB_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TB_REPO="$(dirname "$TB_SCRIPTS")"

# All state lives here (gitignored). Made absolute so that pid files, sockets
# and the env file never depend on the caller's working directory.
STATE="${PODPIS_TESTBED_DIR:-$TB_REPO/.testbed}"
case "$STATE" in /*) ;; *) STATE="$PWD/$STATE" ;; esac
STATE="${STATE%/}"

# Python packages installed by install-deps.sh (jcecard). Kept apart from the
# per-run state: down.sh does not delete it.
TB_PYDIR="${PODPIS_TESTBED_PYDIR:-$TB_REPO/.testbed/py}"
# signxml 5.2.0 with pinned lxml/cryptography wheels (install-deps.sh), for the
# XAdES checks of Tests/Tools/xades_check.py (PYTHONPATH=$PODPIS_XADES_PYDIR).
# Never on the same path as TB_PYDIR: its cryptography wheel would shadow
# Debian's python3-cryptography, which jcecard runs with. down.sh spares it,
# like TB_PYDIR and TB_API_PYDIR (openapi-spec-validator, schemathesis).
TB_XADES_PYDIR="${PODPIS_XADES_PYDIR:-$TB_REPO/.testbed/py-xades}"
TB_API_PYDIR="${PODPIS_API_PYDIR:-$TB_REPO/.testbed/py-api}"
# pyhanko-certvalidator (install-deps.sh) for Tests/Tools/certvalidator_check.py.
TB_CERTVALIDATOR_PYDIR="${PODPIS_CERTVALIDATOR_PYDIR:-$TB_REPO/.testbed/py-certvalidator}"
TB_BROWSER_PYDIR="${PODPIS_BROWSER_PYDIR:-$TB_REPO/.testbed/py-browser}"
# Debian's interpreter, which has python3-cryptography (jcecard needs it).
TB_PYTHON="${PODPIS_PYTHON:-/usr/bin/python3}"

RUN_DIR="$STATE/run"
LOG_DIR="$STATE/log"
PKI_DIR="$STATE/pki"
PCSCD_RUN_DIR="$RUN_DIR/pcscd"
PCSCD_SOCKET="$PCSCD_RUN_DIR/pcscd.comm"
PCSCD_CONF_DIR="$STATE/pcscd/reader.conf.d"
PCSCD_PIDFILE="$RUN_DIR/pcscd.pid"
OPENPGP_DIR="$STATE/openpgp"
OPENPGP_PIDFILE="$RUN_DIR/openpgp-bridge.pid"
SOFTHSM_CONF="$STATE/softhsm2.conf"
SOFTHSM_TOKENDIR="$STATE/softhsm/tokens"
ENV_FILE="$STATE/env"

# vpcd's two readers listen on PODPIS_VPCD_PORT and the next port (a second
# bench beside the first, e.g. a helper's worktree, moves them).
VPCD_PORT_0="${PODPIS_VPCD_PORT:-35963}"   # reader "Virtual PCD 00 00": the OpenPGP card
VPCD_PORT_1=$(( VPCD_PORT_0 + 1 ))          # reader "Virtual PCD 00 01": scripted cards
VPCD_READER_0="Virtual PCD 00 00"
VPCD_READER_1="Virtual PCD 00 01"

# Loopback HTTP services (services.sh): RFC 3161 TSA (tsa.py) and OCSP
# responder (ocsp.py). Ports can be moved if they clash with something.
TSA_PORT="${PODPIS_TSA_PORT:-35980}"
OCSP_PORT="${PODPIS_OCSP_PORT:-35981}"
# CRLs, CA certificates (caIssuers) and the test trusted lists (pkihttp.py).
CRL_PORT="${PODPIS_CRL_PORT:-35982}"
TSA_DIR="$STATE/tsa"
OCSP_DIR="$STATE/ocsp"
TSA_PIDFILE="$RUN_DIR/tsa.pid"
OCSP_PIDFILE="$RUN_DIR/ocsp.pid"
CRL_PIDFILE="$RUN_DIR/crl.pid"

SIGNER_TOKEN="Podpis Signer"
SIGNER_PIN=1234
SEAL_TOKEN="Podpis Seal"
SEAL_PIN=5678
SO_PIN=123456
OPENPGP_PIN=123456
OPENPGP_ADMIN_PIN=12345678

# Every client of the private pcscd finds it through this variable.
export PCSCLITE_CSOCK_NAME="$PCSCD_SOCKET"
export SOFTHSM2_CONF="$SOFTHSM_CONF"

TB_NAME="${TB_NAME:-testbed}"

log() { printf '%s: %s\n' "$TB_NAME" "$*" >&2; }
die() { printf '%s: ERROR: %s\n' "$TB_NAME" "$*" >&2; exit 1; }

# usage: prints the opening comment of the script that runs (its lines after
# the #! line, up to the first line of code) and exits 2. Scripts whose usage
# is one line define their own.
usage() {
    awk 'NR == 1 { next } !/^#/ { exit } { sub(/^# ?/, ""); print }' "$0" >&2
    exit 2
}

need_cmd() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || die "command '$c' not found: run testbed/install-deps.sh first"
    done
}

# Absolute path of a shared object shipped by a Debian package, e.g.
# find_module libsofthsm2.so softhsm2 libsofthsm2
find_module() {
    local name="$1"; shift
    local multiarch="" cand p
    multiarch="$(gcc -dumpmachine 2>/dev/null || true)"
    for cand in \
        "/usr/lib/${multiarch}/softhsm/$name" "/usr/lib/${multiarch}/$name" "/usr/lib/${multiarch}/pkcs11/$name" \
        "/usr/lib/$(uname -m)-linux-gnu/softhsm/$name" "/usr/lib/$(uname -m)-linux-gnu/$name" \
        "/usr/lib/$(uname -m)-linux-gnu/pkcs11/$name" "/usr/lib/softhsm/$name" "/usr/lib/$name"; do
        if [ -f "$cand" ]; then printf '%s\n' "$cand"; return 0; fi
    done
    for p in "$@"; do
        cand="$(dpkg -L "$p" 2>/dev/null | grep "/$name\$" | head -n1 || true)"
        if [ -n "$cand" ] && [ -f "$cand" ]; then printf '%s\n' "$cand"; return 0; fi
    done
    return 1
}

softhsm_module() { find_module libsofthsm2.so libsofthsm2 softhsm2 || die "libsofthsm2.so not found (package libsofthsm2)"; }
opensc_module() { find_module opensc-pkcs11.so opensc-pkcs11 || die "opensc-pkcs11.so not found (package opensc-pkcs11)"; }

# pid_running PIDFILE [CMDLINE-SUBSTRING]: true if the pid in PIDFILE is alive
# (and, if given, its command line contains the substring, so a recycled pid
# is never mistaken for ours).
pid_running() {
    local pidfile="$1" want="${2:-}" pid cmd
    [ -f "$pidfile" ] || return 1
    pid="$(cat "$pidfile" 2>/dev/null || true)"
    case "$pid" in ''|*[!0-9]*) return 1 ;; esac
    [ -d "/proc/$pid" ] || return 1
    # A zombie is not running.
    if grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null; then return 1; fi
    if [ -n "$want" ]; then
        cmd="$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null || true)"
        case "$cmd" in *"$want"*) ;; *) return 1 ;; esac
    fi
    return 0
}

pid_of() { cat "$1" 2>/dev/null || true; }

# signal_and_wait SIGNAL PID TENTHS PIDFILE [CMDLINE-SUBSTRING]: sends SIGNAL
# to the process group PID leads (or, failing that, to PID alone), then waits
# up to TENTHS tenths of a second for pid_running PIDFILE to turn false.
# Status 0 once it has stopped, 1 if it still runs.
signal_and_wait() {
    local sig="$1" pid="$2" tenths="$3" pidfile="$4" want="${5:-}" i
    kill -"$sig" -- "-$pid" 2>/dev/null || kill -"$sig" "$pid" 2>/dev/null || true
    for i in $(seq 1 "$tenths"); do
        pid_running "$pidfile" "$want" || return 0
        sleep 0.1
    done
    ! pid_running "$pidfile" "$want"
}

# stop_pidfile PIDFILE NAME [CMDLINE-SUBSTRING]: SIGTERM the process group the
# process leads (all ours are started with setsid), wait up to 5 s, then
# SIGKILL. Removes the pid file. Quiet if already stopped.
stop_pidfile() {
    local pidfile="$1" name="$2" want="${3:-}" pid i
    if ! pid_running "$pidfile" "$want"; then
        rm -f "$pidfile"
        return 0
    fi
    pid="$(pid_of "$pidfile")"
    log "stopping $name (pid $pid)"
    if ! signal_and_wait TERM "$pid" 50 "$pidfile" "$want"; then
        log "$name did not stop after SIGTERM: sending SIGKILL"
        signal_and_wait KILL "$pid" 30 "$pidfile" "$want" || die "could not stop $name (pid $pid)"
    fi
    # Dead. Its parent is init (our scripts exit after starting it), which on
    # some machines reaps orphans only every few seconds: until then `pgrep`
    # lists a "<defunct>" entry. down.sh sets TB_WAIT_REAP=1 to wait for that.
    if [ "${TB_WAIT_REAP:-0}" = 1 ]; then
        for i in $(seq 1 100); do
            [ -d "/proc/$pid" ] || break
            sleep 0.1
        done
    fi
    rm -f "$pidfile"
}

# Is something listening on TCP port N (IPv4 or IPv6)? Reads /proc, needs no tools.
# Connections to PORT (local side) in TIME_WAIT: vpcd binds its port without
# SO_REUSEADDR, so a pcscd started while they linger (after a restart with a
# card reconnecting every 0.2 s) cannot listen until they expire (~60 s).
tcp_time_wait() {
    local hex
    hex="$(printf '%04X' "$1")"
    awk -v p=":$hex" 'NR > 1 && $4 == "06" && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }' \
        /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

tcp_listening() {
    local hex
    hex="$(printf '%04X' "$1")"
    awk -v p=":$hex" 'NR > 1 && $4 == "0A" && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }' \
        /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

pcscd_running() { pid_running "$PCSCD_PIDFILE" pcscd; }

# pcsc_state ARGS...: testbed/pcsc_state.py (reads reader states through
# libpcsclite without connecting to the card: safe with mute cards).
pcsc_state() { "$TB_PYTHON" "$TB_SCRIPTS/pcsc_state.py" "$@"; }

# reader_atr INDEX: prints the ATR of the card in reader INDEX of the private
# pcscd as upper-case hex bytes separated by spaces, or nothing (status 1).
reader_atr() { pcsc_state --reader "$1" --atr 2>/dev/null; }

# normalize_hex "3b:88 80..." -> "3B 88 80 ..."
normalize_hex() {
    local h
    h="$(printf '%s' "$1" | tr -d ' :\t\n' | tr 'a-f' 'A-F')"
    case "$h" in *[!0-9A-F]*|'') return 1 ;; esac
    [ $(( ${#h} % 2 )) -eq 0 ] || return 1
    printf '%s\n' "$h" | sed 's/../& /g; s/ $//'
}

# wait_until TIMEOUT_S DESCRIPTION CMD...: polls CMD every 0.1 s until it
# succeeds (0). A status of 2 from CMD means "give up now" (e.g. the process
# died): wait_until then returns 2 at once; on timeout it returns 1.
wait_until() {
    local timeout="$1" what="$2"; shift 2
    local deadline rc
    deadline=$(( $(date +%s%N) / 1000000 + timeout * 1000 ))
    while true; do
        if "$@"; then return 0; else rc=$?; fi
        [ "$rc" -ne 2 ] || return 2
        if [ $(( $(date +%s%N) / 1000000 )) -ge "$deadline" ]; then
            log "timed out after ${timeout}s waiting for $what"
            return 1
        fi
        sleep 0.1
    done
}

ensure_state_dirs() {
    case "$STATE" in /|"$TB_REPO"|"$TB_SCRIPTS"|"${HOME:-/root}") die "refusing to use '$STATE' as the test bench state directory" ;; esac
    mkdir -p "$STATE" "$RUN_DIR" "$LOG_DIR" "$PKI_DIR" "$PCSCD_RUN_DIR" "$OPENPGP_DIR"
    # down.sh deletes only directories carrying this marker.
    [ -f "$STATE/.podpis-testbed" ] || echo "Podpis test bench state (testbed/down.sh deletes this directory)" > "$STATE/.podpis-testbed"
}

check_python() {
    [ -x "$TB_PYTHON" ] || die "python '$TB_PYTHON' not found: run testbed/install-deps.sh (or set PODPIS_PYTHON)"
    PYTHONPATH="$TB_PYDIR" "$TB_PYTHON" -c 'import cryptography, jcecard' 2>/dev/null \
        || die "'$TB_PYTHON' cannot import cryptography and jcecard (from $TB_PYDIR): run testbed/install-deps.sh"
}
