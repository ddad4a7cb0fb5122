import ArgumentParser
import Files
import Foundation
import Inventory
import PKCS11
import QualifiedCertificates

struct Certs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Certyfikaty na tokenach / certificates on tokens.",
        discussion: """
            Lists certificates with the key that belongs to each and whether they are qualified \
            for signing (QcType esign) or sealing (QcType eseal), one row per certificate; a certificate \
            reachable in several places (one card through two modules, or in two slots of one card) \
            lists each place under its row. --export ID writes one certificate as PEM.
            """)

    @OptionGroup var output: OutputOptions
    @OptionGroup var modules: ModuleOptions

    @Option(name: .long, help: "Only this token (label or serial number).")
    var token: String?

    @Option(name: .long, help: "Write the certificate with this id (or id prefix, 8+ hex digits) as PEM.")
    var export: String?

    @Option(name: [.customShort("o"), .long], help: "With --export: the file to write (default: standard output).")
    var output_: String?

    @Flag(name: .long, help: "Log in to each token (asks the PIN) so that private keys hidden before login are paired too.")
    var login = false

    @Option(name: .customLong("pin-fd"), help: "With --login: read the PIN from this file descriptor (for scripts and tests).")
    var pinFD: Int32?

    struct Output: Codable {
        let schema: String
        let certificates: [CertificateReport]
        let moduleProblems: [ModuleProblem]
        let tokenProblems: [TokenProblem]
        /// Certificate objects that could not be read, each with its problem.
        let certificateProblems: [CertificateProblem]
    }

    func run() throws {
        let set = try modules.load(json: output.json)
        if let token {
            do { _ = try set.modules.token(named: token) } catch { throw CommandFailure(error).report(json: output.json) }
        }
        let list: [(report: CertificateReport, der: [UInt8])]
        let tokenProblems: [TokenProblem]
        let unreadable: [CertificateProblem]
        do {
            (list, tokenProblems, unreadable) = try CertificateReport.grouped(
                in: set.modules, onlyToken: token,
                login: login ? { token in try PINReader.read(for: token, fd: pinFD) } : nil)
        } catch {
            throw CommandFailure(error).report(json: output.json)  // PKCS11Error, or PINReader.Cancelled
        }
        if let token, let problem = tokenProblems.first(where: { $0.token == token }) {
            throw CommandFailure(
                code: problem.code, name: problem.error, message: .init(pl: problem.message, en: problem.message),
                exitCode: PodpisExit.tokenNotFound
            ).report(json: output.json)
        }
        if let export {
            let wanted = export.lowercased()
            let matches = list.filter { wanted.count >= 8 && $0.report.facts.sha256.hasPrefix(wanted) }
            guard matches.count == 1, let match = matches.first else {
                throw CommandFailure(
                    code: matches.isEmpty ? "certificate-not-found" : "certificate-ambiguous", name: "CERTIFICATE_NOT_FOUND",
                    message: .init(
                        pl: matches.isEmpty ? "Nie znaleziono certyfikatu \(export). Sprawdź: podpis certs." : "Identyfikator \(export) pasuje do kilku certyfikatów; podaj dłuższy.",
                        en: matches.isEmpty ? "No certificate \(export). Check: podpis certs." : "Id \(export) matches several certificates; give a longer one."),
                    exitCode: PodpisExit.certificateNotFound
                ).report(json: output.json)
            }
            let pem = CertificateFacts.pem(der: match.der)
            if let path = output_ {
                do {
                    let file = try AtomicOutputFile(path: path)
                    try file.write(Array(pem.utf8))
                    try file.commit()
                } catch { throw CommandFailure(error).report(json: output.json) }
            } else {
                print(pem, terminator: "")
            }
            return
        }
        if output.json {
            try printJSON(Output(schema: "podpis.certs/1", certificates: list.map(\.report), moduleProblems: set.problems,
                tokenProblems: tokenProblems, certificateProblems: unreadable))
            return
        }
        var table = Table("ID", "HOLDER", "IDENTIFIER", "QUALIFIED", "VALID TO", "KEY", "TOKEN")
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        for (r, _) in list {
            let f = r.facts
            let qualified = r.qualifiedForSealing ? "pieczęć/seal" : r.qualifiedForSigning ? "podpis/signing" : "nie/no"
            let key = r.key.map { $0.keyType + ($0.alwaysAuthenticate ? " (PIN każdorazowo/every time)" : "") }
                ?? (r.keyHiddenUntilLogin ? "po zalogowaniu/after --login" : "brak/none")
            table.add(
                r.id, f.commonName ?? f.subject, (f.personIdentifier ?? f.organizationIdentifier)?.description ?? "-",
                qualified, formatter.string(from: f.notAfter) + (r.validity == .valid ? "" : " \(r.validity.rawValue)"),
                key, r.token)
            if let places = r.locations, places.count > 1 {
                for place in places { table.note("na / on: " + Self.describe(place)) }
            }
        }
        if !list.isEmpty {
            print(table.render())
        } else if unreadable.isEmpty {
            print("Brak certyfikatów / no certificates.")
        }
        for problem in tokenProblems { print("! \(problem.token): \(problem.message)") }
        for problem in unreadable {
            print("! \(problem.token): \(problem.label.isEmpty ? problem.objectID : problem.label) [\(problem.code), SHA-256 \(problem.sha256.prefix(16))]: \(problem.message)")
        }
    }

    /// One place of a certificate, for the line under its row: token (serial, slot, module),
    /// the certificate object's label and CKA_ID there, and its key there.
    static func describe(_ place: CertificateReport.Location) -> String {
        let key = place.key.map { $0.canSign ? "klucz/key" : "klucz bez podpisu/key cannot sign" }
            ?? (place.keyHiddenUntilLogin ? "klucz po zalogowaniu/key after --login" : "bez klucza/no key")
        let object = (place.label.isEmpty ? "" : "\(place.label) ") + "[ID \(place.objectID)]"
        return "\(place.token) (nr/serial \(place.tokenSerial), slot \(place.slotID), \(place.module)): \(object); \(key)"
    }
}
