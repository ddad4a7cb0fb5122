import CPCSC
#if canImport(Glibc)
import Glibc
#endif

/// A connection to the PC/SC resource manager (pcscd): owns one
/// `SCARDCONTEXT`, released when the value goes away.
///
/// pcsclite serialises calls on one context with its own lock, so a context
/// may be used from several threads; `cancel()` may be called at any time to
/// end a blocked `waitForChange`.
public final class PCSCContext: @unchecked Sendable {
    let handle: SCARDCONTEXT

    /// Establishes a system-scope context. Fails with `SCARD_E_NO_SERVICE` when
    /// pcscd is not running.
    public init() throws(PCSCError) {
        var context: SCARDCONTEXT = 0
        try check(SCardEstablishContext(UInt(SCARD_SCOPE_SYSTEM), nil, nil, &context), "SCardEstablishContext")
        handle = context
    }

    deinit { SCardReleaseContext(handle) }

    /// Whether pcscd still knows this context (false after a pcscd restart).
    public var isValid: Bool { SCardIsValidContext(handle) == 0 }

    /// Names of the readers pcscd knows; empty when there are none.
    public func readerNames() throws(PCSCError) -> [String] {
        var length: UInt = 0
        var rv = SCardListReaders(handle, nil, nil, &length)
        if UInt32(truncatingIfNeeded: rv) == PCSCError.Code.noReadersAvailable { return [] }
        try check(rv, "SCardListReaders")
        var buffer = [CChar](repeating: 0, count: Int(length))
        rv = SCardListReaders(handle, nil, &buffer, &length)
        if UInt32(truncatingIfNeeded: rv) == PCSCError.Code.noReadersAvailable { return [] }
        try check(rv, "SCardListReaders")
        return Self.splitMultiString(buffer)
    }

    /// The current state of each named reader, without waiting.
    public func statuses(of names: [String]) throws(PCSCError) -> [ReaderStatus] {
        guard !names.isEmpty else { return [] }
        var watch = names.map { WatchedReader(name: $0) }
        _ = try waitForChange(&watch, timeoutMilliseconds: 0)
        return watch.map(\.status)
    }

    /// The state of every reader, with the protocol negotiated for cards that
    /// can be connected to in shared mode.
    public func readers() throws(PCSCError) -> [ReaderStatus] {
        try statuses(of: readerNames()).map { status in
            var status = status
            if status.presence == .present || status.presence == .inUse,
                let connection = try? connect(to: status.name)
            {
                status.activeProtocol = connection.activeProtocol
            }
            return status
        }
    }

    /// Waits until one of the readers changes state, or the timeout passes.
    /// Returns false on timeout. Each reader's `known` state is compared with
    /// the current one; afterwards `current` holds what pcscd reported.
    public func waitForChange(_ readers: inout [WatchedReader], timeoutMilliseconds: UInt32?) throws(PCSCError) -> Bool {
        let names = readers.map { strdup($0.name) }
        defer { names.forEach { free($0) } }
        var states = readers.indices.map { i -> SCARD_READERSTATE in
            var state = SCARD_READERSTATE()
            state.szReader = UnsafePointer(names[i])
            state.dwCurrentState = readers[i].known
            return state
        }
        let timeout = UInt(timeoutMilliseconds ?? UInt32(INFINITE))
        let rv = SCardGetStatusChange(handle, timeout, &states, UInt(states.count))
        if UInt32(truncatingIfNeeded: rv) == PCSCError.Code.timeout { return false }
        try check(rv, "SCardGetStatusChange")
        for i in readers.indices {
            let state = states[i]
            let count = min(Int(state.cbAtr), 33)
            let atr = withUnsafeBytes(of: state.rgbAtr) { Array($0.prefix(count)) }
            readers[i].current = state.dwEventState
            readers[i].atr = atr.isEmpty ? nil : ATR(bytes: atr)
        }
        return true
    }

    /// Ends a blocked `waitForChange` on this context from another thread.
    public func cancel() { SCardCancel(handle) }

    /// Connects to the card in a reader.
    public func connect(
        to reader: String, mode: ShareMode = .shared, protocols: Set<CardProtocol> = [.t0, .t1]
    ) throws(PCSCError) -> CardConnection {
        try CardConnection(context: self, reader: reader, mode: mode, protocols: protocols)
    }

    static func splitMultiString(_ buffer: [CChar]) -> [String] {
        buffer.split(separator: 0).map { chars in
            String(decoding: chars.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}

/// A reader being watched with `waitForChange`: the state the caller knows and
/// the state pcscd reported.
public struct WatchedReader: Sendable {
    public let name: String
    /// The state the caller knows (`dwCurrentState`); 0 means "tell me".
    public var known: UInt
    /// The state pcscd reported (`dwEventState`).
    public var current: UInt = 0
    public var atr: ATR? = nil

    public init(name: String, known: UInt = 0) {
        self.name = name
        self.known = known
    }

    /// pcsclite's name for the pseudo-reader that changes when readers come and go.
    public static let plugAndPlayName = "\\\\?PnP?\\Notification"

    public var flags: ReaderStateFlags { ReaderStateFlags(rawValue: current) }
    public var status: ReaderStatus {
        ReaderStatus(name: name, flags: flags.stateBits, atr: flags.presence == .empty ? nil : atr)
    }
}

/// How a connection shares the card with other programs.
public enum ShareMode: Sendable {
    case shared, exclusive, direct

    var pcscValue: UInt {
        switch self {
        case .exclusive: return UInt(SCARD_SHARE_EXCLUSIVE)
        case .shared: return UInt(SCARD_SHARE_SHARED)
        case .direct: return UInt(SCARD_SHARE_DIRECT)
        }
    }
}
