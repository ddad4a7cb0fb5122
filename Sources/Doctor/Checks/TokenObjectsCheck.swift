import Localization
import PKCS11

/// The objects on one token, read in a public session (no login, no PIN):
/// its certificates and the private key that belongs to each.
struct TokenObjectsCheck {
    static let name = "token-objects"
    let slot: Slot
    let label: String
    let limit: Double

    enum Objects: Sendable {
        case read([CertificateWithKey])
        case failed(PKCS11Error)
        case timedOut
    }

    func run() -> (finding: Finding?, objects: Objects) {
        let slot = self.slot
        let result = TimeLimited.run(limit, name: "token-objects") { () throws(PKCS11Error) -> [CertificateWithKey] in
            let session = try slot.openSession()
            return try session.certificatesWithKeys()
        }
        switch result {
        case .timedOut(let seconds):
            return (Finding.timeout(
                Self.name, component: messages.text("token-objects.component", ["label": label]),
                seconds: seconds, fix: ModuleLoadCheck.hangFix), .timedOut)
        case .finished(.failure(let error), let seconds):
            return (Finding.problem(Self.name, messages.finding("token-unreadable", ["label": label, "error": error.name, "reason": error.message.withoutDoctorAdvice]), details: ["pkcs11": error.name]).timed(seconds), .failed(error))
        case .finished(.success(let objects), _):
            return (nil, .read(objects))
        }
    }

    /// A token with no certificate at all (CA certificates do not count).
    static func noCertificate(label: String) -> Finding {
        .warning(name, messages.finding("token-no-certificate", ["label": label]))
    }
}
