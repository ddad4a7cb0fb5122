/// An indication with its sub-indication and the reason in words (for the
/// report's checks and the clerk's text).
public struct Verdict: Sendable, Codable, Equatable {
    public var indication: Indication
    public var subIndication: SubIndication?
    /// What was found, in plain words (English; the clerk's sentence comes from the catalog by sub-indication).
    public var reason: String

    public init(_ indication: Indication, _ subIndication: SubIndication? = nil, _ reason: String = "") {
        self.indication = indication
        self.subIndication = subIndication
        self.reason = reason
    }

    public static let passed = Verdict(.totalPassed)
    public var isPassed: Bool { indication == .totalPassed }
}
