import Localization

/// Why a validation could not run at all (input refusals keep their own
/// types: XMLInputError, CMSError).
public typealias ValidationError = KindedError<ValidationErrorKind>

/// The kinds of ``ValidationError``; each raw value is the stable code.
public enum ValidationErrorKind: String, ErrorKind {
    case trustSourceUnreadable = "verify-trust-unreadable"
    case noSignature = "verify-no-signature"
    case unknownFormat = "verify-unknown-format"

    public static var catalog: MessageCatalog { messages }
}
