import Foundation
import TestBench
import XCTest

/// A directory standing for / with the Debian package's units (the
/// repository's copies) and a Chromium, as `podpis setup --root` sees it.
struct SetupRoot {
    let path: String
    /// Holds the root and, beside it, the answers files and transcripts.
    let base: String

    init(browser: Bool = true) throws {
        base = try TestBench.temporaryDirectory().path
        path = base + "/root"
        let fm = FileManager.default
        for scope in ["system", "user"] {
            try fm.createDirectory(atPath: path + "/usr/lib/systemd/\(scope)", withIntermediateDirectories: true)
            try fm.copyItem(
                atPath: TestBench.repositoryRoot.appendingPathComponent("systemd/\(scope)/podpisd.service").path,
                toPath: path + "/usr/lib/systemd/\(scope)/podpisd.service")
        }
        if browser {
            try fm.createDirectory(atPath: path + "/usr/bin", withIntermediateDirectories: true)
            fm.createFile(atPath: path + "/usr/bin/chromium", contents: Data())
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: base) }

    /// Every file and link under the root: its bytes (a link: its target) and modification time.
    func snapshot() -> [String: (bytes: Data, modified: Date)] {
        var result: [String: (bytes: Data, modified: Date)] = [:]
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: path) else { return result }
        for case let relative as String in walker {
            let full = path + "/" + relative
            guard let attributes = try? fm.attributesOfItem(atPath: full) else { continue }
            let type = attributes[.type] as? FileAttributeType
            let modified = attributes[.modificationDate] as? Date ?? .distantPast
            if type == .typeSymbolicLink {
                result[relative] = (Data(((try? fm.destinationOfSymbolicLink(atPath: full)) ?? "").utf8), modified)
            } else if type == .typeRegular {
                result[relative] = (fm.contents(atPath: full) ?? Data(), modified)
            }
        }
        return result
    }

    func write(_ name: String, _ text: String) throws -> String {
        let file = base + "/" + UUID().uuidString + "-" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}

enum SetupRun {
    static var podpis: String { TestBench.product("podpis") }

    static func json(_ output: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(output.utf8))
        return try XCTUnwrap(object as? [String: Any], output)
    }

    static func changes(_ report: [String: Any]) -> [[String: Any]] { report["changes"] as? [[String: Any]] ?? [] }

    static func findings(_ report: [String: Any]) -> [[String: Any]] {
        (report["doctor"] as? [String: Any])?["findings"] as? [[String: Any]] ?? []
    }
}
