import DaemonConfiguration
import Foundation

/// The Local Network Access policies of one Chromium-family browser, from
/// its managed directory: every `*.json` (hidden files left out) read in
/// file-name order and merged key by key, a later file's key replacing an
/// earlier one's whole (Chromium's `ConfigDirPolicyLoader`: "the last value
/// read takes precedence in case of policy key collisions"; lists are not
/// joined).
struct ChromiumPolicies {
    /// The policies that decide whether a page may call a loopback address,
    /// in Chromium's order of precedence (Chrome/Edge 146+ documentation:
    /// the first that matches the page decides). 142–145 know only the last
    /// two.
    static let precedence: [(key: String, allows: Bool)] = [
        ("LoopbackNetworkBlockedForUrls", false),
        ("LoopbackNetworkAllowedForUrls", true),
        ("LocalNetworkAccessBlockedForUrls", false),
        ("LocalNetworkAccessAllowedForUrls", true),
    ]
    /// The keys the fix sets: 142–145 read the first, 146+ the second
    /// (156 still honours the first for loopback, as measured).
    static let allowKeys = ["LocalNetworkAccessAllowedForUrls", "LoopbackNetworkAllowedForUrls"]
    /// For private-network targets only: does not let a page reach loopback
    /// (measured on Chromium 156).
    static let localNetworkOnlyKey = "LocalNetworkAllowedForUrls"

    struct Problem {
        let file: String
        let reason: String
    }

    /// Each key's list and the file it came from.
    private(set) var lists: [String: (patterns: [String], file: String)] = [:]
    private(set) var problems: [Problem] = []
    /// The `*.json` files read, in order.
    private(set) var files: [String] = []

    /// `directory` is the real path under the check's root; `shown` is how
    /// it is named to the reader (without the root).
    init(directory: String, shown: String) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let keys = Self.precedence.map(\.key) + [Self.localNetworkOnlyKey]
        for name in names {
            let path = directory + "/" + name
            let named = shown + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            files.append(named)
            switch PolicyFile.read(path) {
            case .failure(let flaw):
                problems.append(Problem(file: named, reason: Self.describe(flaw)))
            case .success(let object):
                for key in keys {
                    guard let value = object[key] else { continue }
                    guard let patterns = PolicyFile.strings(value) else {
                        problems.append(Problem(file: named, reason: "\(key): not a list of strings"))
                        continue
                    }
                    lists[key] = (patterns, named)
                }
            }
        }
    }

    /// What decides for `origin`: the first policy in ``precedence`` with a
    /// pattern that matches it, or nil.
    func decision(for origin: WebOrigin) -> (key: String, allows: Bool, pattern: String, file: String)? {
        for (key, allows) in Self.precedence {
            guard let list = lists[key] else { continue }
            if let pattern = list.patterns.first(where: { ChromeURLPattern($0)?.matches(origin) == true }) {
                return (key, allows, pattern, list.file)
            }
        }
        return nil
    }

    /// The pattern of `LocalNetworkAllowedForUrls` that names `origin`, which
    /// the administrator may have meant for podpisd but which does not
    /// cover loopback.
    func localNetworkOnlyPattern(for origin: WebOrigin) -> String? {
        lists[Self.localNetworkOnlyKey]?.patterns.first { ChromeURLPattern($0)?.matches(origin) == true }
    }

    static func describe(_ flaw: PolicyFile.Flaw) -> String {
        switch flaw {
        case .unreadable: return "cannot be read"
        case .tooLarge(let size): return "too large (\(size) bytes, more than \(PolicyFile.maximumBytes))"
        case .notJSON: return "not valid JSON"
        case .notAnObject: return "not a JSON object"
        }
    }
}
