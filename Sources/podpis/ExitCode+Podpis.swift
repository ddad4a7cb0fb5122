import ArgumentParser
import CMS
import Files
import Foundation
import Timestamping
import XAdES
import Localization
import PKCS11
import SmartCard

/// The documented exit codes (see `podpis --help` and docs/cli-json.md).
enum PodpisExit {
    static let otherError: Int32 = 1
    static let noService: Int32 = 3
    static let noReaders: Int32 = 4
    static let moduleFailed: Int32 = 5
    static let tokenNotFound: Int32 = 6
    static let certificateNotFound: Int32 = 7
    static let pinProblem: Int32 = 8
    static let outputExists: Int32 = 9
    static let badInput: Int32 = 10
    static let timeStamp: Int32 = 11
    /// podpis seal: some documents failed (the others were sealed).
    static let someFailed: Int32 = 12

    /// Stopped by signal `number` at a PIN prompt (code `cancelled`):
    /// 128 + the number, as a shell reports a program that signal ended
    /// (130 SIGINT, 143 SIGTERM, 129 SIGHUP, 131 SIGQUIT).
    static func signalled(_ number: Int32) -> Int32 { 128 + number }
}

/// A failure the CLI reports: a code for programs, a sentence for people, an exit code.
struct CommandFailure: Error {
    let code: String
    let name: String
    let message: ClerkText
    let exitCode: Int32

    init(code: String, name: String, message: ClerkText, exitCode: Int32) {
        self.code = code
        self.name = name
        self.message = message
        self.exitCode = exitCode
    }

    init(_ error: PCSCError) {
        let exit: Int32
        switch error.rawValue {
        case PCSCError.Code.noService, PCSCError.Code.serviceStopped, PCSCError.Code.commError: exit = PodpisExit.noService
        case PCSCError.Code.noReadersAvailable: exit = PodpisExit.noReaders
        default: exit = PodpisExit.otherError
        }
        self.init(code: error.code, name: error.name, message: error.message, exitCode: exit)
    }

    init(_ error: PKCS11Error) {
        let exit: Int32
        switch error.kind {
        case .moduleNotFound, .moduleLoadFailed: exit = PodpisExit.moduleFailed
        case .tokenNotFound: exit = PodpisExit.tokenNotFound
        case .objectNotFound: exit = PodpisExit.certificateNotFound
        case .pinRequired: exit = PodpisExit.pinProblem
        case .unsupportedAlgorithm: exit = PodpisExit.otherError
        case .returnValue:
            switch error.category {
            case .pin: exit = PodpisExit.pinProblem
            case .tokenGone: exit = PodpisExit.tokenNotFound
            default: exit = PodpisExit.otherError
            }
        }
        var extra = ""
        if let tries = error.triesLeft { extra = " (triesLeft=\(tries))" }
        self.init(code: error.code, name: error.name + extra, message: error.message, exitCode: exit)
    }

    /// Any error from signing, mapped to its code and sentence.
    init(_ error: any Error) {
        switch error {
        case let e as PCSCError: self.init(e)
        case let e as PKCS11Error: self.init(e)
        case let e as FileError:
            self.init(code: e.code, name: e.code, message: e.message, exitCode: e.kind == .exists ? PodpisExit.outputExists : PodpisExit.otherError)
        case let e as CMSError: self.init(code: e.code, name: e.code, message: e.message, exitCode: PodpisExit.badInput)
        case let e as XMLInputError: self.init(code: e.code, name: e.code, message: e.message, exitCode: PodpisExit.badInput)
        case let e as XAdESError:
            self.init(code: e.code, name: e.code, message: e.message, exitCode: e.kind == .tooLarge ? PodpisExit.badInput : PodpisExit.otherError)
        case let e as TimeStampError: self.init(code: e.code, name: e.code, message: e.message, exitCode: PodpisExit.timeStamp)
        case let e as PINReader.Cancelled: self.init(code: e.code, name: e.name, message: e.message, exitCode: e.exitCode)
        default:
            self.init(code: "error", name: "\(type(of: error))", message: messages.text("unexpected-error", ["error": "\(error)"]), exitCode: PodpisExit.otherError)
        }
    }

    /// Prints the failure (JSON on stdout with --json, else a sentence and
    /// the code in brackets on stderr) and gives the exit code to throw:
    /// `throw failure.report(json:)`.
    /// podpis never calls `exit()` from a command: thrown, the error unwinds
    /// the stack, so every `defer` and deinit runs (temporary outputs are
    /// removed, token sessions closed) before ArgumentParser's `main` exits.
    func report(json: Bool) -> ExitCode {
        if json {
            let body: [String: [String: String]] = ["error": ["code": code, "name": name, "message": message.description]]
            if let data = try? JSONEncoder.podpis.encode(body) { print(String(decoding: data, as: UTF8.self)) }
        } else {
            FileHandle.standardError.write(Data("podpis: \(message) [\(code)]\n".utf8))
        }
        return ExitCode(exitCode)
    }
}

extension JSONEncoder {
    /// The one encoder for every --json output: sorted keys, ISO 8601 dates.
    static var podpis: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

/// Prints a Codable value as JSON on stdout.
func printJSON<T: Encodable>(_ value: T) throws {
    let data = try JSONEncoder.podpis.encode(value)
    print(String(decoding: data, as: UTF8.self))
}
