import Foundation

/// The one reader of document files between stages (`.jsonl.zst`, or plain `.jsonl`): line by line,
/// each line decoded into `Record`, a Decodable that names only the fields its stage reads. JSONDecoder
/// matches the other keys and skips their values without building them, so a stage that needs `id` and
/// `text` never materialises a document's metadata. Blank lines are skipped; a line that does not decode
/// goes to `onBadLine` with its file, line number and byte offset, and the stage decides: throw it (dedup,
/// whose stages must agree on every document's index) or count it and go on (packing).
public struct DocumentReader<Record: Decodable> {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Calls `body` with each decoded record and where it came from; bad lines go to `onBadLine`.
    public func forEach(_ body: (Record, DocumentLine) throws -> Void,
                        onBadLine: (BadDocumentLine) throws -> Void) throws {
        let decoder = JSONDecoder()
        try forEachLine({ line in
            let record: Record
            do {
                record = try decoder.decode(Record.self, from: Data(line.bytes))
            } catch {
                try onBadLine(BadDocumentLine(path: path, line: line.number, offset: line.offset,
                                              reason: Self.describe(error)))
                return
            }
            try body(record, line)
        }, onBadLine: onBadLine)
    }

    /// Calls `body` with each non-blank line undecoded (for stages that copy most lines through).
    public func forEachLine(_ body: (DocumentLine) throws -> Void,
                            onBadLine: (BadDocumentLine) throws -> Void) throws {
        var number = 0
        try ZstdLineReader.forEachLine(path: path) { item in
            number += 1
            switch item {
            case .overlong(let offset, let seen):
                try onBadLine(BadDocumentLine(path: path, line: number, offset: offset,
                                              reason: "a line of \(seen) bytes, longer than the reader allows"))
            case .line(let bytes, let offset):
                guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
                try body(DocumentLine(bytes: bytes, number: number, offset: offset))
            }
        }
    }

    /// A decoding error in one line, without Swift's coding-path noise when there is none.
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): "invalid JSON (\(context.debugDescription))"
        case DecodingError.keyNotFound(let key, _): "no field '\(key.stringValue)'"
        case DecodingError.typeMismatch(let type, let context):
            context.codingPath.isEmpty ? "not a JSON object"
                : "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' is not \(type)"
        case DecodingError.valueNotFound(_, let context):
            "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' is null"
        default: "\(error)"
        }
    }
}

/// One line of a document file: its bytes (without the newline), 1-based number and byte offset in the
/// decompressed stream.
public struct DocumentLine {
    public let bytes: UnsafeRawBufferPointer
    public let number: Int
    public let offset: Int
}

/// A line that is not a record of the expected shape.
public struct BadDocumentLine: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let line: Int
    public let offset: Int
    public let reason: String

    public var description: String { "\(path) line \(line) (byte offset \(offset)): \(reason)" }

    /// The same problem as a `CorruptInputError` (file and offset), for stages that stop on it.
    public var corruptInput: CorruptInputError { CorruptInputError(path: path, offset: offset, message: "not a document record: \(reason)") }
}
