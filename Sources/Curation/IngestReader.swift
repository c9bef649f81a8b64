import CorpusIO
import Foundation
import Stages

/// Where a document came from: a file, the archive members on the way down, a record index.
struct InputLocation {
    var file: WalkedFile
    var members: [String] = []

    var memberPath: String? { members.isEmpty ? nil : members.joined(separator: "!") }

    /// `relative/path!member!inner` — the id's stable part and the log's "where".
    var key: String { ([file.relativePath] + members).joined(separator: "!") }

    func entering(_ member: String) -> InputLocation {
        var copy = self
        copy.members.append(member)
        return copy
    }
}

/// Reads one source's files into documents, streaming: plain files, compressed streams, archives
/// (nested to a depth), JSONL records and HTML. Input problems are skipped, counted and logged;
/// only output failures throw.
final class IngestReader {
    let source: SourceSpec
    let config: IngestConfig
    private let cleaner: TextCleaner
    private let decoder = JSONDecoder()
    private let write: (Document) throws -> Void
    private let log: (String) -> Void
    private(set) var stats = SourceStats()
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)

    init(source: SourceSpec, config: IngestConfig, log: @escaping (String) -> Void,
         write: @escaping (Document) throws -> Void) {
        self.source = source
        self.config = config
        self.cleaner = TextCleaner(maxInvalidFraction: config.maxInvalidUTF8Fraction)
        self.log = log
        self.write = write
    }

    /// Reads one top-level file.
    func read(file: WalkedFile) throws {
        stats.files += 1
        stats.inputBytes += file.size
        let location = InputLocation(file: file)
        switch InputFormat.classify(name: file.relativePath, kind: source.kind) {
        case .archive:
            let archive: ArchiveReader
            do { archive = try ArchiveReader(file: file, mode: .archive) } catch {
                return skip(.corruptArchive, location, "\(error)")
            }
            try readMembers(of: archive, at: location, depth: 1)
        case .compressed(let inner):
            guard let stream = openStream({ try ArchiveReader(file: file, mode: .compressedStream) }, location)
            else { return }
            try readPayload(from: stream, named: inner, at: location, mtime: file.modificationTime,
                            compressed: true, failure: .corruptStream)
        case .jsonl, .html, .text:
            // JSONL files are streamed, so only their records are bounded.
            if file.size > config.maxDocumentBytes && InputFormat.classify(name: file.relativePath, kind: source.kind) != .jsonl {
                return skip(.tooLarge, location, "\(file.size) bytes")
            }
            let reader: PlainFileReader
            do { reader = try PlainFileReader(file: file) } catch {
                return skip(.unreadable, location, "\(error)")
            }
            try readPayload(from: reader, named: file.relativePath, at: location, mtime: file.modificationTime,
                            compressed: false, failure: .unreadable)
        }
    }

    /// Reads every member of an archive; a damaged archive keeps the members read before the damage.
    private func readMembers(of archive: ArchiveReader, at location: InputLocation, depth: Int) throws {
        while true {
            let entry: ArchiveEntry
            do {
                guard let next = try archive.nextEntry() else { return }
                entry = next
            } catch {
                return skip(.corruptArchive, location, "after \(archive.compressedBytesConsumed) bytes: \(error)")
            }
            guard entry.isRegularFile else { continue }
            let member = location.entering(entry.path)
            let format = InputFormat.classify(name: entry.path, kind: source.kind)
            if format == .archive {
                guard depth <= config.archiveDepth else {
                    skip(.nestedTooDeep, member, "archive nested \(depth + 1) deep")
                    continue
                }
                guard let bytes = try readCapped(archive, at: member, compressed: true, failure: .corruptArchive) else {
                    if archive.isDamaged { return } else { continue }
                }
                let nested: ArchiveReader
                do { nested = try ArchiveReader(bytes: bytes, mode: .archive) } catch {
                    skip(.corruptArchive, member, "\(error)")
                    continue
                }
                try readMembers(of: nested, at: member, depth: depth + 1)
            } else {
                try readPayload(from: archive, named: entry.path, at: member, mtime: entry.modificationTime,
                                compressed: true, failure: .corruptArchive)
                if archive.isDamaged { return }
            }
        }
    }

    /// Reads a single payload (file, member or stream): JSONL streams record by record, compressed
    /// members are opened in memory, everything else becomes one document.
    /// `failure` is the reason counted when reading `input` itself fails.
    private func readPayload(from input: ByteSource, named name: String, at location: InputLocation, mtime: Int,
                             compressed: Bool, failure: SkipReason) throws {
        switch InputFormat.classify(name: name, kind: source.kind) {
        case .jsonl:
            try readRecords(from: input, at: location, mtime: mtime, compressed: compressed, failure: failure)
        case .compressed(let inner):
            // A compressed file inside an archive (`changelog.gz` in a tarball): bounded in memory.
            guard let bytes = try readCapped(input, at: location, compressed: compressed, failure: failure) else { return }
            guard let stream = openStream({ try ArchiveReader(bytes: bytes, mode: .compressedStream) }, location)
            else { return }
            try readPayload(from: stream, named: inner, at: location, mtime: mtime, compressed: true,
                            failure: .corruptStream)
        case .archive:
            // A compressed archive seen through a raw stream (`x.tar` inside `x.tar.gz.gz`): skip.
            skip(.nestedTooDeep, location, "archive inside a compressed stream")
        case .html, .text:
            let isHTML = InputFormat.classify(name: name, kind: source.kind) == .html
            guard let bytes = try readCapped(input, at: location, compressed: compressed, failure: failure) else { return }
            try emit(bytes: bytes, html: isHTML, at: location, mtime: mtime, record: nil)
        }
    }

    /// Opens a stream whose name promises compression; one that turns out uncompressed is corrupt
    /// (libarchive would otherwise pass its bytes through as they are).
    private func openStream(_ open: () throws -> ArchiveReader, _ location: InputLocation) -> ArchiveReader? {
        do {
            let stream = try open()
            guard !stream.filterNames.isEmpty else {
                skip(.corruptStream, location, "no compressed stream recognised")
                return nil
            }
            return stream
        } catch {
            skip(.corruptStream, location, "\(error)")
            return nil
        }
    }

    /// Reads a whole payload into memory, bounded by the size cap and the expansion-ratio cap.
    /// Returns nil (after counting the skip) when the payload is skipped.
    private func readCapped(_ input: ByteSource, at location: InputLocation, compressed: Bool,
                            failure: SkipReason) throws -> [UInt8]? {
        var bytes: [UInt8] = []
        let startConsumed = input.compressedBytesConsumed
        do {
            while true {
                let count = try chunk.withUnsafeMutableBytes { try input.read(into: $0) }
                if count == 0 { return bytes }
                bytes.append(contentsOf: chunk[0..<count])
                if bytes.count > config.maxDocumentBytes {
                    skip(.tooLarge, location, "more than \(config.maxDocumentBytes) bytes")
                    return nil
                }
                if compressed && exceedsRatio(expanded: bytes.count, consumed: input.compressedBytesConsumed - startConsumed) {
                    skip(.compressionRatio, location, "expanded to \(bytes.count) bytes from \(input.compressedBytesConsumed - startConsumed)")
                    return nil
                }
            }
        } catch {
            skip(failure, location, "after \(bytes.count) bytes: \(error)")
            return nil
        }
    }

    private func exceedsRatio(expanded: Int, consumed: Int) -> Bool {
        expanded > config.ratioFloorBytes && Double(expanded) > config.maxCompressionRatio * Double(max(consumed, 1))
    }

    /// Streams JSONL records: one document per line; bad lines are skipped with their offset.
    private func readRecords(from input: ByteSource, at location: InputLocation, mtime: Int, compressed: Bool,
                             failure: SkipReason) throws {
        var splitter = LineSplitter(maxLineBytes: config.maxDocumentBytes)
        var index = 0
        let startConsumed = input.compressedBytesConsumed
        var expanded = 0
        let handle: (LineSplitter.Line) throws -> Void = { line in
            defer { index += 1 }
            switch line {
            case .overlong(let offset, let seen):
                self.skip(.tooLarge, location, "line \(index + 1) at byte \(offset): more than \(seen - 1) bytes")
            case .line(let bytes, let offset):
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
                try self.readRecord(bytes, index: index, offset: offset, at: location, mtime: mtime)
            }
        }
        do {
            while true {
                let count = try chunk.withUnsafeMutableBytes { try input.read(into: $0) }
                if count == 0 { break }
                expanded += count
                if compressed && exceedsRatio(expanded: expanded, consumed: input.compressedBytesConsumed - startConsumed) {
                    return skip(.compressionRatio, location, "expanded to \(expanded) bytes; records after byte \(splitter.offset) dropped")
                }
                try chunk.withUnsafeBytes { try splitter.feed(UnsafeRawBufferPointer(rebasing: $0[0..<count]), handle) }
            }
        } catch let error as WriteFailure {
            throw error.underlying
        } catch {
            return skip(failure, location, "at byte \(splitter.offset) of the decompressed stream: \(error)")
        }
        do { try splitter.finish(handle) } catch let error as WriteFailure { throw error.underlying }
    }

    private func readRecord(_ line: UnsafeRawBufferPointer, index: Int, offset: Int, at location: InputLocation,
                            mtime: Int) throws {
        let where_ = "line \(index + 1) at byte \(offset)"
        let object: [String: JSONValue]
        do {
            object = try decoder.decode([String: JSONValue].self, from: Data(line))
        } catch {
            return skip(.malformedJSONL, location, "\(where_): not a JSON object")
        }
        guard let text = object[source.textField]?.stringValue ?? ChatRecordText.text(of: object) else {
            return skip(.missingTextField, location, "\(where_): no string field '\(source.textField)'")
        }
        var record = object
        record[source.textField] = nil
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBytes { raw in
            try emit(bytes: UnsafeRawBufferPointer(raw), html: false, at: location, mtime: mtime,
                     record: (index, record))
        }
        bytes.removeAll()
    }

    private func emit(bytes: [UInt8], html: Bool, at location: InputLocation, mtime: Int,
                      record: (index: Int, fields: [String: JSONValue])?) throws {
        try bytes.withUnsafeBytes { try emit(bytes: $0, html: html, at: location, mtime: mtime, record: record) }
    }

    /// Cleans text and writes one document.
    private func emit(bytes: UnsafeRawBufferPointer, html: Bool, at location: InputLocation, mtime: Int,
                      record: (index: Int, fields: [String: JSONValue])?) throws {
        let recordSuffix = record.map { "#\($0.index)" } ?? ""
        var text: String
        switch cleaner.clean(bytes) {
        case .failure(let notText): return skip(notText.reason, location, "\(recordSuffix) \(bytes.count) bytes: \(notText.detail)")
        case .success(let cleaned): text = cleaned
        }
        if html { text = HTMLText.extract(text) }
        guard text.utf8.count >= config.minTextBytes, text.contains(where: { !$0.isWhitespace }) else {
            return skip(.empty, location, recordSuffix)
        }
        var metadata = record?.fields ?? [:]
        // Our provenance keys win; a record's own field of the same name is kept under `record_<name>`.
        for key in ["path", "member", "domain", "license"] {
            if let clash = metadata.removeValue(forKey: key) { metadata["record_" + key] = clash }
        }
        metadata["path"] = .string(location.file.path)
        if let member = location.memberPath { metadata["member"] = .string(member) }
        metadata["domain"] = .string(source.domain)
        metadata["license"] = .string(source.license)
        let document = Document(id: source.name + "/" + location.key + recordSuffix, text: text, source: source.name,
                                added: iso8601(epochSeconds: mtime), metadata: metadata)
        do { try write(document) } catch { throw WriteFailure(underlying: error) }
        stats.documents += 1
        stats.textBytes += text.utf8.count
    }

    private func skip(_ reason: SkipReason, _ location: InputLocation, _ detail: String) {
        stats.count(reason)
        log("skip \(reason.rawValue) \(source.name) \(location.file.path)\(location.members.map { "!" + $0 }.joined()) \(detail)")
    }
}

/// Marks an output failure so it is rethrown, never mistaken for bad input and skipped.
struct WriteFailure: Error {
    var underlying: any Error
}

private extension ArchiveReader {
    /// After a failed member read libarchive's handle is unusable; the rest of the archive is lost.
    var isDamaged: Bool { lastReadFailed }
}
