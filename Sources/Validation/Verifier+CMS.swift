import Evidence

extension Verifier {
    static func examineCMS(_ bytes: [UInt8], name: String, detached: [DetachedData]) throws -> [ExaminedSignature] {
        throw ValidationError(.unknownFormat, "\(name): CMS reading lands with the CAdES examiner")
    }
}
