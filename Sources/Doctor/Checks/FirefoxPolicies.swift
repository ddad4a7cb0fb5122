import DaemonConfiguration
import Foundation

/// Firefox's `LocalNetworkAccess` policy (Mozilla's administrator reference:
/// Firefox 150 and later) from the one policies.json Firefox reads:
/// `Enabled: false` turns every Local Network Access check off;
/// `SkipDomains` lists host names exempt from the checks, as the page
/// making the request (source) or as the address reached (target);
/// `*.example.gov.pl` covers the domain and its subdomains. There is no
/// blocking list.
struct FirefoxPolicies {
    /// The file read (without the check's root), nil when none exists.
    private(set) var file: String?
    private(set) var problem: String?
    private(set) var enabled: Bool?
    private(set) var skipDomains: [String] = []

    /// The address EZD pages call podpisd at (http://127.0.0.1:35900):
    /// listed as a target, it exempts every page.
    static let podpisdHosts = ["127.0.0.1"]

    init(files: [String], root: String) {
        guard let path = files.first(where: { FileManager.default.fileExists(atPath: root + $0) }) else { return }
        file = path
        switch PolicyFile.read(root + path) {
        case .failure(let flaw):
            problem = ChromiumPolicies.describe(flaw)
        case .success(let object):
            guard let policies = object["policies"] else { return }
            guard let policies = policies as? [String: Any] else {
                problem = "policies: not a JSON object"
                return
            }
            guard let access = policies["LocalNetworkAccess"] else { return }
            guard let access = access as? [String: Any] else {
                problem = "LocalNetworkAccess: not a JSON object"
                return
            }
            enabled = access["Enabled"] as? Bool
            if let value = access["SkipDomains"] {
                if let domains = PolicyFile.strings(value) { skipDomains = domains } else { problem = "LocalNetworkAccess.SkipDomains: not a list of strings" }
            }
        }
    }

    /// Why `origin` may reach podpisd without asking: the setting and its
    /// value, or nil.
    func exemption(for origin: WebOrigin) -> (key: String, pattern: String)? {
        if enabled == false { return ("LocalNetworkAccess.Enabled", "false") }
        if let entry = skipDomains.first(where: { Self.covers($0, origin.host) }) { return ("LocalNetworkAccess.SkipDomains", entry) }
        for target in Self.podpisdHosts {
            if let entry = skipDomains.first(where: { Self.covers($0, target) }) { return ("LocalNetworkAccess.SkipDomains", entry) }
        }
        return nil
    }

    /// `*.d` covers d and its subdomains; another entry only that host.
    static func covers(_ entry: String, _ host: String) -> Bool {
        let entry = entry.trimmingCharacters(in: .whitespaces).lowercased()
        if entry.hasPrefix("*.") {
            let domain = entry.dropFirst(2)
            return host == domain || host.hasSuffix("." + domain)
        }
        return host == entry
    }
}
