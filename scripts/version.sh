#!/usr/bin/env bash
# Prints Podpis's version, PodpisVersion.string (Sources/Localization/PodpisVersion.swift):
# the one place podpis --version, podpisd --version and the Debian package take it from.
# Used by scripts/deb.sh, scripts/deb-test.sh and Benchmarks/package.sh. Fails if it is not found.
set -euo pipefail
file="$(dirname "${BASH_SOURCE[0]}")/../Sources/Localization/PodpisVersion.swift"
version="$(sed -n 's/^ *public static let string = "\([^"]*\)".*/\1/p' "$file")"
[ -n "$version" ] || { echo "version.sh: no version in $file" >&2; exit 1; }
printf '%s\n' "$version"
