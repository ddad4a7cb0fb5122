import PKCS11

/// A PIN on its way from the agent to the login call (the station's name for
/// ``SecretPIN``: wiped as soon as the request no longer needs it).
public typealias SecretPINBox = SecretPIN
