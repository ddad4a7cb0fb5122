import Foundation
import X509

/// The start of eIDAS trust lists: statuses and qualifiers before it follow Directive 1999/93/EC.
let eIDASDate = Date(timeIntervalSince1970: 1_467_331_200)  // 2016-07-01T00:00:00Z

extension TrustedList {
    /// The services of this list that identify `ca`, with their providers.
    public func services(identifying ca: CAIdentity) -> [(provider: TrustServiceProvider, service: TrustService)] {
        services.filter { $0.service.identifies(ca) }
    }

    /// The services of this list that identify the CA certificate `certificate`.
    public func services(matching certificate: Certificate) -> [(provider: TrustServiceProvider, service: TrustService)] {
        services(identifying: CAIdentity(certificate: certificate))
    }
}

extension QualificationFacts {
    /// Determines, from `lists`, whether `certificate` (an end entity) was a
    /// qualified certificate at its issuance (notBefore) and at
    /// `signingTime`, its type and QSCD. `issuer` is the issuing CA's
    /// certificate when known (else the issuer name and authority key
    /// identifier are matched). `listsRefused`: a list that could have named
    /// the CA was refused, so "not found" becomes indeterminate.
    public static func determine(
        certificate: Certificate, issuer: Certificate?, signingTime: Date?, lists: [TrustedList], listsRefused: Bool = false
    ) -> QualificationFacts {
        determine(
            certificate: IssuedCertificate(certificate), issuer: issuer, signingTime: signingTime, lists: lists, listsRefused: listsRefused)
    }

    /// The same for a certificate swift-certificates cannot read whole
    /// (``IssuedCertificate/init(derEncoded:)``: an RSA-1024 key, say).
    public static func determine(
        certificate: IssuedCertificate, issuer: Certificate?, signingTime: Date?, lists: [TrustedList], listsRefused: Bool = false
    ) -> QualificationFacts {
        QualificationQuestion(certificate: certificate, issuer: issuer, lists: lists, listsRefused: listsRefused).facts(signingTime: signingTime)
    }

    static func determine(question: QualificationQuestion, signingTime: Date?) -> QualificationFacts {
        let (certificate, traits, candidates, listsRefused) = (question.certificate, question.traits, question.candidates, question.listsRefused)
        let issuance = determine(at: certificate.notBefore, traits: traits, candidates: candidates, listsRefused: listsRefused)
        let signing = signingTime.map { determine(at: $0, traits: traits, candidates: candidates, listsRefused: listsRefused) }
        guard let signing else {
            return QualificationFacts(
                atIssuance: issuance, atSigning: nil, qualified: issuance.qualified, type: issuance.type,
                qscd: issuance.qscd, notes: issuance.notes)
        }
        var notes = signing.notes
        let qualified: Determination
        if issuance.qualified == .yes && signing.qualified == .yes {
            qualified = .yes
        } else if issuance.qualified == .no || signing.qualified == .no {
            qualified = .no
            if issuance.qualified != signing.qualified { notes.append(.changedSinceIssuance) }
            notes = issuance.notes.filter { !notes.contains($0) } + notes
        } else {
            qualified = .indeterminate
        }
        var type = signing.type ?? issuance.type
        if let a = issuance.type, let b = signing.type, a != b {
            // The Directive's default (eSig) gives way to what the list says after eIDAS.
            type = issuance.notes.contains(.typeBeforeEIDAS) ? b : nil
            if type == nil { notes.append(.typeConflict) }
        }
        return QualificationFacts(atIssuance: issuance, atSigning: signing, qualified: qualified, type: type, qscd: signing.qscd, notes: notes)
    }

    static func determine(
        at time: Date, traits: CertificateTraits,
        candidates: [(list: TrustedList, provider: TrustServiceProvider, service: TrustService)], listsRefused: Bool
    ) -> QualificationAtTime {
        func none(_ notes: [QualificationNote], _ service: ServiceReference? = nil) -> QualificationAtTime {
            let determination: Determination = listsRefused ? .indeterminate : .no
            return QualificationAtTime(
                time: time, service: service, serviceGranted: false, qualifiers: [], qualified: determination, type: nil,
                qscd: determination, notes: notes + (listsRefused ? [.listRefused] : []))
        }
        guard !candidates.isEmpty else { return none([.noMatchingService]) }
        var results: [QualificationAtTime] = []
        var refusals: [QualificationNote] = []
        var lastSeen: ServiceReference?
        for candidate in candidates {
            guard let period = candidate.service.status(at: time) else {
                refusals.append(.serviceNotYetListed)
                continue
            }
            let reference = ServiceReference(
                territory: candidate.list.scheme.territory, listSequenceNumber: candidate.list.scheme.sequenceNumber,
                providerName: candidate.provider.name(), serviceName: period.name(), type: period.type,
                status: period.status, statusStartingTime: period.statusStartingTime)
            lastSeen = reference
            if period.type == .nationalRootCAQC {
                refusals.append(.nationalRootNotGrant)
                continue
            }
            guard period.type == .caQC else {
                refusals.append(.serviceNotCAQC)
                continue
            }
            guard period.status.isGranted else {
                refusals.append(.serviceNotGranted)
                continue
            }
            results.append(determine(at: time, traits: traits, period: period, reference: reference))
        }
        guard let first = results.first else {
            return none(Array(Set(refusals)).sorted { $0.rawValue < $1.rawValue }, lastSeen)
        }
        if results.dropFirst().contains(where: { $0.qualified != first.qualified || $0.type != first.type || $0.qscd != first.qscd }) {
            return QualificationAtTime(
                time: time, service: first.service, serviceGranted: true, qualifiers: first.qualifiers, qualified: .indeterminate,
                type: nil, qscd: .indeterminate, notes: [.servicesDisagree])
        }
        return first
    }

    /// The determination for one granted CA/QC period.
    static func determine(at time: Date, traits: CertificateTraits, period: ServiceInformation, reference: ServiceReference)
        -> QualificationAtTime
    {
        var notes: [QualificationNote] = []
        var qualifiers: [Qualifier] = []
        for element in period.extensions.qualifications {
            if !element.criteria.unsupported.isEmpty || element.criteria.nested.contains(where: { !$0.unsupported.isEmpty }) {
                notes.append(.unsupportedCriteria)
            }
            if element.criteria.matches(policies: traits.policies, keyUsage: traits.keyUsage) {
                qualifiers.append(contentsOf: element.qualifiers.filter { !qualifiers.contains($0) })
            }
        }
        let set = Set(qualifiers)
        // Qualified?
        let qualified: Determination
        if set.contains(.notQualified) {
            qualified = .no
            notes.append(.listSaysNotQualified)
        } else if set.contains(.qcStatement) {
            qualified = .yes
            notes.append(.listSaysQualified)
        } else if traits.statements.contains(CertificateTraits.qcCompliance) {
            qualified = .yes
            notes.append(.certificateSaysQualified)
        } else {
            qualified = .no
            notes.append(.notQualifiedByCertificate)
        }
        // Type.
        var type: QualifiedCertificateType?
        var listed: [QualifiedCertificateType] = []
        if set.contains(.qcForESig) { listed.append(.eSig) }
        if set.contains(.qcForESeal) { listed.append(.eSeal) }
        if set.contains(.qcForWSA) { listed.append(.web) }
        var inCertificate: [QualifiedCertificateType] = []
        if traits.qcTypes.contains(CertificateTraits.qcTypeESign) { inCertificate.append(.eSig) }
        if traits.qcTypes.contains(CertificateTraits.qcTypeESeal) { inCertificate.append(.eSeal) }
        if traits.qcTypes.contains(CertificateTraits.qcTypeWeb) { inCertificate.append(.web) }
        if listed.count == 1 {
            type = listed[0]
            notes.append(.typeFromList)
        } else if listed.count > 1 {
            notes.append(.typeConflict)
        } else if time < eIDASDate {
            type = .eSig
            notes.append(.typeBeforeEIDAS)
        } else if inCertificate.count == 1 {
            type = inCertificate[0]
            notes.append(.typeFromCertificate)
        } else if inCertificate.count > 1 {
            notes.append(.typeConflict)
        } else {
            type = .eSig
            notes.append(.typeDefault)
        }
        var verdict = qualified
        if listed.count > 1 || (listed.isEmpty && inCertificate.count > 1 && time >= eIDASDate) {
            if verdict == .yes { verdict = .indeterminate }
        }
        // The service's AdditionalServiceInformation must cover the type (after eIDAS).
        let asi = period.extensions.additionalServiceInformation
        var covered: [QualifiedCertificateType] = []
        if asi.contains(ServiceExtensions.forESignatures) { covered.append(.eSig) }
        if asi.contains(ServiceExtensions.forESeals) { covered.append(.eSeal) }
        if asi.contains(ServiceExtensions.forWebSiteAuthentication) { covered.append(.web) }
        if time >= eIDASDate, verdict == .yes, let determined = type, !covered.isEmpty, !covered.contains(determined) {
            verdict = .no
            notes.append(.typeNotInService)
        }
        // QSCD.
        var qscd: Determination
        let with = set.contains(.qcWithQSCD) || set.contains(.qcWithSSCD)
        let without = set.contains(.qcNoQSCD) || set.contains(.qcNoSSCD)
        let asInCertificate = set.contains(.qcQSCDStatusAsInCert) || set.contains(.qcSSCDStatusAsInCert)
        let onBehalf = set.contains(.qcQSCDManagedOnBehalf)
        let certificateSays: Determination = traits.statements.contains(CertificateTraits.qcSSCD) ? .yes : .no
        if [with, without, asInCertificate].filter({ $0 }).count > 1 {
            qscd = .indeterminate
            notes.append(.qscdConflict)
        } else if with || onBehalf {
            qscd = .yes
            notes.append(onBehalf ? .qscdManagedOnBehalf : .qscdFromList)
        } else if without {
            qscd = .no
            notes.append(.qscdFromList)
        } else {
            qscd = certificateSays
            notes.append(.qscdFromCertificate)
        }
        if verdict == .no { qscd = .no }
        return QualificationAtTime(
            time: time, service: reference, serviceGranted: true, qualifiers: qualifiers, qualified: verdict,
            type: verdict == .no ? nil : type, qscd: qscd, notes: notes)
    }
}

extension TimeStampAuthorityFacts {
    /// What `lists` say of the TSA whose certificate is `certificate` (the
    /// TSA unit, or its issuing CA `issuer` as some lists name) at `time`.
    public static func determine(certificate: Certificate, issuer: Certificate?, at time: Date, lists: [TrustedList])
        -> TimeStampAuthorityFacts
    {
        var identities = [CAIdentity(certificate: certificate)]
        if let issuer { identities.append(CAIdentity(certificate: issuer)) }
        var found: ServiceReference?
        for list in lists {
            for (provider, service) in list.services where identities.contains(where: { service.identifies($0) }) {
                guard let period = service.status(at: time), period.type.isTimeStamping else { continue }
                let reference = ServiceReference(
                    territory: list.scheme.territory, listSequenceNumber: list.scheme.sequenceNumber, providerName: provider.name(),
                    serviceName: period.name(), type: period.type, status: period.status,
                    statusStartingTime: period.statusStartingTime)
                let qualifiedType = period.type == .tsaQTST || period.type == .tsaTSSQC || period.type == .tsaTSSAdESQCandQES
                if qualifiedType && period.status.isGranted {
                    return TimeStampAuthorityFacts(qualified: .yes, service: reference)
                }
                found = found ?? reference
            }
        }
        return TimeStampAuthorityFacts(qualified: .no, service: found)
    }
}

/// The part of a qualification that does not depend on the signing time:
/// what the certificate states (policies, QCStatements) and which listed
/// services identify its CA. Worked out once per certificate and lists
/// (verification keeps it for the signer of document after document);
/// ``facts(signingTime:)`` applies a time.
public struct QualificationQuestion: Sendable {
    let certificate: IssuedCertificate
    let traits: CertificateTraits
    let candidates: [(list: TrustedList, provider: TrustServiceProvider, service: TrustService)]
    let listsRefused: Bool

    init(certificate: IssuedCertificate, issuer: Certificate?, lists: [TrustedList], listsRefused: Bool) {
        let ca = issuer.map(CAIdentity.init(certificate:)) ?? CAIdentity(issuerOf: certificate)
        self.certificate = certificate
        traits = CertificateTraits(certificate)
        candidates = lists.flatMap { list in
            list.services(identifying: ca).map { (list: list, provider: $0.provider, service: $0.service) }
        }
        self.listsRefused = listsRefused
    }

    public func facts(signingTime: Date?) -> QualificationFacts {
        QualificationFacts.determine(question: self, signingTime: signingTime)
    }
}
