import FuzzSupport
import XAdES

// The first byte picks the limits (the default ones or tight ones, so that
// the depth, node and size limits are reached); the rest is the document.
fuzz { input in
    let bytes = Array(input.dropFirst())
    let limits = (input.first ?? 0) & 1 == 0
        ? XMLParseLimits()
        : XMLParseLimits(maximumBytes: 4096, maximumDepth: 8, maximumNodes: 64)
    if let document = try? XMLDocument.parse(bytes: bytes, name: "fuzz.xml", limits: limits) {
        _ = document.serialized()
    }
}
