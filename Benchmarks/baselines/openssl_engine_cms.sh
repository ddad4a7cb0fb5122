#!/usr/bin/env bash
# Baseline 1: what an office scripts today with OpenSSL and the key on an HSM.
# One `openssl cms -sign` process per document, sequentially (a shell loop),
# the private key used through OpenSSL's pkcs11 engine (libp11,
# libengine-pkcs11-openssl) and a PKCS#11 URI, on the SoftHSM2 module.
# Output: a detached CMS SignedData (DER) per document, SHA-256, with the ESS
# signingCertificateV2 attribute (-cades, i.e. CAdES-BES), INPUT/NAME ->
# OUTPUT/NAME.p7s.
#
# Usage: SOFTHSM2_CONF=... openssl_engine_cms.sh INPUT_DIR OUTPUT_DIR PIN [rsa|ec]
#   SOFTHSM2_CONF: the throwaway token's config, from make_token.sh
#   signer certificate: $PODPIS_BENCH_CERT, else cert.pem beside SOFTHSM2_CONF
#     (make_token.sh writes it), else the bench PKI's seal.pem / person-ec.pem
#   module: $PODPIS_BENCH_MODULE, default /usr/lib/softhsm/libsofthsm2.so
# Prints one JSON line on stdout:
#   {"tool":"openssl-engine-cms","documents":N,"seconds":S,"perSecond":R}
# seconds: wall time of the whole loop (every process: start, engine and module
# load, login, sign, write), not counting this script's own setup.
set -euo pipefail

die() { printf 'openssl_engine_cms: ERROR: %s\n' "$*" >&2; exit 1; }
if [ $# -lt 3 ] || [ $# -gt 4 ]; then die "usage: SOFTHSM2_CONF=... $0 INPUT_DIR OUTPUT_DIR PIN [rsa|ec]"; fi
IN="$1"; OUT="$2"; PIN="$3"; KT="${4:-rsa}"
case "$KT" in rsa|ec) ;; *) die "key type must be rsa or ec, not '$KT'" ;; esac
[ -f "${SOFTHSM2_CONF:-}" ] || die "SOFTHSM2_CONF must name the token's softhsm2.conf (make_token.sh prints it)"
[ -d "$IN" ] || die "input directory $IN missing"
mkdir -p "$OUT"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PKI="${PODPIS_BENCH_PKI:-$REPO/.testbed/pki}"
MODULE="${PODPIS_BENCH_MODULE:-/usr/lib/softhsm/libsofthsm2.so}"
[ -f "$MODULE" ] || die "PKCS#11 module $MODULE missing"

CERT="${PODPIS_BENCH_CERT:-}"
if [ -z "$CERT" ]; then
    CERT="$(dirname "$SOFTHSM2_CONF")/cert.pem"
    if [ ! -f "$CERT" ]; then
        case "$KT" in rsa) CERT="$PKI/seal.pem" ;; ec) CERT="$PKI/person-ec.pem" ;; esac
    fi
fi
[ -f "$CERT" ] || die "signer certificate $CERT missing"
# The certificate's key type must match the one asked for.
case "$(openssl x509 -in "$CERT" -noout -text | sed -n 's/^ *Public Key Algorithm: *//p')" in
    rsaEncryption) [ "$KT" = rsa ] || die "$CERT holds an RSA key, not $KT" ;;
    id-ecPublicKey) [ "$KT" = ec ] || die "$CERT holds an EC key, not $KT" ;;
    *) die "$CERT: unexpected key algorithm" ;;
esac

# An OpenSSL config of our own that points the pkcs11 engine at SoftHSM2.
# Without it, Debian's libp11 loads p11-kit-proxy, i.e. every registered module
# (OpenSC too), which is neither what an office with one HSM runs nor stable.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/openssl.cnf" <<CNF
openssl_conf = openssl_init
[openssl_init]
engines = engine_section
[engine_section]
pkcs11 = pkcs11_section
[pkcs11_section]
engine_id = pkcs11
MODULE_PATH = $MODULE
CNF
export OPENSSL_CONF="$tmp/openssl.cnf"

# The PIN in the URI (pin-value) is acceptable only because this is a throwaway
# benchmark token made by make_token.sh; it is what a naive office script
# does, and it keeps each process non-interactive. Never do this with a real
# seal: the PIN is visible in the process list.
pct() {   # RFC 7512 percent-encoding of anything but unreserved characters
    local s="$1" out="" c i
    for ((i = 0; i < ${#s}; i++)); do
        c="${s:i:1}"
        case "$c" in [A-Za-z0-9._~-]) out+="$c" ;; *) out+="$(printf '%%%02X' "'$c")" ;; esac
    done
    printf '%s' "$out"
}
URI="pkcs11:token=Bench%20Seal;object=seal;type=private;pin-value=$(LC_ALL=C pct "$PIN")"

files=()
for f in "$IN"/*; do
    [ -f "$f" ] && files+=("$f")
done
[ "${#files[@]}" -gt 0 ] || die "no files in $IN"

start="$(date +%s.%N)"
for f in "${files[@]}"; do
    name="${f##*/}"
    # one process per document; "Engine "pkcs11" set." goes to stderr, kept
    # only when something fails
    if ! openssl cms -sign -binary -outform DER -md sha256 -cades \
            -engine pkcs11 -keyform engine -inkey "$URI" -signer "$CERT" \
            -in "$f" -out "$OUT/$name.p7s" 2>"$tmp/err"; then
        # (libp11 0.4.12 makes openssl segfault at exit after a failed login)
        sed 's/pin-value=[^;"'"'"' ]*/pin-value=***/g' "$tmp/err" >&2
        die "openssl cms -sign failed for $f"
    fi
done
end="$(date +%s.%N)"

awk -v n="${#files[@]}" -v s="$start" -v e="$end" 'BEGIN {
    t = e - s
    printf "{\"tool\":\"openssl-engine-cms\",\"documents\":%d,\"seconds\":%.3f,\"perSecond\":%.1f}\n", n, t, (t > 0 ? n / t : 0)
}'
