import Foundation
import XAdES

/// An ETSI TS 119 612 (v2.4.1) trusted list or the EU list of lists, as
/// read from its XML. Lenient about elements it does not use, strict about
/// the required ones (``TrustedListError``). Reading does not check the
/// signature: ``TrustedListSet`` does, through a ``TrustedListSignatureChecker``.
public struct TrustedList: Sendable {
    /// The name the list is known by (file name or URL), for messages.
    public let name: String
    /// `SchemeInformation`.
    public let scheme: SchemeInformation
    /// `PointersToOtherTSL` (in the LOTL: one per national list).
    public let otherPointers: [OtherTSLPointer]
    /// `TrustServiceProviderList` (empty in the LOTL).
    public let providers: [TrustServiceProvider]
    /// The parsed document (for the signature check).
    public let document: XMLDocument

    /// Is this the EU list of the lists?
    public var isListOfLists: Bool { scheme.isListOfLists }

    /// Reads a list from bytes with the safe XML parser (no DTD, no
    /// entities, no network; `limits` bound size, depth and nodes).
    public static func parse(bytes: [UInt8], name: String, limits: XMLParseLimits = XMLParseLimits(maximumBytes: 32 << 20))
        throws(TrustedListError) -> TrustedList
    {
        let document: XMLDocument
        do {
            document = try XMLDocument.parse(bytes: bytes, name: name, limits: limits)
        } catch let error as XMLInputError {
            throw TrustedListError(.unparsable, "\(name): \(error.kind.rawValue) \(error.detail)")
        } catch {
            throw TrustedListError(.unparsable, "\(name): \(error)")
        }
        return try TrustedList(document: document)
    }

    /// Reads a list from a document already parsed by ``XMLDocument``.
    public init(document: XMLDocument) throws(TrustedListError) {
        let reader = TrustedListReader(name: document.name)
        guard let root = document.rootElement else { throw TrustedListError(.notTrustedList, document.name) }
        guard root.isNamed("TrustServiceStatusList", in: TrustedListReader.tsl) else {
            throw TrustedListError(.notTrustedList, "\(document.name): <\(root.localName)> in \(root.namespaceURI ?? "no namespace")")
        }
        self.name = document.name
        self.document = document
        let schemeElement = try reader.required(root, "SchemeInformation")
        self.scheme = try reader.schemeInformation(schemeElement)
        self.otherPointers = try schemeElement.firstChild(named: "PointersToOtherTSL", in: TrustedListReader.tsl)
            .map { element throws(TrustedListError) in try reader.pointers(element) } ?? []
        self.providers = try root.firstChild(named: "TrustServiceProviderList", in: TrustedListReader.tsl)
            .map { element throws(TrustedListError) in try reader.providers(element) } ?? []
    }

    /// The pointers of a list of lists to the XML lists of `territory`.
    public func pointers(to territory: String) -> [OtherTSLPointer] {
        otherPointers.filter { $0.territory == territory && $0.isXML && !$0.pointsToListOfLists }
    }

    /// Every service of every provider, with its provider.
    public var services: [(provider: TrustServiceProvider, service: TrustService)] {
        providers.flatMap { provider in provider.services.map { (provider, $0) } }
    }
}
