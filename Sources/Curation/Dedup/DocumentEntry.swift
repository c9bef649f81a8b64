import CorpusIO
import Foundation

/// One line of `dedup/signatures/docs/<task>.jsonl.zst`: what later dedup stages need to know about
/// a document without reading its text again.
struct DocumentEntry: Codable, Equatable {
    /// Position in its task's document stream.
    var index: Int
    var id: String
    var source: String
    var priority: Int
    /// UTF-8 bytes of its text.
    var bytes: Int
    /// xxh3-128 of its (optionally normalised) text, 32 hex digits.
    var hash: String

    func write(to out: inout [UInt8]) {
        JSONText.appendObject([("index", .int(Int64(index))), ("id", .string(id)), ("source", .string(source)),
                               ("priority", .int(Int64(priority))), ("bytes", .int(Int64(bytes))),
                               ("hash", .string(hash))], to: &out)
        out.append(0x0A)
    }

    /// Reads a task's entries, calling `body` for each.
    static func forEach(path: String, producer: String, invalidate: () -> Void,
                        _ body: (DocumentEntry) throws -> Void) throws {
        guard FileSystem.exists(path) else {
            invalidate()
            throw CorruptIntermediateError(path: path, problem: "missing", producer: producer)
        }
        let decoder = JSONDecoder()
        do {
            try ZstdLineReader.forEachLine(path: path) { line in
                guard case .line(let bytes, _) = line, !bytes.isEmpty else { return }
                try body(try decoder.decode(DocumentEntry.self, from: Data(bytes)))
            }
        } catch let error as CorruptInputError {
            invalidate()
            throw CorruptIntermediateError(path: path, problem: error.message, producer: producer)
        } catch is DecodingError {
            invalidate()
            throw CorruptIntermediateError(path: path, problem: "a line is not a document entry", producer: producer)
        }
    }
}
