import SignatureAlgorithms
import Blocking
import Dispatch
import Foundation
import Inventory
import PKCS11
import QualifiedCertificates
import Synchronization

/// The seal's key on its token, logged in once and kept logged in, with
/// several sessions (the profile's `sessions`) that sign in parallel, each on its own thread
/// (C_Sign blocks; a session is used by one thread at a time) at the
/// profile's `signing_nice` (a ``BlockingExecutor`` of kind `.thread(nice:)`;
/// its threads are named `podpis.lane0`…, "lane" being the thread of a session).
///
/// When the token goes away (pulled, HSM restarted, login lost) a signature
/// throws ``SealError/tokenLost(_:)``; ``reopen()`` finds the token again
/// and logs in with a fresh PIN from the source.
public final class SealKey: Sendable {
    /// One of the key's sessions and the thread that signs on it.
    struct SigningSession: @unchecked Sendable {
        let session: Session
        let thread: BlockingExecutor
    }

    struct Opened: @unchecked Sendable {
        let token: Token
        let sessions: [SigningSession]
        let key: PrivateKeyObject
        /// The token's login, kept from the station's logouts (``LoginHold``).
        let hold: LoginHold
    }

    public let certificateDER: [UInt8]
    public let facts: CertificateFacts
    public let tokenLabel: String
    let modules: [Module]
    let pin: SealPINSource
    let sessionCount: Int
    /// The nice asked for the sessions' threads.
    public let signingNice: Int32
    private let state: Mutex<Opened?>
    /// How many times the key was opened; a loss seen on an older opening
    /// does not reopen the newer one.
    private let opening = Mutex(0)
    private let recovering = Mutex<Task<Void, Never>?>(nil)
    private let refused = Mutex<SealError?>(nil)
    /// Reopens after a lost key handle, one at a time.
    private let reopener = BlockingExecutor(label: "podpis.seal.reopen")
    private let failedReopen = Mutex<(generation: Int, at: Date)?>(nil)

    /// Set when the token rejected the seal PIN on a reopen: nothing is
    /// retried with it.
    public var loginRefused: SealError? { refused.withLock { $0 } }

    /// Finds the certificate (8+ hex digits of its SHA-256) with its private
    /// key, logs in once with a PIN from `pin`, opens `sessions` sessions,
    /// each signing on its own thread at `nice` (when the process may).
    public init(certificate: String, modules: [Module], sessions: Int, nice: Int32 = 0, pin: SealPINSource) throws {
        self.modules = modules
        self.pin = pin
        self.sessionCount = max(1, sessions)
        self.signingNice = nice
        let (opened, der, facts) = try Self.open(certificate: certificate.lowercased(), modules: modules, sessions: sessionCount, nice: nice, pin: pin)
        certificateDER = der
        self.facts = facts
        tokenLabel = opened.token.info.label
        state = Mutex(opened)
    }

    /// How many sessions sign in parallel (the profile's `sessions`).
    public var sessions: Int { sessionCount }

    /// The key's type and size decide the signature algorithm.
    public var key: PrivateKeyObject? { state.withLock { $0?.key } }

    private static func open(certificate: String, modules: [Module], sessions count: Int, nice: Int32, pin: SealPINSource) throws -> (Opened, [UInt8], CertificateFacts) {
        for module in modules {
            for token in (try? module.tokens()) ?? [] {
                guard let probe = try? token.slot.openSession(), let certificates = try? probe.certificates() else { continue }
                guard let found = certificates.first(where: { (try? CertificateFacts(der: $0.der))?.sha256.hasPrefix(certificate) == true }),
                    let facts = try? CertificateFacts(der: found.der)
                else { continue }
                let first = try token.slot.openSession()
                if token.info.loginRequired && !first.isLoggedIn {
                    let secret = try pin.read()
                    do {
                        try first.login(pin: secret)
                    } catch {
                        throw error.withTriesLeft(of: token)
                    }
                }
                // The same certificate may show on several tokens of a card
                // (OpenPGP: one per PIN); the key is on one of them.
                guard let pair = try first.certificatesWithKeys().first(where: { $0.certificate.der == found.der }), let key = pair.key else {
                    continue
                }
                var sessions = [first]
                while sessions.count < count { sessions.append(try token.slot.openSession()) }
                let opened = Opened(
                    token: token,
                    sessions: sessions.enumerated().map { SigningSession(session: $1, thread: BlockingExecutor(label: "podpis.lane\($0)", .thread(nice: nice))) },
                    key: key, hold: token.slot.holdLogin())
                return (opened, found.der, facts)
            }
        }
        throw SealError.certificateNotFound(certificate)
    }

    /// Whether every session's thread runs at ``signingNice`` (false: the
    /// process may not lower a nice; systemd's `LimitNICE=` allows it).
    public var signingNiceGranted: Bool {
        state.withLock { $0?.sessions.allSatisfy(\.thread.niceGranted) ?? false }
    }

    /// Which opening of the key is current.
    public var generation: Int { opening.withLock { $0 } }

    /// Signs a digest on session number `session` (on its own thread).
    ///
    /// A key handle the token no longer knows (`CKR_OBJECT_HANDLE_INVALID`,
    /// `CKR_KEY_HANDLE_INVALID`: the token was logged out or reloaded under
    /// the key) is found again by reopening the key once, and the signature
    /// made again; a key no longer on the token fails the document with that
    /// code (``reopenAfterHandleLoss(_:)``).
    func sign(digest: [UInt8], algorithm: SignatureAlgorithm, session: Int) async throws -> [UInt8] {
        do {
            return try await signOnce(digest: digest, algorithm: algorithm, session: session)
        } catch let loss as HandleLoss {
            guard await reopenAfterHandleLoss(loss.generation) else { throw loss.error }
            do {
                return try await signOnce(digest: digest, algorithm: algorithm, session: session)
            } catch let again as HandleLoss {
                throw again.error
            }
        }
    }

    /// A key handle lost on opening `generation`.
    struct HandleLoss: Error {
        let error: PKCS11Error
        let generation: Int
    }

    private func signOnce(digest: [UInt8], algorithm: SignatureAlgorithm, session: Int) async throws -> [UInt8] {
        let (opened, generation) = state.withLock { ($0, opening.withLock { $0 }) }
        guard let opened else { throw SealError.tokenLost("not open", generation: generation) }
        let chosen = opened.sessions[session % opened.sessions.count]
        let key = opened.key
        let source = pin
        return try await chosen.thread.run {
            do {
                return try chosen.session.sign(digest: digest, with: key, algorithm: algorithm) { () throws(PKCS11Error) -> SecretPIN? in
                    do { return try source.read() } catch { throw PKCS11Error(.unsupportedAlgorithm("no PIN for CKA_ALWAYS_AUTHENTICATE"), function: "C_Login") }
                }
            } catch let error as PKCS11Error where error.isTokenLoss {
                throw SealError.tokenLost(error.description, generation: generation)
            } catch let error as PKCS11Error where error.isHandleLoss {
                throw HandleLoss(error: error, generation: generation)
            } catch let error as PKCS11Error where error.mayBeTokenLoss && Self.gone(opened, session: chosen) {
                // A card pulled mid-C_Sign may give CKR_GENERAL_ERROR
                // (OpenSC): when the token or its login is gone, it is a loss.
                throw SealError.tokenLost(error.description, generation: generation)
            }
        }
    }

    /// After a key handle was lost on opening `generation`: opens the key
    /// again (one attempt at a time, on ``reopener``), keeping the current
    /// opening when the key is not found. True when a newer opening is
    /// there to sign with. A failed attempt is not repeated for a second,
    /// so that the documents of a key deleted from the token fail quickly.
    func reopenAfterHandleLoss(_ generation: Int) async -> Bool {
        await reopener.run { [self] () -> Bool in
            if self.generation != generation { return true }
            if let failed = failedReopen.withLock({ $0 }), failed.generation == generation, Date().timeIntervalSince(failed.at) < 1 { return false }
            do {
                try openAgain()
                return true
            } catch {
                failedReopen.withLock { $0 = (generation, Date()) }
                return false
            }
        }
    }

    /// Whether the token of `opened` is away, or its session no longer logged in.
    /// The module may notice a pulled card only a moment after the failed
    /// call, so it is asked for up to two seconds (on the session's thread).
    static func gone(_ opened: Opened, session chosen: SigningSession) -> Bool {
        for _ in 0..<10 {
            guard let slot = try? opened.token.slot.info(), slot.tokenPresent else { return true }
            if opened.token.info.loginRequired && !chosen.session.isLoggedIn { return true }
            usleep(200_000)
        }
        return false
    }

    /// Drops the old sessions and opens the token again (it came back, or
    /// its login was lost). Throws while it is still away.
    public func reopen() throws {
        state.withLock { $0 = nil }
        try openAgain()
    }

    /// Opens the key anew and makes that opening the current one (the old
    /// one stays until then: a failure leaves it in place).
    private func openAgain() throws {
        let (opened, der, _) = try Self.open(certificate: Self.hex(certificateDER), modules: modules, sessions: sessionCount, nice: signingNice, pin: pin)
        guard der == certificateDER else { throw SealError.certificateNotFound(facts.sha256) }
        state.withLock { $0 = opened }
        opening.withLock { $0 += 1 }
    }

    /// After a loss seen on opening `generation`: reopens the key, trying
    /// every `retryEvery` until the token is back (one attempt at a time,
    /// shared by every batch on this key). Returns at once when the key was
    /// already reopened since.
    ///
    /// A PIN the token rejects is never tried again (that would lock it):
    /// ``loginRefused`` says why, and the key waits, paused, until podpisd
    /// is restarted with a right PIN source.
    public func recover(after generation: Int?, retryEvery: Duration = .seconds(1)) async {
        if let generation, generation != self.generation { return }
        let task = recovering.withLock { current -> Task<Void, Never> in
            if let current { return current }
            let task = Task.detached { [self] in
                while !Task.isCancelled {
                    if refused.withLock({ $0 }) == nil {
                        do {
                            try reopen()
                            break
                        } catch let error as PKCS11Error where error.isPINRejection {
                            refused.withLock { $0 = SealError.pinRejected(error) }
                        } catch {}
                    }
                    try? await Task.sleep(for: retryEvery)
                }
                recovering.withLock { $0 = nil }
            }
            current = task
            return task
        }
        await task.value
    }

    /// Logs out and closes every session.
    public func close() {
        state.withLock { opened in
            opened?.hold.release()
            _ = try? opened?.sessions.first?.session.logout()
            opened = nil
        }
    }

    static func hex(_ der: [UInt8]) -> String {
        (try? CertificateFacts(der: der))?.sha256 ?? ""
    }
}
