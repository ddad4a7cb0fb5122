#!/usr/bin/env bash
# make bench: release build, the real bench, and each benchmark against its
# raw limit in the same run. Figures go to docs/performance.md by hand, with
# this command.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SIZE_MIB="${SIZE_MIB:-1024}"
XADES_SIZE_MIB="${XADES_SIZE_MIB:-2048}"
RUNS="${RUNS:-3}"

swift build -c release --product podpis
swift build -c release --product podpisd
swift build -c release --product DetachedSigningBenchmark
swift build -c release --product SealingBenchmark
swift build -c release --product VerificationBenchmark
swift build -c release --product LongTermBenchmark
bash Benchmarks/baselines/install.sh
bin="$(swift build -c release --show-bin-path)"
was_up=0
[ -f .testbed/env ] && was_up=1
bash testbed/up.sh
[ "$was_up" = 1 ] || trap 'bash testbed/down.sh || true' EXIT
set -a
# shellcheck disable=SC1091
. .testbed/env
set +a
status=0
if [ "${PACKAGE_BENCH:-1}" != 0 ]; then
    echo "== the Debian package: size and start-up time vs the debug build (PACKAGE_BENCH=0 skips)"
    bash Benchmarks/package.sh "${PACKAGE_RUNS:-20}" || status=1
fi
echo "== CAdES detached over ${SIZE_MIB} MiB vs openssl dgst -sha256"
"$bin/DetachedSigningBenchmark" "$bin/podpis" "$SIZE_MIB" "$RUNS" cades || status=1
echo "== XAdES detached over ${XADES_SIZE_MIB} MiB vs openssl dgst -sha256"
"$bin/DetachedSigningBenchmark" "$bin/podpis" "$XADES_SIZE_MIB" "$RUNS" xades || status=1
echo "== verifying a detached CAdES over ${SIZE_MIB} MiB vs openssl dgst -sha256"
bash Benchmarks/verify-detached.sh "$bin/podpis" "$SIZE_MIB" "$RUNS" || status=1
echo "== verifying 2000 × 10 KB XAdES and CAdES B-T (P-256, RSA-2048) with lists and revocation cached"
bash Benchmarks/verify-fixtures.sh "$bin/podpis" "${TMPDIR:-/tmp}/podpis-verify-bench" "${VERIFY_COUNT:-2000}"
"$bin/VerificationBenchmark" "${TMPDIR:-/tmp}/podpis-verify-bench" 200 || status=1
echo "== long-term: sealing 1000 × 10 KB XML at B-T and B-LT in turn; extending the B-T to B-LT with a warm cache"
bash Benchmarks/long-term.sh "$bin/podpis" "$bin/LongTermBenchmark" "${LONG_TERM_COUNT:-1000}" 2 || status=1
# Last: sealing through podpisd against the token's raw rate, RSA then P-256,
# each after a wait on ext4 without a journal (SEAL_COUNT documents, 10000 by
# default; SEAL_COOLDOWN, SEALBENCH_BASELINES=0: Benchmarks/sealing.sh).
bash Benchmarks/sealing.sh "$bin" || status=1
exit "$status"
