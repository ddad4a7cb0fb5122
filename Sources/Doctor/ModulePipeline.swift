import Foundation
import PKCS11

/// A PKCS#11 module to look at, from the configuration, the command line or
/// p11-kit's registry.
struct ModuleCandidate: Sendable, Hashable {
    var name: String
    var path: String
    /// The file's real path (symbolic links resolved), for matching.
    var realPath: String
    var configured: Bool
    var registered: Bool
}

/// A token as one module showed it, with its objects (when read).
struct TokenObservation: Sendable {
    let slot: Slot
    let slotInfo: SlotInfo?
    let info: TokenInfo
    var findings: [Finding]
    var objects: TokenObjectsCheck.Objects?
}

/// What one module showed, step by step.
struct ModuleObservation: Sendable {
    let candidate: ModuleCandidate
    var findings: [Finding] = []
    var loaded = false
    var tokens: [TokenObservation] = []
    /// Slots whose token the module could not describe (C_GetTokenInfo failed).
    var slotErrors: [SlotObservation] = []
}

/// One module's checks in order, each under its limit: the file, loading
/// and C_Initialize, the slot list, then the objects of each wanted token.
/// Stops at the first step that fails.
struct ModulePipeline {
    let candidate: ModuleCandidate
    let limits: TimeLimits
    /// Whether a token is in focus (`--reader`, `--token`).
    let wanted: @Sendable (TokenInfo, SlotInfo?) -> Bool

    func run() -> ModuleObservation {
        var observation = ModuleObservation(candidate: candidate)
        let file = ModuleFileCheck(path: candidate.path).run()
        observation.findings.append(file)
        guard file.outcome == .ok else { return observation }
        let (loadFinding, loaded) = ModuleLoadCheck(path: candidate.path, limit: limits.module).run()
        observation.findings.append(loadFinding)
        guard let module = loaded else { return observation }
        observation.loaded = true
        let (listFinding, slots) = TokenListing(module: module, path: candidate.path, limit: limits.module).run()
        if let listFinding {
            observation.findings.append(listFinding)
            return observation
        }
        for slot in slots {
            guard let info = slot.tokenInfo else {
                if slot.error != nil { observation.slotErrors.append(slot) }
                continue
            }
            // SoftHSM and some HSMs show an empty, uninitialised token: not one to sign with.
            guard info.flags.contains(.tokenInitialized), wanted(info, slot.slotInfo) else { continue }
            var token = TokenObservation(slot: slot.slot, slotInfo: slot.slotInfo, info: info, findings: [], objects: nil)
            let (finding, objects) = TokenObjectsCheck(slot: slot.slot, label: info.label, limit: limits.token).run()
            if let finding { token.findings.append(finding) }
            token.objects = objects
            observation.tokens.append(token)
            if case .timedOut = objects { break }  // the module hangs: its other tokens would too
        }
        // Keep the module (and its function list) alive for as long as this process runs:
        // finalising it while another thread may still be blocked in it is unsafe.
        ModuleKeeper.shared.keep(module)
        return observation
    }
}

/// Holds loaded modules until the process ends (`podpis doctor` ends with
/// `_exit`, without finalising them).
final class ModuleKeeper: @unchecked Sendable {
    static let shared = ModuleKeeper()
    private let lock = NSLock()
    private var modules: [Module] = []
    func keep(_ module: Module) { lock.withLock { modules.append(module) } }
}
