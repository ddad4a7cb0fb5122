import ArgumentParser
import Inventory

/// Options shared by the listing commands.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (schema in docs/cli-json.md) instead of a table.")
    var json = false
}

/// Which PKCS#11 modules to use.
struct ModuleOptions: ParsableArguments {
    @Option(name: .customLong("module"), help: "A PKCS#11 module to load by path (vendor module); repeatable.")
    var modulePaths: [String] = []

    @Flag(name: .customLong("no-registered"), help: "Do not load the modules registered with p11-kit.")
    var noRegistered = false

    /// Loads the modules; a module named with --module that fails ends the
    /// command with exit code 5 and the reason (thrown).
    func load(json: Bool) throws -> ModuleSet {
        let set = ModuleSet.load(paths: modulePaths, includeRegistered: !noRegistered)
        if let failed = set.problems.first(where: \.requested) {
            throw CommandFailure(
                code: failed.code, name: failed.error, message: .init(pl: failed.message, en: failed.message),
                exitCode: PodpisExit.moduleFailed
            ).report(json: json)
        }
        return set
    }
}
