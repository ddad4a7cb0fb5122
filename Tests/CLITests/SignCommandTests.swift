import Foundation
import TestBench
import XCTest

/// `podpis sign --format cades` as a script or a clerk runs it; PINs come on
/// standard input through --pin-fd 0, one per line.
final class SignCommandTests: SignCommandCase {
    private func sign(_ arguments: [String], pins: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runSign(format: "cades", arguments, pins: pins)
    }

    private func verify(_ signature: String, content: String? = nil) throws -> Bool {
        var args = ["cms", "-verify", "-binary", "-inform", "DER", "-in", signature, "-out", "/dev/null", "-purpose", "any",
                    "-CAfile", try TestBench.pki("chain.pem")]
        if let content { args += ["-content", content] }
        return try TestBench.runCapturing("openssl", args).status == 0
    }

    private func file(_ name: String, _ text: String = "Zaświadczenie o niezaleganiu\n") throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testDetachedSealSignatureIsWrittenBesideTheFileAndVerifies() throws {
        let env = try TestBench.require()
        let doc = try file("zaswiadczenie.pdf")
        let result = try sign(["--detached", "--cert", try certificateID("seal.pem"), "--commitment", "origin", doc], pins: [env["PODPIS_SEAL_PIN"]!])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(try verify(doc + ".p7s", content: doc))
        XCTAssertFalse(result.stdout.contains(env["PODPIS_SEAL_PIN"]!) || result.stderr.contains(env["PODPIS_SEAL_PIN"]! + "\n"))
    }

    func testAlwaysAuthenticateKeyAsksAFreshPINForEverySignature() throws {
        let env = try TestBench.require()
        let pin = env["PODPIS_SIGNER_PIN"]!
        let a = try file("a.txt", "a"), b = try file("b.txt", "b")
        // One login, then one context PIN per signature: three lines.
        let result = try sign(["--cert", try certificateID("person-rsa.pem"), a, b], pins: [pin, pin, pin])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr.components(separatedBy: "this signature").count - 1, 0, "--pin-fd prints no prompts")
        XCTAssertTrue(try verify(a + ".p7s"))
        XCTAssertTrue(try verify(b + ".p7s"))
        // With only two PIN lines the second signature cannot get its PIN: it fails, the first stays.
        let c = try file("c.txt", "c"), d = try file("d.txt", "d")
        let short = try sign(["--cert", try certificateID("person-rsa.pem"), c, d], pins: [pin, pin])
        XCTAssertEqual(short.status, 8, short.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: c + ".p7s"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: d + ".p7s"))
    }

    func testWrongPINExits8WithTheTokensPINStateAndWritesNothing() throws {
        let env = try TestBench.require()
        let doc = try file("x.txt")
        let result = try sign(["--detached", "--cert", try certificateID("seal.pem"), doc], pins: ["0000"])
        XCTAssertEqual(result.status, 8, result.stderr)
        XCTAssertTrue(result.stderr.contains("Incorrect PIN"), result.stderr)
        XCTAssertFalse(result.stderr.contains("0000"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: doc + ".p7s"))
        // The right PIN afterwards works (and clears SoftHSM's "count low").
        XCTAssertEqual(try sign(["--detached", "--cert", try certificateID("seal.pem"), doc], pins: [env["PODPIS_SEAL_PIN"]!]).status, 0)
    }

    func testBTWithTheBenchTSAAndAParallelSignerThroughTheCLI() throws {
        let env = try TestBench.require()
        let doc = try file("decyzja.xml", "<decyzja/>")
        let first = try sign(
            ["--detached", "--level", "B-T", "--tsa", env["PODPIS_TSA_URL"]!, "--cert", try certificateID("seal.pem"), doc],
            pins: [env["PODPIS_SEAL_PIN"]!])
        XCTAssertEqual(first.status, 0, first.stderr)
        let both = dir.appendingPathComponent("decyzja.xml.2.p7s").path
        let second = try sign(
            ["--detached", "--add-to", doc + ".p7s", "-o", both, "--cert", try certificateID("person-ec.pem"), doc],
            pins: [env["PODPIS_SIGNER_PIN"]!])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(try verify(both, content: doc))
        let printed = try TestBench.run("openssl", ["cms", "-cmsout", "-print", "-inform", "DER", "-in", both])
        XCTAssertEqual(printed.components(separatedBy: "signatureAlgorithm:").count - 1, 2, "two signers")
        XCTAssertTrue(printed.contains("id-smime-aa-timeStampToken"), "the first signer keeps its time-stamp")
    }

    /// A parallel signer on an attached signature (.p7m) signs the content the
    /// signature carries: no file needed; a file given must be that content
    /// (else cms-content-differs, before any PIN); a detached signature still
    /// needs its file (cms-content-missing, before any PIN).
    func testParallelSignerOnAnAttachedSignatureTakesTheContentFromIt() throws {
        let env = try TestBench.require()
        let text = "Decyzja nr 7/2026\n"
        let doc = try file("decyzja.txt", text)
        let p7m = dir.appendingPathComponent("decyzja.txt.p7m").path
        let first = try sign(["--cert", try certificateID("seal.pem"), "-o", p7m, doc], pins: [env["PODPIS_SEAL_PIN"]!])
        XCTAssertEqual(first.status, 0, first.stderr)
        try FileManager.default.removeItem(atPath: doc)  // the clerk has only the .p7m

        let both = dir.appendingPathComponent("decyzja.2.p7m").path
        let second = try sign(["--add-to", p7m, "-o", both, "--cert", try certificateID("person-ec.pem")], pins: [env["PODPIS_SIGNER_PIN"]!])
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        // Still attached: openssl verifies both signers with nothing but the file, and gives the content back.
        let extracted = dir.appendingPathComponent("extracted.txt").path
        let verified = try TestBench.runCapturing("openssl", [
            "cms", "-verify", "-binary", "-inform", "DER", "-in", both, "-out", extracted, "-purpose", "any",
            "-CAfile", try TestBench.pki("chain.pem")])
        XCTAssertEqual(verified.status, 0, verified.stderr)
        XCTAssertEqual(try String(contentsOfFile: extracted, encoding: .utf8), text)
        let printed = try TestBench.run("openssl", ["cms", "-cmsout", "-print", "-inform", "DER", "-in", both])
        XCTAssertEqual(printed.components(separatedBy: "signatureAlgorithm:").count - 1, 2, "two signers")

        // The same content given as a file: accepted.
        let same = try file("same.txt", text)
        let third = dir.appendingPathComponent("decyzja.3.p7m").path
        let withFile = try sign(["--add-to", p7m, "-o", third, "--cert", try certificateID("person-ec.pem"), same], pins: [env["PODPIS_SIGNER_PIN"]!])
        XCTAssertEqual(withFile.status, 0, withFile.stderr)
        XCTAssertTrue(try verify(third))

        // Another file: refused before any PIN is asked (no PIN lines given), nothing written.
        let other = try file("other.txt", "Decyzja nr 8/2026\n")
        let refused = dir.appendingPathComponent("decyzja.4.p7m").path
        let differs = try sign(["--add-to", p7m, "-o", refused, "--cert", try certificateID("person-ec.pem"), other], pins: [])
        XCTAssertEqual(differs.status, 10, differs.stderr)
        XCTAssertTrue(differs.stderr.contains("[cms-content-differs]"), differs.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: refused))

        // A detached signature without its file: refused before any PIN, with the code.
        let detachedDoc = try file("aneks.txt", "Aneks\n")
        let p7s = try sign(["--detached", "--cert", try certificateID("seal.pem"), detachedDoc], pins: [env["PODPIS_SEAL_PIN"]!])
        XCTAssertEqual(p7s.status, 0, p7s.stderr)
        let missing = try sign(
            ["--add-to", detachedDoc + ".p7s", "-o", dir.appendingPathComponent("aneks.2.p7s").path, "--cert", try certificateID("person-ec.pem")],
            pins: [])
        XCTAssertEqual(missing.status, 10, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("[cms-content-missing]"), missing.stderr)
    }

    func testBadInputIsRefusedBeforeAnyPINIsAsked() throws {
        let missing = try sign(["--detached", "/nonexistent/file.pdf"], pins: [])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("Cannot read the file"), missing.stderr)
        let env = try TestBench.require()
        let bt = try sign(["--level", "B-T", try file("y.txt")], pins: [env["PODPIS_SEAL_PIN"]!])
        XCTAssertEqual(bt.status, 64, "B-T without --tsa is a usage error")
        let several = try sign(["--detached", try file("z.txt")], pins: [env["PODPIS_SEAL_PIN"]!])
        XCTAssertEqual(several.status, 7, several.stderr)
        XCTAssertTrue(several.stderr.contains("--cert"), several.stderr)
    }
}
