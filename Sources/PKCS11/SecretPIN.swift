/// A PIN held only as long as a login needs it.
///
/// The bytes live in one heap buffer this object owns; `wipe()` (called at the
/// latest when the object goes away) overwrites them with zeros. It has no
/// `description` that shows the digits, so it cannot leak into logs or errors.
public final class SecretPIN: @unchecked Sendable, CustomStringConvertible {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var wiped = false

    /// Takes the PIN's bytes and zeroes the caller's array.
    public init(consuming bytes: inout [UInt8]) {
        buffer = .allocate(capacity: max(bytes.count, 1))
        buffer.initialize(repeating: 0)
        for i in bytes.indices { buffer[i] = bytes[i] }
        count = bytes.count
        Wipe.bytes(&bytes)
        bytes.removeAll()
    }

    /// Convenience for tests and PIN files; the string itself cannot be wiped.
    public convenience init(_ text: String) {
        var bytes = Array(text.utf8)
        self.init(consuming: &bytes)
    }

    public let count: Int

    /// Gives the bytes to `body` (e.g. C_Login); the pointer must not escape.
    public func withBytes<R>(_ body: (UnsafeMutablePointer<UInt8>, Int) throws -> R) rethrows -> R {
        precondition(!wiped, "PIN used after wipe")
        return try body(buffer.baseAddress!, count)
    }

    /// Overwrites the PIN with zeros.
    public func wipe() {
        guard !wiped else { return }
        Wipe.bytes(UnsafeMutableRawBufferPointer(buffer))
        wiped = true
    }

    public var isWiped: Bool { wiped }

    deinit {
        wipe()
        buffer.deallocate()
    }

    public var description: String { "SecretPIN(\(count) digits, hidden)" }
}
