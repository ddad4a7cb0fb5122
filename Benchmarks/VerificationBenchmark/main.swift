// Verification of 10 KB XAdES and CAdES B-T signatures (RSA-2048 and P-256)
// with the trusted lists and revocation data cached, all in one run
// (issue 21): per-document latency in one process (p50, p99), the trusted
// lists' load with both signatures checked, and the peers in the same run:
// one `openssl cms -verify` process per CAdES document and python-xmlsec in
// one process over the XAdES documents (both check less: no lists, no
// revocation, no qualification). Fixtures: Benchmarks/verify-fixtures.sh.
//
// Usage: VerificationBenchmark DIR [PEER_SAMPLE]
import Evidence
import Foundation
import Revocation
import TrustedLists
import Validation

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: VerificationBenchmark FIXTURES_DIR [PEER_SAMPLE]")
    exit(2)
}
let dir = arguments[1]
let peerSample = arguments.count > 2 ? Int(arguments[2]) ?? 200 : 200

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

func ms(_ seconds: Double) -> String { String(format: "%.3f ms", seconds * 1000) }

var failed = false

// The lists: load with both signatures checked, five times, the median.
let pins = try TrustSource.file("\(dir)/pins.pem").anchors.map(\.der)
var loads: [Double] = []
var lists: TrustedListTrust? = nil
for _ in 0..<5 {
    let start = DispatchTime.now().uptimeNanoseconds
    lists = try TrustedListTrust.load(cache: TrustedListCache(directory: "\(dir)/tl"), pinnedSigners: pins)
    loads.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}
let loadMedian = percentile(loads, 0.5)
print("trusted lists (test LOTL + PL, both signatures checked): median \(ms(loadMedian)) (limit 300 ms)")
if loadMedian > 0.3 { failed = true }

let verifier = Verifier(sources: [], trustedLists: lists, revocation: RevocationSources(cache: try RevocationCache(directory: "\(dir)/revocation")))

func files(_ set: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: "\(dir)/\(set)").sorted().map { "\(dir)/\(set)/\($0)" }
}

func measure(_ set: String, p50 limit50: Double, p99 limit99: Double?) async throws -> Bool {
    let paths = try files(set)
    var latencies: [Double] = []
    var passed = 0
    for path in paths {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let start = DispatchTime.now().uptimeNanoseconds
        let report = try await verifier.verify(bytes, name: path)
        latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        if report.indication == .totalPassed { passed += 1 }
    }
    let p50 = percentile(latencies, 0.5), p99 = percentile(latencies, 0.99)
    let ok = passed == paths.count && p50 <= limit50 && (limit99.map { p99 <= $0 } ?? true)
    print("\(set): \(paths.count) documents, \(passed) TOTAL-PASSED; p50 \(ms(p50)) (limit \(ms(limit50))), p99 \(ms(p99))"
        + (limit99.map { " (limit \(ms($0)))" } ?? "") + (ok ? "  PASS" : "  FAIL"))
    return ok
}

for (set, p50, p99) in [("xades-p256", 0.001, 0.003), ("xades-rsa", 0.001, 0.003), ("cades-p256", 0.0005, nil), ("cades-rsa", 0.0005, nil)] as [(String, Double, Double?)] {
    if try await !measure(set, p50: p50, p99: p99) { failed = true }
}

/// Runs a program and returns its wall time (seconds) and exit status.
func run(_ program: String, _ args: [String]) throws -> (Double, Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = args
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    let start = DispatchTime.now().uptimeNanoseconds
    try process.run()
    process.waitUntilExit()
    return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, process.terminationStatus)
}

// Peer: one openssl cms -verify process per document (chain only, no revocation).
let chain = ProcessInfo.processInfo.environment["PODPIS_PKI_DIR"].map { "\($0)/chain.pem" } ?? "\(dir)/chain.pem"
for set in ["cades-p256", "cades-rsa"] {
    let sample = Array(try files(set).prefix(peerSample))
    var total = 0.0
    for path in sample {
        let (seconds, status) = try run("/usr/bin/openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", path, "-CAfile", chain, "-purpose", "any", "-out", "/dev/null"])
        if status != 0 { print("openssl cms -verify failed on \(path)") }
        total += seconds
    }
    print("peer: openssl cms -verify, one process per document, \(set): \(ms(total / Double(sample.count))) per document (\(sample.count) documents)")
}

// Peer: python-xmlsec (libxmlsec1) in one process over the XAdES documents
// (XML-DSig and the chain to the bench's root only: no lists, no revocation,
// no XAdES rules): Benchmarks/xmlsec-peer.py. (signxml, tried first, does
// not apply the XPath filter transform these enveloped signatures carry.)
let pki = ProcessInfo.processInfo.environment["PODPIS_PKI_DIR"] ?? dir
let peerScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("xmlsec-peer.py").path
for set in ["xades-p256", "xades-rsa"] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = [peerScript, "\(dir)/\(set)", "\(peerSample)", pki]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    process.waitUntilExit()
    let fields = text.split(separator: " ", maxSplits: 3).map(String.init)
    if fields.count >= 3, let seconds = Double(fields[0]) {
        print("peer: python-xmlsec in one process, \(set): \(ms(seconds)) per document (\(fields[1])/\(fields[2]) verified"
            + (fields.count > 3 ? "; \(fields[3])" : "") + ")")
    } else {
        print("peer: python-xmlsec in one process, \(set): did not run (\(process.terminationStatus)) \(text)")
    }
}
exit(failed ? 1 : 0)
