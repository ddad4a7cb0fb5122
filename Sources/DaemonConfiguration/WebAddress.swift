import Foundation

/// A web origin, `scheme://host[:port]` (http or https), in its parts.
public struct WebOrigin: Sendable, Hashable {
    /// `http` or `https`.
    public let scheme: String
    /// Lower case; an IPv6 address in brackets.
    public let host: String
    /// Explicit: the scheme's default (80, 443) when the text has none.
    public let port: Int

    /// As a browser sends it in `Origin`: the default port left out.
    public var text: String {
        let isDefault = (scheme == "http" && port == 80) || (scheme == "https" && port == 443)
        return isDefault ? "\(scheme)://\(host)" : "\(scheme)://\(host):\(port)"
    }

    /// `text` read by the configuration's rules (``WebAddress/origin(_:)``); nil when they refuse it.
    public init?(_ text: String) {
        guard case .success(let origin) = WebAddress.parse(text) else { return nil }
        self = origin
    }

    init(scheme: String, host: String, port: Int) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }
}

/// The checks of web addresses in the configuration: origins allowed to call
/// the TCP API, and time-stamping service URLs.
enum WebAddress {
    /// `scheme://host[:port]` as a browser sends it in `Origin`: scheme and
    /// host lower-cased, the scheme's default port dropped; IPv6 hosts in
    /// brackets.
    static func origin(_ text: String) -> Result<String, OriginFlaw> {
        parse(text).map(\.text)
    }

    /// An origin's parts, by the rules of ``origin(_:)``.
    static func parse(_ text: String) -> Result<WebOrigin, OriginFlaw> {
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
        var port = scheme == "https" ? 443 : 80
        if let portText {
            guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(portText), (1...65535).contains(number) else {
                return .failure(.port)
            }
            port = number
        }
        return .success(WebOrigin(scheme: scheme, host: String(host), port: port))
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
