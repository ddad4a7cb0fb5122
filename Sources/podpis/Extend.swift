import ArgumentParser
import Evidence
import Files
import Foundation
import LongTerm
import Localization
import Validation
import XAdES

extension LongTermLevel: ExpressibleByArgument {}

/// `podpis extend`: a signature made to stay provable after its certificate
/// and its CA's revocation services are gone (B-LT: the certificates and
/// revocation data carried inside it; B-LTA: and an archive time-stamp,
/// renewed by extending again).
struct Extend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extend",
        abstract: "Podpis długoterminowy / extend the signatures of a file to a long-term level (B-LT, B-LTA).",
        discussion: """
            Validates FILE's signatures first (one that is not intact, a signer revoked before signing, or an \
            expired certificate with no time-stamp proving the signature was made in time is refused, saying \
            which), then adds every certificate of the signers' and time-stamp authorities' paths and revocation \
            data for them (OCSP where the certificate names a responder, the CRL otherwise; from \
            --revocation-cache, and with --online from the network), and checks that the result verifies as \
            TOTAL-PASSED with nothing but what it carries. B-LTA adds an archive time-stamp (--tsa) over all \
            of it; extending a B-LTA again adds the validation data of its last archive time-stamp \
            (revocation data newer than it) and a new archive time-stamp. Every other signature of FILE \
            keeps every byte. FILE is never changed; the result goes to -o (default: FILE's name with -LT or \
            -LTA before the extension).

            Examples:
              podpis extend --level B-LT --online umowa.pdf.p7s
              podpis extend --level B-LTA --online --tsa http://tsa.example/ decyzja.xml
              podpis extend --level B-LTA --tsa http://tsa.example/ --detached skan.pdf skan.pdf.xades
            """)

    @Option(name: .long, help: "The level to reach: B-LT or B-LTA.")
    var level: LongTermLevel = .lt

    @Argument(help: "The signed file (XAdES .xml/.xades; CAdES .p7s/.p7m, DER or PEM).")
    var file: String

    @Option(name: .customLong("signature"), help: "Extend only this signature (its id in podpis verify); repeatable. Default: every signature.")
    var signatures: [String] = []

    @Option(help: "Time-stamping server URL (RFC 3161), needed for B-LTA.")
    var tsa: String?

    @Flag(name: .customLong("allow-incomplete"), help: """
        For files whose CAs' services are gone (old files, others' test PKIs): add what can be had, list what cannot, \
        and extend anyway (with B-LTA the archive time-stamp proves the file existed as it is); the result must verify \
        no worse than before.
        """)
    var allowIncomplete = false

    @Option(name: .customLong("detached"), help: "The signed file of a detached signature; repeatable.")
    var detached: [String] = []

    @Option(name: .shortAndLong, help: "Where to write the extended signature (must not exist).")
    var output: String?

    @OptionGroup var trustOptions: TrustOptions

    @Flag(name: .long, help: "Print the result as JSON (schema podpis.extend/1).")
    var json = false

    func validate() throws {
        if level == .lta && tsa == nil { throw ValidationError("B-LTA needs --tsa URL (a time-stamping server for the archive time-stamp).") }
        if let tsa, URL(string: tsa)?.scheme == nil { throw ValidationError("--tsa is not a URL: \(tsa)") }
    }

    /// `dir/name-LT.ext` (`-LTA` for B-LTA).
    static func defaultOutput(_ file: String, level: LongTermLevel = .lt) -> String {
        let url = URL(fileURLWithPath: file)
        let ext = url.pathExtension
        let stem = url.deletingPathExtension().lastPathComponent
        let suffix = level == .lt ? "-LT" : "-LTA"
        return url.deletingLastPathComponent().appendingPathComponent(stem + suffix + (ext.isEmpty ? "" : "." + ext)).path
    }

    func run() async throws {
        do {
            let bytes = try InputFile(path: file).readAll(limit: Verify.maximumInput)
            let path = output ?? Self.defaultOutput(file, level: level)
            let out = try AtomicOutputFile(path: path)
            let extended = try await trustOptions.extender(tsa: tsa)
                .extend(bytes, name: URL(fileURLWithPath: file).lastPathComponent, detached: detached.map { DetachedData(path: $0) }, to: level,
                        only: signatures.isEmpty ? nil : Set(signatures), allowIncomplete: allowIncomplete)
            try out.write(extended.bytes)
            try out.commit()
            let levels = extended.report.signatures.map(\.level)
            if json {
                let body = ExtendResult(
                    schema: "podpis.extend/1", output: path, levels: levels, extended: extended.extended,
                    indication: extended.report.indication?.rawValue ?? "", missing: extended.missing)
                print(String(decoding: try JSONEncoder.podpis.encode(body), as: UTF8.self))
            } else {
                print(messages.text("extend-done", ["levels": Array(Set(levels)).sorted().joined(separator: ", "), "output": path]).description)
                for sentence in extended.missing {
                    FileHandle.standardError.write(Data((messages.text("extend-missing-warning", ["detail": sentence]).description + "\n").utf8))
                }
            }
        } catch let error as LongTermError {
            throw CommandFailure(code: error.code, name: error.code, message: error.message, exitCode: PodpisExit.badInput).report(json: json)
        } catch let error as XAdESError {
            throw CommandFailure(code: error.code, name: error.code, message: error.message, exitCode: PodpisExit.badInput).report(json: json)
        } catch let error as Validation.ValidationError {
            throw CommandFailure(code: error.code, name: error.code, message: error.message, exitCode: PodpisExit.badInput).report(json: json)
        } catch {
            throw CommandFailure(error).report(json: json)
        }
    }

    struct ExtendResult: Encodable {
        let schema: String
        let output: String
        let levels: [String]
        /// The ids of the signatures extended.
        let extended: [String]
        let indication: String
        /// With --allow-incomplete: what could not be had.
        let missing: [String]
    }
}
