import Foundation
import Testing
@testable import Curation

/// datatrove's English words (`SpaCyTokenizer("en").word_tokenize`, spaCy 3.8 `spacy.blank("en")`) for
/// hand-written edge cases, real paragraphs from this machine's files and seeded fuzz strings, made by
/// `Benchmarks/datatrove/make_tokenizer_golden.py`.
struct SpacyTokenizerGolden: Decodable {
    struct Header: Decodable {
        var datatrove: String
        var spacy: String
        var python: String
    }

    struct Record: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        /// "edge", "real" or "fuzz".
        var kind: String
        var text: String
        var words: [String]

        var testDescription: String { name }
    }

    var header: Header
    var records: [Record]

    /// `PLM_SPACY_GOLDEN=/path/to/file.json` runs the same tests against a bigger file made by the script
    /// (`--real 4000 --fuzz 20000 -o FILE`).
    static let url = ProcessInfo.processInfo.environment["PLM_SPACY_GOLDEN"].map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/spacy-tokenizer-golden.json")

    static func load() throws -> SpacyTokenizerGolden {
        try JSONDecoder().decode(SpacyTokenizerGolden.self, from: Data(contentsOf: url))
    }

    static let records: [Record] = (try? load())?.records ?? []
    static func records(_ kind: String) -> [Record] { records.filter { $0.kind == kind } }
}

private let tokenizer = SpacyEnglishTokenizer()

/// The words as plain strings (compared scalar by scalar: Swift's `==` would equate "é" and "e\u{301}").
private func words(_ text: String) -> [String] {
    tokenizer.words(text).map(String.init)
}

private func same(_ lhs: [String], _ rhs: [String]) -> Bool {
    lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { $0.unicodeScalars.elementsEqual($1.unicodeScalars) }
}

private func escaped(_ words: [String]) -> String {
    words.map { word in
        word.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? String($0) : "\\u{\(String($0.value, radix: 16))}" }
            .joined()
    }.joined(separator: " | ")
}

/// Token-level agreement: matching tokens of the longest common subsequence over the golden count.
private func commonTokens(_ a: [String], _ b: [String]) -> Int {
    if same(a, b) { return a.count }
    var row = [Int](repeating: 0, count: b.count + 1)
    for x in a {
        var diagonal = 0
        for j in 1...max(b.count, 1) where j <= b.count {
            let up = row[j]
            row[j] = x.unicodeScalars.elementsEqual(b[j - 1].unicodeScalars) ? diagonal + 1 : max(row[j], row[j - 1])
            diagonal = up
        }
    }
    return row[b.count]
}

@Suite("SpacyTokenizer")
struct SpacyTokenizerTests {
    @Test func fixtureLoads() throws {
        let golden = try SpacyTokenizerGolden.load()
        #expect(golden.header.spacy.hasPrefix("3.8"))
        #expect(golden.records.filter { $0.kind == "edge" }.count >= 150)
        #expect(golden.records.filter { $0.kind == "real" }.count >= 200)
    }

    @Test(arguments: SpacyTokenizerGolden.records("edge"))
    func edgeCase(_ record: SpacyTokenizerGolden.Record) {
        let got = words(record.text)
        #expect(same(got, record.words), "got \(escaped(got))\nwant \(escaped(record.words))")
    }

    @Test(arguments: SpacyTokenizerGolden.records("fuzz"))
    func fuzzCase(_ record: SpacyTokenizerGolden.Record) {
        let got = words(record.text)
        #expect(same(got, record.words), "got \(escaped(got))\nwant \(escaped(record.words))")
    }

    /// Real prose: reports the agreement and requires at least 99.5% of paragraphs identical.
    @Test func realText() {
        let records = SpacyTokenizerGolden.records("real")
        var identical = 0
        var tokens = 0
        var matching = 0
        for record in records {
            let got = words(record.text)
            tokens += record.words.count
            if same(got, record.words) {
                identical += 1
                matching += record.words.count
            } else {
                matching += commonTokens(got, record.words)
                print("differs: \(record.name)\n  got  \(escaped(got))\n  want \(escaped(record.words))")
            }
        }
        let paragraphShare = Double(identical) / Double(max(records.count, 1))
        let tokenShare = Double(matching) / Double(max(tokens, 1))
        print("spaCy tokenizer agreement on real text: \(identical)/\(records.count) paragraphs "
            + "(\(paragraphShare * 100)%), \(matching)/\(tokens) tokens (\(tokenShare * 100)%)")
        #expect(records.count >= 200)
        #expect(paragraphShare >= 0.995)
    }

    // MARK: One rule at a time

    @Test func whitespace() {
        #expect(words("") == [])
        #expect(words("   \n\t ") == [])
        #expect(words("a  b\tc\nd\u{A0}e\u{3000}f") == ["a", "b", "c", "d", "e", "f"])
        // A zero-width space is not whitespace to Python.
        #expect(words("a\u{200B}b") == ["a\u{200B}b"])
    }

    @Test func prefixes() {
        #expect(words("(hello") == ["(", "hello"])
        #expect(words("\"«'word") == ["\"", "«", "'", "word"])
        #expect(words("$5") == ["$", "5"])
        #expect(words("US$5 C$5 A$5") == ["US$", "5", "C$", "5", "A$", "5"])
        #expect(words("+abc") == ["+", "abc"])
        #expect(words("+5") == ["+5"])  // \+(?![0-9])
        #expect(words("...so") == ["...", "so"])
        #expect(words("……x") == ["…", "…", "x"])  // "…" precedes "……" in the prefix list
        #expect(words("§5 %x =y") == ["§", "5", "%", "x", "=", "y"])
    }

    @Test func suffixes() {
        #expect(words("hello)") == ["hello", ")"])
        #expect(words("end.") == ["end", "."])
        #expect(words("END.") == ["END", "."])  // (?<=[ALPHA_UPPER][ALPHA_UPPER])\.
        #expect(words("X.") == ["X."])  // one upper letter: no split
        #expect(words("5.") == ["5", "."])
        #expect(words("word...") == ["word", "..."])
        #expect(words("10km 5kg 3$ 20°C.") == ["10", "km", "5", "kg", "3", "$", "20", "°", "C", "."])
        #expect(words("km") == ["km"])  // units only after a digit
        #expect(words("5+") == ["5", "+"])
        #expect(words("John's") == ["John", "'s"])
        #expect(words("Mary’S") == ["Mary", "’S"])
    }

    @Test func infixes() {
        #expect(words("well-known") == ["well", "-", "known"])
        #expect(words("10-20") == ["10", "-", "20"])
        #expect(words("a--b a---b") == ["a", "--", "b", "a", "---", "b"])
        #expect(words("2+2=4") == ["2", "+", "2=4"])
        #expect(words("one.Two") == ["one", ".", "Two"])
        #expect(words("a,b 1,2") == ["a", ",", "b", "1,2"])
        #expect(words("word:Word 10:30 a/b") == ["word", ":", "Word", "10:30", "a", "/", "b"])
        #expect(words("x…y a..b") == ["x", "…", "y", "a", "..", "b"])
        #expect(words("hello😀world") == ["hello", "😀", "world"])
    }

    @Test func exceptions() {
        #expect(words("can't") == ["ca", "n't"])
        #expect(words("Can't") == ["Ca", "n't"])
        #expect(words("CAN'T") == ["CAN'T"])  // exceptions are case-sensitive
        #expect(words("cannot Cannot") == ["can", "not", "Can", "not"])
        #expect(words("gonna") == ["gon", "na"])
        #expect(words("U.S. e.g. Dr. a.m.") == ["U.S.", "e.g.", "Dr.", "a.m."])
        #expect(words(":) <3 ^_^") == [":)", "<3", "^_^"])
        #expect(words("(can't)") == ["(", "ca", "n't", ")"])
        #expect(words("\"Dr.") == ["\"", "Dr."])
    }

    @Test func specialCaseMatcher() {
        // "x:)" splits into x : ) by affixes; the matcher rejoins ":)".
        #expect(words("x:)") == ["x", ":)"])
        #expect(words("fopen():") == ["fopen", "(", "):"])
        // Across a space the tokens are not the rule's text: untouched.
        #expect(words(": )") == [":", ")"])
        // ... but that match still wins the overlap ("( :" is found before ": )"), as in spaCy.
        #expect(words("( :)x") == ["(", ":", ")", "x"])
        // A whitespace token in between (not a single space) breaks the phrase.
        #expect(words("(\t:)x") == ["(", ":)", "x"])
    }

    @Test func urls() {
        #expect(words("https://example.com/a-b/c.html") == ["https://example.com/a-b/c.html"])
        #expect(words("www.example.org/docs") == ["www.example.org/docs"])
        #expect(words("john.doe@example.com") == ["john.doe@example.com"])
        #expect(words("(see http://foo.org/a/b).") == ["(", "see", "http://foo.org/a/b", ")", "."])
        #expect(words("http://8.8.8.8:53/x") == ["http://8.8.8.8:53/x"])
        // Private IPs are not URLs; 'a/b' is not either, so it splits at the infix.
        #expect(SpacyURL.check("10.0.0.1/x") == false)
        #expect(SpacyURL.check("1.2.3.4/x") == true)
        #expect(SpacyURL.check("example.COM/x") == false)  // the TLD must be ALPHA_LOWER
        #expect(SpacyURL.check("a/b") == false)
        #expect(SpacyURL.check("localhost:8080/x") == false)
        #expect(SpacyURL.check("user@host.example.net:8080/x?y#z") == true)
    }

    @Test func isAlphaQuirk() {
        // datatrove retokenizes without "IS_ALPHA" when spaCy chokes on that token.
        #expect(words("the IS_ALPHA flag") == ["the", "flag"])
        #expect(words("IS_ALPHAS") == ["IS_ALPHAS"])
    }

    /// Many threads at once: the tables are shared and immutable.
    @Test func concurrentUse() async {
        let texts = SpacyTokenizerGolden.records("real").prefix(40).map(\.text)
        let expected = texts.map(words)
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { zip(texts, expected).allSatisfy { same(words($0), $1) } }
            }
            for await ok in group { #expect(ok) }
        }
    }
}

extension SpacyURL {
    /// `url_match` on a whole string (test helper).
    static func check(_ text: String) -> Bool {
        let scalars = text.unicodeScalars.map(\.value)
        return scalars.withUnsafeBufferPointer { matches($0.baseAddress!, 0, scalars.count, rules: .shared) }
    }
}

/// `forEachWord` tokenizes a large text in pieces cut where spaCy starts a whitespace token; its words
/// must be the whole-text pass's, whatever the piece size.
@Suite("SpacyTokenizer pieces")
struct SpacyTokenizerPieceTests {
    private static func streamed(_ text: String, pieceBytes: Int) -> [String] {
        var out: [String] = []
        SpacyEnglishTokenizer.forEachWord(in: text, pieceBytes: pieceBytes) { out.append(String(decoding: $0, as: UTF8.self)) }
        return out
    }

    @Test(arguments: [1, 3, 16, 200, 4096])
    func piecesGiveTheWholeTextsWords(pieceBytes: Int) throws {
        let texts = SpacyTokenizerGolden.records.map(\.text)
        #expect(texts.count > 200)
        // Joined with every separator the cut rule looks at, and some it must not cut at.
        let separators = ["\n", "\n\n", " ", "  ", "   \n", " \n ", "\t\n", "\u{3000}\n", ":)\n", "\u{a0} "]
        var joined = ""
        for (index, text) in texts.enumerated() { joined += text + separators[index % separators.count] }
        #expect(same(Self.streamed(joined, pieceBytes: pieceBytes), words(joined)))
        for text in texts.prefix(300) {
            #expect(same(Self.streamed(text, pieceBytes: pieceBytes), words(text)), "\(escaped(words(text)))")
        }
    }

    @Test func textWithTheIsAlphaQuirkTakesTheWholeTextPath() {
        let text = String(repeating: "one two.\n", count: 50) + "IS_ALPHA x\n" + String(repeating: "a  b\n", count: 50)
        #expect(same(Self.streamed(text, pieceBytes: 8), words(text)))
        #expect(!words(text).contains("IS_ALPHA"))
    }
}
