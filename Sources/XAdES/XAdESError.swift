import Localization

/// Why a XAdES signature could not be made (XML input problems are
/// ``XMLInputError``; token and time-stamp problems keep their own types).
public typealias XAdESError = KindedError<XAdESErrorKind>

/// The kinds of ``XAdESError``; each raw value is the stable code.
public enum XAdESErrorKind: String, ErrorKind {
    case canonicalization = "xades-c14n"
    case noDocuments = "xades-no-documents"
    case tooLarge = "xades-too-large"
    case certificate = "xades-certificate"
    case noTimeStampServer = "xades-no-tsa"
    case badDigest = "xades-bad-digest"
    case cannotExtend = "xades-cannot-extend"
    case noValidationData = "xades-no-validation-data"

    public static var catalog: MessageCatalog { messages }
}
