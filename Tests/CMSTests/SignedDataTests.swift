import CMS
import Foundation
import SwiftASN1
import XCTest

/// SignedData read from DER and BER and written as DER, in process: the
/// fields round-trip, elements kept from the input keep their bytes exactly
/// (even when they are not DER), the version is one RFC 5652 defines, and a
/// ContentInfo of another type is named as such.
final class SignedDataTests: XCTestCase {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/conformance/samples/cades/dss")

    /// A made-up certificate element in BER that is not DER (a long-form
    /// length where the short form would do): what another producer may write.
    let berCertificate: [UInt8] = [0x30, 0x81, 0x03, 0x02, 0x01, 0x07]
    let crl: [UInt8] = [0x30, 0x03, 0x02, 0x01, 0x09]
    let signerInfo: [UInt8] = [0x30, 0x03, 0x02, 0x01, 0x01]

    func any(_ bytes: [UInt8]) throws -> CMSElement { try CMSElement(bytes: bytes) }

    func made(content: [UInt8]?) throws -> SignedData {
        SignedData(
            version: .v1, digestAlgorithms: [.sha256, .sha512], content: content,
            certificates: [try any(berCertificate)], crls: [try any(crl)], signerInfos: [try any(signerInfo)])
    }

    func testFieldsRoundTripAndTheOutputIsStable() throws {
        for content in [Array("Zaświadczenie nr 17".utf8), nil] {
            let bytes = try made(content: content).serialize()
            let parsed = try SignedData(contentInfo: bytes)
            XCTAssertEqual(parsed.version, .v1)
            XCTAssertEqual(parsed.digestAlgorithms.map(\.algorithm), [CMSOID.sha256, CMSOID.sha512])
            XCTAssertEqual(parsed.contentType, CMSOID.data)
            XCTAssertEqual(parsed.content, content)
            XCTAssertEqual(parsed.certificates.count, 1)
            XCTAssertEqual(parsed.crls.count, 1)
            XCTAssertEqual(parsed.signerInfos.count, 1)
            XCTAssertEqual(try parsed.serialize(), bytes, "read and written again, byte for byte")
            // The ContentInfo around it: id-signedData, [0] EXPLICIT.
            let info = try ContentInfo(berEncoded: BER.parse(bytes))  // BER: the kept certificate is not DER
            XCTAssertEqual(info.contentType, CMSOID.signedData)
        }
    }

    /// Another producer's element that is BER, not DER, keeps its bytes when
    /// a signer is added and the structure is written again.
    func testElementsFromTheInputKeepTheirExactBytes() throws {
        var data = try SignedData(contentInfo: try made(content: [1, 2, 3]).serialize())
        data.signerInfos.append(try any([0x30, 0x03, 0x02, 0x01, 0x03]))
        let written = try data.serialize()
        XCTAssertNotNil(Self.find(berCertificate, in: written), "the non-DER certificate element is kept as it came")
        XCTAssertNotNil(Self.find(crl, in: written))
        XCTAssertNotNil(Self.find(signerInfo, in: written))
        XCTAssertEqual(try SignedData(contentInfo: written).signerInfos.count, 2)
    }

    /// A version RFC 5652 does not define is refused with its own code; the
    /// five it defines are read.
    func testTheVersionIsAnEnumOfTheRFCsValues() throws {
        for version in [CMSVersion.v0, .v1, .v3, .v4, .v5] {
            var data = try made(content: nil)
            data.version = version
            XCTAssertEqual(try SignedData(contentInfo: data.serialize()).version, version)
        }
        XCTAssertLessThan(CMSVersion.v1, CMSVersion.v3)
        // Version 9 written by hand: patch the INTEGER after SignedData's SEQUENCE header.
        var bytes = try made(content: nil).serialize()
        let versionAt = try XCTUnwrap(Self.find([0x02, 0x01, 0x01], in: bytes))
        bytes[versionAt + 2] = 9
        XCTAssertThrowsError(try SignedData(contentInfo: bytes)) { error in
            XCTAssertEqual((error as? CMSError)?.code, "cms-unsupported", "\(error)")
            XCTAssertTrue("\(error)".contains("version 9"), "\(error)")
        }
    }

    func testAContentInfoOfAnotherTypeIsNamed() throws {
        var coder = DER.Serializer()
        try coder.serialize(ContentInfo(contentType: CMSOID.data, content: try CMSElement(erasing: ASN1OctetString(contentBytes: [1]))))
        XCTAssertThrowsError(try SignedData(contentInfo: coder.serializedBytes)) { error in
            XCTAssertEqual((error as? CMSError)?.code, "cms-not-signed-data", "\(error)")
        }
        XCTAssertThrowsError(try SignedData(contentInfo: [0x30, 0x03, 0x02, 0x01])) { error in
            XCTAssertEqual((error as? CMSError)?.code, "cms-malformed", "\(error)")
        }
    }

    /// An indefinite-length (BER) SignedData of another producer is read
    /// whole, its content made of OCTET STRING segments joined, and written
    /// as DER that reads back the same.
    func testAnotherProducersBERSignatureIsReadAndWrittenAsDER() throws {
        let url = Self.samples.appendingPathComponent("dss667-BER_reordered_prova.txt.p7m")
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("no conformance sample \(url.lastPathComponent)") }
        let ber = [UInt8](try Data(contentsOf: url))
        XCTAssertEqual(Array(ber.prefix(2)), [0x30, 0x80], "the sample is indefinite-length")
        let parsed = try SignedData(contentInfo: ber)
        XCTAssertFalse(parsed.signerInfos.isEmpty)
        let content = try XCTUnwrap(parsed.content)
        XCTAssertFalse(content.isEmpty)
        let der = try parsed.serialize()
        XCTAssertNotEqual(Array(der.prefix(2)), [0x30, 0x80], "written with definite lengths")
        let again = try SignedData(contentInfo: der)
        XCTAssertEqual(again.content, content)
        XCTAssertEqual(again.signerInfos, parsed.signerInfos)
        XCTAssertEqual(again.certificates, parsed.certificates)
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        return (0...(haystack.count - needle.count)).first { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }
}
