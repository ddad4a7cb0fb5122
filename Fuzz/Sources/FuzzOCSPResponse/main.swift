import Foundation
import FuzzSupport
import Revocation
import X509

// An OCSP responder's answer (or whoever is between): parsed, then checked
// for a fixed certificate and its CA (the seed corpus's own, so that seeds
// reach the CertID match, the responder and the signature checks). Whatever
// arrives, parsing and checking throw or return, never trap.
let ca = try! Certificate(derEncoded: Array(Data(base64Encoded: "MIIByjCCAXGgAwIBAgIUMnQsYZTw4h5MdxGy+zNfqHFqEYEwCgYIKoZIzj0EAwIwMzEbMBkGA1UEAwwSUmV2b2NhdGlvbiBUZXN0IENBMRQwEgYDVQQKDAtQb2RwaXMgVGVzdDAeFw0yNjEyMDYyMDEyMzdaFw0zNjEyMDMyMDEyMzdaMDMxGzAZBgNVBAMMElJldm9jYXRpb24gVGVzdCBDQTEUMBIGA1UECgwLUG9kcGlzIFRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARz4ZH05KlPYP/FvEoFRGNGrkvKv+72ShskHmroI+B5Eg0MnYStU8qIFEf9OEvqQ6NnGrXd/rG43yYmJD540GWeo2MwYTAdBgNVHQ4EFgQUWvGC/LGB+UuAxhutSbxTXk8V3ZAwHwYDVR0jBBgwFoAUWvGC/LGB+UuAxhutSbxTXk8V3ZAwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwCgYIKoZIzj0EAwIDRwAwRAIgEkT93ZKre4N0mqWQ3hZrwBAfNeUnA3x4AYxy3hlnKssCIArIgaeCoV7UaY2v/pJnqxTFcXZsolgeBreBf+dsljvx")!))
let good = try! Certificate(derEncoded: Array(Data(base64Encoded: "MIICIjCCAcigAwIBAgICEAAwCgYIKoZIzj0EAwIwMzEbMBkGA1UEAwwSUmV2b2NhdGlvbiBUZXN0IENBMRQwEgYDVQQKDAtQb2RwaXMgVGVzdDAeFw0yNjEyMDYyMDEyMzdaFw0yNzEyMDYyMDEyMzdaMA8xDTALBgNVBAMMBGdvb2QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATy4iUMs0SU3ADbDdCnIL9mNFaavHE9pZkVy7e1VkEJCgdObrNu6kNCxiSyvgZ9Qh6CvrnnI5R+uTmOnoXJe9bAo4HvMIHsMAkGA1UdEwQCMAAwDgYDVR0PAQH/BAQDAgbAMGAGCCsGAQUFBwEBBFQwUjAmBggrBgEFBQcwAYYaaHR0cDovLzEyNy4wLjAuMTo4MDgwL29jc3AwKAYIKwYBBQUHMAKGHGh0dHA6Ly8xMjcuMC4wLjE6ODA4MC9jYS5jcnQwLQYDVR0fBCYwJDAioCCgHoYcaHR0cDovLzEyNy4wLjAuMTo4MDgwL2NhLmNybDAdBgNVHQ4EFgQUivvMhRleYT/HHuA+C1kuaHELQjcwHwYDVR0jBBgwFoAUWvGC/LGB+UuAxhutSbxTXk8V3ZAwCgYIKoZIzj0EAwIDSAAwRQIhANcJ+G5OdetJNJjLQVgMeFIkYVscQ3M0VV70giyetNL7AiB4WmGLa+Q68J4yC4Xr0npVprjSeJOJAdBWzHVGvlYQtQ==")!))
let at = Date(timeIntervalSince1970: 1_796_620_000)

fuzz { input in
    let bytes = Array(input)
    guard let response = try? OCSPResponse.parse(bytes) else {
        _ = try? BasicOCSPResponse(derEncoded: bytes)
        _ = try? OCSPRequest(derEncoded: bytes)
        return
    }
    _ = try? response.status(of: good, issuer: ca, at: at)
    _ = try? response.status(of: good, issuer: ca, at: at, nonce: [1, 2, 3])
    if let basic = response.basic {
        for single in basic.responseData.responses { _ = single.certID.matches(certificate: good, issuer: ca) }
    }
}
