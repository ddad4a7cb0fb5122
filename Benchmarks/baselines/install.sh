#!/usr/bin/env bash
# Installs what the two benchmark baselines need (Debian 12, as root). Idempotent.
#   - libengine-pkcs11-openssl: OpenSSL's pkcs11 engine (libp11), for openssl_engine_cms.sh
#   - python-pkcs11 and asn1crypto, pinned, wheels only, into <repo>/.testbed/py-bench,
#     for Debian's /usr/bin/python3 (3.11). signxml and its pinned set are NOT
#     installed again: signxml_pkcs11.py puts .testbed/py-xades (testbed/install-deps.sh)
#     after .testbed/py-bench on sys.path itself.
# Also needed (installed by testbed/install-deps.sh): softhsm2, opensc (pkcs11-tool),
# openssl, xmlsec1, and .testbed/py-xades.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PY=/usr/bin/python3
BENCH_PYDIR="${PODPIS_BENCH_PYDIR:-$REPO/.testbed/py-bench}"
XADES_PYDIR="${PODPIS_XADES_PYDIR:-$REPO/.testbed/py-xades}"
# python-pkcs11 and everything it pulls in, pinned; installed with --no-deps.
BENCH_PY_PINS=(python-pkcs11==0.10.1 asn1crypto==1.5.1)
DEB_PACKAGES=(libengine-pkcs11-openssl)

log() { printf 'baselines/install: %s\n' "$*" >&2; }
die() { printf 'baselines/install: ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (apt-get install)"
# shellcheck source=../../testbed/deps.sh
. "$REPO/testbed/deps.sh"

apt_install "${DEB_PACKAGES[@]}"
openssl engine -t pkcs11 >/dev/null 2>&1 || die "openssl cannot load the pkcs11 engine"

[ -x "$PY" ] || die "$PY missing"
# Every pin present in BENCH_PYDIR itself at its version, and pkcs11 importable.
bench_py_ok() { pinned_ok "$1" pkcs11,asn1crypto "${BENCH_PY_PINS[@]}"; }
# Wheels only: python-pkcs11 0.10.1 has a cp311 manylinux wheel, so no
# C compiler or python3-dev is needed.
install_pinned "$BENCH_PYDIR" bench_py_ok "${BENCH_PY_PINS[*]}" --wheels-only "${BENCH_PY_PINS[@]}"

# signxml comes from testbed/install-deps.sh.
PYTHONPATH="$BENCH_PYDIR:$XADES_PYDIR" "$PY" -c 'import pkcs11, signxml.xades, cryptography' \
    || die "signxml not importable from $XADES_PYDIR: run testbed/install-deps.sh first"
for c in softhsm2-util pkcs11-tool openssl xmlsec1; do
    command -v "$c" >/dev/null 2>&1 || die "$c not found: run testbed/install-deps.sh first"
done
[ -f /usr/lib/softhsm/libsofthsm2.so ] || die "/usr/lib/softhsm/libsofthsm2.so missing (softhsm2)"
log "OK"
