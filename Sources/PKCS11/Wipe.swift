#if canImport(Glibc)
import Glibc
#endif

/// The one way Podpis overwrites secret bytes (PINs and the buffers they
/// passed through): `explicit_bzero`, which the compiler may not elide even
/// when the memory is never read again. No hand-written zeroing loops.
public enum Wipe {
    /// Zeroes the memory `buffer` points to.
    public static func bytes(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        explicit_bzero(base, buffer.count)
    }

    /// Zeroes every byte of `array` in place (its storage, not a copy) and
    /// keeps its length, so that a caller can check the zeros.
    public static func bytes(_ array: inout [UInt8]) {
        array.withUnsafeMutableBytes { bytes($0) }
    }

    /// Zeroes the storage `array` shares with every copy of it, without the
    /// copy-on-write a mutation would make (which would leave the original
    /// bytes behind): for a PIN held in an enum payload or passed by value.
    /// Only for arrays filled at run time (never a literal).
    public static func storage(of array: [UInt8]) {
        array.withUnsafeBytes { bytes(UnsafeMutableRawBufferPointer(mutating: $0)) }
    }

    /// Zeroes the storage of every value of `fields` (shared with any copy,
    /// as ``storage(of:)``), then empties the dictionary.
    public static func values(_ fields: inout [String: [UInt8]]) {
        for value in fields.values { storage(of: value) }
        fields.removeAll()
    }
}
