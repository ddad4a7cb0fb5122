import Files
import Foundation
import PKCS11

/// Where the seal PIN comes from for unattended work — never a command-line
/// argument or an environment variable. Each read gives a fresh
/// `SecretPIN`; nothing is kept between logins except what `prompt` keeps.
public enum SealPINSource: Sendable {
    /// `$CREDENTIALS_DIRECTORY/NAME`: a systemd credential (`LoadCredentialEncrypted=`).
    case credential(String)
    /// A file only root or this process's user may read (mode 0400/0600).
    case file(String)
    /// Asked once (a terminal, the agent, systemd-ask-password) by the closure.
    case prompt(@Sendable () throws -> SecretPIN)

    /// Whether a lost login can be recovered without a human.
    public var canRelogin: Bool {
        if case .prompt = self { return false }
        return true
    }

    public func read(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SecretPIN {
        switch self {
        case .credential(let name):
            guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else {
                throw SealError.pinUnavailable("$CREDENTIALS_DIRECTORY is not set (run podpisd under systemd with LoadCredentialEncrypted=\(name):…)")
            }
            return try Self.readFile(directory + "/" + name, checkOwner: false)
        case .file(let path):
            return try Self.readFile(path, checkOwner: true)
        case .prompt(let ask):
            return try ask()
        }
    }

    /// The first line of a file, without its newline; the buffer is wiped.
    static func readFile(_ path: String, checkOwner: Bool) throws -> SecretPIN {
        // Opened as every input is: no symbolic link followed, a regular file.
        let fd: Int32
        do { (fd, _) = try InputFile(path: path).open() } catch { throw SealError.pinUnavailable(error.detail) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw SealError.pinUnavailable("\(path): \(String(cString: strerror(errno)))") }
        if checkOwner {
            guard status.st_uid == 0 || status.st_uid == geteuid(), status.st_mode & 0o077 == 0 else {
                throw SealError("pin-file-permissions", messages.text("pin-file-readable", ["path": path]))
            }
        }
        var buffer = [UInt8](repeating: 0, count: 256)
        defer { Wipe.bytes(&buffer) }
        let count = Glibc.read(fd, &buffer, buffer.count)
        guard count > 0 else { throw SealError.pinUnavailable("\(path) is empty") }
        var length = count
        if let newline = buffer[..<count].firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) { length = newline }
        guard length > 0 else { throw SealError.pinUnavailable("\(path) is empty") }
        var pin = Array(buffer[..<length])
        return SecretPIN(consuming: &pin)
    }
}
