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
            throw SealError("pin-unavailable", messages.text("ask-password-missing", ["profile": profile]))
        }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw SealError("pin-unavailable", ClerkText(verbatim: "pipe()")) }
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
        guard rc == 0 else { throw SealError("pin-unavailable", messages.text("ask-password-failed", ["rc": rc])) }
        // One fixed buffer (a growing array would leave copies of the PIN behind).
        var buffer = [UInt8](repeating: 0, count: 256)
        defer { Wipe.bytes(&buffer) }
        var length = 0
        while length < buffer.count {
            let count = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress! + length, $0.count - length) }
            if count <= 0 { break }
            length += count
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        while length > 0, buffer[length - 1] == 0x0A || buffer[length - 1] == 0x0D { length -= 1 }
        guard status == 0, length > 0 else {
            throw SealError("pin-unavailable", messages.text("seal-pin-not-given"))
        }
        var bytes = Array(buffer[..<length])
        return SecretPIN(consuming: &bytes)
    }
}
