import CLibXML2
import Evidence

/// What a ds:Reference's URI selects, before its transforms run.
enum ReferenceSource {
    /// A node-set of this document; `target` is the element a `#id` URI
    /// names (nil for the whole document, `URI=""` or `#xpointer(/)`).
    case nodes(ReferenceData, target: xmlNodePtr?)
    /// One of the detached files given.
    case file(DetachedData)
}
