import Blocking
import Dispatch
import Foundation
import Localization
import PKCS11
import Sealing
import StationAPI

/// The seal profiles podpisd serves, and their keys: each opened (logged
/// in) once, when first needed, and shared by the hot folder and every
/// batch of the profile. A PIN the token rejects is remembered and never
/// tried again until podpisd restarts (trying it again would lock the token).
public actor SealKeys {
    /// One `[seal.NAME]` profile, as the station needs it.
    public struct Profile: Sendable {
        public let name: String
        /// 8+ hex digits of the seal certificate's SHA-256.
        public let certificate: String
        public let settings: SealSettings
        /// Logs in and opens the sessions (blocking: PKCS#11 calls).
        public let open: @Sendable () throws -> SealKey

        public init(name: String, certificate: String, settings: SealSettings, open: @escaping @Sendable () throws -> SealKey) {
            self.name = name
            self.certificate = certificate
            self.settings = settings
            self.open = open
        }
    }

    public nonisolated let profiles: [String: Profile]
    private var keys: [String: SealKey] = [:]
    private var opening: [String: Task<SealKey, any Error>] = [:]
    private var refused: [String: any Error] = [:]
    private let opener = BlockingExecutor(label: "podpis.seal.open")

    public init(_ profiles: [Profile]) {
        self.profiles = Dictionary(profiles.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The profile's key, opened if it is not yet. Throws while its token is
    /// away (try again later) or when its PIN was rejected (do not).
    public func key(_ name: String) async throws -> SealKey {
        if let key = keys[name] { return key }
        if let error = refused[name] { throw error }
        guard let profile = profiles[name] else { throw SealBatchProblem.unknownProfile(name, known: profiles.keys.sorted()) }
        if let task = opening[name] { return try await task.value }
        let opener = self.opener
        let task = Task<SealKey, any Error> { try await opener.run { try profile.open() } }
        opening[name] = task
        defer { opening[name] = nil }
        let result = await task.result
        switch result {
        case .success(let key):
            keys[name] = key
            return key
        case .failure(let error):
            if Self.isPINRejection(error) { refused[name] = error }
            throw error
        }
    }

    /// The token said no to the PIN itself (a `CKR_*` of category PIN).
    static func isPINRejection(_ error: any Error) -> Bool {
        guard let error = error as? PKCS11Error, error.returnValue != nil else { return false }
        return error.category == .pin
    }

    /// Logs every open key out (at shutdown).
    public func closeAll() {
        for key in keys.values { key.close() }
        keys.removeAll()
    }
}
