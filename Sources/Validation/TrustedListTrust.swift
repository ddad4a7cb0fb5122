import Evidence
import Foundation
import TrustedLists
import X509

/// Trusted lists as a trust source: the certificates of their CA/QC,
/// NationalRootCA-QC and TSA services are anchors for paths, and the lists
/// decide qualification. Loaded from the cache with every signature checked
/// (LOTL against the pinned signers, each national list against the
/// certificates the LOTL announces for it); never downloaded here.
public struct TrustedListTrust: Sendable {
    public let set: TrustedListSet
    public let source: TrustSource
    /// Qualification questions of these lists by (certificate, issuer) DER:
    /// the same signer signs document after document.
    let questions = Memo<MemoKey, QualificationQuestion?>(limit: 1024)

    public init(set: TrustedListSet) {
        self.set = set
        var anchors: [CertificateRecord] = []
        var seen = Set<[UInt8]>()
        let types: Set<String> = [ServiceType.caQC.uri, ServiceType.nationalRootCAQC.uri, ServiceType.tsaQTST.uri, ServiceType.tsa.uri, ServiceType.caPKC.uri]
        for list in set.trustedLists {
            for (_, service) in list.services {
                for period in service.periods where types.contains(period.type.uri) {
                    for identity in period.digitalIdentities {
                        guard case .certificate(let listed) = identity, !seen.contains(listed.der),
                            let record = try? CertificateRecord(der: listed.der)
                        else { continue }
                        seen.insert(listed.der)
                        anchors.append(record)
                    }
                }
            }
        }
        let names = ([set.listOfLists].compactMap { $0 } + set.lists.keys.sorted().compactMap { set.lists[$0] }).map { loaded in
            "\(loaded.list.scheme.territory) TL #\(loaded.list.scheme.sequenceNumber)"
        }
        let nextUpdate = set.lists.values.compactMap { $0.list.scheme.nextUpdate }.min()
        let issued = set.lists.values.map { $0.list.scheme.issueDate }.max()
        source = TrustSource(name: names.joined(separator: ", "), kind: .trustedList, anchors: anchors, issued: issued, nextUpdate: nextUpdate)
    }

    /// Loads the lists in `cache` (EU.xml for the LOTL, then every territory
    /// the LOTL points at that the cache holds).
    public static func load(cache: TrustedListCache, pinnedSigners: [[UInt8]], now: Date = Date()) throws -> TrustedListTrust {
        guard let lotl = try cache.load(territory: "EU") else {
            throw TrustedListError(.cacheUnreadable, "\(cache.directory)/EU.xml: no list of lists; run podpis tl refresh")
        }
        var national: [String: (source: String, bytes: [UInt8])] = [:]
        for territory in cache.territories() where territory != "EU" {
            if let bytes = try cache.load(territory: territory) { national[territory] = ("\(cache.directory)/\(territory).xml", bytes) }
        }
        let set = TrustedListSet.load(
            listOfLists: ("\(cache.directory)/EU.xml", lotl), pinnedSigners: pinnedSigners, nationalLists: national,
            checker: XAdESTrustedListSignatureChecker(), now: now)
        return TrustedListTrust(set: set)
    }

    /// TS 119 172-4 qualification of a signature from its signer's
    /// certificate facts at the best signature time.
    func qualification(signer: CertificateRecord, issuer: CertificateRecord?, at time: Date, indication: Indication) -> QualificationReport {
        qualification(signer: signer, issuer: issuer, at: time, indication: indication, proved: true)
    }

    /// `proved`: `time` is proved by a time-stamp; when it is not (the
    /// validation time stands in), the claimed time is used and the result
    /// can only be indeterminate.
    func qualification(signer: CertificateRecord, issuer: CertificateRecord?, at time: Date, indication: Indication, proved: Bool) -> QualificationReport {
        let question = questions.value(MemoKey(signer.der, issuer?.der ?? [])) {
            let issued = signer.certificate.map(IssuedCertificate.init) ?? (try? IssuedCertificate(derEncoded: signer.der))
            return issued.map { set.qualificationQuestion(certificate: $0, issuer: issuer?.certificate) }
        }
        guard let question else {
            return QualificationReport(value: "N/A", source: source.name, reasons: ["the certificate cannot be read"])
        }
        let facts = question.facts(signingTime: time)
        let base: String
        switch (facts.qualified, facts.type, facts.qscd) {
        case (.yes, .eSig?, .yes): base = "QESig"
        case (.yes, .eSeal?, .yes): base = "QESeal"
        case (.yes, .eSig?, _): base = "AdESig-QC"
        case (.yes, .eSeal?, _): base = "AdESeal-QC"
        case (.yes, _, _): base = "AdES-QC"
        case (.no, .eSeal?, _): base = "AdESeal"
        case (.no, _, _): base = "AdESig"
        case (.indeterminate, .eSeal?, _): base = "QESeal"
        case (.indeterminate, _, _): base = "QESig"
        }
        var value = base
        if facts.qualified == .indeterminate || (facts.qualified == .yes && facts.qscd == .indeterminate) { value = "Indeterminate \(base)" }
        if indication == .totalFailed { value = "N/A" } else if (indication == .indeterminate || !proved), !value.hasPrefix("Indeterminate") {
            value = "Indeterminate \(value)"
        }
        let service = (facts.atSigning ?? facts.atIssuance).service.map { "\($0.providerName) — \($0.serviceName) (\($0.territory) TL #\($0.listSequenceNumber))" }
        return QualificationReport(value: value, source: service ?? source.name, reasons: facts.notes.map(\.rawValue))
    }

    /// Whether a time-stamp's TSA is a qualified one (TSA/QTST granted) at its time.
    func isQualifiedTSA(_ tsa: CertificateRecord, issuer: CertificateRecord?, at time: Date) -> Bool? {
        guard let certificate = tsa.certificate else { return nil }
        let facts = set.timeStampAuthorityFacts(certificate: certificate, issuer: issuer?.certificate, at: time)
        return facts.qualified == .yes
    }
}
