import DaemonConfiguration
import Foundation

/// A URL pattern of a Chrome enterprise policy of the content-settings kind
/// (`LocalNetworkAccessAllowedForUrls`, `LoopbackNetworkBlockedForUrls`…), as
/// Google's "Enterprise policy URL pattern format" describes it: `*`, or
/// `[scheme://][[*.]host|*][:port][/path]`. A missing scheme or port, or `*`
/// in their place, matches any; `[*.]` matches the domain and every
/// subdomain; IP addresses take no wildcard; the path is meaningless (the
/// pattern is matched against an origin) and only `/` or `/*` is accepted.
/// A pattern this type cannot read is one Chrome ignores too (as far as
/// known): `init` answers nil and the check leaves it out.
struct ChromeURLPattern: Sendable, Equatable {
    /// The pattern as written in the policy.
    let text: String
    /// Lower case; nil: any scheme.
    let scheme: String?
    /// Lower case, IPv6 in brackets; nil: any host.
    let host: String?
    /// `[*.]`: the host and all its subdomains.
    let subdomains: Bool
    /// nil: any port.
    let port: Int?

    init?(_ text: String) {
        self.text = text
        var rest = text.trimmingCharacters(in: .whitespaces).lowercased()[...]
        if rest == "*" {
            (scheme, host, subdomains, port) = (nil, nil, false, nil)
            return
        }
        var scheme: String?
        if let separator = rest.range(of: "://") {
            let name = String(rest[..<separator.lowerBound])
            guard !name.isEmpty else { return nil }
            scheme = name == "*" ? nil : name
            rest = rest[separator.upperBound...]
        }
        if let slash = rest.firstIndex(of: "/") {
            let path = rest[slash...]
            guard path == "/" || path == "/*" else { return nil }
            rest = rest[..<slash]
        }
        var hostText: Substring
        var portText: Substring?
        if rest.hasPrefix("[") && !rest.hasPrefix("[*.]") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            hostText = rest[...close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = rest.lastIndex(of: ":") {
            hostText = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            hostText = rest
        }
        var subdomains = false
        if hostText.hasPrefix("[*.]") {
            subdomains = true
            hostText = hostText.dropFirst(4)
        }
        guard !hostText.isEmpty else { return nil }
        let anyHost = hostText == "*"
        if anyHost && subdomains { return nil }
        if !anyHost {
            let allowed = hostText.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || "-._:[]".contains($0) }
            guard allowed, !hostText.contains("*") else { return nil }
            // IP addresses take no wildcard.
            if subdomains && (hostText.hasPrefix("[") || hostText.allSatisfy { $0.isNumber || $0 == "." }) { return nil }
        }
        var port: Int?
        if let portText, portText != "*" {
            guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(portText), number <= 65535 else {
                return nil
            }
            port = number
        }
        self.scheme = scheme
        self.host = anyHost ? nil : String(hostText)
        self.subdomains = subdomains
        self.port = port
    }

    /// Whether the pattern covers `origin`.
    func matches(_ origin: WebOrigin) -> Bool {
        if let scheme, scheme != origin.scheme { return false }
        if let port, port != origin.port { return false }
        guard let host else { return true }
        if origin.host == host { return true }
        return subdomains && origin.host.hasSuffix("." + host)
    }
}
