import PKCS11

/// One certificate is often in several places: on one card in several slots,
/// one per PIN (``SigningSlotPreference``), even as several objects of one
/// slot (OpenSC shows an OpenPGP card's one certificate as its SIG, DEC and
/// AUT certificate), and one card through two PKCS#11 modules. The clerk sees
/// one certificate; `podpis certs` lists it once, with its places.
extension CertificateReport {
    /// A place a certificate is on: module, token, slot, and the certificate
    /// object (label, CKA_ID) and key as this token shows them.
    public struct Location: Sendable, Codable, Hashable {
        /// The module's name, or its path when it has none (as `module` above).
        public let module: String
        public let modulePath: String
        public let token: String
        public let tokenSerial: String
        /// The PKCS#11 slot id (as `slot.id` of `podpis tokens --json`).
        public let slotID: UInt
        public let label: String
        /// CKA_ID in hex.
        public let objectID: String
        public let key: KeyReport?
        public let keyHiddenUntilLogin: Bool

        init(_ report: CertificateReport, slotID: UInt, modulePath: String) {
            module = report.module
            self.modulePath = modulePath
            token = report.token
            tokenSerial = report.tokenSerial
            self.slotID = slotID
            label = report.label
            objectID = report.objectID
            key = report.key
            keyHiddenUntilLogin = report.keyHiddenUntilLogin
        }
    }

    /// A certificate as one token shows it, and where.
    struct Copy {
        let report: CertificateReport
        let der: [UInt8]
        let location: Location
    }

    /// The certificates on every token, one entry per certificate (by its
    /// SHA-256) in the order first seen, each with its `locations`. The
    /// entry's own token, module, label, object id and key are those of the
    /// copy ``preferredForSigning(_:)`` picks, the one signing uses; login,
    /// problems and `onlyToken` as in ``all(in:onlyToken:login:)``.
    public static func grouped(
        in modules: [Module], onlyToken: String? = nil, login: ((Token) throws -> SecretPIN?)? = nil
    ) throws -> (certificates: [(report: CertificateReport, der: [UInt8])], problems: [TokenProblem], unreadable: [CertificateProblem]) {
        let (copies, problems, unreadable) = try copies(in: modules, onlyToken: onlyToken, login: login)
        return (group(copies), problems, unreadable)
    }

    /// Copies of one certificate merged into one entry with every location.
    static func group(_ copies: [Copy]) -> [(report: CertificateReport, der: [UInt8])] {
        var order: [String] = []
        var bySHA256: [String: [Copy]] = [:]
        for copy in copies {
            let key = copy.report.facts.sha256
            if bySHA256[key] == nil { order.append(key) }
            bySHA256[key, default: []].append(copy)
        }
        return order.compactMap { key -> (report: CertificateReport, der: [UInt8])? in
            guard let same = bySHA256[key], let first = same.first else { return nil }
            let preferred = preferredForSigning(same.map(\.report))
            let chosen = same.first { $0.report == preferred } ?? first
            var report = chosen.report
            report.locations = same.map(\.location)
            return (report, chosen.der)
        }
    }
}
