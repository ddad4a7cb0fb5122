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
            throw StationProblem.badRequest("The body is not a JSON object.", pl: "Treść żądania nie jest obiektem JSON.", code: "bad-json")
        }
        if let unknown = Set(body.keys).subtracting(fields).sorted().first {
            throw StationProblem.badRequest("Unknown field \"\(unknown)\".", pl: "Nieznane pole „\(unknown)”.", code: "unknown-field")
        }
        var request = try SignRequest.withParameters(
            format: string(body, "format"), packaging: string(body, "packaging"), level: string(body, "level"),
            certificate: string(body, "certificate"), commitment: string(body, "commitment"), role: string(body, "role"),
            digest: string(body, "digest"), settings: settings)
        guard let documents = body["documents"] as? [Any], !documents.isEmpty else {
            throw StationProblem.badRequest("\"documents\" must be a non-empty array.", pl: "„documents” musi być niepustą tablicą.")
        }
        for (index, item) in documents.enumerated() {
            guard let document = item as? [String: Any] else {
                throw StationProblem.badRequest("documents[\(index)] is not an object.", pl: "documents[\(index)] nie jest obiektem.")
            }
            if let unknown = Set(document.keys).subtracting(documentFields).sorted().first {
                throw StationProblem.badRequest("Unknown field \"documents[\(index)].\(unknown)\".", pl: "Nieznane pole „documents[\(index)].\(unknown)”.", code: "unknown-field")
            }
            guard let name = try string(document, "name") else {
                throw StationProblem.badRequest("documents[\(index)].name must be a file name without a path.", pl: "documents[\(index)].name musi być nazwą pliku bez ścieżki.")
            }
            guard SignDocument.isAcceptableName(name) else { throw StationProblem.badDocumentName("documents[\(index)].name") }
            guard !request.documents.contains(where: { $0.name == name }) else {
                throw StationProblem.badRequest("Two documents are named \(name).", pl: "Dwa dokumenty mają nazwę \(name).")
            }
            let mimeType = try string(document, "mimeType")
            let size = document["size"] as? Int
            if let content = try string(document, "content") {
                guard document["digest"] == nil else {
                    throw StationProblem.badRequest("documents[\(index)]: give content or digest, not both.", pl: "documents[\(index)]: podaj content albo digest, nie oba.")
                }
                guard let bytes = Data(base64Encoded: content, options: .ignoreUnknownCharacters) else {
                    throw StationProblem.badRequest("documents[\(index)].content is not base64.", pl: "documents[\(index)].content nie jest w base64.")
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
                    throw StationProblem.badRequest(
                        "documents[\(index)].digest must be {algorithm: SHA-256|SHA-384|SHA-512, value: base64 of the right length}.",
                        pl: "documents[\(index)].digest musi mieć postać {algorithm: SHA-256|SHA-384|SHA-512, value: base64 o właściwej długości}.")
                }
                request.documents.append(SignDocument(
                    name: name, mimeType: mimeType, content: .digest(algorithm: algorithm, value: [UInt8](value)), size: size,
                    sha256: algorithm == .sha256 ? [UInt8](value).hexString : nil))
            } else {
                throw StationProblem.badRequest("documents[\(index)] needs content (base64) or digest.", pl: "documents[\(index)] wymaga content (base64) albo digest.")
            }
        }
        try request.validate()
        return request
    }

    static func string(_ object: [String: Any], _ key: String) throws(StationProblem) -> String? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let text = value as? String else {
            throw StationProblem.badRequest("\"\(key)\" must be a string.", pl: "„\(key)” musi być tekstem.")
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
                throw StationProblem.badRequest("\(name) must be one of: \(allowed).", pl: "\(name) musi być jednym z: \(allowed).")
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
        if documents.isEmpty { throw StationProblem.badRequest("No documents.", pl: "Brak dokumentów.") }
        if let role, !Self.isAcceptableRole(role) { throw StationProblem.badRole }
        for (index, document) in documents.enumerated() where !SignDocument.isAcceptableMediaType(document.mimeType) {
            throw StationProblem.badMediaType(index: index)
        }
        if format == .cades && packaging == .enveloped {
            throw StationProblem.badRequest(
                "CAdES has no enveloped packaging: use detached (.p7s beside the document) or enveloping (the document inside).",
                pl: "CAdES nie ma podpisu otoczonego (enveloped): użyj detached albo enveloping.")
        }
        for document in documents {
            if case .digest(let algorithm, _) = document.content {
                guard packaging == .detached else { throw StationProblem.digestNotAllowed }
                guard algorithm == digest else {
                    throw StationProblem.badRequest(
                        "The digest of \(document.name) is \(algorithm.rawValue) but the signature uses \(digest.rawValue); send \"digest\": \"\(algorithm.rawValue)\".",
                        pl: "Skrót \(document.name) to \(algorithm.rawValue), a podpis używa \(digest.rawValue); podaj \"digest\": \"\(algorithm.rawValue)\".")
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
