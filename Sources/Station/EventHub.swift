import Foundation

/// One event of GET /v1/events (Server-Sent Events).
public struct StationEvent: Sendable, Codable, Hashable {
    public let id: Int
    /// reader-appeared, card-inserted, token-vanished, request-finished, …
    public let name: String
    public let data: [String: String]
}

/// Fans events out to every subscriber; a slow subscriber loses its oldest
/// events rather than holding anyone up.
public actor EventHub {
    private var subscribers: [UUID: AsyncStream<StationEvent>.Continuation] = [:]
    private var nextID = 0

    public init() {}

    public var subscriberCount: Int { subscribers.count }

    public func subscribe() -> AsyncStream<StationEvent> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<StationEvent>.makeStream(bufferingPolicy: .bufferingNewest(1000))
        subscribers[id] = continuation
        continuation.onTermination = { _ in Task { await self.remove(id) } }
        return stream
    }

    private func remove(_ id: UUID) { subscribers[id] = nil }

    public func publish(_ name: String, _ data: [String: String]) {
        nextID += 1
        let event = StationEvent(id: nextID, name: name, data: data)
        for continuation in subscribers.values { continuation.yield(event) }
    }

    public func finish() {
        for continuation in subscribers.values { continuation.finish() }
        subscribers = [:]
    }
}
