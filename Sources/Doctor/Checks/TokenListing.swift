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
        let result = TimeLimited.run(limit, name: "module-slots") { () -> Swift.Result<[SlotObservation], PKCS11Error> in
            do throws(PKCS11Error) {
                let slots = try module.slots(withTokenOnly: true)
                return .success(slots.map { slot in
                    let slotInfo = try? slot.info()
                    do throws(PKCS11Error) {
                        return SlotObservation(slot: slot, slotInfo: slotInfo, tokenInfo: try slot.tokenInfo(), error: nil)
                    } catch {
                        return SlotObservation(slot: slot, slotInfo: slotInfo, tokenInfo: nil, error: error)
                    }
                })
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .timedOut(let seconds):
            return (Finding.timeout(
                Self.name, component: ClerkText(pl: "Moduł PKCS#11 \(path) (lista tokenów)", en: "PKCS#11 module \(path) (token list)"),
                seconds: seconds, fix: ModuleLoadCheck.hangFix), [])
        case .finished(.failure(let error), let seconds):
            return (Finding.problem(
                Self.name, "module-slots-failed",
                found: ClerkText(
                    pl: "Moduł \(path) nie podaje listy gniazd: C_GetSlotList zwraca \(error.name).",
                    en: "Module \(path) does not give its slot list: C_GetSlotList returns \(error.name)."),
                why: ClerkText(pl: "Bez listy gniazd żaden token tego modułu nie jest widoczny.", en: "Without its slot list no token of this module can be seen."),
                fix: ClerkText(
                    pl: "Odłącz i podłącz czytnik lub token, potem sprawdź ponownie; jeśli błąd wraca, zainstaluj ponownie oprogramowanie producenta.",
                    en: "Unplug and replug the reader or token and check again; if the error comes back, reinstall the maker's software."),
                details: ["path": path, "C_GetSlotList": error.name]).timed(seconds), [])
        case .finished(.success(let slots), _):
            return (nil, slots)
        }
    }
}
