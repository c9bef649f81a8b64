import Foundation

/// Builds `.mo` bytes as GNU msgfmt lays them out (header, originals' table, translations' table, strings),
/// in either byte order, for tests of the reader.
struct MOCatalogWriter {
    struct Message {
        var context: String?
        var original: String
        var plural: String?
        var translations: [String]
    }

    var messages: [Message] = []

    func bytes(bigEndian: Bool = false) -> [UInt8] {
        func key(_ m: Message) -> [UInt8] {
            var bytes: [UInt8] = []
            if let context = m.context { bytes += Array(context.utf8) + [4] }
            bytes += Array(m.original.utf8)
            if let plural = m.plural { bytes += [0] + Array(plural.utf8) }
            return bytes
        }
        // msgfmt sorts by original; the reader must not depend on it, but we keep the convention.
        let sorted = messages.sorted { key($0).lexicographicallyPrecedes(key($1)) }
        let originals = sorted.map(key)
        let translations: [[UInt8]] = sorted.map { m in
            var bytes: [UInt8] = []
            for (index, form) in m.translations.enumerated() {
                if index > 0 { bytes.append(0) }
                bytes += Array(form.utf8)
            }
            return bytes
        }
        let count = sorted.count
        let headerSize = 28
        let originalsTable = headerSize
        let translationsTable = originalsTable + 8 * count
        let stringsStart = translationsTable + 8 * count
        var out: [UInt8] = []
        func u32(_ value: Int) {
            let v = UInt32(value)
            let bytes = withUnsafeBytes(of: bigEndian ? v.bigEndian : v.littleEndian) { Array($0) }
            out += bytes
        }
        u32(0x9504_12de)
        u32(0)                   // revision
        u32(count)
        u32(originalsTable)
        u32(translationsTable)
        u32(0)                   // hash table size
        u32(stringsStart)        // hash table offset (empty)
        var strings: [UInt8] = []
        var tables: [[(Int, Int)]] = [[], []]
        let lists: [[[UInt8]]] = [originals, translations]
        for (table, list) in lists.enumerated() {
            for string in list {
                tables[table].append((string.count, stringsStart + strings.count))
                strings += string + [0]
            }
        }
        for table in tables { for (length, offset) in table { u32(length); u32(offset) } }
        out += strings
        return out
    }
}
