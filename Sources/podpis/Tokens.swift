import ArgumentParser
import Inventory

struct Tokens: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tokeny PKCS#11 (karty, HSM) / PKCS#11 tokens (cards, HSMs).",
        discussion: "Lists the tokens of the modules registered with p11-kit and of modules named with --module, with their PIN state.")

    @OptionGroup var output: OutputOptions
    @OptionGroup var modules: ModuleOptions

    struct Output: Codable {
        let schema: String
        let tokens: [TokenReport]
        let moduleProblems: [ModuleProblem]
    }

    func run() throws {
        let set = try modules.load(json: output.json)
        let tokens = TokenReport.all(in: set.modules)
        if output.json {
            try printJSON(Output(schema: "podpis.tokens/1", tokens: tokens, moduleProblems: set.problems))
            return
        }
        var table = Table("TOKEN", "SERIAL", "MODULE", "SLOT", "PIN", "FLAGS")
        for t in tokens {
            var flags: [String] = []
            if t.flags.loginRequired { flags.append("login") }
            if t.flags.protectedAuthenticationPath { flags.append("pinpad") }
            table.add(t.label, t.serialNumber, t.module.name, t.slot.description, t.pinStatus.rawValue, flags.joined(separator: ","))
        }
        print(tokens.isEmpty ? "Brak tokenów / no tokens." : table.render())
        for problem in set.problems { print("! \(problem.name): \(problem.message)") }
    }
}
