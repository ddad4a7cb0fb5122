import Foundation
import StationAPI

/// Asks the clerk's agent — consent and PIN for a signature, allow/deny for
/// a web page that wants to pair — and waits for the answer.
///
/// The daemon's side of the agent interface: agents subscribe to a stream of
/// questions and answer by id. When several agents of the user are
/// connected, a question goes to the most recently active one (the newest
/// connection, or the last that answered); if that agent goes away, its open
/// questions go to the next. A question nobody answers within the timeout
/// fails with `no-agent`; one whose client goes away is withdrawn and never
/// signed. Only the agent that holds a question may answer it (its id from
/// `hello`, known only to its connection, and the same uid); when another
/// agent registers, the others are told who and on which terminal.
public actor ConsentBroker {
    private struct Pending {
        let question: AgentQuestion
        let continuation: CheckedContinuation<ConsentDecision, any Error>
        let timeout: Task<Void, Never>
        var agent: UUID?
    }

    private struct Agent {
        let continuation: AsyncStream<AgentEvent>.Continuation
        var lastActive: Date
        let identity: AgentIdentity
    }

    private var pending: [String: Pending] = [:]
    private var order: [String] = []
    private var agents: [UUID: Agent] = [:]

    public init() {}

    public var agentCount: Int { agents.count }

    /// The stream an agent reads: `hello` with its id, then its questions.
    /// A new agent is the most recently active one; questions no agent holds
    /// are given to it.
    public func subscribe() -> AsyncStream<AgentEvent> {
        subscribeAgent().events
    }

    /// The same, with the agent's id for ``disconnect(_:)``. The agents
    /// already connected are told that this one registered.
    public func subscribeAgent(_ identity: AgentIdentity = AgentIdentity(uid: nil, pid: nil, terminal: nil)) -> (id: UUID, events: AsyncStream<AgentEvent>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<AgentEvent>.makeStream(bufferingPolicy: .unbounded)
        for agent in agents.values { agent.continuation.yield(.agentRegistered(identity)) }
        agents[id] = Agent(continuation: continuation, lastActive: Date(), identity: identity)
        continuation.onTermination = { _ in Task { await self.removeAgent(id) } }
        continuation.yield(.hello(agent: id.uuidString))
        for requestID in order where pending[requestID]?.agent == nil { deliver(requestID) }
        return (id, stream)
    }

    /// The agent's connection closed: its open questions go to the next agent
    /// at once (not only when a write to the dead connection fails).
    public func disconnect(_ id: UUID) {
        guard let agent = agents[id] else { return }
        agent.continuation.finish()
        removeAgent(id)
    }

    /// The agent did something (answered): it becomes the most recently active.
    public func touch(_ agent: String?) {
        guard let agent, let id = UUID(uuidString: agent), agents[id] != nil else { return }
        agents[id]?.lastActive = Date()
    }

    private func removeAgent(_ id: UUID) {
        agents[id] = nil
        for requestID in order where pending[requestID]?.agent == id {
            pending[requestID]?.agent = nil
            deliver(requestID)
        }
    }

    private var mostRecentAgent: UUID? {
        agents.max { $0.value.lastActive < $1.value.lastActive }?.key
    }

    private func deliver(_ requestID: String) {
        guard let question = pending[requestID]?.question, let target = mostRecentAgent else { return }
        pending[requestID]?.agent = target
        agents[target]?.continuation.yield(.question(question))
    }

    /// Ends every agent's stream (the daemon is stopping).
    public func finishAgents() {
        for agent in agents.values { agent.continuation.finish() }
        agents = [:]
    }

    /// Waits for the clerk's decision on `question`.
    public func ask(_ question: AgentQuestion, timeout: TimeInterval) async throws -> ConsentDecision {
        let id = question.id
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
                pending[id] = Pending(question: question, continuation: continuation, timeout: timer, agent: nil)
                order.append(id)
                deliver(id)
            }
        } onCancel: {
            Task { await self.finish(id, reason: "client-gone", with: .failure(CancellationError())) }
        }
    }

    public enum AnswerResult: Sendable { case accepted, unknown, wrongKind, wrongAgent }

    /// An agent's answer, accepted only from the agent that holds the
    /// question: `agent` is the id from its `hello`, and `uid` (the answering
    /// peer's) must be that agent's. Any other answer leaves the question open.
    public func answer(_ id: String, _ decision: ConsentDecision, from agent: String?, uid: UInt32?) -> AnswerResult {
        guard let held = pending[id] else {
            if case .approve(let pin?) = decision { pin.wipe() }
            return .unknown
        }
        let question = held.question
        guard let holder = held.agent, agent.flatMap(UUID.init(uuidString:)) == holder, let asked = agents[holder],
            asked.identity.uid == uid
        else {
            if case .approve(let pin?) = decision { pin.wipe() }
            return .wrongAgent
        }
        guard decision.answers(question) else {
            if case .approve(let pin?) = decision { pin.wipe() }
            return .wrongKind
        }
        guard let p = take(id) else { return .unknown }
        touch(agent)
        if let holder = p.agent { agents[holder]?.continuation.yield(.withdrawn(id: id, reason: "answered")) }
        p.continuation.resume(returning: decision)
        return .accepted
    }

    private func finish(_ id: String, reason: String, with result: Result<ConsentDecision, any Error>) {
        guard let p = take(id) else { return }
        if let holder = p.agent { agents[holder]?.continuation.yield(.withdrawn(id: id, reason: reason)) }
        p.continuation.resume(with: result)
    }

    private func take(_ id: String) -> Pending? {
        guard let p = pending.removeValue(forKey: id) else { return nil }
        order.removeAll { $0 == id }
        p.timeout.cancel()
        return p
    }
}
