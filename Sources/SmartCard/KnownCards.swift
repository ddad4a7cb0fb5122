/// The project's one table of cards, readers and the modules they need.
///
/// Data only: identification code (`CardIdentifier`) reads it and nothing
/// else decides by ATR. ATRs are those published for these cards (pcsc-tools'
/// list and the issuers' documentation); `..` is any byte. To add a card, add
/// an entry here and a test in `ATRIdentificationTests`.
public enum KnownCards {
    public static let openSC = ModuleHint(
        name: "opensc-pkcs11",
        usualPaths: [
            "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
            "/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so",
            "/usr/lib64/opensc-pkcs11.so",
            "/usr/lib/opensc-pkcs11.so",
        ],
        providedBy: "Debian: apt install opensc-pkcs11")

    public static let cryptoCertum = ModuleHint(
        name: "cryptoCertum3PKCS",
        usualPaths: [
            "/usr/lib/libcryptoCertum3PKCS.so",
            "/usr/lib/libcrypto3PKCS.so",
            "/opt/proCertumCardManager/libcrypto3PKCS.so",
        ],
        providedBy: "proCertum CardManager (Asseco Data Systems / Certum)")

    public static let cryptoCard = ModuleHint(
        name: "ccpkip11",
        usualPaths: ["/usr/lib/libccpkip11.so", "/usr/local/lib/libccpkip11.so", "/opt/cryptotech/lib/libccpkip11.so"],
        providedBy: "CryptoCard Suite (CryptoTech), installed with Szafir (KIR)")

    public static let idPrime = ModuleHint(
        name: "IDPrimePKCS11",
        usualPaths: ["/usr/lib/libIDPrimePKCS11.so", "/usr/lib/pkcs11/libIDPrimePKCS11.so", "/usr/lib/libeTPkcs11.so"],
        providedBy: "SafeNet Authentication Client (Thales), supplied by the certificate issuer")

    public static let sigillum = ModuleHint(
        name: "sigillum-pkcs11",
        usualPaths: ["/usr/lib/libsigillum_pkcs11.so", "/opt/sigillum/lib/libpkcs11.so"],
        providedBy: "Sigillum software (PWPW), from the issuer's download page")

    /// Cards used for qualified electronic signatures and seals in Poland, plus
    /// the virtual cards of the test bench.
    public static let table: [KnownCard] = [
        KnownCard(
            name: "Certum cryptoCertum", issuer: "Certum (Asseco Data Systems)",
            atr: ["3B 7F 96 00 00 80 31 80 58 43 65 72 74 75 6D .. .. 82 90 00"],
            module: cryptoCertum,
            note: "Historical bytes spell 'XCertum'; the card also serves Certum electronic seals."),
        KnownCard(
            name: "KIR Szafir / CryptoTech (Gemalto TOP IM GX4)", issuer: "Krajowa Izba Rozliczeniowa",
            atr: [
                "3B 7F 96 00 00 80 31 80 65 B0 85 03 00 EF 12 02 68 82 90 00",
                "3B 7F 96 00 00 80 31 80 65 B0 85 02 01 F3 12 FF FE 82 90 00",
            ],
            module: cryptoCard),
        KnownCard(
            name: "CryptoTech CryptoCard multiSIGN", issuer: "CryptoTech (KIR, CenCert)",
            atr: ["3B 9F 94 80 1F C3 00 68 11 44 05 01 46 49 53 45 31 C8 07 90 00 19"],
            module: cryptoCard),
        KnownCard(
            name: "PWPW Sigillum Blue Dual", issuer: "Polska Wytwórnia Papierów Wartościowych (Sigillum)",
            atr: ["3B 86 80 01 53 49 47 49 43 4C 1C"],
            module: sigillum,
            note: "Contactless interface present; sign through the contact reader."),
        KnownCard(
            name: "EuroCert", issuer: "EuroCert",
            atr: ["3B 02 6F 33"],
            module: idPrime),
        KnownCard(
            name: "Thales IDPrime (Polish QTSPs: EuroCert, CenCert and others)", issuer: "various",
            atr: [
                "3B 7F 96 00 00 80 31 80 65 B0 .. .. .. .. 12 0F FE 82 90 00",
                "3B 7F 96 00 00 80 31 80 65 B0 85 05 00 39 12 0F FE 82 90 00",
            ],
            module: idPrime),
        KnownCard(
            name: "e-dowód (Polish eID, pl.ID)", issuer: "Ministerstwo Cyfryzacji / PWPW",
            atr: [
                "3B 84 80 01 47 43 50 43 12",
                "3B 89 80 01 02 4D 4B 4D 57 4B 53 4B 54 11",
                "3B 8F 80 01 80 31 80 65 B0 85 05 00 11 12 02 68 82 90 00 11",
            ],
            module: openSC,
            note: "Signing with the personal signature (podpis osobisty) needs the CAN printed on the card."),
        KnownCard(
            name: "OpenPGP card v3.4 (test bench)", issuer: "vsmartcard jcecard emulator",
            atr: ["3B 88 80 01 00 73 00 00 E0 05 90 00 0F"],
            module: openSC, qualified: false,
            note: "Not a qualified card: used by Podpis's test bench."),
    ]

    /// Readers with behaviour IT staff should know about, matched by a
    /// substring of the PC/SC reader name.
    public static let readerQuirks: [ReaderQuirk] = [
        ReaderQuirk(
            nameContains: "SPR 532", pinpad: true,
            note: "Pinpad reader: OpenSC disables pinpads by default (enable_pinpad in opensc.conf)."),
        ReaderQuirk(
            nameContains: "SPR332", pinpad: true,
            note: "Pinpad reader: type the PIN on the reader's keypad when asked."),
        ReaderQuirk(
            nameContains: "ACR38U", pinpad: false,
            note: "Old ACS firmware fails extended APDUs with 2048+-bit keys; install acsccid or update firmware."),
        ReaderQuirk(
            nameContains: "CT30", pinpad: false,
            note: "Gemalto CT30: some units need the card inserted before the reader is plugged in."),
        ReaderQuirk(
            nameContains: "Virtual PCD", pinpad: false,
            note: "vsmartcard virtual reader (test bench or remote phone card)."),
    ]
}

/// A reader model's known behaviour.
public struct ReaderQuirk: Sendable, Hashable, Codable {
    public let nameContains: String
    public let pinpad: Bool
    public let note: String

    public init(nameContains: String, pinpad: Bool, note: String) {
        self.nameContains = nameContains
        self.pinpad = pinpad
        self.note = note
    }

    /// The quirk of a reader, if its name matches one.
    public static func of(readerName: String) -> ReaderQuirk? {
        KnownCards.readerQuirks.first { readerName.contains($0.nameContains) }
    }
}
