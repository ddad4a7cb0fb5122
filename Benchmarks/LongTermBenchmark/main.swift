// Extending XAdES B-T signatures to B-LT in one process with a warm
// revocation cache (issue 22): what `podpis extend` and POST /v1/extend do
// per document — validate, collect the validation data (from the cache),
// insert it, validate the result with what it carries only. A first pass
// online fills the cache (a few fetches: one answer per certificate serves
// every document time-stamped before it); the timed pass is offline.
// Benchmarks/long-term.sh runs it beside the making of the same B-T.
//
// Usage: LongTermBenchmark DIR TRUST_PEM CACHE_DIR
import Evidence
import Foundation
import LongTerm
import Revocation
import Validation

let arguments = CommandLine.arguments
guard arguments.count >= 4 else {
    print("usage: LongTermBenchmark DIR TRUST_PEM CACHE_DIR")
    exit(2)
}
let (dir, trust, cacheDirectory) = (arguments[1], arguments[2], arguments[3])
let paths = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".xades") }.sorted().map { "\(dir)/\($0)" }
let documents = try paths.map { Array(try Data(contentsOf: URL(fileURLWithPath: $0))) }
try FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
let cache = try RevocationCache(directory: cacheDirectory)
let sources = [try TrustSource.file(trust)]

func extender(online: Bool) -> Extender {
    let fetcher = online ? RevocationFetcher(configuration: .init(allowed: [AddressRange("127.0.0.1/32")!]), cache: cache) : nil
    let verifier = Verifier(sources: sources, revocation: RevocationSources(cache: cache, fetcher: fetcher))
    return Extender(verifier: verifier, collector: ValidationDataCollector(sources: sources, cache: cache, fetcher: fetcher))
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

// Warm-up, online: fills the cache.
let warm = extender(online: true)
do {
    for (index, bytes) in documents.enumerated() { _ = try await warm.extend(bytes, name: paths[index], to: .lt) }
} catch {
    print("warm-up failed: \(error)")
    exit(1)
}

// Timed, offline: the cache only.
let offline = extender(online: false)
var latencies: [Double] = []
var grown = 0
let start = DispatchTime.now().uptimeNanoseconds
for (index, bytes) in documents.enumerated() {
    let began = DispatchTime.now().uptimeNanoseconds
    let extended: Extender.Extended
    do { extended = try await offline.extend(bytes, name: paths[index], to: .lt) } catch {
        print("\(paths[index]): \(error)")
        exit(1)
    }
    latencies.append(Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9)
    grown += extended.bytes.count - bytes.count
}
let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
print(String(format: "extend B-T → B-LT: %d documents in %.2f s: %.0f documents/s; p50 %.2f ms, p99 %.2f ms; +%d bytes per document",
             documents.count, seconds, Double(documents.count) / seconds, percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000,
             documents.isEmpty ? 0 : grown / documents.count))
print(String(format: "RATE %.1f", Double(documents.count) / seconds))
