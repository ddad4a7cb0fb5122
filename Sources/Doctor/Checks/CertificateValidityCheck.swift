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
            return .problem(
                Self.name, "certificate-expired",
                found: ClerkText(pl: "Certyfikat „\(who)” wygasł \(until).", en: "Certificate “\(who)” expired on \(until)."),
                why: ClerkText(
                    pl: "Podpis złożony wygasłym certyfikatem jest nieważny.",
                    en: "A signature made with an expired certificate is not valid."),
                fix: ClerkText(
                    pl: "Odnów certyfikat u dostawcy usług zaufania (Certum, KIR, EuroCert, PWPW, CenCert…) i zapisz nowy na karcie; do czasu odnowienia nie wybieraj tego certyfikatu.",
                    en: "Renew the certificate with its trust service provider (Certum, KIR, EuroCert, PWPW, CenCert…) and store the new one on the card; until then do not choose this certificate."),
                details: details)
        case .notYetValid:
            return .problem(
                Self.name, "certificate-not-yet-valid",
                found: ClerkText(pl: "Certyfikat „\(who)” będzie ważny dopiero od \(from).", en: "Certificate “\(who)” is valid only from \(from)."),
                why: ClerkText(pl: "Przed tą datą podpis nim złożony jest nieważny.", en: "Before that date a signature made with it is not valid."),
                fix: ClerkText(
                    pl: "Poczekaj do \(from) albo sprawdź zegar komputera (date; timedatectl), jeśli ta data już minęła.",
                    en: "Wait until \(from), or check the computer's clock (date; timedatectl) if that date has passed."),
                details: details)
        case .expiresSoon:
            let days = Int(facts.notAfter.timeIntervalSince(now) / 86_400)
            return .warning(
                Self.name, "certificate-expires-soon",
                found: ClerkText(
                    pl: "Certyfikat „\(who)” wygasa \(until) (za \(days) dni).",
                    en: "Certificate “\(who)” expires on \(until) (in \(days) days)."),
                why: ClerkText(
                    pl: "Po tej dacie nie będzie można nim podpisywać.",
                    en: "After that date it can no longer sign."),
                fix: ClerkText(
                    pl: "Zamów odnowienie certyfikatu u dostawcy usług zaufania już teraz.",
                    en: "Order the certificate's renewal from its trust service provider now."),
                details: details)
        case .valid:
            return .ok(
                Self.name, "certificate-valid",
                ClerkText(pl: "Ważny od \(from) do \(until).", en: "Valid from \(from) until \(until)."), details: details)
        }
    }

    static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}
