import Foundation
import TestBench
import XCTest

/// `podpis seal` through podpisd reads an input folder that others may write
/// to (a sealing server's inbox): a link planted there to a secret of the
/// sealing account is refused, never sent to be sealed.
extension SealBatchTests {
    func testALinkInTheInputFolderToASecretIsRefusedAndNothingOfItIsSealed() throws {
        let (dir, daemon, input, out) = try softHSMSeald(sessions: 1, documents: 4)
        let secret = "tajne-haslo-pieczeci-\(UUID().uuidString)"
        let secretFile = dir.appendingPathComponent("secret.txt")
        try Data(secret.utf8).write(to: secretFile)
        chmod(secretFile.path, 0o600)
        try FileManager.default.createSymbolicLink(atPath: input.appendingPathComponent("zaswiadczenie-9999.pdf").path, withDestinationPath: secretFile.path)
        try daemon.start()
        defer { daemon.stop() }

        let run = try TestBench.runCapturing(Self.podpis, daemon.sealArguments(input, out: out, "--json"), environment: ["LANG": "en_US.UTF-8"])
        XCTAssertNotEqual(run.status, 0, "a refused document is a failure: " + run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.contains("not-a-regular-file"), run.stdout + run.stderr)
        XCTAssertEqual(SealOutputs.names(in: out).filter { $0.hasPrefix("zaswiadczenie-9999") }, [], "the link was not sealed")
        XCTAssertEqual(SealOutputs.names(in: out).count, 4, "the real documents were: \(SealOutputs.names(in: out))")
        for name in SealOutputs.names(in: out) {
            let bytes = try Data(contentsOf: out.appendingPathComponent(name))
            XCTAssertNil(bytes.range(of: Data(secret.utf8)), "\(name) holds the secret")
        }
        // Nor did podpisd ever receive it.
        for case let path as String in FileManager.default.enumerator(atPath: daemon.batches) ?? .init() {
            var isDirectory: ObjCBool = false
            let full = daemon.batches + "/" + path
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            XCTAssertNil(try Data(contentsOf: URL(fileURLWithPath: full)).range(of: Data(secret.utf8)), "\(path) in podpisd's batch holds the secret")
        }
    }
}
