import Foundation
import Localization
import QualifiedCertificates

/// A certificate's validity period against the clock: expired, not yet
/// valid, or expiring within 30 days.
struct CertificateValidityCheck {
    static let name = "certificate-validity"
    let facts: CertificateFacts
    let now: Date

    func run() -> Finding {
        let until = Self.day(facts.notAfter), from = Self.day(facts.notBefore)
        let who = facts.commonName ?? facts.subject
        let details = ["notBefore": Self.iso(facts.notBefore), "notAfter": Self.iso(facts.notAfter)]
        switch facts.validity(at: now) {
        case .expired:
            return .problem(Self.name, messages.finding("certificate-expired", ["who": who, "until": until]), details: details)
        case .notYetValid:
            return .problem(Self.name, messages.finding("certificate-not-yet-valid", ["who": who, "from": from]), details: details)
        case .expiresSoon:
            let days = Int(facts.notAfter.timeIntervalSince(now) / 86_400)
            return .warning(Self.name, messages.finding("certificate-expires-soon", ["who": who, "until": until, "days": days]), details: details)
        case .valid:
            return .ok(
                Self.name, "certificate-valid",
                messages.text("certificate-valid.found", ["from": from, "until": until]), details: details)
        }
    }

    static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}
