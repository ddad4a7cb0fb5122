import ArgumentParser
import Files
import Foundation
import LongTerm
import Revocation
import Timestamping
import Validation

/// What a signature is judged against and where revocation data comes from:
/// the options `podpis verify`, `podpis extend` and `podpis sign --level
/// B-LT|B-LTA` share.
struct TrustOptions: ParsableArguments {
    @Option(name: .customLong("trust"), help: "PEM or DER file of trust anchors (a test PKI, a company CA); repeatable.")
    var trust: [String] = []

    @Option(name: .customLong("trusted-lists"), help: "The trusted lists' cache (podpis tl refresh); default \(TrustedListOptions.defaultCache).")
    var trustedLists: String?

    @Option(name: .customLong("lotl-pins"), help: "PEM of the EU list of lists' signer certificates to accept (the Official Journal's); default \(TrustedListOptions.defaultPins).")
    var lotlPins: String?

    @Flag(name: .customLong("no-trusted-lists"), help: "Do not use the trusted lists (only --trust).")
    var noTrustedLists = false

    @Option(name: .customLong("revocation"), help: "An OCSP response or CRL (DER) to use (and, extending, to carry); repeatable.")
    var revocationFiles: [String] = []

    @Flag(name: .long, help: "Fetch missing revocation data (OCSP, CRL) from the certificates' addresses.")
    var online = false

    @Option(name: .customLong("revocation-cache"), help: "Revocation data kept for offline use; default \(TrustedListOptions.defaultRevocationCache).")
    var revocationCache: String?

    @Option(name: .customLong("allow-address"), help: "With --online: also fetch from this private or loopback address (CIDR, e.g. 127.0.0.1/32); repeatable.")
    var allowAddress: [String] = []

    /// The verifier these options describe.
    func verifier(policy: ValidationPolicy = ValidationPolicy(), revocation: RevocationSources? = nil) throws -> Verifier {
        let sources = try trust.map { try TrustSource.file($0) }
        let lists = noTrustedLists ? nil : try TrustedListOptions.load(cache: trustedLists, pins: lotlPins, explicit: trustedLists != nil || lotlPins != nil)
        return Verifier(policy: policy, sources: sources, trustedLists: lists, revocation: try revocation ?? self.revocation())
    }

    func given() throws -> [[UInt8]] { try revocationFiles.map { try InputFile(path: $0).readAll(limit: 64 << 20) } }

    func revocation() throws -> RevocationSources {
        try TrustedListOptions.revocation(cache: revocationCache, online: online, allow: allowAddress, given: try given())
    }

    /// The extender these options describe; `tsa` for B-LTA's archive time-stamps.
    func extender(tsa: String?) throws -> Extender {
        let revocation = try revocation()
        let verifier = try verifier(revocation: revocation)
        let collector = ValidationDataCollector(sources: verifier.sources, revocation: revocation)
        return Extender(verifier: verifier, collector: collector, timeStamper: tsa.flatMap(URL.init(string:)).map { TimeStampClient(url: $0).archiveTimeStamper })
    }
}
