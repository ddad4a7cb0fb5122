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
export DEBIAN_FRONTEND=noninteractive

missing=()
for p in "${DEB_PACKAGES[@]}"; do
    status="$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)"
    [ "$status" = "installed" ] || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    apt-get update -q </dev/null || die "apt-get update failed"
    apt-get install -y -q --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "${missing[@]}" </dev/null || die "apt-get install failed for: ${missing[*]}"
else
    log "Debian packages already installed: ${DEB_PACKAGES[*]}"
fi
openssl engine -t pkcs11 >/dev/null 2>&1 || die "openssl cannot load the pkcs11 engine"

[ -x "$PY" ] || die "$PY missing"
# Every pin present in BENCH_PYDIR itself at its version, and pkcs11 importable.
bench_py_ok() {
    local pin
    for pin in "${BENCH_PY_PINS[@]}"; do
        [ -d "$1/${pin%%==*}-${pin##*==}.dist-info" ] || [ -d "$1/$(echo "${pin%%==*}" | tr - _)-${pin##*==}.dist-info" ] || return 1
    done
    PYTHONPATH="$1" "$PY" - "$1" "${BENCH_PY_PINS[@]}" <<'PYEOF'
import importlib.metadata as md, os, sys
target = os.path.realpath(sys.argv[1])
import pkcs11, asn1crypto  # noqa: F401
for pin in sys.argv[2:]:
    name, version = pin.split("==")
    dist = md.distribution(name)
    where = os.path.realpath(str(dist.locate_file("")))
    if dist.version != version or where != target:
        sys.exit(f"{name} {dist.version} from {where}, wanted {version} from {target}")
PYEOF
}
if [ -d "$BENCH_PYDIR" ] && bench_py_ok "$BENCH_PYDIR" >/dev/null 2>&1; then
    log "${BENCH_PY_PINS[*]} already installed in $BENCH_PYDIR"
else
    log "installing ${BENCH_PY_PINS[*]} into $BENCH_PYDIR"
    "$PY" -m pip --version >/dev/null 2>&1 || die "$PY -m pip not available (python3-pip)"
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    # --only-binary: python-pkcs11 0.10.1 has a cp311 manylinux wheel, so no
    # C compiler or python3-dev is needed.
    CI=true PIP_NO_INPUT=1 "$PY" -m pip install --no-deps --only-binary=:all: --no-input \
        --disable-pip-version-check --root-user-action=ignore --no-compile \
        --target "$tmp/py" "${BENCH_PY_PINS[@]}" </dev/null \
        || die "pip could not install ${BENCH_PY_PINS[*]} (is PyPI reachable?)"
    bench_py_ok "$tmp/py" || die "python-pkcs11 installed into $tmp/py but not importable"
    mkdir -p "$(dirname "$BENCH_PYDIR")"
    rm -rf "$BENCH_PYDIR"
    mv "$tmp/py" "$BENCH_PYDIR"
    bench_py_ok "$BENCH_PYDIR" || die "python-pkcs11 not importable from $BENCH_PYDIR after the move"
fi

# signxml comes from testbed/install-deps.sh.
PYTHONPATH="$BENCH_PYDIR:$XADES_PYDIR" "$PY" -c 'import pkcs11, signxml.xades, cryptography' \
    || die "signxml not importable from $XADES_PYDIR: run testbed/install-deps.sh first"
for c in softhsm2-util pkcs11-tool openssl xmlsec1; do
    command -v "$c" >/dev/null 2>&1 || die "$c not found: run testbed/install-deps.sh first"
done
[ -f /usr/lib/softhsm/libsofthsm2.so ] || die "/usr/lib/softhsm/libsofthsm2.so missing (softhsm2)"
log "OK"
