#!/usr/bin/env bash
# make bench: release build, the real bench, and each benchmark against its
# raw limit in the same run. Figures go to docs/performance.md by hand, with
# this command.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SIZE_MIB="${SIZE_MIB:-1024}"
RUNS="${RUNS:-3}"

swift build -c release --product podpis
swift build -c release --product CAdESBenchmark
bin="$(swift build -c release --show-bin-path)"
was_up=0
[ -f .testbed/env ] && was_up=1
bash testbed/up.sh
[ "$was_up" = 1 ] || trap 'bash testbed/down.sh || true' EXIT
set -a
# shellcheck disable=SC1091
. .testbed/env
set +a
echo "== CAdES detached over ${SIZE_MIB} MiB vs openssl dgst -sha256"
"$bin/CAdESBenchmark" "$bin/podpis" "$SIZE_MIB" "$RUNS"
