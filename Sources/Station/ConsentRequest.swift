import Foundation
import Localization
import StationAPI

/// What the clerk is asked.
public enum AgentQuestion: Sendable {
    case signature(ConsentRequest)
    case pairing(PairingRequest)

    public var id: String {
        switch self {
        case .signature(let request): return request.id
        case .pairing(let request): return request.id
        }
    }
}

/// The clerk's answer.
public enum ConsentDecision: Sendable {
    /// Approved; the PIN (nil for a pinpad reader or a token already logged in).
    case approve(pin: SecretPINBox?)
    case refuse
    /// Pairing: allowed for this session of the daemon only.
    case allowOnce
    /// Pairing: allowed and remembered (until revoked with `podpis origins revoke`).
    case allowAlways

    func answers(_ question: AgentQuestion) -> Bool {
        switch (self, question) {
        case (.approve, .signature), (.refuse, _), (.allowOnce, .pairing), (.allowAlways, .pairing): return true
        default: return false
        }
    }
}

/// What an agent receives on its stream.
public enum AgentEvent: Sendable {
    /// First on every stream: the id the agent sends back with its answers
    /// (known only to that connection).
    case hello(agent: String)
    case question(AgentQuestion)
    case withdrawn(id: String, reason: String)
    /// Another agent registered: new questions go to it.
    case agentRegistered(AgentIdentity)
}

