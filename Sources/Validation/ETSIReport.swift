import Foundation

/// The report as ETSI TS 119 102-2 XML (namespace
/// `http://uri.etsi.org/19102/v1.2.1#`): one SignatureValidationReport per
/// signature and counter-signature, the certificates, time-stamps and signed
/// data objects they name as SignatureValidationObjects, and Podpis as the
/// SignatureValidator. Built through libxml2 (``ETSIReportBuilder``), never
/// by joining strings; valid against the TS 119 102-2 schema
/// (Tests/ValidationTests/Schemas/1910202xmlSchema.xsd).
///
/// What the report model does not hold is left out rather than invented:
/// no DigestAlgAndValue of the signature value in SignatureIdentifier, and
/// certificates and signed data are represented by their SHA-256 (not their
/// bytes); a time-stamp by its time and TSA.
public enum ETSIReport {
    public static let namespace = "http://uri.etsi.org/19102/v1.2.1#"

    /// The UTF-8 XML document of `report`. Throws when the report has no
    /// signature (the schema requires at least one SignatureValidationReport).
    public static func xml(_ report: ValidationReport) throws -> [UInt8] {
        guard !report.signatures.isEmpty else { throw ValidationError(.noSignature, report.document.name) }
        return try ETSIReportBuilder(report).build()
    }

    /// `urn:etsi:019102:mainindication:total-passed` (TS 119 102-2 §5.2.9, as DSS writes it).
    public static func uri(_ indication: Indication) -> String {
        switch indication {
        case .totalPassed: return "urn:etsi:019102:mainindication:total-passed"
        case .totalFailed: return "urn:etsi:019102:mainindication:total-failed"
        case .indeterminate: return "urn:etsi:019102:mainindication:indeterminate"
        }
    }

    /// `urn:etsi:019102:subindication:HASH_FAILURE`: the sub-indication's name as EN 319 102-1 writes it.
    public static func uri(_ subIndication: SubIndication) -> String {
        "urn:etsi:019102:subindication:" + subIndication.rawValue
    }

    /// TS 119 102-2 TypeOfProof: the proof of existence was derived by the validation (from a time-stamp, or the validation time itself).
    public static let proofByValidation = "urn:etsi:019102:poetype:validation"

    /// The qualification as DSS names it in SignatureQualityInformation
    /// (`urn:cef:dss:signatureQualification:QESig`); nil for a value with no URI.
    public static func qualityURI(_ qualification: String) -> String? {
        qualificationURIs[qualification].map { "urn:cef:dss:signatureQualification:" + $0 }
    }

    static let qualificationURIs: [String: String] = [
        "QESig": "QESig", "QESeal": "QESeal",
        "Unknown-QC-QSCD": "UnknownQCwithQSCD",
        "AdESig-QC": "AdESigQC", "AdESeal-QC": "AdESealQC", "Unknown-QC": "UnknownQC",
        "AdESig": "AdESig", "AdESeal": "AdESeal", "Unknown": "Unknown",
        "Indeterminate QESig": "indeterminateQESig", "Indeterminate QESeal": "indeterminateQESeal",
        "Indeterminate Unknown-QC-QSCD": "indeterminateUnknownQCwithQSCD",
        "Indeterminate AdESig-QC": "indeterminateAdESigQC", "Indeterminate AdESeal-QC": "indeterminateAdESealQC",
        "Indeterminate Unknown-QC": "indeterminateUnknownQC",
        "Indeterminate AdESig": "indeterminateAdESig", "Indeterminate AdESeal": "indeterminateAdESeal",
        "Indeterminate Unknown": "indeterminateUnknown",
        "Not AdES but QC with QSCD": "notAdESbutQCwithQSCD", "Not AdES but QC": "notAdESbutQC", "Not AdES": "notAdES",
        "N/A": "notApplicable",
    ]

    /// TS 119 102-2 ObjectType of a validation object.
    enum ObjectType: String {
        case certificate = "urn:etsi:019102:validationObject:certificate"
        case timeStamp = "urn:etsi:019102:validationObject:timestamp"
        case signedData = "urn:etsi:019102:validationObject:signedData"
    }

    /// The signature time-stamp attributes of TS 119 102-2 annex A, by time-stamp kind.
    static func attributeName(_ kind: String) -> String? {
        switch kind {
        case "SIGNATURE_TIMESTAMP": return "SignatureTimeStamp"
        case "CONTENT_TIMESTAMP": return "AllDataObjectsTimeStamp"
        case "VALIDATION_DATA_TIMESTAMP": return "SigAndRefsTimeStamp"
        case "VALIDATION_DATA_REFSONLY_TIMESTAMP": return "RefsOnlyTimeStamp"
        case "ARCHIVE_TIMESTAMP": return "ArchiveTimeStamp"
        default: return nil
        }
    }
}
