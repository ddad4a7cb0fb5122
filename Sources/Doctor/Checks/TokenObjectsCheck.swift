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
        let result = TimeLimited.run(limit, name: "token-objects") { () -> Objects in
            do throws(PKCS11Error) {
                let session = try slot.openSession()
                return .read(try session.certificatesWithKeys())
            } catch {
                return .failed(error)
            }
        }
        switch result {
        case .timedOut(let seconds):
            return (Finding.timeout(
                Self.name, component: ClerkText(pl: "Token „\(label)” (odczyt obiektów)", en: "Token “\(label)” (reading its objects)"),
                seconds: seconds, fix: ModuleLoadCheck.hangFix), .timedOut)
        case .finished(.failed(let error), let seconds):
            return (Finding.problem(
                Self.name, "token-unreadable",
                found: ClerkText(
                    pl: "Nie można odczytać obiektów tokenu „\(label)”: \(error.name) (\(error.message.withoutDoctorAdvice.pl))",
                    en: "The objects of token “\(label)” cannot be read: \(error.name) (\(error.message.withoutDoctorAdvice.en))"),
                why: ClerkText(pl: "Certyfikatów z nieczytelnego tokenu nie da się wybrać do podpisu.", en: "Certificates on a token that cannot be read cannot be chosen for signing."),
                fix: ClerkText(pl: "Wyjmij i włóż kartę (odłącz token), potem sprawdź ponownie.", en: "Remove and reinsert the card (replug the token), then check again."),
                details: ["pkcs11": error.name]).timed(seconds), .failed(error))
        case .finished(let objects, _):
            return (nil, objects)
        }
    }

    /// A token with no certificate at all (CA certificates do not count).
    static func noCertificate(label: String) -> Finding {
        .warning(
            name, "token-no-certificate",
            found: ClerkText(pl: "Na tokenie „\(label)” nie ma żadnego certyfikatu.", en: "Token “\(label)” holds no certificate."),
            why: ClerkText(
                pl: "Bez certyfikatu tym tokenem nie da się złożyć podpisu ani pieczęci.",
                en: "Without a certificate this token cannot make a signature or a seal."),
            fix: ClerkText(
                pl: "Jeśli to właściwa karta, certyfikat mógł nie zostać zapisany lub został usunięty: zgłoś się do wystawcy. Na kartach z kilkoma profilami certyfikat kwalifikowany bywa na drugim tokenie (sprawdź: podpis certs).",
                en: "If this is the right card, the certificate was never stored or was deleted: contact the issuer. Cards with several profiles often keep the qualified certificate on another token (check: podpis certs)."))
    }
}
