import CorpusIO

/// A document between curation stages: one JSON object per line of a `.jsonl.zst` file, with
/// Dolma's fields (`id`, `text`, `source`, `added`, `metadata`).
public struct Document: Sendable, Equatable, Codable {
    /// Stable identity: `<source>/<relative path>`, then `!<member>` per archive level, then
    /// `#<record index>` for JSONL records. The same input gives the same id on any machine.
    public var id: String
    public var text: String
    /// The manifest source's name.
    public var source: String
    /// When the text was last modified (the file's or archive member's mtime), ISO 8601 in UTC.
    /// Taken from the input, not the clock, so a rerun writes the same bytes.
    public var added: String
    /// `path`, `member` (archive members, `!`-joined when nested), `domain`, `license`, plus the
    /// other fields of a JSONL input record (its own `id` included) under their own names.
    public var metadata: [String: JSONValue]

    public init(id: String, text: String, source: String, added: String, metadata: [String: JSONValue]) {
        self.id = id
        self.text = text
        self.source = source
        self.added = added
        self.metadata = metadata
    }

    /// One JSONL line (with the trailing newline), fields in Dolma order, metadata keys sorted.
    public func jsonLine(into out: inout [UInt8]) {
        out.append(contentsOf: #"{"id":"#.utf8)
        JSONText.appendString(id, to: &out)
        out.append(contentsOf: #","text":"#.utf8)
        JSONText.appendString(text, to: &out)
        out.append(contentsOf: #","source":"#.utf8)
        JSONText.appendString(source, to: &out)
        out.append(contentsOf: #","added":"#.utf8)
        JSONText.appendString(added, to: &out)
        out.append(contentsOf: #","metadata":"#.utf8)
        JSONValue.object(metadata).write(to: &out)
        out.append(contentsOf: "}\n".utf8)
    }
}
