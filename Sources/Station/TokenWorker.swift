import Dispatch
import Foundation

/// One per token: its FIFO of requests and its own thread for PKCS#11 calls,
/// which block while a card computes; nothing else ever waits on them.
public final class TokenWorker: Sendable {
    /// `module path|serial|label`: stable while the token is plugged in.
    public let key: String
    public let label: String
    public let gate = FIFOGate()
    private let queue: DispatchQueue

    init(key: String, label: String) {
        self.key = key
        self.label = label
        queue = DispatchQueue(label: "podpis.token.\(label)")
    }

    /// Runs a blocking call on the token's thread.
    public func perform<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
        }
    }
}
