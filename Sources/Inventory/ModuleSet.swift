import PKCS11

/// The PKCS#11 modules a command works with: those registered with p11-kit
/// plus any named by path, and the ones that failed to load.
public struct ModuleSet: Sendable {
    public let modules: [Module]
    public let problems: [ModuleProblem]

    /// Loads modules. A module named by path that fails is a problem the caller
    /// must report; a registered one that fails is listed but does not stop the others.
    public static func load(paths: [String], includeRegistered: Bool) -> ModuleSet {
        var modules: [Module] = []
        var problems: [ModuleProblem] = []
        for path in paths {
            do {
                modules.append(try Module.load(path: path))
            } catch {
                problems.append(ModuleProblem(name: path, path: path, requested: true, error: error))
            }
        }
        if includeRegistered {
            let registered = Module.loadRegistered()
            let named = Set(modules.map(\.path))
            modules += registered.modules.filter { !named.contains($0.path) }
            problems += registered.failures.map {
                ModuleProblem(name: $0.name, path: $0.path, requested: false, error: $0.error)
            }
        }
        return ModuleSet(modules: modules, problems: problems)
    }
}

/// A module that could not be used, with why and what to do.
public struct ModuleProblem: Sendable, Codable, Hashable {
    public let name: String
    public let path: String
    /// Named by the user (with --module), not just registered.
    public let requested: Bool
    public let code: String
    public let error: String
    public let message: String

    public init(name: String, path: String, requested: Bool, error: PKCS11Error) {
        self.name = name
        self.path = path
        self.requested = requested
        self.code = error.code
        self.error = error.name
        self.message = error.message.description
    }
}
