import DaemonConfiguration
import Foundation

/// The managed policy files that let EZD pages reach podpisd without the
/// clerk's Local Network Access prompt, as `podpis setup desk` writes them:
/// the same browsers, directories, keys and JSON the doctor's
/// ``BrowserPolicyCheck`` reads and proposes in its fix, so that the check
/// finds the origins allowed (`browser-lna-allowed`) once they are written.
public enum BrowserPolicyFiles {
    /// One file to write: its path without the root, the browser's name, the bytes.
    public struct File: Sendable, Equatable {
        public let browser: String
        public let path: String
        public let contents: [UInt8]
    }

    /// Why a browser's file cannot be written (its policies.json cannot be read).
    public struct Skipped: Sendable, Equatable {
        public let browser: String
        public let path: String
        public let reason: String
    }

    /// The files for every browser present under `root` ("" for /), naming
    /// the origins that are not on this computer (a loopback page needs no
    /// permission). Chromium's family: `podpis.json` in the managed
    /// directory, with both keys (142–145 and 146+). Firefox: its
    /// policies.json with the origins' hosts added to
    /// `LocalNetworkAccess.SkipDomains`, every other policy kept.
    public static func plan(origins: [String], root: String) -> (files: [File], skipped: [Skipped], browsersPresent: Int) {
        let remote = origins.compactMap { WebOrigin($0) }.filter { !$0.isLoopback }
        let present = DeskBrowser.known.filter { $0.isPresent(root: root) }
        guard !remote.isEmpty else { return ([], [], present.count) }
        var files: [File] = []
        var skipped: [Skipped] = []
        for browser in present {
            switch browser.policies {
            case .chromium(let managed, _):
                let texts = remote.map(\.text)
                let json = BrowserPolicyCheck.json(ChromiumPolicies.allowKeys.map { ($0, texts) }) + "\n"
                files.append(File(browser: browser.name, path: managed + "/" + BrowserPolicyCheck.policyFileName, contents: Array(json.utf8)))
            case .firefox(let candidates):
                let path = candidates.first { FileManager.default.fileExists(atPath: root + $0) } ?? candidates[0]
                var object: [String: Any] = [:]
                if FileManager.default.fileExists(atPath: root + path) {
                    switch PolicyFile.read(root + path) {
                    case .success(let existing): object = existing
                    case .failure(let flaw):
                        skipped.append(Skipped(browser: browser.name, path: path, reason: ChromiumPolicies.describe(flaw)))
                        continue
                    }
                }
                guard var policies = (object["policies"] ?? [String: Any]()) as? [String: Any],
                    var access = (policies["LocalNetworkAccess"] ?? [String: Any]()) as? [String: Any],
                    var domains = PolicyFile.strings(access["SkipDomains"] ?? [String]())
                else {
                    skipped.append(Skipped(browser: browser.name, path: path, reason: "policies.LocalNetworkAccess: not what Firefox expects"))
                    continue
                }
                for origin in remote where !domains.contains(origin.host) { domains.append(origin.host) }
                access["SkipDomains"] = domains
                policies["LocalNetworkAccess"] = access
                object["policies"] = policies
                guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
                    continue
                }
                files.append(File(browser: browser.name, path: path, contents: Array(data) + [0x0A]))
            }
        }
        return (files, skipped, present.count)
    }

    /// Whether `origin` is a page on this computer, which needs no policy.
    public static func isLoopback(_ origin: String) -> Bool {
        WebOrigin(origin)?.isLoopback ?? false
    }
}
