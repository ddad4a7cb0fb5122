import Doctor
import Foundation

/// The answer to "which PKCS#11 module": the modules registered with
/// p11-kit, or one module by path (with nothing else loaded).
public enum ModuleChoice: Sendable, Equatable {
    case registered
    case path(String)

    /// The module's path, nil for the registered ones.
    public var path: String? {
        if case .path(let path) = self { return path }
        return nil
    }

    /// `registered`, or an absolute path of a file that exists under the
    /// root (or, with `--root`, on this computer, which builds the image);
    /// "auto" is resolved before this.
    static func parse(_ text: String, root: InstallRoot) throws(SetupError) -> ModuleChoice {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "registered" { return .registered }
        guard trimmed.hasPrefix("/") else { throw .moduleMissing(trimmed) }
        let fm = FileManager.default
        guard fm.fileExists(atPath: root.real(trimmed)) || (!root.isComputer && fm.fileExists(atPath: trimmed)) else {
            throw .moduleMissing(trimmed)
        }
        return .path(trimmed)
    }

    var text: String {
        switch self {
        case .registered: return "registered"
        case .path(let path): return path
        }
    }

    var settings: [ConfigurationText.Setting] {
        switch self {
        case .registered:
            return [.init(["pkcs11"], "modules", [String]()), .init(["pkcs11"], "use_registered", true)]
        case .path(let path):
            return [.init(["pkcs11"], "modules", [path]), .init(["pkcs11"], "use_registered", false)]
        }
    }

    /// What the doctor sees: for a card in a reader, the module that showed
    /// its token ("registered" when p11-kit registers that module); no card
    /// or no token: "registered".
    static func detect(in report: Report) -> (choice: ModuleChoice, card: Bool) {
        var card = false
        for reader in report.readers {
            guard let entry = reader.card else { continue }
            card = true
            if let token = entry.tokens.first {
                let registered = report.modules.first { $0.path == token.modulePath }?.registered ?? false
                return (registered ? .registered : .path(token.modulePath), true)
            }
        }
        return (.registered, card)
    }

    /// The doctor's options that load this choice's modules only.
    func doctorOptions(root: InstallRoot, environment: [String: String]) -> DoctorOptions {
        var doctor = DoctorOptions()
        doctor.configFiles = []
        doctor.timeStampURLs = []
        doctor.environment = environment
        doctor.browserPolicyRoot = root.prefix
        switch self {
        case .registered:
            doctor.includeRegistered = true
        case .path(let path):
            doctor.modulePaths = [path]
            doctor.includeRegistered = false
        }
        return doctor
    }
}
