import Foundation

/// A trust service of a provider (`TSPService`): its current information and its history.
public struct TrustService: Sendable {
    /// The current `ServiceInformation`.
    public let current: ServiceInformation
    /// `ServiceHistoryInstance`s, most recent first as the list gives them.
    public let history: [ServiceInformation]

    /// Every period, current first, then the history by decreasing start time.
    public var periods: [ServiceInformation] {
        [current] + history.sorted { $0.statusStartingTime > $1.statusStartingTime }
    }

    /// What held at `date`: the period with the latest starting time not after
    /// `date`; nil before the service's first status.
    public func status(at date: Date) -> ServiceInformation? {
        periods.filter { $0.statusStartingTime <= date }.max { $0.statusStartingTime < $1.statusStartingTime }
    }

    /// The service's current name in `language`.
    public func name(_ language: String = "en") -> String { current.name(language) }
}
