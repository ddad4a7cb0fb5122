#if canImport(Glibc)
import Glibc
#endif

/// pcsc-tools' `smartcard_list.txt`: a long list of ATR patterns and the
/// names people reported for them. Used only for a card's name when our own
/// table does not know the card.
public struct SmartcardList: Sendable {
    public struct Entry: Sendable, Hashable {
        public let pattern: ATRPattern
        public let descriptions: [String]
    }

    public let entries: [Entry]

    /// Where pcsc-tools installs the list, and where `pcsc_scan -u` caches a newer one.
    public static var defaultPaths: [String] {
        var paths: [String] = []
        if let home = getenv("HOME") { paths.append(String(cString: home) + "/.cache/smartcard_list.txt") }
        paths.append("/usr/share/pcsc/smartcard_list.txt")
        return paths
    }

    public init(entries: [Entry]) { self.entries = entries }

    /// Parses the list's text: an ATR pattern line, then tab-indented description lines.
    public init(text: String) {
        var entries: [Entry] = []
        var pattern: ATRPattern? = nil
        var descriptions: [String] = []
        func flush() {
            if let p = pattern, !descriptions.isEmpty { entries.append(Entry(pattern: p, descriptions: descriptions)) }
            pattern = nil
            descriptions = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("#") { continue }
            if line.hasPrefix("\t") {
                if pattern != nil { descriptions.append(line.trimmingPrefix("\t").trimmingWhitespace()) }
            } else if line.trimmingWhitespace().isEmpty {
                flush()
            } else {
                flush()
                pattern = ATRPattern(String(line).trimmingWhitespace())
            }
        }
        flush()
        self.entries = entries
    }

    /// Loads the first list found among `paths`; nil when none is installed.
    public static func load(from paths: [String] = SmartcardList.defaultPaths) -> SmartcardList? {
        for path in paths {
            if let text = readTextFile(path) { return SmartcardList(text: text) }
        }
        return nil
    }

    /// The descriptions of every entry matching the ATR, in file order.
    public func descriptions(for atr: ATR) -> [String] {
        entries.filter { $0.pattern.matches(atr) }.flatMap(\.descriptions)
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}

/// Reads a whole text file with POSIX calls; nil if it cannot be read.
func readTextFile(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, file)
        if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
        if n < buffer.count { break }
    }
    return String(decoding: bytes, as: UTF8.self)
}
