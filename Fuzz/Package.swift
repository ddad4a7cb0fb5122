// swift-tools-version:6.1
//
// Fuzz targets for every parser of outside bytes (libFuzzer, through the
// Swift toolchain's -sanitize=fuzzer). A package of its own, so that the
// instrumented build (its own scratch path, .build-fuzz) never mixes with
// the normal one. Built and run by scripts/fuzz.sh (`make fuzz`,
// and a short run in `make test`); docs/fuzzing.md.
import PackageDescription

/// Target name → the parent package's library products it fuzzes.
let targets: [(String, [String])] = [
    ("FuzzTar", ["Tar"]),
    ("FuzzXML", ["XAdES"]),
    ("FuzzFlatJSON", ["Station"]),
    ("FuzzConfiguration", ["DaemonConfiguration"]),
    ("FuzzCMS", ["CMS", "CAdES"]),
    ("FuzzCAdESExamination", ["CAdES"]),
    ("FuzzTimeStampResponse", ["Timestamping", "CMS"]),
    ("FuzzSignRequest", ["Station"]),
    ("FuzzCertificate", ["QualifiedCertificates"]),
    ("FuzzXAdESExamination", ["XAdES", "Evidence", "Validation"]),
    ("FuzzXAdESExtension", ["XAdES", "Evidence", "Signing"]),
    ("FuzzTrustedList", ["TrustedLists", "XAdES"]),
    ("FuzzOCSPResponse", ["Revocation"]),
    ("FuzzCRL", ["Revocation"]),
]

let package = Package(
    name: "PodpisFuzz",
    dependencies: [.package(name: "Podpis", path: "..")],
    targets: [.target(name: "FuzzSupport")]
        + targets.map { name, products in
            .executableTarget(
                name: name,
                dependencies: ["FuzzSupport"] + products.map { .product(name: $0, package: "Podpis") })
        },
    swiftLanguageModes: [.v6]
)
