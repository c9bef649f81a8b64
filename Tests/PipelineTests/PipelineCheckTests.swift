import Foundation
import Testing
@testable import Pipeline

/// Every section of a pipeline is checked before any work, with file:line:column: each case below printed
/// "ok" from `plm validate` before (issue 15), and `plm run` failed only after ingest, dedup, filters and
/// packing had run.
@Suite("Pipeline checked whole before it runs")
struct PipelineCheckTests {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    @Test("a wrong value in any section is an error at its line, before any work", arguments: [
        ("  micro_batch: 8", "  micro_batch: -1", "key 'micro_batch' in section 'model' must be an integer >= 1"),
        ("  vocab_size: 4096", "  vocab_size: 100", "key 'vocab_size' in section 'tokenizer' must be at least 259"),
        ("  peak_lr: 3.0e-3", "  peak_lr: -1", "key 'peak_lr' in section 'schedule' must be a positive number"),
        ("{name: anneal, segment: decay, steps: 150}", "{name: anneal, segment: decay, steps: -3}",
         "key 'steps' in schedule phase 'anneal' must be an integer >= 1"),
        ("{name: anneal, segment: decay, steps: 150}", "{name: annealx, segment: decay, steps: 150}",
         "schedule phase 'annealx' trains on data no phase packs"),
        ("  preset: qwen2 ", "  presetx: qwen2 ", "unknown key 'presetx' in section 'tokenizer'"),
        ("  max_tokens: 40", "  max_tokens: x", "key 'max_tokens' in section 'eval' must be an integer"),
        ("  preset: plm-tiny", "  preset: plm-huge", "section 'model': unknown preset 'plm-huge'"),
        ("manifest: ../manifests/local.yaml", "manifest: ../manifests/nothere.yaml", "the manifest"),
    ])
    func sectionErrors(original: String, changed: String, message: String) throws {
        let text = try String(contentsOfFile: Self.packageRoot + "/pipelines/local.yaml", encoding: .utf8)
        #expect(text.contains(original))
        let edited = text.replacingOccurrences(of: original, with: changed)
        let line = edited.components(separatedBy: "\n").firstIndex { $0.contains(changed.trimmingCharacters(in: .whitespaces)) }! + 1
        // Written beside the shipped one, so the manifest path resolves the same way.
        let path = Self.packageRoot + "/pipelines/check-\(UUID().uuidString).yaml"
        try Data(edited.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: ConfigError.self) { try PipelineConfig.loadWithManifest(path: path) }
        #expect(error?.message.contains(message) == true, "\(error?.description ?? "no error")")
        #expect(error?.location?.line == line, "\(error?.description ?? "no error"), expected line \(line)")
    }
}
