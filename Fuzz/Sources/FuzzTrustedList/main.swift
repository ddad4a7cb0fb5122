import Foundation
import FuzzSupport
import TrustedLists
import XAdES

// A trusted list or LOTL from arbitrary bytes: parsed into the model
// (tight limits on odd first bytes, so that size, depth and node limits
// are reached), then queried as the validation does.
fuzz { input in
    let bytes = Array(input.dropFirst())
    let limits = (input.first ?? 0) & 1 == 0
        ? XMLParseLimits(maximumBytes: 4 << 20)
        : XMLParseLimits(maximumBytes: 16384, maximumDepth: 12, maximumNodes: 512)
    guard let list = try? TrustedList.parse(bytes: bytes, name: "fuzz.xml", limits: limits) else { return }
    _ = list.pointers(to: "PL")
    _ = list.scheme.isExpired(at: Date())
    for (provider, service) in list.services {
        _ = provider.hasGrantedQualifiedService
        _ = service.status(at: Date(timeIntervalSince1970: 1_417_521_600))
        for period in service.periods {
            for element in period.extensions.qualifications {
                _ = element.criteria.matches(policies: ["1.2.616.1.113527.2.4.1.1"], keyUsage: ["nonRepudiation"])
            }
        }
    }
}
