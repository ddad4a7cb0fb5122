import DaemonConfiguration
import XCTest

/// Files in order, key by key; unreadable and broken files reported and skipped.
final class LoadingTests: ConfigurationFileTestCase {
    func testUserFileOverridesSystemFileKeyByKey() throws {
        let system = try directory.write("etc/podpisd.toml", """
            [server]
            port = 1000
            socket_mode = "0660"
            socket_group = "podpis"
            idle_timeout_seconds = 30
            [defaults]
            format = "cades"
            """)
        let user = try directory.write("home/podpisd.toml", """
            [server]
            port = 2000
            [defaults]
            level = "B-T"
            [timestamp]
            urls = ["http://time.certum.pl"]
            """)
        let (configuration, problems) = DaemonConfiguration.load(files: [system, user], environment: [:])
        XCTAssertEqual(problems, [])
        var expected = DaemonConfiguration()
        expected.server.port = 2000
        expected.server.socketMode = 0o660
        expected.server.socketGroup = "podpis"
        expected.server.idleTimeoutSeconds = 30
        expected.defaults.format = .cades
        expected.defaults.level = .baselineT
        expected.timestamp.urls = ["http://time.certum.pl"]
        XCTAssertEqual(configuration, expected)

        // The other order: the system file has the last word.
        let reversed = DaemonConfiguration.load(files: [user, system], environment: [:])
        XCTAssertEqual(reversed.configuration.server.port, 1000)
        XCTAssertEqual(reversed.configuration.defaults.level, .baselineT)
    }

    func testInvalidValueLeavesTheEarlierFilesValue() throws {
        let system = try directory.write("system.toml", "[server]\nport = 1000\nmax_body_mib = 100\n")
        let user = try directory.write("user.toml", "[server]\nport = 70000\nmax_body_mib = 0\nmax_json_mib = 8\n")
        let (configuration, problems) = DaemonConfiguration.load(files: [system, user], environment: [:])
        XCTAssertEqual(configuration.server.port, 1000)
        XCTAssertEqual(configuration.server.maxBodyBytes, 100 * 1_048_576)
        XCTAssertEqual(configuration.server.maxJSONBytes, 8 * 1_048_576)
        XCTAssertEqual(problems.map(\.file), [user, user])
        XCTAssertEqual(problems.map(\.line), [2, 3])
        XCTAssertEqual(problems.map(\.code), ["out-of-range", "out-of-range"])
    }

    func testSyntaxErrorIsReportedWithItsLineAndTheOtherFilesStillApply() throws {
        let broken = try directory.write("broken.toml", """
            [server]
            port = 1000

            socket = "/run/podpis.sock
            [limits]
            """)
        let good = try directory.write("good.toml", "[limits]\nxml_max_depth = 50\n")
        let (configuration, problems) = DaemonConfiguration.load(files: [broken, good], environment: [:])
        XCTAssertEqual(problems.count, 1)
        let problem = try XCTUnwrap(problems.first)
        XCTAssertEqual(problem.file, broken)
        XCTAssertEqual(problem.line, 4)
        XCTAssertEqual(problem.code, "toml-syntax")
        XCTAssertEqual(problem.key, "")
        XCTAssertEqual(problem.severity, .error)
        XCTAssertTrue(problem.message.en.hasPrefix("TOML syntax error (line 4, column "), problem.message.en)
        XCTAssertTrue(problem.message.pl.hasPrefix("Błąd składni TOML (wiersz 4, kolumna "), problem.message.pl)
        // The broken file is ignored as a whole: its port too.
        XCTAssertEqual(configuration.server.port, 35900)
        XCTAssertEqual(configuration.limits.xmlMaxDepth, 50)
    }

    func testSyntaxErrorLinesOfOtherMistakes() throws {
        let cases: [(String, Int)] = [
            ("[server]\nport = 1\nport = 2\n", 3),                   // a key twice
            ("# comment\n\n[server\nport = 1\n", 3),                  // an unclosed header
            ("[server]\nport = 0660\n", 2),                           // TOML has no leading zeros
            ("[server]\n[pkcs11]\n[server]\n", 3),                    // a table twice
            ("[limits]\nxml_max_depth = 200\nxml_max_nodes = \n", 3), // no value
        ]
        for (index, (text, line)) in cases.enumerated() {
            let file = try directory.write("case\(index).toml", text)
            let problems = DaemonConfiguration.load(files: [file], environment: [:]).problems
            XCTAssertEqual(problems.map(\.code), ["toml-syntax"], "case \(index)")
            XCTAssertEqual(problems.first?.line, line, "case \(index): \(problems)")
        }
    }

    func testBytesThatAreNotTextAreASyntaxErrorOnTheirLine() throws {
        let latin2 = try directory.write("latin2.toml", bytes: Array("[server]\nsocket_group = \"".utf8) + [0xB3, 0x22, 0x0A])
        let nul = try directory.write("nul.toml", bytes: Array("[server]\nport = 1\n".utf8) + [0x00] + Array("\nport = 2\n".utf8))
        let latin2Problems = DaemonConfiguration.load(files: [latin2], environment: [:]).problems
        XCTAssertEqual(latin2Problems.map(\.code), ["toml-syntax"])
        XCTAssertEqual(latin2Problems.first?.line, 2)
        let nulProblems = DaemonConfiguration.load(files: [nul], environment: [:])
        XCTAssertEqual(nulProblems.problems.map(\.code), ["toml-syntax"])
        XCTAssertEqual(nulProblems.problems.first?.line, 3)
        XCTAssertEqual(nulProblems.configuration.server.port, 35900)
    }

    func testUnreadableFileIsAProblemAndTheOthersStillApply() throws {
        let notAFile = directory.path + "/podpisd.toml"
        try FileManager.default.createDirectory(atPath: notAFile, withIntermediateDirectories: true)
        let good = try directory.write("good.toml", "[server]\nport = 0\n")
        let (configuration, problems) = DaemonConfiguration.load(files: [notAFile, good], environment: [:])
        XCTAssertEqual(problems.count, 1)
        XCTAssertEqual(problems.first?.file, notAFile)
        XCTAssertEqual(problems.first?.code, "unreadable")
        XCTAssertNil(problems.first?.line)
        XCTAssertEqual(configuration.server.port, 0)
    }

    func testDescriptionNamesFileLineKeyAndCode() throws {
        let file = try directory.write("podpisd.toml", "[server]\n\nport = 65536\n")
        let problem = try XCTUnwrap(DaemonConfiguration.load(files: [file], environment: [:]).problems.first)
        XCTAssertEqual(problem.description, "\(file):3: server.port: The value 65536 is out of range: allowed 0–65535. [out-of-range]")
        XCTAssertEqual(problem.message.pl, "Wartość 65536 poza zakresem: dozwolone 0–65535.")
    }

    func testValuesOfEveryKindAreRead() throws {
        let (configuration, problems) = try load("""
            [server]
            port = 0
            socket = "~/podpisd.sock"
            max_body_mib = 10
            max_json_mib = 1
            agent_timeout_seconds = 2.5
            idle_timeout_seconds = 600
            [pkcs11]
            use_registered = false
            [timestamp]
            timeout_seconds = 7.5
            [defaults]
            format = "CAdES"
            packaging = "enveloping"
            digest = "sha-512"
            [limits]
            xml_max_mib = 1
            xml_max_nodes = 1000
            """, environment: ["HOME": "/home/urzednik"])
        XCTAssertEqual(problems, [])
        XCTAssertEqual(configuration.server.port, 0)
        XCTAssertEqual(configuration.server.socket, "/home/urzednik/podpisd.sock")
        XCTAssertEqual(configuration.server.maxBodyBytes, 10 * 1_048_576)
        XCTAssertEqual(configuration.server.maxJSONBytes, 1_048_576)
        XCTAssertEqual(configuration.server.agentTimeoutSeconds, 2.5)
        XCTAssertEqual(configuration.server.idleTimeoutSeconds, 600)
        XCTAssertFalse(configuration.pkcs11.useRegistered)
        XCTAssertEqual(configuration.timestamp.timeoutSeconds, 7.5)
        XCTAssertEqual(configuration.defaults.format, .cades)
        XCTAssertEqual(configuration.defaults.packaging, .enveloping)
        XCTAssertEqual(configuration.defaults.digest, .sha512)
        XCTAssertEqual(configuration.limits.xmlMaxBytes, 1_048_576)
        XCTAssertEqual(configuration.limits.xmlMaxNodes, 1000)
    }
}

final class SealProfileLoadingTests: ConfigurationFileTestCase {
    /// Three profiles on one certificate: `name` with `lines`, `zwykla` without
    /// them (the defaults), `zla` with `wrong`; loaded.
    private func loadProfiles(
        _ name: String, _ lines: String, wrong: String
    ) throws -> (configuration: DaemonConfiguration, problems: [ConfigurationProblem]) {
        try load("""
            [seal.\(name)]
            certificate = "f194d32f02c78d47"
            \(lines)

            [seal.zwykla]
            certificate = "f194d32f02c78d47"

            [seal.zla]
            certificate = "f194d32f02c78d47"
            \(wrong)
            """)
    }

    func testSigningNiceIsReadDefaultsToMinusTenAndOutOfRangeLeavesTheProfileOut() throws {
        let (configuration, problems) = try loadProfiles("szybka", "sessions = 2\nsigning_nice = -5", wrong: "signing_nice = -21")
        XCTAssertEqual(configuration.seals["szybka"]?.signingNice, -5)
        XCTAssertEqual(configuration.seals["szybka"]?.sessions, 2)
        XCTAssertEqual(configuration.seals["zwykla"]?.signingNice, -10)
        XCTAssertNil(configuration.seals["zla"], "a profile with a mistake is left out whole")
        XCTAssertEqual(problems.map(\.code), ["out-of-range"])
        XCTAssertEqual(problems.map(\.line), [11])
    }

    func testMaxBatchMibIsReadDefaultsToSixteenGiBAndZeroIsRefused() throws {
        let (configuration, problems) = try loadProfiles("mala", "max_batch_mib = 100", wrong: "max_batch_mib = 0")
        XCTAssertEqual(configuration.seals["mala"]?.maxBatchBytes, 100 << 20)
        XCTAssertEqual(configuration.seals["zwykla"]?.maxBatchBytes, 16 << 30)
        XCTAssertNil(configuration.seals["zla"])
        XCTAssertEqual(problems.map(\.code), ["out-of-range"])
    }
}
