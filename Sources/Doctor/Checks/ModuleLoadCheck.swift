import Localization
import PKCS11

/// Loading a PKCS#11 module through p11-kit and its C_Initialize, under a
/// time limit: the loader's own error text, or the CKR name.
struct ModuleLoadCheck {
    static let name = "module-load"
    let path: String
    let limit: Double

    func run() -> (finding: Finding, module: Module?) {
        let path = self.path
        let result = TimeLimited.run(limit, name: "module-load") { () throws(PKCS11Error) -> (Module, String) in
            let module = try Module.load(path: path)
            let info = try? module.info()
            return (module, info.map { "\($0.manufacturer) \($0.description) \($0.version)" } ?? "")
        }
        switch result {
        case .timedOut(let seconds):
            return (Finding.timeout(
                Self.name, component: messages.text("module-load.component", ["path": path]),
                seconds: seconds, fix: Self.hangFix), nil)
        case .finished(.success(let (module, description)), let seconds):
            return (Finding.ok(
                Self.name, "module-loaded",
                messages.text("module-loaded.found", ["description": description]),
                details: ["path": path, "C_Initialize": "CKR_OK", "library": description]).timed(seconds), module)
        case .finished(.failure(let error), let seconds):
            return (failure(error).timed(seconds), nil)
        }
    }

    private func failure(_ error: PKCS11Error) -> Finding {
        switch error.kind {
        case .moduleLoadFailed(_, let reason):
            return .problem(Self.name, messages.finding("module-load-failed", ["path": path, "reason": reason]), details: ["path": path, "loader": reason])
        case .moduleNotFound:
            return ModuleFileCheck(path: path).run()
        default:
            let name = error.name
            return .problem(Self.name, messages.finding("module-init-failed", ["path": path, "error": name, "reason": error.message.withoutDoctorAdvice]), details: ["path": path, "C_Initialize": name])
        }
    }

    static let hangFix = messages.text("module-hang.fix")
}
