import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The PKCS#11 modules registered with p11-kit, read from its configuration
/// files (`*.module`) rather than by loading them, so that a registered
/// module whose file is gone or broken is seen too (p11-kit would skip it).
struct P11KitRegistry {
    struct Entry: Sendable, Hashable {
        /// The configuration's name (file name without `.module`).
        let name: String
        /// The module file, absolute.
        let path: String
        /// The configuration file that registers it.
        let configFile: String
    }

    /// Package configurations, then the system's, then (not for root, as
    /// p11-kit does) the user's; a later file with the same name wins.
    static func directories(environment: [String: String]) -> [String] {
        var dirs = ["/usr/share/p11-kit/modules", "/etc/pkcs11/modules"]
        if getuid() != 0 {
            if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
                dirs.append(xdg + "/pkcs11/modules")
            } else if let home = environment["HOME"], !home.isEmpty {
                dirs.append(home + "/.config/pkcs11/modules")
            }
        }
        return dirs
    }

    /// Where p11-kit looks for a module given by file name only.
    static var moduleDirectory: String {
        var name = utsname()
        uname(&name)
        let machine = withUnsafeBytes(of: name.machine) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        let multiarch: String
        switch machine {
        case "armv7l", "armv6l": multiarch = "arm-linux-gnueabihf"
        case "i686", "i586", "i386": multiarch = "i386-linux-gnu"
        default: multiarch = "\(machine)-linux-gnu"
        }
        return "/usr/lib/\(multiarch)/pkcs11"
    }

    /// The modules p11-kit would give Podpis: not those for trust policy only,
    /// nor those whose `enable-in` / `disable-in` leave out this program.
    static func entries(directories: [String], program: String = "podpis") -> [Entry] {
        var byName: [String: Entry] = [:]
        var order: [String] = []
        for directory in directories {
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
            for file in files where file.hasSuffix(".module") {
                let name = String(file.dropLast(".module".count))
                let configFile = directory + "/" + file
                guard let text = try? String(contentsOfFile: configFile, encoding: .utf8) else { continue }
                let options = parse(text)
                if byName[name] == nil { order.append(name) }
                guard var module = options["module"], !module.isEmpty,
                    options["trust-policy"]?.lowercased() != "yes",
                    included(program: program, options: options)
                else {
                    byName[name] = nil
                    continue
                }
                if !module.hasPrefix("/") { module = moduleDirectory + "/" + module }
                byName[name] = Entry(name: name, path: module, configFile: configFile)
            }
        }
        return order.compactMap { byName[$0] }
    }

    static func parse(_ text: String) -> [String: String] {
        var options: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("#"), let colon = trimmed.firstIndex(of: ":") else { continue }
            let key = trimmed[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            options[key] = value
        }
        return options
    }

    private static func included(program: String, options: [String: String]) -> Bool {
        func list(_ key: String) -> [String]? {
            options[key].map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        }
        if let enabled = list("enable-in"), !enabled.contains(program) { return false }
        if let disabled = list("disable-in"), disabled.contains(program) { return false }
        return true
    }
}
