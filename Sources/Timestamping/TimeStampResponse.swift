import CMS
import SwiftASN1

/// `TimeStampResp` (RFC 3161 §2.4.2): a status and, when granted, the token
/// (a ContentInfo with SignedData over a TSTInfo).
public struct TimeStampResponse: Sendable {
    /// PKIStatus: 0 granted, 1 granted with modifications, 2 rejection,
    /// 3 waiting, 4 revocation warning, 5 revocation notification.
    public let status: Int
    public let statusText: [String]
    public let failureInfo: [UInt8]?
    /// DER of the TimeStampToken (ContentInfo), when present.
    public let token: [UInt8]?

    public init(derEncoded bytes: [UInt8]) throws {
        let root = try DER.parse(bytes)
        (status, statusText, failureInfo, token) = try DER.sequence(root, identifier: .sequence) { nodes in
            guard let statusNode = nodes.next() else { throw CMSError(.malformed, "TimeStampResp without status") }
            let (status, text, failure) = try DER.sequence(statusNode, identifier: .sequence) { inner in
                let status = try Int(derEncoded: &inner)
                var text: [String] = []
                var failure: [UInt8]? = nil
                while let node = inner.next() {
                    if node.identifier == .sequence, case .constructed(let strings) = node.content {
                        text = strings.compactMap { try? ASN1UTF8String(derEncoded: $0) }.map(String.init)
                    } else if node.identifier == .bitString {
                        failure = Array(try ASN1BitString(derEncoded: node).bytes)
                    }
                }
                return (status, text, failure)
            }
            let token = nodes.next().map { Array($0.encodedBytes) }
            return (status, text, failure, token)
        }
    }

    public var granted: Bool { status == 0 || status == 1 }
}

/// `TSTInfo` (RFC 3161 §2.4.2): what the TSA vouches for.
public struct TSTInfo: Sendable {
    public let policy: ASN1ObjectIdentifier
    public let messageImprint: MessageImprint
    public let serialNumber: [UInt8]
    public let genTime: GeneralizedTime
    public let nonce: [UInt8]?

    public init(derEncoded bytes: [UInt8]) throws {
        let root = try DER.parse(bytes)
        (policy, messageImprint, serialNumber, genTime, nonce) = try DER.sequence(root, identifier: .sequence) { nodes in
            _ = try Int(derEncoded: &nodes)
            let policy = try ASN1ObjectIdentifier(derEncoded: &nodes)
            let imprint = try MessageImprint(derEncoded: &nodes)
            let serial = Array(try ArraySlice<UInt8>(derEncoded: &nodes))
            let time = try GeneralizedTime(derEncoded: &nodes)
            var nonce: [UInt8]? = nil
            while let node = nodes.next() {
                if node.identifier == .integer { nonce = Array(try ArraySlice<UInt8>(derEncoded: node)) }
            }
            return (policy, imprint, serial, time, nonce)
        }
    }
}
