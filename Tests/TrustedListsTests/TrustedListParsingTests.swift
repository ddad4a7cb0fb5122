import Foundation
import TestBench
import TrustedLists
import XAdES
import XCTest

/// TS 119 612 lists read into the model: the real Polish lists and the EU
/// list of lists, and broken documents refused with their codes. Counts
/// were taken independently with Python's ElementTree over the same files.
final class TrustedListParsingTests: XCTestCase {
    func testThePolishList2023IsReadWithItsSchemeProvidersAndServices() throws {
        let list = try TrustedListFixtures.list(TrustedListFixtures.pl2023)
        XCTAssertEqual(list.scheme.versionIdentifier, 5)
        XCTAssertEqual(list.scheme.sequenceNumber, 139)
        XCTAssertEqual(list.scheme.territory, "PL")
        XCTAssertEqual(list.scheme.type, "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric")
        XCTAssertFalse(list.isListOfLists)
        XCTAssertEqual(list.scheme.operatorNames.preferred("en"), "National Bank of Poland")
        XCTAssertEqual(list.scheme.operatorNames.preferred("pl"), "Narodowy Bank Polski")
        XCTAssertEqual(ISO8601DateFormatter().string(from: list.scheme.issueDate).prefix(10), "2023-09-19")
        let nextUpdate = try XCTUnwrap(list.scheme.nextUpdate)
        XCTAssertGreaterThan(nextUpdate, list.scheme.issueDate)
        XCTAssertTrue(list.scheme.isExpired(at: Date()), "a 2023 list is past its NextUpdate today")
        XCTAssertFalse(list.scheme.isExpired(at: list.scheme.issueDate))
        XCTAssertEqual(list.scheme.distributionPoints, ["https://www.nccert.pl/tsl/PL_TSL.xml"])
        XCTAssertEqual(list.providers.count, 12)
        XCTAssertEqual(list.providers.reduce(0) { $0 + $1.services.count }, 114)
        XCTAssertEqual(list.providers.reduce(0) { $0 + $1.services.reduce(0) { $0 + $1.history.count } }, 136)
        XCTAssertEqual(list.otherPointers.count, 1, "the Polish list points back to the LOTL")
    }

    func testThePolishList2019IsRead() throws {
        let list = try TrustedListFixtures.list(TrustedListFixtures.pl2019)
        XCTAssertEqual(list.scheme.sequenceNumber, 110)
        XCTAssertEqual(list.scheme.territory, "PL")
        XCTAssertFalse(list.providers.isEmpty)
    }

    func testTheEUListOfListsIsReadWithItsPointers() throws {
        let lotl = try TrustedListFixtures.list(TrustedListFixtures.lotl2023)
        XCTAssertTrue(lotl.isListOfLists)
        XCTAssertEqual(lotl.scheme.sequenceNumber, 332)
        XCTAssertEqual(lotl.scheme.territory, "EU")
        XCTAssertEqual(lotl.otherPointers.count, 43)
        XCTAssertEqual(lotl.otherPointers.reduce(0) { $0 + $1.signingCertificatesDER.count }, 151)
        // 8 RSA-PSS certificates with explicit parameters and 4 with RSA keys under 2048 bits
        // (openssl x509 -text) are kept as DER only.
        XCTAssertEqual(lotl.otherPointers.reduce(0) { $0 + $1.signingCertificates.count }, 139)
        XCTAssertTrue(lotl.providers.isEmpty)
    }

    func testTheLOTLPointsToThePolishListWithItsSigners() throws {
        let lotl = try TrustedListFixtures.list(TrustedListFixtures.lotl2023)
        let pointers = lotl.pointers(to: "PL")
        XCTAssertEqual(pointers.map(\.location), ["https://www.nccert.pl/tsl/PL_TSL.xml"])
        XCTAssertEqual(pointers.first?.signingCertificates.count, 3)
        XCTAssertEqual(pointers.first?.mimeType, "application/vnd.etsi.tsl+xml")
        // The Polish list's signer (in its ds:KeyInfo) is among them.
        let signer = try XmlsecSignatureChecker().signer(
            of: TrustedListFixtures.list(TrustedListFixtures.pl2023).document, name: TrustedListFixtures.path(TrustedListFixtures.pl2023))
        XCTAssertTrue(pointers[0].signingCertificatesDER.contains(signer))
    }

    func testParsingTheLOTLAndThePolishListTakesLittleTime() throws {
        let lotl = try TrustedListFixtures.bytes(TrustedListFixtures.lotl2023)
        let pl = try TrustedListFixtures.bytes(TrustedListFixtures.pl2023)
        var best = (lotl: Double.infinity, pl: Double.infinity)
        for _ in 0..<3 {
            var start = Date()
            _ = try TrustedList.parse(bytes: lotl, name: "lotl")
            best.lotl = min(best.lotl, Date().timeIntervalSince(start))
            start = Date()
            _ = try TrustedList.parse(bytes: pl, name: "pl")
            best.pl = min(best.pl, Date().timeIntervalSince(start))
        }
        print(String(format: "parse timing: LOTL %.1f ms, PL TL %.1f ms, together %.1f ms (signatures not checked)",
            best.lotl * 1000, best.pl * 1000, (best.lotl + best.pl) * 1000))
        XCTAssertLessThan(best.lotl + best.pl, 1.0, "target 300 ms (met in a debug build when the machine is idle); bound doubled and more for shared CI")
    }

    /// The fuzz seeds (Fuzz/Corpus/FuzzTrustedList) and every truncation of
    /// the Certum seed every 61 bytes: read or refused with a code, never a crash.
    func testTruncatedListsAreReadOrRefusedWithACode() throws {
        let corpus = TestBench.repositoryRoot.appendingPathComponent("Fuzz/Corpus/FuzzTrustedList")
        let seeds = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()
        XCTAssertGreaterThanOrEqual(seeds.count, 4)
        var read = 0
        var refused: Set<String> = []
        for seed in seeds {
            let bytes = Array(try Data(contentsOf: corpus.appendingPathComponent(seed)).dropFirst())
            for end in stride(from: 0, through: bytes.count, by: seed.hasPrefix("pl-certum") ? 61 : max(1, bytes.count / 50)) {
                do {
                    _ = try TrustedList.parse(bytes: Array(bytes[..<end]), name: seed)
                    read += 1
                } catch {
                    refused.insert(error.code)
                }
            }
            if !seed.contains("truncated") {
                XCTAssertNoThrow(try TrustedList.parse(bytes: bytes, name: seed), seed)
                read += 1
            }
        }
        XCTAssertTrue(refused.isSubset(of: ["tl-unparsable", "tl-missing-element", "tl-invalid-value", "tl-not-a-trusted-list"]), "\(refused)")
        XCTAssertTrue(refused.contains("tl-unparsable"))
        XCTAssertEqual(read, 3, "the whole seeds are lists")
    }

    // MARK: Refusals

    static let minimal = """
        <TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#" TSLTag="http://uri.etsi.org/19612/TSLTag"><SchemeInformation>\
        <TSLVersionIdentifier>5</TSLVersionIdentifier><TSLSequenceNumber>7</TSLSequenceNumber>\
        <TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</TSLType>\
        <SchemeOperatorName><Name xml:lang="en">Test operator</Name></SchemeOperatorName>\
        <SchemeTerritory>XX</SchemeTerritory><ListIssueDateTime>2026-01-02T03:04:05Z</ListIssueDateTime>\
        <NextUpdate>NEXT</NextUpdate></SchemeInformation>PROVIDERS</TrustServiceStatusList>
        """

    static func minimal(next: String = "<dateTime>2026-07-02T03:04:05Z</dateTime>", providers: String = "") -> [UInt8] {
        Array(minimal.replacingOccurrences(of: "NEXT", with: next).replacingOccurrences(of: "PROVIDERS", with: providers).utf8)
    }

    func assertRefused(_ bytes: [UInt8], _ code: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try TrustedList.parse(bytes: bytes, name: "t.xml"), file: file, line: line) { error in
            XCTAssertEqual((error as? TrustedListError)?.code, code, "\(error)", file: file, line: line)
        }
    }

    func testAMinimalListIsReadAndAListWithoutNextUpdateDateIsClosed() throws {
        let open = try TrustedList.parse(bytes: Self.minimal(), name: "t.xml")
        XCTAssertEqual(open.scheme.sequenceNumber, 7)
        XCTAssertNotNil(open.scheme.nextUpdate)
        let closed = try TrustedList.parse(bytes: Self.minimal(next: ""), name: "t.xml")
        XCTAssertNil(closed.scheme.nextUpdate)
        XCTAssertFalse(closed.scheme.isExpired(at: .distantFuture), "a closed list is never 'expired'")
    }

    func testAListWithoutItsSequenceNumberIsRefusedNamingTheElement() {
        let bytes = Array(String(decoding: Self.minimal(), as: UTF8.self)
            .replacingOccurrences(of: "<TSLSequenceNumber>7</TSLSequenceNumber>", with: "").utf8)
        assertRefused(bytes, "tl-missing-element")
        XCTAssertThrowsError(try TrustedList.parse(bytes: bytes, name: "t.xml")) { error in
            XCTAssertTrue((error as? TrustedListError)?.detail.contains("TSLSequenceNumber") == true)
        }
    }

    func testAnUnreadableDateOrNumberIsRefused() {
        assertRefused(Self.minimal(next: "<dateTime>2026-13-02T03:04:05Z</dateTime>"), "tl-invalid-value")
        assertRefused(Array(String(decoding: Self.minimal(), as: UTF8.self)
            .replacingOccurrences(of: ">7<", with: ">seven<").utf8), "tl-invalid-value")
    }

    func testAnotherDocumentIsNotATrustedList() {
        assertRefused(Array("<a xmlns=\"urn:x\"/>".utf8), "tl-not-a-trusted-list")
    }

    func testHostileOrBrokenXMLIsRefusedAsUnparsable() {
        assertRefused(Array("<!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>".utf8), "tl-unparsable")
        assertRefused(Array("<TrustServiceStatusList".utf8), "tl-unparsable")
        assertRefused([], "tl-unparsable")
        assertRefused(Array(repeating: UInt8(ascii: "<"), count: 10), "tl-unparsable")
    }

    func testAServiceWithoutStatusIsRefusedAndUnknownElementsAreIgnored() throws {
        let service = """
            <TrustServiceProviderList><TrustServiceProvider><TSPInformation><TSPName><Name xml:lang="en">P</Name></TSPName>\
            <Unknown>ignored</Unknown></TSPInformation><TSPServices><TSPService><ServiceInformation>\
            <ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/CA/QC</ServiceTypeIdentifier>\
            <ServiceName><Name xml:lang="en">S</Name></ServiceName><ServiceDigitalIdentity><DigitalId>\
            <X509SKI>AAEC</X509SKI></DigitalId></ServiceDigitalIdentity>STATUS\
            <StatusStartingTime>2020-01-01T00:00:00Z</StatusStartingTime></ServiceInformation></TSPService></TSPServices>\
            </TrustServiceProvider></TrustServiceProviderList>
            """
        let good = try TrustedList.parse(bytes: Self.minimal(providers: service.replacingOccurrences(
            of: "STATUS", with: "<ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted</ServiceStatus>")), name: "t.xml")
        XCTAssertEqual(good.providers.first?.services.first?.current.digitalIdentities, [.subjectKeyIdentifier([0, 1, 2])])
        XCTAssertEqual(good.providers.first?.services.first?.current.status, .granted)
        assertRefused(Self.minimal(providers: service.replacingOccurrences(of: "STATUS", with: "")), "tl-missing-element")
    }
}
