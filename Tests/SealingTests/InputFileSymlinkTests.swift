import Crypto
@testable import DaemonConfiguration
import Files
import Foundation
import PKCS11
@testable import SealService
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
final class InputFileSymlinkTests: ScratchDirectoryTestCase {
    var secret = ""
    let secretBytes = Array("seal PIN 123456, SEKRET".utf8)

    override func setUpWithError() throws {
        try super.setUpWithError()
        for folder in ["/inbox", "/outbox", "/done", "/failed", "/credentials"] {
            try FileManager.default.createDirectory(atPath: directory + folder, withIntermediateDirectories: true)
        }
        secret = directory + "/credentials/seal.pin"
        try Data(secretBytes).write(to: URL(fileURLWithPath: secret))
        chmod(secret, 0o600)
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

    /// The hot folder itself, with the real seal key on SoftHSM whose PIN
    /// file is the secret: between the look and the sealing (the test hook),
    /// one document is swapped for a link to the PIN file and another for a
    /// different file. The first goes to failed/ (`not-a-regular-file`), the
    /// second stays in the inbox and is sealed, with its new content, once it
    /// holds still; not a byte of the PIN file is in the outbox.
    func testTheHotFolderSealsNoDocumentSwappedAfterItsLook() async throws {
        let env = try TestBench.require()
        try Data((env["PODPIS_SEAL_PIN"]! + "\n").utf8).write(to: URL(fileURLWithPath: secret))
        chmod(secret, 0o600)
        let secretBytes = Data((env["PODPIS_SEAL_PIN"]! + "\n").utf8)
        let der = try Data(contentsOf: URL(fileURLWithPath: try TestBench.pki("seal.der")))
        let certificate = String(SHA256.hash(data: der).map { String(format: "%02x", $0) }.joined().prefix(16))
        let module = try Module.load(path: try XCTUnwrap(env["PODPIS_SOFTHSM_MODULE"]))
        let key = try SealKey(certificate: certificate, modules: [module], sessions: 1, pin: .file(secret))
        var settings = SealSettings()
        settings.other = .cadesAttached  // the content embedded: a secret read would show in the outbox
        let folder = HotFolder(
            profile: "test",
            folders: .init(inbox: directory + "/inbox", outbox: directory + "/outbox", done: directory + "/done", failed: directory + "/failed"),
            settings: settings, audit: nil, openKey: { key })
        let inbox = directory + "/inbox"
        try Data("dokument a\n".utf8).write(to: URL(fileURLWithPath: inbox + "/a.bin"))
        try Data("dokument b\n".utf8).write(to: URL(fileURLWithPath: inbox + "/b.bin"))
        let secret = self.secret
        await folder.setAfterPick { picked in
            XCTAssertEqual(picked.map(\.name), ["a.bin", "b.bin"])
            XCTAssertEqual(symlink(secret, inbox + "/.link"), 0)
            XCTAssertEqual(rename(inbox + "/.link", inbox + "/a.bin"), 0)
            try? Data("dokument b, inny\n".utf8).write(to: URL(fileURLWithPath: inbox + "/.other"))
            XCTAssertEqual(rename(inbox + "/.other", inbox + "/b.bin"), 0)
        }
        await folder.poll()  // first look: nothing complete yet
        await folder.poll()  // second look: both picked, swapped, sealed or not
        await folder.setAfterPick(nil)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory + "/outbox").filter { !$0.hasPrefix(".") }, [])
        let reason = try String(contentsOfFile: directory + "/failed/a.bin.reason.txt", encoding: .utf8)
        XCTAssertTrue(reason.hasPrefix("not-a-regular-file\n"), reason)
        XCTAssertTrue(FileManager.default.fileExists(atPath: inbox + "/b.bin"), "changed after its look: left in the inbox")
        await folder.poll()
        await folder.poll()
        let sealed = try Data(contentsOf: URL(fileURLWithPath: directory + "/outbox/b.bin.p7m"))
        XCTAssertNotNil(sealed.range(of: Data("dokument b, inny\n".utf8)), "sealed as it is now")
        for name in try FileManager.default.contentsOfDirectory(atPath: directory + "/outbox") {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/outbox/" + name))
            XCTAssertNil(data.range(of: secretBytes), "\(name) holds the PIN file's bytes")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/outbox/a.bin.p7m"))
        key.close()
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
        XCTAssertThrowsError(try SealInput(name: "link.xml", path: link).digest()) { XCTAssertEqual(($0 as? FileError)?.kind, .notAFile) }

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
