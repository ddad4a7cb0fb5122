import Foundation
import Localization

/// USB tokens whose vendor module opens the device itself (libusb), not
/// through pcscd, need Podpis's udev rule (udev/70-podpis-tokens.rules) so
/// that the clerk's user may open them. Looks at the USB devices plugged in
/// (sysfs) and, if one of them needs it, whether the rule is installed.
struct UdevRuleCheck {
    static let name = "udev"

    /// The devices the rule covers: vendor id and product id (nil: any).
    /// The same list as udev/70-podpis-tokens.rules.
    static let tokens: [(vendor: String, product: String?, name: String)] = [
        ("0529", "0600", "SafeNet / Aladdin eToken PRO"),
        ("096e", nil, "Feitian ePass"),
    ]

    static let ruleFile = "70-podpis-tokens.rules"
    static let ruleDirectories = ["/etc/udev/rules.d", "/run/udev/rules.d", "/usr/lib/udev/rules.d", "/lib/udev/rules.d"]

    let sysfsDevices: String
    let ruleDirectories: [String]

    init(sysfsDevices: String = "/sys/bus/usb/devices", ruleDirectories: [String] = UdevRuleCheck.ruleDirectories) {
        self.sysfsDevices = sysfsDevices
        self.ruleDirectories = ruleDirectories
    }

    /// A USB device that needs the rule.
    struct Device: Hashable {
        let vendor: String
        let product: String
        let name: String
    }

    func devices() -> [Device] {
        let fm = FileManager.default
        let entries = (try? fm.contentsOfDirectory(atPath: sysfsDevices)) ?? []
        var found: [Device] = []
        for entry in entries.sorted() where !entry.contains(":") {
            let dir = sysfsDevices + "/" + entry
            guard let vendor = Self.read(dir + "/idVendor")?.lowercased(), let product = Self.read(dir + "/idProduct")?.lowercased(),
                let token = Self.tokens.first(where: { $0.vendor == vendor && ($0.product == nil || $0.product == product) })
            else { continue }
            // A CCID interface (class 0x0b) means pcscd serves it: no rule needed.
            let interfaces = ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasPrefix(entry + ":") }
            let ccid = interfaces.contains { Self.read(dir + "/" + $0 + "/bInterfaceClass")?.lowercased() == "0b" }
            if !ccid { found.append(Device(vendor: vendor, product: product, name: token.name)) }
        }
        return found
    }

    func run() -> Finding {
        let needing = devices()
        guard !needing.isEmpty else {
            return .ok(Self.name, "udev-not-needed", messages.text("udev-not-needed.found"))
        }
        let list = needing.map { "\($0.name) (\($0.vendor):\($0.product))" }.joined(separator: ", ")
        if let installed = ruleDirectories.map({ $0 + "/" + Self.ruleFile }).first(where: { FileManager.default.fileExists(atPath: $0) }) {
            return .ok(Self.name, "udev-rule-installed", messages.text("udev-rule-installed.found", ["installed": installed, "list": list]),
                details: ["rule": installed, "devices": list])
        }
        return .problem(Self.name, messages.finding("udev-rule-missing", ["list": list]), details: ["devices": list])
    }

    private static func read(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
