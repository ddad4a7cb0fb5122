import PKCS11
import QualifiedCertificates
import SmartCard

/// A certificate on a token with its key, as `podpis certs --json` prints it (docs/cli-json.md).
public struct CertificateReport: Sendable, Codable, Hashable {
    /// Short id for `--export` and `--cert`: the first 16 hex digits of the SHA-256.
    public let id: String
    public let label: String
    /// CKA_ID in hex.
    public let objectID: String
    public let token: String
    public let tokenSerial: String
    public let module: String
    public let key: KeyReport?
    public let qualifiedForSigning: Bool
    public let qualifiedForSealing: Bool
    public let validity: CertificateFacts.Validity
    public let facts: CertificateFacts
    /// The certificate's DER in PEM (only with --pem, else nil).
    public var pem: String?

    public struct KeyReport: Sendable, Codable, Hashable {
        /// How the key was matched: CKA_ID or public key.
        public let pairedBy: String
        public let keyType: String
        public let alwaysAuthenticate: Bool
        public let canSign: Bool
    }

    init(pair: CertificateWithKey, facts: CertificateFacts, token: Token) {
        id = facts.id
        label = pair.certificate.label
        objectID = Hex.encode(pair.certificate.id)
        self.token = token.info.label
        tokenSerial = token.info.serialNumber
        module = token.module.name.isEmpty ? token.module.path : token.module.name
        key = pair.key.map {
            KeyReport(
                pairedBy: pair.pairedBy?.rawValue ?? "", keyType: $0.keyType.rawValue,
                alwaysAuthenticate: $0.alwaysAuthenticate, canSign: $0.canSign)
        }
        qualifiedForSigning = facts.qualifiedForSigning
        qualifiedForSealing = facts.qualifiedForSealing
        validity = facts.validity()
        self.facts = facts
    }

    /// The certificates on every token. Private keys are often visible only
    /// after login: `login` is asked for a PIN per token that needs one (nil:
    /// do not log in, report the certificates with what is visible).
    public static func all(
        in modules: [Module], login: ((Token) throws -> SecretPIN?)? = nil
    ) throws -> [(report: CertificateReport, der: [UInt8])] {
        var out: [(CertificateReport, [UInt8])] = []
        for module in modules {
            for token in (try? module.tokens()) ?? [] {
                let session = try token.slot.openSession()
                if let login, token.info.loginRequired {
                    let pin = try login(token)
                    if pin != nil || token.info.protectedAuthenticationPath { try session.login(pin: pin) }
                }
                for pair in try session.certificatesWithKeys() {
                    guard let facts = try? CertificateFacts(der: pair.certificate.der) else { continue }
                    out.append((CertificateReport(pair: pair, facts: facts, token: token), pair.certificate.der))
                }
            }
        }
        return out
    }
}
