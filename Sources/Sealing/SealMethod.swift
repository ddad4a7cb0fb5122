import Signing

/// How one document is sealed: a ``SignatureForm`` (the seal profile's
/// `xml` and `other`, the batch API's `method`).
public typealias SealMethod = SignatureForm
