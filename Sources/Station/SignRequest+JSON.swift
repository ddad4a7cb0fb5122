import SignatureAlgorithms
import Foundation
import Localization
import Signing
import StationAPI
import XAdES

extension SignRequest {
    static let fields: Set<String> = ["format", "packaging", "level", "certificate", "commitment", "role", "digest", "documents"]
    static let documentFields: Set<String> = ["name", "mimeType", "content", "digest", "size"]

    /// The JSON form of POST /v1/sign (base64 content or digest only).
    /// Unknown fields are refused, so a typo never silently changes a signature.
    public static func fromJSON(_ data: Data, settings: StationSettings) throws(StationProblem) -> SignRequest {
        guard let object = try? JSONSerialization.jsonObject(with: data), let body = object as? [String: Any] else {
            throw StationProblem.badRequest(messages.text("the-body-is-not-a"), code: "bad-json")
        }
        if let unknown = Set(body.keys).subtracting(fields).sorted().first {
            throw StationProblem.badRequest(messages.text("unknown-field", ["unknown": unknown]), code: "unknown-field")
        }
        var request = try SignRequest.withParameters(
            format: string(body, "format"), packaging: string(body, "packaging"), level: string(body, "level"),
            certificate: string(body, "certificate"), commitment: string(body, "commitment"), role: string(body, "role"),
            digest: string(body, "digest"), settings: settings)
        guard let documents = body["documents"] as? [Any], !documents.isEmpty else {
            throw StationProblem.badRequest(messages.text("documents-must-be-a-non"))
        }
        for (index, item) in documents.enumerated() {
            guard let document = item as? [String: Any] else {
                throw StationProblem.badRequest(messages.text("documents-is-not-an-object", ["index": index]))
            }
            if let unknown = Set(document.keys).subtracting(documentFields).sorted().first {
                throw StationProblem.badRequest(messages.text("unknown-field-documents", ["index": index, "unknown": unknown]), code: "unknown-field")
            }
            guard let name = try string(document, "name") else {
                throw StationProblem.badRequest(messages.text("documents-name-must-be-a", ["index": index]))
            }
            guard SignDocument.isAcceptableName(name) else { throw StationProblem.badDocumentName("documents[\(index)].name") }
            guard !request.documents.contains(where: { $0.name == name }) else {
                throw StationProblem.badRequest(messages.text("two-documents-are-named", ["name": name]))
            }
            let mimeType = try string(document, "mimeType")
            let size = document["size"] as? Int
            if let content = try string(document, "content") {
                guard document["digest"] == nil else {
                    throw StationProblem.badRequest(messages.text("documents-give-content-or-digest", ["index": index]))
                }
                guard let bytes = Data(base64Encoded: content, options: .ignoreUnknownCharacters) else {
                    throw StationProblem.badRequest(messages.text("documents-content-is-not-base", ["index": index]))
                }
                let array = [UInt8](bytes)
                request.documents.append(SignDocument(
                    name: name, mimeType: mimeType, content: .bytes(array), size: array.count,
                    sha256: HashAlgorithm.sha256.digest(array).hexString))
            } else if let digest = document["digest"] as? [String: Any] {
                guard let algorithmName = digest["algorithm"] as? String, let algorithm = HashAlgorithm(rawValue: algorithmName),
                    let valueText = digest["value"] as? String, let value = Data(base64Encoded: valueText),
                    value.count == algorithm.length, Set(digest.keys).isSubset(of: ["algorithm", "value"])
                else {
                    throw StationProblem.badRequest(messages.text("documents-digest-must-be", ["index": index]))
                }
                request.documents.append(SignDocument(
                    name: name, mimeType: mimeType, content: .digest(algorithm: algorithm, value: [UInt8](value)), size: size,
                    sha256: algorithm == .sha256 ? [UInt8](value).hexString : nil))
            } else {
                throw StationProblem.badRequest(messages.text("documents-needs-content-base-or", ["index": index]))
            }
        }
        try request.validate()
        return request
    }

    static func string(_ object: [String: Any], _ key: String) throws(StationProblem) -> String? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let text = value as? String else {
            throw StationProblem.badRequest(messages.text("must-be-a-string", ["key": key]))
        }
        return text
    }

    /// A request from named parameters (the query of the raw form, or JSON),
    /// with the configured defaults; documents are added by the caller.
    public static func withParameters(
        format: String?, packaging: String?, level: String?, certificate: String?, commitment: String?, role: String?,
        digest: String?, settings: StationSettings
    ) throws(StationProblem) -> SignRequest {
        func parse<T: RawRepresentable & CaseIterable>(_ value: String?, _ name: String, _ fallback: T) throws(StationProblem) -> T where T.RawValue == String {
            guard let value else { return fallback }
            guard let parsed = T(rawValue: value) else {
                let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
                throw StationProblem.badRequest(messages.text("must-be-one-of", ["name": name, "allowed": allowed]))
            }
            return parsed
        }
        let commitmentValue: CommitmentType? = try commitment.map { value throws(StationProblem) in try parse(value, "commitment", CommitmentType.proofOfOrigin) }
        return SignRequest(
            format: try parse(format, "format", settings.defaultFormat),
            packaging: try parse(packaging, "packaging", settings.defaultPackaging),
            level: try parse(level, "level", settings.defaultLevel),
            certificate: certificate, commitment: commitmentValue, role: role,
            digest: try parse(digest, "digest", settings.defaultDigest), documents: [])
    }

    /// Combinations that cannot be signed are refused before anything else.
    /// What the requester supplies and the clerk reads is refused when it
    /// could forge the consent screen (``VisibleText``): a `role` or a
    /// `mimeType` out of its grammar.
    public func validate() throws(StationProblem) {
        if documents.isEmpty { throw StationProblem.badRequest(messages.text("no-documents")) }
        if let role, !Self.isAcceptableRole(role) { throw StationProblem.badRole }
        for (index, document) in documents.enumerated() where !SignDocument.isAcceptableMediaType(document.mimeType) {
            throw StationProblem.badMediaType(index: index)
        }
        if format == .cades && packaging == .enveloped {
            throw StationProblem.badRequest(messages.text("cades-has-no-enveloped-packaging"))
        }
        for document in documents {
            if case .digest(let algorithm, _) = document.content {
                guard packaging == .detached else { throw StationProblem.digestNotAllowed }
                guard algorithm == digest else {
                    throw StationProblem.badRequest(messages.text("the-digest-of-is-but", ["name": document.name, "rawValue": algorithm.rawValue]))
                }
            }
        }
    }

    /// `role`, the claimed role signed into the signature: 1 to 256
    /// characters, none of them a control, bidi or invisible character.
    public static func isAcceptableRole(_ role: String) -> Bool {
        !role.isEmpty && role.unicodeScalars.count <= 256 && !VisibleText.containsUnsafe(role)
    }
}
