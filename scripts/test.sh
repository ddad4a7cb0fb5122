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
# A test that hangs must not hang the suite: with output line-buffered
# (stdbuf), scripts/watchdog.sh sees the last test started; after
# TEST_SILENCE_SECONDS without a line it prints that test, the process tree
# and every thread's stack, and stops the test process (a red run that says
# where, instead of CI's time limit).
(
    set -a
    # shellcheck disable=SC1091
    . .testbed/env
    set +a
    # XCTest only: the suite has no swift-testing tests.
    stdbuf -oL -eL swift test --skip-build --disable-swift-testing 2>&1 &
    tests=$!
    bash scripts/watchdog.sh "$tests" "$log" "${TEST_SILENCE_SECONDS:-600}" &
    watchdog=$!
    rc=0
    wait "$tests" || rc=$?
    kill "$watchdog" 2>/dev/null || true
    wait "$watchdog" 2>/dev/null || true
    exit "$rc"
) | tee "$log" || status=$?
if grep -q "^== watchdog:" "$log"; then status=1; fi
# The Debian package: built, checked by lintian, installed, used (with the
# bench's virtual reader) and purged in a clean Debian 12 root
# (scripts/deb-test.sh). PODPIS_DEB_TEST=0 skips it.
if [ "${PODPIS_DEB_TEST:-1}" != 0 ]; then
    echo "== Debian package (scripts/deb-test.sh)"
    if bash scripts/deb-test.sh; then
        echo "== Debian package: OK"
    else
        echo "== Debian package: FAILED (see above)"
        status=1
    fi
fi
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
