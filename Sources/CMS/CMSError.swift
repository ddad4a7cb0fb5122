import Localization

/// Why a CMS structure could not be read or built.
public typealias CMSError = KindedError<CMSErrorKind>

/// The kinds of ``CMSError``; each raw value is the stable code.
public enum CMSErrorKind: String, ErrorKind {
    case malformed = "cms-malformed"
    case notSignedData = "cms-not-signed-data"
    case unsupported = "cms-unsupported"
    case contentMissing = "cms-content-missing"
    /// A file given with an attached signature that is not the content it carries.
    case contentDiffers = "cms-content-differs"
    case tooLarge = "cms-too-large"
    case noSuchSigner = "cms-no-such-signer"

    public static var catalog: MessageCatalog { messages }
}
