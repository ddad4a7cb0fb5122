import Foundation

/// Asks the clerk's agent for consent and the PIN, and waits for the answer.
///
/// The daemon's side of the agent interface: agents subscribe to a stream of
/// requests (pending ones are replayed to a new agent) and answer by id. A
/// request nobody answers within the timeout fails with `no-agent`; one whose
/// client goes away is withdrawn from the agents and never signed.
public actor ConsentBroker {
    private struct Pending {
        let request: ConsentRequest
        let continuation: CheckedContinuation<ConsentDecision, any Error>
        let timeout: Task<Void, Never>
    }

    private var pending: [String: Pending] = [:]
    private var order: [String] = []
    private var agents: [UUID: AsyncStream<AgentEvent>.Continuation] = [:]

    public init() {}

    public var agentCount: Int { agents.count }

    /// The stream an agent reads; pending requests first.
    public func subscribe() -> AsyncStream<AgentEvent> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<AgentEvent>.makeStream(bufferingPolicy: .unbounded)
        agents[id] = continuation
        continuation.onTermination = { _ in Task { await self.removeAgent(id) } }
        for requestID in order { if let p = pending[requestID] { continuation.yield(.consent(p.request)) } }
        return stream
    }

    private func removeAgent(_ id: UUID) { agents[id] = nil }

    /// Ends every agent's stream (the daemon is stopping).
    public func finishAgents() {
        for agent in agents.values { agent.finish() }
        agents = [:]
    }

    /// Waits for the clerk's decision on `request`.
    public func ask(_ request: ConsentRequest, timeout: TimeInterval) async throws -> ConsentDecision {
        let id = request.id
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ConsentDecision, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                let timer = Task { [weak self] in
                    try? await Task.sleep(for: .seconds(timeout))
                    guard !Task.isCancelled else { return }
                    await self?.finish(id, reason: "timeout", with: .failure(StationProblem.noAgent))
                }
                pending[id] = Pending(request: request, continuation: continuation, timeout: timer)
                order.append(id)
                for agent in agents.values { agent.yield(.consent(request)) }
            }
        } onCancel: {
            Task { await self.finish(id, reason: "client-gone", with: .failure(CancellationError())) }
        }
    }

    /// An agent's answer; false when the request is unknown or already gone.
    public func answer(_ id: String, _ decision: ConsentDecision) -> Bool {
        guard let p = take(id) else {
            if case .approve(let pin?) = decision { pin.wipe() }
            return false
        }
        for agent in agents.values { agent.yield(.withdrawn(id: id, reason: "answered")) }
        p.continuation.resume(returning: decision)
        return true
    }

    private func finish(_ id: String, reason: String, with result: Result<ConsentDecision, any Error>) {
        guard let p = take(id) else { return }
        for agent in agents.values { agent.yield(.withdrawn(id: id, reason: reason)) }
        p.continuation.resume(with: result)
    }

    private func take(_ id: String) -> Pending? {
        guard let p = pending.removeValue(forKey: id) else { return nil }
        order.removeAll { $0 == id }
        p.timeout.cancel()
        return p
    }
}
