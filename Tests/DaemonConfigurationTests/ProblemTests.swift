import DaemonConfiguration
import XCTest

/// Every problem code, each with the line of the mistake.
final class ProblemTests: ConfigurationFileTestCase {
    private func problems(_ text: String, environment: [String: String] = [:]) throws -> [ConfigurationProblem] {
        try load(text, environment: environment).problems
    }

    private func summary(_ problems: [ConfigurationProblem]) -> [String] {
        problems.map { "\($0.line.map(String.init) ?? "-") \($0.key) \($0.code)" }
    }

    func testSeveralMistakesInOneFileAreAllReportedEachOnItsLine() throws {
        let file = try directory.write("podpisd.toml", """
            # Many mistakes, one per line.
            port = 1
            [server]
            prot = 1
            port = 70000
            socket_mode = "999"
            socket = "run/podpisd.sock"
            allowed_origins = [
                "https://ezd.gov.pl",
                "*",
            ]
            max_json_mib = "32"          # a string, not a number
            [pkcs11]
            modules = ["/nonexistent/vendor-pkcs11.so"]
            [timestamp]
            urls = ["ftp://tsa.example.gov.pl"]
            [defaults]
            format = "xadse"
            [limits]
            xml_max_depth = 0
            [serwer]
            port = 1
            """)
        let (configuration, problems) = DaemonConfiguration.load(files: [file], environment: [:])
        XCTAssertEqual(summary(problems), [
            "2 port unknown-key",
            "4 server.prot unknown-key",
            "5 server.port out-of-range",
            "6 server.socket_mode bad-mode",
            "7 server.socket bad-path",
            "10 server.allowed_origins bad-origin",
            "12 server.max_json_mib wrong-type",
            "14 pkcs11.modules module-missing",
            "16 timestamp.urls bad-url",
            "18 defaults.format unknown-value",
            "20 limits.xml_max_depth out-of-range",
            "21 serwer unknown-key",
        ])
        XCTAssertTrue(problems.allSatisfy { $0.file == file })
        XCTAssertEqual(problems.filter { $0.severity == .warning }.map(\.code), ["module-missing"])
        XCTAssertEqual(problems.map(\.suggestion), [
            "server.port", "port", nil, nil, nil, nil, nil, nil, nil, "xades", nil, "server",
        ])
        // Every invalid value fell back to the default; the missing module stays.
        var expected = DaemonConfiguration()
        expected.pkcs11.modules = ["/nonexistent/vendor-pkcs11.so"]
        XCTAssertEqual(configuration, expected)
        // Every message is in both languages.
        for problem in problems {
            XCTAssertFalse(problem.message.pl.isEmpty)
            XCTAssertFalse(problem.message.en.isEmpty)
            XCTAssertNotEqual(problem.message.pl, problem.message.en)
        }
    }

    func testUnknownKeySuggestsTheKnownKeyOneOrTwoEditsAway() throws {
        let found = try problems("[server]\nprot = 1\n")
        XCTAssertEqual(summary(found), ["2 server.prot unknown-key"])
        XCTAssertEqual(found.first?.suggestion, "port")
        XCTAssertEqual(found.first?.message.en, "Unknown key 'prot' in [server]. Did you mean 'port'?")
        XCTAssertEqual(found.first?.message.pl, "Nieznany klucz „prot” w [server]. Czy chodziło o „port”?")

        let twoEdits = try problems("[limits]\nxml_max_dept = 1\n[pkcs11]\nmodule = []\n")
        XCTAssertEqual(twoEdits.map(\.suggestion), ["xml_max_depth", "modules"])

        let far = try problems("[server]\nlisten = \"0.0.0.0\"\n")
        XCTAssertEqual(summary(far), ["2 server.listen unknown-key"])
        XCTAssertNil(far.first?.suggestion)
        XCTAssertTrue(far.first?.message.en.contains("Known keys: port, socket,") ?? false)
    }

    func testUnknownTablesAndNestedTables() throws {
        let found = try problems("""
            [server]
            port = 1
            [server.tls]
            certificate = "/etc/cert.pem"
            [timestamps]
            urls = []
            [logging]
            level = "debug"
            """)
        XCTAssertEqual(summary(found), ["3 server.tls unknown-key", "5 timestamps unknown-key", "7 logging unknown-key"])
        XCTAssertEqual(found.map(\.suggestion), [nil, "timestamp", nil])
        XCTAssertEqual(summary(try problems("# tls\n\nserver.tls.certificate = \"/etc/cert.pem\"\n")), ["3 server.tls unknown-key"])
    }

    func testWrongTypes() throws {
        let found = try problems("""
            pkcs11 = "yes"
            [server]
            port = "35900"
            socket_mode = 0o660
            allowed_origins = "https://ezd.gov.pl"
            agent_timeout_seconds = "2m"
            [timestamp]
            urls = ["http://time.certum.pl", 5]
            """)
        XCTAssertEqual(summary(found), [
            "1 pkcs11 wrong-type",
            "3 server.port wrong-type",
            "4 server.socket_mode wrong-type",
            "5 server.allowed_origins wrong-type",
            "6 server.agent_timeout_seconds wrong-type",
            "8 timestamp.urls wrong-type",
        ])
        XCTAssertEqual(found[1].message.en, "Expected an integer, found a string.")
        XCTAssertTrue(found[2].message.en.contains("socket_mode = \"0660\""), found[2].message.en)
    }

    func testOutOfRange() throws {
        let found = try problems("""
            [server]
            port = -1
            max_body_mib = 0
            idle_timeout_seconds = inf
            socket = "/\(String(repeating: "s", count: 120))"
            [timestamp]
            timeout_seconds = 0.5
            [limits]
            xml_max_nodes = 0
            """)
        XCTAssertEqual(summary(found), [
            "2 server.port out-of-range",
            "3 server.max_body_mib out-of-range",
            "4 server.idle_timeout_seconds out-of-range",
            "5 server.socket out-of-range",
            "7 timestamp.timeout_seconds out-of-range",
            "9 limits.xml_max_nodes out-of-range",
        ])
        XCTAssertEqual(found[1].message.en, "The value 0 is out of range: allowed 1–65536 MiB.")
        XCTAssertEqual(found[4].message.en, "The value 0.5 is out of range: allowed 1–300 s.")
    }

    func testSocketModes() throws {
        let file = try directory.write("mode.toml", "[server]\nsocket_mode = \"0660\"\n")
        XCTAssertEqual(DaemonConfiguration.load(files: [file], environment: [:]).configuration.server.socketMode, 0o660)
        let short = try directory.write("short.toml", "[server]\nsocket_mode = \"640\"\n")
        XCTAssertEqual(DaemonConfiguration.load(files: [short], environment: [:]).configuration.server.socketMode, 0o640)

        for bad in ["999", "0o660", "1777", "66", "06600", "", "rw-rw----"] {
            let found = try problems("[server]\n\nsocket_mode = \"\(bad)\"\n")
            XCTAssertEqual(summary(found), ["3 server.socket_mode bad-mode"], bad)
        }
        let found = try problems("[server]\nsocket_mode = \"999\"\n")
        XCTAssertEqual(
            found.first?.message.en,
            "'999' is not a permission mode: write three or four octal digits 0–7, e.g. \"0600\" or \"0660\".")
    }

    func testTimestampURLs() throws {
        let file = try directory.write("ok.toml", """
            [timestamp]
            urls = ["http://time.certum.pl", "https://tsa.example.gov.pl:8443/tsa?policy=1"]
            """)
        let ok = DaemonConfiguration.load(files: [file], environment: [:])
        XCTAssertEqual(ok.problems, [])
        XCTAssertEqual(ok.configuration.timestamp.urls, ["http://time.certum.pl", "https://tsa.example.gov.pl:8443/tsa?policy=1"])

        let found = try problems("""
            [timestamp]
            urls = [
              "http://time.certum.pl",
              "time.certum.pl",
              "https://",
              "ldap://tsa.example",
            ]
            """)
        XCTAssertEqual(summary(found), ["4 timestamp.urls bad-url", "5 timestamp.urls bad-url", "6 timestamp.urls bad-url"])
    }

    func testUnknownValuesSuggestTheKnownOne() throws {
        let found = try problems("""
            [defaults]
            format = "cadse"
            packaging = "envelopped"
            level = "B-TT"
            digest = "SHA256"
            """)
        XCTAssertEqual(summary(found), [
            "2 defaults.format unknown-value",
            "3 defaults.packaging unknown-value",
            "4 defaults.level unknown-value",
            "5 defaults.digest unknown-value",
        ])
        XCTAssertEqual(found.map(\.suggestion), ["cades", "enveloped", "B-T", "SHA-256"])
        XCTAssertEqual(found[0].message.pl, "Nieznana wartość „cadse”; dozwolone: xades, cades. Czy chodziło o „cades”?")
        XCTAssertEqual(found[0].message.en, "Unknown value 'cadse'; allowed: xades, cades. Did you mean 'cades'?")
    }

    func testModuleMissingIsAWarningAndTheModuleIsKept() throws {
        let present = try directory.write("lib/vendor-pkcs11.so", "")
        let absent = directory.path + "/lib/hsm-pkcs11.so"
        let file = try directory.write("podpisd.toml", """
            [pkcs11]
            modules = [
              "\(present)",
              "\(absent)",
            ]
            """)
        let (configuration, found) = DaemonConfiguration.load(files: [file], environment: [:])
        XCTAssertEqual(summary(found), ["4 pkcs11.modules module-missing"])
        XCTAssertEqual(found.first?.severity, .warning)
        XCTAssertEqual(configuration.pkcs11.modules, [present, absent])
        XCTAssertEqual(
            found.first?.description,
            "\(file):4: pkcs11.modules: warning: The PKCS#11 module '\(absent)' is not there (yet); until it is installed, its tokens cannot be used. [module-missing]")
    }

    func testModulePathsAreAbsoluteOrUnderHome() throws {
        let found = try problems("[pkcs11]\nmodules = [\"opensc-pkcs11.so\"]\n")
        XCTAssertEqual(summary(found), ["2 pkcs11.modules bad-path"])
        XCTAssertEqual(found.first?.severity, .error)

        let home = try directory.write("home/.local/lib/p11.so", "")
        let file = try directory.write("home.toml", "[pkcs11]\nmodules = [\"~/.local/lib/p11.so\"]\n")
        let loaded = DaemonConfiguration.load(files: [file], environment: ["HOME": directory.path + "/home"])
        XCTAssertEqual(loaded.problems, [])
        XCTAssertEqual(loaded.configuration.pkcs11.modules, [home])
    }

    /// Lines are found for quoted and dotted keys, inline tables, spaced headers.
    func testLinesOfKeysWrittenInOtherTOMLForms() throws {
        XCTAssertEqual(summary(try problems("[ server ]\n# port = 1\n\"port\" = 70000\n")), ["3 server.port out-of-range"])
        XCTAssertEqual(summary(try problems("# top\nserver.port = 70000\n")), ["2 server.port out-of-range"])
        XCTAssertEqual(summary(try problems("\n\nserver = { port = 70000 }\n")), ["3 server.port out-of-range"])
        XCTAssertEqual(
            summary(try problems("[pkcs11]\nuse_registered = true\n\n  [server]   # comment\n\tport = -5 # comment\n")),
            ["5 server.port out-of-range"])
        XCTAssertEqual(
            summary(try problems("[server]\nsocket_group = '''\nport = 1\n'''\nport = -1\n")),
            ["5 server.port out-of-range"])
    }
}
