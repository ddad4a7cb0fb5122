import Foundation
import FuzzSupport
import Station

// POST /v1/sign: the JSON body, and the query parameters of the raw form.
// As JSON the input is the body; split at NUL bytes it is the parameters.
let settings = StationSettings()

fuzz { input in
    let bytes = Array(input)
    _ = try? SignRequest.fromJSON(Data(bytes), settings: settings)
    var fields = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    func next() -> String? { fields.isEmpty ? nil : fields.removeFirst() }
    if var request = try? SignRequest.withParameters(
        format: next(), packaging: next(), level: next(), certificate: next(), commitment: next(), role: next(),
        digest: next(), settings: settings) {
        if let name = next() {
            request.documents.append(SignDocument(name: name, mimeType: next(), content: .bytes(Array((next() ?? "").utf8)), size: nil, sha256: nil))
        }
        try? request.validate()
    }
}
