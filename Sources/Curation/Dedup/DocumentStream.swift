import CorpusIO
import Foundation

/// The documents of one task of a stage's output, source after source in manifest order: the
/// order that gives each document its index within the task, which dedup's files refer to.
struct DocumentStream {
    let sources: [DedupSource]
    /// The file of `source` for this task (it may not exist: a task can have no document of a source).
    let path: (String) -> String

    /// Calls `body` with each document's id and text, its source and its index in the task.
    /// (Only those two fields are decoded: metadata can be large and is not needed.)
    func forEach(_ body: (DocumentText, DedupSource, Int) throws -> Void) throws {
        let decoder = JSONDecoder()
        try forEachLine { bytes, source, index, file, offset in
            let document: DocumentText
            do {
                document = try decoder.decode(DocumentText.self, from: Data(bytes))
            } catch {
                throw CorruptInputError(path: file, offset: offset, message: "not a document record: \(error)")
            }
            try body(document, source, index)
        }
    }

    /// Calls `body` with each document's raw JSON line (without its newline), its source, its index,
    /// and the file and offset it came from (for messages). For stages that pass most lines through.
    func forEachLine(_ body: (UnsafeRawBufferPointer, DedupSource, Int, String, Int) throws -> Void) throws {
        var index = 0
        for source in sources {
            let file = path(source.name)
            guard FileSystem.exists(file) else { continue }
            try ZstdLineReader.forEachLine(path: file) { line in
                guard case .line(let bytes, let offset) = line else {
                    throw CorruptInputError(path: file, offset: 0, message: "a line longer than the reader allows")
                }
                guard !bytes.isEmpty else { return }
                try body(bytes, source, index, file, offset)
                index += 1
            }
        }
    }
}

/// The two fields of a document record that dedup reads.
struct DocumentText: Decodable {
    var id: String
    var text: String
}
