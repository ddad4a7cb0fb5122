import Foundation
import TestBench
import TrustedLists
import X509
import XAdES
import XCTest

/// LOTL → national list loading with trust, xmlsec1 checking the XML
/// signatures (TrustedListSet deciding whom to trust), and the cache.
final class TrustedListSetTests: XCTestCase {
    typealias F = TrustedListFixtures

    /// The LOTL's own announcement of its signers (its pointer to itself): the pins of these tests.
    func pins() throws -> [[UInt8]] {
        try F.list(F.lotl2023).otherPointers.filter(\.pointsToListOfLists).flatMap(\.signingCertificatesDER)
    }

    func source(_ name: String) throws -> (source: String, bytes: [UInt8]) { (F.path(name), try F.bytes(name)) }

    func testTheLOTLAndThePolishListLoadWithVerifiedSignaturesAndTheExpiredListIsFlagged() throws {
        let start = Date()
        let set = TrustedListSet.load(
            listOfLists: try source(F.lotl2023), pinnedSigners: try pins(), nationalLists: ["PL": try source(F.pl2023)],
            checker: XmlsecSignatureChecker())
        print(String(format: "LOTL + PL TL load with xmlsec1 signature checks: %.0f ms", Date().timeIntervalSince(start) * 1000))
        XCTAssertTrue(set.refusals.isEmpty, "\(set.refusals.map(\.error))")
        let pl = try XCTUnwrap(set.lists["PL"])
        XCTAssertEqual(pl.list.scheme.sequenceNumber, 139)
        XCTAssertTrue(pl.isExpired, "past its NextUpdate: used, but flagged")
        XCTAssertTrue(set.listOfLists?.isExpired == true)
        XCTAssertEqual(pl.signer?.subject.description, "CN=Polish TSL Operator,O=National Bank of Poland,C=PL")
        let signer = try F.certumSigner()
        var begin = Date()
        let facts = set.qualificationFacts(certificate: signer, issuer: nil, signingTime: F.certumSigningTime)
        let first = Date().timeIntervalSince(begin)
        begin = Date()
        _ = set.qualificationFacts(certificate: signer, issuer: nil, signingTime: F.certumSigningTime)
        print(String(format: "qualification facts: first query %.0f ms (reads the listed certificates), next %.1f ms",
            first * 1000, Date().timeIntervalSince(begin) * 1000))
        XCTAssertTrue(facts.isQCForESig)
        XCTAssertEqual(set.trustedLists.map(\.scheme.territory), ["PL"])
    }

    func testALOTLWithABrokenSignatureIsRefusedAndSoAreTheListsItWouldAnnounce() throws {
        let set = TrustedListSet.load(
            listOfLists: try source(F.lotlBroken), pinnedSigners: try pins(), nationalLists: ["PL": try source(F.pl2023)],
            checker: XmlsecSignatureChecker())
        XCTAssertNil(set.listOfLists)
        XCTAssertEqual(set.refusals.map(\.error.code), ["tl-bad-signature", "tl-territory-not-announced"])
        XCTAssertTrue(set.lists.isEmpty)
        let facts = set.qualificationFacts(certificate: try F.certumSigner(), issuer: nil, signingTime: F.certumSigningTime)
        XCTAssertEqual(facts.qualified, .indeterminate, "no list could be trusted")
    }

    func testALOTLSignedByAnUnpinnedCertificateIsRefused() throws {
        let polishOperator = try XmlsecSignatureChecker().signer(of: F.list(F.pl2023).document, name: F.path(F.pl2023))
        let set = TrustedListSet.load(
            listOfLists: try source(F.lotl2023), pinnedSigners: [polishOperator], nationalLists: [:], checker: XmlsecSignatureChecker())
        XCTAssertEqual(set.refusals.map(\.error.code), ["tl-lotl-signer-not-pinned"])
    }

    func testANationalListIsRefusedForTheWrongTerritoryOrAnUnannouncedSignerWhileTheOthersKeepWorking() throws {
        let lotlBytes = try F.bytes(F.lotl2023)
        // An announced territory whose list is the Polish one; garbage for another.
        let set = TrustedListSet.load(
            listOfLists: (F.path(F.lotl2023), lotlBytes), pinnedSigners: try pins(),
            nationalLists: ["PL": try source(F.pl2023), "DE": try source(F.pl2023), "CZ": ("cz.xml", Array("<oops".utf8)), "QQ": try source(F.pl2023)],
            checker: XmlsecSignatureChecker())
        XCTAssertNotNil(set.lists["PL"])
        let codes = Dictionary(uniqueKeysWithValues: set.refusals.map { ($0.territory ?? "", $0.error.code) })
        XCTAssertEqual(codes, ["DE": "tl-wrong-territory", "CZ": "tl-unparsable", "QQ": "tl-territory-not-announced"])
        // A LOTL that announces other signers for PL: the same list is then refused for its signer.
        let lotl = try TrustedList.parse(bytes: lotlBytes, name: F.path(F.lotl2023))
        XCTAssertThrowsError(try TrustedListSet.loadNational(
            territory: "PL", source: F.path(F.pl2023), bytes: try F.bytes(F.pl2023), listOfLists: lotl,
            checker: AlwaysSigner(certificate: try pins()[0]), now: Date())) { error in
            XCTAssertEqual((error as? TrustedListError)?.code, "tl-unannounced-signer")
        }
    }

    struct AlwaysSigner: TrustedListSignatureChecker {
        let certificate: [UInt8]
        func signer(of document: XMLDocument, name: String) throws -> [UInt8] { certificate }
    }

    // MARK: Cache

    func testTheCacheKeepsTheAcceptedListsAndReadsThemBack() throws {
        let directory = try TestBench.temporaryDirectory().path
        let cache = TrustedListCache(directory: directory)
        let set = TrustedListSet.load(
            listOfLists: try source(F.lotl2023), pinnedSigners: try pins(), nationalLists: ["PL": try source(F.pl2023)],
            checker: XmlsecSignatureChecker())
        try cache.store(set)
        XCTAssertEqual(cache.territories(), ["EU", "PL"])
        XCTAssertEqual(try cache.load(territory: "PL"), try F.bytes(F.pl2023))
        XCTAssertNil(try cache.load(territory: "DE"))
        // A second store replaces the copy.
        try cache.store(Array("new".utf8), territory: "PL")
        XCTAssertEqual(try cache.load(territory: "PL"), Array("new".utf8))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).sorted(), ["EU.xml", "PL.xml"], "no temporary left")
    }

    func testTheCacheNeverFollowsASymbolicLinkNorTakesAPathAsATerritory() throws {
        let directory = try TestBench.temporaryDirectory().path
        let secret = directory + "/secret"
        try "secret".write(toFile: secret, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: directory + "/DE.xml", withDestinationPath: secret)
        let cache = TrustedListCache(directory: directory)
        XCTAssertThrowsError(try cache.load(territory: "DE")) { error in
            XCTAssertEqual((error as? TrustedListError)?.code, "tl-cache-unreadable")
        }
        XCTAssertThrowsError(try cache.store([1], territory: "../x")) { error in
            XCTAssertEqual((error as? TrustedListError)?.code, "tl-cache-unwritable")
        }
        XCTAssertThrowsError(try cache.load(territory: "pl/../../etc")) { error in
            XCTAssertEqual((error as? TrustedListError)?.code, "tl-cache-unreadable")
        }
        XCTAssertThrowsError(try TrustedListCache(directory: secret).store([1], territory: "PL")) { error in
            XCTAssertEqual((error as? TrustedListError)?.code, "tl-cache-unwritable")
        }
    }

    func testEveryErrorKindHasItsSentences() {
        XCTAssertEqual(TrustedListErrorKind.kindsWithoutSentence, [])
    }
}
