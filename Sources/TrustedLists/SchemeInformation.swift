import Foundation

/// A list's `SchemeInformation` (TS 119 612 §5.3), the parts that decide
/// whether and how long it is used.
public struct SchemeInformation: Sendable {
    /// `TSLVersionIdentifier` (5 for TS 119 612 v2.x).
    public let versionIdentifier: Int
    /// `TSLSequenceNumber`, increased with each issue.
    public let sequenceNumber: Int
    /// `TSLType` URI (a national EU list or the EU list of lists).
    public let type: String
    /// `SchemeOperatorName`.
    public let operatorNames: [LocalizedText]
    /// `SchemeName`.
    public let schemeNames: [LocalizedText]
    /// `SchemeTerritory` (`PL`, `EU`).
    public let territory: String
    /// `ListIssueDateTime`.
    public let issueDate: Date
    /// `NextUpdate`; nil for a closed list (the scheme has ended).
    public let nextUpdate: Date?
    /// `DistributionPoints`: where the list is published.
    public let distributionPoints: [String]
    /// `HistoricalInformationPeriod` in days, when given.
    public let historicalInformationPeriod: Int?

    /// Is this the EU list of the lists?
    public var isListOfLists: Bool { type.hasSuffix("/TSLType/EUlistofthelists") }

    /// Is the list past its NextUpdate at `date` (a closed list never is)?
    public func isExpired(at date: Date) -> Bool {
        guard let nextUpdate else { return false }
        return nextUpdate < date
    }
}
