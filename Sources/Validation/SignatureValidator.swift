import SignatureAlgorithms
import Evidence
import Foundation
import QualifiedCertificates

/// The validation process of EN 319 102-1 for one examined signature:
/// format checks, identification of the signing certificate, cryptographic
/// verification, X.509 validation with revocation data, and the
/// validation with time-stamps (proof of existence), in that order; the
/// first building block that does not pass gives the indication.
struct SignatureValidator {
    let policy: ValidationPolicy
    let sources: [TrustSource]
    let revocation: any RevocationChecking
    let lists: TrustedListTrust?

    func validate(_ signature: ExaminedSignature) async -> SignatureReport {
        var checks: [CheckReport] = []
        // The signer's certificate read once for the report's names and the checks' texts.
        let facts = signature.signingCertificate.flatMap { record in
            Self.facts.value(MemoKey(record.der)) {
                record.certificate.map { CertificateFacts(certificate: $0, der: record.der) } ?? (try? CertificateFacts(der: record.der))
            }
        }
        var report = SignatureReport(
            id: signature.id, parent: signature.parentID, format: signature.format.rawValue, level: signature.level.name(signature.format),
            indication: .totalPassed, subIndication: nil, messageKey: "", reason: "", qualification: nil,
            signer: signature.signingCertificate.map { Self.signer($0, facts: facts) }, claimedSigningTime: signature.claimedSigningTime,
            bestSignatureTime: policy.validationTime, bestSignatureTimeSource: "validation-time",
            signatureAlgorithm: signature.signatureAlgorithm,
            signedData: signature.references.map(Self.signedData), certificateChain: [], trustAnchor: nil, timeStamps: [], checks: [])
        let paths = Paths(signature: signature, sources: sources)
        let verdict = await process(signature, report: &report, checks: &checks, paths: paths, signerFacts: facts)
        report.indication = verdict.indication
        report.subIndication = verdict.subIndication
        report.reason = verdict.reason
        report.messageKey = verdict.subIndication.map { "sub.\($0.rawValue)" } ?? "verdict.\(verdict.indication.rawValue)"
        if let lists, let signer = signature.signingCertificate {
            let issuer = paths.signer(signer).issuer
            // Without proof of existence the claimed time is the best guess of when the
            // certificate was used: the answer is then indeterminate at most.
            let proved = report.bestSignatureTimeSource != "validation-time"
            let time = proved || verdict.isPassed ? report.bestSignatureTime : (signature.claimedSigningTime ?? report.bestSignatureTime)
            report.qualification = lists.qualification(
                signer: signer, issuer: issuer, at: time, indication: verdict.indication, proved: proved || verdict.isPassed)
            // report.timeStamps follows signature.timeStamps, index for index.
            for index in report.timeStamps.indices {
                let stamp = signature.timeStamps[index]
                guard let tsa = stamp.tsaCertificate, let time = stamp.genTime else { continue }
                report.timeStamps[index].qualified = lists.isQualifiedTSA(tsa, issuer: paths.timeStamp(index, stamp, tsa: tsa).issuer, at: time)
            }
        }
        // The signer is known even when validation stopped before its path: reports name it.
        if report.certificateChain.isEmpty, let signer = signature.signingCertificate {
            report.certificateChain = [Self.certificate(signer, anchor: nil)]
        }
        report.checks = checks
        return report
    }

    func process(
        _ signature: ExaminedSignature, report: inout SignatureReport, checks: inout [CheckReport], paths: Paths, signerFacts: CertificateFacts?
    ) async -> Verdict {
        // Format checks.
        if !signature.formatProblems.isEmpty {
            checks.append(CheckReport(name: "format", status: .failed, detail: signature.formatProblems.joined(separator: "; ")))
            return Verdict(.totalFailed, .formatFailure, signature.formatProblems.joined(separator: "; "))
        }
        if let refused = signature.references.first(where: { if case .refused = $0.outcome { return true } else { return false } }),
            case .refused(let why) = refused.outcome
        {
            checks.append(CheckReport(name: "format", status: .failed, detail: "\(refused.uri): \(why)"))
            return Verdict(.totalFailed, .formatFailure, "\(refused.uri): \(why)")
        }
        checks.append(CheckReport(name: "format", status: .passed, detail: report.level))
        for warning in signature.warnings { checks.append(CheckReport(name: "format-note", status: .info, detail: warning)) }

        // The signed data first: a changed document fails whatever the certificate.
        for reference in signature.references {
            switch reference.outcome {
            case .intact, .refused: continue
            case .digestMismatch:
                checks.append(CheckReport(name: "reference", status: .failed, detail: "\(reference.scope): digest mismatch"))
                return Verdict(.totalFailed, .hashFailure, "\(reference.scope) (\(reference.uri)) changed after signing")
            case .notFound(let why):
                checks.append(CheckReport(name: "reference", status: .indeterminate, detail: "\(reference.uri): \(why)"))
                return Verdict(.indeterminate, .signedDataNotFound, "\(reference.uri): \(why)")
            }
        }
        // Identification of the signing certificate.
        switch signature.signingCertificateReference {
        case .digestMismatch(let why), .issuerSerialMismatch(let why), .certificateNotFound(let why):
            checks.append(CheckReport(name: "signing-certificate", status: .failed, detail: why))
            return Verdict(.indeterminate, .noSigningCertificateFound, "signing certificate reference: \(why)")
        case .absent, .matches: break
        }
        guard let signer = signature.signingCertificate else {
            checks.append(CheckReport(name: "signing-certificate", status: .failed, detail: "not found"))
            return Verdict(.indeterminate, .noSigningCertificateFound, "the signing certificate is not in the signature")
        }
        checks.append(CheckReport(name: "signing-certificate", status: .passed, detail: Self.readable(signer, facts: signerFacts)))

        checks.append(CheckReport(name: "references", status: .passed, detail: "\(signature.references.count) intact"))
        switch signature.signatureValue {
        case .intact:
            checks.append(CheckReport(name: "signature-value", status: .passed, detail: signature.signatureAlgorithm))
        case .broken(let why):
            checks.append(CheckReport(name: "signature-value", status: .failed, detail: why))
            return Verdict(.totalFailed, .sigCryptoFailure, "the signature value does not verify (\(why))")
        case .unsupported(let why), .notChecked(let why):
            checks.append(CheckReport(name: "signature-value", status: .indeterminate, detail: why))
            return Verdict(.indeterminate, .cryptoConstraintsFailure, "the signature value cannot be checked: \(why)")
        }

        // Time-stamps: each validated as a token; valid signature time-stamps are proof of existence.
        var bestTime = policy.validationTime
        var bestSource = "validation-time"
        var earliestContent: Date? = nil
        for (index, stamp) in signature.timeStamps.enumerated() {
            let (stampReport, stampVerdict) = await validateTimeStamp(stamp, index: index, paths: paths)
            report.timeStamps.append(stampReport)
            guard stampVerdict.isPassed, let time = stamp.genTime else { continue }
            switch stamp.kind {
            case .signature, .validationData, .validationDataReferencesOnly, .archive:
                if time < bestTime {
                    bestTime = time
                    bestSource = "time-stamp \(stampReport.tsa ?? "") \(time.ISO8601Format())"
                }
            case .content:
                earliestContent = min(earliestContent ?? time, time)
            }
        }
        report.bestSignatureTime = bestTime
        report.bestSignatureTimeSource = bestSource
        let hasPOE = bestSource != "validation-time"
        if let content = earliestContent, hasPOE, content > bestTime {
            checks.append(CheckReport(name: "time-stamp-order", status: .failed, detail: "content time-stamp after signature time-stamp"))
            return Verdict(.indeterminate, .timestampOrderFailure, "a content time-stamp is later than the signature time-stamp")
        }

        // X.509 validation of the signer's path at the best signature time.
        let path = paths.signer(signer)
        report.trustAnchor = path.source.map { "\($0.name): \(path.anchor!.subjectText)" }
        var chainReports = path.certificates.map { Self.certificate($0, anchor: path.anchor) }
        guard path.isTrusted else {
            report.certificateChain = chainReports
            checks.append(CheckReport(name: "certificate-chain", status: .indeterminate, detail: "no path to a trust anchor"))
            return Verdict(.indeterminate, .noCertificateChainFound, "no path from \(Self.readable(signer, facts: signerFacts)) to a trusted anchor")
        }
        checks.append(CheckReport(name: "certificate-chain", status: .passed, detail: report.trustAnchor ?? ""))

        if var problem = policy.cryptoProblem(scheme: SignatureScheme(uri: signature.signatureAlgorithm), key: signer, at: bestTime) {
            report.certificateChain = chainReports
            if policy.validationTime > signer.notAfter { problem += "; the signing certificate expired \(Self.day(signer.notAfter))" }
            checks.append(CheckReport(name: "crypto-constraints", status: .indeterminate, detail: problem))
            return Verdict(.indeterminate, hasPOE ? .cryptoConstraintsFailure : .cryptoConstraintsFailureNoPOE, problem)
        }

        // Validity at the best signature time.
        if bestTime < signer.notBefore {
            report.certificateChain = chainReports
            checks.append(CheckReport(name: "certificate-validity", status: .failed, detail: "not yet valid at \(bestTime)"))
            return Verdict(.totalFailed, .notYetValid, "the signing certificate was not yet valid (valid from \(signer.notBefore.ISO8601Format()))")
        }

        // Revocation of the signer (and of the CAs, when data exists).
        var signerFinding: RevocationFinding? = nil
        var refusals: [String] = []
        if let issuer = path.issuer {
            let (findings, refused) = await revocation.findings(
                for: signer, issuer: issuer, embeddedOCSP: signature.ocspResponses, embeddedCRLs: signature.crls, at: policy.validationTime)
            refusals = refused
            let freshAfter = hasPOE ? bestTime : (signature.claimedSigningTime.map { min($0, bestTime) } ?? bestTime)
            signerFinding = findings.first { !policy.revocationIssuedAfterSigning || $0.issued >= freshAfter || $0.status == .revoked }
                ?? (policy.revocationIssuedAfterSigning ? nil : findings.first)
            chainReports[0].revocation = signerFinding ?? findings.first
        }
        report.certificateChain = chainReports
        let expiredNow = policy.validationTime > signer.notAfter
        guard let finding = signerFinding else {
            let detail = (["no current revocation data for the signing certificate"] + refusals).joined(separator: "; ")
            checks.append(CheckReport(name: "revocation", status: .indeterminate, detail: detail))
            if expiredNow && !hasPOE { return Verdict(.indeterminate, .outOfBoundsNoPOE, "the signing certificate expired \(Self.day(signer.notAfter)) and no time-stamp proves the signature was made before") }
            if bestTime > signer.notAfter { return Verdict(.indeterminate, .outOfBoundsNoPOE, "the signing certificate expired \(Self.day(signer.notAfter)) before the best signature time") }
            return Verdict(.indeterminate, .tryLater, detail)
        }
        switch finding.status {
        case .revoked:
            let revokedAt = finding.revocationTime ?? finding.issued
            checks.append(CheckReport(name: "revocation", status: .failed, detail: "revoked \(revokedAt.ISO8601Format()) (\(finding.kind), \(finding.origin))"))
            if hasPOE && bestTime < revokedAt { break }  // proved made before the revocation
            if hasPOE { return Verdict(.totalFailed, .revoked, "the signing certificate was revoked \(Self.day(revokedAt)), before the signature was made") }
            return Verdict(.indeterminate, .revokedNoPOE, "the signing certificate was revoked \(Self.day(revokedAt)) and no time-stamp proves the signature was made before")
        case .suspended:
            checks.append(CheckReport(name: "revocation", status: .indeterminate, detail: "suspended (\(finding.kind))"))
            return Verdict(.indeterminate, .tryLater, "the signing certificate is suspended")
        case .unknown:
            checks.append(CheckReport(name: "revocation", status: .indeterminate, detail: "the responder does not know the certificate"))
            return Verdict(.indeterminate, .tryLater, "the revocation service does not know the signing certificate")
        case .good:
            checks.append(CheckReport(name: "revocation", status: .passed, detail: "\(finding.kind) from \(finding.origin), issued \(finding.issued.ISO8601Format())"))
        }
        if bestTime > signer.notAfter {
            checks.append(CheckReport(name: "certificate-validity", status: .indeterminate, detail: "expired at the best signature time"))
            return Verdict(.indeterminate, .outOfBoundsNotRevoked, "the signing certificate expired \(Self.day(signer.notAfter)) and no time-stamp proves the signature was made before")
        }
        checks.append(CheckReport(name: "certificate-validity", status: .passed, detail: "valid at \(bestTime.ISO8601Format())"))
        return .passed
    }

    /// A time-stamp validated as a signature of its own.
    func validateTimeStamp(_ stamp: ExaminedTimeStamp, index: Int, paths: Paths) async -> (TimeStampReport, Verdict) {
        var report = TimeStampReport(kind: stamp.kind.rawValue, genTime: stamp.genTime, tsa: stamp.tsaCertificate?.subjectText,
                                     indication: .totalPassed, subIndication: nil, reason: "", qualified: nil)
        func finish(_ verdict: Verdict) -> (TimeStampReport, Verdict) {
            report.indication = verdict.indication
            report.subIndication = verdict.subIndication
            report.reason = verdict.reason
            return (report, verdict)
        }
        if let problem = stamp.problem { return finish(Verdict(.totalFailed, .formatFailure, problem)) }
        if stamp.imprintMatches == false { return finish(Verdict(.totalFailed, .hashFailure, "the time-stamp does not stamp this signature")) }
        switch stamp.signingCertificateReference {
        case .digestMismatch(let why), .issuerSerialMismatch(let why), .certificateNotFound(let why):
            return finish(Verdict(.indeterminate, .noSigningCertificateFound, "TSA certificate reference: \(why)"))
        default: break
        }
        guard let tsa = stamp.tsaCertificate else { return finish(Verdict(.indeterminate, .noSigningCertificateFound, "the TSA certificate is not in the token")) }
        switch stamp.signatureValue {
        case .intact: break
        case .broken(let why): return finish(Verdict(.totalFailed, .sigCryptoFailure, why))
        case .unsupported(let why), .notChecked(let why): return finish(Verdict(.indeterminate, .cryptoConstraintsFailure, why))
        }
        if stamp.imprintMatches == nil { return finish(Verdict(.indeterminate, .signedDataNotFound, "the stamped data was not rebuilt")) }
        guard tsa.allowsTimeStamping else { return finish(Verdict(.indeterminate, .chainConstraintsFailure, "the TSA certificate is not for time-stamping")) }
        let path = paths.timeStamp(index, stamp, tsa: tsa)
        guard path.isTrusted else { return finish(Verdict(.indeterminate, .noCertificateChainFound, "no path from the TSA to a trusted anchor")) }
        if let time = stamp.genTime, time < tsa.notBefore || time > tsa.notAfter {
            return finish(Verdict(.indeterminate, .outOfBoundsNoPOE, "the TSA certificate was not valid at the time-stamp's time"))
        }
        if policy.validationTime > tsa.notAfter {
            return finish(Verdict(.indeterminate, .outOfBoundsNoPOE, "the TSA certificate expired \(Self.day(tsa.notAfter))"))
        }
        return finish(.passed)
    }

    /// Signers' certificate facts by DER (the same signer signs many documents).
    static let facts = Memo<MemoKey, CertificateFacts?>(limit: 1024)

    /// The subject as people read it (postal addresses and other structured values as text).
    static func readable(_ record: CertificateRecord, facts: CertificateFacts?) -> String {
        facts?.subject ?? record.subjectText
    }

    static func day(_ date: Date) -> String { ValidationPolicy.day(date) }

    static func signer(_ record: CertificateRecord, facts: CertificateFacts?) -> SignerReport {
        return SignerReport(
            name: facts?.commonName, serialNumber: facts?.subjectSerialNumber, personIdentifier: facts?.personIdentifier?.description,
            organisation: facts?.organization, organisationIdentifier: facts?.organizationIdentifier?.description,
            subject: record.subjectText, issuer: record.issuerText)
    }

    static func signedData(_ reference: ExaminedReference) -> SignedDataReport {
        var problem: String? = nil
        switch reference.outcome {
        case .intact: break
        case .digestMismatch: problem = "digest mismatch"
        case .notFound(let why), .refused(let why): problem = why
        }
        return SignedDataReport(
            kind: reference.kind.rawValue, uri: reference.uri, name: reference.name, scope: reference.scope, scopeKind: reference.scopeKind.rawValue,
            sha256: reference.sha256.map(hex), intact: reference.outcome == .intact, problem: problem)
    }

    static func certificate(_ record: CertificateRecord, anchor: CertificateRecord?) -> CertificateReport {
        CertificateReport(
            subject: record.subjectText, issuer: record.issuerText, serialNumber: record.serialHex,
            notBefore: record.notBefore, notAfter: record.notAfter, sha256: hex(DigestAlgorithm.sha256.digest(record.der)),
            trustAnchor: anchor?.der == record.der, revocation: nil)
    }
}

/// Lower-case hex of a digest, as reports show it.
func hex(_ bytes: [UInt8]) -> String { bytes.hexString }

/// The certification paths of one signature (its signer's, each time-stamp
/// TSA's), each built once: the validation process and the qualification
/// both need them, and long-term extension gathers what they hold. Used
/// within one validation (or one collection) only.
public final class Paths {
    let pool: [CertificateRecord]
    let sources: [TrustSource]
    private var signerPath: CertificatePath?
    private var timeStampPaths: [Int: CertificatePath] = [:]

    public init(signature: ExaminedSignature, sources: [TrustSource]) {
        pool = signature.certificates + signature.timeStamps.flatMap(\.certificates)
        self.sources = sources
    }

    public func signer(_ certificate: CertificateRecord) -> CertificatePath {
        if let signerPath { return signerPath }
        let path = CertificatePath.build(from: certificate, pool: pool, sources: sources)
        signerPath = path
        return path
    }

    /// The path of the `index`th time-stamp's TSA (its token's certificates added to the pool).
    public func timeStamp(_ index: Int, _ stamp: ExaminedTimeStamp, tsa: CertificateRecord) -> CertificatePath {
        if let path = timeStampPaths[index] { return path }
        let path = CertificatePath.build(from: tsa, pool: pool + stamp.certificates, sources: sources)
        timeStampPaths[index] = path
        return path
    }
}

extension CertificatePath {
    /// The certificate that issued the first one, when the path has it.
    var issuer: CertificateRecord? { certificates.count > 1 ? certificates[1] : nil }
}
