#!/usr/bin/env bash
# Fuzzes every parser of outside bytes (Fuzz/, docs/fuzzing.md): builds the
# fuzz package with libFuzzer and AddressSanitizer into .build-fuzz, replays
# the committed regression inputs (Fuzz/Regressions/<target>/), then runs each
# target for FUZZ_SECONDS from its seed corpus (Fuzz/Corpus/<target>/, and
# ../shared/conformance/samples when present). New inputs go to a scratch
# corpus; the committed corpus is only read. A crash, a trap, a sanitizer
# report, a timeout or an out-of-memory fails the run: its input is kept in
# .build-fuzz/findings/ and printed as a path to reproduce with.
#
# Usage: bash scripts/fuzz.sh [TARGET...]      (make fuzz; FUZZ_SECONDS=300)
#   FUZZ_SECONDS   seconds per target (default 300; scripts/test.sh uses 20)
#   FUZZ_JOBS      parallel fuzzing processes per target (default 1)
# Exit status: 0 nothing found, 1 a finding or a build failure.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds="${FUZZ_SECONDS:-300}"
jobs="${FUZZ_JOBS:-1}"
all=(FuzzTar FuzzXML FuzzFlatJSON FuzzConfiguration FuzzCMS FuzzTimeStampResponse FuzzSignRequest FuzzCertificate FuzzXAdESExamination FuzzTrustedList FuzzOCSPResponse FuzzCRL FuzzCAdESExamination FuzzXAdESExtension)
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=("${all[@]}")
root="$(pwd)"
scratch_path=.build-fuzz
bin="$root/$scratch_path/debug"
findings="$root/$scratch_path/findings"
samples="$root/../shared/conformance/samples"

say() { printf 'fuzz: %s\n' "$*"; }

# The certificates inside the samples' CMS signatures, and the bench's, as DER files in $1.
extract_certificates() {
    local into="$1" file
    for file in "$samples"/cades/*/*; do
        openssl pkcs7 -inform DER -in "$file" -print_certs 2>/dev/null
    done | python3 -c '
import base64, re, sys
text = sys.stdin.read()
for n, block in enumerate(re.findall(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", text, re.S)):
    open(sys.argv[1] + "/sample-%03d.der" % n, "wb").write(base64.b64decode(block))
' "$into"
    cp "$root"/.testbed/pki/*.der "$into"/ 2>/dev/null || true
}

say "building the fuzz targets (libFuzzer + AddressSanitizer) into $scratch_path"
started=$SECONDS
mkdir -p "$scratch_path"
build_log="$scratch_path/build.log"
# (gold warns about every ASan helper it cannot export: noise, filtered out)
if ! swift build -c debug --package-path Fuzz --scratch-path "$scratch_path" \
    -Xswiftc -sanitize=fuzzer,address >"$build_log" 2>&1; then
    grep -vE "Cannot export local symbol" "$build_log" | tail -n 40
    say "FAIL: the fuzz targets did not build (log: $build_log)"
    exit 1
fi
say "built in $((SECONDS - started)) s"

# The Swift runtime's own crash handler would get in the way of the sanitizer's report.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=0}"
mkdir -p "$findings"
status=0
summary=()
for target in "${targets[@]}"; do
    # 1. Every input that once crashed must now pass.
    regressions=("$root/Fuzz/Regressions/$target"/*)
    if [ -e "${regressions[0]}" ]; then
        if "$bin/$target" "${regressions[@]}" >"$findings/$target.regressions.log" 2>&1; then
            say "$target: ${#regressions[@]} regression input(s) pass"
        else
            say "FAIL: $target crashes on a committed regression input (log: $findings/$target.regressions.log)"
            tail -n 30 "$findings/$target.regressions.log" | sed 's/^/    /'
            status=1
        fi
    fi
    # 2. Fuzz from the seeds.
    corpus="$(mktemp -d)"
    seeds=("$root/Fuzz/Corpus/$target")
    case "$target" in
        FuzzXML | FuzzXAdESExtension) [ -d "$samples/xades" ] && seeds+=("$samples/xades") ;;
        FuzzCMS) [ -d "$samples/cades" ] && seeds+=("$samples/cades") ;;
        FuzzCertificate)
            # Real certificates, taken out of the samples' signatures and the
            # bench's test PKI when there (none is committed: they name people).
            certificates="$(mktemp -d)"
            seeds+=("$certificates")
            extract_certificates "$certificates" ;;
    esac
    log="$findings/$target.log"
    say "$target: fuzzing for $seconds s from ${seeds[*]#"$root"/}"
    rc=0
    parallel=()
    # (-jobs makes libFuzzer fork workers that log to fuzz-N.log in the working directory: there, the findings)
    [ "$jobs" -le 1 ] || parallel=(-jobs="$jobs" -workers="$jobs")
    (cd "$findings" && "$bin/$target" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -max_len=65536 \
        "${parallel[@]}" -print_final_stats=1 -artifact_prefix="$target-" \
        "$corpus" "${seeds[@]}" >"$log" 2>&1) || rc=$?
    runs="$(grep -E '^stat::number_of_executed_units:' "$log" | awk '{s += $2} END {print s + 0}')"
    rate="$(grep -E '^stat::average_exec_per_sec:' "$log" | awk '{s += $2} END {print s + 0}')"
    added="$(grep -E '^stat::new_units_added:' "$log" | awk '{s += $2} END {print s + 0}')"
    coverage="$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | awk '{print $2}')"
    seeds_count="$(find "${seeds[@]}" -type f | wc -l)"
    rm -rf "$corpus" "${certificates:-}"
    if [ "$rc" -ne 0 ]; then
        artifact="$(grep -oE "Test unit written to [^ ]+" "$log" | tail -n 1 | sed "s|Test unit written to |$findings/|")"
        say "FAIL: $target found a crash (exit $rc) after $runs runs; input: ${artifact:-see $log}"
        grep -E "Fatal error|ERROR: |SUMMARY: |precondition|deadly signal|timeout|out-of-memory" "$log" | head -n 8 | sed 's/^/    /'
        say "    reproduce: ${bin#"$root"/}/$target ${artifact:-<input>}"
        summary+=("$(printf '%-22s %6s s %10s runs %8s exec/s  cov %-6s +%s units  CRASH' "$target" "$seconds" "$runs" "$rate" "${coverage:-?}" "$added")")
        status=1
    else
        summary+=("$(printf '%-22s %6s s %10s runs %8s exec/s  cov %-6s +%s units  %s seeds  ok' "$target" "$seconds" "$runs" "$rate" "${coverage:-?}" "$added" "$seeds_count")")
    fi
done

say "summary (logs in $findings):"
printf '    %s\n' "${summary[@]}"
if [ "$status" -eq 0 ]; then say "OK: no crash in ${#targets[@]} target(s)"; else say "FAILED: see above"; fi
exit "$status"
