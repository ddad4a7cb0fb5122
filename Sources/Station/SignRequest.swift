import SignatureAlgorithms
import Foundation
import Localization
import Signing
import StationAPI
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
    public var digest: HashAlgorithm
    public var documents: [SignDocument]
}

/// One document of a sign request: its bytes, a spooled file, or only its digest.
public struct SignDocument: Sendable {
    public enum Content: Sendable {
        case bytes([UInt8])
        /// A request body spooled to a private temporary file.
        case file(path: String)
        case digest(algorithm: HashAlgorithm, value: [UInt8])
    }

    public let name: String
    public let mimeType: String
    public let content: Content
    public let size: Int?
    /// SHA-256 of the bytes (computed while receiving them), hex.
    public let sha256: String?

    /// Only the digest was sent: the daemon never saw the content.
    public var isDigestOnly: Bool {
        if case .digest = content { return true }
        return false
    }

    /// A plain file name: no path, not "." or "..", at most 255 bytes (it
    /// becomes a reference URI and a download name), and nothing the clerk's
    /// screen could not show as it is: no control, bidi, zero-width or other
    /// invisible character (``VisibleText/isUnsafe(_:)``).
    public static func isAcceptableName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 255 && name != "." && name != ".."
            && !name.contains("/") && !name.contains("\\") && !VisibleText.containsUnsafe(name)
    }

    /// A media type by RFC 6838 §4.2: `type/subtype`, each a restricted-name
    /// (a letter or digit, then up to 126 of letters, digits and
    /// `!#$&-^_.+`), optionally followed by parameters `; name=value` whose
    /// name is a restricted-name and whose value is an RFC 9110 token or a
    /// quoted string of printable ASCII; at most 255 bytes in all.
    public static func isAcceptableMediaType(_ text: String) -> Bool {
        guard text.utf8.count <= 255 else { return false }
        var bytes = Array(text.utf8)[...]
        func restrictedName() -> Bool {
            guard let first = bytes.first, isAlphaNumeric(first) else { return false }
            var count = 0
            while let byte = bytes.first, isAlphaNumeric(byte) || Array("!#$&-^_.+".utf8).contains(byte) {
                bytes.removeFirst()
                count += 1
            }
            return count <= 127
        }
        func skipSpaces() { while bytes.first == UInt8(ascii: " ") { bytes.removeFirst() } }
        guard restrictedName(), bytes.popFirst() == UInt8(ascii: "/"), restrictedName() else { return false }
        while !bytes.isEmpty {
            skipSpaces()
            guard bytes.popFirst() == UInt8(ascii: ";") else { return false }
            skipSpaces()
            guard restrictedName(), bytes.popFirst() == UInt8(ascii: "=") else { return false }
            if bytes.first == UInt8(ascii: "\"") {
                bytes.removeFirst()
                var closed = false
                while let byte = bytes.popFirst() {
                    if byte == UInt8(ascii: "\"") { closed = true; break }
                    if byte == UInt8(ascii: "\\") {
                        guard let escaped = bytes.popFirst(), (0x20...0x7E).contains(escaped) else { return false }
                    } else if !(0x20...0x7E).contains(byte) {
                        return false
                    }
                }
                guard closed else { return false }
            } else {
                var count = 0
                while let byte = bytes.first, isAlphaNumeric(byte) || Array("!#$%&'*+-.^_`|~".utf8).contains(byte) {
                    bytes.removeFirst()
                    count += 1
                }
                guard count > 0 else { return false }
            }
        }
        return true
    }

    private static func isAlphaNumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
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
    public var defaultDigest: HashAlgorithm
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
    /// `[server] agent_users`: users (names or uids) besides the daemon's own
    /// whose connections may be the clerk's agent.
    public var agentUsers: [String] = []
    /// B-LT and B-LTA: the validation data's source (from `[verification]`); nil: those levels are refused.
    public var validationData: (any ValidationDataSupplier)? = nil

    public init(
        modulePaths: [String] = [], useRegisteredModules: Bool = true, timeStampURLs: [URL] = [],
        timeStampTimeout: TimeInterval = 20, agentTimeout: TimeInterval = 120, defaultFormat: SignRequest.Format = .xades,
        defaultPackaging: XAdESOptions.Packaging = .detached, defaultLevel: BaselineLevel = .bb,
        defaultDigest: HashAlgorithm = .sha256, xmlLimits: XMLParseLimits = XMLParseLimits(), maximumQueuePerToken: Int = 64,
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

extension StationSettings {
    /// The policy for a certificate (first match, else the defaults).
    public func policy(for certificateID: String) -> SigningPolicy {
        policies.first { $0.matches(certificateID) } ?? SigningPolicy()
    }
}
