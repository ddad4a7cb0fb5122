import Foundation
import PKCS11

/// Asks for PINs in the terminal podpis runs in (it is its own PIN agent):
/// without echo on /dev/tty, or line by line from `--pin-fd N` for scripts and
/// tests. Never from an argument or the environment. Ctrl-C at the prompt
/// restores the terminal and ends podpis without writing anything.
enum PINReader {
    /// The PIN for logging in to a token, after telling what the token says
    /// of its PIN (count low, final try) and, for pinpads, to use the keypad.
    static func read(for token: Token, fd: Int32?, purpose: String? = nil) throws -> SecretPIN? {
        let label = token.info.label
        if token.info.protectedAuthenticationPath {
            say("Wpisz PIN na klawiaturze czytnika („\(label)”) / type the PIN on the reader's keypad (“\(label)”).")
            return nil
        }
        switch (try? token.slot.tokenInfo().pinStatus) ?? token.info.pinStatus {
        case .finalTry:
            say("UWAGA: ostatnia próba — błędny PIN zablokuje kartę. / WARNING: final try — a wrong PIN locks the card.")
        case .countLow:
            say("Uwaga: wpisano już błędny PIN; zostało niewiele prób. / Note: a wrong PIN was entered before; few tries left.")
        case .locked:
            throw PKCS11Error(rv: ReturnValue.pinLocked, function: "C_Login")
        default:
            break
        }
        let what = purpose.map { " (\($0))" } ?? ""
        return try readPIN(prompt: "PIN do „\(label)”\(what) / PIN for “\(label)”\(what): ", fd: fd)
    }

    /// A PIN asked on the terminal with `prompt` (no echo).
    static func prompt(_ prompt: String) throws -> SecretPIN {
        try readPIN(prompt: prompt, fd: nil)
    }

    static func say(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    nonisolated(unsafe) private static var savedTerminal = termios()
    nonisolated(unsafe) private static var terminalFD: Int32 = -1

    private static func readPIN(prompt: String, fd: Int32?) throws -> SecretPIN {
        ProcessDumps.forbid()  // before any PIN byte is in memory: no core file, no ptrace by the same uid
        if let fd { return try readLine(from: fd) }
        let tty = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard tty >= 0 else {
            throw PKCS11Error(.pinRequired, function: "PIN prompt (no terminal: use --pin-fd)")
        }
        defer { close(tty) }
        _ = prompt.withCString { Foundation.write(tty, $0, strlen($0)) }
        tcgetattr(tty, &savedTerminal)
        terminalFD = tty
        var silent = savedTerminal
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(tty, TCSAFLUSH, &silent)
        let previous = signal(SIGINT) { _ in
            // Restore the terminal and leave: nothing has been written yet.
            if PINReader.terminalFD >= 0 { tcsetattr(PINReader.terminalFD, TCSAFLUSH, &PINReader.savedTerminal) }
            let message = "\nPrzerwano / cancelled.\n"
            _ = message.withCString { Foundation.write(2, $0, strlen($0)) }
            _exit(130)
        }
        defer {
            tcsetattr(tty, TCSAFLUSH, &savedTerminal)
            terminalFD = -1
            signal(SIGINT, previous)
            _ = Foundation.write(tty, "\n", 1)
        }
        return try readLine(from: tty)
    }

    /// Reads up to a newline byte by byte so nothing after it is consumed
    /// (the next PIN for an always-authenticate key comes on the next line).
    static func readLine(from fd: Int32) throws -> SecretPIN {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)  // the most read: the array never grows, so no copy is left behind
        var byte: UInt8 = 0
        while bytes.count < 256 {
            let n = Foundation.read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 || byte == 0x0A { break }
            if byte != 0x0D { bytes.append(byte) }
        }
        byte = 0
        guard !bytes.isEmpty else { throw PKCS11Error(.pinRequired, function: "PIN prompt") }
        return SecretPIN(consuming: &bytes)
    }
}
