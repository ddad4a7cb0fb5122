import ArgumentParser
import Evidence
import Files
import Foundation
import Localization
import Validation

/// `podpis verify`: is this file validly signed, by whom, when, and is it qualified?
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Weryfikacja podpisu / verify the signatures of a XAdES or CAdES file (ETSI EN 319 102-1).",
        discussion: """
            Validates every signature and counter-signature of FILE: format, signing certificate, integrity of \
            the signed data (XML references resolved only through unique Ids, nothing fetched), certificate path \
            to a trust source at the best signature time, revocation data, time-stamps as proof of existence. \
            Never touches a card or token. Exit codes: 0 TOTAL-PASSED, 1 TOTAL-FAILED, 2 INDETERMINATE, \
            3 no signature found, 10 the file is not a signature that can be read, 64 usage. \
            --etsi prints the ETSI TS 119 102-2 validation report (XML) instead of the text. \
            JSON: docs/cli-json.md (podpis.verify/1); the model: docs/verification.md.
            """)

    static let maximumInput = 256 << 20

    @Argument(help: "The signed file (XAdES .xml, CAdES .p7s/.p7m/.pkcs7, DER or PEM).")
    var file: String

    @Option(name: .customLong("detached"), help: "A signed file of a detached signature; repeatable. Matched to references by name.")
    var detached: [String] = []

    @Option(name: .long, help: "Validate as at this time (ISO 8601, e.g. 2024-05-01T12:00:00Z) instead of now.")
    var at: String?

    @OptionGroup var trustOptions: TrustOptions

    @Flag(name: .long, help: "Print the report as JSON (schema podpis.verify/1).")
    var json = false

    @Flag(name: .long, help: "Print the report as ETSI TS 119 102-2 XML (namespace http://uri.etsi.org/19102/v1.2.1#).")
    var etsi = false

    @Flag(name: .long, help: "Add every check to the readable report.")
    var verbose = false

    func validate() throws {
        if json && etsi { throw ValidationError("--json and --etsi: choose one") }
        if let at, Self.date(at) == nil { throw ValidationError("--at: not an ISO 8601 time: \(at)") }
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: text)
    }

    func run() async throws {
        do {
            let bytes = try InputFile(path: file).readAll(limit: Self.maximumInput)
            // Detached files are streamed (any size, constant memory); never read whole.
            let files = detached.map { DetachedData(path: $0) }
            var policy = ValidationPolicy()
            if let at, let time = Self.date(at) { policy.validationTime = time }
            let verifier = try trustOptions.verifier(policy: policy)
            let report = try await verifier.verify(bytes, name: URL(fileURLWithPath: file).lastPathComponent, detached: files)
            if json {
                let data = try JSONEncoder.podpis.encode(JSONReport(report))
                print(String(decoding: data, as: UTF8.self))
            } else if etsi {
                // No signature: nothing the schema allows to print; the exit code (3) says it.
                if !report.signatures.isEmpty { FileHandle.standardOutput.write(Data(try ETSIReport.xml(report))) }
            } else {
                print(ClerkReport.text(report, language: Language.current, verbose: verbose))
            }
            throw ExitCode(Self.exitCode(report))
        } catch let exit as ExitCode {
            throw exit
        } catch let error as Validation.ValidationError {
            throw CommandFailure(code: error.code, name: error.code, message: error.message, exitCode: PodpisExit.badInput).report(json: json)
        } catch {
            throw CommandFailure(error).report(json: json)
        }
    }

    static func exitCode(_ report: ValidationReport) -> Int32 {
        switch report.indication {
        case nil: return 3
        case .totalPassed?: return 0
        case .totalFailed?: return 1
        case .indeterminate?: return 2
        }
    }
}
