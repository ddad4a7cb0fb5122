#!/usr/bin/env bash
# Creates a throwaway SoftHSM2 token "Bench Seal" for the benchmark baselines,
# in DIR, with its own config (never the shared bench's tokens), and imports
# one key + certificate from the bench PKI (<repo>/.testbed/pki) as id 01,
# label "seal":
#   rsa (default): seal.key / seal.pem   (the office's RSA-2048 qualified seal)
#   ec:            person-ec.key / person-ec.pem   (ECDSA P-256)
# Usage: make_token.sh DIR PIN [rsa|ec]
# Prints the SOFTHSM2_CONF path (DIR/softhsm2.conf) on stdout; also writes
# DIR/cert.pem (the signer certificate) and DIR/key-type.
set -euo pipefail

die() { printf 'make_token: ERROR: %s\n' "$*" >&2; exit 1; }
if [ $# -lt 2 ] || [ $# -gt 3 ]; then die "usage: $0 DIR PIN [rsa|ec]"; fi
DIR="$1"; PIN="$2"; KT="${3:-rsa}"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PKI="${PODPIS_BENCH_PKI:-$REPO/.testbed/pki}"
MODULE="${PODPIS_SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}"
LABEL="Bench Seal"
SO_PIN=87654321

case "$KT" in
    rsa) KEY="$PKI/seal.key"; CERT="$PKI/seal.pem" ;;
    ec)  KEY="$PKI/person-ec.key"; CERT="$PKI/person-ec.pem" ;;
    *) die "key type must be rsa or ec, not '$KT'" ;;
esac
[ -d "$PKI" ] || die "$PKI missing: the test bench is down (testbed/up.sh makes the PKI)"
if [ ! -f "$KEY" ] || [ ! -f "$CERT" ]; then die "$KEY or $CERT missing"; fi
[ -f "$MODULE" ] || die "$MODULE missing (softhsm2)"
for c in softhsm2-util pkcs11-tool openssl; do command -v "$c" >/dev/null || die "$c missing"; done

mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
[ ! -e "$DIR/tokens" ] || die "$DIR/tokens exists already: give an empty or new DIR"
mkdir -m 700 "$DIR/tokens"
CONF="$DIR/softhsm2.conf"
cat >"$CONF" <<CONF
directories.tokendir = $DIR/tokens
objectstore.backend = file
log.level = ERROR
CONF
export SOFTHSM2_CONF="$CONF"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
openssl pkcs8 -topk8 -nocrypt -outform DER -in "$KEY" -out "$tmp/key.der"
openssl x509 -in "$CERT" -outform DER -out "$tmp/cert.der"
cp "$CERT" "$DIR/cert.pem"
printf '%s\n' "$KT" >"$DIR/key-type"

softhsm2-util --init-token --free --label "$LABEL" --so-pin "$SO_PIN" --pin "$PIN" >/dev/null \
    || die "softhsm2-util --init-token failed"
pkcs11-tool --module "$MODULE" --token-label "$LABEL" --login --pin "$PIN" \
    --write-object "$tmp/key.der" --type privkey --id 01 --label seal \
    --usage-sign --sensitive --private >/dev/null 2>"$tmp/err" \
    || { cat "$tmp/err" >&2; die "importing the private key failed"; }
pkcs11-tool --module "$MODULE" --token-label "$LABEL" --login --pin "$PIN" \
    --write-object "$tmp/cert.der" --type cert --id 01 --label seal >/dev/null 2>"$tmp/err" \
    || { cat "$tmp/err" >&2; die "importing the certificate failed"; }

printf '%s\n' "$CONF"
