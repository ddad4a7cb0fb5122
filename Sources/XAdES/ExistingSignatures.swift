import CLibXML2

/// Signatures already in a document, checked before another is added: each
/// must leave every ds:Signature out of what it signs, or adding ours inside
/// the document would invalidate it.
enum ExistingSignatures {
    /// The document's signatures, each checked.
    @discardableResult
    static func check(_ document: XMLDocument, root: xmlNodePtr) throws(XMLInputError) -> [xmlNodePtr] {
        let rootIDs = ["Id", "ID", "id"].compactMap { root.attribute($0) }
        let signatures = root.descendants { $0.isElement("Signature", in: XMLName.dsig) }
        for signature in signatures {
            guard let signedInfo = signature.child("SignedInfo", in: XMLName.dsig) else { continue }
            for reference in signedInfo.elementChildren where reference.isElement("Reference", in: XMLName.dsig) {
                let uri = reference.attribute("URI") ?? ""
                let coversRoot = uri.isEmpty || uri == "#xpointer(/)" || rootIDs.contains { uri == "#\($0)" || uri == "#xpointer(id('\($0)'))" }
                guard coversRoot, !leavesSignaturesOut(reference) else { continue }
                let who = signature.attribute("Id").map { "ds:Signature Id=\($0)" } ?? "ds:Signature"
                throw XMLInputError(.wouldBreakSignature, document: document.name, detail: who)
            }
        }
        return signatures
    }

    /// An XPath filter (1.0 or 2.0 subtract) that removes ds:Signature elements.
    static func leavesSignaturesOut(_ reference: xmlNodePtr) -> Bool {
        guard let transforms = reference.child("Transforms", in: XMLName.dsig) else { return false }
        for transform in transforms.elementChildren {
            switch transform.attribute("Algorithm") {
            case XMLName.xpathFilter?:
                let expression = transform.textContent.filter { !$0.isWhitespace }
                if expression.contains("not(ancestor-or-self::") && expression.contains(":Signature)") { return true }
            case XMLName.xpathFilter2?:
                for filter in transform.elementChildren where filter.attribute("Filter") == "subtract" {
                    if filter.textContent.contains("Signature") { return true }
                }
            default:
                continue
            }
        }
        return false
    }
}
