import Foundation
import X509
import XAdES

/// A list accepted into a ``TrustedListSet``.
public struct LoadedTrustedList: Sendable {
    public let list: TrustedList
    /// The DER of the certificate that signed it (pinned for the LOTL,
    /// announced by the LOTL for a national list).
    public let signerDER: [UInt8]
    /// That certificate, when swift-certificates can read it.
    public var signer: Certificate? { try? Certificate(derEncoded: signerDER) }
    /// The bytes it was read from (what the cache keeps).
    public let bytes: [UInt8]
    /// Past its NextUpdate at loading time: still used, and every report says so.
    public let isExpired: Bool
    /// A closed list (no NextUpdate): the scheme has ended.
    public var isClosed: Bool { list.scheme.nextUpdate == nil }
}

/// A list refused, with its named reason; the other lists keep working.
public struct TrustedListRefusal: Sendable {
    /// The name the list was given by (file or URL).
    public let source: String
    /// The territory it was loaded for.
    public let territory: String?
    public let error: TrustedListError
}

/// The EU list of lists and the national lists it announces, each accepted
/// only when its signature verifies and its signer is trusted: the LOTL's
/// against pinned certificates, each national list's against the
/// certificates the LOTL announces for its territory.
public struct TrustedListSet: Sendable {
    /// The list of lists, when accepted.
    public let listOfLists: LoadedTrustedList?
    /// The national lists accepted, by territory.
    public let lists: [String: LoadedTrustedList]
    /// The lists refused (the LOTL included), with their reasons.
    public let refusals: [TrustedListRefusal]

    /// Loads a LOTL and national lists (`nationalLists`: territory → (source name, bytes),
    /// as fetched through the LOTL's pointers or read from the cache).
    /// Nothing is downloaded. When the LOTL is refused, every national list
    /// is refused too (nothing announces their signers).
    public static func load(
        listOfLists: (source: String, bytes: [UInt8]), pinnedSigners: [[UInt8]],
        nationalLists: [String: (source: String, bytes: [UInt8])],
        checker: any TrustedListSignatureChecker, now: Date = Date()
    ) -> TrustedListSet {
        var refusals: [TrustedListRefusal] = []
        let lotl: LoadedTrustedList
        do throws(TrustedListError) {
            lotl = try loadListOfLists(source: listOfLists.source, bytes: listOfLists.bytes, pinnedSigners: pinnedSigners, checker: checker, now: now)
        } catch {
            refusals.append(TrustedListRefusal(source: listOfLists.source, territory: "EU", error: error))
            for (territory, national) in nationalLists.sorted(by: { $0.key < $1.key }) {
                refusals.append(TrustedListRefusal(
                    source: national.source, territory: territory,
                    error: TrustedListError(.territoryNotAnnounced, "\(territory): \(listOfLists.source) \(error.code)")))
            }
            return TrustedListSet(listOfLists: nil, lists: [:], refusals: refusals)
        }
        var accepted: [String: LoadedTrustedList] = [:]
        for (territory, national) in nationalLists.sorted(by: { $0.key < $1.key }) {
            do throws(TrustedListError) {
                accepted[territory] = try loadNational(
                    territory: territory, source: national.source, bytes: national.bytes, listOfLists: lotl.list,
                    checker: checker, now: now)
            } catch {
                refusals.append(TrustedListRefusal(source: national.source, territory: territory, error: error))
            }
        }
        return TrustedListSet(listOfLists: lotl, lists: accepted, refusals: refusals)
    }

    /// The LOTL, accepted only if its signer is one of `pinnedSigners` (DER certificates).
    public static func loadListOfLists(
        source: String, bytes: [UInt8], pinnedSigners: [[UInt8]], checker: any TrustedListSignatureChecker, now: Date
    ) throws(TrustedListError) -> LoadedTrustedList {
        let list = try TrustedList.parse(bytes: bytes, name: source)
        guard list.isListOfLists else { throw TrustedListError(.notListOfLists, "\(source): \(list.scheme.type)") }
        let signer = try verify(list, checker: checker)
        guard pinnedSigners.contains(where: { sameKey($0, signer) }) else {
            throw TrustedListError(.signerNotPinned, "\(source): \(describe(signer))")
        }
        return LoadedTrustedList(list: list, signerDER: signer, bytes: bytes, isExpired: list.scheme.isExpired(at: now))
    }

    /// A national list, accepted only if it is for `territory` and signed by
    /// a certificate the LOTL announces for that territory.
    public static func loadNational(
        territory: String, source: String, bytes: [UInt8], listOfLists: TrustedList, checker: any TrustedListSignatureChecker, now: Date
    ) throws(TrustedListError) -> LoadedTrustedList {
        let pointers = listOfLists.pointers(to: territory)
        guard !pointers.isEmpty else { throw TrustedListError(.territoryNotAnnounced, "\(territory) (\(listOfLists.name))") }
        let list = try TrustedList.parse(bytes: bytes, name: source)
        guard list.scheme.territory == territory, !list.isListOfLists else {
            throw TrustedListError(.wrongTerritory, "\(source): \(list.scheme.territory), expected \(territory)")
        }
        let signer = try verify(list, checker: checker)
        let announced = pointers.flatMap(\.signingCertificatesDER)
        guard announced.contains(where: { sameKey($0, signer) }) else {
            throw TrustedListError(.unannouncedSigner, "\(source): \(describe(signer))")
        }
        return LoadedTrustedList(list: list, signerDER: signer, bytes: bytes, isExpired: list.scheme.isExpired(at: now))
    }

    static func verify(_ list: TrustedList, checker: any TrustedListSignatureChecker) throws(TrustedListError) -> [UInt8] {
        do {
            return try checker.signer(of: list.document, name: list.name)
        } catch let error as TrustedListError {
            throw error
        } catch {
            throw TrustedListError(.badSignature, "\(list.name): \(error)")
        }
    }

    /// The same certificate, or (both readable) a certificate for the same subject and key.
    static func sameKey(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        if a == b { return true }
        guard let first = try? IssuedCertificate(derEncoded: a), let second = try? IssuedCertificate(derEncoded: b) else { return false }
        return first.subject == second.subject && first.subjectPublicKeyInfo == second.subjectPublicKeyInfo
    }

    /// The subject of a signer certificate, for messages.
    static func describe(_ der: [UInt8]) -> String {
        (try? IssuedCertificate(derEncoded: der)).map { "\($0.subject)" } ?? "\(der.count)-byte certificate"
    }

    /// The accepted national lists, in territory order.
    public var trustedLists: [TrustedList] { lists.keys.sorted().compactMap { lists[$0]?.list } }

    /// Qualification facts for an end-entity certificate from the accepted
    /// lists; a refused list of the issuer's territory (its `C`) makes
    /// "not found" indeterminate.
    public func qualificationFacts(certificate: Certificate, issuer: Certificate?, signingTime: Date?) -> QualificationFacts {
        qualificationFacts(certificate: IssuedCertificate(certificate), issuer: issuer, signingTime: signingTime)
    }

    /// The same for a certificate read by ``IssuedCertificate/init(derEncoded:)``.
    public func qualificationFacts(certificate: IssuedCertificate, issuer: Certificate?, signingTime: Date?) -> QualificationFacts {
        qualificationQuestion(certificate: certificate, issuer: issuer).facts(signingTime: signingTime)
    }

    /// The time-independent part of ``qualificationFacts(certificate:issuer:signingTime:)``.
    public func qualificationQuestion(certificate: IssuedCertificate, issuer: Certificate?) -> QualificationQuestion {
        let country = certificate.issuer.flatMap { $0 }.first { $0.type == .RDNAttributeType.countryName }.flatMap { String($0.value) }
        let refused = refusals.contains { $0.territory == nil || $0.territory == country || $0.territory == "EU" }
        return QualificationQuestion(certificate: certificate, issuer: issuer, lists: trustedLists, listsRefused: refused)
    }

    /// What the accepted lists say of a time-stamping authority at `time`.
    public func timeStampAuthorityFacts(certificate: Certificate, issuer: Certificate?, at time: Date) -> TimeStampAuthorityFacts {
        TimeStampAuthorityFacts.determine(certificate: certificate, issuer: issuer, at: time, lists: trustedLists)
    }
}
