import SignatureAlgorithms
import ArgumentParser
import CAdES
import CMS
import Files
import Foundation
import Inventory
import LongTerm
import Evidence
import PKCS11
import Signing
import Timestamping
import XAdES

struct Sign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Podpisz pliki / sign files (CAdES or XAdES).",
        discussion: """
            Signs FILEs with a certificate on a card or token and writes the signature beside them \
            (never overwriting anything): FILE.p7s for CAdES, FILE.xades for XAdES. The PIN is asked \
            here, without echo; keys that need a PIN for every signature ask again for each one.

            XAdES packagings: enveloped (the signature inside the XML document; the default for one \
            .xml/.xades/.gml file, so a signed document gets a parallel signature), enveloping (the file inside the signature), detached (one .xades over all \
            FILEs, referenced by name; the default otherwise). XML inputs are checked before any PIN \
            is asked: no DTDs, no entities, limited depth and size.

            Examples:
              podpis sign --format cades --detached umowa.pdf
              podpis sign --format cades --level B-T --tsa http://tsa.example/ --cert 6f85bd14 skan.pdf
              podpis sign --format cades --add-to umowa.pdf.p7s -o umowa.pdf.2.p7s --detached umowa.pdf
              podpis sign --format cades --add-to umowa.pdf.p7m -o umowa.pdf.2.p7m    # attached: its own content
              podpis sign --format xades wniosek.xml                     # wniosek.xml.xades, enveloped
              podpis sign --format xades --packaging detached umowa.pdf aneks.pdf -o umowa.xades
              podpis sign --format xades --level B-T --tsa http://tsa.example/ --commitment approval \\
                  --role "Kierownik Referatu" decyzja.xml
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case cades, xades }

    @Option(help: "Signature format: cades or xades.") var format: Format = .cades
    @Flag(help: "Detached signature (CAdES: the document stays outside the .p7s; XAdES: --packaging detached).") var detached = false
    @Option(help: "XAdES packaging: enveloped, enveloping or detached.") var packaging: XAdESOptions.Packaging?
    @Option(help: "Baseline level: B-B, B-T (with a time-stamp), B-LT (B-T with the certificates and revocation data inside) or B-LTA (B-LT with an archive time-stamp).")
    var level: BaselineLevel = .bb
    @Option(help: "Certificate id (see podpis certs); optional when only one certificate can sign.") var cert: String?
    @Option(help: "Commitment type: origin, receipt, delivery, sender, approval, creation.") var commitment: CommitmentType?
    @Option(help: "Claimed role, e.g. \"Kierownik Referatu\".") var role: String?
    @Option(help: "Time-stamping server URL (RFC 3161), needed for B-T.") var tsa: String?
    @Option(help: "Digest: SHA-256, SHA-384 or SHA-512.") var digest: HashAlgorithm = .sha256
    @Flag(help: "RSA keys: sign with RSA-PSS instead of PKCS#1 v1.5.") var pss = false
    @Flag(help: "Put the certificate chain from --chain-file into the signature.") var includeChain = false
    @Option(help: "PEM file with CA certificates to include with --include-chain.") var chainFile: String?
    @Option(help: "CAdES: add this signature as a parallel signer to an existing .p7s/.p7m/.sig (PEM accepted); the signed file is needed only when that signature is detached.")
    var addTo: String?
    @Option(help: "XAdES: canonicalization (c14n, c14n-with-comments, exc-c14n, exc-c14n-with-comments).") var c14n: Canonicalization = .exclusive
    @Option(help: "XAdES enveloped: xpath (leave every signature out, so parallel signatures stay valid) or enveloped (the enveloped-signature transform only).")
    var envelopedTransform: XAdESOptions.EnvelopedTransform = .parallel
    @Option(help: "XAdES: signing-certificate property v2 (default), v1 (old verifiers) or both.")
    var signingCertificate: XAdESOptions.SigningCertificateProperty = .v2
    @Option(name: [.customShort("o"), .long], help: "Output file (one input only; XAdES detached: the one .xades).") var output: String?
    @Option(name: .customLong("pin-fd"), help: "Read PINs from this file descriptor, one per line.") var pinFD: Int32?
    @OptionGroup var modules: ModuleOptions
    @OptionGroup(title: "B-LT and B-LTA (as podpis extend)") var longTerm: TrustOptions
    @Flag(name: .long, help: "Print a JSON summary.") var json = false
    @Argument(help: "Files to sign (with --add-to: the signed file, none when the signature carries it).") var files: [String] = []

    /// The XAdES packaging: as asked, else enveloped for one XML document
    /// (.xml, .xades, .gml: a signed document gets a parallel signature),
    /// else detached.
    var xadesPackaging: XAdESOptions.Packaging {
        if let packaging { return packaging }
        if detached { return .detached }
        if files.count == 1, Self.looksLikeXML(files[0]) { return .enveloped }
        return .detached
    }

    func validate() throws {
        if files.isEmpty && addTo == nil { throw ValidationError("Give at least one file to sign.") }
        let oneOutput = format == .xades && xadesPackaging == .detached
        if output != nil && files.count > 1 && !oneOutput { throw ValidationError("-o takes one input file only.") }
        if addTo != nil && output == nil { throw ValidationError("--add-to needs -o OUT (the existing signature is never overwritten).") }
        if addTo != nil && files.count > 1 { throw ValidationError("--add-to takes one signed file at most.") }
        if addTo != nil && format == .xades {
            throw ValidationError("--add-to is for CAdES; a XAdES enveloped signature is added to a signed XML document by signing that document.")
        }
        if packaging != nil && format == .cades { throw ValidationError("--packaging is for XAdES; CAdES uses --detached.") }
        if level != .bb && tsa == nil { throw ValidationError("\(level.rawValue) needs --tsa URL (a time-stamping server).") }
    }

    func run() async throws {
        let set = try modules.load(json: json)
        // Refuse unreadable or hostile inputs before any PIN is asked.
        var xmlDocuments: [String: XMLDocument] = [:]
        for file in files {
            do {
                _ = try InputFile(path: file).size()
                if format == .xades, xadesPackaging == .enveloped || (xadesPackaging == .enveloping && Self.looksLikeXML(file)) {
                    xmlDocuments[file] = try XMLDocument.parse(file: InputFile(path: file), name: file)
                }
            } catch { throw CommandFailure(error).report(json: json) }
        }
        // --add-to: the existing signature gives its content, or needs the file (given, or
        // byte-equal to what it carries); checked before any PIN is asked.
        var existing: (bytes: [UInt8], attached: Bool)?
        if let addTo {
            do {
                let bytes = try InputFile(path: addTo).readAll(limit: CAdESOptions().maximumAttachedSize + (16 << 20))
                let attached = try CAdES.checkParallelContent(of: bytes, file: files.first.map { InputFile(path: $0) })
                existing = (bytes, attached)
            } catch { throw CommandFailure(error).report(json: json) }
        }
        let key: SigningKey
        do {
            key = try SigningKey.locate(certificate: cert, in: set.modules) { token in
                try PINReader.read(for: token, fd: pinFD)
            }
        } catch let error as PKCS11Error {
            throw CommandFailure(error).report(json: json)
        } catch let error as SigningKeyError {
            throw CommandFailure(code: error.code, name: error.code, message: error.message, exitCode: PodpisExit.certificateNotFound)
                .report(json: json)
        } catch {
            throw CommandFailure(error).report(json: json)  // PINReader.Cancelled: a signal at the login prompt
        }
        var chain: [[UInt8]] = []
        if includeChain, let chainFile {
            chain = try PEMBundle.certificates(in: String(contentsOfFile: chainFile, encoding: .utf8))
        }
        let algorithm = try key.algorithm(hash: digest, pss: pss)
        let prompt = SignaturePrompt()
        let signer = try Signer(certificateDER: key.certificateDER, chainDER: chain, algorithm: algorithm) { digestValue in
            do {
                return try key.session.sign(digest: digestValue, with: key.key, algorithm: algorithm) { () throws(PKCS11Error) -> SecretPIN? in
                    do {
                        return try PINReader.read(for: key.token, fd: pinFD, purpose: "ten podpis / this signature")
                    } catch let error as PKCS11Error {
                        throw error
                    } catch {
                        prompt.cancelled = error as? PINReader.Cancelled
                        throw PKCS11Error(.pinRequired, function: "PIN prompt")
                    }
                }
            } catch {
                // Session.sign has ended the sign operation; the signal is the reason.
                if let cancelled = prompt.cancelled { throw cancelled }
                throw error
            }
        }
        var client: TimeStampClient?
        if let tsa {
            guard let url = URL(string: tsa) else { throw ValidationError("--tsa is not a URL: \(tsa)") }
            client = TimeStampClient(url: url)
        }
        let staging = try LongTermLevel(level).map { _ in try Staging() }
        defer { staging?.remove() }
        let written: [String]
        switch format {
        case .cades: written = try await signCAdES(signer: signer, client: client, staging: staging, existing: existing)
        case .xades: written = try await signXAdES(signer: signer, client: client, documents: xmlDocuments, staging: staging)
        }
        if let staging, let target = LongTermLevel(level) { try await extend(staging, to: target) }
        if json { try printJSON(["signed": written]) }
    }

    /// B-LT and B-LTA: each B-T made here, extended, then written where it was asked.
    func extend(_ staging: Staging, to target: LongTermLevel) async throws {
        do {
            let extender = try longTerm.extender(tsa: tsa)
            for item in staging.pending {
                let bytes = try InputFile(path: item.staged).readAll(limit: Verify.maximumInput)
                let extended = try await extender.extend(
                    bytes, name: URL(fileURLWithPath: item.output).lastPathComponent, detached: item.detached.map { DetachedData(path: $0) }, to: target)
                try Self.write(extended.bytes, to: item.output)
                if !json { print("\(item.source) → \(item.output) (\(Set(extended.report.signatures.map(\.level)).sorted().joined(separator: ", ")))") }
            }
        } catch let error as LongTermError {
            throw CommandFailure(code: error.code, name: error.code, message: error.message, exitCode: PodpisExit.badInput).report(json: json)
        } catch {
            throw CommandFailure(error).report(json: json)
        }
    }

    /// `existing`: with --add-to, the signature read and checked in `run`, and whether it carries its content.
    func signCAdES(
        signer: Signer, client: TimeStampClient?, staging: Staging?, existing: (bytes: [UInt8], attached: Bool)?
    ) async throws -> [String] {
        var options = CAdESOptions(
            level: level.isTimeStamped ? .bt : .bb, digest: digest, commitment: commitment, claimedRole: role, includeChain: includeChain)
        options.timeStampClient = client
        var written: [String] = []
        if let existing, let addTo, let output {
            // A parallel signer: the output is attached or detached as the existing signature is.
            let file = files.first
            let source = file ?? addTo
            do {
                let out = try staging?.stage(output, detached: existing.attached ? [] : file.map { [$0] } ?? [], source: source) ?? output
                let bytes = try await CAdES.addSignature(
                    to: existing.bytes, detachedContent: file.map { InputFile(path: $0) }, signer: signer, options: options)
                try Self.write(bytes, to: out)
                if !json && staging == nil { print("\(source) → \(output)") }
            } catch {
                throw CommandFailure(error).report(json: json)
            }
            return [output]
        }
        for file in files {
            let final = output ?? file + ".p7s"
            do {
                let out = try staging?.stage(final, detached: detached ? [file] : [], source: file) ?? final
                if detached {
                    try await CAdES.signDetached(file: InputFile(path: file), output: out, signer: signer, options: options)
                } else {
                    try await CAdES.signAttached(file: InputFile(path: file), output: out, signer: signer, options: options)
                }
                written.append(final)
                if !json && staging == nil { print("\(file) → \(final)") }
            } catch {
                throw CommandFailure(error).report(json: json)
            }
        }
        return written
    }

    func signXAdES(signer: Signer, client: TimeStampClient?, documents: [String: XMLDocument], staging: Staging?) async throws -> [String] {
        let options = XAdESOptions(
            packaging: xadesPackaging, level: level.isTimeStamped ? .bt : .bb, digest: digest, commitment: commitment, claimedRole: role,
            includeChain: includeChain, signingCertificate: signingCertificate, signedInfoCanonicalization: c14n,
            referenceCanonicalization: c14n, envelopedTransform: envelopedTransform, timeStampClient: client)
        var written: [String] = []
        do {
            switch options.packaging {
            case .detached:
                let final = output ?? files[0] + ".xades"
                let out = try staging?.stage(final, detached: files, source: files.joined(separator: ", ")) ?? final
                let references = files.map { XAdES.DetachedFile(path: $0) }
                // The references are file names: the .xades must sit beside the files.
                let bytes = try await XAdES.signDetached(references, signer: signer, options: options)
                try Self.write(bytes, to: out)
                written.append(final)
                if !json && staging == nil { print("\(files.joined(separator: ", ")) → \(final)") }
            case .enveloped, .enveloping:
                for file in files {
                    let final = output ?? file + ".xades"
                    let out = try staging?.stage(final, detached: [], source: file) ?? final
                    let bytes: [UInt8]
                    if options.packaging == .enveloped, let document = documents[file] {
                        bytes = try await XAdES.signEnveloped(document, signer: signer, options: options)
                    } else if let document = documents[file] {
                        bytes = try await XAdES.signEnveloping(xml: document, signer: signer, options: options)
                    } else {
                        bytes = try await XAdES.signEnveloping(file: XAdES.DetachedFile(path: file), signer: signer, options: options)
                    }
                    try Self.write(bytes, to: out)
                    written.append(final)
                    if !json && staging == nil { print("\(file) → \(final)") }
                }
            }
        } catch {
            throw CommandFailure(error).report(json: json)
        }
        return written
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        let sink = try AtomicOutputFile(path: path)
        try sink.write(bytes)
        try sink.commit()
    }

    /// XML by its name (enveloping puts other files in as base64).
    static func looksLikeXML(_ path: String) -> Bool {
        ["xml", "xades", "gml"].contains(URL(fileURLWithPath: path).pathExtension.lowercased())
    }
}

/// Where `podpis sign` keeps the B-T signatures it is about to extend: a
/// private directory of its own, removed when the command ends; only the
/// extended signature is written where the user asked.
final class Staging {
    struct Item {
        let staged: String
        let output: String
        let detached: [String]
        /// The signed file(s), as the user named them.
        let source: String
    }
    let directory: URL
    private(set) var pending: [Item] = []

    /// A directory only this user can enter (mkdtemp: 0700, a new name).
    init() throws {
        var template = Array((NSTemporaryDirectory() + "/podpis-sign-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw FileError(.cannotWrite, "\(NSTemporaryDirectory()): \(String(cString: strerror(errno)))")
        }
        directory = URL(fileURLWithPath: String(cString: made))
    }

    /// A staging path for the signature that will be written to `output`.
    func stage(_ output: String, detached: [String], source: String) throws -> String {
        if FileManager.default.fileExists(atPath: output) {
            throw FileError(.exists, output)
        }
        let staged = directory.appendingPathComponent("\(pending.count).sig").path
        pending.append(Item(staged: staged, output: output, detached: detached, source: source))
        return staged
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// A signature's own PIN prompt given up by a signal: carried past
/// `Session.sign`, whose PIN callback can throw only a `PKCS11Error`.
private final class SignaturePrompt {
    var cancelled: PINReader.Cancelled?
}

extension BaselineLevel: ExpressibleByArgument {}
extension CommitmentType: ExpressibleByArgument {}
extension HashAlgorithm: ExpressibleByArgument {}
extension Canonicalization: ExpressibleByArgument {}
extension XAdESOptions.Packaging: ExpressibleByArgument {}
extension XAdESOptions.EnvelopedTransform: ExpressibleByArgument {}
extension XAdESOptions.SigningCertificateProperty: ExpressibleByArgument {}

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
