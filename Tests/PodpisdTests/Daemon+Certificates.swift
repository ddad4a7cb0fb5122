import Foundation
import XCTest

extension Daemon {
    /// The id of the test bench's qualified seal certificate (SoftHSM), as /v1/certificates lists it.
    func sealCertificateID() throws -> String {
        let certificates = try XCTUnwrap(try unix("/v1/certificates").json["certificates"] as? [[String: Any]])
        return try XCTUnwrap(certificates.first { $0["qualifiedForSealing"] as? Bool == true }?["id"] as? String)
    }
}
