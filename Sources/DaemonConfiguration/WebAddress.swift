import Foundation

/// The checks of web addresses in the configuration: origins allowed to call
/// the TCP API, and time-stamping service URLs.
enum WebAddress {
    /// `scheme://host[:port]` as a browser sends it in `Origin`: scheme and
    /// host lower-cased, the scheme's default port dropped; IPv6 hosts in
    /// brackets.
    static func origin(_ text: String) -> Result<String, OriginFlaw> {
        if text.contains("*") { return .failure(.wildcard) }
        guard let separator = text.firstRange(of: "://") else { return .failure(.scheme) }
        let scheme = text[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return .failure(.scheme) }
        let authority = text[separator.upperBound...].lowercased()
        if authority.contains(where: { "/?#@".contains($0) }) { return .failure(.path) }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return .failure(.host) }
            host = authority[...close]
            let inside = host.dropFirst().dropLast()
            guard !inside.isEmpty, inside.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return .failure(.host) }
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { return .failure(.host) }
                portText = after.dropFirst()
            }
        } else {
            let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            host = parts[0]
            if parts.count == 2 { portText = parts[1] }
            let hostCharacters = host.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "." }
            guard !host.isEmpty, hostCharacters, !host.hasPrefix("."), !host.hasPrefix("-"), !host.contains("..") else {
                return .failure(.host)
            }
        }
        var origin = "\(scheme)://\(host)"
        if let portText {
            guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText), (1...65535).contains(port) else {
                return .failure(.port)
            }
            let isDefault = (scheme == "http" && port == 80) || (scheme == "https" && port == 443)
            if !isDefault { origin += ":\(port)" }
        }
        return .success(origin)
    }

    /// Whether `text` is an http or https URL with a host (a path and query
    /// are fine: TSAs live at paths).
    static func isServiceURL(_ text: String) -> Bool {
        guard !text.contains(where: \.isWhitespace),
            let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { return false }
        return true
    }
}
