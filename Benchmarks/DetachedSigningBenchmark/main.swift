// A detached signature (CAdES .p7s or XAdES .xades) over a large file
// against the raw limit: `openssl dgst` on the same file, in the same run. Reports throughput and the signer's peak
// resident memory (from the kernel: wait4's ru_maxrss), and exits non-zero
// when Podpis is under 80 % of openssl's speed or over 64 MiB.
//
// Usage: DetachedSigningBenchmark PODPIS_BINARY [SIZE_MIB] [RUNS] [cades|xades]
// (environment: the bench's .testbed/env)
import Foundation


let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: DetachedSigningBenchmark PODPIS_BINARY [SIZE_MIB] [RUNS] [cades|xades]")
    exit(2)
}
let podpis = arguments[1]
let sizeMiB = arguments.count > 2 ? Int(arguments[2]) ?? 1024 : 1024
let runs = arguments.count > 3 ? Int(arguments[3]) ?? 3 : 3
let format = arguments.count > 4 ? arguments[4] : "cades"
guard format == "cades" || format == "xades" else {
    print("format must be cades or xades")
    exit(2)
}
let env = ProcessInfo.processInfo.environment
guard let pki = env["PODPIS_PKI_DIR"], let pin = env["PODPIS_SEAL_PIN"] else {
    print("the test bench env is not loaded (make testbed-up; . .testbed/env)")
    exit(2)
}

struct Run {
    let seconds: Double
    let maxRSSKiB: Int
    let status: Int32
    let output: String
}

/// Runs a program, feeding stdin, and measures wall time and peak RSS.
///
/// Keep this process small: Linux carries the parent's peak RSS into a
/// child's ru_maxrss across posix_spawn's exec, so output that is not needed
/// is discarded, never collected.
func measure(_ program: String, _ args: [String], stdin: String = "", keepOutput: Bool = true) -> Run {
    var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0]
    pipe(&inPipe)
    pipe(&outPipe)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 2)
    for fd in inPipe + outPipe { posix_spawn_file_actions_addclose(&actions, fd) }
    let argv = ([program] + args).map { strdup($0) } + [nil]
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    var pid: pid_t = 0
    let start = DispatchTime.now()
    guard posix_spawnp(&pid, program, &actions, nil, argv, envp) == 0 else {
        print("cannot start \(program)")
        exit(2)
    }
    close(inPipe[0])
    close(outPipe[1])
    _ = stdin.withCString { write(inPipe[1], $0, strlen($0)) }
    close(inPipe[1])
    var output = Data()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = read(outPipe[0], &buffer, buffer.count)
        if n <= 0 { break }
        if keepOutput && output.count < 1 << 16 { output.append(contentsOf: buffer[0..<n]) }
    }
    close(outPipe[0])
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    argv.forEach { free($0) }
    envp.forEach { free($0) }
    posix_spawn_file_actions_destroy(&actions)
    return Run(seconds: seconds, maxRSSKiB: Int(usage.ru_maxrss), status: (status >> 8) & 0xFF, output: String(decoding: output, as: UTF8.self))
}

// The input: SIZE_MIB of non-repeating bytes, made once.
let work = FileManager.default.temporaryDirectory.appendingPathComponent("podpis-bench").path
try? FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
let input = work + "/input-\(sizeMiB)MiB.bin"
if (try? FileManager.default.attributesOfItem(atPath: input)[.size] as? Int) != sizeMiB << 20 {
    print("making \(sizeMiB) MiB input…")
    let fd = open(input, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    var chunk = [UInt64](repeating: 0, count: 1 << 17)
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    for _ in 0..<(sizeMiB) {
        for i in chunk.indices {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            chunk[i] = state
        }
        _ = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
    close(fd)
}

let fingerprint = measure("openssl", ["x509", "-in", pki + "/seal.pem", "-noout", "-fingerprint", "-sha256"]).output
let certID = String(fingerprint.split(separator: "=").last!.replacingOccurrences(of: ":", with: "").lowercased().prefix(16))

_ = measure("cat", [input], keepOutput: false)  // page cache
var opensslBest = Double.infinity
var podpisBest = Double.infinity
var podpisRSS = 0
for run in 1...runs {
    let o = measure("openssl", ["dgst", "-sha256", input])
    guard o.status == 0 else { print("openssl failed: \(o.output)"); exit(2) }
    opensslBest = min(opensslBest, o.seconds)
    let out = work + "/out-\(run)." + (format == "cades" ? "p7s" : "xades")
    unlink(out)
    let p = measure(podpis, ["sign", "--format", format, "--detached", "--cert", certID, "--pin-fd", "0", "-o", out, input], stdin: pin + "\n")
    guard p.status == 0 else { print("podpis failed: \(p.output)"); exit(2) }
    unlink(out)
    podpisBest = min(podpisBest, p.seconds)
    podpisRSS = max(podpisRSS, p.maxRSSKiB)
    print(String(format: "run %d: openssl dgst %.3f s, podpis sign %.3f s, podpis peak RSS %.1f MiB", run, o.seconds, p.seconds, Double(p.maxRSSKiB) / 1024))
}

let mib = Double(sizeMiB)
let ratio = opensslBest / podpisBest
print(String(format: "openssl dgst -sha256: %.0f MiB/s (best of %d)", mib / opensslBest, runs))
print(String(format: "podpis sign --format %@ --detached (B-B, SoftHSM seal): %.0f MiB/s (best of %d), %.0f %% of openssl", format, mib / podpisBest, runs, ratio * 100))
print(String(format: "podpis peak resident memory: %.1f MiB", Double(podpisRSS) / 1024))
var failed = false
if ratio < 0.8 { print("FAIL: under 80 % of openssl's throughput"); failed = true }
if podpisRSS > 64 * 1024 { print("FAIL: peak resident memory over 64 MiB"); failed = true }
print(failed ? "benchmark: FAIL" : "benchmark: PASS")
exit(failed ? 1 : 0)
