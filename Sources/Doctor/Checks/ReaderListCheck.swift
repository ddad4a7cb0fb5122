import Localization
import SmartCard

/// The readers pcscd knows and the state of each, read without talking to
/// any card (safe with a card that never answers).
struct ReaderListCheck {
    static let name = "readers"
    let limit: Double

    func run() -> (findings: [Finding], readers: [ReaderStatus]) {
        let result = TimeLimited.run(limit, name: "pcsc-readers") { () throws(PCSCError) -> [ReaderStatus] in
            let context = try PCSCContext()
            return try context.statuses(of: context.readerNames())
        }
        switch result {
        case .timedOut(let seconds):
            return ([Finding.timeout(
                Self.name, component: messages.text("readers.component"), seconds: seconds,
                fix: messages.text("readers.hang-fix"))], [])
        case .finished(.failure(let error), let seconds):
            return ([Finding.problem(Self.name, messages.finding("readers-error", ["error": error.name, "reason": error.message.withoutDoctorAdvice]), details: ["pcsc": error.name]).timed(seconds)], [])
        case .finished(.success(let readers), let seconds):
            if readers.isEmpty {
                return ([Finding.problem(Self.name, messages.finding("reader-none"), details: [:]).timed(seconds)], [])
            }
            return ([Finding.ok(
                Self.name, "readers-listed",
                messages.text("readers-listed.found", ["count": readers.count]),
                details: ["readers": readers.map(\.name).joined(separator: "; ")]).timed(seconds)], readers)
        }
    }
}
