import ArgumentParser
import Inventory
import SmartCard

struct Readers: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Czytniki kart i karty w nich / smart card readers and their cards.",
        discussion: "Shows each PC/SC reader, whether a card is in it, the card's ATR, protocol and name, and the PKCS#11 module the card needs.")

    @OptionGroup var output: OutputOptions

    struct Output: Codable {
        let schema: String
        let readers: [ReaderReport]
    }

    func run() throws {
        let readers: [ReaderReport]
        do { readers = try ReaderReport.all() } catch { throw CommandFailure(error).report(json: output.json) }
        if readers.isEmpty {
            throw CommandFailure(PCSCError(rawValue: PCSCError.Code.noReadersAvailable, function: "SCardListReaders"))
                .report(json: output.json)
        }
        if output.json {
            try printJSON(Output(schema: "podpis.readers/1", readers: readers))
            return
        }
        var table = Table("READER", "STATE", "ATR", "CARD", "MODULE")
        for r in readers {
            table.add(
                r.name, r.state.rawValue + (r.activeProtocol.map { " \($0.rawValue)" } ?? ""), r.atr?.hex ?? "-",
                r.card.map { $0.name ?? "nieznana karta / unknown card" } ?? "-", r.card?.module?.name ?? "-")
        }
        print(table.render())
    }
}
