import SignatureAlgorithms
import CPKCS11

/// A session with a token: owns one `CK_SESSION_HANDLE`, closed when the value
/// goes away. Use it from one caller at a time.
public final class Session: @unchecked Sendable {
    public let slot: Slot
    let handle: CK_SESSION_HANDLE
    private var functions: UnsafeMutablePointer<CK_FUNCTION_LIST> { slot.module.functions }

    init(slot: Slot, handle: CK_SESSION_HANDLE) {
        self.slot = slot
        self.handle = handle
    }

    deinit { _ = slot.module.functions.pointee.C_CloseSession!(handle) }

    // MARK: Login

    /// Logs the user in. `pin` nil means the token has a protected
    /// authentication path (a pinpad): the PIN is typed on the device.
    ///
    /// The PIN is wiped as soon as the token has answered. A wrong PIN is never
    /// retried: it throws `CKR_PIN_INCORRECT` with what the token now says of
    /// the PIN (count low, final try, locked).
    public func login(pin: SecretPIN?) throws(PKCS11Error) {
        try login(userType: UInt(CKU_USER), pin: pin, function: "C_Login")
    }

    /// The context-specific login a key with `CKA_ALWAYS_AUTHENTICATE` needs
    /// right after `C_SignInit`, before every signature.
    func loginContextSpecific(pin: SecretPIN?) throws(PKCS11Error) {
        try login(userType: UInt(CKU_CONTEXT_SPECIFIC), pin: pin, function: "C_Login(CKU_CONTEXT_SPECIFIC)")
    }

    private func login(userType: UInt, pin: SecretPIN?, function: String) throws(PKCS11Error) {
        defer { pin?.wipe() }
        let rv: CK_RV
        if let pin {
            rv = pin.withBytes { bytes, count in functions.pointee.C_Login!(handle, userType, bytes, UInt(count)) }
        } else {
            rv = functions.pointee.C_Login!(handle, userType, nil, 0)
        }
        if rv == ReturnValue.ok { return }
        if rv == ReturnValue.userAlreadyLoggedIn && userType == UInt(CKU_USER) { return }
        var error = PKCS11Error(rv: rv, function: function)
        if rv == ReturnValue.pinIncorrect || rv == ReturnValue.pinLocked {
            error.pinStatus = try? slot.tokenInfo().pinStatus
            if rv == ReturnValue.pinLocked { error.pinStatus = .locked }
        }
        throw error
    }

    /// Logs the user out, unless an owner in this process keeps the
    /// token's login (``LoginHold``): the logout would end it for every
    /// session of the process, the holder's included.
    public func logout() throws(PKCS11Error) {
        if slot.loginHeld { return }
        let rv = functions.pointee.C_Logout!(handle)
        if rv != ReturnValue.ok && rv != ReturnValue.userNotLoggedIn { throw PKCS11Error(rv: rv, function: "C_Logout") }
    }

    /// Whether the user is logged in on this token now.
    public var isLoggedIn: Bool {
        var info = CK_SESSION_INFO()
        guard functions.pointee.C_GetSessionInfo!(handle, &info) == ReturnValue.ok else { return false }
        return info.state == UInt(CKS_RO_USER_FUNCTIONS) || info.state == UInt(CKS_RW_USER_FUNCTIONS)
    }

    // MARK: Objects

    /// Handles of the objects matching a template of (attribute, value) pairs.
    func findObjects(_ template: [(CK_ATTRIBUTE_TYPE, [UInt8])]) throws(PKCS11Error) -> [CK_OBJECT_HANDLE] {
        var found: [CK_OBJECT_HANDLE] = []
        var initRV: CK_RV = 0
        withAttributes(template.map { $0.0 }, template.map { $0.1 }) { attributes in
            initRV = functions.pointee.C_FindObjectsInit!(handle, attributes.baseAddress, UInt(attributes.count))
        }
        guard initRV == ReturnValue.ok else { throw PKCS11Error(rv: initRV, function: "C_FindObjectsInit") }
        defer { _ = functions.pointee.C_FindObjectsFinal!(handle) }
        var batch = [CK_OBJECT_HANDLE](repeating: 0, count: 64)
        while true {
            var count: UInt = 0
            let rv = functions.pointee.C_FindObjects!(handle, &batch, UInt(batch.count), &count)
            guard rv == ReturnValue.ok else { throw PKCS11Error(rv: rv, function: "C_FindObjects") }
            if count == 0 { break }
            found += batch.prefix(Int(count))
        }
        return found
    }

    /// One attribute's value, or nil when the object does not have it or it is sensitive.
    func attribute(_ type: CK_ATTRIBUTE_TYPE, of object: CK_OBJECT_HANDLE) throws(PKCS11Error) -> [UInt8]? {
        var attribute = CK_ATTRIBUTE(type: type, pValue: nil, ulValueLen: 0)
        var rv = functions.pointee.C_GetAttributeValue!(handle, object, &attribute, 1)
        if rv == ReturnValue.attributeTypeInvalid || rv == ReturnValue.attributeSensitive { return nil }
        guard rv == ReturnValue.ok else { throw PKCS11Error(rv: rv, function: "C_GetAttributeValue") }
        if attribute.ulValueLen == podpis_ck_unavailable_information() { return nil }
        var value = [UInt8](repeating: 0, count: Int(attribute.ulValueLen))
        rv = value.withUnsafeMutableBytes { raw in
            attribute.pValue = raw.baseAddress
            return functions.pointee.C_GetAttributeValue!(handle, object, &attribute, 1)
        }
        guard rv == ReturnValue.ok else { throw PKCS11Error(rv: rv, function: "C_GetAttributeValue") }
        return Array(value.prefix(Int(attribute.ulValueLen)))
    }

    func ulongAttribute(_ type: CK_ATTRIBUTE_TYPE, of object: CK_OBJECT_HANDLE) throws(PKCS11Error) -> UInt? {
        guard let bytes = try attribute(type, of: object), bytes.count == MemoryLayout<UInt>.size else { return nil }
        return bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt.self) }
    }

    func boolAttribute(_ type: CK_ATTRIBUTE_TYPE, of object: CK_OBJECT_HANDLE) throws(PKCS11Error) -> Bool? {
        guard let bytes = try attribute(type, of: object), let first = bytes.first else { return nil }
        return first != 0
    }

    // MARK: Signing

    /// Signs with a private key on the token.
    ///
    /// `input` is what the mechanism signs: for `.rsaPKCS1v15` and `.rsaPSS` and
    /// `.ecdsa` the message digest made with the algorithm's hash (the DigestInfo
    /// for PKCS#1 v1.5 is built here). For a key with `CKA_ALWAYS_AUTHENTICATE`
    /// `contextPIN` is called for a fresh PIN before this one signature (nil from
    /// it means a pinpad); for other keys it is not called.
    ///
    /// ECDSA signatures come back as PKCS#11 gives them: raw `r || s`.
    public func sign(
        digest: [UInt8], with key: PrivateKeyObject, algorithm: SignatureAlgorithm,
        contextPIN: () throws(PKCS11Error) -> SecretPIN?
    ) throws(PKCS11Error) -> [UInt8] {
        guard digest.count == algorithm.hash.length else {
            throw PKCS11Error(.unsupportedAlgorithm("\(algorithm) over \(digest.count) bytes"), function: "sign")
        }
        switch (algorithm, key.keyType) {
        case (.rsaPKCS1v15, .rsa), (.rsaPSS, .rsa), (.ecdsa, .ec): break
        default: throw PKCS11Error(.unsupportedAlgorithm("\(algorithm) / \(key.keyType)"), function: "sign")
        }
        var input: [UInt8]
        if case .rsaPKCS1v15(let hash) = algorithm { input = hash.digestInfoPrefix + digest } else { input = digest }

        var pss = CK_RSA_PKCS_PSS_PARAMS(
            hashAlg: algorithm.hash.mechanism, mgf: algorithm.hash.mgf, sLen: UInt(algorithm.hash.length))
        var rv: CK_RV = withUnsafeMutableBytes(of: &pss) { pssBytes in
            var mechanism = CK_MECHANISM(mechanism: algorithm.mechanism, pParameter: nil, ulParameterLen: 0)
            if case .rsaPSS = algorithm {
                mechanism.pParameter = pssBytes.baseAddress
                mechanism.ulParameterLen = UInt(pssBytes.count)
            }
            return functions.pointee.C_SignInit!(handle, &mechanism, key.handle)
        }
        guard rv == ReturnValue.ok else { throw PKCS11Error(rv: rv, function: "C_SignInit") }

        if key.alwaysAuthenticate {
            do {
                try loginContextSpecific(pin: try contextPIN())
            } catch {
                terminateSignOperation(&input)
                throw error
            }
        }
        var length: UInt = 0
        rv = functions.pointee.C_Sign!(handle, &input, UInt(input.count), nil, &length)
        guard rv == ReturnValue.ok else { throw PKCS11Error(rv: rv, function: "C_Sign") }
        var signature = [UInt8](repeating: 0, count: Int(length))
        rv = functions.pointee.C_Sign!(handle, &input, UInt(input.count), &signature, &length)
        guard rv == ReturnValue.ok else { throw PKCS11Error(rv: rv, function: "C_Sign") }
        return Array(signature.prefix(Int(length)))
    }

    /// Ends a sign operation whose context login failed: a C_Sign that fails
    /// (here: not authenticated) terminates the operation, as PKCS#11 2.40 says.
    private func terminateSignOperation(_ input: inout [UInt8]) {
        var scratch = [UInt8](repeating: 0, count: 1024)
        var length = UInt(scratch.count)
        _ = functions.pointee.C_Sign!(handle, &input, UInt(input.count), &scratch, &length)
    }
}

/// Hands a template's attributes to C with buffers valid for the call.
func withAttributes(
    _ types: [CK_ATTRIBUTE_TYPE], _ values: [[UInt8]], _ body: (UnsafeMutableBufferPointer<CK_ATTRIBUTE>) -> Void
) {
    let buffers = values.map { value -> UnsafeMutableRawBufferPointer in
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(value.count, 1), alignment: 8)
        buffer.copyBytes(from: value)
        return buffer
    }
    defer { buffers.forEach { $0.deallocate() } }
    var attributes = zip(types, zip(buffers, values)).map { type, pair in
        CK_ATTRIBUTE(type: type, pValue: pair.0.baseAddress, ulValueLen: UInt(pair.1.count))
    }
    attributes.withUnsafeMutableBufferPointer { body($0) }
}
