import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// podpis.js and its TypeScript declarations (web/podpis/), served at
/// GET /v1/client/podpis.js and /v1/client/podpis.d.ts: the files are this
/// target's resources, embedded in the binary (Sources/podpisd/client/; web/podpis/, the library's
/// home with its README and tests, links to them, as docs/openapi.yaml does
/// to openapi.yaml), so the library a page loads is the one of the daemon it
/// talks to. Public and the
/// same for everyone: any page may load it before it is paired
/// (`Access-Control-Allow-Origin: *`, no credentials); the Host rule still
/// applies.
enum ClientLibrary {
    static let paths = ["/v1/client/podpis.js", "/v1/client/podpis.d.ts"]

    static func isClientPath(_ path: String) -> Bool { files[path] != nil }

    /// Embedded in the binary (Package.swift), so an installed podpisd needs
    /// no resource bundle beside it.
    static let files: [String: ByteBuffer] = [
        "/v1/client/podpis.js": ByteBuffer(bytes: PackageResources.podpis_js),
        "/v1/client/podpis.d.ts": ByteBuffer(bytes: PackageResources.podpis_d_ts),
    ]

    static func response(_ path: String) throws -> Response {
        guard let body = files[path] else { throw HTTPError(.notFound) }
        var headers = HTTPFields()
        headers[.contentType] = path.hasSuffix(".js") ? "text/javascript; charset=utf-8" : "application/typescript; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        headers[HTTPField.Name("Cross-Origin-Resource-Policy")!] = "cross-origin"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }
}
