import Foundation

/// SIGINT, SIGTERM, SIGHUP and SIGQUIT caught for the time of one PIN
/// prompt, so that a clerk's Ctrl-C or a service manager's SIGTERM ends the
/// prompt with an error instead of killing podpis on the spot.
///
/// A self-pipe: the handler only writes the signal's number to a pipe
/// (`write(2)` is async-signal-safe; nothing else happens in the handler,
/// whichever thread it runs on), and the prompt's read loop polls that pipe
/// beside the PIN's descriptor (`wait(for:)`). The error is thrown up to
/// `main`, so every `defer` and deinit runs on the way: the output's
/// temporary file is removed, the terminal echoes again.
///
/// The pipe is made once and never closed: a handler still running on
/// another thread when a prompt ends can never write into a descriptor
/// number that was closed and given to another file meanwhile. What such a
/// late handler writes is drained when the next prompt begins.
final class PromptSignals {
    /// The signals a prompt catches. One whose disposition was "ignore" when
    /// the prompt began (`nohup`, a shell's background job) stays ignored.
    static let caught: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    /// Both ends non-blocking and close-on-exec; nil if no pipe could be
    /// made (then prompts run without catching, as before).
    fileprivate static let pipe: (read: Int32, write: Int32)? = {
        var fds: [Int32] = [-1, -1]
        guard Glibc.pipe(&fds) == 0 else { return nil }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        return (fds[0], fds[1])
    }()

    /// The dispositions to put back, by signal.
    private var previous: [(signal: Int32, action: sigaction)] = []

    /// Catches the signals until `restore()`; call it on every path.
    init() {
        guard Self.pipe != nil else { return }  // made before any handler can need it
        while take() != nil {}  // what a late handler of an earlier prompt wrote
        var action = sigaction()
        action.__sigaction_handler.sa_handler = forwardPromptSignal
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: poll(2) returns EINTR, the loop looks at the pipe
        for number in Self.caught {
            var old = sigaction()
            guard sigaction(number, nil, &old) == 0, !Self.isIgnored(old) else { continue }
            guard sigaction(number, &action, nil) == 0 else { continue }
            previous.append((number, old))
        }
    }

    /// Waits until `fd` can be read (or is at its end, or fails) or a signal
    /// is caught: the signal's number, or nil when `fd` is ready.
    func wait(for fd: Int32) -> Int32? {
        // With nothing caught (every signal ignored), the descriptor alone.
        let signalFD = previous.isEmpty ? -1 : Self.pipe?.read ?? -1
        while true {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: signalFD, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return nil  // the read that follows reports the problem
            }
            if fds[1].revents != 0, let number = take() { return number }
            if fds[0].revents != 0 { return nil }
        }
    }

    /// Puts the earlier dispositions back; the signal caught and not yet
    /// taken by `wait(for:)`, if any (one that came as the prompt ended).
    func restore() -> Int32? {
        for entry in previous {
            var action = entry.action
            sigaction(entry.signal, &action, nil)
        }
        let caught = previous.isEmpty ? nil : take()
        previous = []
        return caught
    }

    /// One signal number from the pipe, if one is there.
    private func take() -> Int32? {
        guard let pipe = Self.pipe else { return nil }
        var byte: UInt8 = 0
        while true {
            let count = read(pipe.read, &byte, 1)
            if count == 1 { return Int32(byte) }
            if count < 0 && errno == EINTR { continue }
            return nil
        }
    }

    private static func isIgnored(_ action: sigaction) -> Bool {
        guard let handler = action.__sigaction_handler.sa_handler else { return false }
        return unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }
}

/// The handler: the signal's number into the pipe, errno kept. Nothing
/// else is async-signal-safe enough to do here.
private func forwardPromptSignal(_ number: Int32) {
    let saved = errno
    if let pipe = PromptSignals.pipe {
        var byte = UInt8(truncatingIfNeeded: number)
        _ = write(pipe.write, &byte, 1)
    }
    errno = saved
}
