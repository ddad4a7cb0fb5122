import Synchronization

/// Values worked out from bytes that repeat from one verification to the
/// next (the same CA, TSA and signer certificates in document after
/// document), kept by their key for the process's life. Bounded: when
/// `limit` entries are held it starts over, so hostile input (10 000
/// certificates in one file) costs memory only up to the limit. Only pure
/// functions of the key go in: a value never depends on time or trust.
/// Concurrency rule 3 (docs/architecture.md): a `Mutex`, held only to look
/// up or store, never while the value is worked out.
public final class Memo<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let entries = Mutex<[Key: Value]>([:])
    public let limit: Int

    public init(limit: Int) { self.limit = limit }

    public func value(_ key: Key, make: () throws -> Value) rethrows -> Value {
        if let known = entries.withLock({ $0[key] }) { return known }
        let value = try make()
        entries.withLock { entries in
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[key] = value
        }
        return value
    }

    public var count: Int { entries.withLock { $0.count } }
}

/// Bytes as a ``Memo`` key: hashed in one call over the buffer. (`[UInt8]`'s
/// own hashing feeds the hasher one byte at a time, which for a certificate
/// costs about as much as the lookup saves.)
public struct MemoKey: Hashable, Sendable {
    public let parts: [[UInt8]]

    public init(_ parts: [UInt8]...) { self.parts = parts }

    public func hash(into hasher: inout Hasher) {
        for part in parts {
            hasher.combine(part.count)
            part.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }
}
