import SignatureAlgorithms
import Signing

/// XML-DSig algorithm identifiers (RFC 6931 and XML-DSig 1.1).
enum AlgorithmURI {
    static func digest(_ algorithm: HashAlgorithm) -> String {
        switch algorithm {
        case .sha256: return "http://www.w3.org/2001/04/xmlenc#sha256"
        case .sha384: return "http://www.w3.org/2001/04/xmldsig-more#sha384"
        case .sha512: return "http://www.w3.org/2001/04/xmlenc#sha512"
        }
    }

    /// ECDSA values are raw r‖s, RSA-PSS uses MGF1 with the same hash and a
    /// salt as long as the hash (RFC 6931 §2.3.10, "without parameters").
    static func signature(_ algorithm: SignatureAlgorithm) -> String {
        let hash: String
        switch algorithm.hash {
        case .sha256: hash = "sha256"
        case .sha384: hash = "sha384"
        case .sha512: hash = "sha512"
        }
        switch algorithm {
        case .rsaPKCS1v15: return "http://www.w3.org/2001/04/xmldsig-more#rsa-\(hash)"
        case .rsaPSS: return "http://www.w3.org/2007/05/xmldsig-more#\(hash)-rsa-MGF1"
        case .ecdsa: return "http://www.w3.org/2001/04/xmldsig-more#ecdsa-\(hash)"
        }
    }
}
