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
    /// No key visible yet, but the token shows its public half: log in (--login) to see it.
    public let keyHiddenUntilLogin: Bool
    public let qualifiedForSigning: Bool
    public let qualifiedForSealing: Bool
    public let validity: CertificateFacts.Validity
    public let facts: CertificateFacts
    /// The certificate's DER in PEM (only with --pem, else nil).
    public var pem: String?
    /// Every place this certificate is on, in a list grouped by certificate
    /// (``grouped(in:onlyToken:login:)``, `podpis certs`); nil in a list of copies.
    public var locations: [Location]?

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
        keyHiddenUntilLogin = pair.keyHiddenUntilLogin
        qualifiedForSigning = facts.qualifiedForSigning
        qualifiedForSealing = facts.qualifiedForSealing
        validity = facts.validity()
        self.facts = facts
    }

    /// The certificates on every token. Private keys are often visible only
    /// after login: `login` is asked for a PIN per token that needs one (nil:
    /// do not log in, report the certificates with what is visible). A token
    /// that cannot be read (removed meanwhile, unrecognised) becomes a problem
    /// in the result, and so does a certificate object that is no readable
    /// certificate (never skipped); a failed login is thrown, since the user asked for it.
    public static func all(
        in modules: [Module], onlyToken: String? = nil, login: ((Token) throws -> SecretPIN?)? = nil
    ) throws -> (certificates: [(report: CertificateReport, der: [UInt8])], problems: [TokenProblem], unreadable: [CertificateProblem]) {
        let (copies, problems, unreadable) = try copies(in: modules, onlyToken: onlyToken, login: login)
        return (copies.map { ($0.report, $0.der) }, problems, unreadable)
    }

    /// ``all(in:onlyToken:login:)`` with where each copy was found.
    static func copies(
        in modules: [Module], onlyToken: String?, login: ((Token) throws -> SecretPIN?)?
    ) throws -> (certificates: [Copy], problems: [TokenProblem], unreadable: [CertificateProblem]) {
        var out: [Copy] = []
        var problems: [TokenProblem] = []
        var unreadable: [CertificateProblem] = []
        for module in modules {
            for token in (try? module.tokens()) ?? [] {
                if let onlyToken, token.info.label != onlyToken, token.info.serialNumber != onlyToken { continue }
                let pairs: [CertificateWithKey]
                do {
                    let session = try token.slot.openSession()
                    if let login, token.info.loginRequired {
                        let pin = try login(token)
                        do {
                            try session.login(pin: pin)
                        } catch {
                            throw error.withTriesLeft(of: token)
                        }
                    }
                    pairs = try session.certificatesWithKeys()
                } catch let error as PKCS11Error where error.returnValue != ReturnValue.pinIncorrect
                    && error.returnValue != ReturnValue.pinLocked && login == nil
                {
                    problems.append(TokenProblem(token: token.info.label, error: error))
                    continue
                }
                for pair in pairs {
                    do {
                        let facts = try CertificateFacts(der: pair.certificate.der)
                        let report = CertificateReport(pair: pair, facts: facts, token: token)
                        out.append(Copy(report: report, der: pair.certificate.der, location: Location(report, slotID: token.slot.id, modulePath: token.module.path)))
                    } catch {
                        unreadable.append(CertificateProblem(certificate: pair.certificate, error: error, token: token))
                    }
                }
            }
        }
        return (out, problems, unreadable)
    }
}

/// A token that could not be read while listing.
public struct TokenProblem: Sendable, Codable, Hashable {
    public let token: String
    public let code: String
    public let error: String
    public let message: String

    public init(token: String, error: PKCS11Error) {
        self.token = token
        self.code = error.code
        self.error = error.name
        self.message = error.message.description
    }
}
