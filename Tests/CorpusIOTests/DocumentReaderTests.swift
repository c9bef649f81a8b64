import Foundation
import Testing
@testable import CorpusIO

@Suite("Document reader")
struct DocumentReaderTests {
    private struct IDAndText: Decodable {
        var id: String
        var text: String
    }

    private func writeZstd(_ text: String, to path: String) throws {
        let writer = try ZstdFileWriter(path: path)
        try writer.write(Array(text.utf8))
        try writer.commit()
    }

    @Test("decodes the named fields of each line, skips blank lines, reports a bad line with its number and offset")
    func fieldsAndBadLines() throws {
        try withTemporaryDirectory { folder in
            let path = folder + "/docs.jsonl.zst"
            // Line 2's metadata is not valid for any type the record names: it is never decoded.
            let lines = [#"{"id":"a","text":"first","metadata":{"deep":[1,{"x":null}]}}"#,
                         #"{"metadata":[true,false],"text":"second","id":"b","extra":"\u00e9"}"#,
                         "   ",
                         #"{"id":"c"}"#,
                         #"not json"#,
                         #"{"id":"d","text":"last"}"#]
            try writeZstd(lines.joined(separator: "\n") + "\n", to: path)
            var seen: [(String, String, Int)] = []
            var bad: [BadDocumentLine] = []
            try DocumentReader<IDAndText>(path: path).forEach({ record, line in
                seen.append((record.id, record.text, line.number))
            }, onBadLine: { bad.append($0) })
            #expect(seen.map(\.0) == ["a", "b", "d"] && seen.map(\.1) == ["first", "second", "last"])
            #expect(seen.map(\.2) == [1, 2, 6])
            #expect(bad.map(\.line) == [4, 5])
            let offsetOfLine4 = lines[0..<3].reduce(0) { $0 + $1.utf8.count + 1 }
            #expect(bad[0].offset == offsetOfLine4 && bad[0].reason == "no field 'text'")
            #expect(bad[1].reason.hasPrefix("invalid JSON"))
            #expect(bad[0].description.contains("docs.jsonl.zst line 4 (byte offset \(offsetOfLine4))"))
            // A stage that stops on bad lines gets the file and offset in the error.
            let error = #expect(throws: CorruptInputError.self) {
                try DocumentReader<IDAndText>(path: path).forEach({ _, _ in }, onBadLine: { throw $0.corruptInput })
            }
            #expect(error?.offset == offsetOfLine4)
        }
    }

    @Test("raw lines come through undecoded, plain .jsonl too")
    func rawLines() throws {
        try withTemporaryDirectory { folder in
            let path = folder + "/docs.jsonl"
            try writeFile(path, bytes("{\"id\":\"a\"}\n\n{\"id\":\"b\"}"))
            var raw: [String] = []
            try DocumentReader<IDAndText>(path: path).forEachLine({ raw.append(String(decoding: $0.bytes, as: UTF8.self)) },
                                                                  onBadLine: { Issue.record("unexpected \($0)") })
            #expect(raw == [#"{"id":"a"}"#, #"{"id":"b"}"#])
        }
    }
}
