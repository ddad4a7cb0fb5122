#!/usr/bin/env bash
# Installs what the Podpis test bench needs on Debian 12, as root.
# Idempotent and non-interactive (works with CI=true and no stdin):
#   - Debian packages (apt-get update runs once, only if something is missing)
#   - jcecard 0.1.0 (pure Python, from PyPI) into <repo>/.testbed/py, for
#     Debian's /usr/bin/python3, which gets `cryptography` from python3-cryptography.
#   - signxml 5.2.0 and its dependencies, all pinned (PyPI wheels), into
#     <repo>/.testbed/py-xades, for the same /usr/bin/python3: the independent
#     XAdES verifier of Tests/Tools/xades_check.py. Its own cryptography wheel
#     stays out of .testbed/py, where it would shadow python3-cryptography.
#   - pyhanko-certvalidator 0.33.0 and its dependencies, all pinned (PyPI
#     wheels), into <repo>/.testbed/py-certvalidator: the independent path and
#     revocation check of Tests/Tools/certvalidator_check.py.
set -euo pipefail
TB_NAME=install-deps
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=deps.sh
. "$TB_SCRIPTS/deps.sh"

JCECARD_VERSION=0.1.0
# signxml and every package it pulls in, pinned: installed with --no-deps so
# that nothing unpinned comes along. Keep the list complete when bumping.
XADES_PY_PINS=(signxml==5.2.0 lxml==6.1.3 cryptography==50.0.2 cffi==2.1.1 pycparser==3.12 certifi==2026.10.18)

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
    # asn1crypto: the tests read our CMS with a parser that is not ours; the
    # verification matrix (matrix.py) adds unsigned attributes with it
    python3-asn1crypto
    # faketime: the verification matrix (matrix.sh) runs openssl at chosen past times
    faketime
    # python-xmlsec (libxmlsec1 in one process): VerificationBenchmark's XAdES peer
    python3-xmlsec
    # unshare/mount (private pcscd), pgrep/pkill-free process checks, gcc -dumpmachine is optional
    util-linux mount procps
    # systemd-analyze verify / security for the units in systemd/ (Tests/Tools/check_units.sh)
    systemd
    # the PIN search captures the daemon's loopback TCP traffic (Tests/PodpisdTests/PINSearchTests.swift)
    tcpdump
    # stacks of a test or a podpisd that hangs (scripts/watchdog.sh, TestBench.stacks); stdbuf is in coreutils
    gdb coreutils
    # a real browser for the end-to-end tests of podpis.js and the demo EZD page
    # (Tests/PodpisdTests/BrowserTests.swift, Tests/Tools/browser_e2e.py), with
    # fonts for its screenshots; Node runs podpis.js's unit tests (web/podpis/test)
    chromium chromium-driver fonts-dejavu-core nodejs
    # the Debian package (make deb, make deb-test): the release build links
    # Foundation statically, which needs libcurl's headers; Debian's packaging
    # tools, lintian, and debootstrap for the clean Debian 12 root
    libcurl4-openssl-dev dpkg-dev debhelper lintian debootstrap
)

[ "$(id -u)" -eq 0 ] || die "must run as root (apt-get install, pcscd in a private mount namespace)"
command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this installer supports Debian 12 only"

apt_install "${PACKAGES[@]}"

# Debian's python3, explicitly: its cryptography comes from python3-cryptography.
PY=/usr/bin/python3
[ -x "$PY" ] || die "$PY missing after installing python3"
"$PY" -c 'import cryptography' 2>/dev/null || die "$PY cannot import cryptography (python3-cryptography)"

# jcecard's declared dependency (johnnycanencrypt) is not used at run time.
jcecard_ok() { pinned_ok "$1" jcecard "jcecard==${JCECARD_VERSION}"; }
install_pinned "$TB_PYDIR" jcecard_ok "jcecard $JCECARD_VERSION" "jcecard==${JCECARD_VERSION}"

# signxml for the XAdES checks, in its own directory (see lib.sh).
[ "$TB_XADES_PYDIR" != "$TB_PYDIR" ] || die "PODPIS_XADES_PYDIR must differ from PODPIS_TESTBED_PYDIR ($TB_PYDIR)"
# signxml imports, and every pinned package is the one in the directory (not
# Debian's cryptography or lxml) at the pinned version.
xades_py_ok() {
    pinned_ok "$1" cryptography,lxml,signxml,signxml.xades,cryptography.x509.verification "${XADES_PY_PINS[@]}"
}
# Wheels only: the pinned wheels exist for Debian 12's CPython 3.11; never
# fall back to compiling lxml or cryptography.
install_pinned "$TB_XADES_PYDIR" xades_py_ok "signxml and its pinned dependencies" --wheels-only "${XADES_PY_PINS[@]}"
# jcecard must still get Debian's cryptography (the wheel lives elsewhere).
if [ -d "$TB_PYDIR/cryptography" ]; then
    die "$TB_PYDIR contains a cryptography package: remove it (jcecard needs Debian's python3-cryptography)"
fi

# openapi-spec-validator and schemathesis for Tests/Tools/api_check.sh (the
# localhost API contract, Sources/podpisd/openapi.yaml), for the same
# /usr/bin/python3, in a directory of their own (PODPIS_API_PYDIR):
#   PYTHONPATH=.testbed/py-api /usr/bin/python3 -m openapi_spec_validator FILE
#   PYTHONPATH=.testbed/py-api /usr/bin/python3 -m schemathesis.cli run FILE --url URL
# Every package they pull in is pinned and installed with --no-deps, wheels
# only (Debian 12's CPython 3.11, x86_64). Keep the list complete when bumping.
# lib.sh names the directory (TB_API_PYDIR); the same default if it does not.
TB_API_PYDIR="${TB_API_PYDIR:-${PODPIS_API_PYDIR:-$TB_REPO/.testbed/py-api}}"
API_PY_PINS=(
    openapi-spec-validator==0.9.0 schemathesis==4.32.5
    annotated-types==0.8.0 anyio==4.16.0 attrs==26.1.0 certifi==2026.10.18 charset-normalizer==3.5.2
    click==8.5.1 graphql-core==3.3.2 harfile==0.6.0 hypothesis==6.170.15 hypothesis-graphql==0.13.5
    idna==3.20 iniconfig==2.3.1 jsonschema==4.26.0 jsonschema-path==0.5.0 jsonschema-rs==0.60.3
    jsonschema-specifications==2025.9.1 lazy-object-proxy==1.13.0 markdown-it-py==4.3.0 markupsafe==3.0.4
    mdurl==0.1.2 openapi-schema-validator==0.9.0 packaging==26.3 pathable==0.6.0 pluggy==1.7.0
    pydantic==2.14.3 pydantic-core==2.50.4 pydantic-settings==2.16.3 pygments==2.21.0 pyrate-limiter==4.5.1
    pytest==9.2.0 python-dotenv==1.2.4 pyyaml==6.0.3 referencing==0.37.0 requests==2.34.2
    rfc3339-validator==0.1.4 rich==15.0.0 rpds-py==2026.9.1 six==1.17.0 sortedcontainers==2.4.0
    typing-extensions==4.16.0 typing-inspection==0.4.5 urllib3==2.8.0 werkzeug==3.1.9
)
case "$TB_API_PYDIR" in "$TB_PYDIR"|"$TB_XADES_PYDIR")
    die "PODPIS_API_PYDIR must differ from $TB_PYDIR and $TB_XADES_PYDIR (it is replaced whole)" ;;
esac
# Every pin installed in the directory itself (not Debian's copy) at its
# version, both tools importable, and the schemathesis CLI answering.
api_py_ok() {
    pinned_ok "$1" openapi_spec_validator,schemathesis.cli,yaml,jsonschema "${API_PY_PINS[@]}" || return 1
    PYTHONPATH="$1" "$PY" -m schemathesis.cli --version 2>/dev/null | grep -q 'version 4\.32\.5$'
}
install_pinned "$TB_API_PYDIR" api_py_ok "openapi-spec-validator, schemathesis and their pinned dependencies" \
    --wheels-only "${API_PY_PINS[@]}"

# pyhanko-certvalidator for Tests/Tools/certvalidator_check.py (the path and
# revoked/not revoked of the bench's matrix, fetching off), for the same
# /usr/bin/python3, in a directory of its own (PODPIS_CERTVALIDATOR_PYDIR):
#   PYTHONPATH=.testbed/py-certvalidator /usr/bin/python3 Tests/Tools/certvalidator_check.py ...
# 0.33.0 requires aiohttp (its fetchers; never used here: fetching is off) and
# cryptography>=48: every package it pulls in on Debian 12's CPython 3.11
# (found with `pip download --only-binary=:all: pyhanko-certvalidator==0.33.0`)
# is pinned and installed with --no-deps, wheels only. Keep the list complete
# when bumping. lib.sh names the directory (TB_CERTVALIDATOR_PYDIR).
TB_CERTVALIDATOR_PYDIR="${TB_CERTVALIDATOR_PYDIR:-${PODPIS_CERTVALIDATOR_PYDIR:-$TB_REPO/.testbed/py-certvalidator}}"
CERTVALIDATOR_PY_PINS=(
    pyhanko-certvalidator==0.33.0
    asn1crypto==1.5.1 oscrypto==1.3.0 uritools==7.0.1 certifi==2026.10.19.post1
    cryptography==51.0.1 cffi==2.1.1 pycparser==3.12
    aiohttp==3.14.5 aiohappyeyeballs==2.7.1 aiosignal==1.4.0 attrs==26.1.0 frozenlist==1.8.0
    multidict==7.2.1 propcache==0.5.4 yarl==1.25.1 idna==3.21 typing-extensions==4.16.0
)
case "$TB_CERTVALIDATOR_PYDIR" in "$TB_PYDIR"|"$TB_XADES_PYDIR"|"$TB_API_PYDIR")
    die "PODPIS_CERTVALIDATOR_PYDIR must differ from $TB_PYDIR, $TB_XADES_PYDIR and $TB_API_PYDIR (it is replaced whole)" ;;
esac
# Every pin installed in the directory itself (not Debian's asn1crypto or
# cryptography) at its version, and the validator importable.
certvalidator_py_ok() {
    pinned_ok "$1" pyhanko_certvalidator,pyhanko_certvalidator.context,asn1crypto,cryptography.x509 "${CERTVALIDATOR_PY_PINS[@]}"
}
install_pinned "$TB_CERTVALIDATOR_PYDIR" certvalidator_py_ok "pyhanko-certvalidator and its pinned dependencies" \
    --wheels-only "${CERTVALIDATOR_PY_PINS[@]}"

# Selenium for Tests/Tools/browser_e2e.py (drives Debian's chromium through
# Debian's chromedriver; Selenium Manager is never asked to download a
# browser or driver), for the same /usr/bin/python3, in a directory of its
# own (PODPIS_BROWSER_PYDIR). Every package it pulls in (found with
# `pip install --target DIR selenium==4.51.0`) is pinned and installed with
# --no-deps, wheels only. Keep the list complete when bumping.
TB_BROWSER_PYDIR="${TB_BROWSER_PYDIR:-${PODPIS_BROWSER_PYDIR:-$TB_REPO/.testbed/py-browser}}"
BROWSER_PY_PINS=(
    selenium==4.51.0
    urllib3==2.8.0 trio==0.35.0 trio-websocket==0.12.2 outcome==1.3.0.post0 sniffio==1.3.1
    sortedcontainers==2.4.0 attrs==26.1.0 idna==3.21 wsproto==1.3.2 h11==0.16.0
    certifi==2026.10.19.post1 typing-extensions==4.16.0 websocket-client==1.9.2 pysocks==1.7.1
)
case "$TB_BROWSER_PYDIR" in "$TB_PYDIR"|"$TB_XADES_PYDIR"|"$TB_API_PYDIR"|"$TB_CERTVALIDATOR_PYDIR")
    die "PODPIS_BROWSER_PYDIR must differ from the other Python directories (it is replaced whole)" ;;
esac
browser_py_ok() {
    pinned_ok "$1" selenium,selenium.webdriver.chrome.service,urllib3 "${BROWSER_PY_PINS[@]}"
}
install_pinned "$TB_BROWSER_PYDIR" browser_py_ok "selenium and its pinned dependencies" \
    --wheels-only "${BROWSER_PY_PINS[@]}"

# Final check of everything the scripts call.
need_cmd pcscd pcsc_scan opensc-tool pkcs11-tool pkcs15-tool openpgp-tool softhsm2-util p11-kit \
    openssl xmlsec1 xmllint faketime unshare mount setsid pgrep curl systemd-analyze chromium chromedriver node
[ -f /usr/lib/pcsc/drivers/serial/libifdvpcd.so ] || die "vpcd driver /usr/lib/pcsc/drivers/serial/libifdvpcd.so missing"
softhsm_module >/dev/null
opensc_module >/dev/null
log "OK: dependencies ready (python: $PY, jcecard in $TB_PYDIR, signxml in $TB_XADES_PYDIR, pyhanko-certvalidator in $TB_CERTVALIDATOR_PYDIR)"
