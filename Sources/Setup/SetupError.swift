import Localization

/// Why `podpis setup` stopped before changing anything (or, for a write
/// that failed, where it stopped): a stable code for scripts and a
/// sentence for IT staff in Polish and English.
public struct SetupError: ClerkReadableError, Sendable, Equatable {
    /// Stable, kebab-case: `setup-origin-invalid`, `setup-unit-missing`…
    public let code: String
    public let message: ClerkText

    init(_ code: String, _ message: ClerkText) {
        self.code = code
        self.message = message
    }

    static func originInvalid(_ origin: String) -> SetupError {
        SetupError("setup-origin-invalid", messages.text("setup-origin-invalid", ["origin": origin]))
    }
    static func moduleMissing(_ path: String) -> SetupError {
        SetupError("setup-module-missing", messages.text("setup-module-missing", ["path": path]))
    }
    static func unitMissing(_ path: String) -> SetupError {
        SetupError("setup-unit-missing", messages.text("setup-unit-missing", ["path": path]))
    }
    static func noTerminal() -> SetupError {
        SetupError("setup-no-terminal", messages.text("setup-no-terminal"))
    }
    static func noAnswer() -> SetupError {
        SetupError("setup-no-answer", messages.text("setup-no-answer"))
    }
    static func answersUnreadable(_ file: String, _ reason: String) -> SetupError {
        SetupError("setup-answers-invalid", messages.text("setup-answers-invalid", ["file": file, "reason": reason]))
    }
    static func configurationInvalid(_ problems: String) -> SetupError {
        SetupError("setup-config-invalid", messages.text("setup-config-invalid", ["problems": problems]))
    }
    static func certificateInvalid(_ answer: String) -> SetupError {
        SetupError("setup-certificate-invalid", messages.text("setup-certificate-invalid", ["answer": answer]))
    }
    static func certificateNotFound(_ answer: String, _ listed: String) -> SetupError {
        SetupError("setup-certificate-not-found", messages.text("setup-certificate-not-found", ["answer": answer, "listed": listed]))
    }
    static func hotFolderIncomplete() -> SetupError {
        SetupError("setup-hot-folder-incomplete", messages.text("setup-hot-folder-incomplete"))
    }
    static func valueInvalid(_ key: String, _ value: String) -> SetupError {
        SetupError("setup-value-invalid", messages.text("setup-value-invalid", ["key": key, "value": value]))
    }
    static func writeFailed(_ path: String, _ reason: String) -> SetupError {
        SetupError("setup-write-failed", messages.text("setup-write-failed", ["path": path, "reason": reason]))
    }
    static func symlink(_ path: String) -> SetupError {
        SetupError("setup-symlink", messages.text("setup-symlink", ["path": path]))
    }
    static func enableFailed(_ command: String, _ output: String) -> SetupError {
        SetupError("setup-enable-failed", messages.text("setup-enable-failed", ["command": command, "output": output]))
    }
}

extension SetupError {
    /// `--test-login` found no token to log in to.
    public static func noToken() -> SetupError {
        SetupError("setup-no-token", messages.text("setup-no-token"))
    }
}
