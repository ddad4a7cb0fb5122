import CMS
import Foundation
import FuzzSupport
import Timestamping

// A TSA's answer, checked against a request: whatever the TSA (or someone
// between) sends, the check throws or returns, never traps.
let request = TimeStampRequest(
    messageImprint: MessageImprint(hashAlgorithm: .sha256, hashedMessage: [UInt8](repeating: 0x5A, count: 32)),
    nonce: [0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF])
let client = TimeStampClient(url: URL(string: "http://127.0.0.1:9/tsa")!)

fuzz { input in
    let bytes = Array(input)
    _ = try? client.check(response: bytes, request: request)
    // The parts on their own, past the checks that stop a random answer early.
    if let response = try? TimeStampResponse(derEncoded: bytes), let token = response.token,
        let signed = try? SignedData(contentInfo: token), let content = signed.content {
        _ = try? TSTInfo(derEncoded: content)
    }
    _ = try? TSTInfo(derEncoded: bytes)
}
