#!/usr/bin/env bash
# Controls the test bench's private pcscd: start | stop | restart | status.
#
# pcscd's socket path (/run/pcscd/pcscd.comm) is compiled in, so it runs in a
# private mount namespace where $STATE/run/pcscd is bind-mounted on /run/pcscd:
# the socket appears at $STATE/run/pcscd/pcscd.comm on the host, where clients
# find it through PCSCLITE_CSOCK_NAME. A system pcscd, if any, is untouched.
# Its only readers are vpcd's: "Virtual PCD 00 00" (TCP 35963) and
# "Virtual PCD 00 01" (TCP 35964). Readers cannot be hot-added: stopping and
# starting pcscd is how tests make readers vanish and come back.
#
# PODPIS_PCSCD_DEBUG=1 starts it with --debug --apdu (log: $STATE/log/pcscd.log).
set -euo pipefail
TB_NAME=pcscd.sh
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { echo "usage: $0 start [--no-readers]|stop|restart|status" >&2; exit 2; }

# start --no-readers: pcscd with an empty reader configuration (for "no
# readers" tests); the vpcd ports stay closed and no card can connect.
NO_READERS=0

write_reader_conf() {
    mkdir -p "$PCSCD_CONF_DIR"
    local hex
    hex="$(printf '0x%X' "$VPCD_PORT_0")"
    cat > "$PCSCD_CONF_DIR/vpcd" <<CONF
# Podpis test bench: vpcd only. Two readers, "Virtual PCD 00 00" (TCP $VPCD_PORT_0)
# and "Virtual PCD 00 01" (TCP $VPCD_PORT_1); a virtual card connects to one of them.
FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:$hex
LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so
CHANNELID    $hex
CONF
}

ports_free() { ! tcp_time_wait "$VPCD_PORT_0" && ! tcp_time_wait "$VPCD_PORT_1"; }

pcscd_ready() {
    pcscd_running || return 2
    if [ "$NO_READERS" = 1 ]; then [ -S "$PCSCD_SOCKET" ]; return; fi
    [ -S "$PCSCD_SOCKET" ] && tcp_listening "$VPCD_PORT_0" && tcp_listening "$VPCD_PORT_1"
}

do_start() {
    if pcscd_running; then
        log "pcscd already running (pid $(pid_of "$PCSCD_PIDFILE")), socket $PCSCD_SOCKET"
        return 0
    fi
    [ "$(id -u)" -eq 0 ] || die "pcscd must be started as root (Debian's pcscd is built without polkit; unshare --mount needs CAP_SYS_ADMIN)"
    need_cmd pcscd unshare mount setsid
    [ -f /usr/lib/pcsc/drivers/serial/libifdvpcd.so ] || die "vpcd driver missing (package vsmartcard-vpcd): run testbed/install-deps.sh"
    [ "${#PCSCD_SOCKET}" -lt 108 ] || die "socket path too long for AF_UNIX (${#PCSCD_SOCKET} >= 108 bytes): $PCSCD_SOCKET; choose a shorter PODPIS_TESTBED_DIR"
    local port
    for port in "$VPCD_PORT_0" "$VPCD_PORT_1"; do
        if tcp_listening "$port"; then
            die "TCP port $port is already in use: another pcscd with the vpcd driver (e.g. a system pcscd reading /etc/reader.conf.d/vpcd, or another test bench) is running; stop it first"
        fi
    done

    ensure_state_dirs
    write_reader_conf
    local conf_dir="$PCSCD_CONF_DIR"
    if [ "$NO_READERS" = 1 ]; then
        conf_dir="$PCSCD_CONF_DIR.empty"
        mkdir -p "$conf_dir"
        rm -f "${conf_dir:?}"/*
    fi
    mkdir -p /run/pcscd   # mount point on the host; stays empty there
    rm -rf "${PCSCD_RUN_DIR:?}"/*

    if ! launch_pcscd "$conf_dir"; then
        # vpcd binds its ports without SO_REUSEADDR: when pcscd was stopped
        # while a card was connected, the old connection lingers in TIME_WAIT
        # on the vpcd port (~60 s) and the new pcscd cannot listen. Wait for
        # it to expire, then start once more.
        stop_pidfile "$PCSCD_PIDFILE" pcscd pcscd
        if [ "$NO_READERS" = 0 ] && ! ports_free; then
            log "old connections to the vpcd ports linger (TIME_WAIT): waiting for them to expire"
            wait_until 70 "the vpcd ports to be free" ports_free || true
        fi
        launch_pcscd "$conf_dir" || {
            tail -n 20 "$LOG_DIR/pcscd.log" >&2 || true
            stop_pidfile "$PCSCD_PIDFILE" pcscd pcscd
            die "pcscd did not come up (log: $LOG_DIR/pcscd.log)"
        }
    fi
    log "pcscd running (pid $(pid_of "$PCSCD_PIDFILE")): PCSCLITE_CSOCK_NAME=$PCSCD_SOCKET"
    [ "$NO_READERS" = 0 ] || { log "pcscd runs with no readers"; return 0; }
    wait_for_cards
}

# Starts pcscd in its private mount namespace; false if it is not ready in 10 s.
launch_pcscd() {
    local conf_dir="$1"
    local debug=()
    if [ "${PODPIS_PCSCD_DEBUG:-0}" = "1" ]; then debug=(--debug --apdu); fi
    {
        printf '\n=== %s pcscd start ===\n' "$(date '+%F %T')"
    } >> "$LOG_DIR/pcscd.log"
    # unshare execs sh, which execs pcscd: $! is pcscd's pid, and setsid makes
    # it a process group leader (down.sh kills the group).
    # shellcheck disable=SC2016
    setsid unshare --mount --propagation private \
        sh -c 'mount --bind "$1" /run/pcscd || exit 97; shift; exec pcscd --foreground "$@"' \
        sh "$PCSCD_RUN_DIR" -c "$conf_dir" "${debug[@]}" \
        >> "$LOG_DIR/pcscd.log" 2>&1 < /dev/null &
    echo $! > "$PCSCD_PIDFILE"

    local rc=0
    wait_until 10 "pcscd socket and vpcd ports" pcscd_ready || rc=$?
    [ "$rc" -eq 0 ] && pcscd_running
}

wait_for_cards() {
    # Cards whose processes run reconnect by themselves (every 0.2 s): return
    # once pcscd shows them again, so callers see the final state.
    local idx pf missing=""
    for port in "$VPCD_PORT_0" "$VPCD_PORT_1"; do
        idx=$(( port - VPCD_PORT_0 ))
        pf=""
        if [ "$port" = "$VPCD_PORT_0" ] && pid_running "$OPENPGP_PIDFILE" openpgp_bridge.py; then
            pf="$OPENPGP_PIDFILE"
        elif pid_running "$RUN_DIR/scripted-$port.pid" scripted_card.py; then
            pf="$RUN_DIR/scripted-$port.pid"
        fi
        [ -n "$pf" ] || continue
        if wait_until 10 "the card in reader $idx to come back" reader_atr "$idx" >/dev/null; then
            log "card back in reader $idx: $(reader_atr "$idx")"
        else
            missing="$missing $idx"
        fi
    done
    [ -z "$missing" ] || die "pcscd runs, but the card process of reader(s)$missing did not reconnect within 10 s (logs in $LOG_DIR)"
}

do_stop() {
    if ! pcscd_running; then
        rm -f "$PCSCD_PIDFILE"
        log "pcscd not running"
        return 0
    fi
    stop_pidfile "$PCSCD_PIDFILE" pcscd pcscd
    rm -f "$PCSCD_RUN_DIR/pcscd.comm" "$PCSCD_RUN_DIR/pcscd.pid"
    log "pcscd stopped"
}

do_status() {
    if pcscd_running; then
        echo "pcscd running (pid $(pid_of "$PCSCD_PIDFILE")), PCSCLITE_CSOCK_NAME=$PCSCD_SOCKET"
        pcsc_state || true
        return 0
    fi
    echo "pcscd not running"
    return 3
}

[ $# -ge 1 ] || usage
if [ "${2:-}" = "--no-readers" ] && [ "$1" = start ]; then NO_READERS=1; elif [ $# -ne 1 ]; then usage; fi
case "$1" in
    start) do_start ;;
    stop) do_stop ;;
    restart) do_stop; do_start ;;
    status) do_status ;;
    *) usage ;;
esac
