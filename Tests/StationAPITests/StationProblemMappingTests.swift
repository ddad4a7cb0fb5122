import Audit
import CMS
import DaemonConfiguration
import Files
import PKCS11
@testable import StationAPI
import Timestamping
import XAdES
import XCTest

/// How the station's errors become problems: kind (never an HTTP status),
/// stable code, the error's own code kept as the reason, the clerk's
/// sentence in both languages.
final class StationProblemMappingTests: XCTestCase {
    func testFormatAndFileErrorsKeepTheirCodeAsTheReason() {
        let xml = StationProblem(XMLInputError(.doctype, document: "a.xml"))
        XCTAssertEqual([xml.code, xml.reason], ["bad-document", "xml-doctype"])
        XCTAssertEqual(xml.kind, .cannotComply)
        XCTAssertTrue(xml.message.pl.contains("a.xml") && xml.message.en.contains("DOCTYPE"))

        let large = StationProblem(XAdESError(.tooLarge, "a.pdf"))
        XCTAssertEqual([large.code, large.reason], ["too-large", "xades-too-large"])
        XCTAssertEqual(large.kind, .tooLarge)
        let c14n = StationProblem(XAdESError(.canonicalization, "x"))
        XCTAssertEqual([c14n.code, c14n.reason], ["bad-request", "xades-c14n"])
        XCTAssertEqual(c14n.kind, .invalid)

        let exists = StationProblem(FileError(.exists, "/tmp/x"))
        XCTAssertEqual([exists.code, exists.reason], ["internal", "output-exists"])
        XCTAssertEqual(exists.kind, .internalError)
        XCTAssertEqual(StationProblem(FileError(.tooLarge, "x")).kind, .tooLarge)

        let tsa = StationProblem(TimeStampError(.timeout, "10 s"))
        XCTAssertEqual([tsa.code, tsa.reason], ["tsa-failed", "tsa-timeout"])
        XCTAssertEqual(tsa.kind, .upstreamFailed)
        XCTAssertEqual(StationProblem(CMSError(.malformed, "x")).code, "bad-document")
    }

    func testTokenErrorsByTheirCategory() {
        func problem(_ rv: UInt) -> StationProblem { StationProblem(PKCS11Error(rv: rv, function: "C_Sign")) }
        XCTAssertEqual(problem(ReturnValue.pinLocked).code, "pin-locked")
        XCTAssertEqual(problem(ReturnValue.pinIncorrect).code, "wrong-pin")
        XCTAssertEqual(problem(ReturnValue.pinIncorrect).reason, "CKR_PIN_INCORRECT")
        XCTAssertEqual(problem(ReturnValue.pinExpired).code, "pin-expired")
        XCTAssertEqual(problem(ReturnValue.deviceRemoved).code, "token-absent")
        XCTAssertEqual(problem(ReturnValue.deviceRemoved).kind, .conflict)
        XCTAssertEqual(problem(ReturnValue.functionFailed).kind, .upstreamFailed)
        XCTAssertEqual(problem(ReturnValue.mechanismInvalid).kind, .cannotComply)
        XCTAssertEqual(problem(0x7).kind, .internalError)
    }

    func testCancellationIsTheClientGoneAndAnythingElseInternal() {
        let gone = StationProblem(CancellationError())
        XCTAssertEqual(gone.code, "client-gone")
        XCTAssertEqual(gone.message.pl, "Żądający rozłączył się; niczego nie podpisano.")
        struct Odd: Error {}
        XCTAssertEqual(StationProblem(Odd()).code, "internal")
    }

    func testCataloguedProblemsCarryTheirTitleAndBothLanguages() {
        XCTAssertEqual(StationProblem.noAgent.title, "No agent answered")
        XCTAssertEqual(StationProblem.tooLarge(64 << 20).message.en, "The request exceeds the 64 MiB limit; for large files send the digest only.")
        XCTAssertEqual(StationProblem.unknownCertificate("ab12").message.pl, "Nie ma certyfikatu ab12 na żadnej karcie ani tokenie. Sprawdź listę: GET /v1/certificates.")
    }
}

/// The `[[policy]]` admission: users, origins, the digest-only rule and the
/// document limit, each refused before the clerk is asked.
final class SigningPolicyAdmissionTests: XCTestCase {
    let web = Requester(transport: .tcp, origin: "https://ezd.example.gov.pl", uid: nil)
    let local = Requester(transport: .unix, origin: nil, uid: 1000)

    func testUsersOriginsAndTheDocumentLimit() throws {
        let policy = SigningPolicy(users: ["1000"], maxDocuments: 2)
        XCTAssertNoThrow(try policy.admit(local, documents: 2, holder: "Jan Kowalski"))
        XCTAssertThrowsError(try policy.admit(Requester(transport: .unix, origin: nil, uid: 1001), documents: 1, holder: "Jan Kowalski")) {
            XCTAssertEqual(($0 as? StationProblem)?.code, "user-not-allowed")
        }
        XCTAssertThrowsError(try policy.admit(local, documents: 3, holder: "Jan Kowalski")) {
            XCTAssertEqual(($0 as? StationProblem)?.code, "too-many-documents")
            XCTAssertEqual(($0 as? StationProblem)?.kind, .cannotComply)
        }
        let pages = SigningPolicy(origins: ["https://ezd.other.gov.pl"])
        XCTAssertThrowsError(try pages.admit(web, documents: 1, holder: "Jan Kowalski")) {
            XCTAssertEqual(($0 as? StationProblem)?.code, "origin-not-allowed-for-certificate")
        }
    }

    func testADigestAloneIsLocalOnlyByDefault() {
        let policy = SigningPolicy()
        XCTAssertNoThrow(try policy.admit(local, documents: 1, holder: "J", digestOnly: true))
        XCTAssertThrowsError(try policy.admit(web, documents: 1, holder: "J", digestOnly: true)) {
            XCTAssertEqual(($0 as? StationProblem)?.code, StationProblem.digestOnlyNotAllowed.code)
        }
        XCTAssertNoThrow(try SigningPolicy(digestOnly: .always).admit(web, documents: 1, holder: "J", digestOnly: true))
    }

    func testAPolicyMatchesItsCertificateByPrefix() {
        XCTAssertTrue(SigningPolicy(certificate: "a1b2c3d4").matches("A1B2C3D4E5F6"))
        XCTAssertFalse(SigningPolicy(certificate: "a1b2c3d4").matches("b1b2c3d4"))
        XCTAssertTrue(SigningPolicy().matches("anything"))
    }
}
