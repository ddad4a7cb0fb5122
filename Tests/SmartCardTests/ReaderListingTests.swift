import SmartCard
import TestBench
import XCTest

/// Readers and cards as pcscd sees them, on the real vpcd readers.
final class ReaderListingTests: XCTestCase {
    func testVirtualReadersAreListedWithTheOpenPGPCardItsATRAndName() throws {
        let env = try TestBench.require()
        let context = try PCSCContext()
        let readers = try context.readers()
        XCTAssertEqual(readers.map(\.name).sorted(), ["Virtual PCD 00 00", "Virtual PCD 00 01"])
        let cardReader = try XCTUnwrap(readers.first { $0.name == env["PODPIS_OPENPGP_READER"] })
        XCTAssertTrue(cardReader.hasCard)
        XCTAssertEqual(cardReader.atr?.hex, env["PODPIS_OPENPGP_ATR"])
        XCTAssertNotNil(cardReader.activeProtocol)
        XCTAssertEqual(CardIdentifier(list: nil).identify(try XCTUnwrap(cardReader.atr)).name, "OpenPGP card v3.4 (test bench)")
        let empty = try XCTUnwrap(readers.first { $0.name == env["PODPIS_SCRIPTED_READER"] })
        XCTAssertEqual(empty.presence, .empty)
        XCTAssertNil(empty.atr)
    }

    func testAPDUTransmitSelectsTheOpenPGPApplication() throws {
        let env = try TestBench.require()
        let context = try PCSCContext()
        let card = try context.connect(to: try XCTUnwrap(env["PODPIS_OPENPGP_READER"]))
        let select = try card.transmit(.select(aid: [0xD2, 0x76, 0x00, 0x01, 0x24, 0x01]))
        XCTAssertEqual(select.statusWord, 0x9000)
        // Unknown instruction: the card's own status word, not a transport error.
        let bogus = try card.transmit(CommandAPDU(cla: 0x00, ins: 0x02, p1: 0, p2: 0))
        XCTAssertNotEqual(bogus.statusWord, 0x9000)
        XCTAssertEqual(try card.status().atr.hex, env["PODPIS_OPENPGP_ATR"])
    }

    func testScriptedCardAnswersAPDUsFromItsScript() throws {
        let env = try TestBench.require()
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("responses.json")
        try Data(#"{"00A4040007A0000000041010": "6F108407A0000000041010A5059F6501FF9000"}"#.utf8).write(to: script)
        try TestBench.script("card.sh", "scripted", "start", "3B 02 14 50", "--responses", script.path)
        defer { _ = try? TestBench.script("card.sh", "scripted", "stop") }
        let reader = try XCTUnwrap(env["PODPIS_SCRIPTED_READER"])
        let context = try PCSCContext()
        XCTAssertTrue(try TestBench.waitUntil { try context.statuses(of: [reader]).first?.hasCard == true })
        let card = try context.connect(to: reader)
        let answer = try card.transmit(.select(aid: [0xA0, 0x00, 0x00, 0x00, 0x04, 0x10, 0x10]))
        XCTAssertEqual(answer.statusWord, 0x9000)
        XCTAssertEqual(Hex.encode(answer.data), "6F108407A0000000041010A5059F6501FF")
        XCTAssertEqual(try card.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, le: 0)).statusWord, 0x6D00)
    }
}
