import Foundation
import Localization
import QualifiedCertificates
import SwiftASN1
import X509

/// Certificates an issuer may be found among: those on the tokens, those in
/// `--chain-file` PEM files, and (looked at only when needed) the system's
/// CA bundle.
final class CertificatePool: @unchecked Sendable {
    private var certificates: [Certificate]
    private let systemBundle: String?
    private var systemLoaded = false
    private let lock = NSLock()

    init(certificates: [Certificate], systemBundle: String? = "/etc/ssl/certs/ca-certificates.crt") {
        self.certificates = certificates
        self.systemBundle = systemBundle
    }

    /// Every certificate in a PEM (or DER) file.
    static func read(file: String) -> [Certificate]? {
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        if text.contains("-----BEGIN") {
            let documents = (try? PEMDocument.parseMultiple(pemString: text)) ?? []
            return documents.filter { $0.discriminator == "CERTIFICATE" }.compactMap { try? Certificate(derEncoded: $0.derBytes) }
        }
        return (try? Certificate(derEncoded: Array(data))).map { [$0] } ?? []
    }

    /// Certificates whose subject is `name` and whose key signed `child`.
    func issuers(of child: Certificate) -> [Certificate] {
        lock.withLock {
            var found = certificates.filter { $0.subject == child.issuer && $0.publicKey.isValidSignature(child.signature, for: child) }
            if found.isEmpty, !systemLoaded, let systemBundle {
                systemLoaded = true
                certificates += Self.read(file: systemBundle) ?? []
                found = certificates.filter { $0.subject == child.issuer && $0.publicKey.isValidSignature(child.signature, for: child) }
            }
            return found
        }
    }
}

/// Whether a certificate's chain can be built up to a self-signed root from
/// the certificates at hand. Verifiers need the whole chain; a signature
/// that carries an incomplete one may be rejected by tools that do not
/// fetch the missing certificates themselves.
struct ChainCheck {
    static let name = "certificate-chain"
    let certificate: Certificate
    let facts: CertificateFacts
    let pool: CertificatePool

    func run() -> Finding {
        var current = certificate
        var names: [String] = []
        var seen = Set<[UInt8]>()
        for _ in 0..<10 {
            if current.subject == current.issuer, current.publicKey.isValidSignature(current.signature, for: current) {
                return .ok(
                    Self.name, "certificate-chain-complete",
                    messages.text("certificate-chain-complete.found", [
                        "chain": names.isEmpty ? messages.text("certificate-chain-complete.self-signed") : ClerkText(verbatim: names.joined(separator: " → ")),
                    ]),
                    details: ["chain": names.joined(separator: " | ")])
            }
            guard let issuer = pool.issuers(of: current).first else { break }
            var serializer = DER.Serializer()
            guard (try? serializer.serialize(issuer)) != nil, seen.insert(serializer.serializedBytes).inserted else { break }
            names.append(Self.commonName(issuer.subject) ?? issuer.subject.description)
            current = issuer
        }
        let missing = current.issuer.description
        let who = facts.commonName ?? facts.subject
        return .warning(Self.name, messages.finding("certificate-chain-incomplete", ["who": who, "missing": missing]), details: ["missingIssuer": missing, "found": names.joined(separator: " | ")])
    }

    static func commonName(_ name: DistinguishedName) -> String? {
        for rdn in name {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                return String(attribute.value) ?? attribute.value.description
            }
        }
        return nil
    }
}
