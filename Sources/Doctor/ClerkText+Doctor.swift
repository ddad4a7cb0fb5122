import Foundation
import Localization

extension ClerkText {
    /// The text without its sentences that send the reader to `podpis doctor`
    /// (the errors of the lower layers say so; inside the doctor it is noise).
    var withoutDoctorAdvice: ClerkText {
        func strip(_ text: String) -> String {
            guard text.contains("podpis doctor") else { return text }
            return text.components(separatedBy: ". ")
                .filter { !$0.contains("podpis doctor") }
                .joined(separator: ". ")
                .trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        }
        return ClerkText(pl: strip(pl), en: strip(en))
    }

    /// The texts one after another with `separator` between them, in each language.
    static func joined(_ texts: [ClerkText], separator: String) -> ClerkText {
        ClerkText(pl: texts.map(\.pl).joined(separator: separator), en: texts.map(\.en).joined(separator: separator))
    }
}
