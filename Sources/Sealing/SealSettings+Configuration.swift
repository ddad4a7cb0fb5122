import SignatureAlgorithms
import DaemonConfiguration
import Foundation
import LongTerm
import Signing
import Timestamping
import PKCS11
import XAdES

extension SealSettings {
    /// The settings of a `[seal.NAME]` profile, with the configuration's XML
    /// limits, for B-T and above its first time-stamping authority, and for
    /// B-LT and B-LTA `validationData` (one ``LongTermSupplier`` shared by
    /// the daemon's profiles; made from `[verification]` when not given).
    public init(profile: DaemonConfiguration.SealProfile, configuration: DaemonConfiguration, validationData: (any ValidationDataSupplier)? = nil) throws {
        self.init()
        xml = profile.xml
        other = profile.other
        level = BaselineLevel(rawValue: profile.level.rawValue) ?? .bb
        digest = HashAlgorithm(rawValue: profile.digest.rawValue) ?? .sha256
        maxDocumentBytes = profile.maxDocumentBytes
        maxBatchBytes = profile.maxBatchBytes
        xmlLimits = XMLParseLimits(
            maximumBytes: configuration.limits.xmlMaxBytes, maximumDepth: configuration.limits.xmlMaxDepth,
            maximumNodes: configuration.limits.xmlMaxNodes)
        if level.isTimeStamped {
            guard let url = configuration.timestamp.urls.first.flatMap(URL.init(string:)) else {
                throw SealError("no-tsa", messages.text("no-tsa"))
            }
            timeStamp = TimeStampClient(url: url, timeout: configuration.timestamp.timeoutSeconds)
        }
        if level.carriesValidationData {
            self.validationData = try validationData ?? LongTermSupplier.configured(configuration.verification)
        }
    }
}

extension SealPINSource {
    /// The profile's source; `prompt` asks with the closure given.
    public init(_ source: DaemonConfiguration.SealProfile.PINSource, prompt: @escaping @Sendable () throws -> SecretPIN) {
        switch source {
        case .credential(let name): self = .credential(name)
        case .file(let path): self = .file(path)
        case .prompt: self = .prompt(prompt)
        }
    }
}
