import Evidence
import Foundation
import SignatureAlgorithms

/// Where trust comes from: a named set of anchors (a trusted list's CA/QC
/// services, a test PKI, a company CA given by file). Every report names the
/// sources it used.
public struct TrustSource: Sendable {
    public enum Kind: String, Sendable, Codable { case trustedList = "trusted-list", file = "file" }
    public let name: String
    public let kind: Kind
    public let anchors: [CertificateRecord]
    /// When the source itself was issued and when it should be renewed (lists).
    public let issued: Date?
    public let nextUpdate: Date?

    public init(name: String, kind: Kind, anchors: [CertificateRecord], issued: Date? = nil, nextUpdate: Date? = nil) {
        self.name = name
        self.kind = kind
        self.anchors = anchors
        self.issued = issued
        self.nextUpdate = nextUpdate
    }

    /// Anchors read from a PEM (or DER) file; unreadable blocks are an error.
    public static func file(_ path: String) throws -> TrustSource {
        let url = URL(fileURLWithPath: path)
        guard let data = try? Data(contentsOf: url), data.count <= 8 << 20 else {
            throw ValidationError(.trustSourceUnreadable, path)
        }
        let bytes = [UInt8](data)
        var anchors: [CertificateRecord] = []
        if let text = String(data: data, encoding: .utf8), text.contains("-----BEGIN CERTIFICATE-----") {
            for block in text.components(separatedBy: "-----BEGIN CERTIFICATE-----").dropFirst() {
                guard let body = block.components(separatedBy: "-----END CERTIFICATE-----").first,
                    let der = body.base64DecodedIgnoringWhitespace,
                    let record = try? CertificateRecord(der: der)
                else { throw ValidationError(.trustSourceUnreadable, "\(path): a certificate block cannot be read") }
                anchors.append(record)
            }
        } else if let record = try? CertificateRecord(der: bytes) {
            anchors.append(record)
        }
        guard !anchors.isEmpty else { throw ValidationError(.trustSourceUnreadable, "\(path): no certificate") }
        return TrustSource(name: url.lastPathComponent, kind: .file, anchors: anchors)
    }
}
