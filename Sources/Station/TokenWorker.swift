import Blocking
import Dispatch
import Foundation
import Inventory
import Synchronization

/// One per token: its FIFO of requests, its own thread for PKCS#11 calls,
/// which block while a card computes (nothing else ever waits on them), and
/// the cached login: a login left open after a PIN for `pin_cache_seconds`
/// when the certificate's policy allows it.
public final class TokenWorker: Sendable {
    /// `module path|serial|label`: stable while the token is plugged in.
    public let key: String
    public let label: String
    public let gate = FIFOGate()
    private let executor: BlockingExecutor
    private let login = Mutex<CachedLogin?>(nil)

    /// A token left logged in for one certificate until a time.
    struct CachedLogin: @unchecked Sendable {
        let key: SigningKey
        let certificate: String
        let until: Date
    }

    init(key: String, label: String) {
        self.key = key
        self.label = label
        executor = BlockingExecutor(label: "podpis.token.\(label)")
    }

    /// Runs a blocking call on the token's thread.
    public func perform<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await executor.run(body)
    }

    // MARK: The cached login (call on the token's thread, holding the gate)

    /// The cached login for `certificate` if it is still valid; any other
    /// cached login is ended (logged out) first, so that a PIN is asked afresh.
    /// (`evenIfExpired`: the clerk approved while it was valid.)
    func cachedLogin(for certificate: String, evenIfExpired: Bool = false) -> CachedLogin? {
        login.withLock { entry -> CachedLogin? in
            guard let current = entry else { return nil }
            if current.certificate == certificate, evenIfExpired || current.until > Date(), current.key.session.isLoggedIn { return current }
            _ = try? current.key.session.logout()
            entry = nil
            return nil
        }
    }

    /// Caches the login of `key` until `until`, then logs it out (holding
    /// the gate, so never in the middle of a request).
    func cacheLogin(_ key: SigningKey, certificate: String, until: Date) {
        login.withLock { $0 = CachedLogin(key: key, certificate: certificate, until: until) }
        Task { [weak self] in
            try? await Task.sleep(for: .seconds(max(0, until.timeIntervalSinceNow)))
            guard let self else { return }
            _ = try? await self.gate.withTurn { try await self.perform { self.endCachedLogin(ifUntil: until) } }
        }
    }

    /// Logs out a cached login (the one that ends at `until`, or any).
    @discardableResult
    func endCachedLogin(ifUntil until: Date? = nil) -> Bool {
        login.withLock { entry -> Bool in
            guard let current = entry, until == nil || current.until == until else { return false }
            _ = try? current.key.session.logout()
            entry = nil
            return true
        }
    }
}
