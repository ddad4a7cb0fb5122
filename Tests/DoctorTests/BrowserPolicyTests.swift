import DaemonConfiguration
import Foundation
import Localization
import TestBench
import XCTest

@testable import Doctor

/// `browser-policy`: whether the browsers' managed policies let the EZD
/// origins reach podpisd on 127.0.0.1 (Local Network Access), checked
/// against a temporary directory standing for /, with the browsers'
/// programs and policy files that each test writes.
final class BrowserPolicyTests: XCTestCase {
    private var root: URL!

    static let ezd = "https://ezd.testowo.gmina.pl"
    static let chromiumManaged = "/etc/chromium/policies/managed"

    override func setUpWithError() throws {
        root = try TestBench.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    // MARK: the desk

    private func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent(String(path.dropFirst()))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// Chromium installed (its program) with these managed policy files.
    private func chromium(_ files: [String: String]) throws {
        try write("/usr/bin/chromium", "#!/bin/sh\n")
        for (name, text) in files { try write(Self.chromiumManaged + "/" + name, text) }
    }

    private func check(_ origins: [String]) -> [Finding] {
        BrowserPolicyCheck(root: root.path, origins: origins.map { .init(text: $0, source: "allowed_origins") }).run()
    }

    private func only(_ findings: [Finding], file: StaticString = #filePath, line: UInt = #line) throws -> Finding {
        XCTAssertEqual(findings.count, 1, findings.map(\.code).description, file: file, line: line)
        return try XCTUnwrap(findings.first, file: file, line: line)
    }

    // MARK: Chromium's policies

    func testLocalNetworkAccessAllowedForUrlsLetsTheOriginReachPodpisd() throws {
        try chromium(["ezd.json": #"{"LocalNetworkAccessAllowedForUrls": ["https://ezd.testowo.gmina.pl"]}"#])
        let allowed = try only(check([Self.ezd]))
        XCTAssertEqual(allowed.code, "browser-lna-allowed")
        XCTAssertEqual(allowed.outcome, .ok)
        XCTAssertEqual(allowed.details["browser"], "chromium")
        XCTAssertEqual(allowed.details["origin"], Self.ezd)
        XCTAssertEqual(allowed.details["key"], "LocalNetworkAccessAllowedForUrls")
        XCTAssertEqual(allowed.details["file"], Self.chromiumManaged + "/ezd.json")
        XCTAssertEqual(allowed.details["source"], "allowed_origins")
        XCTAssertTrue(allowed.found.text(in: .english).contains("/etc/chromium/policies/managed/ezd.json"))
    }

    func testLoopbackNetworkAllowedForUrlsLetsTheOriginReachPodpisd() throws {
        try chromium(["ezd.json": #"{"LoopbackNetworkAllowedForUrls": ["https://ezd.testowo.gmina.pl"]}"#])
        let allowed = try only(check([Self.ezd]))
        XCTAssertEqual(allowed.code, "browser-lna-allowed")
        XCTAssertEqual(allowed.details["key"], "LoopbackNetworkAllowedForUrls")
        XCTAssertEqual(allowed.details["pattern"], Self.ezd)
    }

    func testSubdomainWildcardSchemeAndPortMatchAsChromesPatternsDo() throws {
        try chromium([
            "ezd.json": #"{"LoopbackNetworkAllowedForUrls": ["[*.]gmina.pl", "https://ezd.powiat.pl:8443", "http://ezd.wies.pl"]}"#
        ])
        let findings = check([
            "https://ezd.testowo.gmina.pl:8443",  // [*.]: any subdomain, any scheme and port
            "https://gmina.pl",  // [*.]: the domain itself
            "https://ezd.powiat.pl:8443",  // the port named
            "https://ezd.powiat.pl",  // another port (443)
            "https://ezd.wies.pl",  // another scheme
            "https://ezd.gmina.pl.example.com",  // not a subdomain of gmina.pl
        ])
        let codes = Dictionary(findings.map { ($0.details["origin"]!, $0.code) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(codes, [
            "https://ezd.testowo.gmina.pl:8443": "browser-lna-allowed",
            "https://gmina.pl": "browser-lna-allowed",
            "https://ezd.powiat.pl:8443": "browser-lna-allowed",
            "https://ezd.powiat.pl": "browser-lna-not-covered",
            "https://ezd.wies.pl": "browser-lna-not-covered",
            "https://ezd.gmina.pl.example.com": "browser-lna-not-covered",
        ])
        XCTAssertEqual(findings.first { $0.details["origin"] == "https://gmina.pl" }?.details["pattern"], "[*.]gmina.pl")
    }

    func testChromeURLPatterns() throws {
        let origin = try XCTUnwrap(WebOrigin("https://ezd.testowo.gmina.pl"))
        let matching = [
            "*", "https://ezd.testowo.gmina.pl", "ezd.testowo.gmina.pl", "https://ezd.testowo.gmina.pl:443", "https://ezd.testowo.gmina.pl:*",
            "*://ezd.testowo.gmina.pl", "[*.]gmina.pl", "[*.]ezd.testowo.gmina.pl", "https://[*.]gmina.pl:443/", "https://EZD.Testowo.Gmina.PL/*",
        ]
        for text in matching {
            XCTAssertEqual(ChromeURLPattern(text)?.matches(origin), true, text)
        }
        let other = ["http://ezd.testowo.gmina.pl", "https://ezd.testowo.gmina.pl:8443", "gmina.pl", "[*.]testowo.gmina.pl.pl"]
        for text in other {
            XCTAssertNotEqual(ChromeURLPattern(text)?.matches(origin), true, text)
        }
        // Not patterns at all: a path, a wildcard on an IP address, a partial wildcard, a bad port.
        for text in ["https://ezd.testowo.gmina.pl/ezd", "[*.]127.0.0.1", "ezd*.gmina.pl", "https://ezd.gmina.pl:70000", ""] {
            XCTAssertNil(ChromeURLPattern(text), text)
        }
    }

    func testLocalNetworkAllowedForUrlsAloneDoesNotCoverLoopback() throws {
        try chromium(["ezd.json": #"{"LocalNetworkAllowedForUrls": ["https://ezd.testowo.gmina.pl"]}"#])
        let warning = try only(check([Self.ezd]))
        XCTAssertEqual(warning.code, "browser-lna-not-covered")
        XCTAssertEqual(warning.outcome, .warning)
        XCTAssertEqual(warning.details["ignoredKey"], "LocalNetworkAllowedForUrls")
        XCTAssertTrue(warning.found.text(in: .english).contains("covers private-network addresses only"), warning.found.text(in: .english))
        // The fix: a new file of ours, both keys, the origin in each.
        let json = #"{"LocalNetworkAccessAllowedForUrls": ["https://ezd.testowo.gmina.pl"], "LoopbackNetworkAllowedForUrls": ["https://ezd.testowo.gmina.pl"]}"#
        XCTAssertEqual(warning.details["file"], "/etc/chromium/policies/managed/podpis.json")
        XCTAssertEqual(warning.details["policy"], json)
        for language in [Language.english, .polish] {
            let fix = try XCTUnwrap(warning.fix?.text(in: language))
            XCTAssertTrue(fix.contains("/etc/chromium/policies/managed/podpis.json"), fix)
            XCTAssertTrue(fix.contains(json), fix)
            XCTAssertTrue(fix.contains("chrome://policy"), fix)
        }
        XCTAssertNotEqual(warning.why?.text(in: .polish), warning.why?.text(in: .english))
    }

    func testNoPolicyIsNotCoveredInEveryChromiumBrowserInstalled() throws {
        try chromium([:])
        try write("/usr/bin/google-chrome-stable", "")
        try write("/usr/bin/microsoft-edge-stable", "")
        let findings = check([Self.ezd])
        XCTAssertEqual(findings.map(\.code), Array(repeating: "browser-lna-not-covered", count: 3))
        XCTAssertEqual(findings.compactMap { $0.details["browser"] }, ["chromium", "chrome", "edge"])
        XCTAssertEqual(findings.compactMap { $0.details["file"] }, [
            "/etc/chromium/policies/managed/podpis.json", "/etc/opt/chrome/policies/managed/podpis.json",
            "/etc/opt/edge/policies/managed/podpis.json",
        ])
        XCTAssertTrue(try XCTUnwrap(findings.last?.fix?.text(in: .english)).contains("edge://policy"))
    }

    func testBlockedListWinsOverTheAllowedListOfItsPair() throws {
        try chromium([
            "allow.json": #"{"LocalNetworkAccessAllowedForUrls": ["*"], "LoopbackNetworkAllowedForUrls": ["[*.]gmina.pl"]}"#,
            "block.json": #"{"LocalNetworkAccessBlockedForUrls": ["https://ezd.powiat.pl"], "LoopbackNetworkBlockedForUrls": ["https://ezd.testowo.gmina.pl"]}"#,
        ])
        let findings = check([Self.ezd, "https://ezd.powiat.pl", "https://ezd.wies.pl"])
        let byOrigin = Dictionary(uniqueKeysWithValues: findings.map { ($0.details["origin"]!, $0) })
        let blocked = try XCTUnwrap(byOrigin[Self.ezd])
        XCTAssertEqual(blocked.code, "browser-lna-blocked")
        XCTAssertEqual(blocked.outcome, .problem)
        XCTAssertEqual(blocked.details["key"], "LoopbackNetworkBlockedForUrls")
        XCTAssertEqual(blocked.details["file"], Self.chromiumManaged + "/block.json")
        XCTAssertTrue(try XCTUnwrap(blocked.fix?.text(in: .english)).contains("/etc/chromium/policies/managed/block.json"))
        XCTAssertEqual(byOrigin["https://ezd.powiat.pl"]?.code, "browser-lna-blocked")
        XCTAssertEqual(byOrigin["https://ezd.powiat.pl"]?.details["key"], "LocalNetworkAccessBlockedForUrls")
        XCTAssertEqual(byOrigin["https://ezd.wies.pl"]?.code, "browser-lna-allowed")
        XCTAssertEqual(byOrigin["https://ezd.wies.pl"]?.details["key"], "LocalNetworkAccessAllowedForUrls")
    }

    func testLoopbackAllowedOutranksLocalNetworkAccessBlocked() throws {
        // The documented order: LoopbackNetworkBlocked, LoopbackNetworkAllowed,
        // LocalNetworkAccessBlocked, LocalNetworkAccessAllowed.
        try chromium([
            "ezd.json": #"{"LocalNetworkAccessBlockedForUrls": ["*"], "LoopbackNetworkAllowedForUrls": ["https://ezd.testowo.gmina.pl"]}"#
        ])
        let allowed = try only(check([Self.ezd]))
        XCTAssertEqual(allowed.code, "browser-lna-allowed")
        XCTAssertEqual(allowed.details["key"], "LoopbackNetworkAllowedForUrls")
    }

    func testALaterFileReplacesAnEarlierFilesListAndTheFixKeepsIt() throws {
        try chromium([
            "10-ezd.json": #"{"LoopbackNetworkAllowedForUrls": ["https://ezd.testowo.gmina.pl"]}"#,
            "20-other.json": #"{"LoopbackNetworkAllowedForUrls": ["https://ezd.powiat.pl"]}"#,
        ])
        let warning = try only(check([Self.ezd]))
        XCTAssertEqual(warning.code, "browser-lna-not-covered")
        XCTAssertEqual(warning.details["file"], Self.chromiumManaged + "/20-other.json")
        XCTAssertEqual(
            warning.details["policy"],
            #"{"LocalNetworkAccessAllowedForUrls": ["https://ezd.testowo.gmina.pl"], "LoopbackNetworkAllowedForUrls": ["https://ezd.powiat.pl", "https://ezd.testowo.gmina.pl"]}"#)
    }

    func testABrokenPolicyFileIsNamedAndTheOthersStillCount() throws {
        try chromium([
            "broken.json": #"{"LoopbackNetworkAllowedForUrls": ["https://ezd.testowo.gmina.pl""#,
            "list.json": #"{"LocalNetworkAccessAllowedForUrls": "https://ezd.testowo.gmina.pl"}"#,
            "ok.json": #"{"LocalNetworkAccessAllowedForUrls": ["https://ezd.testowo.gmina.pl"]}"#,
            "README": "not JSON, not read",
        ])
        try write(Self.chromiumManaged + "/huge.json", "[" + String(repeating: " ", count: PolicyFile.maximumBytes) + "]")
        let findings = check([Self.ezd])
        let invalid = findings.filter { $0.code == "browser-policy-invalid" }
        XCTAssertEqual(invalid.compactMap { $0.details["file"] }, [
            Self.chromiumManaged + "/broken.json", Self.chromiumManaged + "/huge.json", Self.chromiumManaged + "/list.json",
        ])
        XCTAssertTrue(invalid.allSatisfy { $0.outcome == .problem })
        XCTAssertEqual(invalid[0].details["reason"], "not valid JSON")
        XCTAssertTrue(invalid[1].details["reason"]!.hasPrefix("too large"))
        XCTAssertEqual(invalid[2].details["reason"], "LocalNetworkAccessAllowedForUrls: not a list of strings")
        XCTAssertTrue(invalid[0].found.text(in: .english).contains("/etc/chromium/policies/managed/broken.json"))
        XCTAssertTrue(invalid[0].found.text(in: .polish).contains("/etc/chromium/policies/managed/broken.json"))
        XCTAssertEqual(findings.filter { $0.code == "browser-lna-allowed" }.compactMap { $0.details["file"] }, [Self.chromiumManaged + "/ok.json"])
    }

    // MARK: what needs no policy

    func testNoBrowserMeansNoFinding() throws {
        XCTAssertEqual(check([Self.ezd]).map(\.code), [])
        XCTAssertEqual(check([]).map(\.code), [])
    }

    func testAPolicyDirectoryAloneCountsAsTheBrowser() throws {
        try write("/etc/opt/chrome/policies/managed/ezd.json", #"{"LoopbackNetworkAllowedForUrls": ["*"]}"#)
        let allowed = try only(check([Self.ezd]))
        XCTAssertEqual(allowed.details["browser"], "chrome")
        XCTAssertEqual(allowed.code, "browser-lna-allowed")
    }

    func testNoOriginsConfiguredIsSaidOnce() throws {
        try chromium([:])
        let info = try only(check([]))
        XCTAssertEqual(info.code, "browser-lna-no-origins")
        XCTAssertEqual(info.outcome, .ok)
        XCTAssertTrue(info.found.text(in: .english).contains("pages pair one by one"))
    }

    func testALoopbackOriginNeedsNoPolicy() throws {
        try chromium([:])
        let findings = check(["http://localhost:8080", "http://127.0.0.1:3000"])
        XCTAssertEqual(findings.map(\.code), ["browser-lna-origin-loopback", "browser-lna-origin-loopback"])
        XCTAssertEqual(findings.map(\.outcome), [.ok, .ok])
    }

    // MARK: Firefox

    func testFirefoxSkipDomainsExemptsTheOrigin() throws {
        try write("/usr/bin/firefox-esr", "")
        try write("/etc/firefox/policies/policies.json", #"{"policies": {"LocalNetworkAccess": {"SkipDomains": ["*.gmina.pl"]}}}"#)
        let findings = check([Self.ezd, "https://ezd.powiat.pl"])
        XCTAssertEqual(findings.map(\.code), ["browser-lna-allowed", "browser-lna-not-covered"])
        XCTAssertEqual(findings[0].details["key"], "LocalNetworkAccess.SkipDomains")
        XCTAssertEqual(findings[0].details["pattern"], "*.gmina.pl")
        XCTAssertEqual(findings[1].details["browser"], "firefox")
        XCTAssertEqual(findings[1].details["file"], "/etc/firefox/policies/policies.json")
        XCTAssertEqual(findings[1].details["policy"], #"{"policies": {"LocalNetworkAccess": {"SkipDomains": ["*.gmina.pl", "ezd.powiat.pl"]}}}"#)
        XCTAssertTrue(try XCTUnwrap(findings[1].fix?.text(in: .english)).contains("about:policies"))
    }

    func testFirefoxWithoutPoliciesIsNotCoveredAndNamesTheSystemFile() throws {
        try write("/usr/bin/firefox", "")
        let warning = try only(check([Self.ezd]))
        XCTAssertEqual(warning.code, "browser-lna-not-covered")
        XCTAssertEqual(warning.details["file"], "/etc/firefox/policies/policies.json")
        XCTAssertEqual(warning.details["policy"], #"{"policies": {"LocalNetworkAccess": {"SkipDomains": ["ezd.testowo.gmina.pl"]}}}"#)
    }

    func testFirefoxChecksOffOrPodpisdsAddressSkippedCoverEveryPage() throws {
        try write("/usr/bin/firefox-esr", "")
        try write("/usr/lib/firefox-esr/distribution/policies.json", #"{"policies": {"LocalNetworkAccess": {"SkipDomains": ["127.0.0.1"]}}}"#)
        let target = try only(check([Self.ezd]))
        XCTAssertEqual(target.code, "browser-lna-allowed")
        XCTAssertEqual(target.details["file"], "/usr/lib/firefox-esr/distribution/policies.json")
        try write("/etc/firefox/policies/policies.json", #"{"policies": {"LocalNetworkAccess": {"Enabled": false}}}"#)
        let off = try only(check([Self.ezd]))
        XCTAssertEqual(off.details["key"], "LocalNetworkAccess.Enabled")
        XCTAssertEqual(off.details["file"], "/etc/firefox/policies/policies.json")
    }

    // MARK: origins and the report

    func testOnlyOriginsPairedAlwaysAreTakenFromThePairingFile() throws {
        try write("/pairings.json", """
            {"schema": "podpis.pairings/1", "pairings": [
              {"origin": "https://ezd.testowo.gmina.pl", "kind": "always", "since": "2026-12-01T08:00:00Z", "tokenSHA256": "00"},
              {"origin": "https://ezd.powiat.pl", "kind": "once", "since": "2026-12-01T08:00:00Z", "tokenSHA256": "01"},
              {"origin": "", "kind": "always", "since": "2026-12-01T08:00:00Z", "tokenSHA256": "02"}
            ]}
            """)
        XCTAssertEqual(BrowserPolicyCheck.pairedAlways(file: root.appendingPathComponent("pairings.json").path), [Self.ezd])
        XCTAssertEqual(BrowserPolicyCheck.pairedAlways(file: root.appendingPathComponent("missing.json").path), [])
    }

    func testTheJSONReportCarriesTheCodes() throws {
        try chromium([
            "block.json": #"{"LoopbackNetworkBlockedForUrls": ["https://ezd.powiat.pl"]}"#,
            "broken.json": "{",
        ])
        var report = Report(checkedAt: Date())
        report.system = check([Self.ezd, "https://ezd.powiat.pl"])
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(report.json(in: .english))
        let top = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(top["schema"] as? String, "podpis.doctor/1")
        XCTAssertEqual(top["exitCode"] as? Int, 2)
        let findings = try XCTUnwrap(top["findings"] as? [[String: Any]])
        XCTAssertEqual(findings.compactMap { $0["code"] as? String }, ["browser-policy-invalid", "browser-lna-not-covered", "browser-lna-blocked"])
        XCTAssertEqual(Set(findings.compactMap { $0["check"] as? String }), ["browser-policy"])
        XCTAssertEqual(Set(findings.compactMap { $0["place"] as? String }), ["system"])
        let notCovered = try XCTUnwrap(findings.first { $0["code"] as? String == "browser-lna-not-covered" })
        XCTAssertEqual(notCovered["outcome"] as? String, "warning")
        XCTAssertEqual((notCovered["details"] as? [String: String])?["origin"], Self.ezd)
        XCTAssertTrue(try XCTUnwrap(notCovered["fix"] as? String).contains("/etc/chromium/policies/managed/podpis.json"))
    }
}
