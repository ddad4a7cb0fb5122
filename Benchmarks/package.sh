#!/usr/bin/env bash
# The Debian package's size and its binaries' start-up time, against the
# debug build in the same run (docs/performance.md, "The Debian package").
#   - sizes: the .deb, its Installed-Size, and podpis/podpisd as packaged
#     (release, Swift runtime static, stripped), as built before stripping,
#     and the debug build's (which loads the toolchain's shared Swift runtime);
#   - start-up: `podpis --version` and `podpisd --version`, cold (the page
#     cache dropped before every run: `echo 3 > /proc/sys/vm/drop_caches`,
#     root) and warm, with hyperfine, packaged vs debug, in turn.
# Usage: bash Benchmarks/package.sh [RUNS]   (root; makes the .deb if missing)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS="${1:-20}"
command -v hyperfine >/dev/null 2>&1 || apt-get install -y -q hyperfine >/dev/null
VERSION="$(bash scripts/version.sh)"
DEB="podpis_${VERSION}_amd64.deb"
[ -f "$DEB" ] || bash scripts/deb.sh
swift build --product podpis >/dev/null
swift build --product podpisd >/dev/null
DEBUG_BIN="$(swift build --show-bin-path)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$DEB" "$work/root"
PKG_PODPIS="$work/root/usr/bin/podpis"
PKG_PODPISD="$work/root/usr/sbin/podpisd"
RELEASE_BIN=".build-release/release"

size() { stat -c %s "$1" | awk '{ printf "%.1f MB", $1 / 1e6 }'; }
echo "== sizes"
echo "package $DEB: $(size "$DEB"); Installed-Size: $(dpkg-deb -f "$DEB" Installed-Size) KiB"
for tool in podpis podpisd; do
    packaged="$work/root/usr/bin/$tool"; [ -f "$packaged" ] || packaged="$work/root/usr/sbin/$tool"
    line="$tool: packaged (stripped) $(size "$packaged")"
    [ -f "$RELEASE_BIN/$tool" ] && line+=", release unstripped $(size "$RELEASE_BIN/$tool")"
    line+=", debug $(size "$DEBUG_BIN/$tool") + the shared Swift runtime"
    echo "$line"
done
echo "shared libraries the packaged podpisd loads: $(ldd "$PKG_PODPISD" | wc -l) (debug: $(ldd "$DEBUG_BIN/podpisd" | wc -l))"

echo "== start-up, cold (page cache dropped before each run), $RUNS runs each"
hyperfine -N --runs "$RUNS" --prepare 'sh -c "sync; echo 3 > /proc/sys/vm/drop_caches"' \
    -n "packaged podpis --version" "$PKG_PODPIS --version" \
    -n "debug podpis --version" "$DEBUG_BIN/podpis --version" \
    -n "packaged podpisd --version" "$PKG_PODPISD --version" \
    -n "debug podpisd --version" "$DEBUG_BIN/podpisd --version"
echo "== start-up, warm, $RUNS runs each"
hyperfine -N --warmup 3 --runs "$RUNS" \
    -n "packaged podpis --version" "$PKG_PODPIS --version" \
    -n "debug podpis --version" "$DEBUG_BIN/podpis --version" \
    -n "packaged podpisd --version" "$PKG_PODPISD --version" \
    -n "debug podpisd --version" "$DEBUG_BIN/podpisd --version"
