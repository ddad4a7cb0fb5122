import CPKCS11
import SignatureAlgorithms

/// The PKCS#11 mechanisms of the algorithms Podpis signs with.
extension HashAlgorithm {
    var mechanism: UInt {
        switch self {
        case .sha256: return UInt(CKM_SHA256)
        case .sha384: return UInt(CKM_SHA384)
        case .sha512: return UInt(CKM_SHA512)
        }
    }

    var mgf: UInt {
        switch self {
        case .sha256: return UInt(CKG_MGF1_SHA256)
        case .sha384: return UInt(CKG_MGF1_SHA384)
        case .sha512: return UInt(CKG_MGF1_SHA512)
        }
    }
}

extension SignatureAlgorithm {
    var mechanism: UInt {
        switch self {
        case .rsaPKCS1v15: return UInt(CKM_RSA_PKCS)
        case .rsaPSS: return UInt(CKM_RSA_PKCS_PSS)
        case .ecdsa: return UInt(CKM_ECDSA)
        }
    }
}
