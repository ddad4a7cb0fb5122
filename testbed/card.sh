#!/usr/bin/env bash
# Inserts and removes the test bench's virtual cards.
#
#   card.sh openpgp start|stop|restart|status
#       The OpenPGP card (jcecard behind cards/openpgp_bridge.py) in reader
#       "Virtual PCD 00 00" (TCP 35963). Its state (keys, PINs, retry
#       counters) persists in $STATE/openpgp across stop/start.
#   card.sh scripted start ATRHEX [--port N] [--mute] [--delay S] [--responses FILE]
#   card.sh scripted stop [--port N]
#   card.sh scripted status [--port N]
#       A scripted card (cards/scripted_card.py) on port N (default 35964 =
#       reader "Virtual PCD 00 01"; 35963 = "Virtual PCD 00 00" when the
#       OpenPGP card is out). `start` replaces a scripted card already there.
#
# `start` returns once the process runs and, if pcscd is up, once pcscd shows
# the card (timeout 10 s); `stop` returns once the reader is empty. With
# pcscd down, a started card waits and is inserted when pcscd starts.
# Logs: $STATE/log/openpgp-bridge.log, $STATE/log/scripted-PORT.log.
# PODPIS_OPENPGP_VERBOSE=1 logs every APDU of the OpenPGP card.
set -euo pipefail
TB_NAME=card.sh
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

scripted_pidfile() { echo "$RUN_DIR/scripted-$1.pid"; }
reader_index() { echo $(( $1 - VPCD_PORT_0 )); }

# card_visible PIDFILE SUBSTRING INDEX [ATR]: 0 when the reader holds a card
# (with that ATR), 2 if the card process died meanwhile.
card_visible() {
    local pidfile="$1" want="$2" idx="$3" atr="${4:-}" got
    pid_running "$pidfile" "$want" || return 2
    got="$(reader_atr "$idx")" || return 1
    [ -z "$atr" ] || [ "$got" = "$atr" ]
}

reader_empty() { ! reader_atr "$1" >/dev/null; }

# wait_inserted NAME PIDFILE SUBSTRING PORT LOG [ATR]
wait_inserted() {
    local name="$1" pidfile="$2" want="$3" port="$4" logf="$5" atr="${6:-}" idx rc=0
    idx="$(reader_index "$port")"
    if ! pcscd_running; then
        log "$name started (pid $(pid_of "$pidfile")); pcscd is not running: the card is inserted when pcscd starts"
        return 0
    fi
    wait_until 10 "$name to appear in reader $idx" card_visible "$pidfile" "$want" "$idx" "$atr" || rc=$?
    if [ "$rc" -ne 0 ]; then
        tail -n 15 "$logf" >&2 || true
        if [ "$rc" -eq 2 ]; then
            rm -f "$pidfile"
            die "$name exited during start-up (log: $logf)"
        fi
        die "$name runs (pid $(pid_of "$pidfile")) but pcscd shows no card in reader $idx after 10 s (log: $logf)"
    fi
    log "$name inserted in reader $idx ($( [ "$idx" -eq 0 ] && echo "$VPCD_READER_0" || echo "$VPCD_READER_1")), ATR $(reader_atr "$idx")"
}

wait_removed() {
    local name="$1" port="$2" idx
    idx="$(reader_index "$port")"
    pcscd_running || return 0
    wait_until 10 "reader $idx to be empty" reader_empty "$idx" \
        || die "$name stopped but reader $idx still shows a card after 10 s"
}

# remove_card NAME PIDFILE SUBSTRING PORT: stops the card process and waits
# until its reader is empty.
remove_card() {
    stop_pidfile "$2" "$1" "$3"
    wait_removed "$1" "$4"
}

# stop_card NAME PIDFILE SUBSTRING PORT ABSENT REMOVED: removes the card if its
# process runs; logs REMOVED then, ABSENT if it did not run.
stop_card() {
    if ! pid_running "$2" "$3"; then
        rm -f "$2"
        log "$5"
        return 0
    fi
    remove_card "$1" "$2" "$3" "$4"
    log "$6"
}

# card_status PIDFILE SUBSTRING PORT RUNNING ABSENT: prints RUNNING with the
# pid and the ATR its reader shows (status 0), or ABSENT (status 3).
card_status() {
    local pidfile="$1" want="$2" idx atr
    if ! pid_running "$pidfile" "$want"; then
        echo "$5"
        return 3
    fi
    idx="$(reader_index "$3")"
    atr="$(reader_atr "$idx" || true)"
    echo "$4 (pid $(pid_of "$pidfile")), reader $idx: ${atr:-no card visible}"
}

spawn() {   # spawn PIDFILE LOGFILE CMD...: detached, own process group
    local pidfile="$1" logf="$2"; shift 2
    printf '\n=== %s start: %s ===\n' "$(date '+%F %T')" "$*" >> "$logf"
    setsid "$@" >> "$logf" 2>&1 < /dev/null &
    echo $! > "$pidfile"
}

openpgp() {
    local action="${1:-}"
    local logf="$LOG_DIR/openpgp-bridge.log"
    case "$action" in
        start)
            if pid_running "$OPENPGP_PIDFILE" openpgp_bridge.py; then
                log "OpenPGP card already running (pid $(pid_of "$OPENPGP_PIDFILE"))"
                return 0
            fi
            if pid_running "$(scripted_pidfile "$VPCD_PORT_0")" scripted_card.py; then
                die "a scripted card occupies port $VPCD_PORT_0: card.sh scripted stop --port $VPCD_PORT_0 first"
            fi
            check_python
            ensure_state_dirs
            local verbose=()
            [ "${PODPIS_OPENPGP_VERBOSE:-0}" = "1" ] && verbose=(--verbose)
            spawn "$OPENPGP_PIDFILE" "$logf" env PYTHONPATH="$TB_PYDIR" PYTHONDONTWRITEBYTECODE=1 \
                "$TB_PYTHON" -u "$TB_SCRIPTS/cards/openpgp_bridge.py" \
                --state-dir "$OPENPGP_DIR" --port "$VPCD_PORT_0" "${verbose[@]}"
            wait_inserted "OpenPGP card" "$OPENPGP_PIDFILE" openpgp_bridge.py "$VPCD_PORT_0" "$logf"
            ;;
        stop)
            stop_card "OpenPGP card" "$OPENPGP_PIDFILE" openpgp_bridge.py "$VPCD_PORT_0" \
                "OpenPGP card not running" "OpenPGP card removed"
            ;;
        restart) openpgp stop; openpgp start ;;
        status)
            card_status "$OPENPGP_PIDFILE" openpgp_bridge.py "$VPCD_PORT_0" \
                "OpenPGP card running" "OpenPGP card not running"
            ;;
        *) usage ;;
    esac
}

scripted() {
    local action="${1:-}"; [ $# -gt 0 ] && shift
    local port="$VPCD_PORT_1" atr="" extra=() a
    if [ "$action" = start ]; then
        [ $# -gt 0 ] || die "scripted start needs an ATR (hex)"
        atr="$(normalize_hex "$1")" || die "ATR is not hex bytes: '$1'"
        shift
    fi
    while [ $# -gt 0 ]; do
        a="$1"; shift
        case "$a" in
            --port) [ $# -gt 0 ] || die "--port needs a value"; port="$1"; shift ;;
            --port=*) port="${a#--port=}" ;;
            --mute) extra+=(--mute) ;;
            --delay) [ $# -gt 0 ] || die "--delay needs a value"; extra+=(--delay "$1"); shift ;;
            --responses)
                [ $# -gt 0 ] || die "--responses needs a file"
                [ -f "$1" ] || die "responses file not found: $1"
                extra+=(--responses "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"); shift ;;
            *) die "unknown option for scripted $action: $a" ;;
        esac
    done
    case "$port" in "$VPCD_PORT_0"|"$VPCD_PORT_1") ;; *) die "port must be $VPCD_PORT_0 or $VPCD_PORT_1, got '$port'" ;; esac
    local pidfile logf
    pidfile="$(scripted_pidfile "$port")"
    logf="$LOG_DIR/scripted-$port.log"
    case "$action" in
        start)
            if [ "$port" = "$VPCD_PORT_0" ] && pid_running "$OPENPGP_PIDFILE" openpgp_bridge.py; then
                die "the OpenPGP card occupies port $VPCD_PORT_0: card.sh openpgp stop first"
            fi
            if pid_running "$pidfile" scripted_card.py; then
                log "replacing the scripted card on port $port"
                remove_card "scripted card (port $port)" "$pidfile" scripted_card.py "$port"
            fi
            check_python
            ensure_state_dirs
            spawn "$pidfile" "$logf" env PYTHONDONTWRITEBYTECODE=1 "$TB_PYTHON" -u "$TB_SCRIPTS/cards/scripted_card.py" \
                --atr "$atr" --port "$port" "${extra[@]}"
            wait_inserted "scripted card (port $port)" "$pidfile" scripted_card.py "$port" "$logf" "$atr"
            ;;
        stop)
            stop_card "scripted card (port $port)" "$pidfile" scripted_card.py "$port" \
                "no scripted card on port $port" "scripted card on port $port removed"
            ;;
        status)
            card_status "$pidfile" scripted_card.py "$port" \
                "scripted card on port $port running" "no scripted card on port $port"
            ;;
        *) usage ;;
    esac
}

[ $# -ge 2 ] || usage
kind="$1"; shift
case "$kind" in
    openpgp) [ $# -eq 1 ] || usage; openpgp "$1" ;;
    scripted) scripted "$@" ;;
    *) usage ;;
esac
