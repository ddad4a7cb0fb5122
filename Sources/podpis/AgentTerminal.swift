import Foundation
import Localization
import PKCS11
import StationAPI

/// Questions on /dev/tty without echo and without the terminal's own Ctrl-C:
/// Ctrl-C arrives as a byte and refuses the request, the agent goes on.
final class AgentTerminal {
    enum Answer {
        case approve([UInt8])
        case refuse
        case once
        case always
    }

    /// "Allow once / always / deny" for a page that wants to pair.
    func askPairing() -> Answer {
        let polish = Language.current == .polish
        let prompt = polish ? "Pozwolić? [j]ednorazowo / [z]awsze / [N]ie: " : "Allow? [o]nce / [a]lways / [N]o: "
        guard let answer = read(prompt: prompt, echo: true) else { return .refuse }
        switch String(decoding: answer, as: UTF8.self).lowercased() {
        case "j", "jednorazowo", "o", "once": return .once
        case "z", "zawsze", "a", "always": return .always
        default: return .refuse
        }
    }

    func ask(_ request: ConsentRequest) -> Answer {
        let polish = Language.current == .polish
        func t(_ pl: String, _ en: String) -> String { polish ? pl : en }
        if let until = request.token.loggedInUntil {
            let formatter = DateFormatter()
            formatter.dateFormat = "HH:mm"
            AgentScreen.say(messages.text("pin-kept", ["until": formatter.string(from: until)]))
        }
        if request.needsPIN {
            let label = AgentScreen.shown(request.token.label)
            let prompt = t("PIN do „\(label)” (Enter bez PIN-u lub Ctrl-C = odmowa): ",
                           "PIN for “\(label)” (Enter without a PIN or Ctrl-C = refuse): ")
            guard let pin = read(prompt: prompt, echo: false), !pin.isEmpty else { return .refuse }
            return .approve(pin)
        }
        if request.token.protectedAuthenticationPath {
            AgentScreen.say(messages.text("pin-on-pinpad"))
        }
        guard let answer = read(prompt: t("Podpisać? [t/N] ", "Sign? [y/N] "), echo: true) else { return .refuse }
        let text = String(decoding: answer, as: UTF8.self).lowercased()
        return ["t", "tak", "y", "yes"].contains(text) ? .approve([]) : .refuse
    }

    /// A line from the terminal; nil on Ctrl-C or end of input.
    private func read(prompt: String, echo: Bool) -> [UInt8]? {
        let tty = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard tty >= 0 else { return nil }
        defer { close(tty) }
        _ = prompt.withCString { Foundation.write(tty, $0, strlen($0)) }
        var saved = termios()
        tcgetattr(tty, &saved)
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG)
        tcsetattr(tty, TCSAFLUSH, &raw)
        defer {
            tcsetattr(tty, TCSAFLUSH, &saved)
            _ = Foundation.write(tty, "\n", 1)
        }
        var line: [UInt8] = []
        line.reserveCapacity(256)  // never grows: no copies of a PIN left behind
        var byte: UInt8 = 0
        while line.count < 256 {
            let n = Foundation.read(tty, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { wipe(&line); return nil }
            switch byte {
            case 0x03, 0x04:  // Ctrl-C, Ctrl-D
                wipe(&line)
                _ = Foundation.write(tty, "^C", 2)
                return nil
            case 0x0A, 0x0D:
                return line
            case 0x7F, 0x08:
                if !line.isEmpty {
                    line[line.count - 1] = 0
                    line.removeLast()
                    if echo { _ = Foundation.write(tty, "\u{8} \u{8}", 3) }
                }
            default:
                line.append(byte)
                if echo { _ = Foundation.write(tty, &byte, 1) }
            }
        }
        return line
    }

    private func wipe(_ line: inout [UInt8]) {
        Wipe.bytes(&line)
        line.removeAll()
    }
}
