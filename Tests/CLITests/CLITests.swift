import Foundation
import TestBench
import XCTest

/// `podpis readers | tokens | certs` as a user runs them: the built binary,
/// its JSON (docs/cli-json.md) and its exit codes.
final class CLITests: XCTestCase {
    static var podpis: String { TestBench.product("podpis") }

    private func podpis(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        try TestBench.require()
        return try TestBench.runCapturing(Self.podpis, arguments, environment: ["LANG": "en_US.UTF-8", "LC_ALL": ""])
    }

    private func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    /// `podpis COMMAND --json`, which must exit 0 and answer in `schema`: the list under `key`.
    private func listing(
        _ command: String, schema: String, _ key: String, file: StaticString = #filePath, line: UInt = #line
    ) throws -> [[String: Any]] {
        let result = try podpis(command, "--json")
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        let root = try json(result.stdout)
        XCTAssertEqual(root["schema"] as? String, schema, file: file, line: line)
        return try XCTUnwrap(root[key] as? [[String: Any]], file: file, line: line)
    }

    /// The entry of `list` whose `field` is `value` (a string).
    private func entry(_ list: [[String: Any]], _ field: String, _ value: String?, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try XCTUnwrap(list.first { $0[field] as? String == value }, "no \(field) \(value ?? "nil")", file: file, line: line)
    }

    func testReadersJSONListsTheVirtualReadersWithCardATRAndName() throws {
        let env = try TestBench.require()
        let readers = try listing("readers", schema: "podpis.readers/1", "readers")
        XCTAssertEqual(readers.count, 2)
        let card = try entry(readers, "name", env["PODPIS_OPENPGP_READER"])
        XCTAssertEqual(card["state"] as? String, "present")
        XCTAssertEqual(card["atr"] as? String, env["PODPIS_OPENPGP_ATR"])
        XCTAssertEqual(card["activeProtocol"] as? String, "T=1")
        let identified = try XCTUnwrap(card["card"] as? [String: Any])
        XCTAssertEqual(identified["name"] as? String, "OpenPGP card v3.4 (test bench)")
        XCTAssertEqual(identified["identifiedBy"] as? String, "table")
        XCTAssertEqual((identified["module"] as? [String: Any])?["name"] as? String, "opensc-pkcs11")
    }

    func testTokensJSONShowsTokensWithFlags() throws {
        let env = try TestBench.require()
        let tokens = try listing("tokens", schema: "podpis.tokens/1", "tokens")
        let seal = try entry(tokens, "label", env["PODPIS_SEAL_TOKEN"])
        let flags = try XCTUnwrap(seal["flags"] as? [String: Bool])
        XCTAssertEqual(flags["loginRequired"], true)
        XCTAssertEqual(flags["userPINLocked"], false)
        XCTAssertEqual((seal["module"] as? [String: Any])?["name"] as? String, "softhsm2")
        XCTAssertTrue((seal["signingMechanisms"] as? [String])?.contains("CKM_RSA_PKCS_PSS") == true)
        XCTAssertTrue(tokens.contains { $0["label"] as? String == env["PODPIS_OPENPGP_SIGN_TOKEN"] })
    }

    func testCertsJSONShowsQualifiedFactsSealEsealVATPLAndPersonPNOPL() throws {
        let env = try TestBench.require()
        let certs = try listing("certs", schema: "podpis.certs/1", "certificates")
        let seal = try entry(certs, "token", env["PODPIS_SEAL_TOKEN"])
        let sealFacts = try XCTUnwrap(seal["facts"] as? [String: Any])
        XCTAssertEqual((sealFacts["qcStatements"] as? [String: Any])?["types"] as? [String], ["eseal"])
        XCTAssertTrue((sealFacts["organizationIdentifier"] as? String)?.hasPrefix("VATPL-") == true)
        XCTAssertEqual(seal["qualifiedForSealing"] as? Bool, true)

        let people = certs.filter { ($0["facts"] as? [String: Any])?["personIdentifier"] as? String != nil }
        XCTAssertFalse(people.isEmpty)
        for person in people {
            XCTAssertTrue(((person["facts"] as? [String: Any])?["personIdentifier"] as? String)?.hasPrefix("PNOPL-") == true)
        }
        let qualifiedPeople = people.filter { $0["qualifiedForSigning"] as? Bool == true }
        XCTAssertGreaterThanOrEqual(qualifiedPeople.count, 3)
        XCTAssertTrue(certs.contains { $0["validity"] as? String == "expired" })
        // SoftHSM hides private keys until login; their public halves say they are there.
        let signerCerts = certs.filter { $0["token"] as? String == env["PODPIS_SIGNER_TOKEN"] }
        XCTAssertEqual(signerCerts.count, 5)
        XCTAssertTrue(signerCerts.allSatisfy { $0["key"] == nil && $0["keyHiddenUntilLogin"] as? Bool == true })
    }

    func testCertsLoginPairsKeysAndShowsAlwaysAuthenticate() throws {
        let env = try TestBench.require()
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The PIN comes on a file descriptor (here: standard input, fd 0), never as an argument.
        let result = try TestBench.runCapturing(
            Self.podpis, ["certs", "--json", "--no-registered", "--module", env["PODPIS_SOFTHSM_MODULE"]!, "--token", env["PODPIS_SIGNER_TOKEN"]!, "--login", "--pin-fd", "0"],
            stdin: Data((env["PODPIS_SIGNER_PIN"]! + "\n").utf8))
        XCTAssertEqual(result.status, 0, result.stderr + result.stdout)
        XCTAssertFalse(result.stdout.contains(env["PODPIS_SIGNER_PIN"]! + "\""))
        let certs = try XCTUnwrap(try json(result.stdout)["certificates"] as? [[String: Any]])
        XCTAssertEqual(certs.count, 5)
        XCTAssertTrue(certs.allSatisfy { ($0["key"] as? [String: Any])?["pairedBy"] as? String == "CKA_ID" })
        XCTAssertEqual(certs.filter { ($0["key"] as? [String: Any])?["alwaysAuthenticate"] as? Bool == true }.count, 1)
    }

    func testExportWritesThePEMOfTheChosenCertificate() throws {
        let env = try TestBench.require()
        let seal = try entry(try listing("certs", schema: "podpis.certs/1", "certificates"), "token", env["PODPIS_SEAL_TOKEN"])
        let id = try XCTUnwrap(seal["id"] as? String)
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("seal.pem").path
        let result = try podpis("certs", "--export", id, "-o", out)
        XCTAssertEqual(result.status, 0, result.stderr)
        // openssl reads the same certificate as the bench wrote.
        let ours = try TestBench.run("openssl", ["x509", "-in", out, "-noout", "-fingerprint", "-sha256"])
        let bench = try TestBench.run("openssl", ["x509", "-in", try TestBench.pki("seal.pem"), "-noout", "-fingerprint", "-sha256"])
        XCTAssertEqual(ours, bench)
        // An existing file is never overwritten.
        let again = try podpis("certs", "--export", id, "-o", out)
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("already exists"), again.stderr)
        // An unknown id: exit 7.
        let missing = try podpis("certs", "--export", "0123456789abcdef")
        XCTAssertEqual(missing.status, 7)
    }

    /// The OpenPGP card's one certificate shows in both of the card's PIN slots
    /// (and, through OpenSC, as more than one certificate object; on some desks
    /// through two modules too): still one row (one JSON entry), with every
    /// place under it; the entry names the slot signing uses, and --export finds it.
    func testOneCertificateOnSeveralSlotsAndModulesIsOneRowWithItsPlaces() throws {
        let env = try TestBench.require()
        let certs = try listing("certs", schema: "podpis.certs/1", "certificates")
        let ids = certs.compactMap { $0["id"] as? String }
        XCTAssertEqual(ids.count, certs.count)
        XCTAssertEqual(Set(ids).count, ids.count, "one entry per certificate: \(ids.sorted())")
        XCTAssertEqual(Set(certs.compactMap { ($0["facts"] as? [String: Any])?["sha256"] as? String }).count, certs.count)

        let fingerprint = try TestBench.run("openssl", ["x509", "-in", try TestBench.pki("openpgp-sign.pem"), "-noout", "-fingerprint", "-sha256"])
        let sha256 = String(fingerprint.split(separator: "=").last!).replacingOccurrences(of: ":", with: "").lowercased()
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let card = try XCTUnwrap(certs.first { ($0["facts"] as? [String: Any])?["sha256"] as? String == sha256 }, "\(certs)")
        let places = try XCTUnwrap(card["locations"] as? [[String: Any]], "\(card)")
        XCTAssertGreaterThanOrEqual(places.count, 2, "\(places)")
        XCTAssertTrue(places.contains { $0["token"] as? String == env["PODPIS_OPENPGP_SIGN_TOKEN"] }, "\(places)")
        for place in places {
            XCTAssertNotNil(place["module"] as? String, "\(place)")
            XCTAssertNotNil(place["modulePath"] as? String, "\(place)")
            XCTAssertNotNil(place["tokenSerial"] as? String, "\(place)")
            XCTAssertNotNil(place["slotID"] as? Int, "\(place)")
            XCTAssertNotNil(place["objectID"] as? String, "\(place)")
        }
        XCTAssertEqual(
            Set(places.map { "\($0["modulePath"] ?? "") \($0["slotID"] ?? "") \($0["objectID"] ?? "")" }).count, places.count,
            "each place once: \(places)")
        // The entry's own token and object are those signing picks: the signature PIN's slot, its key's CKA_ID.
        XCTAssertEqual(card["token"] as? String, env["PODPIS_OPENPGP_SIGN_TOKEN"])
        XCTAssertEqual(card["objectID"] as? String, env["PODPIS_OPENPGP_SIGN_KEY_ID"])
        // A certificate in one place has that one place.
        let seal = try entry(certs, "token", env["PODPIS_SEAL_TOKEN"])
        let sealPlaces = try XCTUnwrap(seal["locations"] as? [[String: Any]])
        XCTAssertEqual(sealPlaces.count, 1)
        XCTAssertEqual(sealPlaces.first?["module"] as? String, "softhsm2")

        // The table: one row, and one "on:" line per place under it.
        let id = try XCTUnwrap(card["id"] as? String)
        let table = try podpis("certs")
        XCTAssertEqual(table.status, 0, table.stderr)
        let lines = table.stdout.split(separator: "\n")
        XCTAssertEqual(lines.filter { $0.hasPrefix(id) }.count, 1, table.stdout)
        let row = try XCTUnwrap(lines.firstIndex { $0.hasPrefix(id) })
        let under = lines[(row + 1)...].prefix { $0.hasPrefix("    ") }
        XCTAssertEqual(under.count, places.count, table.stdout)
        XCTAssertTrue(under.allSatisfy { $0.contains("na / on: ") && $0.contains("slot ") }, table.stdout)
        XCTAssertTrue(under.contains { $0.contains(env["PODPIS_OPENPGP_SIGN_TOKEN"]!) }, table.stdout)

        // --export finds the one certificate, not "several".
        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("card.pem").path
        let export = try podpis("certs", "--export", id, "-o", out)
        XCTAssertEqual(export.status, 0, export.stderr)
        XCTAssertEqual(try TestBench.run("openssl", ["x509", "-in", out, "-noout", "-fingerprint", "-sha256"]), fingerprint)
    }

    func testModulePathThatDoesNotExistExits5WithAClearMessage() throws {
        let result = try podpis("tokens", "--module", "/nonexistent/vendor-pkcs11.so")
        XCTAssertEqual(result.status, 5)
        XCTAssertTrue(result.stderr.contains("PKCS#11 module /nonexistent/vendor-pkcs11.so not found"), result.stderr)
        let json = try podpis("tokens", "--json", "--module", "/nonexistent/vendor-pkcs11.so")
        XCTAssertEqual(json.status, 5)
        XCTAssertEqual((try self.json(json.stdout)["error"] as? [String: String])?["code"], "module-not-found")
    }

    func testFileThatIsNotAModuleExits5() throws {
        let result = try podpis("certs", "--module", "/etc/hostname")
        XCTAssertEqual(result.status, 5)
        XCTAssertTrue(result.stderr.contains("Cannot load PKCS#11 module /etc/hostname"), result.stderr)
    }

    func testPolishMessagesForAPolishLocale() throws {
        try TestBench.require()
        let result = try TestBench.runCapturing(
            Self.podpis, ["tokens", "--module", "/nonexistent/x.so"], environment: ["LANG": "pl_PL.UTF-8", "LC_ALL": ""])
        XCTAssertEqual(result.status, 5)
        XCTAssertTrue(result.stderr.contains("Nie znaleziono modułu PKCS#11"), result.stderr)
    }

    func testTokenRemovedBeforeUseExits6() throws {
        let env = try TestBench.require()
        try TestBench.script("card.sh", "openpgp", "stop")
        defer { _ = try? TestBench.script("card.sh", "openpgp", "start") }
        let result = try podpis("certs", "--token", env["PODPIS_OPENPGP_SIGN_TOKEN"]!)
        XCTAssertEqual(result.status, 6, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("not found"), result.stderr)
    }

    func testPCSCDNotRunningExits3AndNoReadersExits4() throws {
        try TestBench.require()
        try TestBench.script("pcscd.sh", "stop")
        defer { _ = try? TestBench.script("pcscd.sh", "start") }
        let down = try podpis("readers")
        XCTAssertEqual(down.status, 3)
        XCTAssertTrue(down.stderr.contains("pcscd smart card service is not running"), down.stderr)

        try TestBench.script("pcscd.sh", "start", "--no-readers")
        let none = try podpis("readers", "--json")
        XCTAssertEqual(none.status, 4, none.stdout)
        XCTAssertEqual((try json(none.stdout)["error"] as? [String: String])?["code"], "pcsc-no-readers")
        try TestBench.script("pcscd.sh", "stop")
    }
}
