/// A `Qualifier` URI of a `Qualifications` extension (TS 119 612 §5.5.9.2.3).
public struct Qualifier: Sendable, Hashable, CustomStringConvertible {
    public let uri: String
    public init(uri: String) { self.uri = uri }
    public var description: String { shortName }

    static let prefix = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/"
    public static let qcStatement = Qualifier(uri: prefix + "QCStatement")
    public static let notQualified = Qualifier(uri: prefix + "NotQualified")
    public static let qcForESig = Qualifier(uri: prefix + "QCForESig")
    public static let qcForESeal = Qualifier(uri: prefix + "QCForESeal")
    public static let qcForWSA = Qualifier(uri: prefix + "QCForWSA")
    public static let qcForLegalPerson = Qualifier(uri: prefix + "QCForLegalPerson")
    public static let qcWithQSCD = Qualifier(uri: prefix + "QCWithQSCD")
    public static let qcNoQSCD = Qualifier(uri: prefix + "QCNoQSCD")
    public static let qcQSCDStatusAsInCert = Qualifier(uri: prefix + "QCQSCDStatusAsInCert")
    public static let qcQSCDManagedOnBehalf = Qualifier(uri: prefix + "QCQSCDManagedOnBehalf")
    // Directive 1999/93/EC names (SSCD):
    public static let qcWithSSCD = Qualifier(uri: prefix + "QCWithSSCD")
    public static let qcNoSSCD = Qualifier(uri: prefix + "QCNoSSCD")
    public static let qcSSCDStatusAsInCert = Qualifier(uri: prefix + "QCSSCDStatusAsInCert")

    /// The last path element (`QCWithQSCD`).
    public var shortName: String { uri.hasPrefix(Self.prefix) ? String(uri.dropFirst(Self.prefix.count)) : uri }
}
