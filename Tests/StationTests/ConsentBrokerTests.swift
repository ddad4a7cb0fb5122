import Audit
import Foundation
import StationAPI
import XCTest

@testable import Station

/// The consent broker in process: a question goes to the most recently
/// active agent and only that agent may answer it; an answer of the wrong
/// kind leaves it open; an agent that goes away hands its questions to the
/// next; a question nobody answers fails `no-agent`; a requester that goes
/// away withdraws its question at the agent.
final class ConsentBrokerTests: XCTestCase {
    func pairing(_ id: String) -> AgentQuestion {
        .pairing(PairingRequest(id: id, requester: Requester(transport: .tcp, origin: "https://ezd.example.gov.pl"), application: "EZD"))
    }

    /// An agent's stream read on a task of its own; `next` waits a bounded time.
    actor Events {
        private var seen: [AgentEvent] = []
        private var taken = 0

        init(_ stream: AsyncStream<AgentEvent>) {
            Task { await self.read(stream) }
        }

        private func read(_ stream: AsyncStream<AgentEvent>) async {
            for await event in stream { seen.append(event) }
        }

        /// The next event not yet taken, or nil after `seconds`.
        func next(within seconds: Double = 5) async -> AgentEvent? {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if taken < seen.count {
                    taken += 1
                    return seen[taken - 1]
                }
                try? await Task.sleep(for: .milliseconds(5))
            }
            return nil
        }
    }

    func hello(_ event: AgentEvent?) throws -> String {
        guard case .hello(let agent)? = event else { throw XCTSkip("expected hello, got \(String(describing: event))") }
        return agent
    }

    func testOnlyTheAgentHoldingTheQuestionMayAnswerIt() async throws {
        let broker = ConsentBroker()
        let (_, events) = await broker.subscribeAgent(AgentIdentity(uid: 1000, pid: nil, terminal: "/dev/pts/1"))
        let iterator = Events(events)
        let agent = try hello(await iterator.next())
        let question = pairing("p-1")
        let asking = Task { try await broker.ask(question, timeout: 30) }
        guard case .question(let delivered)? = await iterator.next() else { return XCTFail("no question delivered") }
        XCTAssertEqual(delivered.id, "p-1")

        let otherAgentsID = UUID().uuidString
        var result = await broker.answer("p-1", .allowOnce, from: otherAgentsID, uid: 1000)
        XCTAssertEqual("\(result)", "wrongAgent")
        result = await broker.answer("p-1", .allowOnce, from: agent, uid: 1001)
        XCTAssertEqual("\(result)", "wrongAgent", "the holder's id from another uid")
        result = await broker.answer("p-1", .approve(pin: nil), from: agent, uid: 1000)
        XCTAssertEqual("\(result)", "wrongKind", "a signature's answer to a pairing")
        result = await broker.answer("p-1", .allowAlways, from: agent, uid: 1000)
        XCTAssertEqual("\(result)", "accepted")
        guard case .allowAlways = try await asking.value else { return XCTFail("the asker got another decision") }
        result = await broker.answer("p-1", .refuse, from: agent, uid: 1000)
        XCTAssertEqual("\(result)", "unknown", "answered once")
    }

    func testAQuestionNobodyAnswersFailsNoAgent() async throws {
        let broker = ConsentBroker()
        do {
            _ = try await broker.ask(pairing("p-2"), timeout: 0.2)
            XCTFail("answered without an agent")
        } catch let problem as StationProblem {
            XCTAssertEqual(problem.code, StationProblem.noAgent.code)
            XCTAssertEqual(problem.kind, .unavailable)
        }
    }

    func testTheNewestAgentIsAskedAndItsQuestionsMoveOnWhenItLeaves() async throws {
        let broker = ConsentBroker()
        let (_, first) = await broker.subscribeAgent(AgentIdentity(uid: 1000, pid: nil, terminal: "/dev/pts/1"))
        let firstEvents = Events(first)
        _ = try hello(await firstEvents.next())
        let (secondID, second) = await broker.subscribeAgent(AgentIdentity(uid: 1000, pid: nil, terminal: "/dev/pts/2"))
        let secondEvents = Events(second)
        guard case .agentRegistered(let other)? = await firstEvents.next() else { return XCTFail("the first agent was not told") }
        XCTAssertEqual(other.terminal, "/dev/pts/2")
        _ = try hello(await secondEvents.next())

        let question = pairing("p-3")
        let asking = Task { try await broker.ask(question, timeout: 30) }
        guard case .question(let delivered)? = await secondEvents.next() else { return XCTFail("the newest agent was not asked") }
        XCTAssertEqual(delivered.id, "p-3")
        await broker.disconnect(secondID)
        guard case .question(let moved)? = await firstEvents.next() else { return XCTFail("the question did not move on") }
        XCTAssertEqual(moved.id, "p-3")
        asking.cancel()
        _ = try? await asking.value
    }

    func testARequesterThatGoesAwayWithdrawsItsQuestion() async throws {
        let broker = ConsentBroker()
        let (_, events) = await broker.subscribeAgent(AgentIdentity(uid: 1000, pid: nil, terminal: nil))
        let iterator = Events(events)
        _ = try hello(await iterator.next())
        let question = pairing("p-4")
        let asking = Task { try await broker.ask(question, timeout: 30) }
        guard case .question? = await iterator.next() else { return XCTFail("no question") }
        asking.cancel()
        guard case .withdrawn(let id, let reason)? = await iterator.next() else { return XCTFail("not withdrawn at the agent") }
        XCTAssertEqual(id, "p-4")
        XCTAssertEqual(reason, "client-gone")
        do {
            _ = try await asking.value
            XCTFail("a withdrawn question was answered")
        } catch is CancellationError {}
    }
}
