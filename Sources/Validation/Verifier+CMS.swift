import CAdES
import Evidence

extension Verifier {
    /// A CMS file (DER, BER or PEM-armoured) read by the CAdES examiner.
    static func examineCMS(_ bytes: [UInt8], name: String, detached: [DetachedData]) throws -> [ExaminedSignature] {
        let der = (try? CAdES.unarmor(bytes)) ?? bytes
        return try CAdESExaminer.examine(der, name: name, detached: detached)
    }
}
