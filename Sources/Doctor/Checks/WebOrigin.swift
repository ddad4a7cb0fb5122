import Foundation

/// A web origin `scheme://host[:port]` split up, the port made explicit.
struct WebOrigin: Sendable, Hashable {
    /// As configured (`https://ezd.example.gov.pl`).
    let text: String
    let scheme: String
    /// Lower case; IPv6 in brackets.
    let host: String
    let port: Int

    init?(_ text: String) {
        self.text = text
        let lowered = text.lowercased()
        guard let separator = lowered.range(of: "://") else { return nil }
        scheme = String(lowered[..<separator.lowerBound])
        let authority = lowered[separator.upperBound...]
        guard !authority.isEmpty, !authority.contains(where: { "/?#@".contains($0) }) else { return nil }
        let defaultPort: Int
        switch scheme {
        case "https": defaultPort = 443
        case "http": defaultPort = 80
        default: return nil
        }
        var hostText = authority
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            hostText = authority[...close]
            let after = authority[authority.index(after: close)...]
            if after.first == ":" { portText = after.dropFirst() } else if !after.isEmpty { return nil }
        } else if let colon = authority.lastIndex(of: ":") {
            hostText = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        guard !hostText.isEmpty else { return nil }
        host = String(hostText)
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else { return nil }
            port = number
        } else {
            port = defaultPort
        }
    }

    /// The page is itself on this computer (`localhost`, 127.0.0.0/8,
    /// `[::1]`): calling podpisd is no local network access.
    var isLoopback: Bool {
        host == "localhost" || host.hasSuffix(".localhost") || host == "[::1]"
            || (host.hasPrefix("127.") && host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." })
    }
}
