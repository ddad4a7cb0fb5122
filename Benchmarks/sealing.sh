#!/usr/bin/env bash
# The sealing benchmark (issue 25), both key types in turn: 10 KB documents
# sealed through podpisd (XAdES enveloped XML, CAdES detached PDF-like; with
# RSA also on 2 sessions) against the token's raw C_Sign rate, the floor of
# one document and the baselines, all measured in the same run; one PASS/FAIL
# line per limit (Benchmarks/SealingBenchmark/main.swift). `make bench` runs
# it last (Benchmarks/run.sh).
#
# Usage: Benchmarks/sealing.sh [BIN_DIR]
#   BIN_DIR       release podpis, podpisd and SealingBenchmark (default:
#                 `swift build -c release --show-bin-path`; build them first)
#   SEAL_COUNT    documents per run (10000; the issue's figure)
#   SEAL_KEYS     key types, in order ("rsa ec")
#   SEAL_COOLDOWN seconds to wait before each run on ext4 without a journal
#                 (310; 0 skips), see cooldown below
#   SEALBENCH_*   passed on to SealingBenchmark (BASELINES=0, KEEP=1, PERF=FILE, …)
# Exit status 1 when any run printed a FAIL.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin="${1:-$(swift build -c release --show-bin-path)}"
count="${SEAL_COUNT:-10000}"
if [ -f .testbed/env ]; then
    set -a
    # shellcheck disable=SC1091
    . .testbed/env
    set +a
fi

# ext4 without a journal (the VM these figures come from) does not reuse an
# inode freed in the last 5 minutes and scans past each such inode when it
# allocates one (fs/ext4/ialloc.c, recently_deleted): every file created soon
# after thousands were deleted (a test run, the previous benchmark's cleanup)
# costs several times more. Let those deletions age before a sealing run.
cooldown() {
    local dev fstype
    read -r dev fstype < <(findmnt -no SOURCE,FSTYPE -T "${TMPDIR:-/tmp}")
    if [ "$fstype" = ext4 ] && ! ls /proc/fs/jbd2/ 2>/dev/null | grep -q "^$(basename "$dev")-"; then
        echo "(ext4 without a journal: waiting ${SEAL_COOLDOWN:-310} s for recently deleted inodes to age; SEAL_COOLDOWN=0 skips)"
        sleep "${SEAL_COOLDOWN:-310}"
    fi
}

status=0
for key in ${SEAL_KEYS:-rsa ec}; do
    echo "== sealing $count × 10 KB XML (XAdES enveloped) and PDF-like (CAdES detached) through podpisd, $key, vs the token's C_Sign, the floor, openssl per document, signxml"
    cooldown
    start=$(date +%s)
    "$bin/SealingBenchmark" "$bin/podpis" "$count" 1 "$key" || status=1
    echo "($key: $(($(date +%s) - start)) s, load average $(cut -d' ' -f1-3 /proc/loadavg))"
done
exit "$status"
