import CMS
import Crypto
import Foundation
import Localization
import SwiftASN1
import Timestamping

/// A TSA answering a real RFC 3161 request (nonce, imprint, signature and
/// time-stamping certificate checked by the project's client), and this
/// computer's clock against the TSA's time.
struct TimeStampCheck {
    static let name = "tsa"
    static let clockCheck = "clock"
    let url: String
    let limit: Double
    /// Beyond this difference from the TSA's time, the clock is reported off.
    static let clockTolerance: Double = 60

    func run() -> [Finding] {
        guard let address = URL(string: url), address.scheme == "http" || address.scheme == "https" else {
            return [.problem(
                Self.name, "tsa-bad-url",
                found: ClerkText(pl: "Adres TSA „\(url)” nie jest adresem http(s).", en: "TSA address “\(url)” is not an http(s) address."),
                why: Self.whyTSA,
                fix: ClerkText(pl: "Popraw [timestamp] urls w podpisd.toml.", en: "Correct [timestamp] urls in podpisd.toml."),
                details: ["url": url])]
        }
        // The client gives up a little before our limit, so that its own error says why.
        let client = TimeStampClient(url: address, timeout: max(1, limit - 0.5))
        let digest = Array(SHA256.hash(data: Array("podpis doctor \(Date().timeIntervalSince1970)".utf8)))
        let result = TimeLimited.run(limit, name: "tsa") { () -> Swift.Result<(TimeStampClient.Token, Date), TimeStampError> in
            let box = ResultBox()
            let done = DispatchSemaphore(value: 0)
            let sent = Date()
            Task {
                do throws(TimeStampError) {
                    let token = try await client.timestamp(digest: digest, hash: .sha256)
                    box.set(.success((token, sent.addingTimeInterval(Date().timeIntervalSince(sent) / 2))))
                } catch {
                    box.set(.failure(error))
                }
                done.signal()
            }
            done.wait()
            return box.get() ?? .failure(TimeStampError(.unreachable, "no answer"))
        }
        switch result {
        case .timedOut(let seconds):
            return [unreachable(ClerkText(pl: "brak odpowiedzi w ciągu \(Finding.format(seconds)) s", en: "no answer within \(Finding.format(seconds)) s"), code: "timeout").timed(seconds)]
        case .finished(.failure(let error), let seconds):
            switch error.kind {
            case .unreachable, .timeout:
                return [unreachable(ClerkText(pl: error.detail, en: error.detail), code: error.code).timed(seconds)]
            default:
                return [Finding.problem(
                    Self.name, "tsa-bad-answer",
                    found: ClerkText(
                        pl: "TSA \(url) odpowiada, ale bez ważnego znacznika czasu: \(error.message.pl)",
                        en: "TSA \(url) answers, but without a valid time-stamp: \(error.message.en)"),
                    why: Self.whyTSA,
                    fix: ClerkText(
                        pl: "Sprawdź adres TSA (czasem usługa ma osobny adres dla RFC 3161) i umowę z dostawcą; zapytaj dostawcę o komunikat: \(error.code).",
                        en: "Check the TSA address (services often have a separate RFC 3161 address) and your contract; ask the provider about: \(error.code)."),
                    details: ["url": url, "error": error.code]).timed(seconds)]
            }
        case .finished(.success(let (token, localTime)), let seconds):
            let tsaTime = Self.date(token.info.genTime)
            var findings = [Finding.ok(
                Self.name, "tsa-ok",
                ClerkText(
                    pl: "TSA \(url) wydaje znaczniki czasu (\(CertificateValidityCheck.iso(tsaTime)), w \(String(format: "%.2f", seconds)) s).",
                    en: "TSA \(url) issues time-stamps (\(CertificateValidityCheck.iso(tsaTime)), in \(String(format: "%.2f", seconds)) s)."),
                details: ["url": url, "genTime": CertificateValidityCheck.iso(tsaTime), "tsa": token.tsaCertificate.subject.description]).timed(seconds)]
            let offset = localTime.timeIntervalSince(tsaTime)
            let offsetText = String(format: "%+.1f", offset)
            if abs(offset) > Self.clockTolerance {
                findings.append(.warning(
                    Self.clockCheck, "clock-off",
                    found: ClerkText(
                        pl: "Zegar komputera różni się od czasu TSA o \(offsetText) s.",
                        en: "The computer's clock differs from the TSA's time by \(offsetText) s."),
                    why: ClerkText(
                        pl: "Czas podpisu zapisany w dokumencie pochodzi z zegara komputera: będzie błędny, a certyfikaty mogą wyglądać na nieważne.",
                        en: "The signing time written into documents comes from the computer's clock: it will be wrong, and certificates may look invalid."),
                    fix: ClerkText(
                        pl: "Włącz synchronizację czasu: sudo timedatectl set-ntp true (albo zainstaluj chrony lub systemd-timesyncd) i sprawdź strefę: timedatectl.",
                        en: "Turn on time synchronisation: sudo timedatectl set-ntp true (or install chrony or systemd-timesyncd) and check the time zone: timedatectl."),
                    details: ["offsetSeconds": offsetText, "tsa": url]))
            } else {
                findings.append(.ok(
                    Self.clockCheck, "clock-ok",
                    ClerkText(pl: "Zegar zgodny z TSA (różnica \(offsetText) s).", en: "The clock agrees with the TSA (difference \(offsetText) s)."),
                    details: ["offsetSeconds": offsetText]))
            }
            return findings
        }
    }

    private func unreachable(_ reason: ClerkText, code: String) -> Finding {
        .problem(
            Self.name, "tsa-unreachable",
            found: ClerkText(pl: "Serwer znaczników czasu \(url) nie odpowiada: \(reason.pl).", en: "Time-stamping server \(url) does not answer: \(reason.en)."),
            why: Self.whyTSA, fix: Self.reachFix, details: ["url": url, "error": code])
    }

    static let reachFix = ClerkText(
        pl: "Sprawdź połączenie z siecią i zaporę (ruch HTTP do TSA), adres w [timestamp] urls w podpisd.toml i czy usługa dostawcy działa.",
        en: "Check the network and firewall (HTTP to the TSA), the address in [timestamp] urls of podpisd.toml, and that the provider's service is up.")

    static let whyTSA = ClerkText(
        pl: "Bez znacznika czasu nie powstanie podpis na poziomie B-T (wymagany przez wiele systemów EZD).",
        en: "Without a time-stamp no B-T level signature can be made (many EZD systems require it).")

    static func date(_ time: GeneralizedTime) -> Date {
        var components = DateComponents()
        components.year = time.year
        components.month = time.month
        components.day = time.day
        components.hour = time.hours
        components.minute = time.minutes
        components.second = time.seconds
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let whole = calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
        return whole.addingTimeInterval(time.fractionalSeconds)
    }
}

private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Swift.Result<(TimeStampClient.Token, Date), TimeStampError>?
    func set(_ v: Swift.Result<(TimeStampClient.Token, Date), TimeStampError>) { lock.withLock { value = v } }
    func get() -> Swift.Result<(TimeStampClient.Token, Date), TimeStampError>? { lock.withLock { value } }
}
