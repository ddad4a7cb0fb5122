import Localization
import PKCS11
import QualifiedCertificates

/// Whether a certificate has its private key on the token, and whether that
/// key asks for the PIN before every signature (CKA_ALWAYS_AUTHENTICATE).
struct KeyPairCheck {
    static let name = "certificate-key"
    let pair: CertificateWithKey
    let facts: CertificateFacts
    /// Another copy of the same certificate on this card (another slot of it) has its key.
    let keyOnAnotherSlot: Bool

    func run() -> Finding {
        let who = facts.commonName ?? facts.subject
        if let key = pair.key {
            var details = ["pairedBy": pair.pairedBy?.rawValue ?? "", "keyType": key.keyType.rawValue]
            if key.alwaysAuthenticate {
                details["CKA_ALWAYS_AUTHENTICATE"] = "true"
                return .ok(
                    Self.name, "key-always-authenticate",
                    ClerkText(
                        pl: "Klucz prywatny obecny (\(key.keyType.rawValue)); ma CKA_ALWAYS_AUTHENTICATE: PIN będzie potrzebny przed każdym podpisem.",
                        en: "Private key present (\(key.keyType.rawValue)); it has CKA_ALWAYS_AUTHENTICATE: the PIN will be asked before every signature."),
                    details: details)
            }
            return .ok(
                Self.name, "key-present",
                ClerkText(pl: "Klucz prywatny obecny (\(key.keyType.rawValue)).", en: "Private key present (\(key.keyType.rawValue))."),
                details: details)
        }
        if pair.keyHiddenUntilLogin {
            return .ok(
                Self.name, "key-after-login",
                ClerkText(
                    pl: "Klucz prywatny widoczny dopiero po zalogowaniu (token pokazuje jego część publiczną).",
                    en: "The private key shows only after login (the token shows its public half)."))
        }
        if keyOnAnotherSlot {
            return .ok(
                Self.name, "key-on-other-slot",
                ClerkText(
                    pl: "Klucz prywatny jest w innym gnieździe tej samej karty (PIN podpisu).",
                    en: "The private key is in another slot of the same card (the signature PIN)."))
        }
        return .warning(
            Self.name, "certificate-no-private-key",
            found: ClerkText(
                pl: "Certyfikat „\(who)” nie ma na tokenie swojego klucza prywatnego.",
                en: "Certificate “\(who)” has no private key on the token."),
            why: ClerkText(
                pl: "Bez klucza prywatnego tym certyfikatem nie da się podpisać; to zwykle certyfikat wystawcy lub cudzy.",
                en: "Without its private key this certificate cannot sign; it is usually an issuer's or someone else's certificate."),
            fix: ClerkText(
                pl: "Podpisuj certyfikatem, który ma klucz (podpis certs --login pokazuje pary). Jeśli to Twój certyfikat, klucz został usunięty lub jest na innej karcie: zgłoś się do wystawcy.",
                en: "Sign with a certificate that has its key (podpis certs --login shows the pairs). If it is your certificate, its key was deleted or is on another card: contact the issuer."))
    }
}
