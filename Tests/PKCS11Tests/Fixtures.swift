import Foundation
import PKCS11
import TestBench
import XCTest

/// The bench's tokens and keys, loaded fresh for each test so that one test's
/// login or a pcscd restart in another does not leak into the next.
enum Fixtures {
    static func softHSM() throws -> Module {
        try Module.load(path: TestBench.value("PODPIS_SOFTHSM_MODULE"))
    }

    static func openSC() throws -> Module {
        try Module.load(path: TestBench.value("PODPIS_OPENSC_MODULE"))
    }

    static func token(_ label: String, in module: Module) throws -> Token {
        try [module].token(named: label)
    }

    /// A logged-in session on a token.
    static func session(_ label: String, in module: Module, pin: String) throws -> Session {
        let session = try token(label, in: module).slot.openSession()
        try session.login(pin: SecretPIN(pin))
        return session
    }

    static func key(id: [UInt8], in session: Session) throws -> PrivateKeyObject {
        guard let key = try session.privateKeys().first(where: { $0.id == id }) else {
            throw TestBench.NotUp(description: "no key with id \(id) on the token")
        }
        return key
    }
}
