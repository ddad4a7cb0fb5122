import Evidence
import Foundation
import Validation
import XAdES
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Hostile XML given to verification: refused as input with its own code,
/// or examined without following anything outside the files given.
final class XAdESHostileInputTests: XCTestCase {
    let verifier = Verifier(sources: [])

    /// A signature whose references are what the test needs (its value is
    /// not valid: references are judged before the signature value).
    func signature(references: String, extra: String = "") -> [UInt8] {
        Array("""
            <?xml version="1.0" encoding="UTF-8"?>
            <doc><data Id="d1">treść</data>\(extra)<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="s1">\
            <ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>\
            <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>\(references)</ds:SignedInfo>\
            <ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature></doc>
            """.utf8)
    }

    func reference(_ uri: String, transforms: String = "") -> String {
        """
        <ds:Reference URI="\(uri)">\(transforms.isEmpty ? "" : "<ds:Transforms>\(transforms)</ds:Transforms>")\
        <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>\
        <ds:DigestValue>47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=</ds:DigestValue></ds:Reference>
        """
    }

    func assertRefused(_ text: String, code: String, file: StaticString = #filePath, line: UInt = #line) async {
        do {
            _ = try await verifier.verify(Array(text.utf8), name: "hostile.xml")
            XCTFail("accepted", file: file, line: line)
        } catch let error as XMLInputError {
            XCTAssertEqual(error.code, code, file: file, line: line)
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
    }

    func testBillionLaughsIsRefusedAtTheEntityDeclaration() async {
        await assertRefused("""
            <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>
            """, code: "xml-entity")
    }

    func testAnExternalEntityIsRefusedAndNothingIsRead() async {
        await assertRefused("""
            <?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>
            """, code: "xml-external-entity")
    }

    func testADoctypeIsRefused() async {
        await assertRefused("<?xml version=\"1.0\"?><!DOCTYPE x><x/>", code: "xml-doctype")
    }

    func testTenThousandLevelsOfNestingAreRefused() async {
        let deep = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        await assertRefused(deep, code: "xml-too-deep")
    }

    func verdict(_ bytes: [UInt8], detached: [DetachedData] = []) async throws -> SignatureReport {
        let report = try await verifier.verify(bytes, name: "hostile.xml", detached: detached)
        return try XCTUnwrap(report.signatures.first)
    }

    func testRemoteAndLocalFileURIsAreNeverFollowed() async throws {
        // A listener the reference points at: it must see no connection.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = bind(listener, $0, length); _ = getsockname(listener, $0, &length) }
        }
        XCTAssertEqual(listen(listener, 4), 0)
        let port = UInt16(bigEndian: address.sin_port)
        _ = fcntl(listener, F_SETFL, fcntl(listener, F_GETFL) | O_NONBLOCK)

        for uri in ["http://127.0.0.1:\(port)/secret", "file:///etc/passwd", "../x", "/etc/passwd"] {
            let result = try await verdict(signature(references: reference(uri)))
            XCTAssertEqual(result.indication, .indeterminate, uri)
            XCTAssertEqual(result.subIndication, .signedDataNotFound, "\(uri): \(result.reason)")
            XCTAssertNil(result.signedData.first?.sha256, "\(uri) was read")
        }
        XCTAssertEqual(accept(listener, nil, nil), -1, "the verifier connected to the reference's address")
    }

    func testTwoElementsWithOneIdAreAFormatFailureNotTheFirstMatch() async throws {
        let bytes = signature(references: reference("#d1"), extra: "<data Id=\"d1\">inna treść</data>")
        let result = try await verdict(bytes)
        XCTAssertEqual(result.indication, .totalFailed)
        XCTAssertEqual(result.subIndication, .formatFailure, result.reason)
        XCTAssertTrue(result.reason.contains("share Id"), result.reason)
    }

    func testAnArbitraryXPathIsRefusedNotEvaluated() async throws {
        let xpath = "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"><ds:XPath>count(//*[count(//*) &gt; 0]) &gt; 0</ds:XPath></ds:Transform>"
        let started = Date()
        let result = try await verdict(signature(references: reference("", transforms: xpath)))
        XCTAssertEqual(result.subIndication, .formatFailure, result.reason)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }

    func testXSLTIsRefused() async throws {
        let xslt = "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xslt-19991116\"/>"
        let result = try await verdict(signature(references: reference("", transforms: xslt)))
        XCTAssertEqual(result.subIndication, .formatFailure, result.reason)
        XCTAssertTrue(result.reason.contains("REC-xslt"), result.reason)
    }

    func testADetachedFileIsTakenOnlyFromTheFilesGiven() async throws {
        let given = DetachedData(name: "x", bytes: [])
        let result = try await verdict(signature(references: reference("../x")), detached: [given])
        // The empty file's SHA-256 is the reference's digest: matched by name, never opened by path.
        XCTAssertEqual(result.signedData.first?.intact, true, result.reason)
        XCTAssertEqual(result.signedData.first?.scopeKind, "file")
    }
}
