import Foundation
@testable import Sealing
import TestBench
import XCTest

/// The journal's states are an enum written as before: a line written by an
/// earlier version still reads; a line with a state this version does not
/// know is refused with a clear error (code journal-state), not guessed at.
final class JournalStateTests: ScratchDirectoryTestCase {
    private func write(_ lines: [String]) throws {
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: directory + "/" + SealJournal.fileName))
    }

    private let sha = String(repeating: "ab", count: 32)

    func testAnOldJournalStillReadsAndWritesTheSameLines() throws {
        let sealed = #"{"name":"a.pdf","output":"a.pdf.xades","sha256":"\#(sha)","state":"sealed","time":"2026-11-02T10:00:00Z"}"#
        let failed = #"{"code":"too-large","name":"b.pdf","sha256":"\#(sha)","state":"failed","time":"2026-11-02T10:00:01Z"}"#
        try write([sealed, failed, #"{"name":"c.pdf","sha2"#])  // and a torn last line
        let journal = try SealJournal(directory: directory)
        XCTAssertEqual(journal.entry("a.pdf")?.state, .sealed)
        XCTAssertEqual(journal.entry("a.pdf")?.output, "a.pdf.xades")
        XCTAssertEqual(journal.entry("b.pdf")?.state, .failed)
        XCTAssertEqual(journal.entry("b.pdf")?.code, "too-large")
        XCTAssertNil(journal.entry("c.pdf"))
        // Lines are written with the same raw strings as before.
        let entry = try XCTUnwrap(journal.entry("a.pdf"))
        XCTAssertEqual(String(decoding: SealJournal.line(entry), as: UTF8.self), sealed + "\n")
    }

    func testAnUnknownStateIsRefusedWithAClearError() throws {
        let sealed = #"{"name":"a.pdf","output":"a.pdf.xades","sha256":"\#(sha)","state":"sealed","time":"2026-11-02T10:00:00Z"}"#
        let odd = #"{"name":"b.pdf","sha256":"\#(sha)","state":"archived","time":"2026-11-02T10:00:01Z"}"#
        try write([sealed, odd])
        XCTAssertThrowsError(try SealJournal(directory: directory)) { error in
            let failure = error as? SealError
            XCTAssertEqual(failure?.code, "journal-state")
            XCTAssertTrue(failure?.message.en.contains("unknown state “archived”") ?? false, "\(error)")
        }
    }
}
