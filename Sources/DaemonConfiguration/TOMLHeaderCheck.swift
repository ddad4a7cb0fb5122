/// toml++ (under TOMLKit) asserts, and in a release build assumes, that a
/// table header's `[` or `[[` is followed by a key: `[}` or `[` alone on a
/// line aborts the process that reads the file (podpisd, podpis doctor).
/// This finds such a header before the text reaches it: a light scan that
/// knows where a line starts outside a value (strings, multi-line strings
/// and arrays spanning lines, comments), and looks only at table headers.
/// Found by the FuzzConfiguration fuzz target (Fuzz/Regressions/).
enum TOMLHeaderCheck {
    /// The 1-based line of the first table header that does not start with
    /// a key (bare key character or quote; `]` is left to toml++, which
    /// reports it), or nil.
    static func firstHeaderWithoutKey(in text: String) -> Int? {
        let bytes = Array(text.utf8)
        // toml++ skips a byte order mark at the start: a header may follow it at once.
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        func at(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
        func skipBlanks() { while let byte = at(0), byte == 0x20 || byte == 0x09 { index += 1 } }
        /// Skips a string starting at `index` (basic, literal, multi-line), counting lines.
        func skipString() {
            let quote = bytes[index]
            let multi = at(1) == quote && at(2) == quote
            index += multi ? 3 : 1
            while let byte = at(0) {
                if byte == 0x0A {
                    if !multi { return }  // unterminated: toml++ reports it (the caller counts the line)
                    line += 1
                }
                if byte == 0x5C, quote == 0x22 {  // escape in a basic string
                    index += 2
                    continue
                }
                if byte == quote, !multi || (at(1) == quote && at(2) == quote) {
                    index += multi ? 3 : 1
                    // a multi-line string may end with up to two more quotes
                    while multi, at(0) == quote { index += 1 }
                    return
                }
                index += 1
            }
        }
        /// Skips to the end of the line (a comment or the rest of a header).
        func skipLine() { while let byte = at(0), byte != 0x0A { index += 1 } }

        while index < bytes.count {
            skipBlanks()
            guard let byte = at(0) else { break }
            switch byte {
            case 0x0A:
                index += 1
                line += 1
                continue
            case 0x0D, 0x23:  // CR of CRLF, comment
                skipLine()
                continue
            case 0x5B:  // a table header
                index += 1
                skipBlanks()
                if at(0) == 0x5B {
                    index += 1
                    skipBlanks()
                }
                guard let next = at(0), isKeyStart(next) || next == 0x5D else { return line }
                skipLine()
                continue
            default:
                break
            }
            // key = value: the value may span lines inside arrays and multi-line strings.
            var depth = 0
            while let byte = at(0) {
                if byte == 0x22 || byte == 0x27 {
                    skipString()
                    continue
                }
                if byte == 0x23 {
                    skipLine()
                    if depth == 0 { break }
                    continue
                }
                if byte == 0x5B || byte == 0x7B { depth += 1 }
                if byte == 0x5D || byte == 0x7D { depth = max(0, depth - 1) }
                if byte == 0x0A {
                    if depth == 0 { break }
                    line += 1
                }
                index += 1
            }
        }
        return nil
    }

    /// A bare key character (A-Z a-z 0-9 _ -) or a quote.
    static func isKeyStart(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x5F, 0x2D, 0x22, 0x27: true
        default: false
        }
    }
}
