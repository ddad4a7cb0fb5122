import Foundation
import PKCS11
import Synchronization

extension Station {
    /// The station's last act before the process ends (podpisd after its
    /// services stopped): every cached login ends (C_Logout on the token's
    /// own thread, in its turn behind any request still there), then every
    /// module is finalised (C_Finalize). Each step has `seconds` at most: a
    /// card that does not answer is left to the end of the process. Returns
    /// whether everything finished in time.
    public func close(within seconds: Double = 5) async -> Bool {
        let workers = await workers.all
        let loggedOut = await Self.within(seconds) {
            await withTaskGroup(of: Void.self) { group in
                for worker in workers {
                    group.addTask {
                        _ = try? await worker.gate.withTurn { try await worker.perform { worker.endCachedLogin() } }
                    }
                }
            }
        }
        // C_Finalize only when no token call can still be running.
        guard loggedOut else { return false }
        let modules = modules.modules
        return await Self.within(seconds) {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                Thread.detachNewThread {
                    for module in modules { module.finalize() }
                    continuation.resume()
                }
            }
        }
    }

    /// Runs `body`, waiting for it `seconds` at most (it goes on in the
    /// background after that); whether it finished in time.
    static func within(_ seconds: Double, _ body: @escaping @Sendable () async -> Void) async -> Bool {
        let first = FirstAnswer()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            Task {
                await body()
                if first.claim() { continuation.resume(returning: true) }
            }
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                if first.claim() { continuation.resume(returning: false) }
            }
        }
    }
}

/// One of several racers may answer.
private final class FirstAnswer: Sendable {
    private let taken = Atomic<Bool>(false)
    func claim() -> Bool { !taken.exchange(true, ordering: .acquiringAndReleasing) }
}
