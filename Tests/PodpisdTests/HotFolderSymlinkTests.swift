import Foundation
import TestBench
import XCTest

/// The hot folder against an inbox writer who plays with links, on a real
/// podpisd: each document name is swapped back and forth (renameat2
/// RENAME_EXCHANGE, thousands of times a second) between a regular file and
/// a symbolic link to a secret standing in for the seal PIN file, so that
/// the hot folder's look sees the regular file and its open may meet the
/// link. Documents are sealed as CAdES attached (the content embedded), so
/// a secret read would show in the outbox. Nothing of the secret reaches the
/// outbox; what is sealed is the regular file's content.
///
/// What this covers: a race, run for many documents at once; it cannot
/// force the swap into the exact moment between look and open (the unit
/// test `SealingTests.InputFileSymlinkTests` does, deterministically). On
/// the code before the fix (lstat, then open by path following links) it
/// seals the secret for some of the documents in nearly every run.
final class HotFolderSymlinkTests: BenchTestCase {
    func testADocumentSwappedForALinkToASecretIsNeverSealedWithTheSecret() throws {
        let base = try scratchDirectory()
        // The secret: only its owner (podpisd's user) may read it, like the PIN file.
        let secretMarker = "SEKRET-\(UUID().uuidString)"
        let credentials = base.appendingPathComponent("credentials")
        try FileManager.default.createDirectory(at: credentials, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let secret = credentials.appendingPathComponent("seal-pin").path
        try Data("\(secretMarker)\n".utf8).write(to: URL(fileURLWithPath: secret))
        chmod(secret, 0o600)
        func folder(_ name: String) -> URL { base.appendingPathComponent("hot").appendingPathComponent(name) }
        let daemon = try SealingTests.hotFolderDaemon(env: env, base: base, extra: #"other = "cades-attached""#)
        XCTAssertTrue(TestBench.waitUntil(timeout: 20) { daemon.logText.contains("zaswiadczenia") }, daemon.logText)

        // 40 names, each swapped between a regular file and a link to the secret
        // until the hot folder takes it away (then the exchange fails and that name is done).
        let count = 40
        let swapper = base.appendingPathComponent("swap.py").path
        try Data("""
            import ctypes, os, sys, time
            libc = ctypes.CDLL(None, use_errno=True)
            inbox, secret, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
            names = []
            for i in range(count):
                name, other = f"{inbox}/doc-{i}.bin", f"{inbox}/.swap-{i}"
                os.symlink(secret, other)
                with open(f"{inbox}/.new-{i}", "w") as f: f.write(f"dokument {i}\\n")
                os.rename(f"{inbox}/.new-{i}", name)
                names.append((name.encode(), other.encode()))
            deadline = time.time() + 25
            while names and time.time() < deadline:
                for pair in list(names):
                    if libc.renameat2(-100, pair[0], -100, pair[1], 2) != 0:
                        names.remove(pair)
            # A name still swapped at the deadline may be left as the link, which
            # the hot folder rightly never takes: put its regular file back.
            for name, other in names:
                if os.path.islink(name):
                    libc.renameat2(-100, name, -100, other, 2)
            print("left", len(names))
            """.utf8).write(to: URL(fileURLWithPath: swapper))
        let swapping = try Background.start("/usr/bin/python3", [swapper, folder("inbox").path, secret, String(count)],
                                            output: base.appendingPathComponent("swap.log").path)
        XCTAssertNotNil(TestBench.reap(swapping, within: 120), "the swapper ends after its 25 s")
        TestBench.stop(swapping, grace: 0)
        // Everything taken and finished: sealed into the outbox, or refused
        // into failed/ (a document taken last may still be being sealed when
        // the inbox is already empty).
        func finished() -> Int {
            let outbox = (try? FileManager.default.contentsOfDirectory(atPath: folder("outbox").path)) ?? []
            let failed = (try? FileManager.default.contentsOfDirectory(atPath: folder("failed").path)) ?? []
            return outbox.filter { $0.hasSuffix(".p7m") }.count + failed.filter { $0.hasSuffix(".reason.txt") }.count
        }
        XCTAssertTrue(TestBench.waitUntil(timeout: 20) {
            let inbox = (try? FileManager.default.contentsOfDirectory(atPath: folder("inbox").path)) ?? []
            return !inbox.contains { $0.hasPrefix("doc-") } && finished() >= count
        }, "left in the inbox: \((try? FileManager.default.contentsOfDirectory(atPath: folder("inbox").path)) ?? []), finished \(finished())")
        let swapLog = (try? String(contentsOf: base.appendingPathComponent("swap.log"), encoding: .utf8)) ?? ""
        // Most names must have been taken while still being swapped (the race
        // was run); on a loaded machine a few may outlast the swapper's 25 s
        // and be taken once they hold still.
        let left = swapLog.split(separator: "\n").first { $0.hasPrefix("left ") }.flatMap { Int($0.dropFirst(5)) }
        XCTAssertNotNil(left, swapLog)
        XCTAssertLessThanOrEqual(left ?? count, count / 4, "most names were taken while being swapped: \(swapLog)")

        // Not a byte of the secret in the outbox (attached CAdES embeds what was read) or in a reason file.
        let marker = Data(secretMarker.utf8)
        var sealed = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder("outbox").path)) ?? [] {
            let data = try Data(contentsOf: folder("outbox").appendingPathComponent(name))
            XCTAssertNil(data.range(of: marker), "\(name) holds the secret")
            if name.hasSuffix(".p7m") {
                sealed += 1
                let index = name.dropFirst("doc-".count).prefix { $0.isNumber }
                XCTAssertNotNil(data.range(of: Data("dokument \(index)\n".utf8)), "\(name) holds its own document")
            }
        }
        var refused = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder("failed").path)) ?? [] where name.hasSuffix(".reason.txt") {
            refused += 1
            let reason = try String(contentsOf: folder("failed").appendingPathComponent(name), encoding: .utf8)
            XCTAssertFalse(reason.contains(secretMarker))
            let code = String(reason.prefix { $0 != "\n" })
            XCTAssertEqual(code, "not-a-regular-file", "\(name): \(reason)")
        }
        XCTAssertEqual(sealed + refused, count, "each document sealed or refused, once")
        XCTAssertEqual(kill(daemon.pid, 0), 0)
        print("hot folder under swapping: \(sealed) sealed with their own content, \(refused) refused")
    }
}
