import Evidence
import Signing
import FuzzSupport
import XAdES

// Any bytes as a signed XML file to extend in place (XAdESExtension, what
// `podpis extend` and POST /v1/extend do to an XAdES): every signature gets
// validation data (B-LT), an archive time-stamp with a fake token (B-LTA),
// then more validation data and a second archive time-stamp (a renewal:
// xades141:TimeStampValidationData). The values are fixed bytes — the
// extension only base64-encodes them — so the fuzzer spends its time on the
// XML: where the unsigned properties end, namespaces, the archive
// time-stamp's input. Must never crash or hang; and the result of a file
// that parsed must parse again (an extension that wrote malformed XML
// would be a finding too).
let certificates: [[UInt8]] = [[0x30, 0x03, 0x02, 0x01, 0x01], [0x30, 0x03, 0x02, 0x01, 0x02]]
let ocspResponses: [[UInt8]] = [[0x30, 0x03, 0x0A, 0x01, 0x00]]
let crls: [[UInt8]] = [[0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x07]]
let token: [UInt8] = [0x30, 0x06, 0x06, 0x01, 0x2A, 0x30, 0x01, 0x00]
let limits = XMLParseLimits(maximumBytes: 1 << 20)

fuzz { input in
    guard let file = try? XAdESExtension(bytes: Array(input), name: "fuzz.xml", limits: limits) else { return }
    for id in file.signatureIDs {
        _ = try? file.carried(by: id)
        _ = try? file.hasArchiveTimeStamp(id)
        _ = try? file.addValidationData(to: id, ValidationValues(certificates: [certificates[0]], ocspResponses: ocspResponses))
        if let pending = try? file.prepareArchiveTimeStamp(for: id) { file.complete(pending, token: token) }
        _ = try? file.addValidationData(to: id, ValidationValues(certificates: certificates, ocspResponses: ocspResponses, crls: crls))
        if let pending = try? file.prepareArchiveTimeStamp(for: id, algorithm: .sha512, canonicalization: .inclusive) {
            file.complete(pending, token: token)
        }
    }
    let extended = file.serialized()
    // The new elements go at most three levels below the unsigned properties.
    let again = XMLParseLimits(maximumBytes: 16 << 20, maximumDepth: limits.maximumDepth + 4, maximumNodes: limits.maximumNodes * 2)
    do {
        _ = try XMLDocument.parse(bytes: extended, name: "extended.xml", limits: again)
    } catch {
        fatalError("the extended file does not parse: \(error)")
    }
}
