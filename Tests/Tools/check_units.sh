#!/usr/bin/env bash
# Checks the systemd files of Podpis offline, without a running systemd or
# D-Bus (containers, CI):
#   1. systemd-analyze verify on systemd/system/podpisd.service and, with
#      --user, on systemd/user/podpisd.service. verify exits 0 even after
#      "Unknown key" or "Failed to parse" warnings, so any output fails here.
#   2. the settings the daemon's interface depends on are present.
#   3. systemd-sysusers creates user and group podpis from
#      systemd/sysusers.d/podpis.conf in a scratch root.
#   4. systemd-analyze security --offline=true on the system unit: prints
#      the exposure score and what stays exposed; fails above
#      PODPIS_MAX_EXPOSURE (default 2.0, on systemd's 0-10 scale).
# Offline details: verify insists that ExecStart's binary exists, so when
# /usr/sbin/podpisd is not installed the units are verified as copies
# whose ExecStart names `true` instead (same arguments, nothing else
# changed). --user verify needs an XDG_RUNTIME_DIR: a scratch directory.
# --man=no: Documentation= names the installed deployment guide, not a man
# page; --generators=no: no generators run; --recursive-errors=no: only our
# units count, not whatever else the host has installed.
# Usage: bash Tests/Tools/check_units.sh   (exit 0: all passed)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SYSTEM_UNIT="$ROOT/systemd/system/podpisd.service"
USER_UNIT="$ROOT/systemd/user/podpisd.service"
SYSUSERS_CONF="$ROOT/systemd/sysusers.d/podpis.conf"
DAEMON=/usr/sbin/podpisd
MAX_EXPOSURE="${PODPIS_MAX_EXPOSURE:-2.0}"

failures=0
say() { printf 'check_units: %s\n' "$*"; }
fail() { printf 'check_units: FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }

command -v systemd-analyze >/dev/null 2>&1 \
    || { say "FAIL: systemd-analyze not found (Debian package systemd; testbed/install-deps.sh installs it)" >&2; exit 1; }
for f in "$SYSTEM_UNIT" "$USER_UNIT" "$SYSUSERS_CONF"; do
    [ -f "$f" ] || { say "FAIL: missing $f" >&2; exit 1; }
done
[ ! -e "$ROOT/systemd/podpisd.service" ] || fail "stale systemd/podpisd.service: the units live in systemd/user and systemd/system"
say "$(systemd-analyze --version | head -n 1)"

export SYSTEMD_COLORS=0 SYSTEMD_PAGER=cat SYSTEMD_LOG_COLOR=0
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/system" "$scratch/user" "$scratch/runtime" "$scratch/root/etc"
chmod 0700 "$scratch/runtime"

# 1. verify
if [ -x "$DAEMON" ]; then
    cp "$SYSTEM_UNIT" "$scratch/system/podpisd.service"
    cp "$USER_UNIT" "$scratch/user/podpisd.service"
else
    stand_in="$(command -v true)"
    say "$DAEMON not installed: verifying copies whose ExecStart runs $stand_in"
    sed "s#^ExecStart=$DAEMON\\b#ExecStart=$stand_in#" "$SYSTEM_UNIT" > "$scratch/system/podpisd.service"
    sed "s#^ExecStart=$DAEMON\\b#ExecStart=$stand_in#" "$USER_UNIT" > "$scratch/user/podpisd.service"
fi

verify() { # label, systemd-analyze arguments...
    local label="$1" out rc=0
    shift
    out="$(cd "$scratch" && systemd-analyze "$@" 2>&1)" || rc=$?
    if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
        fail "systemd-analyze verify, $label (exit $rc):"
        printf '%s\n' "$out" | sed 's/^/    /' >&2
    else
        say "verify $label: OK"
    fi
}
verify "system unit" verify --man=no --generators=no --recursive-errors=no "$scratch/system/podpisd.service"
XDG_RUNTIME_DIR="$scratch/runtime" \
    verify "user unit" --user verify --man=no --generators=no --recursive-errors=no "$scratch/user/podpisd.service"
# The daily trusted-list refresh (a oneshot service and its timer).
TL_SERVICE="$ROOT/systemd/user/podpis-tl-refresh.service"
TL_TIMER="$ROOT/systemd/user/podpis-tl-refresh.timer"
for f in "$TL_SERVICE" "$TL_TIMER"; do [ -f "$f" ] || fail "missing $f"; done
sed "s#^ExecStart=/usr/bin/podpis\b#ExecStart=$(command -v true)#" "$TL_SERVICE" > "$scratch/user/podpis-tl-refresh.service"
cp "$TL_TIMER" "$scratch/user/podpis-tl-refresh.timer"
XDG_RUNTIME_DIR="$scratch/runtime" \
    verify "trusted-list refresh units" --user verify --man=no --generators=no --recursive-errors=no \
    "$scratch/user/podpis-tl-refresh.service" "$scratch/user/podpis-tl-refresh.timer"

# 2. what the daemon's interface needs (exact lines)
before=$failures
require() { # unit file, lines...
    local unit="$1" line
    shift
    for line in "$@"; do
        grep -qxF -- "$line" "$unit" || fail "${unit#"$ROOT"/}: missing line: $line"
    done
}
forbid() { # unit file, extended regex
    ! grep -qE -- "$2" "$1" || fail "${1#"$ROOT"/}: must not match: $2"
}
require "$SYSTEM_UNIT" "ExecStart=$DAEMON --system" "User=podpis" "Group=podpis" \
    "RuntimeDirectory=podpis" "RuntimeDirectoryMode=0750" "StateDirectory=podpis" \
    "ConfigurationDirectory=podpis" "UMask=0077" "NoNewPrivileges=yes" "ProtectSystem=strict" \
    "CapabilityBoundingSet=" "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" \
    "SystemCallFilter=@system-service" "SystemCallFilter=@chown" "WantedBy=multi-user.target" "LimitCORE=0"
require "$USER_UNIT" "ExecStart=$DAEMON" "RuntimeDirectory=podpis" "RuntimeDirectoryMode=0700" \
    "UMask=0077" "PrivateUsers=yes" "ProtectSystem=strict" "LimitCORE=0" \
    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" "SystemCallFilter=@chown" "WantedBy=default.target"
# (@chown: podpisd gives its socket to server.socket_group.)
# A user manager cannot see system units (pcscd.socket) nor switch users.
forbid "$USER_UNIT" '^(User|Group|After|Wants|Requires)='
require "$TL_SERVICE" "ExecStart=/usr/bin/podpis tl refresh" "Type=oneshot" "ProtectSystem=strict" "NoNewPrivileges=yes"
require "$TL_TIMER" "OnCalendar=daily" "Persistent=true" "WantedBy=timers.target"
# The TSA may be remote, a network HSM too.
forbid "$SYSTEM_UNIT" '^(IPAddressDeny|PrivateNetwork)='
forbid "$USER_UNIT" '^(IPAddressDeny|PrivateNetwork)='
if [ "$failures" -eq "$before" ]; then say "interface settings: OK"; fi

# 3. sysusers, in a scratch root (nothing on this host changes)
if command -v systemd-sysusers >/dev/null 2>&1; then
    if out="$(systemd-sysusers --root="$scratch/root" - < "$SYSUSERS_CONF" 2>&1)"; then
        if grep -qE '^podpis:x:[0-9]+:[0-9]+:[^:]*:/var/lib/podpis:' "$scratch/root/etc/passwd" \
            && grep -qE '^podpis:x:[0-9]+:' "$scratch/root/etc/group"; then
            say "sysusers: OK ($(grep '^podpis:' "$scratch/root/etc/passwd"))"
        else
            fail "sysusers did not create user and group podpis with home /var/lib/podpis"
        fi
    else
        fail "systemd-sysusers: $out"
    fi
else
    fail "systemd-sysusers not found (Debian package systemd)"
fi

# 4. security score of the system unit
threshold="$(awk -v m="$MAX_EXPOSURE" 'BEGIN { printf "%d", m * 10 + 0.5 }')"
rc=0
report="$(cd "$scratch" && systemd-analyze security --offline=true --threshold="$threshold" \
    --no-pager "$SYSTEM_UNIT" 2>&1)" || rc=$?
score="$(printf '%s\n' "$report" | grep -E '^→ Overall exposure level' || true)"
if [ -z "$score" ]; then
    fail "systemd-analyze security printed no score (exit $rc):"
    printf '%s\n' "$report" | sed 's/^/    /' >&2
else
    say "security of systemd/system/podpisd.service (offline), still exposed:"
    printf '%s\n' "$report" | grep -E '^✗' | sed -E 's/ {2,}/  /g; s/^/    /'
    say "$score"
    if [ "$rc" -ne 0 ]; then
        fail "exposure above $MAX_EXPOSURE (PODPIS_MAX_EXPOSURE)"
    fi
fi

if [ "$failures" -ne 0 ]; then
    say "$failures check(s) failed"
    exit 1
fi
say "OK: all checks passed"
