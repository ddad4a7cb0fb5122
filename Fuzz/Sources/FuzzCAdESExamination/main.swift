import CAdES
import Evidence
import FuzzSupport

// Examining any signature file (CAdES / CMS made by anyone): every
// SignerInfo, counter-signature, time-stamp, archive time-stamp and
// validation value read from outside bytes, with and without detached data.
fuzz { input in
    let bytes = Array(input)
    _ = try? CAdESExaminer.examine(bytes, name: "fuzz", detached: [])
    _ = try? CAdESExaminer.examine(bytes, name: "fuzz", detached: [DetachedData(name: "a", bytes: Array(bytes.prefix(64)))])
}
