/// Limits applied while an XML document is parsed, before anything is signed.
public struct XMLParseLimits: Sendable, Hashable {
    /// The largest document accepted, in bytes.
    public var maximumBytes: Int
    /// The deepest element nesting accepted (libxml2 itself stops at 256).
    public var maximumDepth: Int
    /// The most elements and attributes accepted.
    public var maximumNodes: Int

    public init(maximumBytes: Int = 64 << 20, maximumDepth: Int = 200, maximumNodes: Int = 2_000_000) {
        self.maximumBytes = maximumBytes
        self.maximumDepth = maximumDepth
        self.maximumNodes = maximumNodes
    }
}
