// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "plm",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "plm", targets: ["plm"]),
        .executable(name: "plm-bench", targets: ["plm-bench"]),
        .library(name: "PLMData", targets: ["CorpusIO", "Curation", "PLMModel", "Pipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // MARK: C libraries (system library targets: module map + shim header, nothing else)
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"])]),

        // MARK: Library modules, along the data flow
        // The only Swift code that touches libzstd, libarchive and xxhash.
        .target(name: "CorpusIO", dependencies: ["CZstd", "CArchive", "CXXHash"]),
        // Documents, ingest, statistics (later: dedup, filters).
        .target(name: "Curation", dependencies: ["CorpusIO"]),
        // The PLM model and trainer; for now the BLAS wrapper (only importer of CBLAS).
        .target(name: "PLMModel", dependencies: ["CBLAS"]),
        // Manifest + pipeline YAML (strict), runner, executors.
        .target(name: "Pipeline", dependencies: [
            "CorpusIO", "Curation", "PLMModel",
            .product(name: "Yams", package: "Yams"),
        ]),

        // MARK: Executables
        .executableTarget(name: "plm", dependencies: [
            "Pipeline", "Curation", "CorpusIO", "PLMModel",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "plm-bench", dependencies: [
            "Pipeline", "Curation", "CorpusIO",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Tests
        .testTarget(name: "CorpusIOTests", dependencies: ["CorpusIO"]),
        .testTarget(name: "CurationTests", dependencies: ["Curation", "CorpusIO"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Curation", "CorpusIO", "PLMModel"]),
    ],
    swiftLanguageModes: [.v6]
)
