/// One certificate is often visible on several PKCS#11 tokens of one card:
/// OpenSC gives each PIN of a card its own virtual slot ("User PIN" and "User
/// PIN (sig)" on OpenPGP cards; the qualified and the ordinary profile on
/// several Polish cards). A signature must use the slot whose PIN protects
/// the signing key. The choice is made before login, so it cannot try slots
/// one after another (a PIN presented to the wrong slot may count as wrong).
public enum SigningSlotPreference {
    /// Higher is better: the key already visible next to the certificate,
    /// then a slot named for signatures.
    public static func rank(label: String, keyVisible: Bool) -> Int {
        let name = label.lowercased()
        let signatureSlot = ["(sig)", "sign", "podpis", "kwalifik", "qualified", "nonrep"].contains { name.contains($0) }
        return (keyVisible ? 4 : 0) + (signatureSlot ? 2 : 0)
    }
}

extension CertificateReport {
    /// The copy to sign with when the same certificate shows on several tokens.
    public static func preferredForSigning(_ copies: [CertificateReport]) -> CertificateReport? {
        copies.max { a, b in
            SigningSlotPreference.rank(label: a.token, keyVisible: a.key?.canSign ?? false)
                < SigningSlotPreference.rank(label: b.token, keyVisible: b.key?.canSign ?? false)
        }
    }
}
