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
                    messages.text("key-always-authenticate.found", ["keyType": key.keyType.rawValue]),
                    details: details)
            }
            return .ok(
                Self.name, "key-present",
                messages.text("key-present.found", ["keyType": key.keyType.rawValue]),
                details: details)
        }
        if pair.keyHiddenUntilLogin {
            return .ok(
                Self.name, "key-after-login",
                messages.text("key-after-login.found"))
        }
        if keyOnAnotherSlot {
            return .ok(
                Self.name, "key-on-other-slot",
                messages.text("key-on-other-slot.found"))
        }
        return .warning(Self.name, messages.finding("certificate-no-private-key", ["who": who]))
    }
}
