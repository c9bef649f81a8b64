import CorpusIO
import Foundation

/// The documents of one task of a stage's output, source after source in manifest order: the
/// order that gives each document its index within the task, which dedup's files refer to.
struct DocumentStream {
    let sources: [DedupSource]
    /// The file of `source` for this task (it may not exist: a task can have no document of a source).
    let path: (String) -> String

    /// Calls `body` with each document's id and text, its source and its index in the task.
    /// (Only those two fields are decoded: metadata can be large and is not needed.) A line that is
    /// not a document stops the stage: every dedup stage must count the same documents.
    func forEach(_ body: (DocumentText, DedupSource, Int) throws -> Void) throws {
        var index = 0
        for source in sources {
            let file = path(source.name)
            guard FileSystem.exists(file) else { continue }
            try DocumentReader<DocumentText>(path: file).forEach({ document, _ in
                try body(document, source, index)
                index += 1
            }, onBadLine: { throw $0.corruptInput })
        }
    }

    /// Calls `body` with each document's raw JSON line (without its newline), its source, its index,
    /// and the file and offset it came from (for messages). For stages that pass most lines through.
    func forEachLine(_ body: (UnsafeRawBufferPointer, DedupSource, Int, String, Int) throws -> Void) throws {
        var index = 0
        for source in sources {
            let file = path(source.name)
            guard FileSystem.exists(file) else { continue }
            try DocumentReader<DocumentText>(path: file).forEachLine({ line in
                try body(line.bytes, source, index, file, line.offset)
                index += 1
            }, onBadLine: { throw $0.corruptInput })
        }
    }
}

/// The two fields of a document record that dedup reads.
struct DocumentText: Decodable {
    var id: String
    var text: String
}
