#!/usr/bin/env bash
# The whole suite on the real bench: build, start the bench, run every test
# serially (the tests share one pcscd and stop and start it), stop the bench,
# and close with one plain summary line.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

swift build --build-tests
bash testbed/up.sh
log="$(mktemp)"
status=0
(
    set -a
    # shellcheck disable=SC1091
    . .testbed/env
    set +a
    # XCTest only: the suite has no swift-testing tests.
    swift test --skip-build --disable-swift-testing 2>&1
) | tee "$log" || status=$?
bash testbed/down.sh || true

# Every parser of outside bytes fuzzed for a short fixed time (docs/fuzzing.md):
# a crash fails the suite. FUZZ_SECONDS=0 skips it.
fuzz_seconds="${FUZZ_SECONDS:-20}"
if [ "$fuzz_seconds" != 0 ]; then
    echo "== fuzzing: each target for $fuzz_seconds s (scripts/fuzz.sh)"
    if FUZZ_SECONDS="$fuzz_seconds" bash scripts/fuzz.sh; then
        echo "== fuzzing: no crash"
    else
        echo "== fuzzing: FAILED (a crash or a build failure, see above)"
        status=1
    fi
fi

passed="$(grep -cE "^Test Case '.*' passed" "$log" || true)"
failed="$(grep -cE "^Test Case '.*' failed" "$log" || true)"
rm -f "$log"
echo "tests: $passed passed, $failed failed"
if [ "$passed" = 0 ] || [ "$failed" != 0 ]; then status=1; fi
exit "$status"
