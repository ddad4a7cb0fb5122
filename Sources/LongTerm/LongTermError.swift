import Localization

/// Why a signature was not extended. Nothing is written when one is thrown.
public typealias LongTermError = KindedError<LongTermErrorKind>

/// The kinds of ``LongTermError``; each raw value is the stable code.
public enum LongTermErrorKind: String, ErrorKind {
    case noSignature = "extend-no-signature"
    case unsupportedFormat = "extend-unsupported-format"
    case notIntact = "extend-signature-not-intact"
    case revoked = "extend-signer-revoked"
    case expiredWithoutProof = "extend-expired-no-poe"
    case dataMissing = "extend-data-missing"
    case notPassed = "extend-not-passed"
    case noTimeStampServer = "extend-no-tsa"

    public static var catalog: MessageCatalog { messages }
}
