/// How a check came out: fine, worth a look, or in the way of signing.
///
/// The report's exit code follows the worst outcome: 0 ok, 1 warning, 2 problem.
public enum Outcome: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case ok
    case warning
    case problem

    private var rank: Int {
        switch self {
        case .ok: return 0
        case .warning: return 1
        case .problem: return 2
        }
    }

    public static func < (a: Outcome, b: Outcome) -> Bool { a.rank < b.rank }

    /// The mark the readable report shows: ✓, ! or ✗.
    public var mark: String {
        switch self {
        case .ok: return "✓"
        case .warning: return "!"
        case .problem: return "✗"
        }
    }

    /// The process exit code for a report whose worst outcome is this one.
    public var exitCode: Int32 { Int32(rank) }
}
