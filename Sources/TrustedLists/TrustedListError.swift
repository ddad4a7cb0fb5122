import Localization

/// Why a trusted list (or the list of lists) was not read, not trusted or
/// not kept: the kind is the stable code, the detail names the element,
/// line or list.
public typealias TrustedListError = KindedError<TrustedListErrorKind>

/// The kinds of ``TrustedListError``; each raw value is the stable code.
public enum TrustedListErrorKind: String, ErrorKind {
    /// The bytes are not XML the safe parser accepts (DTD, entities, size, malformed).
    case unparsable = "tl-unparsable"
    /// The document element is not a TS 119 612 `TrustServiceStatusList`.
    case notTrustedList = "tl-not-a-trusted-list"
    /// A required element is absent.
    case missingElement = "tl-missing-element"
    /// An element holds a value that cannot be read (date, number, base64, certificate).
    case invalidValue = "tl-invalid-value"
    /// The list's XML signature does not verify.
    case badSignature = "tl-bad-signature"
    /// The list of lists is signed by a certificate that is not pinned.
    case signerNotPinned = "tl-lotl-signer-not-pinned"
    /// A national list is signed by a certificate its LOTL pointer does not announce.
    case unannouncedSigner = "tl-unannounced-signer"
    /// A national list declares another territory than the one it was loaded for.
    case wrongTerritory = "tl-wrong-territory"
    /// The list of lists has no pointer to a list of this territory.
    case territoryNotAnnounced = "tl-territory-not-announced"
    /// The document given as the list of lists is not one.
    case notListOfLists = "tl-not-list-of-lists"
    /// The cache directory or a cached list could not be read.
    case cacheUnreadable = "tl-cache-unreadable"
    /// A list could not be written to the cache directory.
    case cacheUnwritable = "tl-cache-unwritable"

    public static var catalog: MessageCatalog { messages }
}
