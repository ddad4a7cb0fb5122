import Foundation
import Inventory
import PKCS11
import SmartCard

extension Station {
    /// Watches readers and cards (PC/SC) and tokens (PKCS#11 slot lists, every
    /// `tokenPoll`) and publishes what changes, until the task is cancelled.
    public func watch(tokenPoll: Duration = .seconds(1)) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.watchReaders() }
            group.addTask { await self.watchTokens(every: tokenPoll) }
        }
    }

    func watchReaders() async {
        let monitor = ReaderMonitor()
        await withTaskCancellationHandler {
            for await event in monitor {
                switch event {
                case .readerAppeared(let status):
                    await events.publish("reader-appeared", ["reader": status.name, "state": status.presence.rawValue])
                    if let atr = status.atr, status.presence != .empty {
                        await events.publish("card-inserted", ["reader": status.name, "atr": atr.hex])
                    }
                case .readerVanished(let name):
                    await events.publish("reader-vanished", ["reader": name])
                case .cardInserted(let reader, let atr):
                    await events.publish("card-inserted", ["reader": reader, "atr": atr?.hex ?? ""])
                case .cardRemoved(let reader):
                    await events.publish("card-removed", ["reader": reader])
                case .cardStateChanged:
                    continue
                case .serviceLost(let error):
                    await events.publish("pcsc-lost", ["code": error.code, "message": error.message.en])
                case .serviceRestored:
                    await events.publish("pcsc-restored", [:])
                }
            }
        } onCancel: {
            monitor.stop()
        }
    }

    func watchTokens(every interval: Duration) async {
        var known: [String: [String: String]] = [:]
        let modules = self.modules.modules
        while !Task.isCancelled {
            let now: [String: [String: String]]
            do {
                now = try await onInventory {
                    var found: [String: [String: String]] = [:]
                    for module in modules {
                        for token in (try? module.tokens()) ?? [] {
                            let data = ["token": token.info.label, "serial": token.info.serialNumber, "module": module.name]
                            found["\(module.path)|\(token.info.serialNumber)|\(token.info.label)"] = data
                        }
                    }
                    return found
                }
            } catch {
                now = known
            }
            for (key, data) in now where known[key] == nil { await events.publish("token-appeared", data) }
            for (key, data) in known where now[key] == nil { await events.publish("token-vanished", data) }
            known = now
            try? await Task.sleep(for: interval)
        }
    }
}
