#!/usr/bin/env bash
# make deb: podpis_<version>_amd64.deb in the repository's root, built with
# Debian's own tools (docs/deployment.md, "The Debian package"):
#   1. release binaries with the Swift standard library, Foundation and
#      Dispatch linked statically (--static-swift-stdlib), so the package needs
#      no Swift toolchain; full RELRO and immediate binding (Debian's hardening);
#   2. manual pages and shell completions generated from the argument
#      parser's definitions (swift-argument-parser's generate-manual tool and
#      --generate-completion-script) and podpisd.toml(5) and the installed
#      /etc/podpis/podpisd.toml from the configuration's documented example
#      (podpisd --print-config-manual / --print-default-config);
#   3. a staging tree .build-deb/podpis-<version>/ with debian/ from the
#      repository, and dpkg-buildpackage -b in it: debhelper strips, computes
#      the library dependencies (dh_shlibdeps), writes the maintainer scripts
#      for the units, sysusers.d, tmpfiles.d and conffiles.
# The version is PodpisVersion.string (Sources/Localization/PodpisVersion.swift),
# the one place podpis --version and podpisd --version print it from.
# Usage: bash scripts/deb.sh        (as root or not; needs dpkg-dev, debhelper)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

say() { printf 'deb: %s\n' "$*"; }
die() { printf 'deb: ERROR: %s\n' "$*" >&2; exit 1; }

VERSION="$(bash scripts/version.sh)"
for tool in dpkg-buildpackage dh; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found: apt-get install dpkg-dev debhelper (testbed/install-deps.sh does)"
done
# Reproducible: every date inside the package is the last commit's.
SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}"
export SOURCE_DATE_EPOCH

RELEASE_SCRATCH="$ROOT/${PODPIS_RELEASE_SCRATCH:-.build-release}"
TOOLS_SCRATCH="$ROOT/${PODPIS_TOOLS_SCRATCH:-.build-tools}"
STAGE_ROOT=.build-deb
STAGE="$STAGE_ROOT/podpis-$VERSION"

say "release build $VERSION (static Swift standard library) in $RELEASE_SCRATCH"
release_flags=(-c release --static-swift-stdlib --scratch-path "$RELEASE_SCRATCH"
    -Xlinker -z -Xlinker relro -Xlinker -z -Xlinker now)
swift build "${release_flags[@]}" --product podpis
swift build "${release_flags[@]}" --product podpisd
BIN="$(swift build "${release_flags[@]}" --show-bin-path)"

# swift-argument-parser's generate-manual: the tool of the very version the
# package resolved (its checkout), built once in a scratch directory of its own.
say "generate-manual (swift-argument-parser's tool)"
PARSER_CHECKOUT="$RELEASE_SCRATCH/checkouts/swift-argument-parser"
[ -f "$PARSER_CHECKOUT/Package.swift" ] || die "no swift-argument-parser checkout in $RELEASE_SCRATCH"
swift build -c release --package-path "$PARSER_CHECKOUT" --scratch-path "$TOOLS_SCRATCH" --product generate-manual
GENERATE_MANUAL="$(swift build -c release --package-path "$PARSER_CHECKOUT" --scratch-path "$TOOLS_SCRATCH" --show-bin-path)/generate-manual"
[ -x "$GENERATE_MANUAL" ] || die "generate-manual was not built ($GENERATE_MANUAL)"

rm -rf "$STAGE_ROOT"
mkdir -p "$STAGE"/{bin,man,completions/bash,completions/zsh,completions/fish,units/system,units/user,udev,conf,share/client,docs}

install -m755 "$BIN/podpis" "$STAGE/bin/podpis"
install -m755 "$BIN/podpisd" "$STAGE/bin/podpisd"
[ "$("$STAGE/bin/podpis" --version)" = "$VERSION" ] || die "podpis --version is not $VERSION"
[ "$("$STAGE/bin/podpisd" --version)" = "$VERSION" ] || die "podpisd --version is not $VERSION"

say "manual pages and completions"
manual_date="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)"
manuals="$(mktemp -d)"
trap 'rm -rf "$manuals"' EXIT
mkdir -p "$manuals/1" "$manuals/8"
"$GENERATE_MANUAL" "$STAGE/bin/podpis" --multi-page --section 1 --date "$manual_date" \
    --authors 'Zespół Podpis<podpis@podpis.invalid>' --output-directory "$manuals/1"
"$GENERATE_MANUAL" "$STAGE/bin/podpisd" --section 8 --date "$manual_date" \
    --authors 'Zespół Podpis<podpis@podpis.invalid>' --output-directory "$manuals/8"
cp "$manuals"/1/*.1 "$manuals"/8/*.8 "$STAGE/man/"
"$STAGE/bin/podpisd" --print-config-manual > "$STAGE/man/podpisd.toml.5"
for tool in podpis podpisd; do
    # Sourced by bash-completion, never run: no #! line (lintian).
    "$STAGE/bin/$tool" --generate-completion-script bash | sed '1{/^#!/d}' > "$STAGE/completions/bash/$tool"
    "$STAGE/bin/$tool" --generate-completion-script zsh > "$STAGE/completions/zsh/_$tool"
    "$STAGE/bin/$tool" --generate-completion-script fish > "$STAGE/completions/fish/$tool.fish"
done
"$STAGE/bin/podpisd" --print-default-config > "$STAGE/conf/podpisd.toml"

cp systemd/system/podpisd.service "$STAGE/units/system/"
cp systemd/user/podpisd.service systemd/user/podpis-tl-refresh.service systemd/user/podpis-tl-refresh.timer "$STAGE/units/user/"
cp udev/70-podpis-tokens.rules "$STAGE/udev/"
cp Sources/podpisd/openapi.yaml "$STAGE/share/openapi.yaml"
cp Sources/podpisd/client/podpis.js Sources/podpisd/client/podpis.d.ts "$STAGE/share/client/"
cp README.md "$STAGE/"
cp docs/*.md docs/*.answers.toml "$STAGE/docs/" 2>/dev/null || cp docs/*.md "$STAGE/docs/"

cp -r debian "$STAGE/debian"
cp systemd/sysusers.d/podpis.conf "$STAGE/debian/podpis.sysusers"
cp systemd/tmpfiles.d/podpis.conf "$STAGE/debian/podpis.tmpfiles"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
{
    echo "podpis ($VERSION) unstable; urgency=medium"
    echo
    echo "  * Podpis $VERSION, built from commit $commit."
    echo "  * The project's history is its git log."
    echo
    echo " -- Zespół Podpis <podpis@podpis.invalid>  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} > "$STAGE/debian/changelog"

say "dpkg-buildpackage in $STAGE"
# -d: the build dependencies are the Swift toolchain's (not a Debian package)
# and were used above; -b: binary only; unsigned.
(cd "$STAGE" && dpkg-buildpackage -b -us -uc -d) > "$STAGE_ROOT/dpkg-buildpackage.log" 2>&1 \
    || { tail -n 40 "$STAGE_ROOT/dpkg-buildpackage.log" >&2; die "dpkg-buildpackage failed (log: $STAGE_ROOT/dpkg-buildpackage.log)"; }
deb="podpis_${VERSION}_amd64.deb"
[ -f "$STAGE_ROOT/$deb" ] || die "dpkg-buildpackage made no $deb"
cp "$STAGE_ROOT/$deb" "$ROOT/$deb"
say "$deb ($(du -h "$deb" | cut -f1)); Depends: $(dpkg-deb -f "$deb" Depends)"
