#!/usr/bin/env bash
# Verification of a detached CAdES over a large file vs `openssl dgst -sha256`
# over the same file, in the same run, alternating (issue 21: ≥ 80 % of
# openssl's rate, ≤ 64 MiB peak RSS read from the kernel).
#   bash Benchmarks/verify-detached.sh PODPIS SIZE_MIB RUNS
set -euo pipefail
podpis="$1"; size_mib="${2:-1024}"; runs="${3:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/k.pem" -subj /CN=bench -days 1 -out "$work/c.pem" 2>/dev/null
head -c "$((size_mib << 20))" /dev/urandom > "$work/data.bin"
openssl cms -sign -binary -in "$work/data.bin" -signer "$work/c.pem" -inkey "$work/k.pem" -outform DER -out "$work/data.p7s"
/usr/bin/python3 - "$podpis" "$work" "$runs" "$size_mib" <<'PY'
import resource, statistics, subprocess, sys, time
podpis, work, runs, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ours, theirs, peak = [], [], 0
for _ in range(runs):
    start = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    r = subprocess.run([podpis, "verify", f"{work}/data.p7s", "--detached", f"{work}/data.bin", "--no-trusted-lists",
                        "--revocation-cache", f"{work}/rc", "--json"], capture_output=True)
    ours.append(time.monotonic() - start)
    assert r.returncode == 2 and b"NO_CERTIFICATE_CHAIN_FOUND" in r.stdout, r.stdout[:400] + r.stderr[:400]
    peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    start = time.monotonic()
    subprocess.run(["openssl", "dgst", "-sha256", f"{work}/data.bin"], capture_output=True, check=True)
    theirs.append(time.monotonic() - start)
a, b = statistics.median(ours), statistics.median(theirs)
ratio = b / a
print(f"podpis verify {size} MiB detached CAdES: median {a:.2f} s ({size / a:.0f} MiB/s); openssl dgst -sha256: {b:.2f} s ({size / b:.0f} MiB/s); "
      f"rate {ratio * 100:.0f} % of openssl's (limit 80 %); peak RSS {peak / 1024:.1f} MiB (limit 64)")
sys.exit(0 if ratio >= 0.8 and peak <= 64 * 1024 else 1)
PY
