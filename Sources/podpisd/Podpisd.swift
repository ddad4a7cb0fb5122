import ArgumentParser
import Foundation
import Logging
import SmartCard

/// The signing daemon. In this first version it watches readers and cards and
/// logs what happens; the localhost protocol comes with the daemon issue.
@main
struct Podpisd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "podpisd",
        abstract: "Podpis daemon: watches readers and cards (the localhost API is not served yet).",
        version: "0.1.0")

    @Option(help: "Stop after this many seconds (for tests); default: run until stopped.")
    var seconds: Double?

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "podpisd")
        let monitor = ReaderMonitor()
        logger.info("podpisd started; watching PC/SC readers")
        if let seconds {
            Task {
                try await Task.sleep(for: .seconds(seconds))
                monitor.stop()
            }
        }
        for await event in monitor {
            switch event {
            case .readerAppeared(let status):
                logger.info("reader appeared", metadata: ["reader": "\(status.name)", "state": "\(status.presence.rawValue)"])
            case .readerVanished(let name):
                logger.info("reader vanished", metadata: ["reader": "\(name)"])
            case .cardInserted(let reader, let atr):
                logger.info("card inserted", metadata: ["reader": "\(reader)", "atr": "\(atr?.hex ?? "-")"])
            case .cardRemoved(let reader):
                logger.info("card removed", metadata: ["reader": "\(reader)"])
            case .cardStateChanged(let status):
                logger.info("card state", metadata: ["reader": "\(status.name)", "state": "\(status.presence.rawValue)"])
            case .serviceLost(let error):
                logger.warning("pcscd unavailable: \(error.message)", metadata: ["code": "\(error.code)"])
            case .serviceRestored:
                logger.info("pcscd available again")
            }
        }
    }
}
