import Foundation
import PKCS11

/// Asks for PINs in the terminal podpis runs in (it is its own PIN agent):
/// without echo on /dev/tty, or line by line from `--pin-fd N` for scripts and
/// tests. Never from an argument or the environment.
///
/// SIGINT (Ctrl-C), SIGTERM, SIGHUP or SIGQUIT while a prompt waits ends it
/// with `Cancelled` (see `PromptSignals`): the bytes read so far are wiped,
/// the terminal echoes again, and the error unwinds to `main` (outputs'
/// temporary files removed), which exits with 128 + the signal's number.
/// Outside a prompt (hashing, a time-stamp, a pinpad's own PIN entry) the
/// signals keep the dispositions podpis had.
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

    /// One prompt at a time: the terminal and the signal dispositions are the process's.
    private static let turn = NSLock()

    private static func readPIN(prompt: String, fd: Int32?) throws -> SecretPIN {
        ProcessDumps.forbid()  // before any PIN byte is in memory: no core file, no ptrace by the same uid
        turn.lock()
        defer { turn.unlock() }
        // Caught from before the prompt shows until after the terminal is restored.
        let signals = PromptSignals()
        let outcome = Result { try ask(prompt: prompt, fd: fd, signals: signals) }
        let late = signals.restore()
        switch outcome {
        case .success(let pin):
            guard let late else { return pin }
            pin.wipe()  // the signal came as the PIN was complete: stop all the same
            throw Cancelled(signal: late)
        case .failure(let error):
            // A hang-up can end the terminal's read (end of file) before the
            // SIGHUP is seen: the signal is the reason then.
            if let late, !(error is Cancelled) { throw Cancelled(signal: late) }
            throw error
        }
    }

    /// The prompt itself: from `fd`, or on the terminal without echo.
    private static func ask(prompt: String, fd: Int32?, signals: PromptSignals) throws -> SecretPIN {
        if let fd { return try readLine(from: fd, signals: signals) }
        let tty = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard tty >= 0 else {
            throw PKCS11Error(.pinRequired, function: "PIN prompt (no terminal: use --pin-fd)")
        }
        defer { close(tty) }
        _ = prompt.withCString { Foundation.write(tty, $0, strlen($0)) }
        var saved = termios()
        let isTerminal = tcgetattr(tty, &saved) == 0  // else no settings to change or put back
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        if isTerminal { tcsetattr(tty, TCSAFLUSH, &silent) }
        defer {
            if isTerminal { tcsetattr(tty, TCSAFLUSH, &saved) }
            _ = Foundation.write(tty, "\n", 1)
        }
        return try readLine(from: tty, signals: signals)
    }

    /// Reads up to a newline byte by byte so nothing after it is consumed
    /// (the next PIN for an always-authenticate key comes on the next line).
    /// A signal caught meanwhile wipes what was read and throws `Cancelled`.
    static func readLine(from fd: Int32, signals: PromptSignals) throws -> SecretPIN {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)  // the most read: the array never grows, so no copy is left behind
        var byte: UInt8 = 0
        defer { byte = 0 }
        while bytes.count < 256 {
            if let number = signals.wait(for: fd) {
                Wipe.bytes(&bytes)
                bytes.removeAll()
                throw Cancelled(signal: number)
            }
            let n = Foundation.read(fd, &byte, 1)
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if n <= 0 || byte == 0x0A { break }
            if byte != 0x0D { bytes.append(byte) }
        }
        guard !bytes.isEmpty else { throw PKCS11Error(.pinRequired, function: "PIN prompt") }
        return SecretPIN(consuming: &bytes)
    }
}
