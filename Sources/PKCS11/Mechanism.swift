import CPKCS11

/// Names of the mechanisms Podpis uses or reports.
public enum Mechanism {
    public static let rsaPKCS = UInt(CKM_RSA_PKCS)
    public static let rsaPKCSPSS = UInt(CKM_RSA_PKCS_PSS)
    public static let ecdsa = UInt(CKM_ECDSA)
    public static let sha256 = UInt(CKM_SHA256)
    public static let sha384 = UInt(CKM_SHA384)
    public static let sha512 = UInt(CKM_SHA512)

    static let names: [UInt: String] = [
        UInt(CKM_RSA_PKCS_KEY_PAIR_GEN): "CKM_RSA_PKCS_KEY_PAIR_GEN",
        UInt(CKM_RSA_PKCS): "CKM_RSA_PKCS",
        UInt(CKM_RSA_X_509): "CKM_RSA_X_509",
        UInt(CKM_SHA1_RSA_PKCS): "CKM_SHA1_RSA_PKCS",
        UInt(CKM_SHA256_RSA_PKCS): "CKM_SHA256_RSA_PKCS",
        UInt(CKM_SHA384_RSA_PKCS): "CKM_SHA384_RSA_PKCS",
        UInt(CKM_SHA512_RSA_PKCS): "CKM_SHA512_RSA_PKCS",
        UInt(CKM_RSA_PKCS_PSS): "CKM_RSA_PKCS_PSS",
        UInt(CKM_SHA256_RSA_PKCS_PSS): "CKM_SHA256_RSA_PKCS_PSS",
        UInt(CKM_SHA384_RSA_PKCS_PSS): "CKM_SHA384_RSA_PKCS_PSS",
        UInt(CKM_SHA512_RSA_PKCS_PSS): "CKM_SHA512_RSA_PKCS_PSS",
        UInt(CKM_RSA_PKCS_OAEP): "CKM_RSA_PKCS_OAEP",
        UInt(CKM_EC_KEY_PAIR_GEN): "CKM_EC_KEY_PAIR_GEN",
        UInt(CKM_ECDSA): "CKM_ECDSA",
        UInt(CKM_ECDSA_SHA1): "CKM_ECDSA_SHA1",
        UInt(CKM_ECDSA_SHA256): "CKM_ECDSA_SHA256",
        UInt(CKM_ECDSA_SHA384): "CKM_ECDSA_SHA384",
        UInt(CKM_ECDSA_SHA512): "CKM_ECDSA_SHA512",
        UInt(CKM_ECDH1_DERIVE): "CKM_ECDH1_DERIVE",
        UInt(CKM_SHA_1): "CKM_SHA_1",
        UInt(CKM_SHA256): "CKM_SHA256",
        UInt(CKM_SHA384): "CKM_SHA384",
        UInt(CKM_SHA512): "CKM_SHA512",
        UInt(CKM_AES_KEY_GEN): "CKM_AES_KEY_GEN",
        UInt(CKM_AES_CBC): "CKM_AES_CBC",
        UInt(CKM_AES_ECB): "CKM_AES_ECB",
        UInt(CKM_AES_GCM): "CKM_AES_GCM",
    ]

    public static func name(_ type: UInt) -> String {
        names[type] ?? "CKM_0x" + String(type, radix: 16, uppercase: true)
    }
}
