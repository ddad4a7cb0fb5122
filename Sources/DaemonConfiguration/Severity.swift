extension ConfigurationProblem {
    /// Whether the daemon can go on: an error means a value was ignored; a
    /// warning means it was kept but may not work yet.
    public enum Severity: String, Sendable, CaseIterable {
        case error
        case warning
    }
}
