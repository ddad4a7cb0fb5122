import Localization

/// Why the ETSI TS 119 102-2 XML of a report could not be built (libxml2
/// refused a node: out of memory).
public typealias ETSIReportError = KindedError<ETSIReportErrorKind>

/// The kinds of ``ETSIReportError``; each raw value is the stable code.
public enum ETSIReportErrorKind: String, ErrorKind {
    case buildFailed = "etsi-report-failed"

    public static var catalog: MessageCatalog { messages }
}
