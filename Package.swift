// swift-tools-version: 6.1
import PackageDescription

// The MinHash kernel is built a second time for Haswell-class x86 CPUs (AVX2) and chosen at run time;
// elsewhere the portable kernel in Curation runs. The manifest is compiled for the build host, so
// this check picks the flag for the machine that builds.
#if arch(x86_64)
// Optimised even in debug builds: unoptimised SIMD code is dozens of times slower and would make the
// test suite crawl.
let avx2Flags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell", "-O"])]
// The inference kernels are also built for AVX-512 CPUs (skylake-avx512: F, CD, BW, DQ, VL).
let avx512Flags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "skylake-avx512", "-O"])]
let portableKernelFlags: [SwiftSetting] = [.unsafeFlags(["-O"])]
#else
let avx2Flags: [SwiftSetting] = []
let avx512Flags: [SwiftSetting] = []
let portableKernelFlags: [SwiftSetting] = []
#endif

let package = Package(
    name: "plm",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "plm", targets: ["plm"]),
        .executable(name: "plm-bench", targets: ["plm-bench"]),
        .library(name: "PLMData", targets: ["CorpusIO", "Stages", "LanguageID", "Curation", "Tokenization", "Shards", "PLMModel", "PLMInference",
                                            "Pipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        // MARK: C libraries (system library targets: module map + shim header, nothing else)
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"])]),
        // Not a library: the compiler's prefetch builtin, for the sparse decode kernels.
        .systemLibrary(name: "CPrefetch"),

        // MARK: Library modules, along the data flow
        // The only Swift code that touches libzstd, libarchive and xxhash.
        .target(name: "CorpusIO", dependencies: [
            "CZstd", "CArchive", "CXXHash",
            .product(name: "HeapModule", package: "swift-collections"),
        ]),
        // Task stages: the split into tasks, completion markers, logs and stats under one run layout, and
        // the executor that runs them on this machine. Every stage of a run, ingest to training, is one.
        .target(name: "Stages", dependencies: ["CorpusIO"]),
        // Language identification: gettext catalogs as labelled text, the built-in character n-gram model,
        // fastText model files (lid.176, GlotLID) read and predicted bit for bit.
        .target(name: "LanguageID", dependencies: ["CorpusIO"]),
        // The MinHash permutation kernel for AVX2 CPUs (called only after a CPU check).
        .target(name: "MinHashAVX2", swiftSettings: avx2Flags),
        // Documents, ingest, dedup, statistics (later: filters).
        .target(name: "Curation", dependencies: [
            "CorpusIO", "Stages", "MinHashAVX2", "LanguageID",
            .product(name: "HeapModule", package: "swift-collections"),
        ]),
        // Byte-level BPE: pre-tokenizer scanners, trainer, encoder/decoder, tokenizer.json.
        .target(name: "Tokenization"),
        // Packing into MDS / Megatron shards, mixtures, chat rendering with loss masks, the shard reader.
        .target(name: "Shards", dependencies: [
            "CorpusIO", "Tokenization",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The PLM model and trainer; BLAS.swift is the only importer of CBLAS.
        .target(name: "PLMModel", dependencies: ["CBLAS", "Shards"]),
        // Matrix-vector kernels of the inference engine (f32, f16, q8_0): generic @inlinable bodies, built
        // once portably and once per x86 SIMD level by thin modules that instantiate them; the engine picks
        // one at run time after checking the CPU.
        .target(name: "InferenceKernels", dependencies: ["CPrefetch"], swiftSettings: portableKernelFlags),
        .target(name: "InferenceKernelsAVX2", dependencies: ["InferenceKernels"], swiftSettings: avx2Flags),
        .target(name: "InferenceKernelsAVX512", dependencies: ["InferenceKernels"], swiftSettings: avx512Flags),
        // The inference engine beside the trainer (same layers, config and parameter names): latent MLA
        // cache, quantized weights, sampling, chat, evaluation, GGUF and Hugging Face checkpoints.
        .target(name: "PLMInference", dependencies: [
            "PLMModel", "Tokenization", "Shards", "CorpusIO",
            "InferenceKernels", "InferenceKernelsAVX2", "InferenceKernelsAVX512",
        ]),
        // Manifest + pipeline YAML (strict), runner, executors.
        .target(name: "Pipeline", dependencies: [
            "CorpusIO", "Stages", "Curation", "LanguageID", "Tokenization", "Shards", "PLMModel", "PLMInference",
            .product(name: "Yams", package: "Yams"),
        ]),

        // Code only tests and benchmarks use: near-duplicate generators and LSH accuracy evaluation.
        .target(name: "CurationTestSupport", dependencies: ["Curation", "CorpusIO"]),

        // MARK: Executables
        .executableTarget(name: "plm", dependencies: [
            "Pipeline", "Stages", "Curation", "CorpusIO", "Tokenization", "Shards", "PLMModel", "PLMInference", "LanguageID",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "plm-bench", dependencies: [
            "CurationTestSupport", "Pipeline", "Stages", "Curation", "CorpusIO", "Tokenization", "Shards", "PLMModel", "PLMInference",
            "LanguageID", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Fuzz harnesses for every reader of outside bytes (scripts/fuzz builds them with libFuzzer);
        // an ordinary build replays inputs through them.
        .executableTarget(name: "plm-fuzz", dependencies: [
            "Pipeline", "Curation", "CorpusIO", "Tokenization", "Shards", "PLMModel", "PLMInference", "Stages", "LanguageID",
        ]),

        // MARK: Tests
        .testTarget(name: "CorpusIOTests", dependencies: ["CorpusIO"]),
        .testTarget(name: "CurationTests", dependencies: ["Curation", "CurationTestSupport", "Stages", "CorpusIO", "LanguageID"], exclude: ["Fixtures"]),
        .testTarget(name: "LanguageIDTests", dependencies: ["LanguageID", "CorpusIO"], exclude: ["Fixtures"]),
        .testTarget(name: "TokenizationTests", dependencies: ["Tokenization"], exclude: ["Fixtures"]),
        .testTarget(name: "ShardsTests", dependencies: ["Shards", "Tokenization", "CorpusIO"]),
        .testTarget(name: "PLMModelTests", dependencies: ["PLMModel", "Shards"]),
        .testTarget(name: "PLMInferenceTests", dependencies: [
            "PLMInference", "PLMModel", "Tokenization", "Shards", "CorpusIO", "InferenceKernels",
        ], exclude: ["Fixtures"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Stages", "Curation", "CorpusIO", "PLMModel", "Tokenization", "Shards"]),
    ],
    swiftLanguageModes: [.v6]
)
