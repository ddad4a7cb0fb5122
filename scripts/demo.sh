#!/usr/bin/env bash
# The second half of `make run`: start podpisd on the demo SoftHSM tokens, ask
# it for a signature with curl as an EZD application would, verify the result
# with xmlsec1, and stop the daemon. The clerk's consent comes from a scripted
# agent with the demo seal PIN (the interactive `podpis agent` is the next step).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
set -a
# shellcheck disable=SC1091
. .testbed/env
set +a
demo="$(mktemp -d /tmp/podpis-demo.XXXXXX)"
cleanup() {
    [ -n "${agent:-}" ] && kill "$agent" 2>/dev/null || true
    [ -n "${daemon:-}" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null || true
    rm -rf "$demo"
}
trap cleanup EXIT
cat >"$demo/podpisd.toml" <<TOML
[server]
port = 35900
socket = "$demo/podpisd.sock"
[pkcs11]
modules = ["$PODPIS_SOFTHSM_MODULE"]
use_registered = false
[timestamp]
urls = ["$PODPIS_TSA_URL"]
TOML
.build/debug/podpisd --config "$demo/podpisd.toml" --check-config
.build/debug/podpisd --config "$demo/podpisd.toml" >"$demo/podpisd.log" 2>&1 &
daemon=$!
for _ in $(seq 50); do [ -S "$demo/podpisd.sock" ] && break; sleep 0.1; done
[ -S "$demo/podpisd.sock" ] || { cat "$demo/podpisd.log"; exit 1; }
/usr/bin/python3 Tests/Tools/podpisd_agent.py "$demo/podpisd.sock" --log "$demo/agent.log" \
    --pin "$PODPIS_SEAL_TOKEN=$PODPIS_SEAL_PIN" --pairing once >/dev/null 2>&1 &
agent=$!
for _ in $(seq 50); do grep -q connected "$demo/agent.log" 2>/dev/null && break; sleep 0.1; done

echo "== curl --unix-socket $demo/podpisd.sock http://localhost/v1/status"
curl -s --unix-socket "$demo/podpisd.sock" http://localhost/v1/status; echo
seal="$(curl -s http://127.0.0.1:35900/v1/certificates | /usr/bin/python3 -c \
    'import json,sys; print(next(c["id"] for c in json.load(sys.stdin)["certificates"] if c["qualifiedForSealing"]))')"
printf 'Zaświadczenie nr 1/2026 o niezaleganiu w opłatach\n' >"$demo/zaswiadczenie.txt"
echo
echo "== curl -X POST http://127.0.0.1:35900/v1/pairing   (the clerk's agent answers: allow once)"
token="$(curl -s -X POST http://127.0.0.1:35900/v1/pairing | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["token"])')"
echo "paired: a token for this session (sent as Authorization: Bearer …)"
echo
echo "== curl -H 'Authorization: Bearer …' --data-binary @zaswiadczenie.txt 'http://127.0.0.1:35900/v1/sign?name=zaswiadczenie.txt&format=xades&packaging=detached&level=B-T&certificate=$seal'"
curl -s -D "$demo/headers" --data-binary @"$demo/zaswiadczenie.txt" -H 'Content-Type: text/plain' -H "Authorization: Bearer $token" \
    "http://127.0.0.1:35900/v1/sign?name=zaswiadczenie.txt&format=xades&packaging=detached&level=B-T&certificate=$seal" \
    -o "$demo/zaswiadczenie.txt.xades"
grep -iE '^(HTTP|content-type|content-disposition)' "$demo/headers"
echo "the clerk's agent was shown: $(grep -o '"documents": \[[^]]*\]' "$demo/agent.log" | head -1)"
echo
echo "== xmlsec1 --verify zaswiadczenie.txt.xades (trusting the demo root)"
(cd "$demo" && xmlsec1 --verify --trusted-pem "$PODPIS_PKI_DIR/root.pem" --untrusted-pem "$PODPIS_PKI_DIR/ca.pem" \
    --enabled-key-data x509 --id-attr:Id 'http://uri.etsi.org/01903/v1.3.2#:SignedProperties' zaswiadczenie.txt.xades 2>&1)
