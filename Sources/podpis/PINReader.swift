import Foundation
import PKCS11

/// Reads a PIN without echo from the terminal, or from a file descriptor
/// given with --pin-fd. Never from arguments or the environment.
enum PINReader {
    static func read(for token: Token, fd: Int32?) throws -> SecretPIN? {
        if token.info.protectedAuthenticationPath {
            FileHandle.standardError.write(Data("Wpisz PIN na klawiaturze czytnika / type the PIN on the reader's keypad: \(token.info.label)\n".utf8))
            return nil
        }
        if let fd { return try readLine(from: fd) }
        let tty = open("/dev/tty", O_RDWR)
        guard tty >= 0 else { throw PKCS11Error(.pinRequired, function: "PIN prompt") }
        defer { close(tty) }
        let prompt = "PIN do „\(token.info.label)” / PIN for “\(token.info.label)”: "
        _ = prompt.withCString { Foundation.write(tty, $0, strlen($0)) }
        var saved = termios()
        tcgetattr(tty, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(tty, TCSAFLUSH, &silent)
        defer {
            tcsetattr(tty, TCSAFLUSH, &saved)
            _ = Foundation.write(tty, "\n", 1)
        }
        return try readLine(from: tty)
    }

    /// Reads up to a newline byte by byte so nothing after it is consumed.
    static func readLine(from fd: Int32) throws -> SecretPIN {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        var byte: UInt8 = 0
        while bytes.count < 256 {
            let n = Foundation.read(fd, &byte, 1)
            if n <= 0 || byte == 0x0A { break }
            if byte != 0x0D { bytes.append(byte) }
        }
        byte = 0
        guard !bytes.isEmpty else { throw PKCS11Error(.pinRequired, function: "PIN prompt") }
        return SecretPIN(consuming: &bytes)
    }
}
