import Foundation
import Signing
import XAdES

/// A request to sign one or more documents under one consent.
public struct SignRequest: Sendable {
    public enum Format: String, Sendable, CaseIterable, Codable { case xades, cades }

    public var format: Format
    /// XAdES packaging; for CAdES `detached` (a .p7s beside the document) or
    /// `enveloping` (the document inside the .p7s).
    public var packaging: XAdESOptions.Packaging
    public var level: BaselineLevel
    public var certificate: String?
    public var commitment: CommitmentType?
    public var role: String?
    public var digest: DigestAlgorithm
    public var documents: [SignDocument]

    public init(
        format: Format, packaging: XAdESOptions.Packaging, level: BaselineLevel, certificate: String?,
        commitment: CommitmentType?, role: String?, digest: DigestAlgorithm, documents: [SignDocument]
    ) {
        self.format = format
        self.packaging = packaging
        self.level = level
        self.certificate = certificate
        self.commitment = commitment
        self.role = role
        self.digest = digest
        self.documents = documents
    }
}

/// One document of a sign request: its bytes, a spooled file, or only its digest.
public struct SignDocument: Sendable {
    public enum Content: Sendable {
        case bytes([UInt8])
        /// A request body spooled to a private temporary file.
        case file(path: String)
        case digest(algorithm: DigestAlgorithm, value: [UInt8])
    }

    public let name: String
    public let mimeType: String
    public let content: Content
    public let size: Int?
    /// SHA-256 of the bytes (computed while receiving them), hex.
    public let sha256: String?

    /// A plain file name: no path, no control characters, not "." or "..",
    /// at most 255 bytes (it becomes a reference URI and a download name).
    public static func isAcceptableName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 255 && name != "." && name != ".."
            && !name.contains("/") && !name.contains("\\") && !name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    public init(name: String, mimeType: String?, content: Content, size: Int?, sha256: String?) {
        self.name = name
        self.mimeType = mimeType ?? MediaType.guess(fileName: name)
        self.content = content
        self.size = size
        self.sha256 = sha256
    }
}

/// A signature file produced for a request.
public struct SignedOutput: Sendable {
    /// The id of the certificate that signed.
    public var certificate: String = ""
    public let name: String
    public let mimeType: String
    public let bytes: [UInt8]
    /// The documents it covers.
    public let documents: [String]
}

/// Defaults and limits the station applies (from podpisd.toml).
public struct StationSettings: Sendable {
    public var modulePaths: [String]
    public var useRegisteredModules: Bool
    public var timeStampURLs: [URL]
    public var timeStampTimeout: TimeInterval
    public var agentTimeout: TimeInterval
    public var defaultFormat: SignRequest.Format
    public var defaultPackaging: XAdESOptions.Packaging
    public var defaultLevel: BaselineLevel
    public var defaultDigest: DigestAlgorithm
    public var xmlLimits: XMLParseLimits
    public var maximumQueuePerToken: Int
    /// The audit trail file; nil: no trail (tests of other things).
    public var auditPath: String?
    /// Where remembered pairings are kept; nil: only in memory.
    public var pairingPath: String?
    /// Origins the administrator allowed (`allowed_origins`): they pair
    /// without asking the clerk.
    public var preapprovedOrigins: Set<String> = []
    /// `[[policy]]`, first match wins.
    public var policies: [SigningPolicy] = []

    public init(
        modulePaths: [String] = [], useRegisteredModules: Bool = true, timeStampURLs: [URL] = [],
        timeStampTimeout: TimeInterval = 20, agentTimeout: TimeInterval = 120, defaultFormat: SignRequest.Format = .xades,
        defaultPackaging: XAdESOptions.Packaging = .detached, defaultLevel: BaselineLevel = .bb,
        defaultDigest: DigestAlgorithm = .sha256, xmlLimits: XMLParseLimits = XMLParseLimits(), maximumQueuePerToken: Int = 64,
        auditPath: String? = nil
    ) {
        self.modulePaths = modulePaths
        self.useRegisteredModules = useRegisteredModules
        self.timeStampURLs = timeStampURLs
        self.timeStampTimeout = timeStampTimeout
        self.agentTimeout = agentTimeout
        self.defaultFormat = defaultFormat
        self.defaultPackaging = defaultPackaging
        self.defaultLevel = defaultLevel
        self.defaultDigest = defaultDigest
        self.xmlLimits = xmlLimits
        self.maximumQueuePerToken = maximumQueuePerToken
        self.auditPath = auditPath
    }
}
