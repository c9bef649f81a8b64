import CorpusIO
import Foundation
import Stages

/// The vocabulary size a run's tokenizer gives the model: one past the largest id in a Hugging Face
/// `tokenizer.json` (the BPE model's vocab and the added special tokens).
public enum TrainVocabulary {
    /// The size from `path`, nil when the file does not exist; a file that exists but holds no
    /// vocabulary is an error naming it.
    public static func size(tokenizerJSON path: String) throws -> Int? {
        guard FileSystem.exists(path) else { return nil }
        let bytes = try FileInput.readAll(path: path, limit: 1 << 30)
        guard let top = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw ExecutorError(message: "\(path): not a JSON object")
        }
        var largest = -1
        if let model = top["model"] as? [String: Any], let vocab = model["vocab"] as? [String: Any] {
            for case let id as NSNumber in vocab.values { largest = max(largest, id.intValue) }
        }
        if let added = top["added_tokens"] as? [[String: Any]] {
            for token in added { if let id = token["id"] as? NSNumber { largest = max(largest, id.intValue) } }
        }
        guard largest >= 0 else { throw ExecutorError(message: "\(path): no vocabulary found (model.vocab, added_tokens)") }
        return largest + 1
    }
}
