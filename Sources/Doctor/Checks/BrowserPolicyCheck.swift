import DaemonConfiguration
import Foundation
import Localization

/// Whether the desk's browsers let the EZD pages call podpisd on
/// 127.0.0.1 without asking the clerk. Since Chromium 142 a page on a
/// public or private-network origin needs the "local network access"
/// permission to reach a loopback address (the fetch fails with a
/// TypeError otherwise); the administrator grants it once for everybody
/// with the browser's managed policies. For each browser on this computer
/// (a program or its policy directory), each origin of `[server]
/// allowed_origins` and each origin the clerk paired "always" is found
/// allowed, blocked, or not covered (the clerk must allow it in each
/// profile); the fix names the file to write and the JSON to put in it.
/// docs/deployment.md ("Browsers: Local Network Access") has the measured
/// facts behind it.
struct BrowserPolicyCheck {
    static let name = "browser-policy"

    /// An origin EZD pages come from, and where the doctor learned of it
    /// (`allowed_origins` or `pairing`).
    struct Origin: Sendable, Equatable {
        let text: String
        let source: String
    }

    /// Prepended to every path (tests: a temporary directory); "" for /.
    let root: String
    let origins: [Origin]
    var browsers: [DeskBrowser] = DeskBrowser.known

    /// The file a new Chromium-family policy is written to.
    static let policyFileName = "podpis.json"

    func run() -> [Finding] {
        let present = browsers.filter { $0.isPresent(root: root) }
        guard !present.isEmpty else { return [] }
        guard !origins.isEmpty else {
            return [.ok(Self.name, "browser-lna-no-origins", messages.text("browser-lna-no-origins.found"))]
        }
        var findings: [Finding] = []
        var remote: [(origin: Origin, web: WebOrigin)] = []
        for origin in origins {
            guard let web = WebOrigin(origin.text) else { continue }  // the configuration check reports it
            if web.isLoopback {
                findings.append(.ok(
                    Self.name, "browser-lna-origin-loopback", messages.text("browser-lna-origin-loopback.found", ["origin": origin.text]),
                    details: ["origin": origin.text, "source": origin.source]))
            } else {
                remote.append((origin, web))
            }
        }
        for browser in present {
            switch browser.policies {
            case .chromium(let managed, let page):
                findings += chromium(browser, managed: managed, policyPage: page, remote)
            case .firefox(let files):
                findings += firefox(browser, files: files, remote)
            }
        }
        return findings
    }

    private func chromium(
        _ browser: DeskBrowser, managed: String, policyPage: String, _ remote: [(origin: Origin, web: WebOrigin)]
    ) -> [Finding] {
        let policies = ChromiumPolicies(directory: root + managed, shown: managed)
        var findings = policies.problems.map { invalid(browser, file: $0.file, reason: $0.reason) }
        let decisions = remote.map { (origin: $0.origin, web: $0.web, decision: policies.decision(for: $0.web)) }
        let uncovered = decisions.filter { $0.decision == nil }.map(\.origin.text)
        // One file and one JSON for every origin missing: the lists already
        // in force plus the missing origins, so applying it loses nothing.
        let file = ChromiumPolicies.allowKeys.reversed().compactMap { policies.lists[$0]?.file }.first
            ?? managed + "/" + Self.policyFileName
        let json = Self.json(ChromiumPolicies.allowKeys.map { key in
            let existing = policies.lists[key]?.patterns ?? []
            return (key, existing + uncovered.filter { !existing.contains($0) })
        })
        for (origin, web, decision) in decisions {
            var details = ["browser": browser.id, "origin": origin.text, "source": origin.source]
            guard let decision else {
                details["file"] = file
                details["policy"] = json
                var note = ClerkText(verbatim: "")
                if let pattern = policies.localNetworkOnlyPattern(for: web) {
                    note = messages.text("browser-lna-not-covered.local-network-only", ["pattern": pattern])
                    details["ignoredKey"] = ChromiumPolicies.localNetworkOnlyKey
                }
                findings.append(.warning(
                    Self.name,
                    messages.finding(
                        "browser-lna-not-covered",
                        ["browser": browser.name, "origin": origin.text, "note": note, "file": file, "json": json, "page": policyPage]),
                    details: details))
                continue
            }
            details["key"] = decision.key
            details["pattern"] = decision.pattern
            details["file"] = decision.file
            let arguments: [String: any MessageArgument] = [
                "browser": browser.name, "origin": origin.text, "key": decision.key, "pattern": decision.pattern, "file": decision.file,
            ]
            if decision.allows {
                findings.append(.ok(Self.name, "browser-lna-allowed", messages.text("browser-lna-allowed.found", arguments), details: details))
            } else {
                findings.append(.problem(Self.name, messages.finding("browser-lna-blocked", arguments), details: details))
            }
        }
        return findings
    }

    private func firefox(_ browser: DeskBrowser, files: [String], _ remote: [(origin: Origin, web: WebOrigin)]) -> [Finding] {
        let policies = FirefoxPolicies(files: files, root: root)
        var findings: [Finding] = []
        if let problem = policies.problem, let file = policies.file {
            findings.append(invalid(browser, file: file, reason: problem))
        }
        let uncovered = remote.filter { policies.exemption(for: $0.web) == nil || policies.file == nil }.map(\.origin)
        let file = policies.file ?? files[0]
        var domains = policies.skipDomains
        for origin in uncovered {
            if let host = WebOrigin(origin.text)?.host, !domains.contains(host) { domains.append(host) }
        }
        let json = #"{"policies": {"LocalNetworkAccess": {"SkipDomains": "# + Self.jsonList(domains) + "}}}"
        for (origin, web) in remote {
            var details = ["browser": browser.id, "origin": origin.text, "source": origin.source, "file": file]
            if let exemption = policies.exemption(for: web), policies.file != nil {
                details["key"] = exemption.key
                details["pattern"] = exemption.pattern
                let arguments: [String: any MessageArgument] = [
                    "browser": browser.name, "origin": origin.text, "key": exemption.key, "pattern": exemption.pattern, "file": file,
                ]
                findings.append(.ok(Self.name, "browser-lna-allowed", messages.text("browser-lna-allowed.found", arguments), details: details))
            } else {
                details["policy"] = json
                let text = messages.finding(
                    "browser-lna-firefox-not-covered", ["browser": browser.name, "origin": origin.text, "file": file, "json": json])
                findings.append(Finding(
                    check: Self.name, code: "browser-lna-not-covered", outcome: .warning, found: text.found, why: text.why, fix: text.fix,
                    details: details))
            }
        }
        return findings
    }

    private func invalid(_ browser: DeskBrowser, file: String, reason: String) -> Finding {
        .problem(
            Self.name, messages.finding("browser-policy-invalid", ["browser": browser.name, "file": file, "reason": reason]),
            details: ["browser": browser.id, "file": file, "reason": reason])
    }

    // MARK: the origins

    /// The EZD origins of this desk: `[server] allowed_origins`, then those
    /// the clerk paired "always" (from the pairing file, when this user may
    /// read it), each once.
    static func origins(configuration: DaemonConfiguration, system: Bool, environment: [String: String]) -> [Origin] {
        var origins = configuration.server.allowedOrigins.map { Origin(text: $0, source: "allowed_origins") }
        for origin in pairedAlways(file: configuration.pairingPath(system: system, environment: environment))
        where !origins.contains(where: { $0.text == origin }) {
            origins.append(Origin(text: origin, source: "pairing"))
        }
        return origins
    }

    /// The origins of the pairing file (`podpis.pairings/1`) of kind
    /// "always"; none when the file is missing, unreadable or not one.
    static func pairedAlways(file: String) -> [String] {
        guard case .success(let object) = PolicyFile.read(file), let pairings = object["pairings"] as? [[String: Any]] else { return [] }
        var origins: [String] = []
        for pairing in pairings where pairing["kind"] as? String == "always" {
            if let origin = pairing["origin"] as? String, !origin.isEmpty, !origins.contains(origin) { origins.append(origin) }
        }
        return origins
    }

    // MARK: JSON for the fix

    /// `{"KEY": ["a", "b"], …}` in the given order, as the administrator would write it.
    static func json(_ lists: [(String, [String])]) -> String {
        "{" + lists.map { quoted($0.0) + ": " + jsonList($0.1) }.joined(separator: ", ") + "}"
    }

    static func jsonList(_ strings: [String]) -> String {
        "[" + strings.map(quoted).joined(separator: ", ") + "]"
    }

    private static func quoted(_ string: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(string)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}
