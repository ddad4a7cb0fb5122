import Audit
import CAdES
import Files
import Foundation
import Inventory
import PKCS11
import QualifiedCertificates
import Signatures
import Signing
import StationAPI
import Timestamping
import XAdES

extension Station {
    /// Signs a request: finds the certificate, waits its turn on the token,
    /// asks the clerk (consent and PIN through the agent), logs in, signs
    /// every document, logs out. Nothing is signed once the caller's task is
    /// cancelled (the client disconnected).
    /// `admitted`: what ``precheck(certificate:requester:documents:)`` let
    /// in for this request before its body was read.
    public func sign(
        _ request: SignRequest, requester: Requester, requestID: String, admitted: Admission? = nil
    ) async throws(StationProblem) -> [SignedOutput] {
        do {
            return try await signThrowing(request, requester: requester, requestID: requestID, admitted: admitted)
        } catch {
            throw StationProblem(error)
        }
    }

    private func signThrowing(_ request: SignRequest, requester: Requester, requestID: String, admitted: Admission?) async throws -> [SignedOutput] {
        try request.validate()
        // Refused before the clerk is asked: levels this station cannot reach.
        _ = try timeStampClient(request.level)
        if request.level.carriesValidationData, settings.validationData == nil {
            throw StationProblem.badRequest(messages.text("level-lt-needs-verification", ["level": request.level.rawValue]))
        }
        // Hostile or broken XML is refused before the clerk is asked or the token touched.
        let parsed = try prepareXML(request)
        let admission = try await admit(
            certificate: request.certificate, requester: requester, documents: request.documents.count,
            digestOnly: request.documents.contains { $0.isDigestOnly }, chosen: admitted)
        let (report, der, worker) = (admission.report, admission.der, admission.worker)
        await events.publish("request-queued", ["requestId": requestID, "token": report.token])
        /// Every queued request ends with one "request-finished" event.
        func finished(_ result: String, problem: String? = nil) async {
            var data = ["requestId": requestID, "token": report.token, "result": result]
            if let problem { data["problem"] = problem }
            await events.publish("request-finished", data)
        }
        var started = false
        do {
            let outputs = try await worker.gate.withTurn {
                started = true
                await events.publish("request-started", ["requestId": requestID, "token": report.token])
                var outputs = try await signOnToken(
                    request, parsed: parsed, requester: requester, requestID: requestID, report: report, der: der, worker: worker)
                for index in outputs.indices { outputs[index].certificate = report.id }
                try await record(request, requester: requester, requestID: requestID, report: report, result: "signed", problem: nil)
                return outputs
            }
            await finished("signed")
            return outputs
        } catch is CancellationError where !started {
            await finished("failed", problem: "client-gone")
            throw CancellationError()
        } catch {
            let problem = StationProblem(error)
            let result = problem.code == "refused" ? "refused" : "failed"
            try? await record(request, requester: requester, requestID: requestID, report: report, result: result, problem: problem.code)
            if problem.code == "pin-locked" || (problem.code == "wrong-pin" && problem.triesLeft == 0) {
                await events.publish("pin-locked", ["token": report.token, "serial": report.tokenSerial])
            }
            await finished(result, problem: problem.code)
            throw problem
        }
    }

    /// One line in the audit trail: who, with which certificate, which
    /// documents (names, sizes, SHA-256), how, and the result. No PIN, no content.
    /// A line that cannot be written is `audit-unavailable`: no signature is released without its line.
    func record(_ request: SignRequest, requester: Requester, requestID: String, report: CertificateReport, result: String, problem: String?) async throws(StationProblem) {
        guard let audit else { return }
        let entry = AuditTrail.Entry(
            time: Date(), requestId: requestID, requester: requester, certificate: report.id,
            holder: report.facts.commonName ?? report.facts.subject, token: report.token,
            documents: request.documents.map { .init(name: $0.name, size: $0.size, sha256: $0.sha256) },
            format: request.format.rawValue, packaging: request.packaging.rawValue, level: request.level.rawValue,
            result: result, problem: problem, prev: "")
        do {
            try await audit.append(entry)
        } catch {
            logger.error("cannot write the audit trail: \(error)")
            throw StationProblem.auditUnavailable(error as? AuditError ?? AuditError(path: audit.path, reason: "\(error)"))
        }
    }

    /// The certificate named by id, or the only valid one that can sign.
    func chooseCertificate(_ id: String?) async throws -> (CertificateReport, [UInt8]) {
        if let id { return try await certificate(id) }
        let usable = try await certificateList().0.filter {
            $0.report.validity == .valid && !$0.report.facts.isCA && ($0.report.key?.canSign ?? $0.report.keyHiddenUntilLogin)
        }
        guard let only = usable.first else { throw StationProblem.unknownCertificate("") }
        guard usable.count == 1 else { throw StationProblem.ambiguousCertificate(usable.map(\.report.id)) }
        return only
    }

    private func signOnToken(
        _ request: SignRequest, parsed: [Int: XMLDocument], requester: Requester, requestID: String, report: CertificateReport, der: [UInt8], worker: TokenWorker
    ) async throws -> [SignedOutput] {
        // The token as it is now (PIN counters, pinpad), and a cached login
        // from an earlier PIN for this certificate, if its policy allows.
        let modules = self.modules.modules
        let serial = report.tokenSerial, label = report.token
        let certificateID = report.id
        let policy = settings.policy(for: report.facts.sha256)
        let (info, triesLeft, cached): (TokenInfo, Int?, Date?) = try await worker.perform {
            let tokens = modules.flatMap { (try? $0.tokens()) ?? [] }
            guard let token = tokens.first(where: { $0.info.serialNumber == serial && $0.info.label == label }) else {
                throw PKCS11Error(.tokenNotFound(label), function: "C_GetSlotList")
            }
            var cached: Date?
            if policy.pinCacheSeconds > 0 {
                cached = worker.cachedLogin(for: certificateID)?.until
            } else {
                worker.endCachedLogin()
            }
            // Before the clerk is asked (SigningKey.locate refuses it again before a login).
            if cached == nil { try SigningKey.refuseIfHeldBySeal(token) }
            let tries = cached == nil && token.info.loginRequired ? token.userPINTriesLeft() : nil
            return (token.info, tries, cached)
        }
        let needsPIN = cached == nil && info.loginRequired && !info.protectedAuthenticationPath
        let consentRequest = ConsentRequest(
            id: requestID, requester: requester,
            // A digest sent alone: the size is the application's word, not shown as measured.
            documents: request.documents.map {
                .init(name: $0.name, size: $0.isDigestOnly ? nil : $0.size, mimeType: $0.mimeType, sha256: $0.sha256, digestOnly: $0.isDigestOnly)
            },
            format: request.format.rawValue, packaging: request.packaging.rawValue, level: request.level.rawValue,
            commitment: request.commitment?.rawValue, role: request.role,
            certificate: .init(
                id: report.id, holder: report.facts.commonName ?? report.facts.subject, issuer: report.facts.issuer,
                qualified: report.qualifiedForSigning || report.qualifiedForSealing, notAfter: report.facts.notAfter),
            token: .init(
                label: label, protectedAuthenticationPath: info.protectedAuthenticationPath && cached == nil,
                finalTry: info.pinStatus == .finalTry || triesLeft == 1, countLow: info.pinStatus == .countLow,
                triesLeft: triesLeft, loggedInUntil: cached),
            needsPIN: needsPIN)
        let decision = try await consent.ask(.signature(consentRequest), timeout: settings.agentTimeout)
        guard case .approve(let pin) = decision else { throw StationProblem.refused }
        defer { pin?.wipe() }
        guard pin != nil || !needsPIN else { throw StationProblem.pinMissing(label) }
        try Task.checkCancellation()

        // Log in (unless cached) and pair the key on the token's thread.
        let loginPIN = pin.map(Self.copy)
        let key: SigningKey = try await worker.perform {
            if cached != nil, let login = worker.cachedLogin(for: certificateID, evenIfExpired: true) { return login.key }
            return try SigningKey.locate(certificate: certificateID, in: modules) { _ in loginPIN }
        }
        // Cache the login only where the policy allows and never for a key that
        // wants its PIN for every signature.
        let cacheIt = cached == nil && policy.pinCacheSeconds > 0 && info.loginRequired && !key.key.alwaysAuthenticate
        var succeeded = false
        defer {
            if cached == nil {
                if cacheIt && succeeded {
                    worker.cacheLogin(key, certificate: certificateID, until: Date().addingTimeInterval(policy.pinCacheSeconds))
                } else {
                    _ = try? key.session.logout()
                }
            }
        }
        let algorithm = try key.algorithm(hash: request.digest, pss: false)
        let contextPIN = pin
        let signer = try Signer(certificateDER: der, algorithm: algorithm) { digest in
            try Task.checkCancellation()
            let fresh = contextPIN.map(Self.copy)
            return try await worker.perform {
                try key.session.sign(digest: digest, with: key.key, algorithm: algorithm) { () throws(PKCS11Error) -> SecretPIN? in fresh }
            }
        }
        let outputs = try await produce(request, parsed: parsed, signer: signer)
        succeeded = true
        return outputs
    }

    /// The documents that are signed as XML (enveloped, or enveloping an XML
    /// file), parsed with the configured limits; by index in the request.
    func prepareXML(_ request: SignRequest) throws -> [Int: XMLDocument] {
        guard request.format == .xades, request.packaging != .detached else { return [:] }
        var parsed: [Int: XMLDocument] = [:]
        for (index, document) in request.documents.enumerated() where request.packaging == .enveloped || SignatureMaker.isXML(name: document.name, mimeType: document.mimeType) {
            parsed[index] = try parse(document)
        }
        return parsed
    }

    /// A copy of a PIN for one login (logins wipe what they are given).
    static func copy(_ pin: SecretPIN) -> SecretPIN {
        var bytes = pin.withBytes { Array(UnsafeBufferPointer(start: $0, count: $1)) }
        return SecretPIN(consuming: &bytes)
    }

    func timeStampClient(_ level: BaselineLevel) throws -> TimeStampClient? {
        guard level.isTimeStamped else { return nil }
        guard let url = settings.timeStampURLs.first else {
            throw StationProblem.badRequest(messages.text("level-b-t-needs-a"))
        }
        return TimeStampClient(url: url, timeout: settings.timeStampTimeout)
    }

    /// The signature files for a request, made by the one ``SignatureMaker``
    /// the sealer uses too: one detached XAdES over every document, else one
    /// signature per document.
    func produce(_ request: SignRequest, parsed: [Int: XMLDocument], signer: Signer) async throws -> [SignedOutput] {
        let maker = SignatureMaker(
            level: request.level, digest: request.digest, commitment: request.commitment, claimedRole: request.role,
            timeStampClient: try timeStampClient(request.level), validationData: settings.validationData, xmlLimits: settings.xmlLimits)
        let documents = request.documents.enumerated().map { index, document -> SignatureMaker.Document in
            let content: SignatureMaker.Document.Content
            if let xml = parsed[index] {
                content = .xml(xml)
            } else {
                switch document.content {
                case .bytes(let bytes): content = .bytes(bytes)
                case .file(let path): content = .file(InputFile(path: path))
                case .digest(_, let value): content = .digest(value)
                }
            }
            return SignatureMaker.Document(name: document.name, mimeType: document.mimeType, content: content)
        }
        let form = SignatureForm(xades: request.format == .xades, packaging: request.packaging)
        if form == .xadesDetached {
            let bytes = try await maker.signDetachedXAdES(documents, signer: signer)
            return [SignedOutput(name: request.documents[0].name + ".xades", mimeType: "application/xml", bytes: bytes, documents: request.documents.map(\.name))]
        }
        var outputs: [SignedOutput] = []
        for document in documents {
            let bytes = try await maker.sign(document, as: form, signer: signer)
            outputs.append(
                form.isXAdES
                    ? SignedOutput(name: document.name + ".xades", mimeType: "application/xml", bytes: bytes, documents: [document.name])
                    : SignedOutput(name: document.name + ".p7s", mimeType: "application/pkcs7-signature", bytes: bytes, documents: [document.name]))
        }
        return outputs
    }

    func parse(_ document: SignDocument) throws -> XMLDocument {
        switch document.content {
        case .bytes(let bytes): return try XMLDocument.parse(bytes: bytes, name: document.name, limits: settings.xmlLimits)
        case .file(let path): return try XMLDocument.parse(file: InputFile(path: path), name: document.name, limits: settings.xmlLimits)
        case .digest: throw StationProblem.digestNotAllowed
        }
    }
}
