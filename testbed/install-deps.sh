#!/usr/bin/env bash
# Installs what the Podpis test bench needs on Debian 12, as root.
# Idempotent and non-interactive (works with CI=true and no stdin):
#   - Debian packages (apt-get update runs once, only if something is missing)
#   - jcecard 0.1.0 (pure Python, from PyPI) into <repo>/.testbed/py, for
#     Debian's /usr/bin/python3, which gets `cryptography` from python3-cryptography.
set -euo pipefail
TB_NAME=install-deps
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

JCECARD_VERSION=0.1.0

PACKAGES=(
    # PC/SC daemon, client library, tools, the virtual reader driver
    pcscd libpcsclite-dev pcsc-tools vsmartcard-vpcd
    # OpenSC (opensc-tool, pkcs11-tool, openpgp-tool, pkcs15-tool) and its PKCS#11 module
    opensc opensc-pkcs11
    # p11-kit, SoftHSM2
    p11-kit libp11-kit-dev softhsm2
    # XML and crypto CLIs used to build and check fixtures
    libxml2-dev libxml2-utils openssl xmlsec1
    # HTTP client for the TSA and OCSP checks (selftest.sh)
    curl
    # Python for the virtual cards: Debian's interpreter + cryptography + pip
    python3 python3-cryptography python3-pip ca-certificates
    # asn1crypto: the tests read our CMS with a parser that is not ours
    python3-asn1crypto
    # unshare/mount (private pcscd), pgrep/pkill-free process checks, gcc -dumpmachine is optional
    util-linux mount procps
)

[ "$(id -u)" -eq 0 ] || die "must run as root (apt-get install, pcscd in a private mount namespace)"
command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this installer supports Debian 12 only"

export DEBIAN_FRONTEND=noninteractive
export APT_LISTCHANGES_FRONTEND=none

missing=()
for p in "${PACKAGES[@]}"; do
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
    log "Debian packages already installed"
fi

# Debian's python3, explicitly: its cryptography comes from python3-cryptography.
PY=/usr/bin/python3
[ -x "$PY" ] || die "$PY missing after installing python3"
"$PY" -c 'import cryptography' 2>/dev/null || die "$PY cannot import cryptography (python3-cryptography)"

if [ -d "$TB_PYDIR/jcecard-${JCECARD_VERSION}.dist-info" ] && PYTHONPATH="$TB_PYDIR" "$PY" -c 'import jcecard' 2>/dev/null; then
    log "jcecard $JCECARD_VERSION already installed in $TB_PYDIR"
else
    log "installing jcecard $JCECARD_VERSION into $TB_PYDIR"
    "$PY" -m pip --version >/dev/null 2>&1 || die "$PY -m pip not available (python3-pip)"
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    # --no-deps: its declared dependency (johnnycanencrypt) is not used at run time.
    # --target: nothing goes into the system site-packages (no PEP 668 conflict).
    CI=true PIP_NO_INPUT=1 "$PY" -m pip install --no-deps --no-input --disable-pip-version-check \
        --root-user-action=ignore --no-compile --target "$tmp/py" "jcecard==${JCECARD_VERSION}" </dev/null \
        || die "pip could not install jcecard==${JCECARD_VERSION} (is PyPI reachable?)"
    mkdir -p "$(dirname "$TB_PYDIR")"
    rm -rf "$TB_PYDIR"
    mv "$tmp/py" "$TB_PYDIR"
    PYTHONPATH="$TB_PYDIR" "$PY" -c 'import jcecard' || die "jcecard installed but not importable"
fi

# Final check of everything the scripts call.
need_cmd pcscd pcsc_scan opensc-tool pkcs11-tool pkcs15-tool openpgp-tool softhsm2-util p11-kit \
    openssl xmlsec1 unshare mount setsid pgrep curl
[ -f /usr/lib/pcsc/drivers/serial/libifdvpcd.so ] || die "vpcd driver /usr/lib/pcsc/drivers/serial/libifdvpcd.so missing"
softhsm_module >/dev/null
opensc_module >/dev/null
log "OK: dependencies ready (python: $PY, jcecard in $TB_PYDIR)"
