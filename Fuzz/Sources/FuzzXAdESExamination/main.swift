import Evidence
import FuzzSupport
import Validation
import XAdES

// Any bytes as a signed XML file: parsed with the safe parser, every
// signature examined (references, transforms, properties, time-stamps) and
// validated without trust. Must never crash or hang.
fuzz { input in
    let bytes = Array(input)
    guard let document = try? XMLDocument.parse(bytes: bytes, name: "fuzz.xml", limits: XMLParseLimits(maximumBytes: 1 << 20)) else { return }
    let detached = [DetachedData(name: "sample.xml", bytes: Array("<a/>".utf8))]
    _ = XAdESExaminer.examine(document, detached: detached)
}
