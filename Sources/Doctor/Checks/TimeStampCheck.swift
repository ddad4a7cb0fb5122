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
                found: messages.text("tsa-bad-url.found", ["url": url]),
                why: Self.whyTSA,
                fix: messages.text("tsa-bad-url.fix"),
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
            return [unreachable(messages.text("tsa-unreachable.no-answer", ["seconds": Finding.format(seconds)]), code: "timeout").timed(seconds)]
        case .finished(.failure(let error), let seconds):
            switch error.kind {
            case .unreachable, .timeout:
                return [unreachable(ClerkText(pl: error.detail, en: error.detail), code: error.code).timed(seconds)]
            default:
                return [Finding.problem(
                    Self.name, "tsa-bad-answer",
                    found: messages.text("tsa-bad-answer.found", ["url": url, "reason": error.message]),
                    why: Self.whyTSA,
                    fix: messages.text("tsa-bad-answer.fix", ["code": error.code]),
                    details: ["url": url, "error": error.code]).timed(seconds)]
            }
        case .finished(.success(let (token, localTime)), let seconds):
            let tsaTime = ASN1Time.date(token.info.genTime)
            var findings = [Finding.ok(
                Self.name, "tsa-ok",
                messages.text("tsa-ok.found", ["url": url, "time": CertificateValidityCheck.iso(tsaTime), "seconds": String(format: "%.2f", seconds)]),
                details: ["url": url, "genTime": CertificateValidityCheck.iso(tsaTime), "tsa": token.tsaCertificate.subject.description]).timed(seconds)]
            let offset = localTime.timeIntervalSince(tsaTime)
            let offsetText = String(format: "%+.1f", offset)
            if abs(offset) > Self.clockTolerance {
                findings.append(.warning(Self.clockCheck, messages.finding("clock-off", ["offset": offsetText]),
                    details: ["offsetSeconds": offsetText, "tsa": url]))
            } else {
                findings.append(.ok(
                    Self.clockCheck, "clock-ok",
                    messages.text("clock-ok.found", ["offset": offsetText]),
                    details: ["offsetSeconds": offsetText]))
            }
            return findings
        }
    }

    private func unreachable(_ reason: ClerkText, code: String) -> Finding {
        .problem(
            Self.name, "tsa-unreachable",
            found: messages.text("tsa-unreachable.found", ["url": url, "reason": reason]),
            why: Self.whyTSA, fix: Self.reachFix, details: ["url": url, "error": code])
    }

    static let reachFix = messages.text("tsa-unreachable.fix")

    static let whyTSA = messages.text("tsa.why")

}

private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Swift.Result<(TimeStampClient.Token, Date), TimeStampError>?
    func set(_ v: Swift.Result<(TimeStampClient.Token, Date), TimeStampError>) { lock.withLock { value = v } }
    func get() -> Swift.Result<(TimeStampClient.Token, Date), TimeStampError>? { lock.withLock { value } }
}
