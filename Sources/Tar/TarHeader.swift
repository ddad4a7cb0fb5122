/// One 512-byte header block of a POSIX ustar archive (IEEE 1003.1-2001,
/// "pax" interchange format): the fields this project reads and writes.
public struct TarHeader: Sendable, Equatable {
    /// The kinds of entries (typeflag).
    public enum Kind: Sendable, Equatable {
        case file
        case directory
        /// pax extended header: `path=`, `size=` and other records for the next entry.
        case paxExtended
        /// pax global header: records for every entry after it (read and ignored).
        case paxGlobal
        /// GNU tar's long name: the next entry's name is this entry's data.
        case gnuLongName
        /// Links, devices, FIFOs and anything else.
        case other(UInt8)

        init(flag: UInt8) {
            switch flag {
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"): self = .file
            case UInt8(ascii: "5"): self = .directory
            case UInt8(ascii: "x"): self = .paxExtended
            case UInt8(ascii: "g"): self = .paxGlobal
            case UInt8(ascii: "L"): self = .gnuLongName
            default: self = .other(flag)
            }
        }

        var flag: UInt8 {
            switch self {
            case .file: UInt8(ascii: "0")
            case .directory: UInt8(ascii: "5")
            case .paxExtended: UInt8(ascii: "x")
            case .paxGlobal: UInt8(ascii: "g")
            case .gnuLongName: UInt8(ascii: "L")
            case .other(let flag): flag
            }
        }
    }

    public static let blockSize = 512

    public var name: String
    public var size: Int
    public var kind: Kind
    public var mode: Int
    public var mtime: Int

    public init(name: String, size: Int, kind: Kind = .file, mode: Int = 0o644, mtime: Int = 0) {
        self.name = name
        self.size = size
        self.kind = kind
        self.mode = mode
        self.mtime = mtime
    }

    /// Bytes of padding after `size` bytes of data, up to the next block.
    public static func padding(_ size: Int) -> Int {
        (blockSize - size % blockSize) % blockSize
    }

    /// Parses a header block; nil for an all-zero block (the end of the archive).
    static func parse(_ block: [UInt8]) throws(TarError) -> TarHeader? {
        guard block.count == blockSize else { throw .truncated }
        if block.allSatisfy({ $0 == 0 }) { return nil }
        var sum = 0
        for (index, byte) in block.enumerated() { sum += (148..<156).contains(index) ? 32 : Int(byte) }
        guard let stored = octal(block, 148, 8), stored == sum else { throw .badChecksum }
        guard let size = number(block, 124, 12), size >= 0, size <= TarReader.sizeLimit else { throw .badHeader("size") }
        var name = string(block, 0, 100)
        let ustar = block[257] == UInt8(ascii: "u") && block[258] == UInt8(ascii: "s") && block[259] == UInt8(ascii: "t")
            && block[260] == UInt8(ascii: "a") && block[261] == UInt8(ascii: "r")
        if ustar, block[262] == 0 {
            let prefix = string(block, 345, 155)
            if !prefix.isEmpty { name = prefix + "/" + name }
        }
        return TarHeader(
            name: name, size: size, kind: Kind(flag: block[156]), mode: octal(block, 100, 8) ?? 0o644, mtime: number(block, 136, 12) ?? 0)
    }

    /// The header block (ustar); the name must fit its 100 bytes (a longer
    /// one goes in a pax `path` record, see ``TarWriter``).
    func encoded() -> [UInt8] {
        var block = [UInt8](repeating: 0, count: Self.blockSize)
        func put(_ text: [UInt8], at offset: Int, width: Int) {
            for (index, byte) in text.prefix(width).enumerated() { block[offset + index] = byte }
        }
        func putOctal(_ value: Int, at offset: Int, width: Int) {
            // What does not fit the field's octal digits (or is negative) is written as 0.
            let largest = (1 << (3 * (width - 1))) - 1
            let value = (0...largest).contains(value) ? value : 0
            let digits = Array(String(value, radix: 8).utf8)
            let padded = [UInt8](repeating: UInt8(ascii: "0"), count: max(0, width - 1 - digits.count)) + digits
            put(padded, at: offset, width: width - 1)
        }
        put(Array(name.utf8), at: 0, width: 100)
        putOctal(mode, at: 100, width: 8)
        putOctal(0, at: 108, width: 8)
        putOctal(0, at: 116, width: 8)
        putOctal(size, at: 124, width: 12)
        putOctal(mtime, at: 136, width: 12)
        block[156] = kind.flag
        put(Array("ustar".utf8) + [0], at: 257, width: 6)
        put(Array("00".utf8), at: 263, width: 2)
        for index in 148..<156 { block[index] = 32 }
        let sum = block.reduce(0) { $0 + Int($1) }
        putOctal(sum, at: 148, width: 7)
        block[154] = 0
        block[155] = 32
        return block
    }

    private static func string(_ block: [UInt8], _ offset: Int, _ width: Int) -> String {
        let field = block[offset..<(offset + width)]
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(decoding: field[offset..<end], as: UTF8.self)
    }

    private static func octal(_ block: [UInt8], _ offset: Int, _ width: Int) -> Int? {
        var value = 0
        var seen = false
        for byte in block[offset..<(offset + width)] {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                guard value < Int.max >> 4 else { return nil }
                value = value * 8 + Int(byte - UInt8(ascii: "0"))
                seen = true
            case 0, 32:
                if seen { return value }
            default:
                return nil
            }
        }
        return seen ? value : 0
    }

    /// Octal, or GNU's base-256 for values that do not fit (high bit set).
    private static func number(_ block: [UInt8], _ offset: Int, _ width: Int) -> Int? {
        guard block[offset] & 0x80 != 0 else { return octal(block, offset, width) }
        guard block[offset] == 0x80 else { return nil }  // negative
        var value = 0
        for byte in block[(offset + 1)..<(offset + width)] {
            guard value < Int.max >> 9 else { return nil }
            value = value << 8 | Int(byte)
        }
        return value
    }
}
