import Foundation

/// A detached file the user gave with a signature: its name and its bytes,
/// digested on demand. (Placeholder until the streamed version lands.)
public struct DetachedData: Sendable {
    public let name: String
    let bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    public func digest(_ algorithm: DigestAlgorithm) throws -> [UInt8] { algorithm.digest(bytes) }

    public func contents() throws -> [UInt8] { bytes }

    public var sha256: [UInt8] { DigestAlgorithm.sha256.digest(bytes) }

    public var size: Int { bytes.count }
}
