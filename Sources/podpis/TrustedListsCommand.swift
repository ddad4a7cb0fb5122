import ArgumentParser
import Foundation
import Localization
import Revocation
import TrustedLists
import Validation

/// `podpis tl`: the EU trusted lists verification trusts.
struct TrustedListsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tl",
        abstract: "Listy zaufanych usług / the EU trusted lists (refresh the cache, show providers and services).",
        subcommands: [Refresh.self, Show.self])

    struct Refresh: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch the EU list of lists and the national lists it points at, check every signature, keep the good ones.",
            discussion: """
                The list of lists is accepted only if signed by one of the pinned certificates (--pins); each \
                national list only if signed by a certificate the list of lists announces for its territory. \
                A list that fails keeps its last good copy in the cache. Verification never downloads lists; \
                run this daily (systemd/podpis-tl-refresh.timer).
                """)

        static let euListOfLists = "https://ec.europa.eu/tools/lotl/eu-lotl.xml"

        @Option(name: .long, help: "The list of lists' address (default \\(Refresh.euListOfLists)).")
        var lotl: String = Refresh.euListOfLists

        @Option(name: .long, help: "PEM of the accepted list-of-lists signers; default \\(TrustedListOptions.defaultPins).")
        var pins: String?

        @Option(name: .long, help: "The cache directory; default \\(TrustedListOptions.defaultCache).")
        var cache: String?

        @Option(name: .long, help: "Only this territory's list (e.g. PL); repeatable. Default: every list the list of lists points at.")
        var territory: [String] = []

        @Option(name: .customLong("allow-address"), help: "Also fetch from this private or loopback address (CIDR); repeatable.")
        var allowAddress: [String] = []

        @Flag(name: .long, help: "JSON summary.")
        var json = false

        func run() async throws {
            let directory = cache ?? TrustedListOptions.defaultCache
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let pinned = try TrustedListOptions.pins(pins ?? TrustedListOptions.defaultPins)
            let ranges = allowAddress.compactMap { AddressRange($0) }
            let fetcher = RevocationFetcher(configuration: .init(timeout: .seconds(60), crlLimit: TrustedListCache.maximumBytes, allowed: ranges))
            let store = TrustedListCache(directory: directory)
            let checker = XAdESTrustedListSignatureChecker()
            var lines: [[String: String]] = []
            let lotlBytes = try await fetcher.get(lotl, limit: TrustedListCache.maximumBytes)
            let listOfLists: LoadedTrustedList
            do {
                listOfLists = try TrustedListSet.loadListOfLists(source: lotl, bytes: lotlBytes, pinnedSigners: pinned, checker: checker, now: Date())
            } catch {
                FileHandle.standardError.write(Data("podpis: \(error.message) [\(error.code)]\n".utf8))
                throw ExitCode(PodpisExit.otherError)
            }
            try store.store(lotlBytes, territory: "EU")
            lines.append(["territory": "EU", "status": "ok", "sequence": "\(listOfLists.list.scheme.sequenceNumber)", "source": lotl])
            var failed = 0
            for pointer in listOfLists.list.otherPointers where pointer.isXML && !pointer.pointsToListOfLists {
                guard let territory = pointer.territory, territory.count <= 3 else { continue }
                if !self.territory.isEmpty && !self.territory.contains(territory) { continue }
                do {
                    let bytes = try await fetcher.get(pointer.location, limit: TrustedListCache.maximumBytes)
                    let loaded = try TrustedListSet.loadNational(
                        territory: territory, source: pointer.location, bytes: bytes, listOfLists: listOfLists.list, checker: checker, now: Date())
                    try store.store(bytes, territory: territory)
                    lines.append([
                        "territory": territory, "status": loaded.isExpired ? "expired" : "ok", "sequence": "\(loaded.list.scheme.sequenceNumber)",
                        "source": pointer.location,
                    ])
                } catch let error as any ClerkReadableError {
                    failed += 1
                    lines.append(["territory": territory, "status": "refused", "code": error.code, "source": pointer.location, "reason": error.message.description])
                }
            }
            if json {
                print(String(decoding: try JSONEncoder.podpis.encode(lines), as: UTF8.self))
            } else {
                for line in lines {
                    print("\(line["territory"]!)\t\(line["status"]!)\t\(line["sequence"] ?? line["code"] ?? "")\t\(line["source"]!)\(line["reason"].map { "\t\($0)" } ?? "")")
                }
            }
            if failed > 0 { throw ExitCode(PodpisExit.someFailed) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Providers and services of the cached lists, with their status.")

        @Option(name: .long, help: "Only this territory (e.g. PL).")
        var territory: String?

        @Option(name: .long, help: "The cache directory; default \\(TrustedListOptions.defaultCache).")
        var cache: String?

        @Option(name: .long, help: "PEM of the accepted list-of-lists signers; default \\(TrustedListOptions.defaultPins).")
        var pins: String?

        @Flag(name: .customLong("qualified-only"), help: "Only providers with a granted qualified service.")
        var qualifiedOnly = false

        func run() async throws {
            guard let trust = try TrustedListOptions.load(cache: cache, pins: pins, explicit: true) else { return }
            for refusal in trust.set.refusals {
                FileHandle.standardError.write(Data("podpis: \(refusal.territory ?? "?") refused: \(refusal.error.message) [\(refusal.error.code)]\n".utf8))
            }
            for list in trust.set.trustedLists where territory == nil || list.scheme.territory == territory {
                let expired = list.scheme.isExpired(at: Date())
                print("\(list.scheme.territory) #\(list.scheme.sequenceNumber) issued \(day(list.scheme.issueDate)), next update \(list.scheme.nextUpdate.map(day) ?? "closed")\(expired ? " — EXPIRED, used anyway" : "")")
                for provider in list.providers where !qualifiedOnly || provider.hasGrantedQualifiedService {
                    print("  \(provider.name())")
                    for service in provider.services {
                        let type = service.current.type.uri.split(separator: "/").suffix(2).joined(separator: "/")
                        print("    \(type)\t\(service.current.status)\tsince \(day(service.current.statusStartingTime))\t\(service.name())")
                    }
                }
            }
        }

        func day(_ date: Date) -> String { String(ISO8601DateFormatter().string(from: date).prefix(10)) }
    }
}
