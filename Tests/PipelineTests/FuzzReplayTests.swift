import Foundation
import Testing

/// The fuzz harnesses' regression inputs (Tests/Fuzz/<target>/) and seeds replayed through `plm-fuzz`
/// in an ordinary build: every reader must come back (an error is fine, a crash is not).
@Suite("Fuzz regression inputs")
struct FuzzReplayTests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func files(_ folder: String, suffix: String = "") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + folder)) ?? [])
            .filter { $0.hasSuffix(suffix) && $0 != "README.md" }.sorted().map { root + "/" + folder + "/" + $0 }
    }

    @Test("every regression input and seed goes through its reader without a crash")
    func replay() throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("plm-fuzz").path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "no plm-fuzz at \(binary)")
        var inputs: [String: [String]] = [
            // (PipelineCheckTests writes check-*.yaml there for a moment: not a seed.)
            "yaml": Self.files("pipelines", suffix: ".yaml").filter { !$0.contains("/check-") } + Self.files("manifests", suffix: ".yaml"),
            "jsonl": Self.files("corpora/chat-example", suffix: ".jsonl"),
            "tokenizer": Self.files("Tests/TokenizationTests/Fixtures").filter { $0.contains("tokenizer_") },
            "fasttext": Self.files("Tests/LanguageIDTests/Fixtures").filter { $0.hasSuffix(".bin") || $0.hasSuffix(".ftz") },
        ]
        for target in ["yaml", "jsonl", "html", "tokenizer", "mds-index", "mds-shard", "safetensors", "gguf", "mo", "fasttext"] {
            inputs[target, default: []] += Self.files("Tests/Fuzz/" + target)
        }
        for (target, files) in inputs.sorted(by: { $0.key < $1.key }) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            // --seeds: the valid files our own writers make (shards, safetensors, GGUF, HTML) too.
            process.arguments = [target, "--seeds"] + files
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(target): a reader crashed")
        }
    }
}
