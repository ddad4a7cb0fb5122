import Foundation

/// A browser the clerk may open EZD in, where its programs are and where its
/// administrator's policies live on Linux.
struct DeskBrowser: Sendable {
    enum Policies: Sendable {
        /// Chromium's family: every `*.json` in the managed directory,
        /// merged (``ChromiumPolicies``).
        case chromium(managed: String, policyPage: String)
        /// Firefox: one policies.json, the first of these that exists.
        case firefox(files: [String])
    }

    /// `chromium`, `chrome`, `edge`, `firefox`: in details and tests.
    let id: String
    /// As the clerk knows it.
    let name: String
    /// Absolute paths; a trailing `*` stands for any end of the file name
    /// (`/usr/bin/google-chrome*`: `google-chrome-stable`, `-beta`…).
    let programs: [String]
    let policies: Policies

    static let known: [DeskBrowser] = [
        DeskBrowser(
            id: "chromium", name: "Chromium", programs: ["/usr/bin/chromium", "/usr/bin/chromium-browser"],
            policies: .chromium(managed: "/etc/chromium/policies/managed", policyPage: "chrome://policy")),
        DeskBrowser(
            id: "chrome", name: "Google Chrome", programs: ["/usr/bin/google-chrome*", "/opt/google/chrome/chrome"],
            policies: .chromium(managed: "/etc/opt/chrome/policies/managed", policyPage: "chrome://policy")),
        DeskBrowser(
            id: "edge", name: "Microsoft Edge", programs: ["/usr/bin/microsoft-edge*", "/opt/microsoft/msedge/msedge"],
            policies: .chromium(managed: "/etc/opt/edge/policies/managed", policyPage: "edge://policy")),
        DeskBrowser(
            id: "firefox", name: "Firefox", programs: ["/usr/bin/firefox", "/usr/bin/firefox-esr"],
            policies: .firefox(files: [
                "/etc/firefox/policies/policies.json",
                "/usr/lib/firefox-esr/distribution/policies.json",
                "/usr/lib/firefox/distribution/policies.json",
            ])),
    ]

    /// Whether the browser is on this computer under `root`: one of its
    /// programs, or its policy directory, exists.
    func isPresent(root: String) -> Bool {
        let fm = FileManager.default
        for program in programs {
            if program.hasSuffix("*") {
                let prefix = String(program.dropLast())
                let directory = (prefix as NSString).deletingLastPathComponent
                let start = (prefix as NSString).lastPathComponent
                let entries = (try? fm.contentsOfDirectory(atPath: root + directory)) ?? []
                if entries.contains(where: { $0.hasPrefix(start) }) { return true }
            } else if fm.fileExists(atPath: root + program) {
                return true
            }
        }
        switch policies {
        case .chromium(let managed, _):
            return fm.fileExists(atPath: root + managed)
        case .firefox(let files):
            return files.contains { fm.fileExists(atPath: root + $0) }
        }
    }
}
