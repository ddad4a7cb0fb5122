import SwiftASN1

/// A `CriteriaList` (TS 119 612 §5.5.9.2.2): which certificates of the
/// service a qualification applies to.
public struct CriteriaList: Sendable, Hashable {
    /// How the criteria combine (`assert` attribute).
    public enum Assertion: String, Sendable, Hashable {
        case all, atLeastOne, none
    }

    /// One key usage bit the certificate must have set (`true`) or clear (`false`).
    public struct KeyUsageBit: Sendable, Hashable {
        /// The bit's name as in the list (`nonRepudiation`, `digitalSignature`, …).
        public let name: String
        public let value: Bool
    }

    public let assertion: Assertion
    /// Each `KeyUsage` criterion: every bit listed must agree.
    public let keyUsages: [[KeyUsageBit]]
    /// Each `PolicySet`: the certificate must carry every policy identifier (dotted OIDs) of the set.
    public let policySets: [[String]]
    /// Nested `CriteriaList`s.
    public let nested: [CriteriaList]
    /// Criteria this parser does not evaluate (`otherCriteriaList` contents: ExtendedKeyUsage,
    /// CertSubjectDNAttribute, …), by element name. A list with one never matches under
    /// `all` and counts as not met elsewhere.
    public let unsupported: [String]

    /// Does a certificate with these policies and key usage bits meet the criteria?
    public func matches(policies: Set<String>, keyUsage: Set<String>) -> Bool {
        var results: [Bool] = []
        for bits in keyUsages {
            results.append(bits.allSatisfy { keyUsage.contains($0.name) == $0.value })
        }
        for set in policySets {
            results.append(set.allSatisfy { policies.contains($0) })
        }
        for list in nested {
            results.append(list.matches(policies: policies, keyUsage: keyUsage))
        }
        results.append(contentsOf: unsupported.map { _ in false })
        switch assertion {
        case .all: return results.allSatisfy { $0 }
        case .atLeastOne: return results.contains(true)
        case .none: return !results.contains(true)
        }
    }
}

/// A `QualificationElement`: qualifiers applying to the certificates that meet its criteria.
public struct QualificationElement: Sendable, Hashable {
    public let qualifiers: [Qualifier]
    public let criteria: CriteriaList
}
