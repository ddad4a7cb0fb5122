/// docs/openapi.yaml, served at GET /v1/openapi.yaml (the file is this
/// target's resource, embedded in the binary; docs/openapi.yaml links to it).
enum OpenAPIDocument {
    static let text = String(decoding: PackageResources.openapi_yaml, as: UTF8.self)
}
