import Localization
import PKCS11

/// What one slot of a module showed: its token's description, or the error
/// the module gave for it.
struct SlotObservation: Sendable {
    let slot: Slot
    let slotInfo: SlotInfo?
    let tokenInfo: TokenInfo?
    let error: PKCS11Error?
}

/// The slots with a token of one loaded module (C_GetSlotList, C_GetSlotInfo,
/// C_GetTokenInfo), under a time limit: a module talking to a card that never
/// answers blocks here.
struct TokenListing {
    static let name = "module-slots"
    let module: Module
    let path: String
    let limit: Double

    func run() -> (finding: Finding?, slots: [SlotObservation]) {
        let module = self.module
        let result = TimeLimited.run(limit, name: "module-slots") { () throws(PKCS11Error) -> [SlotObservation] in
            try module.slots(withTokenOnly: true).map { slot in
                let slotInfo = try? slot.info()
                do throws(PKCS11Error) {
                    return SlotObservation(slot: slot, slotInfo: slotInfo, tokenInfo: try slot.tokenInfo(), error: nil)
                } catch {
                    return SlotObservation(slot: slot, slotInfo: slotInfo, tokenInfo: nil, error: error)
                }
            }
        }
        switch result {
        case .timedOut(let seconds):
            return (Finding.timeout(
                Self.name, component: messages.text("module-slots.component", ["path": path]),
                seconds: seconds, fix: ModuleLoadCheck.hangFix), [])
        case .finished(.failure(let error), let seconds):
            return (Finding.problem(Self.name, messages.finding("module-slots-failed", ["path": path, "error": error.name]), details: ["path": path, "C_GetSlotList": error.name]).timed(seconds), [])
        case .finished(.success(let slots), _):
            return (nil, slots)
        }
    }
}
