#!/usr/bin/env bash
# Benchmarks arrive with the bulk-sealing issue (token C_Sign rate against
# Podpis's sealing rate, hashing against `openssl dgst`); see docs/performance.md.
set -euo pipefail
echo "No benchmarks yet: the first (sealing throughput vs raw C_Sign) comes with bulk sealing."
