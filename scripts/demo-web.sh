#!/usr/bin/env bash
# `make demo-web`: the demo EZD page (web/demo, using only web/podpis/podpis.js)
# on a loopback origin next to a demo podpisd on the bench's SoftHSM tokens.
# Open the printed address in a browser, connect, pick a file, sign.
#
# The clerk's consent: by default the scripted agent answers as the clerk would
# (pairing "always", the demo tokens' PINs). DEMO_AGENT=terminal leaves that to
# you: run the printed `podpis agent` command in another terminal and answer there.
# DEMO_PORT (default 35980): the page's port; PODPISD_PORT (default 35900).
# DEMO_CHECK=1: start everything, check that the page, podpis.js and podpisd
# answer as a browser would ask them, and stop (what CI can run).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
set -a
# shellcheck disable=SC1091
. .testbed/env
set +a
page_port="${DEMO_PORT:-35980}"
daemon_port="${PODPISD_PORT:-35900}"
origin="http://127.0.0.1:$page_port"
demo="$(mktemp -d /tmp/podpis-demo-web.XXXXXX)"
cleanup() {
    [ -n "${agent:-}" ] && kill "$agent" 2>/dev/null || true
    [ -n "${pages:-}" ] && kill "$pages" 2>/dev/null || true
    [ -n "${daemon:-}" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null || true
    rm -rf "$demo"
}
trap cleanup EXIT
trap 'exit 0' INT TERM
cat >"$demo/podpisd.toml" <<TOML
[server]
port = $daemon_port
socket = "$demo/podpisd.sock"
# The demo page's origin is approved in advance (no pairing question), as IT
# does for the office's EZD; development_origins lets other loopback pages pair.
allowed_origins = ["$origin"]
development_origins = true
audit_file = "$demo/audit.jsonl"
pairing_file = "$demo/pairings.json"
[pkcs11]
modules = ["$PODPIS_SOFTHSM_MODULE"]
use_registered = false
[timestamp]
urls = ["$PODPIS_TSA_URL"]
[verification]
trust = ["$PODPIS_PKI_DIR/root.pem"]
online = true
allow_addresses = ["127.0.0.1/32"]
TOML
.build/debug/podpisd --config "$demo/podpisd.toml" --check-config >/dev/null
.build/debug/podpisd --config "$demo/podpisd.toml" >"$demo/podpisd.log" 2>&1 &
daemon=$!
for _ in $(seq 100); do [ -S "$demo/podpisd.sock" ] && break; sleep 0.1; done
[ -S "$demo/podpisd.sock" ] || { cat "$demo/podpisd.log"; exit 1; }
# web/ as the document root: /demo/ and /podpis/ side by side, as in the repository.
/usr/bin/python3 -m http.server "$page_port" --bind 127.0.0.1 --directory web >"$demo/pages.log" 2>&1 &
pages=$!
for _ in $(seq 50); do curl -fsS -o /dev/null "$origin/demo/" 2>/dev/null && break; sleep 0.1; done

if [ "${DEMO_AGENT:-scripted}" = terminal ]; then
    agent_line="run in another terminal:  .build/debug/podpis agent --socket $demo/podpisd.sock"
else
    /usr/bin/python3 Tests/Tools/podpisd_agent.py "$demo/podpisd.sock" --log "$demo/agent.log" --pairing always \
        --pin "$PODPIS_SEAL_TOKEN=$PODPIS_SEAL_PIN" --pin "$PODPIS_SIGNER_TOKEN=$PODPIS_SIGNER_PIN" >/dev/null 2>&1 &
    agent=$!
    agent_line="the scripted agent approves as the clerk would (DEMO_AGENT=terminal: answer yourself)"
fi

if [ "${DEMO_CHECK:-0}" = 1 ]; then
    status=0
    # Read whole, then searched (grep -q on a pipe may close it early, and
    # pipefail would count curl's SIGPIPE as a failure).
    page="$(curl -fsS "$origin/demo/" || true)"
    library="$(curl -fsS "$origin/podpis/podpis.js" || true)"
    grep -q 'podpis' <<<"$page" || { echo "demo-web: the page is not served"; status=1; }
    grep -q 'export class Podpis' <<<"$library" || { echo "demo-web: podpis.js is not served"; status=1; }
    allowed="$(curl -sS -o /dev/null -D - -H "Origin: $origin" "http://127.0.0.1:$daemon_port/v1/certificates" | tr -d '\r' |
        sed -n 's/^access-control-allow-origin: //Ip')"
    [ "$allowed" = "$origin" ] || { echo "demo-web: podpisd does not let $origin read (got '$allowed')"; status=1; }
    [ "$status" = 0 ] && echo "demo-web: OK ($origin/demo/ → podpisd on 127.0.0.1:$daemon_port)"
    exit "$status"
fi

cat <<EOF

  Demo EZD page:  $origin/demo/?podpisd=http://127.0.0.1:$daemon_port
  podpisd:        http://127.0.0.1:$daemon_port  (log: $demo/podpisd.log)
  clerk's agent:  $agent_line

  Ctrl-C stops everything.
EOF
wait "$daemon"
