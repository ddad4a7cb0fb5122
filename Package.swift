// swift-tools-version:6.1
//
// Podpis — a signing station for Polish public administration.
//
// Targets are listed bottom-up, one layer after another; each depends only on
// layers below it. The layers are the table "Module layers" in
// docs/architecture.md; Tests/Tools/check_imports.py (run by the tests) checks
// this file's order and dependencies and every import against it.
//
// A module with sentences for the clerk keeps them in its messages.json,
// embedded in the binary (`messages`); Tests/Tools/check_messages.py checks
// every catalog against the code.
import PackageDescription

// Other packages' products, named once.
let asn1: Target.Dependency = .product(name: "SwiftASN1", package: "swift-asn1")
let x509: Target.Dependency = .product(name: "X509", package: "swift-certificates")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let cryptoExtras: Target.Dependency = .product(name: "CryptoExtras", package: "swift-crypto")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let hummingbirdTesting: Target.Dependency = .product(name: "HummingbirdTesting", package: "hummingbird")
let serviceLifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let tomlKit: Target.Dependency = .product(name: "TOMLKit", package: "TOMLKit")
let httpClient: Target.Dependency = .product(name: "AsyncHTTPClient", package: "async-http-client")

/// A module's sentences for the clerk (messages.json), embedded in the binary.
let messages: [Resource] = [.embedInCode("messages.json")]


let package = Package(
    name: "Podpis",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "podpis", targets: ["podpis"]),
        .executable(name: "podpisd", targets: ["podpisd"]),
        // For the fuzz targets in Fuzz/ (a package of its own): the parsers of outside bytes.
        .library(name: "Tar", targets: ["Tar"]),
        .library(name: "CMS", targets: ["CMS"]),
        .library(name: "Timestamping", targets: ["Timestamping"]),
        .library(name: "XAdES", targets: ["XAdES"]),
        .library(name: "CAdES", targets: ["CAdES"]),
        .library(name: "DaemonConfiguration", targets: ["DaemonConfiguration"]),
        .library(name: "Station", targets: ["Station"]),
        .library(name: "QualifiedCertificates", targets: ["QualifiedCertificates"]),
        .library(name: "Evidence", targets: ["Evidence"]),
        .library(name: "Revocation", targets: ["Revocation"]),
        .library(name: "TrustedLists", targets: ["TrustedLists"]),
        .library(name: "Validation", targets: ["Validation"]),
        .library(name: "LongTerm", targets: ["LongTerm"]),
        .library(name: "Signing", targets: ["Signing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        // 4.x: 3.12.3 freed an RSA public key twice when both its parsers refused it (abort on a damaged certificate; Fuzz/Regressions/FuzzTimeStampResponse)
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // MARK: C shims
        .systemLibrary(
            name: "CPCSC", path: "Sources/CPCSC", pkgConfig: "libpcsclite",
            providers: [.apt(["libpcsclite-dev"])]),
        .systemLibrary(
            name: "CPKCS11", path: "Sources/CPKCS11", pkgConfig: "p11-kit-1",
            providers: [.apt(["libp11-kit-dev"])]),
        .systemLibrary(
            name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),

        // MARK: Foundation, shared by every layer: bilingual messages, tar, atomic files
        .target(name: "Localization"),
        // hash functions, signature schemes, ECDSA's two encodings: what the token and the formats share
        .target(
            name: "SignatureAlgorithms",
            dependencies: [crypto, asn1]),
        // blocking calls (cards, modules, fsync) run off the cooperative pool: the one executor type
        .target(name: "Blocking"),
        .target(name: "Files", dependencies: ["Localization", "Blocking"], resources: messages),
        // tar streams: many documents in one upload, the seals of a batch in one download
        .target(name: "Tar", dependencies: ["Localization"], resources: messages),

        // MARK: Hardware
        .target(
            name: "SmartCard",
            dependencies: ["CPCSC", "Localization", logging], resources: messages),
        .target(
            name: "PKCS11",
            dependencies: ["CPKCS11", "Localization", "SignatureAlgorithms", x509, asn1, logging], resources: messages),

        // MARK: Signature formats
        .target(
            name: "CMS",
            dependencies: ["Localization", asn1, x509], resources: messages),
        // certificate facts
        .target(
            name: "QualifiedCertificates",
            dependencies: ["Localization", "SignatureAlgorithms", x509, asn1, crypto], resources: messages),

        .target(
            name: "Timestamping",
            dependencies: ["CMS", "Localization", asn1, x509, crypto], resources: messages),

        .target(
            name: "Signing",
            dependencies: ["CMS", "SignatureAlgorithms", asn1, x509, crypto]),
        // OCSP and CRL: DER types, checked at a given time, and the fetcher
        // that follows certificate URLs under limits (outside bytes, all of it).
        .target(
            name: "Revocation",
            dependencies: ["CMS", "SignatureAlgorithms", "Localization", "Files", asn1, x509, crypto, httpClient], resources: messages),

        // What a signature already made shows about itself, before trust:
        // intact or not, which certificate, what it signs, its time-stamps.
        .target(
            name: "Evidence",
            dependencies: ["CMS", "Timestamping", "SignatureAlgorithms", "Files", asn1, x509, crypto, cryptoExtras]),

        .target(
            name: "CAdES",
            dependencies: ["CMS", "Signing", "Evidence", "Timestamping", "SignatureAlgorithms", "Files", asn1, x509, crypto]),

        .target(
            name: "XAdES",
            dependencies: ["CLibXML2", "CMS", "Signing", "Evidence", "Timestamping", "SignatureAlgorithms", "Files", "Localization", x509], resources: messages),

        // ETSI TS 119 612 trusted lists and the EU list of lists: parsed,
        // signature-checked (XAdES), cached; services, status history, qualifiers.
        .target(
            name: "TrustedLists",
            dependencies: ["XAdES", "CMS", "SignatureAlgorithms", "CLibXML2", "Files", "Localization", x509, asn1, crypto], resources: messages),
        // EN 319 102-1 validation of signatures already made (XAdES, CAdES),
        // qualification (TS 119 615 / 119 172-4), and the report in its renderings.
        .target(
            name: "Validation",
            dependencies: [
                "XAdES", "CAdES", "CMS", "Signing", "Timestamping", "Evidence", "Revocation", "TrustedLists", "QualifiedCertificates",
                "SignatureAlgorithms", "Files", "Localization", "CLibXML2", asn1, x509, crypto,
            ], resources: messages),
        // Long-term signatures (B-LT, B-LTA): what a signature must carry, gathered
        // from the trust sources and the revocation cache or fetcher.
        .target(
            name: "LongTerm",
            dependencies: ["Validation", "CAdES", "XAdES", "Evidence", "Revocation", "SignatureAlgorithms", "Signing", "Timestamping", "CMS", "Localization", x509],
            resources: messages),

        // The one signature maker: a document, a form and a signer in,
        // XAdES or CAdES bytes out (used by the station and the sealer alike).
        .target(
            name: "Signatures",
            dependencies: ["CAdES", "XAdES", "Signing", "Timestamping", "Files", "SignatureAlgorithms"]),

        // MARK: Station
        .target(
            name: "Inventory",
            dependencies: ["SmartCard", "PKCS11", "SignatureAlgorithms", "QualifiedCertificates", "Localization"], resources: messages),

        // The audit trail (hash-chained, anchored) and who asks (Requester):
        // written by signing and sealing, read by `podpis audit`.
        .target(
            name: "Audit",
            dependencies: ["Files", "SignatureAlgorithms", crypto]),

        .target(
            name: "DaemonConfiguration",
            dependencies: ["Localization", "Signing", "Revocation", tomlKit], resources: messages),
        // Unattended sealing: the seal key kept logged in on several sessions,
        // a journal, and the pipeline that seals documents as fast as the token allows.
        .target(
            name: "Sealing",
            dependencies: [
                "PKCS11", "SignatureAlgorithms", "Inventory", "QualifiedCertificates", "Signing", "XAdES", "CAdES",
                "Timestamping", "Files", "Localization", "DaemonConfiguration", "Blocking", "Audit", "Signatures", "LongTerm", "Revocation",
                "TrustedLists", "Validation", crypto,
            ], resources: messages),
        .target(
            name: "Doctor",
            dependencies: [
                "Inventory", "SmartCard", "PKCS11", "SignatureAlgorithms", "QualifiedCertificates", "Timestamping", "CMS",
                "DaemonConfiguration", "Localization", x509, asn1, crypto,
            ], resources: messages),
        // The protocol's wire types that a client reads too (the batch API's
        // status, documents and seal stream records): podpis needs them, not the station.
        .target(
            name: "StationAPI",
            dependencies: [
                "Audit", "Signatures", "Signing", "Localization", "DaemonConfiguration", "Inventory", "PKCS11", "CAdES", "XAdES", "CMS",
                "Timestamping", "Files",
            ], resources: messages),
        // `podpis setup desk | sealing-server`: podpisd.toml, browser policies and
        // units written as docs/deployment.md describes, checked by the doctor.
        .target(
            name: "Setup",
            dependencies: ["Doctor", "DaemonConfiguration", "Files", "Localization", tomlKit], resources: messages),

        .target(
            name: "Station",
            dependencies: [
                "Inventory", "SmartCard", "PKCS11", "SignatureAlgorithms", "QualifiedCertificates", "Signing", "CAdES", "XAdES",
                "CMS", "Timestamping", "Files", "Localization", "Blocking", "DaemonConfiguration", "Audit", "StationAPI",
                "Signatures", logging, x509, crypto,
            ], resources: messages),

        // MARK: Executables
        // Unattended sealing as a service of the daemon: seal batches (the
        // batch API), seal packs, hot folders, and the seal keys they share.
        .target(
            name: "SealService",
            dependencies: [
                "StationAPI", "Sealing", "Audit", "Files", "Tar", "Blocking", "Inventory", "PKCS11", "SignatureAlgorithms", "DaemonConfiguration",
                "Localization", logging, crypto,
            ], resources: messages),
        .executableTarget(
            name: "podpis",
            dependencies: [
                "Inventory", "SmartCard", "PKCS11", "SignatureAlgorithms", "QualifiedCertificates", "Signing", "CAdES", "XAdES",
                "Files", "DaemonConfiguration", "Localization", "Audit", "StationAPI", "Sealing", "Doctor", "Tar", "CMS",
                "Timestamping", "Evidence", "Validation", "LongTerm", "Revocation", "TrustedLists", "Setup", crypto, argumentParser, httpClient,
            ],
            resources: messages),
        .executableTarget(
            name: "podpisd",
            dependencies: [
                "Station", "DaemonConfiguration", "Inventory", "SmartCard", "Localization", "Sealing", "PKCS11",
                "SignatureAlgorithms", "Signing", "Tar", "Files", "QualifiedCertificates", "XAdES", "Evidence", "Validation", "Revocation", "TrustedLists", "Audit",
                "StationAPI", "SealService", "LongTerm", "Timestamping", "CMS", argumentParser, logging, hummingbird, serviceLifecycle, crypto,
            ],
            exclude: ["client/package.json"],
            // Embedded, so that the installed binary needs no resource bundle beside it.
            resources: [.embedInCode("openapi.yaml"), .embedInCode("client/podpis.js"), .embedInCode("client/podpis.d.ts")] + messages),

        // MARK: Benchmarks (make bench)
        .executableTarget(name: "DetachedSigningBenchmark", path: "Benchmarks/DetachedSigningBenchmark"),
        .executableTarget(
            name: "VerificationBenchmark", dependencies: ["Evidence", "Validation", "Revocation", "TrustedLists"],
            path: "Benchmarks/VerificationBenchmark"),
        .executableTarget(
            name: "LongTermBenchmark", dependencies: ["Evidence", "LongTerm", "Revocation", "Validation"], path: "Benchmarks/LongTermBenchmark"),
        .executableTarget(name: "SealingBenchmark", dependencies: ["PKCS11", "SignatureAlgorithms", "CLibXML2"], path: "Benchmarks/SealingBenchmark"),

        // MARK: Tests
        .target(name: "TestBench", path: "Tests/TestBench"),
        .target(name: "SigningFixtures", dependencies: ["PKCS11", "SignatureAlgorithms", "Signing", "TestBench"], path: "Tests/SigningFixtures"),
        .testTarget(name: "SmartCardTests", dependencies: ["SmartCard", "Localization", "TestBench"]),
        .testTarget(name: "PKCS11Tests", dependencies: ["PKCS11", "SignatureAlgorithms", "Inventory", "QualifiedCertificates", "TestBench"]),
        .testTarget(name: "QualifiedCertificatesTests", dependencies: ["QualifiedCertificates", "TestBench"]),
        .testTarget(name: "LongTermTests", dependencies: ["LongTerm", "CAdES", "Evidence", "Revocation", "Validation", "TestBench"]),
        .testTarget(
            name: "CAdESTests",
            dependencies: [
                "CAdES", "CMS", "Files", "PKCS11", "SignatureAlgorithms", "Signing", "SigningFixtures", "Timestamping",
                "TestBench", asn1,
            ]),
        .testTarget(name: "CLITests", dependencies: ["TestBench"]),
        .testTarget(name: "DaemonConfigurationTests", dependencies: ["DaemonConfiguration", "TestBench", tomlKit]),
        .testTarget(name: "PodpisdTests", dependencies: ["TestBench"]),
        .testTarget(name: "CLibXML2Tests", dependencies: ["CLibXML2", "TestBench"]),
        .testTarget(name: "DoctorTests", dependencies: ["Doctor", "Localization", "QualifiedCertificates", "TestBench"]),
        .testTarget(name: "SealingTests", dependencies: ["Sealing", "Station", "SealService", "Audit", "Files", "DaemonConfiguration", "TestBench"]),
        .testTarget(name: "TarTests", dependencies: ["Tar", "TestBench"]),
        .testTarget(name: "SetupTests", dependencies: ["Setup", "DaemonConfiguration", "TestBench"]),
        .testTarget(name: "BlockingTests", dependencies: ["Blocking", "TestBench"]),
        .testTarget(name: "AuditTests", dependencies: ["Audit"]),
        .testTarget(name: "SealServiceTests", dependencies: ["SealService", "StationAPI", "Audit"]),
        .testTarget(name: "FilesTests", dependencies: ["Files"]),
        .testTarget(name: "LocalizationTests", dependencies: ["Localization", "TestBench"]),
        .testTarget(name: "SignatureAlgorithmsTests", dependencies: ["SignatureAlgorithms", "TestBench"]),
        .testTarget(name: "SigningTests", dependencies: ["Signing", "SignatureAlgorithms", asn1]),
        .testTarget(name: "InventoryTests", dependencies: ["Inventory", "PKCS11"]),
        .testTarget(
            name: "StationAPITests",
            dependencies: ["StationAPI", "Audit", "CMS", "DaemonConfiguration", "Files", "PKCS11", "Timestamping", "XAdES"]),
        .testTarget(name: "RevocationTests", dependencies: ["Revocation", "CMS", "TestBench", asn1, x509, crypto]),
        .testTarget(name: "TrustedListsTests", dependencies: ["TrustedLists", "XAdES", "TestBench", x509]),
        .testTarget(
            name: "ValidationTests",
            dependencies: ["Validation", "XAdES", "CAdES", "Revocation", "TrustedLists", "Signing", "TestBench", x509]),
        .testTarget(name: "EvidenceTests", dependencies: ["Evidence", "Files", "TestBench", asn1, x509, crypto]),
        .testTarget(name: "TimestampingTests", dependencies: ["Timestamping", "CMS", "TestBench"]),
        .testTarget(
            name: "SignaturesTests",
            dependencies: ["Signatures", "XAdES", "Files", "PKCS11", "SignatureAlgorithms", "Signing", "SigningFixtures", "TestBench"]),
        .testTarget(
            name: "PodpisdRouteTests",
            dependencies: ["podpisd", "Station", "SealService", hummingbirdTesting, hummingbird, logging]),
        .testTarget(
            name: "CMSTests",
            dependencies: ["CMS", asn1]),
        .testTarget(name: "StationTests", dependencies: ["Station", "StationAPI", "Audit", "TestBench"]),
        .testTarget(
            name: "XAdESTests",
            dependencies: ["XAdES", "Files", "PKCS11", "SignatureAlgorithms", "Signing", "SigningFixtures", "Timestamping", "TestBench"]),
    ],
    swiftLanguageModes: [.v6]
)
