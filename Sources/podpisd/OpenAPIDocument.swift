import Foundation

/// docs/openapi.yaml, served at GET /v1/openapi.yaml (the file is this
/// target's resource; docs/openapi.yaml links to it).
enum OpenAPIDocument {
    static let text: String = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return "openapi: 3.1.0\ninfo: {title: podpisd, version: missing}\npaths: {}\n" }
        return text
    }()
}
