import ArgumentParser
import CAdES
import CMS
import Files
import Foundation
import Inventory
import PKCS11
import Signing
import Timestamping

struct Sign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Podpisz pliki / sign files (CAdES).",
        discussion: """
            Signs each FILE with a certificate on a card or token and writes FILE.p7s beside it \
            (never overwriting anything). The PIN is asked here, without echo; keys that need a PIN \
            for every signature ask again for each one.

            Examples:
              podpis sign --format cades --detached umowa.pdf
              podpis sign --format cades --level B-T --tsa http://tsa.example/ --cert 6f85bd14 skan.pdf
              podpis sign --format cades --add-to umowa.pdf.p7s -o umowa.pdf.2.p7s --detached umowa.pdf
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case cades }

    @Option(help: "Signature format.") var format: Format = .cades
    @Flag(help: "Detached signature (the document stays outside the .p7s).") var detached = false
    @Option(help: "Baseline level: B-B or B-T (with a time-stamp).") var level: CAdESOptions.Level = .bb
    @Option(help: "Certificate id (see podpis certs); optional when only one certificate can sign.") var cert: String?
    @Option(help: "Commitment type: origin, receipt, delivery, sender, approval, creation.") var commitment: CommitmentType?
    @Option(help: "Claimed role, e.g. \"Kierownik Referatu\".") var role: String?
    @Option(help: "Time-stamping server URL (RFC 3161), needed for B-T.") var tsa: String?
    @Option(help: "Digest: SHA-256, SHA-384 or SHA-512.") var digest: DigestAlgorithm = .sha256
    @Flag(help: "RSA keys: sign with RSA-PSS instead of PKCS#1 v1.5.") var pss = false
    @Flag(help: "Put the certificate chain from --chain-file into the signature.") var includeChain = false
    @Option(help: "PEM file with CA certificates to include with --include-chain.") var chainFile: String?
    @Option(help: "Add this signature as a parallel signer to an existing .p7s/.sig (PEM accepted).") var addTo: String?
    @Option(name: [.customShort("o"), .long], help: "Output file (one input only).") var output: String?
    @Option(name: .customLong("pin-fd"), help: "Read PINs from this file descriptor, one per line.") var pinFD: Int32?
    @OptionGroup var modules: ModuleOptions
    @Flag(name: .long, help: "Print a JSON summary.") var json = false
    @Argument(help: "Files to sign.") var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one file to sign.") }
        if output != nil && files.count > 1 { throw ValidationError("-o takes one input file only.") }
        if addTo != nil && output == nil { throw ValidationError("--add-to needs -o OUT (the existing signature is never overwritten).") }
        if level == .bt && tsa == nil { throw ValidationError("B-T needs --tsa URL (a time-stamping server).") }
    }

    func run() async throws {
        let set = modules.load(json: json)
        // Refuse unreadable inputs before any PIN is asked.
        for file in files {
            do { _ = try InputFile(path: file).size() } catch { CommandFailure(error).report(json: json) }
        }
        let key: SigningKey
        do {
            key = try SigningKey.locate(certificate: cert, in: set.modules) { token in
                try PINReader.read(for: token, fd: pinFD)
            }
        } catch let error as PKCS11Error {
            CommandFailure(error).report(json: json)
        } catch let error as SigningKeyError {
            CommandFailure(code: error.code, name: error.code, message: error.message, exitCode: PodpisExit.certificateNotFound)
                .report(json: json)
        }
        var chain: [[UInt8]] = []
        if includeChain, let chainFile {
            chain = try PEMBundle.certificates(in: String(contentsOfFile: chainFile, encoding: .utf8))
        }
        let algorithm = try key.algorithm(hash: digest.pkcs11, pss: pss)
        let signer = try Signer(certificateDER: key.certificateDER, chainDER: chain, algorithm: algorithm) { digestValue in
            try key.session.sign(digest: digestValue, with: key.key, algorithm: algorithm) { () throws(PKCS11Error) -> SecretPIN? in
                do {
                    return try PINReader.read(for: key.token, fd: pinFD, purpose: "ten podpis / this signature")
                } catch let error as PKCS11Error {
                    throw error
                } catch {
                    throw PKCS11Error(.pinRequired, function: "PIN prompt")
                }
            }
        }
        var options = CAdESOptions(
            level: level, digest: digest, commitment: commitment, claimedRole: role, includeChain: includeChain)
        if let tsa {
            guard let url = URL(string: tsa) else { throw ValidationError("--tsa is not a URL: \(tsa)") }
            options.timeStampClient = TimeStampClient(url: url)
        }

        var written: [String] = []
        for file in files {
            let out = output ?? file + ".p7s"
            do {
                if let addTo {
                    let existing = try InputFile(path: addTo).readAll(limit: options.maximumAttachedSize + (16 << 20))
                    let bytes = try await CAdES.addSignature(
                        to: existing, detachedContent: InputFile(path: file), signer: signer, options: options)
                    let sink = try AtomicOutputFile(path: out)
                    try sink.write(bytes)
                    try sink.commit()
                } else if detached {
                    try await CAdES.signDetached(file: InputFile(path: file), output: out, signer: signer, options: options)
                } else {
                    try await CAdES.signAttached(file: InputFile(path: file), output: out, signer: signer, options: options)
                }
                written.append(out)
                if !json { print("\(file) → \(out)") }
            } catch {
                CommandFailure(error).report(json: json)
            }
        }
        if json { try printJSON(["signed": written]) }
    }
}

extension CAdESOptions.Level: ExpressibleByArgument {}
extension CommitmentType: ExpressibleByArgument {}
extension DigestAlgorithm: ExpressibleByArgument {}

/// Certificates from a PEM bundle, as DER.
enum PEMBundle {
    static func certificates(in text: String) throws -> [[UInt8]] {
        var result: [[UInt8]] = []
        var body = ""
        var inside = false
        for line in text.split(separator: "\n") {
            if line.hasPrefix("-----BEGIN CERTIFICATE") { inside = true; body = ""; continue }
            if line.hasPrefix("-----END CERTIFICATE") {
                inside = false
                guard let der = Data(base64Encoded: body) else { throw ValidationError("bad PEM in the chain file") }
                result.append([UInt8](der))
                continue
            }
            if inside { body += line.trimmingCharacters(in: .whitespaces) }
        }
        return result
    }
}
