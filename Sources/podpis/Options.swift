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

    func load() -> ModuleSet {
        ModuleSet.load(paths: modulePaths, includeRegistered: !noRegistered)
    }
}
