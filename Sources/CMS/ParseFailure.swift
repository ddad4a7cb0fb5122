import SwiftASN1

/// What a parser's error says to a person: for swift-asn1's `ASN1Error`
/// its code alone ("truncatedASN1Field"), not its description, which names
/// the library's source file and line; other errors as they describe themselves.
public func parseFailure(_ error: any Error) -> String {
    if let asn1 = error as? ASN1Error { return "\(asn1.code)" }
    return "\(error)"
}
