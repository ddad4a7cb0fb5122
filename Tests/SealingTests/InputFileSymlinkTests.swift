import Files
import Foundation
@testable import Sealing
@testable import Station
import TestBench
import XCTest

/// Inputs are opened without following symbolic links and read only if they
/// are the file that was picked: a hot-folder document swapped, between the
/// hot folder's look (`lstat`) and the sealer's open, for a link to a secret
/// (standing in for the seal PIN file) or for another file is refused, and
/// not a byte of the secret is read. The swap is made deterministic here by
/// doing it between `completeDocuments()` and `SealInput.read`, the two steps
/// the hot folder runs one after the other.
final class InputFileSymlinkTests: XCTestCase {
    var directory = ""
    var secret = ""
    let secretBytes = Array("seal PIN 123456, SEKRET".utf8)

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "inputfile-\(UUID().uuidString)"
        for folder in ["", "/inbox", "/outbox", "/done", "/failed", "/credentials"] {
            try FileManager.default.createDirectory(atPath: directory + folder, withIntermediateDirectories: true)
        }
        secret = directory + "/credentials/seal.pin"
        try Data(secretBytes).write(to: URL(fileURLWithPath: secret))
        chmod(secret, 0o600)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func hotFolder() -> HotFolder {
        HotFolder(
            profile: "test",
            folders: .init(inbox: directory + "/inbox", outbox: directory + "/outbox", done: directory + "/done", failed: directory + "/failed"),
            settings: SealSettings(), audit: nil, openKey: { throw FileError(.cannotRead, "no key in this test") })
    }

    /// The hot folder looks twice (a document is taken when unchanged between
    /// two looks) and returns what it picked.
    func pick(_ folder: HotFolder, _ name: String) async throws -> SealInput {
        _ = await folder.completeDocuments()
        let ready = await folder.completeDocuments()
        return try XCTUnwrap(ready.first { $0.name == name }, "\(ready)")
    }

    func testADocumentSwappedForALinkToASecretAfterThePickIsNotRead() async throws {
        let document = directory + "/inbox/a.bin"
        try Data("dokument".utf8).write(to: URL(fileURLWithPath: document))
        let input = try await pick(hotFolder(), "a.bin")
        // The inbox writer swaps the picked name for a link to the secret.
        let link = directory + "/inbox/.link"
        XCTAssertEqual(symlink(secret, link), 0)
        XCTAssertEqual(rename(link, document), 0)
        XCTAssertThrowsError(try input.read(limit: 1 << 20)) { error in
            XCTAssertEqual((error as? FileError)?.kind, .notAFile, "\(error)")
        }
    }

    func testADocumentSwappedForAnotherFileAfterThePickIsNotRead() async throws {
        let document = directory + "/inbox/a.bin"
        try Data("dokument".utf8).write(to: URL(fileURLWithPath: document))
        let input = try await pick(hotFolder(), "a.bin")
        // Another regular file (a copy of the secret, or a hard link to any file) under the same name.
        let other = directory + "/inbox/.other"
        try Data(secretBytes).write(to: URL(fileURLWithPath: other))
        XCTAssertEqual(rename(other, document), 0)
        XCTAssertThrowsError(try input.read(limit: 1 << 20)) { error in
            XCTAssertEqual((error as? FileError)?.kind, .changed, "\(error)")
        }
        // The same file, grown after the pick: not what was picked either.
        let grown = directory + "/inbox/b.bin"
        try Data("dokument".utf8).write(to: URL(fileURLWithPath: grown))
        let picked = try await pick(hotFolder(), "b.bin")
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: grown))
        handle.seekToEndOfFile()
        handle.write(Data(" i dopisek".utf8))
        try handle.close()
        XCTAssertThrowsError(try picked.read(limit: 1 << 20)) { XCTAssertEqual(($0 as? FileError)?.kind, .changed) }
    }

    func testTheDocumentPickedAndLeftAloneIsRead() async throws {
        let document = directory + "/inbox/a.bin"
        try Data("dokument".utf8).write(to: URL(fileURLWithPath: document))
        let input = try await pick(hotFolder(), "a.bin")
        XCTAssertNotNil(input.expected)
        XCTAssertEqual(try input.read(limit: 1 << 20), Array("dokument".utf8))
    }

    func testALinkInTheInboxIsNeverPicked() async throws {
        XCTAssertEqual(symlink(secret, directory + "/inbox/pin.bin"), 0)
        let folder = hotFolder()
        _ = await folder.completeDocuments()
        let ready = await folder.completeDocuments()
        XCTAssertEqual(ready, [])
    }

    /// Every input, not only the hot folder's: a link is refused by every
    /// way of reading, a FIFO neither hangs the reader nor is read.
    func testEveryReadOfALinkOrAFIFOIsRefused() throws {
        let link = directory + "/link.xml"
        XCTAssertEqual(symlink(secret, link), 0)
        let file = InputFile(path: link)
        XCTAssertThrowsError(try file.readAll(limit: 1 << 20)) { XCTAssertEqual(($0 as? FileError)?.kind, .notAFile) }
        XCTAssertThrowsError(try file.size()) { XCTAssertEqual(($0 as? FileError)?.kind, .notAFile) }
        XCTAssertThrowsError(try file.forEachChunk { _ in XCTFail("a chunk of the secret was read") }) {
            XCTAssertEqual(($0 as? FileError)?.kind, .notAFile)
        }
        XCTAssertThrowsError(try file.readRange(offset: 0, count: 4)) { XCTAssertEqual(($0 as? FileError)?.kind, .notAFile) }
        XCTAssertThrowsError(try SealInput(name: "link.xml", path: link).read(limit: 1 << 20)) { XCTAssertEqual(($0 as? FileError)?.kind, .notAFile) }
        XCTAssertThrowsError(try SealBatch.sha256(of: link)) { XCTAssertEqual(($0 as? FileError)?.kind, .notAFile) }

        let fifo = directory + "/fifo.xml"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertThrowsError(try InputFile(path: fifo).readAll(limit: 1 << 20)) { XCTAssertEqual(($0 as? FileError)?.kind, .notAFile) }
        XCTAssertEqual(try InputFile(path: secret).readAll(limit: 1 << 20), secretBytes, "a regular file is read")
    }

    /// Outputs and temporaries are not written through a link put in their place.
    func testAnOutputIsNotWrittenThroughALink() throws {
        let target = directory + "/outbox/a.bin.p7m"
        XCTAssertEqual(symlink(secret, target), 0)
        XCTAssertThrowsError(try AtomicOutputFile(path: target, checkingFirst: false).commit())
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: secret)), Data(secretBytes), "the secret is untouched")
        // The seal journal is not appended to through a link either.
        let journal = directory + "/outbox/" + SealJournal.fileName
        XCTAssertEqual(symlink(secret, journal), 0)
        XCTAssertThrowsError(try SealJournal(directory: directory + "/outbox"))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: secret)), Data(secretBytes))
    }
}
