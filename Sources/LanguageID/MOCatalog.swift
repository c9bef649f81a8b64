import CorpusIO

/// One message of a gettext catalog: the English original (with its plural form when it has one) and its
/// translations (one per plural form of the language).
public struct MOEntry: Sendable, Equatable {
    /// `msgctxt`: disambiguates identical originals ("Open" the verb, "Open" the state); never text to learn.
    public var context: String?
    public var original: String
    public var originalPlural: String?
    /// `msgstr`, or `msgstr[0]`, `msgstr[1]`, ... for a plural entry.
    public var translations: [String]

    public init(context: String? = nil, original: String, originalPlural: String? = nil, translations: [String]) {
        self.context = context
        self.original = original
        self.originalPlural = originalPlural
        self.translations = translations
    }

    /// The header entry (empty original): the catalog's metadata, not a message.
    public var isHeader: Bool { original.isEmpty && context == nil }
}

/// A compiled gettext catalog (`.mo`), as GNU gettext writes it: a magic number in either byte order, a
/// revision, and two tables of (length, offset) pairs pointing at NUL-terminated strings. An original is
/// `msgctxt EOT msgid NUL msgid_plural`; a translation is its plural forms joined by NUL.
public enum MOCatalog {
    static let magic: UInt32 = 0x9504_12de

    /// Reads the catalog at `path`.
    public static func read(path: String) throws -> [MOEntry] {
        try parse(try readFile(path), path: path)
    }

    /// Parses catalog bytes; errors name `path` and the byte offset of the problem.
    public static func parse(_ bytes: [UInt8], path: String) throws(LanguageIDFileError) -> [MOEntry] {
        var probe = ByteCursor(bytes: bytes, path: path)
        let first = try probe.uint32("the magic number")
        let bigEndian: Bool
        if first == magic { bigEndian = false }
        else if first.byteSwapped == magic { bigEndian = true }
        else { throw probe.error("not a gettext catalog (magic 0x\(String(first, radix: 16)))", at: 0) }
        var cursor = ByteCursor(bytes: bytes, path: path, bigEndian: bigEndian)
        cursor.offset = 4
        let revision = try cursor.uint32("the revision")
        // Major revisions 0 and 1 share this layout (1 adds system-dependent strings, which we do not read).
        guard revision >> 16 <= 1 else { throw cursor.error("unsupported revision \(revision >> 16)", at: 4) }
        let count = Int(try cursor.uint32("the string count"))
        let originals = Int(try cursor.uint32("the originals' table offset"))
        let translations = Int(try cursor.uint32("the translations' table offset"))
        for (table, name) in [(originals, "originals"), (translations, "translations")] {
            guard count <= (bytes.count - min(table, bytes.count)) / 8 else {
                throw cursor.error("the \(name)' table of \(count) strings runs past the end", at: table)
            }
        }
        var entries: [MOEntry] = []
        entries.reserveCapacity(count)
        for index in 0..<count {
            let original = try string(in: cursor, table: originals, index: index)
            let translated = try string(in: cursor, table: translations, index: index)
            entries.append(entry(original: original, translated: translated))
        }
        return entries
    }

    /// The bytes of string `index` of the table at `table`.
    static func string(in cursor: ByteCursor, table: Int, index: Int) throws(LanguageIDFileError) -> ArraySlice<UInt8> {
        let slot = table + index * 8
        let length = Int(cursor.unsigned(at: slot, width: 4))
        let start = Int(cursor.unsigned(at: slot + 4, width: 4))
        guard start <= cursor.bytes.count, length < cursor.bytes.count - start else {
            throw cursor.error("string \(index) (\(length) bytes at \(start)) runs past the end", at: slot)
        }
        return cursor.bytes[start..<start + length]
    }

    static func entry(original: ArraySlice<UInt8>, translated: ArraySlice<UInt8>) -> MOEntry {
        var context: String?
        var body = original
        if let eot = body.firstIndex(of: 0x04) {
            context = text(body[body.startIndex..<eot])
            body = body[(eot + 1)...]
        }
        let parts = body.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
        let forms = translated.split(separator: 0, omittingEmptySubsequences: false).map(text)
        return MOEntry(context: context, original: text(parts.first ?? []),
                       originalPlural: parts.count > 1 ? text(parts[1]) : nil, translations: forms)
    }

    /// Catalogs are UTF-8 on Debian; other bytes are repaired rather than refused (the rules cut such
    /// entries later if they are noise).
    static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}

/// The whole file, or an error naming it.
func readFile(_ path: String) throws -> [UInt8] {
    try FileInput.readAll(path: path)
}
