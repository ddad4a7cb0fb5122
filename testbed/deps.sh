# shellcheck shell=bash
# What the installers share: testbed/install-deps.sh and
# Benchmarks/baselines/install.sh source this file (not run directly).
# They define log and die, and PY (the interpreter the Python packages are for).

DEPS_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Temporary pip targets, removed on exit (also when an install dies).
DEPS_TMPDIRS=()
deps_cleanup() { [ "${#DEPS_TMPDIRS[@]}" -eq 0 ] || rm -rf "${DEPS_TMPDIRS[@]}"; }

# apt_install PACKAGE...: installs those of the Debian packages that are not
# installed yet, non-interactively; apt-get update runs only then.
apt_install() {
    local p status missing=()
    for p in "$@"; do
        status="$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)"
        [ "$status" = "installed" ] || missing+=("$p")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        log "Debian packages already installed: $*"
        return 0
    fi
    export DEBIAN_FRONTEND=noninteractive
    export APT_LISTCHANGES_FRONTEND=none
    log "installing Debian packages: ${missing[*]}"
    apt-get update -q </dev/null || die "apt-get update failed"
    apt-get install -y -q --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "${missing[@]}" </dev/null || die "apt-get install failed for: ${missing[*]}"
}

# pinned_ok DIR MODULE[,MODULE...] NAME==VERSION...: the modules import with
# DIR on PYTHONPATH, and every pin is installed in DIR itself at its version
# (testbed/pinned.py).
pinned_ok() {
    local dir="$1"; shift
    PYTHONPATH="$dir" "$PY" "$DEPS_SCRIPTS/pinned.py" "$dir" "$@"
}

# install_pinned DIR CHECK WHAT [--wheels-only] NAME==VERSION...: unless
# `CHECK DIR` already passes, pip installs the pins with --no-deps (nothing
# unpinned comes along) into a temporary directory, checks it, and replaces
# DIR with it. --target keeps everything out of the system site-packages (no
# PEP 668 conflict); --wheels-only (pip --only-binary=:all:) never compiles.
install_pinned() {
    local dir="$1" check="$2" what="$3" tmp binary=(); shift 3
    if [ "${1:-}" = --wheels-only ]; then binary=(--only-binary=:all:); shift; fi
    if [ -d "$dir" ] && "$check" "$dir" >/dev/null 2>&1; then
        log "$what already installed in $dir"
        return 0
    fi
    log "installing $what into $dir"
    "$PY" -m pip --version >/dev/null 2>&1 || die "$PY -m pip not available (python3-pip)"
    tmp="$(mktemp -d)"
    DEPS_TMPDIRS+=("$tmp")
    trap deps_cleanup EXIT
    CI=true PIP_NO_INPUT=1 "$PY" -m pip install --no-deps "${binary[@]}" --no-input \
        --disable-pip-version-check --root-user-action=ignore --no-compile \
        --target "$tmp/py" "$@" </dev/null \
        || die "pip could not install $* (is PyPI reachable?)"
    "$check" "$tmp/py" || die "$what installed into $tmp/py but not usable"
    mkdir -p "$(dirname "$dir")"
    rm -rf "$dir"
    mv "$tmp/py" "$dir"
    "$check" "$dir" || die "$what not usable from $dir after the move"
}
