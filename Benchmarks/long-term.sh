#!/usr/bin/env bash
# Long-term signatures (issue 22), all in one run on the bench:
#  1. the sealing path (podpis seal --local, the seal key on SoftHSM, the
#     bench TSA) over COUNT 10 KB XML zaświadczenia at B-T and at B-LT, in
#     turn, RUNS times each: documents/s, the B-LT/B-T ratio (bar: ≥ 80 %),
#     and the OCSP requests the bench's responder received per B-LT batch
#     (the data is collected once per second of sealing, not per document);
#  2. extending the B-T outputs to B-LT in one process with a warm revocation
#     cache (LongTermBenchmark): documents/s against making the B-T above.
# Usage: Benchmarks/long-term.sh PODPIS LONGTERM_BENCHMARK [COUNT] [RUNS]
set -euo pipefail
podpis="$1"; bench="$2"; count="${3:-1000}"; runs="${4:-2}"
: "${PODPIS_PKI_DIR:?source .testbed/env first}"
work="$(mktemp -d "${TMPDIR:-/tmp}/podpis-long-term.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in"
filler="$(printf 'Zaświadcza się, że wnioskodawca nie zalega z opłatami. %.0s' $(seq 170))"
for i in $(seq -w 1 "$count"); do
    printf '<?xml version="1.0" encoding="UTF-8"?>\n<zaswiadczenie xmlns="urn:gmina:testowo" nr="%s/2026"><tresc>%s</tresc></zaswiadczenie>\n' "$i" "$filler" > "$work/in/z$i.xml"
done
seal_id="$(openssl x509 -in "$PODPIS_PKI_DIR/seal.pem" -outform DER | sha256sum | cut -c1-16)"
printf '%s\n' "$PODPIS_SEAL_PIN" > "$work/pin"; chmod 600 "$work/pin"
config() {  # LEVEL
    cat > "$work/podpisd-$1.toml" <<TOML
[server]
audit_file = "$work/audit-$1.jsonl"
[pkcs11]
modules = ["$PODPIS_SOFTHSM_MODULE"]
use_registered = false
[timestamp]
urls = ["$PODPIS_TSA_URL"]
[verification]
trust = ["$PODPIS_PKI_DIR/root.pem"]
online = true
allow_addresses = ["127.0.0.1/32"]
[seal.zaswiadczenia]
certificate = "$seal_id"
xml = "xades-enveloped"
level = "$1"
sessions = 2
pin_file = "$work/pin"
TOML
}
config B-T; config B-LT
ocsp_log="$PODPIS_TESTBED_DIR/log/ocsp.log"
ocsp_count() { grep -c POST "$ocsp_log" || true; }
declare -A rates
for run in $(seq "$runs"); do
    for level in B-T B-LT; do
        rm -rf "$work/out-$level"
        before="$(ocsp_count)"
        start="$(date +%s.%N)"
        "$podpis" seal --profile zaswiadczenia --config "$work/podpisd-$level.toml" --local --out "$work/out-$level" --json "$work/in" > "$work/seal.json"
        end="$(date +%s.%N)"
        requests=$(( $(ocsp_count) - before ))
        rate="$(echo "$count / ($end - $start)" | bc -l)"
        rates[$level]="${rates[$level]:-} $rate"
        printf 'run %d %-5s %d documents: %.1f documents/s, %d OCSP requests\n' "$run" "$level" "$count" "$rate" "$requests"
    done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
bt="$(echo "${rates[B-T]}" | median)"; lt="$(echo "${rates[B-LT]}" | median)"
ratio="$(echo "$lt / $bt" | bc -l)"
printf 'sealing: B-T median %.1f documents/s, B-LT median %.1f documents/s: B-LT at %.0f %% of B-T (bar 80 %%)\n' "$bt" "$lt" "$(echo "$ratio * 100" | bc -l)"
status=0
awk -v r="$ratio" 'BEGIN { exit !(r >= 0.80) }' || status=1
out="$("$bench" "$work/out-B-T" "$PODPIS_PKI_DIR/root.pem" "$work/cache")"
echo "$out" | grep -v '^RATE'
extend="$(echo "$out" | sed -n 's/^RATE //p')"
printf 'extending B-T to B-LT in one process: %.0f documents/s = %.1f × the rate of making the B-T (%.1f documents/s)\n' \
    "$extend" "$(echo "$extend / $bt" | bc -l)" "$bt"
exit "$status"
