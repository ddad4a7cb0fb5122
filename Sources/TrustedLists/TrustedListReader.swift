import Foundation
import SignatureAlgorithms
import SwiftASN1
import X509
import XAdES

/// Reads the elements of a TS 119 612 document into the model; every
/// required element missing or unreadable is a ``TrustedListError`` naming
/// it and its line.
struct TrustedListReader {
    static let tsl = "http://uri.etsi.org/02231/v2#"
    static let additionalTypes = "http://uri.etsi.org/02231/v2/additionaltypes#"
    static let sie = "http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#"
    static let xades = "http://uri.etsi.org/01903/v1.3.2#"
    static let dsig = "http://www.w3.org/2000/09/xmldsig#"
    /// Bounds on what one list may hold (a real LOTL has ~45 pointers, the
    /// largest national lists a few hundred providers).
    static let maximumCertificateBytes = 64 << 10

    let name: String

    func required(_ parent: XMLElementView, _ child: String, in namespace: String = TrustedListReader.tsl) throws(TrustedListError) -> XMLElementView {
        guard let element = parent.firstChild(named: child, in: namespace) else {
            throw TrustedListError(.missingElement, "\(name): \(parent.localName)/\(child) (line \(parent.line))")
        }
        return element
    }

    func requiredText(_ parent: XMLElementView, _ child: String) throws(TrustedListError) -> String {
        let text = try required(parent, child).text
        guard !text.isEmpty else { throw TrustedListError(.missingElement, "\(name): \(parent.localName)/\(child) is empty (line \(parent.line))") }
        return text
    }

    func integer(_ parent: XMLElementView, _ child: String) throws(TrustedListError) -> Int {
        let element = try required(parent, child)
        guard let value = Int(element.text), value >= 0 else {
            throw TrustedListError(.invalidValue, "\(name): \(child) \"\(element.text.prefix(40))\" (line \(element.line))")
        }
        return value
    }

    func date(_ element: XMLElementView) throws(TrustedListError) -> Date {
        guard let date = XSDDateTime.parse(element.text) else {
            throw TrustedListError(.invalidValue, "\(name): \(element.localName) \"\(element.text.prefix(40))\" (line \(element.line))")
        }
        return date
    }

    /// `Name` children with their `xml:lang`.
    func names(_ parent: XMLElementView?, _ child: String = "Name", in namespace: String = TrustedListReader.tsl) -> [LocalizedText] {
        guard let parent else { return [] }
        return parent.children(named: child, in: namespace).map { LocalizedText(language: $0.language, value: $0.text) }
    }

    func uris(_ parent: XMLElementView?) -> [String] {
        guard let parent else { return [] }
        return parent.children(named: "URI", in: Self.tsl).map(\.text)
    }

    // MARK: SchemeInformation

    func schemeInformation(_ element: XMLElementView) throws(TrustedListError) -> SchemeInformation {
        let nextUpdate = try required(element, "NextUpdate")
        let nextDate = try nextUpdate.firstChild(named: "dateTime", in: Self.tsl).map { element throws(TrustedListError) in try date(element) }
        let period = element.firstChild(named: "HistoricalInformationPeriod", in: Self.tsl).flatMap { Int($0.text) }
        let operatorNames = names(try required(element, "SchemeOperatorName"))
        guard !operatorNames.isEmpty else { throw TrustedListError(.missingElement, "\(name): SchemeOperatorName/Name (line \(element.line))") }
        return SchemeInformation(
            versionIdentifier: try integer(element, "TSLVersionIdentifier"),
            sequenceNumber: try integer(element, "TSLSequenceNumber"),
            type: try requiredText(element, "TSLType"),
            operatorNames: operatorNames,
            schemeNames: names(element.firstChild(named: "SchemeName", in: Self.tsl)),
            territory: try requiredText(element, "SchemeTerritory"),
            issueDate: try date(try required(element, "ListIssueDateTime")),
            nextUpdate: nextDate,
            distributionPoints: uris(element.firstChild(named: "DistributionPoints", in: Self.tsl)),
            historicalInformationPeriod: period)
    }

    func pointers(_ element: XMLElementView) throws(TrustedListError) -> [OtherTSLPointer] {
        var result: [OtherTSLPointer] = []
        for pointer in element.children(named: "OtherTSLPointer", in: Self.tsl) {
            let location = try requiredText(pointer, "TSLLocation")
            var ders: [[UInt8]] = []
            for identity in pointer.firstChild(named: "ServiceDigitalIdentities", in: Self.tsl)?
                .children(named: "ServiceDigitalIdentity", in: Self.tsl) ?? []
            {
                for id in try digitalIdentities(identity) {
                    if case .certificate(let listed) = id { ders.append(listed.der) }
                }
            }
            var territory: String?
            var type: String?
            var mimeType: String?
            var operatorNames: [LocalizedText] = []
            for info in pointer.firstChild(named: "AdditionalInformation", in: Self.tsl)?.children(named: "OtherInformation", in: Self.tsl) ?? [] {
                for item in info.children {
                    switch item.localName {
                    case "SchemeTerritory": territory = item.text
                    case "TSLType": type = item.text
                    case "MimeType": mimeType = item.text
                    case "SchemeOperatorName": operatorNames = names(item)
                    default: break
                    }
                }
            }
            result.append(OtherTSLPointer(
                location: location, territory: territory, type: type, mimeType: mimeType,
                operatorNames: operatorNames, signingCertificatesDER: ders))
        }
        return result
    }

    // MARK: Providers and services

    func providers(_ element: XMLElementView) throws(TrustedListError) -> [TrustServiceProvider] {
        var result: [TrustServiceProvider] = []
        for provider in element.children(named: "TrustServiceProvider", in: Self.tsl) {
            let information = try required(provider, "TSPInformation")
            let providerNames = names(try required(information, "TSPName"))
            guard !providerNames.isEmpty else { throw TrustedListError(.missingElement, "\(name): TSPName/Name (line \(information.line))") }
            var services: [TrustService] = []
            for service in try required(provider, "TSPServices").children(named: "TSPService", in: Self.tsl) {
                let current = try serviceInformation(try required(service, "ServiceInformation"))
                let history = try (service.firstChild(named: "ServiceHistory", in: Self.tsl)?
                    .children(named: "ServiceHistoryInstance", in: Self.tsl) ?? [])
                    .map { element throws(TrustedListError) in try serviceInformation(element) }
                services.append(TrustService(current: current, history: history))
            }
            result.append(TrustServiceProvider(
                names: providerNames,
                tradeNames: names(information.firstChild(named: "TSPTradeName", in: Self.tsl)),
                informationURIs: names(information.firstChild(named: "TSPInformationURI", in: Self.tsl), "URI"),
                services: services))
        }
        return result
    }

    func serviceInformation(_ element: XMLElementView) throws(TrustedListError) -> ServiceInformation {
        let identity = try required(element, "ServiceDigitalIdentity")
        return ServiceInformation(
            type: ServiceType(uri: try requiredText(element, "ServiceTypeIdentifier")),
            names: names(try required(element, "ServiceName")),
            digitalIdentities: try digitalIdentities(identity),
            status: ServiceStatus(uri: try requiredText(element, "ServiceStatus")),
            statusStartingTime: try date(try required(element, "StatusStartingTime")),
            supplyPoints: element.firstChild(named: "ServiceSupplyPoints", in: Self.tsl)?
                .children(named: "ServiceSupplyPoint", in: Self.tsl).map(\.text) ?? [],
            extensions: try element.firstChild(named: "ServiceInformationExtensions", in: Self.tsl)
                .map { element throws(TrustedListError) in try extensions(element) } ?? .empty)
    }

    func digitalIdentities(_ element: XMLElementView) throws(TrustedListError) -> [DigitalIdentity] {
        var result: [DigitalIdentity] = []
        for id in element.children(named: "DigitalId", in: Self.tsl) {
            for value in id.children {
                switch value.localName {
                case "X509Certificate":
                    let der = try base64(value)
                    guard der.count <= Self.maximumCertificateBytes else {
                        throw TrustedListError(.invalidValue, "\(name): X509Certificate of \(der.count) bytes (line \(value.line))")
                    }
                    result.append(.certificate(ListedCertificate(der: der)))
                case "X509SKI": result.append(.subjectKeyIdentifier(try base64(value)))
                case "X509SubjectName": result.append(.subjectName(value.text))
                default: result.append(.other(value.localName))
                }
            }
        }
        return result
    }

    func base64(_ element: XMLElementView) throws(TrustedListError) -> [UInt8] {
        guard let data = element.text.base64DecodedIgnoringWhitespace, !data.isEmpty else {
            throw TrustedListError(.invalidValue, "\(name): \(element.localName) is not base64 (line \(element.line))")
        }
        return data
    }

    // MARK: Extensions

    func extensions(_ element: XMLElementView) throws(TrustedListError) -> ServiceExtensions {
        var qualifications: [QualificationElement] = []
        var additional: [String] = []
        var takenOverBy: TakenOverBy?
        var expired: Date?
        var unknownCritical: [String] = []
        for ext in element.children(named: "Extension", in: Self.tsl) {
            let critical = ext.attribute("Critical") == "true" || ext.attribute("Critical") == "1"
            for content in ext.children {
                switch content.localName {
                case "Qualifications":
                    for qualification in content.children where qualification.localName == "QualificationElement" {
                        qualifications.append(try qualificationElement(qualification))
                    }
                case "AdditionalServiceInformation":
                    if let uri = content.firstChild(named: "URI", in: Self.tsl) { additional.append(uri.text) }
                case "TakenOverBy":
                    takenOverBy = TakenOverBy(
                        uri: content.children.first { $0.localName == "URI" }?.text,
                        providerNames: names(content.children.first { $0.localName == "TSPName" }),
                        territory: content.children.first { $0.localName == "SchemeTerritory" }?.text)
                case "ExpiredCertsRevocationInfo":
                    expired = try date(content)
                default:
                    if critical { unknownCritical.append(content.localName) }
                }
            }
        }
        return ServiceExtensions(
            qualifications: qualifications, additionalServiceInformation: additional,
            takenOverBy: takenOverBy, expiredCertsRevocationInfo: expired, unknownCritical: unknownCritical)
    }

    func qualificationElement(_ element: XMLElementView) throws(TrustedListError) -> QualificationElement {
        let qualifiers = try required(element, "Qualifiers", in: Self.sie).children
            .filter { $0.localName == "Qualifier" }
            .compactMap { $0.attribute("uri").map(Qualifier.init(uri:)) }
        let criteria = try criteriaList(try required(element, "CriteriaList", in: Self.sie), depth: 0)
        return QualificationElement(qualifiers: qualifiers, criteria: criteria)
    }

    func criteriaList(_ element: XMLElementView, depth: Int) throws(TrustedListError) -> CriteriaList {
        guard let raw = element.attribute("assert"), let assertion = CriteriaList.Assertion(rawValue: raw) else {
            throw TrustedListError(.invalidValue, "\(name): CriteriaList assert=\"\(element.attribute("assert") ?? "")\" (line \(element.line))")
        }
        var keyUsages: [[CriteriaList.KeyUsageBit]] = []
        var policySets: [[String]] = []
        var nested: [CriteriaList] = []
        var unsupported: [String] = []
        for child in element.children {
            switch child.localName {
            case "KeyUsage":
                var bits: [CriteriaList.KeyUsageBit] = []
                for bit in child.children where bit.localName == "KeyUsageBit" {
                    guard let bitName = bit.attribute("name"), ["true", "false", "1", "0"].contains(bit.text) else {
                        throw TrustedListError(.invalidValue, "\(name): KeyUsageBit (line \(bit.line))")
                    }
                    bits.append(.init(name: bitName, value: bit.text == "true" || bit.text == "1"))
                }
                keyUsages.append(bits)
            case "PolicySet":
                policySets.append(child.children.filter { $0.localName == "PolicyIdentifier" }.compactMap { identifier in
                    identifier.firstChild(named: "Identifier", in: Self.xades).map { Self.oid($0.text) }
                })
            case "CriteriaList":
                guard depth < 8 else { throw TrustedListError(.invalidValue, "\(name): CriteriaList nested too deep (line \(child.line))") }
                nested.append(try criteriaList(child, depth: depth + 1))
            case "Description": break
            case "otherCriteriaList":
                unsupported.append(contentsOf: child.children.map(\.localName))
            default:
                unsupported.append(child.localName)
            }
        }
        return CriteriaList(assertion: assertion, keyUsages: keyUsages, policySets: policySets, nested: nested, unsupported: unsupported)
    }

    /// An XAdES `Identifier` as a dotted OID (`urn:oid:1.2.3` → `1.2.3`).
    static func oid(_ text: String) -> String {
        text.lowercased().hasPrefix("urn:oid:") ? String(text.dropFirst(8)) : text
    }
}
