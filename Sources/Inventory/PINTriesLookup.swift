import PKCS11
import SmartCard

extension PKCS11Error {
    /// The error with the exact tries left added, when the token is a card in
    /// a PC/SC reader that tells them (its slot is named after the reader, as
    /// OpenSC and most card modules name slots).
    public func withTriesLeft(of token: Token) -> PKCS11Error {
        guard returnValue == ReturnValue.pinIncorrect || returnValue == ReturnValue.pinLocked else { return self }
        var enriched = self
        enriched.triesLeft = token.userPINTriesLeft()
        return enriched
    }
}

extension Token {
    /// The user PIN's tries left, when the token is a card in a PC/SC reader
    /// that tells them without a PIN being tried; nil otherwise.
    public func userPINTriesLeft() -> Int? {
        guard let context = try? PCSCContext(), let readers = try? context.readerNames() else { return nil }
        let slot = slotInfo.description
        guard let reader = readers.first(where: { slot == $0 || slot.hasPrefix($0) }) else { return nil }
        return PINTriesProbe.userPINTriesLeft(reader: reader, context: context)
    }
}
