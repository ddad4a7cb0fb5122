/// Reads a tar archive (ustar, pax, GNU long names) as it arrives, in
/// chunks of any size, without holding an entry's data: each ``feed(_:)``
/// returns what the chunk completed.
public struct TarReader: Sendable {
    public enum Event: Sendable, Equatable {
        /// An entry begins; its data follows in `data` events.
        case entry(TarEntry)
        /// Bytes of the current entry's data.
        case data([UInt8])
        /// The current entry's data is complete.
        case entryEnd
        /// The end-of-archive block: nothing after it is read.
        case end
    }

    /// The most an extended header or long name may hold.
    public static let metadataLimit = 64 << 10
    /// The largest entry size taken (1 PiB): larger sizes in a header or a
    /// pax `size` record are refused, so that no reader's offset arithmetic
    /// (offset + size + padding) can overflow.
    public static let sizeLimit = 1 << 50

    private enum Phase {
        case header
        /// Data of an entry handed out.
        case data(remaining: Int, padding: Int)
        /// Data of a pax header or long name, collected.
        case metadata(TarHeader.Kind, remaining: Int, padding: Int)
        case skipping(Int)
        case ended
    }

    private var phase = Phase.header
    private var pending: [UInt8] = []
    private var collected: [UInt8] = []
    private var nextPax: [String: String] = [:]
    private var nextLongName: String?
    /// Bytes of the archive consumed by earlier feeds.
    public private(set) var position = 0

    public init() {}

    /// True once the end-of-archive block was read.
    public var isFinished: Bool {
        if case .ended = phase { return true }
        return false
    }

    /// True between entries (no entry cut in the middle).
    public var isBetweenEntries: Bool {
        switch phase {
        case .header: pending.isEmpty
        case .ended: true
        default: false
        }
    }

    public mutating func feed(_ bytes: UnsafeRawBufferPointer) throws(TarError) -> [Event] {
        var events: [Event] = []
        var offset = 0
        defer { position += offset }
        while offset < bytes.count {
            switch phase {
            case .ended:
                return events
            case .header:
                let take = min(TarHeader.blockSize - pending.count, bytes.count - offset)
                pending.append(contentsOf: bytes[offset..<(offset + take)])
                offset += take
                guard pending.count == TarHeader.blockSize else { continue }
                let header = try TarHeader.parse(pending)
                pending.removeAll(keepingCapacity: true)
                guard let header else {
                    phase = .ended
                    events.append(.end)
                    return events
                }
                try begin(header, dataOffset: position + offset, into: &events)
            case .data(let remaining, let padding):
                let take = min(remaining, bytes.count - offset)
                if take > 0 { events.append(.data(Array(bytes[offset..<(offset + take)]))) }
                offset += take
                if remaining - take == 0 {
                    events.append(.entryEnd)
                    phase = padding > 0 ? .skipping(padding) : .header
                } else {
                    phase = .data(remaining: remaining - take, padding: padding)
                }
            case .metadata(let kind, let remaining, let padding):
                let take = min(remaining, bytes.count - offset)
                collected.append(contentsOf: bytes[offset..<(offset + take)])
                offset += take
                if remaining - take == 0 {
                    try finishMetadata(kind)
                    phase = padding > 0 ? .skipping(padding) : .header
                } else {
                    phase = .metadata(kind, remaining: remaining - take, padding: padding)
                }
            case .skipping(let count):
                let take = min(count, bytes.count - offset)
                offset += take
                phase = count - take == 0 ? .header : .skipping(count - take)
            }
        }
        return events
    }

    /// Call when the input ends: an archive that stops inside an entry is cut off.
    /// (An archive without its end-of-archive blocks but complete entries is accepted.)
    public func finish() throws(TarError) {
        guard isBetweenEntries else { throw .truncated }
    }

    private mutating func begin(_ header: TarHeader, dataOffset: Int, into events: inout [Event]) throws(TarError) {
        let padding = TarHeader.padding(header.size)
        switch header.kind {
        case .paxExtended, .paxGlobal, .gnuLongName:
            guard header.size <= Self.metadataLimit else { throw .tooLong(Self.metadataLimit) }
            collected.removeAll(keepingCapacity: true)
            if header.size == 0 {
                try finishMetadata(header.kind)
            } else {
                phase = .metadata(header.kind, remaining: header.size, padding: padding)
            }
        default:
            var entry = TarEntry(name: header.name, size: header.size, kind: header.kind, mtime: header.mtime, pax: nextPax, offset: dataOffset)
            if let long = nextLongName { entry.name = long }
            if let path = nextPax["path"] { entry.name = path }
            if let size = nextPax["size"] {
                guard let value = Int(size), value >= 0, value <= Self.sizeLimit else { throw .badPaxValue("size") }
                entry.size = value
            }
            if let mtime = nextPax["mtime"] {
                // Seconds with an optional fraction; nan, inf or 1e300 have no Int.
                guard let seconds = Double(mtime), let whole = Int(exactly: seconds.rounded(.down)) else { throw .badPaxValue("mtime") }
                entry.mtime = whole
            }
            nextPax = [:]
            nextLongName = nil
            events.append(.entry(entry))
            if entry.size == 0 {
                events.append(.entryEnd)
                phase = .header
            } else {
                phase = .data(remaining: entry.size, padding: TarHeader.padding(entry.size))
            }
        }
    }

    private mutating func finishMetadata(_ kind: TarHeader.Kind) throws(TarError) {
        switch kind {
        case .gnuLongName:
            let end = collected.firstIndex(of: 0) ?? collected.endIndex
            nextLongName = String(decoding: collected[..<end], as: UTF8.self)
        case .paxExtended:
            for (key, value) in try Self.records(collected) { nextPax[key] = value }
        default:
            _ = try Self.records(collected)  // global: checked, not applied
        }
        collected.removeAll(keepingCapacity: true)
    }

    /// `LENGTH KEY=VALUE\n` records, LENGTH counting the whole record.
    static func records(_ bytes: [UInt8]) throws(TarError) -> [(String, String)] {
        var records: [(String, String)] = []
        var start = 0
        while start < bytes.count {
            guard let space = bytes[start...].firstIndex(of: 32),
                let length = Int(String(decoding: bytes[start..<space], as: UTF8.self)), length > space - start + 2,
                length <= bytes.count - start, bytes[start + length - 1] == 0x0A,
                let equals = bytes[(space + 1)..<(start + length)].firstIndex(of: UInt8(ascii: "="))
            else { throw .badPaxRecord }
            let key = String(decoding: bytes[(space + 1)..<equals], as: UTF8.self)
            let value = String(decoding: bytes[(equals + 1)..<(start + length - 1)], as: UTF8.self)
            records.append((key, value))
            start += length
        }
        return records
    }
}
