#!/usr/bin/env bash
# Starts and stops the test bench's loopback HTTP services (up.sh starts
# both, down.sh stops them):
#
#   services.sh tsa|ocsp|crl|all start|stop|restart|status
#
#   tsa   RFC 3161 time-stamping authority (tsa.py + openssl ts -reply),
#         http://127.0.0.1:35980/tsa (and /tsa/slow, /tsa/error,
#         /tsa/garbage, /tsa/http500); port: PODPIS_TSA_PORT
#   ocsp  OCSP responder (ocsp.py + openssl ocsp) for the qualified CA,
#         http://127.0.0.1:35981; port: PODPIS_OCSP_PORT. Reads
#         $STATE/ocsp/index.txt on every request (pki.sh ocsp-index).
#   crl   CRLs, CA certificates (caIssuers) and the test trusted lists
#         (pkihttp.py), http://127.0.0.1:35982/NAME.crl|.cer|.xml from
#         $STATE/pki/www (pki.sh crls); port: PODPIS_CRL_PORT
#
# `start` returns once the port listens (10 s timeout). Logs:
# $STATE/log/tsa.log, $STATE/log/ocsp.log, $STATE/log/crl.log. Needs the test PKI (pki.sh).
set -euo pipefail
TB_NAME=services.sh
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# listening PIDFILE SUBSTRING PORT: 0 once the port listens, 2 if the process died.
listening() {
    pid_running "$1" "$2" || return 2
    tcp_listening "$3"
}

# start_service NAME PIDFILE SCRIPT PORT LOG ARGS...
start_service() {
    local name="$1" pidfile="$2" script="$3" port="$4" logf="$5" rc=0
    shift 5
    if pid_running "$pidfile" "$script"; then
        log "$name already running (pid $(pid_of "$pidfile")), port $port"
        return 0
    fi
    rm -f "$pidfile"
    if tcp_listening "$port"; then
        die "TCP port $port is already in use: cannot start the $name (set PODPIS_${name^^}_PORT to move it)"
    fi
    [ -x "$TB_PYTHON" ] || die "python '$TB_PYTHON' not found: run testbed/install-deps.sh (or set PODPIS_PYTHON)"
    ensure_state_dirs
    printf '\n=== %s start: %s ===\n' "$(date '+%F %T')" "$script $*" >> "$logf"
    setsid env PYTHONDONTWRITEBYTECODE=1 "$TB_PYTHON" -u "$TB_SCRIPTS/$script" \
        --host 127.0.0.1 --port "$port" "$@" >> "$logf" 2>&1 < /dev/null &
    echo $! > "$pidfile"
    wait_until 10 "the $name to listen on port $port" listening "$pidfile" "$script" "$port" || rc=$?
    if [ "$rc" -ne 0 ]; then
        tail -n 15 "$logf" >&2 || true
        if [ "$rc" -eq 2 ]; then
            rm -f "$pidfile"
            die "$name exited during start-up (log: $logf)"
        fi
        stop_pidfile "$pidfile" "$name" "$script"
        die "$name does not listen on port $port after 10 s (log: $logf)"
    fi
    log "$name listening on 127.0.0.1:$port (pid $(pid_of "$pidfile"))"
}

status_service() {  # status_service NAME PIDFILE SCRIPT PORT
    if pid_running "$2" "$3"; then
        echo "$1 running (pid $(pid_of "$2")), http://127.0.0.1:$4"
        return 0
    fi
    echo "$1 not running"
    return 3
}

need_pki() {
    local f
    for f in "$@"; do
        [ -f "$PKI_DIR/$f" ] || die "no $PKI_DIR/$f: run testbed/pki.sh generate (or pki.sh services) first"
    done
}

tsa() {
    case "$1" in
        start)
            need_pki tsa.pem tsa.key chain.pem
            need_cmd openssl
            mkdir -p "$TSA_DIR"
            start_service TSA "$TSA_PIDFILE" tsa.py "$TSA_PORT" "$LOG_DIR/tsa.log" \
                --cert "$PKI_DIR/tsa.pem" --key "$PKI_DIR/tsa.key" --chain "$PKI_DIR/chain.pem" \
                --config "$TB_SCRIPTS/tsa.cnf" --serial-file "$TSA_DIR/serial" --work-dir "$TSA_DIR/tmp"
            ;;
        stop) stop_pidfile "$TSA_PIDFILE" TSA tsa.py ;;
        restart) tsa stop; tsa start ;;
        status) status_service TSA "$TSA_PIDFILE" tsa.py "$TSA_PORT" ;;
        *) usage ;;
    esac
}

ocsp() {
    case "$1" in
        start)
            need_pki ca.pem ocsp.pem ocsp.key
            need_cmd openssl
            [ -f "$OCSP_DIR/index.txt" ] || bash "$TB_SCRIPTS/pki.sh" ocsp-index
            start_service OCSP "$OCSP_PIDFILE" ocsp.py "$OCSP_PORT" "$LOG_DIR/ocsp.log" \
                --index "$OCSP_DIR/index.txt" --ca "$PKI_DIR/ca.pem" \
                --rsigner "$PKI_DIR/ocsp.pem" --rkey "$PKI_DIR/ocsp.key" --rother "$PKI_DIR/ca.pem" \
                --ndays 1 --work-dir "$OCSP_DIR/tmp"
            ;;
        stop) stop_pidfile "$OCSP_PIDFILE" OCSP ocsp.py ;;
        restart) ocsp stop; ocsp start ;;
        status) status_service OCSP "$OCSP_PIDFILE" ocsp.py "$OCSP_PORT" ;;
        *) usage ;;
    esac
}

crl() {
    case "$1" in
        start)
            [ -d "$PKI_DIR/www" ] || bash "$TB_SCRIPTS/pki.sh" crls
            start_service CRL "$CRL_PIDFILE" pkihttp.py "$CRL_PORT" "$LOG_DIR/crl.log" --dir "$PKI_DIR/www"
            ;;
        stop) stop_pidfile "$CRL_PIDFILE" "CRL server" pkihttp.py ;;
        restart) crl stop; crl start ;;
        status) status_service "CRL server" "$CRL_PIDFILE" pkihttp.py "$CRL_PORT" ;;
        *) usage ;;
    esac
}

[ $# -eq 2 ] || usage
case "$1" in
    tsa) tsa "$2" ;;
    ocsp) ocsp "$2" ;;
    crl) crl "$2" ;;
    all)
        case "$2" in
            start|stop|restart) tsa "$2"; ocsp "$2"; crl "$2" ;;
            status) rc=0; tsa status || rc=$?; ocsp status || rc=$?; crl status || rc=$?; exit "$rc" ;;
            *) usage ;;
        esac
        ;;
    *) usage ;;
esac
