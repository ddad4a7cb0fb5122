#!/usr/bin/env bash
# The whole suite on the real bench: build, start the bench, run every test
# serially (the tests share one pcscd and stop/start it), stop the bench.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

swift build --build-tests
bash testbed/up.sh
trap 'bash testbed/down.sh || true' EXIT
set -a
# shellcheck disable=SC1091
. .testbed/env
set +a
swift test --skip-build
