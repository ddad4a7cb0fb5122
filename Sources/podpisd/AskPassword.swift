import Foundation
import Localization
import PKCS11
import Sealing

/// `pin_prompt = true` under systemd: the seal PIN asked once at start with
/// `systemd-ask-password` (on the console, or `systemd-tty-ask-password-agent`).
enum AskPassword {
    static func seal(profile: String) throws -> SecretPIN {
        let candidates: [String] = ["/usr/bin/systemd-ask-password", "/bin/systemd-ask-password"]
        let program = candidates.first { access($0, X_OK) == 0 }
        guard let program else {
            throw SealError("pin-unavailable", ClerkText(
                pl: "Brak systemd-ask-password; dla [seal.\(profile)] użyj pin_credential lub pin_file.",
                en: "No systemd-ask-password; use pin_credential or pin_file for [seal.\(profile)]."))
        }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw SealError("pin-unavailable", ClerkText(pl: "pipe()", en: "pipe()")) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        let arguments = [program, "--timeout=0", "--id=podpisd:\(profile)", "PIN pieczęci / seal PIN (\(profile)):"]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, program, &actions, nil, argv, environ)
        close(fds[1])
        defer { close(fds[0]) }
        guard rc == 0 else { throw SealError("pin-unavailable", ClerkText(pl: "systemd-ask-password: \(rc)", en: "systemd-ask-password: \(rc)")) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let count = read(fds[0], &buffer, buffer.count)
            if count <= 0 { break }
            bytes += buffer[..<count]
        }
        for index in buffer.indices { buffer[index] = 0 }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        guard status == 0, !bytes.isEmpty else {
            for index in bytes.indices { bytes[index] = 0 }
            throw SealError("pin-unavailable", ClerkText(pl: "Nie podano PIN-u pieczęci.", en: "No seal PIN was given."))
        }
        return SecretPIN(consuming: &bytes)
    }
}
