import SignatureAlgorithms
import Signing
import SwiftASN1
import XCTest

/// The names Signing gives to what the formats share: commitment types
/// (ETSI TS 119 172-1 OIDs and XAdES URIs), the hash functions' CMS OIDs
/// (RFC 5754), signature forms and their output names, dotted OIDs.
final class SigningVocabularyTests: XCTestCase {
    func testCommitmentTypesHaveTheirETSIOIDsAndURIs() {
        XCTAssertEqual(CommitmentType.proofOfOrigin.oid.dotted, "1.2.840.113549.1.9.16.6.1")
        XCTAssertEqual(CommitmentType.proofOfCreation.oid.dotted, "1.2.840.113549.1.9.16.6.6")
        XCTAssertEqual(CommitmentType.proofOfApproval.uri, "http://uri.etsi.org/01903/v1.2.2#ProofOfApproval")
        XCTAssertEqual(Set(CommitmentType.allCases.map(\.oid)).count, 6)
        XCTAssertEqual(CommitmentType(rawValue: "receipt"), .proofOfReceipt)
    }

    func testHashFunctionsHaveTheirRFC5754OIDs() {
        XCTAssertEqual(HashAlgorithm.sha256.oid.dotted, "2.16.840.1.101.3.4.2.1")
        XCTAssertEqual(HashAlgorithm.sha384.oid.dotted, "2.16.840.1.101.3.4.2.2")
        XCTAssertEqual(HashAlgorithm.sha512.oid.dotted, "2.16.840.1.101.3.4.2.3")
    }

    func testSignatureFormsNameTheirOutputsAndFormat() {
        XCTAssertEqual(SignatureForm.xadesEnveloped.outputName(for: "pismo.xml"), "pismo.xml.xades")
        XCTAssertEqual(SignatureForm.cadesDetached.outputName(for: "umowa.pdf"), "umowa.pdf.p7s")
        XCTAssertEqual(SignatureForm.cadesAttached.outputName(for: "umowa.pdf"), "umowa.pdf.p7m")
        XCTAssertEqual(SignatureForm.allCases.filter(\.isXAdES), [.xadesEnveloped, .xadesEnveloping, .xadesDetached])
        XCTAssertNil(SignatureForm(rawValue: "pades"))
    }

    func testDottedOIDsAreRightWhereSwiftASN1sDescriptionIsNot() throws {
        // 2.999.3: a first subidentifier of 80 or more (SwiftASN1's description writes 26.39…).
        XCTAssertEqual(try ASN1ObjectIdentifier(elements: [2, 999, 3]).dotted, "2.999.3")
        XCTAssertEqual(try ASN1ObjectIdentifier(elements: [1, 2, 616, 1, 113527]).dotted, "1.2.616.1.113527")
        XCTAssertEqual(try ASN1ObjectIdentifier(elements: [0, 9, 2342]).dotted, "0.9.2342")
    }
}
