#if canImport(Glibc)
import Glibc
#endif

/// An IP address range (CIDR), optionally for one port only: an entry of
/// the fetcher's allow-list for addresses it refuses by default
/// (loopback, private, link-local, unspecified, multicast).
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 (IPv6).
    public let address: [UInt8]
    public let prefixLength: Int
    /// nil: every port.
    public let port: Int?

    /// "127.0.0.1", "10.0.0.0/8", "::1", "fc00::/7"; nil if not an address or the prefix is too long.
    public init?(_ text: String, port: Int? = nil) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let address = Self.parse(first) else { return nil }
        let bits = address.count * 8
        let prefix = parts.count == 2 ? Int(parts[1]) : bits
        guard let prefix, prefix >= 0, prefix <= bits else { return nil }
        self.address = address
        self.prefixLength = prefix
        self.port = port
    }

    /// Whether `address` (4 or 16 bytes) and `port` fall in this range.
    public func contains(_ other: [UInt8], port otherPort: Int) -> Bool {
        if let port, port != otherPort { return false }
        guard other.count == address.count else { return false }
        var remaining = prefixLength
        for (a, b) in zip(address, other) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if a & mask != b & mask { return false }
            remaining -= 8
        }
        return true
    }

    public var description: String {
        Self.text(address) + "/\(prefixLength)" + (port.map { " port \($0)" } ?? "")
    }

    /// Parses a textual IPv4 or IPv6 address (brackets allowed).
    static func parse(_ text: String) -> [UInt8]? {
        var host = text
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    /// The textual form of a 4- or 16-byte address.
    static func text(_ address: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = address.count == 4 ? AF_INET : AF_INET6
        let ok = address.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil }
        return ok ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
    }

    /// Why `address` is refused by default (certificate URLs are attacker-supplied
    /// and the daemon listens on loopback), or nil for a public address.
    static func specialUse(_ address: [UInt8]) -> String? {
        if address.count == 16 {
            if address == [UInt8](repeating: 0, count: 16) { return "unspecified" }
            if address == [UInt8](repeating: 0, count: 15) + [1] { return "loopback" }
            // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d): judged as the IPv4 address
            if address[0..<10].allSatisfy({ $0 == 0 }) && (address[10..<12] == [0xFF, 0xFF] || address[10..<12] == [0, 0]) {
                return specialUse(Array(address[12..<16]))
            }
            // NAT64 (64:ff9b::/96)
            if address[0..<12] == [0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return specialUse(Array(address[12..<16])) }
            if address[0] & 0xFE == 0xFC { return "private (unique local)" }
            if address[0] == 0xFE && address[1] & 0xC0 == 0x80 { return "link-local" }
            if address[0] == 0xFE && address[1] & 0xC0 == 0xC0 { return "site-local" }
            if address[0] == 0xFF { return "multicast" }
            return nil
        }
        guard address.count == 4 else { return "not an address" }
        let (a, b) = (address[0], address[1])
        switch a {
        case 0: return "unspecified"
        case 10: return "private"
        case 127: return "loopback"
        case 100 where b & 0xC0 == 64: return "shared (carrier-grade NAT)"
        case 169 where b == 254: return "link-local"
        case 172 where b & 0xF0 == 16: return "private"
        case 192 where b == 168: return "private"
        case 224...239: return "multicast"
        case 240...255: return "reserved"
        default: return nil
        }
    }
}
