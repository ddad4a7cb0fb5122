/// Something that happened to readers or cards.
public enum ReaderEvent: Sendable, Hashable {
    /// A reader became known (at start, when plugged in, or when pcscd came back).
    case readerAppeared(ReaderStatus)
    /// A reader went away (unplugged, or pcscd stopped).
    case readerVanished(name: String)
    /// A card was put into a reader.
    case cardInserted(reader: String, atr: ATR?)
    /// A card was taken out of a reader.
    case cardRemoved(reader: String)
    /// A card changed state without being inserted or removed (now in use, exclusive, mute…).
    case cardStateChanged(ReaderStatus)
    /// pcscd stopped answering; the monitor keeps trying to reconnect.
    case serviceLost(PCSCError)
    /// pcscd answers again (after `serviceLost`).
    case serviceRestored
}
