import Foundation
import TrustedLists
import X509
import XCTest

/// Services, history and qualification read from the real Polish list,
/// checked against the Certum signature sample (issued by CERTUM QCA in
/// January 2014, signed in December 2014).
final class TrustedListQueryTests: XCTestCase {
    static let day: TimeInterval = 86_400

    func testThePolishQualifiedProvidersAreListed() throws {
        let list = try TrustedListFixtures.list(TrustedListFixtures.pl2023)
        let qualified = list.providers.filter(\.hasGrantedQualifiedService).map { $0.name() }
        for expected in ["Asseco Data Systems", "Polish Security Printing Works", "Krajowa Izba Rozliczeniowa", "EuroCert", "ENIGMA"] {
            XCTAssertTrue(qualified.contains { $0.contains(expected) }, "\(expected) missing from \(qualified)")
        }
        XCTAssertFalse(qualified.contains { $0.contains("MobiCert") }, "MobiCert has no granted service")
        XCTAssertTrue(list.providers.contains { $0.name().contains("Unizeto") && $0.tradeNames.contains { $0.value == "CERTUM" } })
    }

    /// The CA certificate of CERTUM QCA (SKI F24E5E6B…) as the Polish list itself carries it.
    func certumQCA(_ list: TrustedList) throws -> Certificate {
        let ski: [UInt8] = [0xF2, 0x4E, 0x5E, 0x6B, 0x79, 0x10, 0xCE, 0x84, 0xC7, 0x24, 0x7E, 0x12, 0x2A, 0x4C, 0x8F, 0xCF, 0xC8, 0x30, 0x07, 0xD9]
        for (_, service) in list.services {
            for case .certificate(let listed) in service.current.digitalIdentities {
                if let certificate = listed.certificate, (try? certificate.extensions.subjectKeyIdentifier)?.keyIdentifier == ski[...] {
                    return certificate
                }
            }
        }
        throw XCTSkip("CERTUM QCA not in the list")
    }

    func testTheCertumQCAServiceHistoryGivesTheStatusAtEachTime() throws {
        let list = try TrustedListFixtures.list(TrustedListFixtures.pl2023)
        let ca = try certumQCA(list)
        let matches = list.services(matching: ca)
        XCTAssertEqual(matches.count, 1)
        let (provider, service) = try XCTUnwrap(matches.first)
        XCTAssertEqual(provider.name(), "Unizeto Technologies S.A.")
        XCTAssertEqual(service.current.type, .caQC)
        XCTAssertEqual(service.current.status, .withdrawn)
        XCTAssertEqual(service.history.count, 3)
        XCTAssertEqual(service.status(at: TrustedListFixtures.certumSigningTime)?.status, .underSupervision)
        XCTAssertEqual(service.status(at: Date(timeIntervalSince1970: 1_462_060_800))?.status, .supervisionInCessation)  // 2016-05-01
        XCTAssertEqual(service.status(at: Date(timeIntervalSince1970: 1_470_009_600))?.status, .granted)  // 2016-08-01
        XCTAssertEqual(service.status(at: Date(timeIntervalSince1970: 1_483_228_800))?.status, .withdrawn)  // 2017-01-01
        XCTAssertNil(service.status(at: Date(timeIntervalSince1970: 1_262_304_000)), "not listed in 2010")
        let qualifications = try XCTUnwrap(service.status(at: TrustedListFixtures.certumSigningTime)?.extensions.qualifications)
        XCTAssertEqual(qualifications.first?.qualifiers, [.qcStatement, .qcWithQSCD])
        XCTAssertEqual(qualifications.first?.criteria.assertion, .all)
        XCTAssertEqual(qualifications.first?.criteria.policySets, [["1.2.616.1.113527.2.4.1.1"]])
        XCTAssertEqual(service.current.extensions.qualifications.first?.qualifiers, [.qcStatement, .qcForESig, .qcWithQSCD])
        XCTAssertEqual(service.current.extensions.additionalServiceInformation, [ServiceExtensions.forESignatures])
        XCTAssertEqual(service.current.extensions.takenOverBy?.territory, "PL")
    }

    func testTheHistoryInstancesNamedBySubjectAndSKIMatchTheCertumCA() throws {
        let list = try TrustedListFixtures.list(TrustedListFixtures.pl2023)
        let ca = try certumQCA(list)
        let service = try XCTUnwrap(list.services(matching: ca).first?.service)
        // Each history instance names the CA only by X509SubjectName (three spellings) and X509SKI.
        for period in service.history {
            XCTAssertFalse(period.digitalIdentities.contains { if case .certificate = $0 { true } else { false } })
            XCTAssertTrue(period.identifies(CAIdentity(certificate: ca)), "\(period.digitalIdentities)")
        }
    }

    func testTheCertumSignerIsReadThoughSwiftCertificatesRefusesItsRSA1024Key() throws {
        let signer = try TrustedListFixtures.certumSigner()
        XCTAssertEqual(signer.notBefore, Date(timeIntervalSince1970: 1_389_544_565))  // 2014-01-12T16:36:05Z (openssl x509 -dates)
        XCTAssertTrue(signer.issuer.description.contains("CN=CERTUM QCA"), signer.issuer.description)
        XCTAssertNotNil(signer.extensions[oid: [1, 3, 6, 1, 5, 5, 7, 1, 3]], "QCStatements")
    }

    func testTheCertumSignerWasAQualifiedCertificateForESigOnAQSCDWhenSigned() throws {
        let list = try TrustedListFixtures.list(TrustedListFixtures.pl2023)
        let signer = try TrustedListFixtures.certumSigner()
        for issuer in [try certumQCA(list), nil] {
            let facts = QualificationFacts.determine(
                certificate: signer, issuer: issuer, signingTime: TrustedListFixtures.certumSigningTime, lists: [list])
            XCTAssertEqual(facts.qualified, .yes, "\(facts)")
            XCTAssertEqual(facts.type, .eSig)
            XCTAssertTrue(facts.isQCForESig)
            XCTAssertEqual(facts.qscd, .yes)
            XCTAssertEqual(facts.atIssuance.service?.status, .underSupervision)
            XCTAssertEqual(facts.atSigning?.service?.providerName, "Unizeto Technologies S.A.")
            XCTAssertEqual(facts.atSigning?.qualifiers, [.qcStatement, .qcWithQSCD])
            XCTAssertTrue(facts.notes.contains(.listSaysQualified))
            XCTAssertTrue(facts.notes.contains(.typeBeforeEIDAS))
            XCTAssertTrue(facts.notes.contains(.qscdFromList))
        }
    }

    func testAfterTheServiceWasWithdrawnTheSameCertificateIsNoLongerQualifiedAtSigningTime() throws {
        let list = try TrustedListFixtures.list(TrustedListFixtures.pl2023)
        let signer = try TrustedListFixtures.certumSigner()
        let facts = QualificationFacts.determine(
            certificate: signer, issuer: nil, signingTime: Date(timeIntervalSince1970: 1_483_228_800), lists: [list])
        XCTAssertEqual(facts.atIssuance.qualified, .yes)
        XCTAssertEqual(facts.atSigning?.qualified, .no)
        XCTAssertEqual(facts.qualified, .no)
        XCTAssertTrue(facts.notes.contains(.serviceNotGranted), "\(facts.notes)")
        XCTAssertTrue(facts.notes.contains(.changedSinceIssuance))
    }

    func testWithoutAnyListNothingIsQualifiedAndARefusedListMakesItIndeterminate() throws {
        let signer = try TrustedListFixtures.certumSigner()
        let none = QualificationFacts.determine(certificate: signer, issuer: nil, signingTime: nil, lists: [])
        XCTAssertEqual(none.qualified, .no)
        XCTAssertEqual(none.notes, [.noMatchingService])
        let refused = QualificationFacts.determine(certificate: signer, issuer: nil, signingTime: nil, lists: [], listsRefused: true)
        XCTAssertEqual(refused.qualified, .indeterminate)
    }

    func testAQualifiedTimeStampingServiceIsQualifiedOnlyFromItsStart() throws {
        let list = try TrustedListFixtures.list(TrustedListFixtures.pl2023)
        let (_, service) = try XCTUnwrap(list.services.first { $0.service.current.type == .tsaQTST && $0.service.current.status == .granted
            && $0.service.current.digitalIdentities.contains { if case .certificate = $0 { true } else { false } } })
        guard case .certificate(let listed)? = service.current.digitalIdentities.first(where: { if case .certificate = $0 { true } else { false } }),
            let tsa = listed.certificate
        else { return XCTFail("no certificate") }
        let start = service.periods.map(\.statusStartingTime).min()!
        XCTAssertEqual(TimeStampAuthorityFacts.determine(certificate: tsa, issuer: nil, at: Date(), lists: [list]).qualified, .yes)
        XCTAssertEqual(TimeStampAuthorityFacts.determine(certificate: tsa, issuer: nil, at: start - Self.day, lists: [list]).qualified, .no)
        XCTAssertNil(TimeStampAuthorityFacts.determine(certificate: tsa, issuer: nil, at: start - Self.day, lists: [list]).service)
    }

    func testANationalRootIsNotAGrant() throws {
        let list = try TrustedListFixtures.list(TrustedListFixtures.pl2023)
        guard let root = list.services.first(where: { $0.service.current.type == .nationalRootCAQC }),
            case .certificate(let listed)? = root.service.current.digitalIdentities.first, let rootCertificate = listed.certificate
        else { throw XCTSkip("no NationalRootCA-QC in this list") }
        // Whatever a root issues directly, at a time the root service is listed: no grant from it.
        let facts = QualificationFacts.determine(certificate: rootCertificate, issuer: rootCertificate, signingTime: Date(), lists: [list])
        XCTAssertEqual(facts.qualified, .no)
        XCTAssertEqual(facts.atSigning?.service?.type, .nationalRootCAQC)
        XCTAssertEqual(facts.atSigning?.notes, [.nationalRootNotGrant])
    }
}
