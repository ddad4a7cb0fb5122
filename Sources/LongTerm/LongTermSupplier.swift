import Evidence
import Foundation
import Signing
import Validation

/// Validation data for signatures being made at B-LT and B-LTA (the
/// station's and the sealer's, through the signature makers): for a signer
/// and its signature time-stamp, what ``ValidationDataCollector`` gathers,
/// with the signer's own revocation data issued at or after the time-stamp
/// (validation accepts nothing older).
///
/// A sealing batch signs thousands of documents with one key and one TSA:
/// the data is collected once and given to every document whose
/// time-stamp is not newer than the signer's revocation data; only a
/// document time-stamped after it makes the next collection (answers carry
/// whole seconds: about one per second of sealing, never one per document).
/// Concurrent documents share one collection in flight. An actor: its state
/// is the data held and the collection under way.
public actor LongTermSupplier: ValidationDataSupplier {
    let collector: ValidationDataCollector

    struct Key: Hashable {
        let signer: [UInt8]
        let tsa: [UInt8]
    }
    struct Held {
        let values: ValidationValues
        /// When the signer's revocation data was issued: good for time-stamps up to then.
        let issued: Date
    }
    private var held: [Key: Held] = [:]
    private var inFlight: [Key: Task<Held, any Error>] = [:]
    /// How many times the data was collected (the benchmark reports it per batch).
    public private(set) var collections = 0

    public init(collector: ValidationDataCollector) {
        self.collector = collector
    }

    public func values(signerCertificate: [UInt8], chain: [[UInt8]], signatureTimeStamp token: [UInt8]) async throws -> ValidationValues {
        let stamp = ExaminedTimeStamp.examine(kind: .signature, token: token, stamped: nil)
        guard let time = stamp.genTime else {
            throw LongTermError(.dataMissing, "the signature time-stamp cannot be read: \(stamp.problem ?? "no time")")
        }
        let key = Key(signer: signerCertificate, tsa: stamp.tsaCertificate?.der ?? [])
        for _ in 0..<3 {
            if let current = held[key], current.issued >= time { return current.values }
            let task: Task<Held, any Error>
            if let running = inFlight[key] {
                task = running
            } else {
                collections += 1
                let collector = self.collector
                task = Task { try await Self.collect(collector, signer: signerCertificate, chain: chain, stamp: stamp, freshAfter: time) }
                inFlight[key] = task
            }
            let result: Held
            do {
                result = try await task.value
            } catch {
                if inFlight[key] == task { inFlight[key] = nil }
                throw error
            }
            if inFlight[key] == task { inFlight[key] = nil }
            if (held[key]?.issued ?? .distantPast) < result.issued { held[key] = result }
            if result.issued >= time { return result.values }
            // A collection started before this document's time-stamp: another, now.
        }
        throw LongTermError(.dataMissing, "no revocation data for the signer issued after its time-stamp of \(time.ISO8601Format())")
    }

    /// One collection: the signer's and the TSA's paths and revocation data,
    /// the signer's checked to be issued at or after `freshAfter`.
    static func collect(
        _ collector: ValidationDataCollector, signer: [UInt8], chain: [[UInt8]], stamp: ExaminedTimeStamp, freshAfter: Date
    ) async throws -> Held {
        let record = try CertificateRecord(der: signer)
        var signature = ExaminedSignature(id: "new", format: .cades, level: .baselineT, signatureAlgorithm: "")
        signature.signingCertificate = record
        signature.addCertificates([record] + chain.compactMap { try? CertificateRecord(der: $0) })
        signature.timeStamps = [stamp]
        let data = await collector.collect(for: signature, freshAfter: freshAfter)
        guard data.missing.isEmpty else { throw LongTermError(.dataMissing, data.missing.joined(separator: "; ")) }
        // The signer's own answer, and when it was issued.
        let path = Paths(signature: signature, sources: collector.sources).signer(record)
        guard path.certificates.count > 1 else { throw LongTermError(.dataMissing, "the issuer of \(record.subjectText)") }
        let answering = RevocationSources.answering(data.ocspResponses + data.crls, for: record, issuer: path.certificates[1])
        let issued = answering.ocsp.compactMap { ValidationDataCollector.issued(ocsp: $0) } + answering.crls.compactMap { ValidationDataCollector.issued(crl: $0) }
        guard let newest = issued.max(), newest >= freshAfter else {
            throw LongTermError(.dataMissing, "no revocation data for \(record.subjectText) issued after its time-stamp of \(freshAfter.ISO8601Format())"
                + (issued.max().map { " (the newest was issued \($0.ISO8601Format()))" } ?? ""))
        }
        return Held(values: data.values, issued: newest)
    }
}
